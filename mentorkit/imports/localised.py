"""A table in her language: headers and coded values as the dashboards word them.

An export for a coordinator to hand on says ``Beskæftigelse: Uden for arbejdsstyrken``, not
``employment_status: outside_labour_force``: each column's header is its label in the
chosen language (:mod:`mentorkit.imports.headers`), each code its vocabulary's label, and a
list of codes its labels separated by ``", "``. An import reads all of it back (headers and
labels in any of the three languages, commas in lists), so such a file is also a file to
correct and import again.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"first_name": ["Amal"], "employment_status": ["outside_labour_force"],
...                    "languages": [["ar", "en"]]})
>>> localised(df, "person", "da").to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'Fornavn': 'Amal', 'Beskæftigelse': 'Uden for arbejdsstyrken',
  'Andre sprog': 'Arabisk, Engelsk'}]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.i18n import check_lang
from mentorkit.imports.headers import header
from mentorkit.model.schema import TABLES

__all__ = ["LIST_JOIN", "localised", "value_labels"]

#: How a list of labels is written in her language.
LIST_JOIN = ", "


def _vocabulary(table: str | None, column: str) -> tuple[vocab.Vocabulary | None, bool]:
    if table is None or table not in TABLES or column not in TABLES[table].c:
        return None, False
    info = TABLES[table].c[column].info
    name = info.get("vocab")
    return (vocab.get(name) if name else None), bool(info.get("multi"))


def value_labels(series: pd.Series, vocabulary: vocab.Vocabulary, lang: str,
                 multi: bool = False) -> pd.Series:
    """Codes as their labels in ``lang`` (a list as labels joined by ``", "``); a value that
    is no code of the vocabulary is kept as it is.

    Example
    -------
    >>> value_labels(pd.Series(["female", "x"]), vocab.GENDERS, "nl").tolist()
    ['Vrouw', 'x']
    """
    labels = vocabulary.labels(check_lang(lang))

    def one(value: Any) -> Any:
        if multi:
            if isinstance(value, (list, tuple, np.ndarray)):
                return LIST_JOIN.join(labels.get(str(v), str(v)) for v in value)
            return value
        if isinstance(value, str):
            return labels.get(value, value)
        return value

    return pd.Series([one(v) for v in series.tolist()], index=series.index, dtype=object)


def localised(df: pd.DataFrame, table: str | None, lang: str) -> pd.DataFrame:
    """``df`` with its headers and coded values in ``lang`` (columns of ``table``, and the
    reference columns of an import file such as ``programme`` or ``mentee_email``)."""
    code = check_lang(lang)
    out: dict[str, pd.Series] = {}
    for name in df.columns:
        column = str(name)
        series = df[name]
        vocabulary, multi = _vocabulary(table, column)
        if vocabulary is not None:
            series = value_labels(series, vocabulary, code, multi)
        out[header(table, column, code) if table else column] = series
    return pd.DataFrame(out, index=df.index)

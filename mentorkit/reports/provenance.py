"""Provenance of a report: package versions, parameters, seed, bootstrap draws, input fingerprint.

Every report (outcome study, network analysis, matching study, funder report) ends with
this table, so that a reader can tell whether two reports were made from the same data with
the same settings and software. The fingerprint is a SHA-256 of the input's *content*: id
and pseudonym columns (``id`` and ``*_id``) are left out and rows are put in a content order
first, so an extract made again with a new random pseudonym key has the same fingerprint,
and any changed value gives a different one. No value of the input is shown, only the hash.

Example
-------
>>> import pandas as pd
>>> a = pd.DataFrame({"id": ["f0", "a1"], "age": [30, 40]})
>>> b = pd.DataFrame({"id": ["9c", "3e"], "age": [40, 30]})
>>> fingerprint({"person": a}) == fingerprint({"person": b})
True
>>> provenance({"person": a}, {"lang": "da"}, seed=0, n_boot=1000, lang="en").index[0]
'mentorkit'
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import pandas as pd

from mentorkit.i18n import Catalogue, check_lang
from mentorkit.vocab import Lang

__all__ = ["PACKAGES", "TEXT", "fingerprint", "provenance", "provenance_html", "versions"]

PACKAGES = ("mentorkit", "numpy", "pandas", "scipy", "statsmodels", "lifelines", "networkx",
            "matplotlib", "papermill")
"""The packages whose versions a report records (those installed)."""

TEXT = Catalogue("reports.provenance", {
    "title": {"da": "Sådan blev rapporten lavet", "en": "How this report was made",
              "nl": "Hoe dit rapport is gemaakt"},
    "item": {"da": "Punkt", "en": "Item", "nl": "Onderdeel"},
    "value": {"da": "Værdi", "en": "Value", "nl": "Waarde"},
    "python": {"da": "Python", "en": "Python", "nl": "Python"},
    "seed": {"da": "Startværdi for tilfældige tal (seed)", "en": "Random seed",
             "nl": "Startwaarde toevalsgetallen (seed)"},
    "n_boot": {"da": "Bootstrap-træk", "en": "Bootstrap draws", "nl": "Bootstrap-trekkingen"},
    "fingerprint": {"da": "Fingeraftryk af data (SHA-256, uden id'er)",
                    "en": "Fingerprint of the input (SHA-256, ids left out)",
                    "nl": "Vingerafdruk van de invoer (SHA-256, zonder id's)"},
    "rows": {"da": "Rækker i data", "en": "Rows of input", "nl": "Rijen invoer"},
    "parameter": {"da": "Parameter {name}", "en": "Parameter {name}", "nl": "Parameter {name}"},
    "set": {"da": "angivet", "en": "given", "nl": "opgegeven"},
    "order": {"da": "Rækkefølge før genudtræk",
              "en": "Row order before resampling",
              "nl": "Volgorde vóór hertrekking"},
    "order_value": {"da": "efter indhold (ikke pseudonym)", "en": "by content (not pseudonym)",
                    "nl": "op inhoud (niet pseudoniem)"},
})
"""The words of the provenance table."""


def versions(packages: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each package (those not installed are left out).

    Example
    -------
    >>> "pandas" in versions()
    True
    """
    out: dict[str, str] = {}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


SKIPPED_TABLES = ("manifest",)
"""Tables about the extract rather than data in it (when it was made, the key's hash)."""


def _is_id(table: str, column: str) -> bool:
    from mentorkit.privacy.classes import extract_rule

    if column == "id" or column.endswith("_id"):
        return True
    try:                                   # a reference: an id (a pseudonym in an extract)
        return extract_rule(table, column).startswith("pseudonym:")
    except KeyError:                       # not a column of the model
        return False


def _content(frame: pd.DataFrame, table: str = "") -> pd.DataFrame:
    keep = sorted(c for c in frame.columns if not _is_id(table, str(c)))
    out = frame[keep].copy()
    for c in keep:
        if out[c].map(lambda v: isinstance(v, (list, tuple, set))).any():
            out[c] = out[c].map(lambda v: ",".join(sorted(map(str, v)))
                                if isinstance(v, (list, tuple, set)) else v)
    out = out.astype("string")
    return out.sort_values(keep, kind="stable", na_position="last").reset_index(drop=True) \
        if keep else out


def fingerprint(data: pd.DataFrame | Mapping[str, pd.DataFrame]) -> str:
    """SHA-256 (hex, first 24 digits: never mistaken for a 16-digit pseudonym) of the content
    of a table or of tables by name.

    Columns ``id``, ``*_id`` and references (ids and pseudonyms) are left out, as is the
    extract's ``manifest`` (when and with which key it was made); the rows are sorted by
    content, so the fingerprint does not change with a new pseudonym key or row order.

    Example
    -------
    >>> fingerprint(pd.DataFrame({"x": [1, 2]})) == fingerprint(pd.DataFrame({"x": [2, 1]}))
    True
    """
    frames = {"table": data} if isinstance(data, pd.DataFrame) else dict(data)
    h = hashlib.sha256()
    for name in sorted(n for n in frames if n not in SKIPPED_TABLES):
        content = _content(frames[name], name)
        h.update(name.encode())
        h.update(",".join(map(str, content.columns)).encode())
        h.update(pd.util.hash_pandas_object(content, index=False).to_numpy().tobytes())
    return h.hexdigest()[:24]


def _rows(data: pd.DataFrame | Mapping[str, pd.DataFrame]) -> int:
    if isinstance(data, pd.DataFrame):
        return len(data)
    return int(sum(len(f) for n, f in data.items() if n not in SKIPPED_TABLES))


def provenance(data: pd.DataFrame | Mapping[str, pd.DataFrame],
               parameters: Mapping[str, Any] | None = None, seed: int | None = None,
               n_boot: int | None = None, lang: Lang = "en") -> pd.DataFrame:
    """The provenance table of a report: one row per item, with its value.

    Parameters
    ----------
    data : the input the report analysed (a table, or tables by name).
    parameters : the report's parameters (name -> value); ``db`` and ``extract`` are
        shown only as set or not, never as a path.
    seed, n_boot : the random seed and bootstrap draws (left out when None).
    lang : da, en or nl.

    Example
    -------
    >>> p = provenance(pd.DataFrame({"x": [1]}), {"db": "/secret/path.db"}, lang="da")
    >>> "/secret" in p.to_string()
    False
    """
    lang = check_lang(lang)
    rows: list[tuple[str, str]] = [(k, v) for k, v in versions().items()]
    rows.append((TEXT.text("python", lang), platform.python_version()))
    for name, value in (parameters or {}).items():
        private = name in ("db", "extract")
        shown = (TEXT.text("set", lang) if value else "-") if private else (
            value if isinstance(value, str) and value else repr(value))
        rows.append((TEXT.text("parameter", lang, name=name), shown))
    if seed is not None:
        rows.append((TEXT.text("seed", lang), str(seed)))
    if n_boot is not None:
        rows.append((TEXT.text("n_boot", lang), str(n_boot)))
    rows.append((TEXT.text("order", lang), TEXT.text("order_value", lang)))
    rows.append((TEXT.text("rows", lang), str(_rows(data))))
    rows.append((TEXT.text("fingerprint", lang), fingerprint(data)))
    out = pd.DataFrame(rows, columns=[TEXT.text("item", lang), TEXT.text("value", lang)])
    return out.set_index(TEXT.text("item", lang))


def provenance_html(data: pd.DataFrame | Mapping[str, pd.DataFrame],
                    parameters: Mapping[str, Any] | None = None, seed: int | None = None,
                    n_boot: int | None = None, lang: Lang = "en", heading: bool = False) -> Any:
    """:func:`provenance` as an HTML table for a report (no value cut short, as a
    DataFrame's display would cut a long parameter), with its heading when ``heading``.

    Example
    -------
    >>> "<table>" in provenance_html(pd.DataFrame({"x": [1]}), {"covariates": "a" * 80})
    True
    """
    import html

    from mentorkit.reports.tables import Html, html_table

    table = provenance(data, parameters, seed, n_boot, lang)
    rows = [[html.escape(str(k)), html.escape(str(v))]
            for k, v in zip(table.index, table.iloc[:, 0])]
    head = f"<h2>{html.escape(TEXT.text('title', lang))}</h2>" if heading else ""
    return Html(head + html_table([html.escape(str(table.index.name)),
                                   html.escape(str(table.columns[0]))], rows))

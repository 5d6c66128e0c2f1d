"""Finding a programme the way people name it: by id, by pseudonym or by name.

Notebooks, reports and commands take ``programme`` as typed by a person: ``5``,
``"Vollsmose"``, ``"vollsmose"``, or, in a research extract whose ids are pseudonyms,
``"5282c92f6604b59a"``. :func:`programme_id` turns that into the id as the programme table
writes it, or None for "all programmes".

Example
-------
>>> import pandas as pd
>>> programmes = pd.DataFrame({"id": [1, 5], "name": ["Tingbjerg", "Vollsmose"]})
>>> programme_id(programmes, "vollsmose"), programme_id(programmes, 1), programme_id(programmes, "")
(5, 1, None)
>>> programme_id(programmes, "Atlantis")
Traceback (most recent call last):
...
mentorkit.errors.UnknownProgramme: no programme called 'Atlantis'; known: Tingbjerg, Vollsmose
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import UnknownProgramme

__all__ = ["programme_id"]


def programme_id(programmes: pd.DataFrame, programme: Any) -> Any:
    """The id of ``programme`` (an id, a pseudonym or a name, case-insensitive) as
    ``programmes["id"]`` writes it: an ``int`` for the store's ids, text for pseudonyms.
    None or blank text means all programmes (None). Unknown: :class:`UnknownProgramme`."""
    if programme is None or (isinstance(programme, str) and not programme.strip()):
        return None
    text = str(programme).strip()
    ids = programmes["id"]
    numeric = pd.api.types.is_numeric_dtype(ids) and not pd.api.types.is_bool_dtype(ids)
    known = ids.astype("int64") if numeric else ids.astype("str")
    hit = known[(known.astype("str") == text).to_numpy()]
    if not len(hit):
        names = programmes["name"].astype("str").str.casefold()
        hit = known[(names == text.casefold()).to_numpy()]
    if len(hit):
        return int(hit.iloc[0]) if numeric else str(hit.iloc[0])
    if isinstance(programme, (int, np.integer)) or text.isdigit():
        raise UnknownProgramme(f"no programme with id {text}")
    listed = ", ".join(programmes["name"].astype("str"))
    raise UnknownProgramme(f"no programme called {programme!r}; known: {listed}")

"""Write a table to CSV or Excel that a spreadsheet opens safely and an import reads back.

- CSV: UTF-8 with a byte-order mark (so Excel shows æ, ø, å), ``;`` as separator (what
  Danish and Dutch Excel expect, since their decimal mark is the comma), CRLF line ends,
  dates ``yyyy-mm-dd``, times ``yyyy-mm-dd HH:MM:SS``, decimals with a point.
- Excel (``.xlsx``, by the file's suffix): one sheet, numbers as numbers, dates as dates,
  everything else as text.
- Lists of codes are written ``ar|en``; JSON objects as JSON text.
- Every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading ``'`` so no spreadsheet runs it as a formula (CSV/formula injection); an
  import removes that ``'`` again. In Excel every text cell is a typed text cell (never a
  formula), so a phone number such as ``+45 20 30 40 50`` (digits, spaces, ``+-()./``
  only: nothing a formula could call) is written as it is, without a visible ``'``.
- In her language (``lang="da"``, ``"en"`` or ``"nl"``): headers are the form's labels and
  coded values their labels, lists ``Arabisk, Engelsk`` (:mod:`mentorkit.imports.localised`),
  CSV dates day first (``31-12-2024``); an import reads such a file back.

The file is written whole or not at all, readable by its owner only (mode 600): see
:func:`mentorkit.files.atomic_write` (a full disk raises :class:`~mentorkit.files.DiskFull`
and leaves nothing behind).

Given a DataFrame, its columns are written as they are. Given a :class:`Store` and a kind
(``people``, ``mentors``, ``mentees``, ``matches``, ``followups``, ``outcomes``, or their
table names), the rows are written in the importer's own format: programmes and partners by
name, people by e-mail (an id column only for rows where the e-mail is missing or shared),
without bookkeeping columns; any other table name is written as stored.

Example
-------
>>> import pandas as pd, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = export_table(pd.DataFrame({"notes": ['=HYPERLINK("http://x","y")'],
...                                "languages": [["ar", "en"]]}), path)
>>> path.read_bytes().decode("utf-8-sig").splitlines()[1]
'"\\'=HYPERLINK(""http://x"",""y"")";ar|en'
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorkit.errors import ValidationError
from mentorkit.files import atomic_write
from mentorkit.imports.columns import IGNORED, KINDS, SPECS
from mentorkit.imports.localised import localised
from mentorkit.model.frames import kind
from mentorkit.model.schema import TABLES, user_columns
from mentorkit.model.validation import FORMULA_START

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["CSV_SEPARATOR", "export_table", "importable_view"]

CSV_SEPARATOR = ";"
_RISKY = "|".join(["[" + re.escape("".join(FORMULA_START)) + "]",
                   "'[" + re.escape("".join(FORMULA_START)) + "']"])
# text a formula cannot run: a phone number, a number written as text
_NUMBER_LIKE = re.compile(r"^[+\-]?[\d\s().\-/]*\d[\d\s().\-/]*$")
_VIEW_KINDS = {"people": "people", "person": "people", "mentors": "mentors",
               "mentees": "mentees", "matches": "matches", "match": "matches",
               "followups": "followups", "followup": "followups", "outcomes": "outcomes",
               "outcome": "outcomes"}


def export_table(df_or_store: pd.DataFrame | Store, path: str | Path,
                 table: str | None = None, lang: str | None = None) -> Path:
    """Write a DataFrame, or a table of a store, to ``path`` (``.csv`` or ``.xlsx``).

    Parameters
    ----------
    df_or_store:
        A DataFrame (written as it is) or a Store (then ``table`` is required).
    path:
        The file to write; its suffix chooses the format.
    table:
        The table or kind the rows are, used for column types and, with a Store, which rows
        to write (``people``/``mentors``/… in the import format; other names as stored).
    lang:
        ``da``, ``en`` or ``nl`` for headers and values as labels in that language (and, from
        a Store, a match list with the names of mentee and mentor); ``None`` for column
        names and codes.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            f"can export to .csv or .xlsx, not {suffix or 'a file without suffix'}")
    if isinstance(df_or_store, pd.DataFrame):
        df = df_or_store
    else:
        if table is None:
            raise ValidationError("say which table to export from the store")
        df = importable_view(df_or_store, table, names=lang is not None)
    name = _table_name(table)
    if lang is not None:
        df = localised(df, name, lang)
        name = None  # the columns now have her headers: their kinds come from the values
    with atomic_write(path) as tmp:  # whole or not at all, mode 600; a full disk says so
        if suffix == ".csv":
            text = _as_text(df, name, day_first=lang is not None)
            text.to_csv(tmp, sep=CSV_SEPARATOR, index=False, encoding="utf-8-sig",
                        lineterminator="\r\n")
        else:
            _write_xlsx(df, name, tmp, sheet=(table or "data"))
    return path


def _table_name(table: str | None) -> str | None:
    if table is None:
        return None
    kind_name = _VIEW_KINDS.get(table)
    if kind_name:
        return SPECS[kind_name].table
    return table if table in TABLES else None


def _kind_of(table: str | None, name: str, series: pd.Series) -> str:
    if table and name in TABLES[table].c:
        k = kind(TABLES[table].c[name])
        numeric = pd.api.types.is_numeric_dtype(series)
        if (k in ("int", "float") and numeric) or (
                k in ("date", "datetime") and pd.api.types.is_datetime64_any_dtype(series)) or (
                k not in ("int", "float", "date", "datetime")):
            return k
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    sample = series.dropna()
    first = sample.iloc[0] if len(sample) else None
    if isinstance(first, (list, tuple, np.ndarray)):
        return "list"
    if isinstance(first, dict):
        return "json"
    return "str"


def neutralised(series: pd.Series) -> pd.Series:
    """Text with a ``'`` before every cell a spreadsheet would run as a formula.

    As :func:`mentorkit.model.validation.neutralise_formula`, over a whole column; a cell that
    already starts with ``'`` and then such a character (or another ``'``) gets one more, so
    that an import, which removes exactly one, gives back the text as it was.

    Example
    -------
    >>> neutralised(pd.Series(["=1+1", "+45 12", "'=x", "'abc", "ok"])).tolist()
    ["'=1+1", "'+45 12", "''=x", "'abc", 'ok']
    """
    text = series.astype("str")
    risky = text.str.match(_RISKY).fillna(False).astype(bool)
    return text.where(~risky, "'" + text)


def _dates(series: pd.Series, date_only: bool, day_first: bool = False) -> pd.Series:
    stamps = pd.to_datetime(series)
    if not date_only:
        times = stamps.dropna()
        date_only = bool(len(times)) and bool((times == times.dt.normalize()).all())
    day = "%d-%m-%Y" if day_first else "%Y-%m-%d"
    return stamps.dt.strftime(day if date_only else day + " %H:%M:%S")


def _as_text(df: pd.DataFrame, table: str | None, day_first: bool = False) -> pd.DataFrame:
    """Every cell as the text a CSV file holds ("" when empty)."""
    out: dict[str, pd.Series] = {}
    for name in df.columns:
        series = df[name]
        k = _kind_of(table, str(name), series)
        if k == "list":
            text = series.map(lambda v: "|".join(map(str, v))
                              if isinstance(v, (list, tuple, np.ndarray)) else v)
            text = neutralised(text)
        elif k == "json":
            text = series.map(lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)
                              if isinstance(v, (dict, list)) else v)
            text = neutralised(text)
        elif k in ("date", "datetime"):
            text = _dates(series, k == "date", day_first)
        elif k == "int":
            text = pd.Series(series.astype("Int64").array, index=series.index).astype("str")
        elif k in ("float", "bool"):
            text = series.astype("str").where(series.notna())
        else:
            text = neutralised(series)
        out[str(neutralised(pd.Series([str(name)])).iat[0])] = text.astype("str").fillna("")
    return pd.DataFrame(out, index=df.index)


def _xlsx_value(value: Any, k: str) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if k in ("date", "datetime"):
        stamp = pd.Timestamp(value)
        return stamp.date() if k == "date" else stamp.to_pydatetime()
    if k == "int":
        return int(value)
    if k == "float":
        return float(value)
    if k == "bool":
        return bool(value)
    return value


def _write_xlsx(df: pd.DataFrame, table: str | None, path: Path, sheet: str) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
    from openpyxl.styles import Font

    text = _as_text(df, table)
    kinds = [_kind_of(table, str(c), df[c]) for c in df.columns]
    typed_kinds = {"date", "datetime", "int", "float", "bool"}
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(title="".join(ch for ch in sheet if ch not in "[]:*?/\\")[:31] or "data")
    bold = Font(bold=True)
    header = []
    for name in text.columns:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(name)))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    source = [df[c].tolist() for c in df.columns]
    cells = [text[c].tolist() for c in text.columns]
    for i in range(len(df)):
        row: list[Any] = []
        for j, k in enumerate(kinds):
            if k in typed_kinds:
                value = _xlsx_value(source[j][i], k)
                if k == "datetime" and isinstance(value, dt.datetime) and value.tzinfo:
                    value = value.replace(tzinfo=None)
                row.append(value)
                continue
            value = cells[j][i] or None
            if value is None:
                row.append(None)
                continue
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("'") and _NUMBER_LIKE.match(value[1:]):
                value = value[1:]  # a typed text cell is safe: no visible apostrophe
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # text, never a formula, whatever it starts with
            cell.number_format = "@"
            row.append(cell)
        ws.append(row)
    # the zip is built in memory and written at once: openpyxl's own file, left open by a
    # failed write, would try to finish itself on a full disk when it is collected
    buffer = io.BytesIO()
    book.save(buffer)
    with open(path, "wb") as fh:
        fh.write(buffer.getbuffer())


def importable_view(store: Store, table: str, names: bool = False) -> pd.DataFrame:
    """Rows of ``store`` in the import format of a kind, or a table as stored.

    ``names=True`` adds the names of mentee and mentor next to their e-mails in a match
    list (for a coordinator, who may see them; an import ignores those columns). A name that
    is neither a kind nor a table is refused with the kinds one can export.

    Example
    -------
    >>> from mentorkit.store import Store
    >>> s = Store.open(":memory:")
    >>> _ = s.programmes.add(name="Vollsmose")
    >>> _ = s.people.add(programme_id=1, role="mentor", email="a@example.org", first_name="A",
    ...                  registered_on="2026-01-05", consent_given_at="2026-01-05 12:00",
    ...                  consent_scope=["casework"])
    >>> importable_view(s, "mentors")[["programme", "role", "email"]].values.tolist()
    [['Vollsmose', 'mentor', 'a@example.org']]
    """
    kind_name = _VIEW_KINDS.get(table)
    if kind_name is None:
        if table not in TABLES:
            raise ValidationError(f"cannot export {table!r}: choose one of {', '.join(KINDS)}")
        return store.table(table)
    spec = SPECS[kind_name]
    rows = store.table(spec.table)
    programmes = store.table("programme").set_index("id")["name"]
    people = store.table("person")
    out = pd.DataFrame(index=rows.index)
    if spec.table == "person":
        rows = rows[rows["erased_at"].isna()]
        if spec.role:
            rows = rows[rows["role"] == spec.role]
        out = pd.DataFrame(index=rows.index)
        out["programme"] = rows["programme_id"].map(programmes)
        partners = store.table("partner")
        for name in user_columns("person"):
            if name == "programme_id":
                continue
            if name == "referred_by":
                out[name] = _partner_names(rows, partners)
            else:
                out[name] = rows[name]
        return out.reset_index(drop=True)
    if spec.table == "match":
        out["programme"] = rows["programme_id"].map(programmes)
        _person_refs(out, rows["mentee_id"], people, "mentee_email", "mentee_id")
        _person_refs(out, rows["mentor_id"], people, "mentor_email", "mentor_id")
        if names:
            full = (people["first_name"].fillna("") + " "
                    + people["last_name"].fillna("")).str.strip()
            full = pd.Series(full.to_numpy(), index=people["id"].to_numpy())
            out.insert(1, "mentee_name", rows["mentee_id"].map(full))
            out.insert(list(out.columns).index("mentor_email"), "mentor_name",
                       rows["mentor_id"].map(full))
    elif spec.table == "followup":
        matches = store.table("match").set_index("id")
        mentee = rows["match_id"].map(matches["mentee_id"])
        mentor = rows["match_id"].map(matches["mentor_id"])
        ok_mentee = _person_refs(out, mentee, people, "mentee_email", None)
        ok_mentor = _person_refs(out, mentor, people, "mentor_email", None)
        pairs = matches["mentee_id"].astype("str") + "|" + matches["mentor_id"].astype("str")
        shared = (mentee.astype("str") + "|" + mentor.astype("str")).isin(
            set(pairs[pairs.duplicated()].tolist()))
        needs_id = shared | ~ok_mentee | ~ok_mentor
        if needs_id.any():
            out["match_id"] = rows["match_id"].where(needs_id)
    elif spec.table == "outcome":
        _person_refs(out, rows["person_id"], people, "email", "person_id")
    skip = {"programme_id", "mentee_id", "mentor_id", "match_id", "person_id"} | IGNORED
    for name in rows.columns:
        if name not in skip:
            out[name] = rows[name]
    return out.reset_index(drop=True)


def _person_refs(out: pd.DataFrame, ids: pd.Series, people: pd.DataFrame, email_column: str,
                 id_column: str | None) -> pd.Series:
    """Fill ``email_column`` (and ``id_column`` where the e-mail cannot say who)."""
    emails = people.set_index("id")["email"]
    folded = emails.str.strip().str.casefold()
    unique = ~folded.duplicated(keep=False) & emails.notna()
    email = ids.map(emails)
    ok = ids.isin(unique[unique].index).fillna(False).astype(bool)
    out[email_column] = email.where(ok)
    if id_column is not None and not ok.all():
        out[id_column] = ids.where(~ok)
    return ok


def _partner_names(rows: pd.DataFrame, partners: pd.DataFrame) -> pd.Series:
    """A partner's name, or its id number where the name is not unique in the programme."""
    if partners.empty:
        return pd.Series(pd.NA, index=rows.index, dtype="str")
    key = partners["programme_id"].astype("str") + "|" + partners["name"].str.casefold()
    unique = ~key.duplicated(keep=False)
    names = partners.set_index("id")["name"]
    good_ids = partners["id"][unique.to_numpy()]
    name = rows["referred_by"].map(names)
    good = rows["referred_by"].isin(good_ids).fillna(False).astype(bool)
    return name.where(good, rows["referred_by"].astype("str").where(rows["referred_by"].notna()))

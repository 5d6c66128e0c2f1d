"""Empty files to fill in: a template per kind, with headers in her language.

``mentorkit template mentees --lang da`` writes ``mentees.xlsx``: one header row in Danish
(the words of the intake form: :mod:`mentorkit.imports.headers`), a drop-down of the labels
of its vocabulary under every coded column (Excel's data validation, the labels on a hidden
sheet), date columns formatted day first, text columns such as phone and postcode formatted
as text (leading zeros kept), and a note on each header saying what goes in. A ``.csv``
template is the header row alone (UTF-8 with BOM, ``;``). Filled in, either imports as it
is (:func:`mentorkit.imports.import_file`): headers and labels in any of the three
languages, lists separated by commas.

Example
-------
>>> import pathlib, tempfile
>>> path = write_template("mentees", pathlib.Path(tempfile.mkdtemp()) / "m.csv", "nl")
>>> path.read_text(encoding="utf-8-sig").split(";")[:3]
['Programma', 'Doorverwezen door', 'Voornaam']
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from mentorkit import vocab
from mentorkit.casework.rules import REQUIRED, ROLE_ONLY
from mentorkit.errors import ValidationError
from mentorkit.files import atomic_write
from mentorkit.i18n import Catalogue, check_lang, load
from mentorkit.imports.columns import SPECS, KindSpec
from mentorkit.imports.exporting import CSV_SEPARATOR
from mentorkit.imports.headers import header
from mentorkit.imports.localised import LIST_JOIN
from mentorkit.model.frames import kind as column_kind
from mentorkit.model.schema import TABLES

__all__ = ["template_columns", "write_template"]

# the reference columns a template of each table starts with
_REFS = {"person": ("programme", "referred_by"), "match": ("mentee_email", "mentor_email"),
         "followup": ("mentee_email", "mentor_email"), "outcome": ("email",)}
_ROWS = 1000  # rows that get the drop-downs and formats


@functools.cache
def _texts() -> Catalogue:
    return load("imports.headers.own", __package__ or "mentorkit.imports", "headers.toml")


def template_columns(kind: str) -> list[str]:
    """The columns of a ``kind`` template: references first, then the fields, without the
    fields of other roles (a mentee template has no capacity) and without JSON.

    Example
    -------
    >>> template_columns("matches")[:3]
    ['mentee_email', 'mentor_email', 'status']
    >>> "capacity" in template_columns("mentees"), "capacity" in template_columns("mentors")
    (False, True)
    """
    spec = _spec(kind)
    only = ROLE_ONLY.get(spec.table, {})
    fields = [c for c in spec.direct
              if column_kind(TABLES[spec.table].c[c]) != "json"
              and not (spec.role and c == "role")
              and not (spec.role and c in only and spec.role not in only[c])]
    return [*_REFS[spec.table], *fields]


def _spec(kind: str) -> KindSpec:
    if kind not in SPECS:
        raise ValidationError(f"there is no template for {kind!r}: choose one of "
                              f"{', '.join(SPECS)}")
    return SPECS[kind]


def write_template(kind: str, path: str | Path, lang: str = "en") -> Path:
    """Write an empty ``kind`` file to fill in (``.xlsx`` with drop-downs, or ``.csv``).

    Parameters
    ----------
    kind : mentors, mentees, people, matches, followups or outcomes.
    path : the file to write; its suffix chooses the format.
    lang : the language of the headers and drop-downs (da, en or nl).

    Returns
    -------
    Path
        The file written (whole or not at all, mode 600).
    """
    code = check_lang(lang)
    spec = _spec(kind)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            f"a template is a .csv or .xlsx file, not {suffix or 'a file without suffix'}")
    columns = template_columns(kind)
    names = [header(spec.table, c, code) for c in columns]
    with atomic_write(path) as tmp:
        if suffix == ".csv":
            tmp.write_bytes((CSV_SEPARATOR.join(names) + "\r\n").encode("utf-8-sig"))
        else:
            tmp.write_bytes(_workbook(spec, columns, names, code))
    return path


def _note(spec: KindSpec, column: str, lang: str) -> tuple[str | None, list[str]]:
    """What goes in a column (a note for its header) and the labels of its vocabulary."""
    texts = _texts()
    required = column in spec.required or column in REQUIRED.get(spec.table, ())
    prefix = texts.text("template.required", lang) + ". " if required else ""
    if column not in TABLES[spec.table].c:
        return (prefix.strip() or None), []
    col = TABLES[spec.table].c[column]
    k = column_kind(col)
    name = col.info.get("vocab")
    if name:
        labels = list(vocab.get(name).labels(check_lang(lang)).values())
        if k == "list":
            example = LIST_JOIN.join(labels[:2])
            return prefix + texts.text("template.several", lang, example=example), labels
        return prefix + texts.text("template.choose", lang), labels
    if k in ("date", "datetime"):
        return prefix + texts.text("template.date", lang), []
    if k == "int":
        return prefix + texts.text("template.number", lang), []
    if column in ("phone", "postcode"):
        return prefix + texts.text("template.text", lang), []
    return (prefix.strip() or None), []


def _workbook(spec: KindSpec, columns: list[str], names: list[str], lang: str) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spec.kind
    lists = book.create_sheet(_texts().text("template.lists", lang))
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    list_column = 0
    for i, (column, name) in enumerate(zip(columns, names), start=1):
        letter = get_column_letter(i)
        cell = sheet.cell(row=1, column=i, value=name)
        cell.font = bold
        sheet.column_dimensions[letter].width = max(12, min(40, len(name) + 4))
        note, labels = _note(spec, column, lang)
        if note:
            cell.comment = Comment(note, "mentorkit")
        cells = f"{letter}2:{letter}{_ROWS + 1}"
        k = column_kind(TABLES[spec.table].c[column]) if column in TABLES[spec.table].c \
            else "str"
        if k in ("date", "datetime"):
            for row in sheet.iter_rows(min_row=2, max_row=_ROWS + 1, min_col=i, max_col=i):
                row[0].number_format = "DD-MM-YYYY"
        elif k == "str" and not labels:
            for row in sheet.iter_rows(min_row=2, max_row=_ROWS + 1, min_col=i, max_col=i):
                row[0].number_format = "@"
        if labels:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=name)
            for j, label in enumerate(labels, start=2):
                lists.cell(row=j, column=list_column, value=label)
            source = f"'{lists.title}'!${list_letter}$2:${list_letter}${len(labels) + 1}"
            # a list cell takes several labels separated by commas, which a drop-down alone
            # would refuse: there the drop-down helps and does not forbid
            strict = k != "list"
            check = DataValidation(type="list", formula1=f"={source}", allow_blank=True,
                                   showErrorMessage=strict, showInputMessage=bool(note),
                                   prompt=note, errorStyle="stop" if strict else "warning")
            check.add(cells)
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

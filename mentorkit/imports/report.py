"""The report of one import: what was read, what was written, and every problem found.

Rows are numbered as the coordinator sees them in the spreadsheet (the header is row 1).
A problem's value (the offending cell) appears only in :meth:`ImportReport.to_text` with
``show_values=True`` and in :meth:`ImportReport.to_frame`: the report is for the person who
uploaded the file. :meth:`ImportReport.summary`, exception messages and logs never carry a
value.

Example
-------
>>> from mentorkit.model.validation import Problem
>>> r = ImportReport("people.csv", "mentees", rows=2,
...                  problems=[Problem(3, "birth_year", "not a whole number",
...                                    "a year like 1984", "nineteen")])
>>> r.ok
False
>>> print(r.to_text(show_values=True).splitlines()[-1])  # doctest: +NORMALIZE_WHITESPACE
  people.csv, row 3, column 'birth_year': not a whole number (got 'nineteen');
  allowed: a year like 1984
>>> "nineteen" in r.summary()
False
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from mentorkit.model.validation import Problem

__all__ = ["ImportReport", "Problem"]

#: Lines :meth:`ImportReport.to_text` prints before it says "and N more".
MAX_LINES = 500


@dataclass
class ImportReport:
    """What an import read, wrote and found wrong.

    Attributes
    ----------
    file, kind:
        The file's name (not its folder) and what it was imported as.
    rows:
        Data rows read (blank rows not counted).
    inserted:
        Rows written (or, in a dry run, that would be written).
    already_present:
        Rows that were already in the database with the same values (skipped).
    problems:
        Every problem found; any problem means nothing was written.
    """

    file: str
    kind: str
    rows: int = 0
    inserted: int = 0
    already_present: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    encoding: str | None = None
    separator: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file had no problem."""
        return not self.problems

    def summary(self) -> str:
        """One line without any value from the file (safe for logs and exceptions)."""
        if self.ok:
            verb = "would insert" if self.dry_run else "inserted"
            return (f"{self.file} ({self.kind}): {self.rows} rows read, {verb} {self.inserted}, "
                    f"{self.already_present} already present")
        rules = Counter(p.rule for p in self.problems)
        listed = ", ".join(f"{rule} ×{n}" if n > 1 else rule for rule, n in rules.most_common(5))
        more = ", …" if len(rules) > 5 else ""
        first = self.problems[0]
        where = _where(first, "")
        return (f"{self.file} ({self.kind}): {len(self.problems)} problem(s) ({listed}{more}); "
                f"first at {where}; nothing was imported")

    def to_text(self, show_values: bool = False, max_lines: int = MAX_LINES) -> str:
        """The report as text, one line per problem.

        Parameters
        ----------
        show_values:
            Include the offending cell values. Only for the person who uploaded the file.
        max_lines:
            Problems listed before the rest are summarised ("and N more").
        """
        read = f"{self.rows} data rows read"
        if self.encoding:
            read += f", encoding {self.encoding}"
        if self.separator:
            read += f", separator {self.separator!r}"
        lines = [f"{self.file} imported as {self.kind}: {read}."]
        if self.ok:
            verb = "Would insert" if self.dry_run else "Inserted"
            lines.append(f"{verb} {self.inserted} rows; {self.already_present} rows were "
                         "already in the database and were skipped.")
            if self.dry_run:
                lines.append("This was a dry run: nothing was written.")
            return "\n".join(lines)
        lines.append(f"{len(self.problems)} problem(s) found; nothing was imported. "
                     "Correct the file and import it again:")
        for problem in self.problems[:max_lines]:
            lines.append("  " + describe(problem, self.file, show_values))
        if len(self.problems) > max_lines:
            lines.append(f"  … and {len(self.problems) - max_lines} more problems")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table: file, row, column, rule, allowed, value."""
        return pd.DataFrame({
            "file": [self.file] * len(self.problems),
            "row": pd.array([p.row for p in self.problems], dtype="Int64"),
            "column": pd.array([p.column for p in self.problems], dtype="str"),
            "rule": pd.array([p.rule for p in self.problems], dtype="str"),
            "allowed": pd.array([p.allowed for p in self.problems], dtype="str"),
            "value": pd.Series([p.value for p in self.problems], dtype=object),
        })


def _where(problem: Problem, file: str) -> str:
    parts = [file] if file else []
    if problem.row is not None:
        parts.append(f"row {problem.row}")
    if problem.column:
        parts.append(f"column {problem.column!r}")
    return ", ".join(parts) or "the file"


def describe(problem: Problem, file: str = "", show_value: bool = False) -> str:
    """One problem as a line: where, what, (the value), and what is allowed.

    Example
    -------
    >>> describe(Problem(None, "", "empty file", "a header row and data rows"), "x.csv")
    'x.csv: empty file; allowed: a header row and data rows'
    """
    value = problem.value
    shown = ""
    if show_value and value is not None and not (isinstance(value, float) and value != value):
        if isinstance(value, (list, tuple)):
            value = "|".join(map(str, value))
        shown = f" (got {_clip(str(value))!r})"
    text = problem.allowed.removeprefix("allowed: ")
    allowed = f"; allowed: {text}" if text else ""
    return f"{_where(problem, file)}: {problem.rule}{shown}{allowed}"


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"

"""CSV and Excel in and out: validated, all-or-nothing imports with a row-by-row report.

The public API is three names:

- :func:`import_file` reads a coordinator's ``.csv`` or ``.xlsx`` file of mentors, mentees,
  people, matches, follow-ups or outcomes, checks every cell and writes all rows in one
  transaction, or nothing when anything is wrong (:class:`~mentorkit.errors.ImportFailed`
  carries the :class:`ImportReport`);
- :class:`ImportReport` says what was read, written and skipped, and every problem with its
  row (as the spreadsheet numbers it; the header is row 1), column, rule and what is allowed;
- :func:`export_table` writes a DataFrame or a store's table to CSV (UTF-8 with BOM, ``;``)
  or Excel with formulas neutralised, in a format :func:`import_file` reads back.

The file formats are described in ``docs/importing.md``.

Example
-------
>>> import tempfile, pathlib
>>> from mentorkit.store import Store
>>> from mentorkit.synth import generate
>>> store = Store.open(":memory:")
>>> store.load(generate(seed=0, scale=0.1))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mentors.xlsx"
>>> _ = export_table(store, path, "mentors")
>>> report = import_file(store, path, "mentors")
>>> report.inserted, report.already_present == report.rows
(0, True)
"""

from __future__ import annotations

from mentorkit.imports.columns import KINDS
from mentorkit.imports.exporting import export_table, importable_view
from mentorkit.imports.importer import import_file
from mentorkit.imports.report import ImportReport

__all__ = ["KINDS", "ImportReport", "export_table", "import_file", "importable_view"]

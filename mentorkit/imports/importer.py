"""Import a coordinator's file: read, type, resolve, validate, de-duplicate, then write all.

The stages run over whole columns (pandas and pandera), never row by row in Python, and
every stage reports all it finds, so one report lists every problem of the file. The rows
keep the same rules as the intake form and ``store.people.add``
(:mod:`mentorkit.casework.rules`): a new person needs consent that covers casework, no date
lies in the future, and fields that do not apply to a row's role are cleared. Any problem
and nothing is written: the rows go in with one ``add_many`` in one store transaction, and
the database is read for references and duplicates inside that same transaction, so two
imports of the same file at once cannot both write it.

Example
-------
>>> import tempfile, pathlib
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> _ = store.programmes.add(name="Vollsmose")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "mentees.csv"
>>> _ = path.write_text("first_name;last_name;email;postcode;registered_on;consent_given_at;"
...                     "consent_scope\\nAmira;Testesen;amira@example.org;0800;01-02-2024;"
...                     "01-02-2024;casework\\n", encoding="utf-8")
>>> report = import_file(store, path, "mentees", programme="Vollsmose")
>>> report.inserted, store.table("person")["postcode"].tolist()
(1, ['0800'])
>>> import_file(store, path, "mentees", programme="Vollsmose").already_present
1
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd

from mentorkit.casework.rules import apply_rules
from mentorkit.errors import ImportFailed, ValidationError
from mentorkit.imports.columns import IGNORED, SPECS, KindSpec, Ref
from mentorkit.imports.duplicates import check_duplicates
from mentorkit.imports.erased import erased_problems
from mentorkit.imports.likely import likely_in_store
from mentorkit.imports.parsing import flag, parse_frame
from mentorkit.imports.reading import RawTable, read_path
from mentorkit.imports.references import Lookups, match_ids, partner_ids, person_ids, programme_ids
from mentorkit.imports.report import ImportReport
from mentorkit.model.validation import Problem, validate_frame
from mentorkit.store.lookups import lock_imports
from mentorkit.store.match_guard import match_problems

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["import_file"]

log = logging.getLogger("mentorkit.imports")

_KIND_ALIASES = {"mentor": "mentors", "mentee": "mentees", "person": "people",
                 "match": "matches", "followup": "followups", "follow_ups": "followups",
                 "outcome": "outcomes"}


def _spec(kind: str) -> KindSpec:
    name = str(kind).strip().lower().replace("-", "_")
    name = _KIND_ALIASES.get(name, name)
    if name not in SPECS:
        raise ValidationError(f"cannot import a file as {kind!r}: choose one of "
                              f"{', '.join(SPECS)}")
    return SPECS[name]


def import_file(store: Store, path: str | Path, kind: str, *, programme: str | int | None = None,
                actor: str = "import", dry_run: bool = False,
                allow_duplicates: bool = False) -> ImportReport:
    """Import a .csv or .xlsx file of ``kind`` into ``store``: all rows or none.

    Parameters
    ----------
    store:
        The database to write to.
    path:
        A ``.csv`` (UTF-8, UTF-8 with BOM or Windows/latin-1; ``;``, ``,`` or tab separated)
        or ``.xlsx`` file whose first row is the header. See ``docs/importing.md``.
    kind:
        ``mentors``, ``mentees``, ``people`` (with a ``role`` column), ``matches``,
        ``followups`` or ``outcomes``.
    programme:
        The programme (name or id) the rows belong to when the file has no ``programme``
        column; when it has one, every filled cell must name this programme.
    actor:
        Who imports, for the audit log.
    dry_run:
        Check everything and report what would be written, but write nothing.
    allow_duplicates:
        Import new people even when they are likely someone already registered (the
        intake form's "save anyway"; :mod:`mentorkit.imports.likely`).

    Returns
    -------
    ImportReport
        Rows read, inserted and already present (skipped).

    Raises
    ------
    ImportFailed
        When the file has any problem; nothing was written. ``err.report`` lists every
        problem with its row, column, rule and allowed values; the message names no value.
    """
    spec = _spec(kind)
    path = Path(path)
    report = ImportReport(file=path.name, kind=spec.kind, dry_run=dry_run)
    raw = read_path(path)
    report.encoding, report.separator = raw.encoding, raw.separator
    report.problems.extend(raw.problems)
    if raw.frame is None:
        _fail(report)
    frame = raw.frame
    report.rows = len(frame)
    if not _check_header(spec, raw, programme, report.problems):
        _fail(report)
    if report.rows == 0:
        report.problems.append(Problem(None, "", "no data rows",
                                       "at least one row under the header row"))
        _fail(report)
    columns = [c for c in spec.direct if c in frame.columns]
    typed, problems = parse_frame(spec.table, frame, columns)
    report.problems.extend(problems)
    if spec.table == "person":
        _set_role(spec, typed, frame, report.problems)
    writing = store.reading() if dry_run else store.transaction(actor)
    with writing as conn:
        if not dry_run:
            lock_imports(conn, spec.table)  # a second import of the file waits, then skips
        _resolve(spec, store, frame, typed, programme, report.problems)
        _validate(spec, frame, typed, report.problems)
        typed, broken = apply_rules(spec.table, typed, new=True)  # fields of other roles cleared
        # rows whose references failed have empty ids: comparing them would only mislead
        references = {c for r in spec.refs for c in r.columns}
        unsure = typed.index.isin([p.row for p in report.problems if p.column in references])
        present = np.zeros(len(typed), dtype=bool)
        present[~unsure], duplicates = check_duplicates(
            store, spec.table, typed.loc[~unsure], list(typed.columns),
            _labels(spec, frame, list(typed.columns)))
        report.problems.extend(duplicates)
        _rule_problems(frame, broken, set(typed.index[present]), report.problems)
        if spec.table == "person" and not allow_duplicates:  # the form's duplicate rule
            clean = ~present & ~typed.index.isin([p.row for p in report.problems])
            report.problems.extend(likely_in_store(store, typed.loc[clean], _labels(
                spec, frame, list(typed.columns))))
        if not report.ok:
            _fail(report)
        if spec.table == "person":  # someone erased is not imported back
            report.problems.extend(erased_problems(conn, typed.loc[~present], store.scope))
            if not report.ok:
                _fail(report)
        if spec.table == "match":  # one open match per mentee, capacity (after the locks)
            _open_match_problems(spec, conn, frame, typed.loc[~present], dry_run,
                                 report.problems)
            if not report.ok:
                _fail(report)
        new = typed.loc[~present].reset_index(drop=True)  # already in the store's dtypes
        report.already_present = int(present.sum())
        report.inserted = len(new)
        if not dry_run and len(new):
            store.entity(spec.table).add_many(new, actor=actor, validate=False)
    log.info("import %s", report.summary())
    return report


def _open_match_problems(spec: KindSpec, conn: Any, frame: pd.DataFrame,
                         new: pd.DataFrame, dry_run: bool, problems: list[Problem]) -> None:
    """The rows that would give a mentee a second open match or a mentor more than their
    capacity, named by file row and column (:mod:`mentorkit.casework.match_rules`)."""
    labels = _labels(spec, frame, ["mentee_id", "mentor_id"])
    for problem in match_problems(conn, new, lock=not dry_run):
        problems.append(dataclasses.replace(problem,
                                            column=labels.get(problem.column, problem.column)))


def _labels(spec: KindSpec, frame: pd.DataFrame, columns: list[str]) -> dict[str, str]:
    """Each database column by the file column it came from (``mentee_email``…)."""
    out = {}
    for column in columns:
        ref = next((r for r in spec.refs if r.target == column), None)
        if ref is None:
            out[column] = column
        else:
            out[column] = next((c for c in ref.columns if c in frame.columns),
                               ref.by_name or ref.by_id)
    return out


def _fail(report: ImportReport) -> NoReturn:
    report.problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column))
    report.inserted = report.already_present = 0
    log.info("import refused: %s", report.summary())
    raise ImportFailed(report.summary(), report)


def _refs_present(ref: Ref, columns: pd.Index) -> bool:
    return any(c in columns for c in ref.columns)


def _check_header(spec: KindSpec, raw: RawTable, programme: object,
                  problems: list[Problem]) -> bool:
    """Unknown and missing columns; False when the header cannot be this kind's at all."""
    assert raw.frame is not None
    columns = raw.frame.columns
    known = [c for c in columns if c in spec.known]
    allowed = ", ".join(sorted(spec.known - IGNORED))
    for name in columns:
        if name not in spec.known:
            problems.append(Problem(raw.header_row, raw.letters.get(name, ""), "unknown column",
                                    f"columns of a {spec.kind} file: {allowed}", name))
    for name in spec.required:
        if name not in columns:
            problems.append(Problem(None, name, "missing column",
                                    f"a column {name!r} is required in a {spec.kind} file"))
    refs = {r.target: r for r in spec.refs}
    needed: list[Ref] = []
    if spec.table == "person" and programme is None:
        needed.append(refs["programme_id"])
    if spec.table in ("match", "outcome"):
        needed += [r for r in spec.refs if r.target not in spec.optional_refs]
    if spec.table == "followup" and not _refs_present(refs["match_id"], columns):
        needed += [refs["mentee_id"], refs["mentor_id"]]
    for ref in needed:
        if not _refs_present(ref, columns):
            hint = " (or choose the programme when importing)" if ref.what == "programme" else ""
            problems.append(Problem(None, ref.label(), "missing column",
                                    f"a column {ref.label()} is required{hint}"))
    if not known:
        problems.append(Problem(raw.header_row, "", "no known column",
                                f"the first row must be the header, with columns such as "
                                f"{', '.join(spec.direct[:6])}"))
        return False
    return True


def _set_role(spec: KindSpec, typed: pd.DataFrame, frame: pd.DataFrame,
              problems: list[Problem]) -> None:
    if spec.role is None:
        return
    if "role" in typed.columns:
        wrong = typed["role"].notna() & (typed["role"] != spec.role)
        flag(problems, wrong, frame["role"], "role", f"not a {spec.role}",
             f"{spec.role} (or empty) in a {spec.kind} file; import as people to mix roles")
        typed["role"] = typed["role"].fillna(spec.role)
    else:
        typed["role"] = pd.Series(spec.role, index=typed.index, dtype="str")


def _resolve(spec: KindSpec, store: Store, frame: pd.DataFrame, typed: pd.DataFrame,
             programme: str | int | None, problems: list[Problem]) -> None:
    """Fill the id columns of ``typed`` from the file's names, e-mails and ids."""
    lookups = Lookups(store)
    refs = {r.target: r for r in spec.refs}

    def add(result: tuple[pd.Series | None, list[Problem]], target: str) -> pd.Series | None:
        ids, found = result
        problems.extend(found)
        if ids is not None:
            typed[target] = ids.astype("Int64")
        return ids

    if spec.table == "person":
        if programme is not None or _refs_present(refs["programme_id"], frame.columns):
            add(programme_ids(lookups, frame, programme, required=True), "programme_id")
        if "referred_by" in frame.columns and "programme_id" in typed:
            add(partner_ids(lookups, frame["referred_by"], typed["programme_id"]), "referred_by")
    elif spec.table == "match":
        mentee = add(person_ids(lookups, frame, refs["mentee_id"], "mentee"), "mentee_id")
        add(person_ids(lookups, frame, refs["mentor_id"], "mentor"), "mentor_id")
        _match_programme(lookups, frame, typed, mentee, programme, problems)
    elif spec.table == "followup":
        mentee, found = person_ids(lookups, frame, refs["mentee_id"], "mentee")
        mentor, more = person_ids(lookups, frame, refs["mentor_id"], "mentor")
        problems.extend(found + more)
        add(match_ids(lookups, frame, mentee, mentor), "match_id")
    elif spec.table == "outcome":
        add(person_ids(lookups, frame, refs["person_id"], None), "person_id")


def _match_programme(lookups: Lookups, frame: pd.DataFrame, typed: pd.DataFrame,
                     mentee: pd.Series | None, programme: str | int | None,
                     problems: list[Problem]) -> None:
    """A match's programme: the one given, else the mentee's; they must agree."""
    if mentee is None:
        return
    people = lookups.people
    home = mentee.map(people["programme_id"]) if len(people) else mentee
    home = pd.Series(home.to_numpy(), index=typed.index).astype("Int64")
    given_column = any(c in frame.columns for c in ("programme", "programme_id"))
    if programme is None and not given_column:
        typed["programme_id"] = home
        return
    ids, found = programme_ids(lookups, frame, programme, required=False)
    problems.extend(found)
    other = ids.notna() & home.notna() & (ids != home)
    column = "programme" if "programme" in frame.columns else (
        "programme_id" if "programme_id" in frame.columns else "mentee_email")
    source = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
    flag(problems, other, source, column, "mentee in another programme",
         "the programme the mentee is registered in")
    typed["programme_id"] = ids.fillna(home).astype("Int64")


def _rule_problems(frame: pd.DataFrame, broken: list[Problem], skipped: set[object],
                   problems: list[Problem]) -> None:
    """The intake rules' problems (:mod:`mentorkit.casework.rules`) of the rows that would be
    written, with the file's cell as value; a cell already reported is not reported twice."""
    seen = {(p.row, p.column) for p in problems}
    for problem in broken:
        if problem.row in skipped or (problem.row, problem.column) in seen \
                or (None, problem.column) in seen:
            continue
        value = None
        if problem.row is not None and problem.column in frame.columns:
            with contextlib.suppress(KeyError):
                value = frame.at[problem.row, problem.column]
        problems.append(dataclasses.replace(problem, value=value))


def _validate(spec: KindSpec, frame: pd.DataFrame, typed: pd.DataFrame,
              problems: list[Problem]) -> None:
    """The shared rules (vocabularies, national ids, mojibake, ranges…), named as in the file."""
    if typed.empty:
        return
    checked = typed  # parse_frame gives the store's dtypes (what conform would)
    seen = {(p.row, p.column) for p in problems}
    troubled = {p.row for p in problems}
    derived = {r.target for r in spec.refs}
    for problem in validate_frame(spec.table, checked):
        column = spec.file_column(problem.column)
        candidates = column.split(" or ")
        if any((problem.row, c) in seen or (None, c) in seen for c in candidates):
            continue
        if problem.column in derived and problem.rule == "required" and problem.row in troubled:
            continue  # an id left empty because its reference was already reported
        if problem.row is None and problem.rule == "missing column":
            continue  # the header check has said it in the file's words
        value = problem.value
        source = column if column in frame.columns else None
        if source is None:
            source = next((c for c in candidates if c in frame.columns), None)
        if problem.row is not None and source is not None:
            with contextlib.suppress(KeyError):
                value = frame.at[problem.row, source]
        problems.append(dataclasses.replace(problem, column=source or column, value=value))

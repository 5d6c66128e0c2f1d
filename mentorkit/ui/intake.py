"""Intake: register or edit a mentor or a mentee, with consent, duplicates shown before saving.

Every field of the person record is here, coded ones as dropdowns or checkboxes from the
vocabularies. On save the form is read, each field checked (dates, years) and then the whole
row by the intake rules (:mod:`mentorkit.casework.rules`: no date in the future, consent to
casework for a new person, fields of other roles cleared) and by
:mod:`mentorkit.model.validation`, the same rules an import and ``store.people.add`` keep;
any problem is shown under its field and nothing is written. A new person is compared with
the programme's people first (:func:`mentorkit.casework.duplicates.score_duplicates`);
likely or possible duplicates are shown and the coordinator opens the existing record or
saves anyway. Mentors' background check
(børneattest / VOG, as the programme requires) shows whether it is still valid.

Consent is recorded in two places: on the person (when, and what it covers) and, appended and
never edited, in the consent records (:func:`mentorkit.privacy.give_consent` and
:func:`~mentorkit.privacy.withdraw_consent`). A new person needs consent that covers
casework. Adding a purpose to an existing person's consent appends a *given* record; taking
off research or contact appends a *withdrawn* record. Withdrawing consent to casework (or
un-ticking consent altogether) erases the person's personal data (Art. 17), so the form asks
for confirmation first and saves nothing else; the command ``mentorkit erase`` does the same
from the command line.

The app is put together from one module per job: :mod:`~mentorkit.ui.intake_fields` (the
fields), :mod:`~mentorkit.ui.intake_form` (the widgets), :mod:`~mentorkit.ui.intake_save`
(reading and saving) and :mod:`~mentorkit.ui.intake_consent` (consent changes, withdrawal).

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = IntakeApp(Context.open(":memory:"))
>>> sorted(a.inputs)[:3]
['address', 'arrival_year', 'availability']
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from mentorkit.ui.forms import FieldError
from mentorkit.ui.intake_consent import ConsentWithdrawal
from mentorkit.ui.intake_fields import FIELDS, NOT_STORED, SECTIONS
from mentorkit.ui.intake_form import IntakeForm
from mentorkit.ui.intake_save import IntakeSaving
from mentorkit.ui.shell import App, launch

__all__ = ["IntakeApp", "app", "FIELDS", "NOT_STORED", "SECTIONS"]


def __getattr__(name: str) -> Any:
    if name == "DATES_NOT_FUTURE":
        raise AttributeError("mentorkit.ui.intake.DATES_NOT_FUTURE moved to the intake rules: "
                             "mentorkit.casework.rules.NOT_FUTURE['person'] (for every path, "
                             "not only the form)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class IntakeApp(IntakeForm, IntakeSaving, ConsentWithdrawal, App):
    """Register or edit one person."""

    name = "intake"
    needs = "personal_data"

    def load(self) -> None:
        pid = self.ctx.programme_id or -1
        self.people = self.ctx.store.table("person", programme_id=pid)
        self.partners = self.ctx.store.table("partner", programme_id=pid)
        if not hasattr(self, "editing"):
            self.editing: dict[str, Any] | None = None
            self.role = "mentee"
            self._ack: tuple[Any, ...] | None = None
            self._draft: dict[str, Any] = {}
        elif self.editing is not None and self.editing["programme_id"] != self.ctx.programme_id:
            self.editing = None

    def _context_changed(self, what: str) -> None:  # keep what was typed on a language switch
        if what == "lang" and self.editing is None and hasattr(self, "inputs"):
            self._draft = {}
            for name, inp in self.inputs.items():
                try:
                    self._draft[name] = inp.get()
                except FieldError:
                    pass
        super()._context_changed(what)


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The intake app as a widget (what the dashboard notebook shows)."""
    return launch(IntakeApp, db=db, programme=programme, lang=lang)

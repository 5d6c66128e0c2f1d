"""Consent in the intake form: changes appended to the consent records; withdrawal confirmed.

A person's consent lives on their row (when, and what it covers) and, append-only, in the
consent records (:func:`mentorkit.privacy.give_consent`,
:func:`~mentorkit.privacy.withdraw_consent`). :func:`record_changes` appends what an edit of
the purposes adds or takes off. Withdrawing consent to casework (or un-ticking consent
altogether) erases the person's personal data (Art. 17(1)(b)), which cannot be undone, so
:class:`ConsentWithdrawal` asks the coordinator to confirm it first and saves nothing else
from the form (the command ``mentorkit erase PERSON`` does the same from the command line).

Example
-------
>>> from mentorkit.ui.context import Context
>>> from mentorkit.ui.intake import IntakeApp
>>> IntakeApp(Context.open(":memory:")).withdrawing()
False
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from mentorkit.privacy.roles import require
from mentorkit.privacy.subject_rights import give_consent, withdraw_consent
from mentorkit.ui.common import esc
from mentorkit.ui.shell import guarded

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["ConsentWithdrawal", "record_changes"]


def record_changes(store: Store, person_id: int, added: list[str],
                   removed: list[str]) -> None:
    """Append a *given* record for the purposes added and a *withdrawn* one for those taken
    off (never casework: that is a withdrawal, see :class:`ConsentWithdrawal`)."""
    if "casework" in removed:
        raise ValueError("withdrawing consent to casework erases: use ConsentWithdrawal")
    if added:
        give_consent(store, person_id, added, reason="request")
    if removed:
        withdraw_consent(store, person_id, removed)


class ConsentWithdrawal:
    """The intake app's withdrawal of consent: asked, confirmed, then the person erased.

    Mixed into :class:`mentorkit.ui.intake.IntakeApp`, whose ``editing``, ``inputs``,
    ``withdrawal`` (a box), ``message``, ``ctx`` and form methods it uses.
    """

    editing: dict[str, Any] | None
    inputs: dict[str, Any]
    withdrawal: w.VBox
    message: Any
    ctx: Any
    people: pd.DataFrame
    _ack: Any
    t: Any
    _fill: Any
    _filter: Any

    def withdrawing(self) -> bool:
        """True when the form withdraws the consent an existing person gave to casework
        (consent un-ticked, or casework taken off): that erases them, so it is confirmed."""
        row = self.editing
        if row is None or pd.isna(row.get("consent_given_at")):
            return False
        scope = self.inputs["consent_scope"].get()
        if not self.inputs["consent_given"].get():
            return True
        return "casework" in (row.get("consent_scope") or []) and "casework" not in scope

    def _ask_withdrawal(self) -> None:
        t = self.t
        who = self.ctx.person_label(self.editing or {})
        confirm = w.Button(description=t("intake.withdraw.confirm"), button_style="danger",
                           icon="trash", layout=w.Layout(width="240px"))
        confirm.add_class("mk-withdraw-confirm")
        confirm.on_click(lambda _b: self.withdraw())
        cancel = w.Button(description=t("intake.withdraw.cancel"))
        cancel.add_class("mk-withdraw-cancel")
        cancel.on_click(lambda _b: self._keep_consent())
        self.withdrawal.children = (
            w.HTML(f"<h3>{esc(t('intake.withdraw.title'))}</h3><div class='mk-msg mk-msg-warn'>"
                   f"{esc(t('intake.withdraw.explain', who=who))}</div>"),
            w.HBox([confirm, cancel]))
        self.message.show("warn", t("intake.withdraw.pending"))

    @guarded("withdraw consent")
    def withdraw(self) -> bool:
        """Withdraw the open person's consent to casework: erases their personal data."""
        if self.editing is None or not self.withdrawing():
            return False
        require("subject_rights", self.ctx.role)
        pid = int(self.editing["id"])
        who = self.ctx.person_label(self.editing)
        withdraw_consent(self.ctx.store, pid, None)
        self.people = self.ctx.store.table("person", programme_id=self.ctx.programme_id)
        self.editing = None
        self._ack = None
        self._fill(None)
        self._filter()
        self.message.show("ok", self.t("intake.withdraw.done", who=who))
        return True

    def _keep_consent(self) -> None:
        self._fill(self.editing)
        self.message.show("info", self.t("intake.withdraw.kept"))

"""Form plumbing shared by the apps: inputs for each kind of field and the checks behind them.

An :class:`Input` wraps one widget with ``get()``/``set()`` in the store's terms (codes,
dates, lists). :func:`problems_to_errors` turns the problems of
:mod:`mentorkit.model.validation` and of the intake rules (:mod:`mentorkit.casework.rules`)
into one message per field in the coordinator's language.

Example
-------
>>> from mentorkit.model.validation import Problem
>>> problems_to_errors([Problem(0, "birth_year", "out of range", "between 1920 and 2012")], "en")
{'birth_year': 'Must be between 1920 and 2012'}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit.casework import rules
from mentorkit.model.validation import Problem
from mentorkit.ui import labels
from mentorkit.ui.common import (
    FieldError,
    fmt_date,
    parse_date,
    parse_number,
    parse_year,
    vocab_options,
)
from mentorkit.vocab import Vocabulary

__all__ = ["Input", "Checks", "problems_to_errors", "RULE_KEYS", "FieldError"]

RULE_KEYS = {
    "allowed values": "rule.allowed",
    "national id": "rule.national_id",
    "double-encoded text": "rule.mojibake",
    "control characters": "rule.control",
    "too long": "rule.too_long",
    "e-mail address": "rule.email",
    "phone number": "rule.phone",
    "out of range": "rule.range",
    "before birth": "rule.before_birth",
    "before start": "rule.before_start",
    "same person": "rule.same_person",
    "required": "error.required",
    "missing column": "error.required",
    rules.FUTURE: "form.future",
    rules.CONSENT: "intake.consent_required",
    rules.CASEWORK: "intake.casework_required",
}


class Checks:
    """A row of checkboxes for a multi-valued vocabulary field (a list of codes)."""

    def __init__(self, v: Vocabulary, lang: str) -> None:
        self.boxes = {code: w.Checkbox(value=False, description=label, indent=False,
                                       layout=w.Layout(width="auto", margin="0 12px 0 0"))
                      for code, label in v.labels(lang).items()}  # type: ignore[arg-type]
        for code, box in self.boxes.items():
            box.add_class(f"mk-check-{code}")
        self.widget = w.HBox(list(self.boxes.values()), layout=w.Layout(flex_flow="row wrap"))

    @property
    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.value]

    @value.setter
    def value(self, codes: Iterable[str]) -> None:
        chosen = set(codes or [])
        for code, box in self.boxes.items():
            box.value = code in chosen


class Input:
    """One field's widget, read and written in the store's terms.

    Kinds: ``text``, ``textarea``, ``year``, ``date``, ``number`` (typed, e.g. 37,5),
    ``whole`` (a typed whole number), ``int`` (a spin box), ``vocab`` (one code),
    ``multi`` (list of codes, a list box), ``checks`` (list of codes, checkboxes), ``bool``,
    ``choice`` (one of ``options`` given as (label, value) pairs).
    """

    def __init__(self, kind: str, lang: str, v: Vocabulary | None = None,
                 options: Sequence[tuple[str, Any]] | None = None, width: str = "97%",
                 placeholder: str = "") -> None:
        self.kind = kind
        self._checks: Checks | None = None
        layout = w.Layout(width=width)
        if kind == "textarea":
            self.widget: w.Widget = w.Textarea(layout=w.Layout(width=width, height="70px"))
        elif kind in ("text", "year", "date", "number", "whole"):
            hint = (placeholder or labels.t("form.date_hint", lang)) if kind == "date" \
                else placeholder
            self.widget = w.Text(placeholder=hint, layout=layout)
        elif kind == "int":
            self.widget = w.BoundedIntText(value=1, min=0, max=10, layout=w.Layout(width="120px"))
        elif kind == "vocab":
            assert v is not None
            self.widget = w.Dropdown(options=vocab_options(v, lang), value=None, layout=layout)
        elif kind == "choice":
            self.widget = w.Dropdown(options=list(options or []), layout=layout)
        elif kind == "multi":
            assert v is not None
            self.widget = w.SelectMultiple(options=vocab_options(v, lang, blank=None), rows=5,
                                           layout=layout)
        elif kind == "checks":
            assert v is not None
            self._checks = Checks(v, lang)
            self.widget = self._checks.widget
        elif kind == "bool":
            self.widget = w.Checkbox(value=False, indent=False, description="")
        else:
            raise ValueError(f"unknown input kind {kind!r}")

    def get(self) -> Any:
        """The value in the store's terms; raises :class:`FieldError` when unreadable."""
        k = self.kind
        if self._checks is not None:
            return self._checks.value
        value = self.widget.value
        if k in ("text", "textarea"):
            text = str(value).strip()
            return text or None
        if k == "year":
            return parse_year(value)
        if k == "date":
            return parse_date(value)
        if k in ("number", "whole"):
            return parse_number(value, whole=k == "whole")
        if k == "multi":
            return list(value)
        if k == "int":
            return int(value)
        return value

    def set(self, value: Any) -> None:
        """Show ``value`` (a stored value; missing values clear the field)."""
        missing = value is None or (not isinstance(value, (list, tuple)) and pd.isna(value))
        k = self.kind
        if self._checks is not None:
            self._checks.value = [] if missing else list(value)
        elif k in ("text", "textarea", "number", "whole"):
            self.widget.value = "" if missing else str(value)
        elif k == "year":
            self.widget.value = "" if missing else str(int(value))
        elif k == "date":
            self.widget.value = "" if missing else fmt_date(value)
        elif k == "multi":
            allowed = {o[1] for o in self.widget.options}
            chosen = tuple(c for c in ([] if missing else value) if c in allowed)
            self.widget.value = chosen
        elif k == "int":
            self.widget.value = 1 if missing else int(value)
        elif k == "bool":
            self.widget.value = False if missing else bool(value)
        else:
            allowed = {o[1] for o in self.widget.options}
            choice = None if missing or value not in allowed else value
            self.widget.value = choice


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def problems_to_errors(problems: Iterable[Problem], lang: str,
                       columns: dict[str, str] | None = None) -> dict[str, str]:
    """One message per field (the first problem of each) in ``lang``.

    ``columns`` maps a stored column to the form field that shows it (e.g.
    ``consent_given_at`` to ``consent_date``).
    """
    out: dict[str, str] = {}
    for p in problems:
        name = (columns or {}).get(p.column, p.column)
        if name in out:
            continue
        key = RULE_KEYS.get(p.rule, "rule.other")
        nums = _numbers(p.allowed)
        if key == "rule.range" and len(nums) >= 2:
            out[name] = labels.t(key, lang, low=nums[0], high=nums[1])
        elif key == "rule.too_long" and nums:
            out[name] = labels.t(key, lang, n=nums[0])
        elif key in ("rule.too_long", "rule.range"):
            out[name] = labels.t("rule.other", lang)
        else:
            out[name] = labels.t(key, lang)
    return out


def today_text(today: dt.date) -> str:
    """Today as a form shows it."""
    return fmt_date(today)

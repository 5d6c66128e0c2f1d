"""The pieces the apps are built from: fields with their error, messages, tables, dates, style.

Also :func:`report_error`, which logs an unexpected error to the server log (the kernel's
original stderr, which Voilà's terminal shows, never the page) by type and code location
only, never values, under a short reference the coordinator is shown.

What a coordinator types is read by :func:`parse_date`, :func:`parse_year` and
:func:`parse_number`, which accept digits 0-9 only and raise :class:`FieldError` (a
:class:`mentorkit.errors.ValidationError`) for anything else, never another exception.

Example
-------
>>> parse_date("23-11-2026"), parse_date("2026-11-23"), parse_date("")
(datetime.date(2026, 11, 23), datetime.date(2026, 11, 23), None)
>>> parse_number("37,5"), parse_number("12", whole=True)
(37.5, 12)
"""

from __future__ import annotations

import datetime as dt
import html as _html
import logging
import os
import re
import secrets
import sys
import traceback
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import ipywidgets as w
import pandas as pd

from mentorkit.errors import MentorkitError, ValidationError
from mentorkit.vocab import LANGS, LANGUAGES, Lang, Vocabulary

__all__ = ["Field", "FieldError", "Message", "esc", "fmt_date", "parse_date", "parse_year",
           "parse_number", "html_table", "search_mask",
           "vocab_options", "vlabel", "badge", "grid", "section", "report_error", "close_tree",
           "tree_ids", "APPS", "LANG_NAMES", "STYLE", "log"]

APPS: tuple[str, ...] = ("home", "intake", "match_finder", "caseload", "events", "overview")
LANG_NAMES: dict[str, str] = {lang: LANGUAGES.label(lang, lang) for lang in LANGS}
"""Each language by its own name (Dansk, English, Nederlands), for the language switch."""
_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$", re.ASCII)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$", re.ASCII)
_YEAR = re.compile(r"^\s*(\d{4})\s*$", re.ASCII)
YEARS = (1900, 2199)
"""The years a typed date may have."""
_NUMBER = re.compile(r"^\s*(-?\d{1,9})(?:[.,](\d{1,6}))?\s*$", re.ASCII)

STYLE = """
.mk-app { font-size: 14px; color: #222; max-width: 1180px; margin: 0 auto;
  --jp-widgets-horizontal-tab-width: 250px; }
.mk-app .widget-html-content { line-height: 1.45; }
.mk-app .widget-html, .mk-app .widget-htmlmath { margin-top: 2px; margin-bottom: 2px; }
.mk-app h2 { font-size: 20px; margin: 4px 0 2px 0; }
.mk-app h3 { font-size: 16px; margin: 14px 0 4px 0; color: #2166ac; }
.mk-header { background: #f3f6fa; border-bottom: 2px solid #2166ac; padding: 6px 10px;
  margin-bottom: 6px; }
.mk-nav a { margin-right: 14px; color: #2166ac; text-decoration: none; font-weight: 600; }
.mk-nav a.mk-here { color: #222; border-bottom: 2px solid #2166ac; }
.mk-muted { color: #666; font-size: 13px; }
.mk-field-label { font-weight: 600; font-size: 13px; }
.mk-field .widget-html-content { line-height: 1.3; }
.mk-field-error { color: #b2182b; font-size: 13px; min-height: 0; }
.mk-field-error:empty { display: none; }
.mk-invalid input, .mk-invalid select, .mk-invalid textarea { border-color: #b2182b !important;
  background: #fff5f5 !important; }
.mk-message div.mk-msg { padding: 8px 12px; border-radius: 4px; margin: 4px 0; }
.mk-msg-ok { background: #e7f4ea; border-left: 4px solid #1b7837; }
.mk-msg-error { background: #fdecec; border-left: 4px solid #b2182b; }
.mk-msg-warn { background: #fff4e0; border-left: 4px solid #e08214; }
.mk-msg-info { background: #eef3fa; border-left: 4px solid #2166ac; }
table.mk-table { border-collapse: collapse; width: 100%; margin: 4px 0 8px 0; }
table.mk-table th { text-align: left; background: #f3f6fa; padding: 4px 8px;
  border-bottom: 1px solid #ccd; font-size: 13px; }
table.mk-table td { padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
table.mk-table tr.mk-row-overdue td, table.mk-table tr.mk-row-expired td,
  table.mk-table tr.mk-row-stale td, table.mk-table tr.mk-row-long td { background: #fdecec; }
table.mk-table tr.mk-row-due_soon td, table.mk-table tr.mk-row-expiring td,
  table.mk-table tr.mk-row-likely td { background: #fff4e0; }
table.mk-table th.mk-num { text-align: right; }
table.mk-table td.mk-num { text-align: right; font-variant-numeric: tabular-nums; }
.mk-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; }
.mk-badge-overdue, .mk-badge-expired, .mk-badge-stale, .mk-badge-long, .mk-badge-likely,
  .mk-badge-missing { background: #b2182b; color: white; }
.mk-badge-due_soon, .mk-badge-expiring, .mk-badge-possible { background: #e08214; color: white; }
.mk-badge-ok, .mk-badge-valid { background: #1b7837; color: white; }
.mk-cards { display: flex; flex-wrap: wrap; gap: 10px; }
.mk-card { border: 1px solid #ccd; border-radius: 6px; padding: 10px 14px; width: 340px;
  background: white; }
.mk-card a { font-size: 16px; font-weight: 700; color: #2166ac; text-decoration: none; }
.mk-stat { display: inline-block; margin: 0 18px 6px 0; }
.mk-stat b { font-size: 22px; display: block; }
.mk-section { border: 1px solid #e3e7ee; border-radius: 6px; padding: 4px 12px 10px 12px;
  margin: 6px 0; background: white; }
ul.mk-reasons { margin: 0; padding-left: 16px; font-size: 12px; line-height: 1.35; }
.mk-card-profile table.mk-table th { width: 150px; background: none; border: none; }
.mk-card-profile table.mk-table td { border: none; }
.mk-bar { background: #e3e7ee; height: 10px; border-radius: 5px; width: 160px;
  display: inline-block; vertical-align: middle; }
.mk-bar > span { background: #2166ac; height: 10px; border-radius: 5px; display: block; }
"""

log = logging.getLogger("mentorkit.ui")


def _server_log_stream() -> Any:
    """The server's log (the kernel's original stderr), not the browser.

    ipykernel forwards what is written to ``sys.stderr`` to the page; its ``fileno()`` is the
    original stream, which Voilà's terminal (the server log) receives.
    """
    try:
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8")
    except (OSError, ValueError, AttributeError):
        return sys.__stderr__


if not log.handlers:
    _handler = logging.StreamHandler(_server_log_stream())
    _handler.setFormatter(logging.Formatter("[mentorkit.ui] %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def report_error(app: str, action: str, err: BaseException) -> str:
    """Log an unexpected error without personal data; return the reference shown to the user.

    Only the exception's type and the code locations go to the log; the message too for
    mentorkit's own errors, whose messages never carry values.
    """
    ref = secrets.token_hex(3).upper()
    frames = traceback.extract_tb(err.__traceback__)
    where = " < ".join(f"{os.path.basename(f.filename)}:{f.lineno}:{f.name}"
                       for f in reversed(frames[-6:]))
    text = f": {err}" if isinstance(err, MentorkitError) else ""
    log.error("ref=%s app=%s action=%s %s%s at %s", ref, app, action, type(err).__name__, text,
              where)
    return ref


def esc(value: Any) -> str:
    """``value`` as HTML-safe text ('' for missing values)."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return ""
    return _html.escape(str(value))


def fmt_date(value: Any) -> str:
    """A date as 23-11-2026 ('' when missing), the way Danish and Dutch users write it."""
    if value is None or pd.isna(value):
        return ""
    day = pd.Timestamp(value)
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"  # strftime drops a year's zeros


class FieldError(ValidationError, ValueError):
    """A value typed in a field that cannot be read; ``key`` is the label to show.

    A :class:`mentorkit.errors.ValidationError` (and, for older callers, a ValueError); its
    message is the label key, never the value typed.
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_date(text: str | None) -> dt.date | None:
    """A date typed as 23-11-2026, 23.11.2026, 23/11/2026 or 2026-11-23; None when blank.

    Raises :class:`FieldError` (``form.bad_date``) for anything else: days that do not
    exist, years before 1900 or after 2199 (typing mistakes in a case file; they would also
    make date arithmetic overflow) and digits other than 0-9.
    """
    if text is None or not str(text).strip():
        return None
    m = _DATE.match(str(text))
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    m = None if m else _ISO.match(str(text))
    if m:
        parts = (m.group(1), m.group(2), m.group(3))
    if parts is None or not YEARS[0] <= int(parts[0]) <= YEARS[1]:
        raise FieldError("form.bad_date")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise FieldError("form.bad_date") from None


def parse_year(text: str | None) -> int | None:
    """A four-digit year (digits 0-9); None when blank; :class:`FieldError` otherwise."""
    if text is None or not str(text).strip():
        return None
    m = _YEAR.match(str(text))
    if m is None:
        raise FieldError("form.bad_year")
    return int(m.group(1))


def parse_number(text: str | None, whole: bool = False) -> float | int | None:
    """A number typed with digits 0-9 and a decimal comma or point (``37,5``); None when
    blank; with ``whole`` a whole number. :class:`FieldError` (``form.bad_number``) for
    anything else: no exponents, no ``nan`` or ``inf``, at most 9 digits before the decimal
    mark and 6 after.
    """
    if text is None or not str(text).strip():
        return None
    m = _NUMBER.match(str(text))
    if m is None or (whole and m.group(2) and m.group(2).strip("0")):
        raise FieldError("form.bad_number")
    if whole:
        return int(m.group(1))
    return float(f"{m.group(1)}.{m.group(2) or '0'}")


def vlabel(v: Vocabulary, code: str, lang: str) -> str:
    """The label of ``code`` in ``lang`` (the code itself when the vocabulary lacks it)."""
    return v.label(code, cast(Lang, lang)) if code in v else str(code)


def vocab_options(v: Vocabulary, lang: str, blank: str | None = "—") -> list[tuple[str, Any]]:
    """Dropdown options (label, code) of a vocabulary, a blank first unless ``blank`` is None."""
    opts = [(label, code) for code, label in v.labels(cast(Lang, lang)).items()]
    return ([(blank, None)] if blank is not None else []) + opts


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]],
               row_classes: Iterable[str] | None = None, numeric: Iterable[int] = ()) -> str:
    """An HTML table; cells are HTML already (escape values with :func:`esc`)."""
    nums = set(numeric)
    head = "".join(f'<th class="mk-num">{h}</th>' if j in nums else f"<th>{h}</th>"
                   for j, h in enumerate(headers))
    classes = list(row_classes) if row_classes is not None else None
    body = []
    for i, row in enumerate(rows):
        cls = f' class="mk-row-{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(f'<td class="mk-num">{c}</td>' if j in nums else f"<td>{c}</td>"
                        for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f'<table class="mk-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}' \
           f"</tbody></table>"


_PHONE_QUERY = re.compile(r"^[0-9\s+().\-/]+$", re.ASCII)


def search_mask(people: pd.DataFrame, text: str | None,
                labels: Mapping[int, str] | None = None) -> pd.Series:
    """Which rows of ``people`` a search box's ``text`` finds: a part of the name, the
    ``#id``, the e-mail or the label shown (case ignored), or, when the text is a phone
    number (digits, spaces, ``+ - ( ) . /``, at least three digits), its digits anywhere in
    the phone's digits, however either is spaced ("20304050" finds "+45 20 30 40 50").

    Example
    -------
    >>> people = pd.DataFrame({"id": [1, 2], "first_name": ["Sara", "Mona"],
    ...                        "phone": ["+45 20 30 40 50", "+45 61234567"]})
    >>> search_mask(people, "20304050").tolist(), search_mask(people, "612 345").tolist()
    ([True, False], [False, True])
    >>> search_mask(people, "mon").tolist(), search_mask(people, "").tolist()
    ([False, True], [True, True])
    """
    query = (text or "").strip().casefold()
    if not query:
        return pd.Series(True, index=people.index)

    def column(name: str) -> pd.Series:
        if name in people.columns:
            return people[name].astype("string").fillna("")
        return pd.Series("", index=people.index, dtype="string")

    hay = (column("first_name") + " " + column("last_name") + " #"
           + people["id"].astype("string") + " " + column("email"))
    if labels is not None:
        hay = hay + " " + people["id"].map(lambda i: labels.get(int(i), "")).astype("string")
    hit = hay.str.casefold().str.contains(query, regex=False)
    digits = re.sub(r"[^0-9]", "", query)
    if len(digits) >= 3 and _PHONE_QUERY.match(query):
        phone = column("phone").str.replace(r"[^0-9]", "", regex=True)
        hit = hit | phone.str.contains(digits, regex=False)
    return hit.fillna(False).astype(bool)


def badge(kind: str, text: str) -> str:
    """A small coloured label (overdue, expired, likely …)."""
    return f'<span class="mk-badge mk-badge-{esc(kind)}">{esc(text)}</span>'


def close_tree(widget: w.Widget, keep: set[int] | None = None) -> None:
    """Close ``widget`` and its descendants (except those in ``keep``), freeing their models."""
    keep = keep or set()
    stack = [widget]
    while stack:
        item = stack.pop()
        if id(item) in keep:
            continue
        stack.extend(getattr(item, "children", ()) or ())
        item.close()


def tree_ids(widgets: Iterable[w.Widget]) -> set[int]:
    ids: set[int] = set()
    stack = list(widgets)
    while stack:
        item = stack.pop()
        ids.add(id(item))
        stack.extend(getattr(item, "children", ()) or ())
    return ids


class Message:
    """The line under the header where results and problems are said."""

    def __init__(self, css: str = "mk-message") -> None:
        self.widget = w.HTML("")
        self.widget.add_class(css)

    def show(self, kind: str, text: str) -> None:
        """Show ``text`` (plain text) as ``ok``, ``error``, ``warn`` or ``info``."""
        self.widget.value = f'<div class="mk-msg mk-msg-{kind}">{esc(text)}</div>'

    def clear(self) -> None:
        self.widget.value = ""

    @property
    def text(self) -> str:
        return re.sub(r"<[^>]+>", "", self.widget.value)


class Field:
    """A labelled input with its own error line right under it."""

    def __init__(self, name: str, widget: w.Widget, label: str, hint: str = "") -> None:
        self.name = name
        self.widget = widget
        self.label = w.HTML(f'<span class="mk-field-label">{esc(label)}</span>'
                            + (f' <span class="mk-muted">{esc(hint)}</span>' if hint else ""))
        self.error = w.HTML("")
        self.error.add_class("mk-field-error")
        self.error.add_class(f"mk-error-{name}")
        self.box = w.VBox([self.label, widget, self.error],
                          layout=w.Layout(margin="2px 12px 4px 0", min_width="0"))
        self.box.add_class("mk-field")
        self.box.add_class(f"mk-field-{name}")
        widget.add_class(f"mk-input-{name}")

    def set_error(self, text: str | None) -> None:
        """Show (or with None clear) the problem with this field."""
        self.error.value = f"<span>{esc(text)}</span>" if text else ""
        if text:
            self.box.add_class("mk-invalid")
        else:
            self.box.remove_class("mk-invalid")

    @property
    def error_text(self) -> str:
        return re.sub(r"<[^>]+>", "", self.error.value)


def grid(items: Sequence[w.Widget], columns: int = 2) -> w.GridBox:
    """Fields side by side, ``columns`` to a row."""
    return w.GridBox(list(items), layout=w.Layout(
        grid_template_columns=f"repeat({columns}, minmax(0, 1fr))", width="100%"))


def section(title: str, *children: w.Widget, css: str = "") -> w.VBox:
    """A titled, framed group of widgets."""
    box = w.VBox([w.HTML(f"<h3>{esc(title)}</h3>"), *children])
    box.add_class("mk-section")
    if css:
        box.add_class(css)
    return box

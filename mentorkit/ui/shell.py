"""The frame of every app: header, message line, a body rebuilt on a change, safe callbacks.

Every app is an :class:`App`: a header (:class:`Shell`) with the programme and the language
and links to the other apps, a message line, and a body the app rebuilds when the language or
programme changes. Callbacks run through :func:`guarded`, so a coordinator never sees a Python
traceback: an unexpected error shows a short message with a reference, and the details (type
and code location, never values) go to the server log under that reference.

The configured role (:attr:`Context.role`, from ``MENTORKIT_ROLE``) decides what an app shows:
an app that shows or changes people (:attr:`App.needs` is ``"personal_data"``) opened by a
researcher or a funder says, in the user's language, that it is for coordinators, and reads
nothing (:meth:`App.load` is not called, no widget holds a person's data). The header links
only to the apps the role may open (:func:`allowed_apps`).

Example
-------
>>> from mentorkit.ui.context import Context
>>> from mentorkit.ui.home import HomeApp
>>> app = HomeApp(Context.open(":memory:"))
>>> sorted(c for c in app.root._dom_classes)
['mk-app', 'mk-app-home', 'mk-ready']
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from mentorkit.errors import ConflictError, MentorkitError
from mentorkit.i18n import is_lang
from mentorkit.ui.common import (
    APPS,
    LANG_NAMES,
    STYLE,
    Message,
    close_tree,
    esc,
    report_error,
    tree_ids,
)
from mentorkit.ui.context import LANGS, Context

__all__ = ["App", "Shell", "guarded", "launch", "allowed_apps", "NEEDS"]

T = TypeVar("T")

#: What each app needs of the role (see :data:`mentorkit.privacy.roles.CAPABILITIES`):
#: ``personal_data`` for the apps that show or change people, None for home and the overview
#: (suppressed aggregates, which every role may see).
NEEDS: dict[str, str | None] = {
    "home": None, "intake": "personal_data", "match_finder": "personal_data",
    "caseload": "personal_data", "events": "personal_data", "overview": "aggregates",
}


def allowed_apps(ctx: Context) -> list[str]:
    """The apps the context's role may open, in the header's order.

    Example
    -------
    >>> ctx = Context.open(":memory:")
    >>> ctx.role = "funder"
    >>> allowed_apps(ctx)
    ['home', 'overview']
    """
    return [a for a in APPS if ctx.may(NEEDS.get(a, "personal_data"))]


class Shell:
    """The header: app title, programme and language choice, links to the other apps."""

    def __init__(self, ctx: Context, app: str, on_change: Callable[[str], None]) -> None:
        self.ctx, self.app, self.on_change = ctx, app, on_change
        self.title = w.HTML()
        self.programme = w.Dropdown(layout=w.Layout(width="220px"))
        self.programme.add_class("mk-programme")
        self.lang = w.ToggleButtons(options=[(LANG_NAMES[x], x) for x in LANGS],
                                    value=ctx.lang, style={"button_width": "92px"})
        self.lang.add_class("mk-lang")
        self.nav = w.HTML()
        self.nav.add_class("mk-nav")
        self._updating = False
        top = w.HBox([self.title, w.HBox([self.programme, self.lang],
                                         layout=w.Layout(align_items="center"))],
                     layout=w.Layout(justify_content="space-between", align_items="center",
                                     flex_flow="row wrap"))
        self.box = w.VBox([top, self.nav])
        self.box.add_class("mk-header")
        self.refresh()
        self.programme.observe(self._programme_changed, "value")
        self.lang.observe(self._lang_changed, "value")

    def refresh(self) -> None:
        """Relabel after a change of language or programme."""
        t = self.ctx.t
        if self.ctx.may("personal_data"):
            signed = esc(t("shell.signed_in", actor=self.ctx.actor))
        else:
            signed = esc(t("shell.role", role=t("access.role." + self.ctx.role)))
        self.title.value = (f"<h2>{esc(t('app.' + self.app))}</h2>"
                            f'<span class="mk-muted">{signed}</span>')
        options = [(str(r["name"]), int(r["id"])) for r in self.ctx.programmes.to_dict("records")]
        self._updating = True
        try:
            if list(self.programme.options) != options:
                self.programme.options = options
            self.programme.value = self.ctx.programme_id
            self.lang.value = self.ctx.lang
        finally:
            self._updating = False
        links = []
        for app in allowed_apps(self.ctx):
            here = ' class="mk-here"' if app == self.app else ""
            links.append(f'<a href="{esc(self.ctx.link(app))}" target="_self"{here}>'
                         f"{esc(t('app.' + app))}</a>")
        self.nav.value = "".join(links)

    def _programme_changed(self, change: dict[str, Any]) -> None:
        if self._updating:
            return
        if change["new"] is not None and change["new"] != self.ctx.programme_id:
            self.ctx.set_programme(change["new"])
            self.on_change("programme")

    def _lang_changed(self, change: dict[str, Any]) -> None:
        if not self._updating and change["new"] != self.ctx.lang:
            self.ctx.set_lang(change["new"])
            self.on_change("lang")


def guarded(action: str) -> Callable[[Callable[..., T]], Callable[..., T | None]]:
    """Run an App method as a callback: errors become a message, never a traceback.

    A :class:`mentorkit.errors.MentorkitError` is said as it is (its message names field and
    rule, never a value); anything else gets a short apology with a reference that is also in
    the server log.
    """
    def decorate(method: Callable[..., T]) -> Callable[..., T | None]:
        @functools.wraps(method)
        def run(self: App, *args: Any, **kwargs: Any) -> T | None:
            try:
                return method(self, *args, **kwargs)
            except ConflictError as err:
                report_error(self.name, action, err)
                self.message.show("error", self.t("error.conflict"))
            except MentorkitError as err:
                report_error(self.name, action, err)
                self.message.show("error", self.t("error.store", detail=str(err)))
            except Exception as err:  # noqa: BLE001 - the user gets a message, the log the rest
                ref = report_error(self.name, action, err)
                self.message.show("error", self.t("error.unexpected", ref=ref))
            return None
        return run
    return decorate


class App:
    """Base of every app: header, message line, a body rebuilt on language/programme change.

    ``needs`` is the capability the role must have to use the app (``"personal_data"`` for the
    apps that show or change people; None: every role). Without it the body says so and
    :meth:`load` and :meth:`build` are never called.
    """

    name = "app"
    needs: str | None = None

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.message = Message()
        self.shell = Shell(ctx, self.name, self._context_changed)
        self.body = w.VBox(layout=w.Layout(width="100%"))
        self.root = w.VBox([w.HTML(f"<style>{STYLE}</style>"), self.shell.box,
                            self.message.widget, self.body],
                           layout=w.Layout(width="100%"))
        self.root.add_class("mk-app")
        self.root.add_class(f"mk-app-{self.name}")
        self.allowed = ctx.may(self.needs)
        if self.allowed:
            self.load()
        else:
            self.root.add_class("mk-refused")
        self.render()
        self.root.add_class("mk-ready")

    def t(self, key: str, **values: Any) -> str:
        """A label in the current language."""
        return self.ctx.t(key, **values)

    def load(self) -> None:
        """Read the programme's rows this app needs (only those)."""

    def build(self) -> list[w.Widget]:
        """The body's widgets, in the current language."""
        return []

    def render(self) -> None:
        """Rebuild the body and free the widgets it no longer shows."""
        old = list(self.body.children)
        new = self.build() if self.allowed else self.refusal()
        self.body.children = tuple(new)
        keep = tree_ids(new)
        for item in old:
            close_tree(item, keep)

    def refusal(self) -> list[w.Widget]:
        """What a role without :attr:`needs` sees instead of the app: who it is for, and where
        to go instead (the apps the role may open)."""
        t = self.t
        role = t("access.role." + self.ctx.role)
        links = "".join(f'<li><a href="{esc(self.ctx.link(a))}" target="_self" '
                        f'class="mk-open-{a}">{esc(t("app." + a))}</a></li>'
                        for a in allowed_apps(self.ctx))
        box = w.HTML(f'<div class="mk-msg mk-msg-warn"><b>'
                     f'{esc(t("access.refused", app=t("app." + self.name), role=role))}</b>'
                     f'<br>{esc(t("access.why"))}</div>'
                     f'<p>{esc(t("access.instead"))}</p><ul>{links}</ul>')
        box.add_class("mk-refusal")
        return [box]

    @guarded("switch")
    def _context_changed(self, what: str) -> None:
        self.message.clear()
        if what == "programme" and self.allowed:
            self.load()
        self.shell.refresh()
        self.render()


def _fatal(lang: str, ref: str) -> w.HTML:
    from mentorkit.ui import labels

    lang = lang if is_lang(lang) else "en"  # the message that the page failed must not fail
    box = w.HTML(f"<style>{STYLE}</style><div class='mk-app'><div class='mk-msg mk-msg-error'>"
                 f"{esc(labels.t('error.fatal', lang, ref=ref))}</div></div>")
    box.add_class("mk-fatal")
    return box


def launch(cls: type[App], db: str | None = "", programme: Any = "", lang: str = "",
           **params: Any) -> w.Widget:
    """Open the context and build the app; on failure a friendly message, never a traceback."""
    try:
        ctx = Context.open(db, programme=programme, lang=lang, params=params)
        return cls(ctx).root
    except Exception as err:  # noqa: BLE001 - shown as a message, logged without values
        ref = report_error(cls.name, "start", err)
        return _fatal(lang, ref)

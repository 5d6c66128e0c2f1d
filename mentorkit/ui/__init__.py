"""The coordinators' apps: ipywidgets components the Voilà dashboards show.

One module per app (:mod:`~mentorkit.ui.home`, :mod:`~mentorkit.ui.intake`,
:mod:`~mentorkit.ui.match_finder`, :mod:`~mentorkit.ui.caseload`, :mod:`~mentorkit.ui.events`,
:mod:`~mentorkit.ui.overview`), each with an ``app(db, programme, lang)`` function that returns
the widget a dashboard notebook shows; every text comes from :mod:`~mentorkit.ui.labels`.
The core never imports this package.

Example
-------
>>> from mentorkit.ui import labels
>>> labels.t("app.intake", "nl")
'Intake'
"""

from __future__ import annotations

__all__ = ["home", "intake", "match_finder", "caseload", "events", "overview", "labels"]

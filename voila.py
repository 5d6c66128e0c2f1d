"""Voilà configuration for the coordinators' dashboards (read by `voila` started in this folder).

Serve:  MENTORKIT_DB=data/mentorkit.db .venv/bin/voila dashboards
Then open http://127.0.0.1:8866/ (the apps: /voila/render/home.ipynb and the others).
What it sets, and why: mentorkit/ui/serve.py and docs/dashboards.md.
"""

from mentorkit.ui.serve import configure

configure(c)  # noqa: F821 - `c` is the config object Voilà passes to this file

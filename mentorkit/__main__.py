"""``python -m mentorkit`` runs the command line."""

from mentorkit.cli import app

app(prog_name="mentorkit")

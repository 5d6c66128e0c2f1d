"""What a programme reports: progress against grant targets, funder figures, summaries.

- :mod:`.progress`: grant targets, the participant funnel, matches over time, referrers;
- :mod:`.funder`: the counts of a funder report, by period;
- :mod:`.summary`: counts per programme.

Tables in, tables out: nothing here opens the database or suppresses; publishing goes
through :func:`mentorkit.privacy.suppress`.
"""

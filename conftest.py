"""Set-up for every pytest run in this repository: the personal-data scan of tests/leakcheck.py
(and pytester, with which a test runs a session of its own to show that scan fails on a leak)."""

pytest_plugins = ("tests.leakcheck", "pytester")

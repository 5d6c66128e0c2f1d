"""Set-up for every pytest run in this repository: the personal-data scan of tests/leakcheck.py."""

pytest_plugins = ("tests.leakcheck",)

"""Heavy libraries stay out of what the dashboards import at start (a page opens faster)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("scipy", "ortools", "statsmodels")


@pytest.mark.parametrize("module", ["mentorkit.matching", "mentorkit.privacy.suppression",
                                    "mentorkit.privacy.roles"])
def test_importing_does_not_pull_in_heavy_libraries(module: str) -> None:
    code = (f"import sys, {module}; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "", f"{module} imports {loaded} at start; import it where it is used"


def test_the_check_sees_a_heavy_import() -> None:
    code = "import sys, scipy.optimize; print('scipy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "True"

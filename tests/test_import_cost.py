"""Heavy libraries stay out of what the dashboards import at start (a page opens faster).

What is measured is what mentorkit's own import adds: the modules a fresh interpreter holds
after ``import mentorkit.matching`` (say) minus those a bare interpreter of the same kind
holds, run from the repository so that its ``mentorkit`` is the one imported. No clock is
read: the cost is counted in the libraries loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "ortools", "statsmodels")
#: What the dashboards import at start (the pages' role checks and the match finder's model).
LIGHT = ["mentorkit", "mentorkit.matching", "mentorkit.privacy.suppression",
         "mentorkit.privacy.roles"]


def loaded(code: str) -> tuple[frozenset[str], str | None]:
    """The modules of a fresh interpreter (run in the repository) after ``code``, and the
    file ``mentorkit`` was imported from, if it was."""
    script = (f"{code}\nimport sys\nmk = sys.modules.get('mentorkit')\n"
              "print(getattr(mk, '__file__', ''))\nprint('\\n'.join(sorted(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, f"{code!r} failed:\n{run.stderr[-2000:]}"
    out = run.stdout.splitlines()
    return frozenset(out[1:]), out[0] or None


def top_level(modules: frozenset[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.fixture(scope="module")
def bare() -> frozenset[str]:
    """What a bare interpreter has loaded before anything is imported."""
    modules, mentorkit_file = loaded("")
    assert mentorkit_file is None and not top_level(modules) & set(HEAVY)
    return modules


def pulled_in(code: str, bare: frozenset[str]) -> frozenset[str]:
    """The modules ``code`` adds to a bare interpreter; it must import this repository's
    mentorkit."""
    modules, mentorkit_file = loaded(code)
    assert mentorkit_file == str(ROOT / "mentorkit" / "__init__.py"), mentorkit_file
    return modules - bare


@pytest.mark.parametrize("module", LIGHT)
def test_importing_does_not_pull_in_heavy_libraries(module: str, bare: frozenset[str]) -> None:
    added = pulled_in(f"import {module}", bare)
    assert module in added  # the import measured is mentorkit's, not one already done
    heavy = sorted(top_level(added) & set(HEAVY))
    assert heavy == [], f"import {module} loads {', '.join(heavy)}; import it where it is used"


@pytest.mark.parametrize(("module", "use", "library"), [
    ("mentorkit.privacy.suppression",
     "import pandas as pd\nsuppress(pd.DataFrame({'f': [3, 20], 'm': [12, 8]}), min_cell=5)\n",
     "scipy"),
    ("mentorkit.matching",
     "import pandas as pd\nsolve(score(pd.DataFrame({'id': [1, 2]}), pd.DataFrame("
     "{'id': [3], 'capacity': [2]})), solver='flow')\n", "ortools"),
])
def test_the_measure_sees_a_heavy_library_mentorkit_loads(
        module: str, use: str, library: str, bare: frozenset[str]) -> None:
    """The same measure, once the module runs what needs the library: it is counted, so the
    test above would see it were it imported at the top of the module."""
    names = {"mentorkit.privacy.suppression": "suppress",
             "mentorkit.matching": "score, solve"}[module]
    imported = pulled_in(f"from {module} import {names}", bare)
    used = pulled_in(f"from {module} import {names}\n{use}", bare)
    assert library not in top_level(imported)
    assert library in top_level(used)

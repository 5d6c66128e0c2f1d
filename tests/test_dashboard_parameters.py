"""Every dashboard notebook also runs under papermill with a second set of parameters.

nbval (in `make test`) runs each notebook with its defaults; this runs each again top to
bottom for another programme in Danish, as a bookmarked link would, and checks that no cell
raised and no e-mail address reached a stored output. (The apps' widgets are not stored
outputs; what they show is tested in Chromium in tests/dashboards/.)
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest

from mentorkit.store import Store

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mentorkit.synth import generate

    path = str(tmp_path_factory.mktemp("dash") / "demo.db")
    store = Store.open(path)
    store.load(generate(seed=0, scale=0.3))
    store.close()
    return path


@pytest.mark.parametrize("notebook", DASHBOARDS, ids=[p.stem for p in DASHBOARDS])
def test_dashboard_runs_for_tingbjerg_in_danish(notebook: Path, demo_db: str,
                                                tmp_path: Path) -> None:
    out = tmp_path / notebook.name
    papermill.execute_notebook(str(notebook), str(out), kernel_name="python3",
                               parameters={"db": demo_db, "programme": "Tingbjerg",
                                           "lang": "da"},
                               cwd=str(ROOT / "dashboards"), progress_bar=False)
    executed = json.loads(out.read_text(encoding="utf-8"))
    text = json.dumps([c.get("outputs", []) for c in executed["cells"]])
    assert '"output_type": "error"' not in text
    store = Store.open(demo_db)
    people = store.table("person", programme_id=3)
    store.close()
    for email in people["email"].dropna():
        assert email not in text

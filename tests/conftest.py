"""Shared fixtures: fresh SQLite stores, with and without the synthetic demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorkit.dataset import Dataset
from mentorkit.store import Store
from mentorkit.synth import generate


@pytest.fixture(scope="session")
def small_dataset() -> Dataset:
    """A fifth of the demo programmes (seed 0), generated once per session."""
    return generate(seed=0, scale=0.2)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store in a fresh SQLite file."""
    s = Store.open(str(tmp_path / "mentorkit.db"), actor="test")
    yield s
    s.close()


@pytest.fixture
def demo_store(tmp_path: Path, small_dataset: Dataset) -> Store:
    """A store in a fresh SQLite file holding the small synthetic dataset."""
    s = Store.open(str(tmp_path / "demo.db"), actor="test")
    s.load(small_dataset)
    yield s
    s.close()

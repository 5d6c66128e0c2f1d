"""Write the shipped demo data (``data/*.csv``) and its dictionary (``data/README.md``).

Run with ``python -m mentorkit.synth.demo_data [folder]`` (``make data``). A test checks that
the files equal ``synth.generate(seed=0)`` and that the dictionary matches the schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mentorkit.model.dictionary import replace_in
from mentorkit.synth import generate


def write_demo_data(folder: str | Path = "data") -> list[Path]:
    """Regenerate the demo CSV files and the dictionary block of ``folder/README.md``."""
    folder = Path(folder)
    written = generate(seed=0).to_csv(folder)
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Demo data\n"
    readme.write_text(replace_in(text), encoding="utf-8")
    return [*written, readme]


if __name__ == "__main__":
    for path in write_demo_data(sys.argv[1] if len(sys.argv) > 1 else "data"):
        print(path)

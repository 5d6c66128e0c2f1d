"""Seeded synthetic programmes with a known, planted effect: demo data and test data.

- :func:`generate`: five programmes modelled on the real ones (:mod:`.programmes`), people
  (:mod:`.people`), matches, follow-ups, outcomes and events (:mod:`.simulate`);
- :mod:`.timing`: time in the programmes (a job while waiting ends the wait, the effect
  starts at the match) and the true effects on each scale (``landmark_effect``);
- :mod:`.pool`: a mentor and mentee pool of any size for matching tests and benchmarks;
- :mod:`.demo_data`: writes the shipped ``data/*.csv`` and the data dictionary.

Example
-------
>>> ds = generate(seed=0, scale=0.2)
>>> set(ds.person["role"]) >= {"mentor", "mentee"}
True
"""

from __future__ import annotations

from mentorkit.model.dataset import Dataset, Truth
from mentorkit.synth.programmes import AS_OF, PROGRAMMES, ProgrammeSpec
from mentorkit.synth.simulate import generate

__all__ = ["AS_OF", "PROGRAMMES", "Dataset", "ProgrammeSpec", "Truth", "generate"]

"""Outcome studies: analysis tables, programme effects, time to job, subgroups.

The functions take and return DataFrames and never open the database, so they work on the
store's tables and on any public data set alike (``mentorkit.outcomes.public`` validates
them on the NSW job-training data). Report tables and sentences live in
``mentorkit.outcomes.report``, figures in ``mentorkit.plots.outcomes``.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table, effect
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> e = effect(t, "matched", "employed_followup_12m", "language_rank, education_rank, age",
...            method="ipw", n_boot=0)
>>> e.n_treated > 0
True
"""

from __future__ import annotations

from mentorkit.outcomes._data import EstimationError, as_columns
from mentorkit.outcomes.attrition import (
    LeeBounds,
    lee_bounds,
    response_balance,
    response_weights,
    treatment_weights,
)
from mentorkit.outcomes.balance import balance_table, overlap_table, smd
from mentorkit.outcomes.design_text import explain
from mentorkit.outcomes.diagnostics import Diagnostics, diagnose, effective_sample_size
from mentorkit.outcomes.effects import METHODS, Effect, effect
from mentorkit.outcomes.event_studies import EventStudy, event_study
from mentorkit.outcomes.landmark_by_group import landmark_subgroups
from mentorkit.outcomes.landmark_design import Landmark, landmark, landmark_table
from mentorkit.outcomes.multiplicity import adjust_p_values
from mentorkit.outcomes.placebo_outcome import Placebo, placebo
from mentorkit.outcomes.power import MDE, minimum_detectable_effect, power_for
from mentorkit.outcomes.sensitivity import (
    EValue,
    Rosenbaum,
    evalue,
    evalue_of,
    matched_differences,
    rosenbaum_bounds,
)
from mentorkit.outcomes.subgroup_effects import subgroups
from mentorkit.outcomes.suppress import suppress_small
from mentorkit.outcomes.survival_analysis import Cox, Survival, cox, survival
from mentorkit.outcomes.table import MEASURES, analysis_table
from mentorkit.outcomes.time_varying import TimeVaryingCox, episodes, time_varying_cox

__all__ = ["MDE", "METHODS", "MEASURES", "Cox", "Diagnostics", "EValue", "EventStudy",
           "LeeBounds", "Placebo", "Rosenbaum", "adjust_p_values", "diagnose",
           "effective_sample_size", "event_study", "evalue", "evalue_of", "lee_bounds",
           "matched_differences", "minimum_detectable_effect", "placebo", "power_for",
           "response_balance", "response_weights", "rosenbaum_bounds", "treatment_weights",
           "Effect", "EstimationError", "Landmark", "Survival", "TimeVaryingCox",
           "analysis_table", "as_columns", "balance_table", "cox", "effect", "episodes",
           "explain", "landmark", "landmark_subgroups", "landmark_table", "overlap_table", "smd",
           "subgroups", "suppress_small", "survival", "time_varying_cox"]

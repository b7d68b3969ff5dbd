"""Interrupted time series of yearly counts: named breaks as level shifts (rate ratios).

The model, for a count ``y_t`` with exposure ``E_t`` (e.g. all persons convicted), is

``log E[y_t] = b0 + b1 * (t - t0) + sum_k c_k * 1[t >= T_k] + log E_t``

a negative binomial (NB2) regression by maximum likelihood (statsmodels
``NegativeBinomial``) or a Poisson GLM. ``exp(c_k)`` is the *rate ratio* at break ``k``:
the multiplicative jump of the rate at ``T_k`` beyond the running trend; ``exp(b1)`` is the
yearly rate ratio of the trend. With ``slope_changes=True`` each break also gets a change of
slope, ``d_k * (t - T_k) * 1[t >= T_k]`` (only with many points per segment).

A break with fewer than ``min_post`` observed periods from its date on (e.g. a break in
the last year of the data) cannot be estimated and is dropped with a note, so the same call runs on
any span of years. Missing counts are left out, never filled.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from repstats.stats._series import as_period_series
from repstats.stats.regression import _fit

FAMILIES = ("negbin", "poisson")
COLUMNS = ["term", "kind", "break_period", "rate_ratio", "ci_low", "ci_high", "p", "n",
           "n_after", "family", "dispersion", "nb_alpha", "aic", "warning"]
FITTED_COLUMNS = ["period", "observed", "exposure", "fitted", "fitted_low", "fitted_high",
                  "segment"]


def _breaks(breaks, freq: str) -> dict[str, pd.Period]:
    if not isinstance(breaks, dict) or not breaks:
        raise ValueError("breaks must be a non-empty dict {name: period}, e.g. "
                         "{'Crimea 2014': 2014}")
    out = {}
    for name, when in breaks.items():
        try:
            p = pd.Period(year=int(when), freq=freq) if isinstance(
                when, (int, np.integer)) else pd.Period(when, freq=freq)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"break {name!r}: cannot read {when!r} as a period") from exc
        out[str(name)] = p
    if len(set(out.values())) < len(out):
        raise ValueError(f"two breaks share a period: {out}")
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def its_design(counts, breaks, *, exposure=None, slope_changes: bool = False,
               min_post: int = 2, value: str | None = None):
    """Design matrix of the ITS model (see the module docstring).

    Returns
    -------
    tuple
        ``(y, X, offset, frame, dropped)``: counts (float array), the DataFrame of
        regressors indexed by period (``intercept``, ``trend``, ``level: <name>``,
        ``slope: <name>``), the log-exposure offset (or None), the frame of periods used
        (``count``, ``exposure``) and a list of notes on dropped breaks.
    """
    y = as_period_series(counts, value=value, what="counts")
    frame = pd.DataFrame({"count": y})
    if exposure is not None:
        e = as_period_series(exposure, what="exposure")
        if len(e) and e.index.freqstr != y.index.freqstr:
            raise ValueError("counts and exposure have different frequencies")
        frame["exposure"] = e.reindex(frame.index)
    frame = frame.dropna()
    if frame.empty:
        raise ValueError("no period has both a count and an exposure")
    if (frame["count"] < 0).any() or not np.allclose(frame["count"], frame["count"].round()):
        raise ValueError("counts must be non-negative whole numbers")
    if exposure is not None and (frame["exposure"] <= 0).any():
        raise ValueError("exposure must be positive in every period used")
    named = _breaks(breaks, frame.index.freqstr)
    t0 = frame.index.min()
    X = pd.DataFrame({"intercept": 1.0,
                      "trend": [(p - t0).n for p in frame.index]}, index=frame.index)
    dropped = []
    for name, when in named.items():
        after = np.array([p >= when for p in frame.index])
        if after.sum() < min_post or (~after).sum() < 2:
            dropped.append(f"break {name} ({when}) dropped: {int(after.sum())} period(s) "
                           f"from it and {int((~after).sum())} before it in the data")
            continue
        X[f"level: {name}"] = after.astype(float)
        if slope_changes:
            X[f"slope: {name}"] = [max((p - when).n, 0) if a else 0
                                   for p, a in zip(frame.index, after)]
    offset = np.log(frame["exposure"].to_numpy()) if exposure is not None else None
    return frame["count"].to_numpy(float), X, offset, frame, dropped


def interrupted_time_series(counts, breaks, *, exposure=None, family: str = "negbin",
                            slope_changes: bool = False, min_post: int = 2,
                            alpha: float = 0.05, return_fitted: bool = False,
                            value: str | None = None):
    """Fit the ITS count model and report trend and break effects as rate ratios.

    Parameters
    ----------
    counts : Series or DataFrame
        Non-negative whole counts per period (a Series indexed by integer years or
        Periods, or a DataFrame with ``year``/``period`` and ``value``/``persons``/
        ``count``). Missing counts are left out. Not modified.
    breaks : dict
        ``{name: period}``; a period is an integer year or anything ``pd.Period`` reads
        (``"2019-01"`` for monthly data). A break is the first period of the new regime.
    exposure : Series or DataFrame, optional
        Positive exposure per period (all persons convicted), entered as ``log`` offset so
        the ratios refer to rates (e.g. per conviction). Periods without it are left out.
    family : {"negbin", "poisson"}
        NB2 negative binomial (default; dispersion estimated, so intervals allow
        overdispersion) or Poisson GLM.
    slope_changes : bool
        Also estimate a change of slope at each break.
    min_post : int
        Fewest observed periods from a break on for it to be estimated (else dropped with
        a note in ``warning``).
    alpha : float
        1 - confidence level of the Wald intervals.
    return_fitted : bool
        Also return the fitted values (see below).
    value : str, optional
        Value column of a DataFrame ``counts``.

    Returns
    -------
    DataFrame
        One row per term:

        - ``term``: ``intercept``, ``trend``, ``level: <name>``, ``slope: <name>``
        - ``kind``: "intercept", "trend", "level change" or "slope change"
        - ``break_period``: the break's period as text (None for intercept and trend)
        - ``rate_ratio``: ``exp(coefficient)``; for ``intercept`` the expected count (or
          rate per unit of exposure) in the first period
        - ``ci_low``, ``ci_high``: exp of the Wald interval bounds
        - ``p``: Wald p-value
        - ``n``: periods used; ``n_after``: periods from the break on (None otherwise)
        - ``family``: "negbin" or "poisson"
        - ``dispersion``: Pearson chi2 / df of the Poisson fit of the same model (well
          above 1: Poisson intervals would be too narrow)
        - ``nb_alpha``: NB2 dispersion parameter (NaN for Poisson)
        - ``aic``: AIC of the fit
        - ``warning``: notes (dropped breaks, convergence, n < 10) or None

    fitted : DataFrame, only with ``return_fitted=True``
        ``period``, ``observed``, ``exposure`` (NaN without one), ``fitted`` (expected
        count), ``fitted_low``/``fitted_high`` (confidence band of the expected count,
        NB parameter held fixed), ``segment`` (name of the last break passed, "" before
        the first). Returned as ``(table, fitted)``.

    Raises
    ------
    ValueError
        Unknown family, alpha outside (0, 1), empty or malformed breaks, negative or
        fractional counts, non-positive exposure, or too few periods for the terms.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if int(min_post) < 1:
        raise ValueError(f"min_post must be at least 1, got {min_post}")
    y, X, offset, frame, notes = its_design(counts, breaks, exposure=exposure,
                                            slope_changes=slope_changes, min_post=min_post,
                                            value=value)
    n, k = X.shape
    if n < k + 2:
        raise ValueError(f"{n} periods for {k} coefficients (+ dispersion); need at least "
                         f"{k + 2}")
    poisson, fit_notes = _fit(y, X, offset, "poisson")
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    res, fit_notes = (poisson, fit_notes) if family == "poisson" else _fit(y, X, offset,
                                                                          "negbin")
    notes = notes + fit_notes + (["n < 10"] if n < 10 else [])
    terms = list(X.columns)
    ci = pd.DataFrame(np.asarray(res.conf_int(alpha=alpha)), index=res.params.index)
    named = _breaks(breaks, frame.index.freqstr)
    rows = []
    for term in terms:
        kind = ("intercept" if term == "intercept" else "trend" if term == "trend" else
                "level change" if term.startswith("level: ") else "slope change")
        name = term.split(": ", 1)[1] if ": " in term else None
        when = named[name] if name else None
        rows.append(dict(term=term, kind=kind, break_period=str(when) if when else None,
                         rate_ratio=math.exp(res.params[term]),
                         ci_low=math.exp(ci.loc[term, 0]), ci_high=math.exp(ci.loc[term, 1]),
                         p=float(res.pvalues[term]), n=n,
                         n_after=int(X[term].gt(0).sum()) if when else None))
    out = pd.DataFrame(rows).assign(
        family=family, dispersion=dispersion,
        nb_alpha=float(res.params["alpha"]) if family == "negbin" else math.nan,
        aic=float(res.aic), warning="; ".join(notes) or None)
    out["n_after"] = out["n_after"].astype("Int64")
    out = out[COLUMNS]
    if not return_fitted:
        return out
    return out, _fitted(res, X, offset, frame, named, alpha)


def _fitted(res, X, offset, frame, named, alpha) -> pd.DataFrame:
    beta = res.params[X.columns].to_numpy()
    cov = np.asarray(res.cov_params())[: X.shape[1], : X.shape[1]]
    eta = X.to_numpy() @ beta + (offset if offset is not None else 0.0)
    se = np.sqrt(np.einsum("ij,jk,ik->i", X.to_numpy(), cov, X.to_numpy()))
    q = stats.norm.ppf(1 - alpha / 2)
    segment = ["" for _ in frame.index]
    for name, when in named.items():
        segment = [name if p >= when else s for p, s in zip(frame.index, segment)]
    return pd.DataFrame({
        "period": frame.index, "observed": frame["count"].to_numpy(),
        "exposure": frame["exposure"].to_numpy() if "exposure" in frame else np.nan,
        "fitted": np.exp(eta), "fitted_low": np.exp(eta - q * se),
        "fitted_high": np.exp(eta + q * se), "segment": segment,
    })[FITTED_COLUMNS]


def simulate_its(n_periods: int, breaks: dict, *, rate_ratios: dict, trend: float,
                 baseline: float, exposure=None, nb_alpha: float = 0.05, start: int = 2000,
                 seed: int = 0) -> pd.Series:
    """Simulate yearly NB2 counts with a known trend and level changes (for tests and
    for checking a design's power).

    Parameters
    ----------
    n_periods : int
        Number of years from ``start``.
    breaks : dict
        ``{name: year}`` as in :func:`interrupted_time_series`.
    rate_ratios : dict
        ``{name: rate ratio}`` for each break.
    trend : float
        Yearly rate ratio of the trend.
    baseline : float
        Expected count (per unit exposure) in the first year.
    exposure : array-like, optional
        Exposure per year (expected count = rate x exposure).
    nb_alpha : float
        NB2 dispersion (variance = mu + alpha mu^2); 0 gives Poisson counts.

    Returns
    -------
    Series
        Counts indexed by integer year, named ``count``.
    """
    if set(rate_ratios) != set(breaks):
        raise ValueError("rate_ratios must name exactly the breaks")
    rng = np.random.default_rng(seed)
    years = np.arange(start, start + n_periods)
    log_mu = np.log(baseline) + np.log(trend) * (years - start)
    for name, year in breaks.items():
        log_mu = log_mu + np.log(rate_ratios[name]) * (years >= int(year))
    mu = np.exp(log_mu) * (np.asarray(exposure, float) if exposure is not None else 1.0)
    if nb_alpha > 0:
        lam = rng.gamma(1 / nb_alpha, mu * nb_alpha)
    else:
        lam = mu
    return pd.Series(rng.poisson(lam).astype(float), index=years, name="count")


"""Monthly counts against a lagged instability indicator: a count model with trend, season
and break terms and Newey-West (HAC) standard errors; plus a lead/lag profile.

The model for a monthly count ``y_t`` and indicator ``x`` (standardised over the months
used, so effects are per standard deviation) at lag ``L`` is the Poisson quasi-likelihood
regression

``log E[y_t] = a + sum_j g_j P_j(t) + month-of-year_t + sum_k c_k 1[t >= T_k] + b x_{t-L}``

with ``P_j`` Legendre polynomials of time up to degree ``trend_degree`` (a smooth drift
over the years, so the indicator is not credited with a shared long-run trend), eleven
month dummies, a level shift at each known definition break ``T_k`` (e.g. the 2019
decriminalisation behind the fall of registered extremism crimes), fitted by
``statsmodels.GLM(..., family=Poisson()).fit(cov_type="HAC")``. Poisson quasi-likelihood
is consistent for the mean whatever the dispersion, and the HAC (Newey-West, Bartlett
kernel) covariance allows for overdispersion and for residual autocorrelation up to
``maxlags`` months. ``exp(b)`` is the rate ratio per standard deviation of the indicator.

A positive ``lag`` pairs the count with the indicator ``lag`` months *earlier* (indicator
leads); :func:`lead_lag_profile` fits the same model over a range of lags and leads, so a
reader sees which series moves first.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from repstats.stats._series import as_period_series

COLUMNS = ["indicator", "lag", "rate_ratio", "ci_low", "ci_high", "p", "n", "first", "last",
           "indicator_sd", "hac_maxlags", "trend_degree", "breaks", "n_gaps", "warning"]


def monthly_design(counts, indicator, *, lag: int = 1, breaks=None, trend_degree: int = 3,
                   season: bool = True, exposure=None):
    """Design of the monthly model (see the module docstring).

    Returns
    -------
    tuple
        ``(y, X, offset, sd, notes)``: counts, regressors (DataFrame indexed by month;
        the indicator column is ``x``), log-exposure offset or None, the indicator's
        standard deviation over the months used, and notes.
    """
    y = as_period_series(counts, what="counts")
    x = as_period_series(indicator, what="indicator")
    for s, what in ((y, "counts"), (x, "indicator")):
        if len(s) and s.index.freqstr != "M":
            raise ValueError(f"{what} must be monthly, got frequency {s.index.freqstr}")
    if not isinstance(lag, (int, np.integer)):
        raise ValueError(f"lag must be an integer number of months, got {lag!r}")
    if not 0 <= int(trend_degree) <= 8:
        raise ValueError(f"trend_degree must be between 0 and 8, got {trend_degree}")
    if len(y) == 0 or len(x) == 0:
        raise ValueError("counts and indicator must not be empty")
    full = pd.period_range(min(y.index.min(), x.index.min()),
                           max(y.index.max(), x.index.max()), freq="M", name="period")
    # the months where every series has a value, as arrays (one frame per lag of a
    # lead/lag profile would cost more than the model fit)
    count = y.reindex(full).to_numpy(float)
    lagged = x.reindex(full).shift(int(lag)).to_numpy(float)
    keep = ~np.isnan(count) & ~np.isnan(lagged)
    if exposure is not None:
        expo = as_period_series(exposure, what="exposure").reindex(full).to_numpy(float)
        keep &= ~np.isnan(expo)
    count, idx = count[keep], full[keep]
    xv = pd.Series(lagged[keep])
    if len(idx) < 24:
        raise ValueError(f"only {len(idx)} months with both series; need at least 24")
    if (count < 0).any() or not np.allclose(count, count.round()):
        raise ValueError("counts must be non-negative whole numbers")
    sd = float(xv.std(ddof=1))
    if not sd > 0:
        raise ValueError("the indicator is constant over the months used")
    steps = np.diff(idx.asi8)
    n_gaps = int((steps > 1).sum())
    t = (idx.asi8 - idx.asi8[0]).astype(float)  # months since the first one
    u = 2 * t / max(t[-1], 1) - 1
    cols = {"intercept": np.ones(len(idx))}
    for d in range(1, int(trend_degree) + 1):
        cols[f"trend P{d}"] = np.polynomial.legendre.Legendre.basis(d)(u)
    if season:
        month = idx.month
        for m in range(2, 13):
            cols[f"month {m}"] = (month == m).astype(float)
    notes = [f"{n_gaps} gap(s) in the months used: HAC treats rows as consecutive"] \
        if n_gaps else []
    for name, when in (breaks or {}).items():
        p = pd.Period(when, freq="M")
        after = (idx >= p).astype(float)
        if 0 < after.sum() < len(idx):
            cols[f"break: {name}"] = after
        else:
            notes.append(f"break {name} ({p}) outside the months used: not estimated")
    cols["x"] = ((xv - xv.mean()) / sd).to_numpy()
    X = pd.DataFrame(cols, index=idx)
    offset = np.log(expo[keep]) if exposure is not None else None
    return count, X, offset, sd, notes


def monthly_association(counts, indicator, *, lag: int = 1, breaks=None,
                        trend_degree: int = 3, season: bool = True, exposure=None,
                        maxlags: int = 12, alpha: float = 0.05,
                        name: str | None = None) -> pd.DataFrame:
    """Rate ratio of monthly counts per SD of a lagged indicator, HAC errors.

    Parameters
    ----------
    counts : Series or DataFrame
        Monthly non-negative whole counts (PeriodIndex "M", or a DataFrame with
        ``period``/``value``). Not modified.
    indicator : Series or DataFrame
        One monthly indicator (same forms). Months missing in either series are left out.
    lag : int
        Months by which the indicator precedes the count (negative: follows it).
    breaks : dict, optional
        ``{name: "YYYY-MM"}`` first months of new series definitions; each gets a level
        shift.
    trend_degree : int
        Degree of the Legendre polynomial trend (0 = none).
    season : bool
        Month-of-year dummies.
    exposure : Series or DataFrame, optional
        Monthly exposure (e.g. all registered crimes) as log offset.
    maxlags : int
        Newey-West truncation lag in months.
    alpha : float
        1 - confidence level.
    name : str, optional
        Indicator name for the output (default: the Series name or "indicator").

    Returns
    -------
    DataFrame
        One row:

        - ``indicator``, ``lag``
        - ``rate_ratio``: ``exp(b)``, multiplicative change in expected monthly count per
          standard deviation of the indicator (``ci_low``, ``ci_high``: HAC Wald interval)
        - ``p``: HAC Wald p-value
        - ``n``: months used; ``first``, ``last``: first and last month used
        - ``indicator_sd``: the SD (indicator units) that one step means
        - ``hac_maxlags``, ``trend_degree``: settings used
        - ``breaks``: break terms estimated, "; "-joined
        - ``n_gaps``: holes in the months used
        - ``warning``: notes or None

    Raises
    ------
    ValueError
        Non-monthly input, a non-integer lag, fewer than 24 months, negative counts, a
        constant indicator, ``maxlags`` < 0 or alpha outside (0, 1).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if int(maxlags) < 0:
        raise ValueError(f"maxlags must be >= 0, got {maxlags}")
    y, X, offset, sd, notes = monthly_design(counts, indicator, lag=lag, breaks=breaks,
                                             trend_degree=trend_degree, season=season,
                                             exposure=exposure)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the design as an array: the same fit, without statsmodels' pandas wrapping of
        # every result (the indicator's coefficient is read by its column position)
        res = GLM(y, X.to_numpy(), family=Poisson(), offset=offset).fit(
            cov_type="HAC", cov_kwds={"maxlags": int(maxlags)})
    notes += sorted({str(w.message) for w in caught
                     if issubclass(w.category, (ConvergenceWarning, RuntimeWarning))})
    j = X.columns.get_loc("x")
    ci = np.asarray(res.conf_int(alpha=alpha)[j])
    if name is None:
        name = indicator.name if isinstance(indicator, pd.Series) and indicator.name \
            else "indicator"
    row = dict(indicator=str(name), lag=int(lag), rate_ratio=math.exp(res.params[j]),
               ci_low=math.exp(ci[0]), ci_high=math.exp(ci[1]), p=float(res.pvalues[j]),
               n=len(y), first=str(X.index.min()), last=str(X.index.max()),
               indicator_sd=sd, hac_maxlags=int(maxlags), trend_degree=int(trend_degree),
               breaks="; ".join(c[len("break: "):] for c in X.columns
                                if c.startswith("break: ")),
               n_gaps=int((np.diff(X.index.asi8) > 1).sum()),
               warning="; ".join(notes) or None)
    return pd.DataFrame([row])[COLUMNS]


def lead_lag_profile(counts, indicator, lags=range(-6, 7), **kwargs) -> pd.DataFrame:
    """:func:`monthly_association` at every lag in ``lags`` (negative = indicator follows).

    Parameters
    ----------
    counts, indicator
        As in :func:`monthly_association`.
    lags : iterable of int
        Lags to fit; include negative ones (leads) to see which series moves first.
    **kwargs
        Passed to :func:`monthly_association` (breaks, trend_degree, maxlags, ...).

    Returns
    -------
    DataFrame
        The columns of :func:`monthly_association`, one row per lag, plus ``direction``:
        "indicator leads" (lag > 0), "same month" or "indicator follows" (lag < 0).
    """
    lags = list(lags)
    if not lags:
        raise ValueError("lags must not be empty")
    if kwargs.get("name") is None:  # the name monthly_association would give
        kwargs["name"] = (indicator.name if isinstance(indicator, pd.Series)
                          and indicator.name else "indicator")
    # both series read once for every lag (the reading is idempotent)
    counts = as_period_series(counts, what="counts")
    indicator = as_period_series(indicator, what="indicator")
    out = pd.concat([monthly_association(counts, indicator, lag=int(k), **kwargs)
                     for k in lags], ignore_index=True)
    out["direction"] = np.select([out["lag"] > 0, out["lag"] < 0],
                                 ["indicator leads", "indicator follows"], "same month")
    return out

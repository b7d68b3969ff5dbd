"""Count regression of yearly counts on an indicator with a time trend (statsmodels).

The model is ``log E[count_t] = b0 + b1 * indicator_t + b2 * trend_t (+ log exposure_t)``,
with ``trend_t`` the number of periods since the first period used. Coefficients are
reported as incidence-rate ratios (``exp(b)``): the multiplicative change in the expected
count per unit of the indicator (per period for the trend).

Overdispersion is checked with the Pearson statistic of a Poisson fit,
``dispersion = sum(pearson_residual**2) / df_resid``; a value well above 1 means Poisson
intervals are too narrow.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

from repstats.stats._series import as_period_series, indicator_series

FAMILIES = ("negbin", "poisson", "auto")
COLUMNS = ["term", "irr", "ci_low", "ci_high", "p", "n", "dispersion", "family", "aic",
           "nb_alpha", "warning"]


def _design(counts, indicator, *, trend: bool, exposure, lag: int, value):
    y = as_period_series(counts, value=value, what="counts")
    named = indicator_series(indicator, value=value)
    if len(named) != 1:
        raise ValueError(f"count_regression takes one indicator, got {sorted(named)}; "
                         "filter the panel first")
    (name, x), = named.items()
    if len(x) and len(y) and x.index.freqstr != y.index.freqstr:
        raise ValueError(f"counts ({y.index.freqstr}) and indicator ({x.index.freqstr}) "
                         "have different frequencies; convert first")
    full = pd.period_range(min(y.index.min(), x.index.min()),
                           max(y.index.max(), x.index.max()), name="period")
    frame = pd.DataFrame({"count": y.reindex(full), name: x.reindex(full).shift(lag)})
    if exposure is not None:
        frame["exposure"] = as_period_series(exposure, what="exposure").reindex(frame.index)
    frame = frame.dropna()
    if (frame["count"] < 0).any() or not np.allclose(frame["count"], frame["count"].round()):
        raise ValueError("counts must be non-negative integers")
    if exposure is not None and (frame["exposure"] <= 0).any():
        raise ValueError("exposure must be positive in every period used")
    X = pd.DataFrame({"intercept": 1.0, name: frame[name]}, index=frame.index)
    if trend:
        first = frame.index.min()
        X["trend"] = [(p - first).n for p in frame.index]
    offset = np.log(frame["exposure"].to_numpy()) if exposure is not None else None
    return frame["count"].to_numpy(float), X, offset, name


def _fit(y, X, offset, family):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if family == "poisson":
            res = GLM(y, X, family=Poisson(), offset=offset).fit()
        else:
            res = NegativeBinomial(y, X, loglike_method="nb2", offset=offset).fit(
                disp=0, maxiter=500)
    notes = sorted({f"{w.category.__name__}: {w.message}" for w in caught
                    if issubclass(w.category, (ConvergenceWarning, HessianInversionWarning,
                                               RuntimeWarning))})
    if family == "negbin" and not res.mle_retvals.get("converged", True):
        notes.append("negative binomial fit did not converge")
    return res, notes


def count_regression(counts, indicator, trend: bool = True, family: str = "negbin", *,
                     exposure=None, lag: int = 0, alpha: float = 0.05,
                     dispersion_threshold: float = 1.5, value: str | None = None
                     ) -> pd.DataFrame:
    """Regress counts on an indicator (and a linear trend); report incidence-rate ratios.

    Parameters
    ----------
    counts : Series or DataFrame
        Non-negative integer counts per period (see :func:`repstats.stats.associate`).
    indicator : Series or DataFrame
        One indicator series (or a one-indicator panel) of the same frequency.
    trend : bool
        Include a linear time trend (periods since the first period used).
    family : {"negbin", "poisson", "auto"}
        ``negbin``: NB2 negative binomial by maximum likelihood
        (``statsmodels.discrete.NegativeBinomial``), dispersion estimated.
        ``poisson``: Poisson GLM; a warning is issued (and recorded) when the Pearson
        dispersion exceeds ``dispersion_threshold``.
        ``auto``: Poisson unless overdispersed, then negative binomial.
    exposure : Series or DataFrame, optional
        Per-period exposure (e.g. all convictions) entering as ``log`` offset, so IRRs
        refer to rates.
    lag : int
        Indicator lag in periods (positive: the indicator leads the counts).
    alpha : float
        1 - confidence level of the Wald intervals.
    dispersion_threshold : float
        Pearson chi2 / df above which a Poisson model counts as overdispersed.
    value : str, optional
        Value column of DataFrame inputs.

    Returns
    -------
    DataFrame
        One row per model term (``intercept``, the indicator name, ``trend``):

        - ``term``: term name
        - ``irr``: exp(coefficient), the incidence-rate ratio (for ``intercept``: the
          expected count, or rate, at indicator 0 and trend 0)
        - ``ci_low``, ``ci_high``: exp of the Wald interval bounds
        - ``p``: Wald p-value
        - ``n``: periods used
        - ``dispersion``: Pearson chi2 / df_resid of the Poisson fit of the same model
        - ``family``: family actually fitted ("poisson" or "negbin")
        - ``aic``: AIC of the fitted model
        - ``nb_alpha``: NB2 dispersion parameter (NaN for Poisson)
        - ``warning``: notes (overdispersion, convergence, small n) or None
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    y, X, offset, _ = _design(counts, indicator, trend=trend, exposure=exposure, lag=lag,
                              value=value)
    n, k = X.shape
    if n <= k + 1:
        raise ValueError(f"{n} usable periods for {k} coefficients; need at least {k + 2}")
    poisson, notes = _fit(y, X, offset, "poisson")
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    overdispersed = dispersion > dispersion_threshold
    fitted = family if family != "auto" else ("negbin" if overdispersed else "poisson")
    if fitted == "poisson":
        res = poisson
        if overdispersed:
            msg = (f"Poisson dispersion {dispersion:.2f} > {dispersion_threshold}: "
                   "intervals too narrow; use family='negbin'")
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            notes.append(msg)
    else:
        res, nb_notes = _fit(y, X, offset, "negbin")
        notes = nb_notes
        if family == "auto":
            notes.append(f"switched to negative binomial (Poisson dispersion "
                         f"{dispersion:.2f} > {dispersion_threshold})")
    if n < 10:
        notes.append("n < 10")
    params = res.params
    ci = res.conf_int(alpha=alpha)
    ci = ci if isinstance(ci, pd.DataFrame) else pd.DataFrame(ci, index=params.index)
    terms = list(X.columns)
    out = pd.DataFrame({
        "term": terms,
        "irr": np.exp(params[terms].to_numpy()),
        "ci_low": np.exp(ci.loc[terms].iloc[:, 0].to_numpy()),
        "ci_high": np.exp(ci.loc[terms].iloc[:, 1].to_numpy()),
        "p": res.pvalues[terms].to_numpy(),
        "n": n,
        "dispersion": dispersion,
        "family": fitted,
        "aic": float(res.aic),
        "nb_alpha": float(params["alpha"]) if fitted == "negbin" else math.nan,
        "warning": "; ".join(notes) or None,
    })
    return out[COLUMNS]

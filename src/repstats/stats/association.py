"""Association between a yearly (or monthly) count series and instability indicators.

Two trending series correlate whatever their relation, so every association is reported
both in levels and in first differences, at several lags, with Spearman and Pearson
coefficients, a bootstrap confidence interval, a permutation p-value, the parametric
p-value and the number of points actually used.

Confidence intervals use a **moving-block bootstrap** of the (count, indicator) pairs
(Künsch 1989): annual series are autocorrelated, and resampling single pairs
independently (``scipy.stats.bootstrap`` with ``paired=True``) treats them as independent,
which makes intervals too narrow. Blocks of ``block_length`` consecutive pairs keep the
short-range dependence; the default length is ``round(n ** (1/3))`` (at least 1), the
usual rate for block bootstraps. With ``block_length=1`` the procedure is the ordinary
paired bootstrap. Intervals are percentile intervals.

Permutation p-values (``scipy.stats.permutation_test``, pairings permuted, two-sided)
assume exchangeability, which autocorrelated levels violate; read them for the
``diff`` transform foremost. With ``n! <= n_perm`` the test is exact.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from repstats.stats._series import (as_period_series, full_range, indicator_series,
                                    lagged_arrays, period_label, transform_series)

METHODS = ("spearman", "pearson")
TRANSFORMS = ("level", "diff")
#: Fewer points than this triggers the "n < 10" warning.
SMALL_N = 10
#: Below this many pairs no bootstrap interval is reported: resampling 3-5 points gives
#: degenerate intervals (e.g. [-1, -1]) that would look decisive.
MIN_CI_N = 6
#: Overlap below this share of the shorter series triggers "little overlap".
LITTLE_OVERLAP = 0.5
COLUMNS = ["indicator", "transform", "lag", "method", "r", "ci_low", "ci_high", "p_perm",
           "p_parametric", "n", "overlap_start", "overlap_end", "block_length", "warning"]


def _rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r along the last axis; NaN where either row is constant."""
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    den = np.sqrt((xc ** 2).sum(axis=-1) * (yc ** 2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (xc * yc).sum(axis=-1) / den, np.nan)


def _ranks(a: np.ndarray) -> np.ndarray:
    """Average ranks along the last axis (ties share their mean rank), as
    ``scipy.stats.rankdata(a, axis=-1)``: the same exact values (counts and halves), without
    scipy's per-call overhead. For the short rows of yearly series (comparisons n x n)."""
    a = np.asarray(a, dtype=float)
    if np.isnan(a).any():
        return stats.rankdata(a, axis=-1)
    less = (a[..., None, :] < a[..., :, None]).sum(axis=-1)
    equal = (a[..., None, :] == a[..., :, None]).sum(axis=-1)
    return less + (equal + 1) / 2


def _statistic(method: str):
    def pearson(x, y, axis=-1):
        return _rowwise_pearson(np.moveaxis(x, axis, -1), np.moveaxis(y, axis, -1))

    def spearman(x, y, axis=-1):
        x, y = np.moveaxis(x, axis, -1), np.moveaxis(y, axis, -1)
        return _rowwise_pearson(_ranks(x), _ranks(y))

    return {"pearson": pearson, "spearman": spearman}[method]


def block_bootstrap_indices(n: int, block_length: int, n_boot: int,
                            rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n_boot`` moving-block resamples of length ``n`` (shape n_boot x n)."""
    if not 1 <= block_length <= n:
        raise ValueError(f"block_length must be between 1 and n={n}, got {block_length}")
    n_blocks = math.ceil(n / block_length)
    starts = rng.integers(0, n - block_length + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block_length)).reshape(n_boot, -1)
    return idx[:, :n]


def block_bootstrap_ci(x: np.ndarray, y: np.ndarray, method: str, *, n_boot: int,
                       block_length: int, confidence: float,
                       rng: np.random.Generator) -> tuple[float, float]:
    """Percentile interval of the correlation under a moving-block bootstrap of pairs."""
    idx = block_bootstrap_indices(len(x), block_length, n_boot, rng)
    boots = _statistic(method)(x[idx], y[idx])
    boots = boots[np.isfinite(boots)]
    if len(boots) < max(10, n_boot // 2):
        return math.nan, math.nan
    alpha = (1 - confidence) / 2
    low, high = np.quantile(boots, [alpha, 1 - alpha])
    return float(low), float(high)


def _parametric(x, y, method):
    res = stats.spearmanr(x, y) if method == "spearman" else stats.pearsonr(x, y)
    return float(res.statistic), float(res.pvalue)


def _one(y, x, method, *, n_boot, n_perm, block_length, confidence, rng, interval=True):
    r, p = _parametric(x, y, method)
    bl = block_length or max(1, round(len(x) ** (1 / 3)))
    bl = min(bl, len(x))
    if interval:
        low, high = block_bootstrap_ci(x, y, method, n_boot=n_boot, block_length=bl,
                                       confidence=confidence, rng=rng)
    else:  # the resamples are drawn all the same: the permutations after them, and so
        # p_perm, are those of a run with the interval
        block_bootstrap_indices(len(x), bl, n_boot, rng)
        low = high = math.nan
    stat, xs, ys = _statistic(method), x, y
    if method == "spearman":
        # the ranks of a permuted sample are the permuted ranks: rank once and permute
        # the ranks (Pearson on them), the same statistics without ranking every resample
        stat, xs, ys = _statistic("pearson"), _ranks(x), _ranks(y)
    return r, low, high, permutation_pvalue(xs, ys, stat, n_perm, rng), p, bl


def permutation_pvalue(x: np.ndarray, y: np.ndarray, stat, n_perm: int,
                       rng: np.random.Generator) -> float:
    """Two-sided permutation p-value of ``stat(x, y)``, pairings permuted.

    The same draws and the same p-value as ``scipy.stats.permutation_test((y,), ...,
    permutation_type="pairings", n_resamples=n_perm, rng=rng)`` (one batch of
    ``rng.permuted`` over tiled indices; ``+1`` in numerator and denominator; ties within
    a relative 100 machine epsilons count), computed as one matrix operation without
    scipy's per-call overhead. With ``n! <= n_perm`` every pairing is enumerated (exact
    test; scipy does it).
    """
    n = len(y)
    if math.factorial(n) <= n_perm:
        return float(stats.permutation_test(
            (y,), lambda yy, axis=-1: stat(np.broadcast_to(x, np.shape(yy)), yy, axis=axis),
            permutation_type="pairings", vectorized=True, n_resamples=n_perm,
            alternative="two-sided", rng=rng).pvalue)
    idx = rng.permuted(np.tile(np.arange(n), (n_perm, 1, 1)), axis=-1)[:, 0, :]
    null = stat(np.broadcast_to(x, (n_perm, n)), y[idx])
    observed = stat(x, y)
    gamma = np.abs(np.finfo(float).eps * 100 * observed)
    less = (np.count_nonzero(null <= observed + gamma) + 1) / (n_perm + 1)
    greater = (np.count_nonzero(null >= observed - gamma) + 1) / (n_perm + 1)
    return float(np.clip(min(less, greater) * 2, 0.0, 1.0))


def _warnings(n: int, n_shorter: int) -> list[str]:
    notes = []
    if n < SMALL_N:
        notes.append(f"n < {SMALL_N}")
    if n_shorter and n / n_shorter < LITTLE_OVERLAP:
        notes.append(f"little overlap ({n} of {n_shorter} periods of the shorter series)")
    return notes


def associate(counts, indicator, lags: Iterable[int] = range(-2, 3),
              methods: Iterable[str] = METHODS, transform: Iterable[str] | str = TRANSFORMS,
              n_boot: int = 2000, n_perm: int = 5000, seed: int = 0, *,
              block_length: int | None = None, confidence: float = 0.95,
              value: str | None = None, interval: bool = True) -> pd.DataFrame:
    """Correlate a count series with one or more indicators at several lags.

    Parameters
    ----------
    counts : Series or DataFrame
        One count per period: a Series indexed by integer years or Periods, or a
        DataFrame with a time column (``period``/``year``/``date``) and a value column
        (``value=``, else ``value``/``persons``/``count``).
    indicator : Series or DataFrame
        One indicator series, or a long panel with columns ``indicator``, ``period``,
        ``value`` (``repstats.instability.panel``; convert to the counts' frequency first,
        e.g. with ``repstats.instability.to_yearly``). Each indicator gives its own rows.
    lags : iterable of int
        Lag k pairs the count in period t with the indicator in period t - k: a positive
        lag means the indicator leads the counts.
    methods : iterable of {"spearman", "pearson"}
    transform : "level", "diff" or an iterable of them
        ``diff`` correlates first differences between consecutive periods of both series.
    n_boot : int
        Moving-block bootstrap resamples for the interval.
    n_perm : int
        Permutations for ``p_perm``.
    seed : int
        Seed of the one random generator used for all resampling (results reproducible).
    block_length : int, optional
        Block length of the bootstrap; default ``max(1, round(n ** (1/3)))``.
    confidence : float
        Confidence level of the interval.
    value : str, optional
        Value column of a DataFrame ``counts``/``indicator``.
    interval : bool
        False skips the bootstrap interval (``ci_low``/``ci_high`` missing), e.g. when
        only ``r`` and ``p_perm`` are read; the resamples are still drawn, so ``p_perm``
        is the same as with the interval.

    Returns
    -------
    DataFrame
        One row per indicator x transform x lag x method:

        - ``indicator``: indicator name
        - ``transform``: "level" or "diff"
        - ``lag``: lag in periods (positive: indicator leads)
        - ``method``: "spearman" or "pearson"
        - ``r``: correlation coefficient (scipy ``spearmanr`` / ``pearsonr``)
        - ``ci_low``, ``ci_high``: moving-block bootstrap percentile interval (missing
          when ``n`` < :data:`MIN_CI_N`)
        - ``p_perm``: two-sided permutation p-value
        - ``p_parametric``: two-sided p-value of scipy (t-distribution; Pearson's assumes
          bivariate normality)
        - ``n``: number of pairs used
        - ``overlap_start``, ``overlap_end``: first and last period (of the counts) used
        - ``block_length``: bootstrap block length
        - ``warning``: "; "-joined notes ("n < 10", "little overlap (...)", "too few
          points: not computed", "n < 6: no bootstrap interval", "constant series"), None when there is nothing to note
    """
    transforms = (transform,) if isinstance(transform, str) else tuple(transform)
    methods, lags = tuple(methods), tuple(lags)
    for t in transforms:
        if t not in TRANSFORMS:
            raise ValueError(f"transform must be among {TRANSFORMS}, got {t!r}")
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"methods must be among {METHODS}, got {m!r}")
    if not lags or not all(isinstance(k, (int, np.integer)) for k in lags):
        raise ValueError(f"lags must be a non-empty iterable of integers, got {lags!r}")
    if n_boot < 100 or n_perm < 100:
        raise ValueError("n_boot and n_perm must be at least 100")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    y_raw = as_period_series(counts, value=value, what="counts")
    rng = np.random.default_rng(seed)
    rows = []
    for name, x_raw in indicator_series(indicator, value=value).items():
        index = full_range(y_raw, x_raw)
        n_shorter = min(y_raw.notna().sum(), x_raw.notna().sum())
        for t in transforms:
            y_t, x_t = transform_series(y_raw, t, index), transform_series(x_raw, t, index)
            for lag in lags:
                used, y, x = lagged_arrays(y_t, x_t, int(lag))
                n = len(used)
                notes = _warnings(n, n_shorter - (t == "diff"))
                base = dict(indicator=name, transform=t, lag=int(lag), n=n,
                            overlap_start=period_label(used.min() if n else None),
                            overlap_end=period_label(used.max() if n else None))
                constant = n >= 3 and (np.ptp(x) == 0 or np.ptp(y) == 0)
                for m in methods:
                    res = dict(r=math.nan, ci_low=math.nan, ci_high=math.nan,
                               p_perm=math.nan, p_parametric=math.nan, block_length=None)
                    row_notes = list(notes)
                    if n < 3:
                        row_notes.append("too few points: not computed")
                    elif constant:
                        row_notes.append("constant series")
                    else:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", stats.ConstantInputWarning)
                            vals = _one(y, x, m, n_boot=n_boot, n_perm=n_perm,
                                        block_length=block_length, confidence=confidence,
                                        rng=rng, interval=interval)
                        res = dict(zip(["r", "ci_low", "ci_high", "p_perm", "p_parametric",
                                        "block_length"], vals))
                        if n < MIN_CI_N:
                            res.update(ci_low=math.nan, ci_high=math.nan)
                            row_notes.append(f"n < {MIN_CI_N}: no bootstrap interval")
                    rows.append(base | res | dict(method=m,
                                                  warning="; ".join(row_notes) or None))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["block_length"] = out["block_length"].astype("Int64")
    return out

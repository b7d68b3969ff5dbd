"""Change points in yearly or monthly series (ruptures), with resampling support.

Detection minimises a penalised cost (``ruptures``: PELT, exact for a linear penalty, or
binary segmentation, approximate). The default cost ``l2`` detects shifts in the mean.
The default penalty (``penalty="bic"``) is ``2 * sigma^2 * log(n)``, the Schwarz criterion
for a Gaussian mean-shift model, with ``sigma`` estimated robustly from first differences
(``MAD(diff) / (0.6745 * sqrt(2))``) so that the shifts themselves do not inflate it.

How stable is each detected date? ``support`` is the share of resampled series that also
place a change within ``tolerance`` periods of it:

- ``"jackknife"`` (default): drop one period at a time and rerun detection (n runs,
  deterministic). Sensitive to single influential years.
- ``"bootstrap"``: residual bootstrap around the fitted segment means (iid residuals,
  ``n_boot`` runs). Conditional on the fitted segmentation, so it measures detectability
  given noise rather than model uncertainty.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from repstats.stats._series import as_period_series, period_label

METHODS = ("pelt", "binseg")
SUPPORTS = ("jackknife", "bootstrap")
COLUMNS = ["date", "position", "mean_before", "mean_after", "change", "support",
           "support_method", "n_resamples", "tolerance", "method", "model", "penalty", "n",
           "warning"]


def robust_sigma(values: np.ndarray) -> float:
    """Noise scale from first differences: MAD / (0.6745 * sqrt 2); falls back to std."""
    d = np.diff(values)
    mad = np.median(np.abs(d - np.median(d))) if len(d) else 0.0
    sigma = mad / (0.6745 * math.sqrt(2))
    return float(sigma if sigma > 0 else np.std(values, ddof=1) if len(values) > 1 else 0.0)


def _detector(method: str, model: str, min_size: int, penalty: float):
    import ruptures as rpt

    algo = {"pelt": rpt.Pelt, "binseg": rpt.Binseg}[method]

    def detect(values: np.ndarray) -> list[int]:
        if len(values) < 2 * min_size:
            return []
        fitted = algo(model=model, min_size=min_size, jump=1).fit(values.reshape(-1, 1))
        return [b for b in fitted.predict(pen=penalty) if b < len(values)]

    return detect


def _segment_means(values: np.ndarray, bkps: list[int]) -> np.ndarray:
    edges = [0, *bkps, len(values)]
    return np.array([values[a:b].mean() for a, b in zip(edges[:-1], edges[1:])])


def change_points(series, method: str = "pelt", penalty: float | str = "bic", *,
                  model: str = "l2", min_size: int = 2, support: str = "jackknife",
                  n_boot: int = 200, tolerance: int = 1, log: bool = False, seed: int = 0,
                  value: str | None = None) -> pd.DataFrame:
    """Detect change points and report their dates, support and the means around them.

    Parameters
    ----------
    series : Series or DataFrame
        One value per period (integer years, or Periods such as monthly ``M``); leading
        and trailing NaN are dropped, interior gaps raise.
    method : {"pelt", "binseg"}
    penalty : float or "bic"
        Penalty per change in cost units (see the module docstring for "bic").
    model : str
        ruptures cost ("l2" mean shifts, "l1" robust mean shifts, "rbf", "normal", ...).
    min_size : int
        Minimum segment length in periods.
    support : {"jackknife", "bootstrap"}
        Resampling used for ``support``.
    n_boot : int
        Bootstrap runs (``support="bootstrap"``).
    tolerance : int
        A resampled change within this many periods counts as the same change.
    log : bool
        Detect on ``log1p(values)`` (multiplicative changes in counts); means are still
        reported on the original scale.
    seed : int
        Random seed of the bootstrap.
    value : str, optional
        Value column of a DataFrame input.

    Returns
    -------
    DataFrame
        One row per detected change (empty with these columns when none):

        - ``date``: first period of the new segment (str, e.g. "2014" or "2014-03")
        - ``position``: its 0-based position in the series
        - ``mean_before``, ``mean_after``: means of the adjacent segments (original
          scale)
        - ``change``: ``mean_after - mean_before``
        - ``support``: share of resamples with a change within ``tolerance`` periods
        - ``support_method``, ``n_resamples``, ``tolerance``
        - ``method``, ``model``, ``penalty`` (numeric value used), ``n`` (periods)
        - ``warning``: "" or a caveat. Under the ``l2`` (mean-shift) model a steady trend
          gets cut into steps, "changes" with high support where only the slope is at
          work; the result is flagged when a straight line fits the series at least as
          well (residual sum of squares) as the detected steps
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if support not in SUPPORTS:
        raise ValueError(f"support must be one of {SUPPORTS}, got {support!r}")
    if min_size < 1 or tolerance < 0:
        raise ValueError("min_size must be >= 1 and tolerance >= 0")
    s = as_period_series(series, value=value, what="series")
    valid = s.notna().to_numpy()
    if not valid.any():
        raise ValueError("series has no values")
    first, last = np.argmax(valid), len(valid) - np.argmax(valid[::-1])
    s = s.iloc[first:last]
    full = pd.period_range(s.index.min(), s.index.max(), name="period")
    if s.isna().any() or len(full) != len(s):
        raise ValueError("series has interior gaps; change points need consecutive periods")
    raw = s.to_numpy(float)
    if log and (raw < 0).any():
        raise ValueError("log=True needs non-negative values")
    values = np.log1p(raw) if log else raw
    n = len(values)
    if penalty == "bic":
        pen = 2 * robust_sigma(values) ** 2 * math.log(n)
    elif isinstance(penalty, (int, float)) and penalty > 0:
        pen = float(penalty)
    else:
        raise ValueError(f"penalty must be a positive number or 'bic', got {penalty!r}")
    detect = _detector(method, model, min_size, pen)
    bkps = detect(values)
    if not bkps:
        return pd.DataFrame(columns=COLUMNS)

    # each resample yields changes as intervals [first, last] of original positions where
    # the new segment may start (a jackknife change next to the dropped period could
    # start at it or right after it)
    found = []
    if support == "jackknife":
        for i in range(n):
            keep = np.delete(np.arange(n), i)
            found.append([(keep[b - 1] + 1, keep[b]) for b in detect(values[keep])])
    else:
        rng = np.random.default_rng(seed)
        fitted = np.repeat(_segment_means(values, bkps),
                           np.diff([0, *bkps, n]))
        resid = values - fitted
        for _ in range(n_boot):
            found.append([(b, b) for b in detect(fitted + rng.choice(resid, size=n))])
    means = _segment_means(raw, bkps)
    rows = []
    for j, b in enumerate(bkps):
        hits = sum(any(lo - tolerance <= b <= hi + tolerance for lo, hi in run)
                   for run in found)
        rows.append(dict(date=period_label(s.index[b]), position=int(b),
                         mean_before=float(means[j]), mean_after=float(means[j + 1]),
                         change=float(means[j + 1] - means[j]),
                         support=hits / len(found), support_method=support,
                         n_resamples=len(found), tolerance=tolerance, method=method,
                         model=model, penalty=pen, n=n, warning=_trend_warning(values, bkps, model)))
    return pd.DataFrame(rows, columns=COLUMNS)


def _trend_warning(values: np.ndarray, bkps: list[int], model: str) -> str:
    if model != "l2" or len(values) < 4:
        return ""
    t = np.arange(len(values), dtype=float)
    slope, intercept = np.polyfit(t, values, 1)
    ss_line = float(np.sum((values - (intercept + slope * t)) ** 2))
    steps = np.repeat(_segment_means(values, bkps), np.diff([0, *bkps, len(values)]))
    ss_steps = float(np.sum((values - steps) ** 2))
    if ss_line <= ss_steps:
        return ("a straight trend fits as well as these steps (residual SS "
                f"{ss_line:.3g} vs {ss_steps:.3g}): the change points may only cut a "
                "trend into steps")
    return ""

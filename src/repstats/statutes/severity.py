"""Severity of a sentence measured against a statutory (or effective) range."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["severity"]

_COLUMNS = ["months_above_min", "ratio_to_min", "position_in_range", "at_minimum",
            "below_minimum", "above_maximum"]


def _as_series(x, name: str, index) -> pd.Series:
    if isinstance(x, pd.Series):
        s = x
    elif np.ndim(x) == 0:
        s = pd.Series([x] * (len(index) if index is not None else 1),
                      index=index if index is not None else None)
    else:
        s = pd.Series(list(x), index=index)
    try:
        out = pd.to_numeric(s, errors="raise").astype("Float64")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be numeric months: {exc}") from exc
    if (out < 0).any():
        raise ValueError(f"{name} has negative months")
    return out


def severity(sentence_months, min_months, max_months, tolerance_months=0) -> pd.DataFrame:
    """Compare prison sentences with their range.

    Parameters
    ----------
    sentence_months : number, array-like or Series
        Prison terms in months (missing for life or non-custodial sentences).
    min_months, max_months : number, array-like or Series
        The range (statutory, or effective after reductions); scalars are broadcast.
        Arrays must have the sentence's length; a Series sentence's index is kept.
    tolerance_months : float, default 0
        How close to the minimum still counts as "at the minimum" (e.g. 1 month, for
        terms reported in whole years or rounded).

    Returns
    -------
    pandas.DataFrame
        One row per sentence (index of ``sentence_months`` when a Series):

        - ``months_above_min`` (Float64): sentence - minimum (negative below it).
        - ``ratio_to_min`` (Float64): sentence / minimum.
        - ``position_in_range`` (Float64): (sentence - min) / (max - min): 0 at the
          minimum, 1 at the maximum, outside [0, 1] outside the range; missing when
          max == min.
        - ``at_minimum`` (boolean): |sentence - minimum| <= tolerance.
        - ``below_minimum`` (boolean): sentence < minimum - tolerance.
        - ``above_maximum`` (boolean): sentence > maximum + tolerance.

        Any measure is missing where its inputs are missing.

    Raises
    ------
    ValueError
        Non-numeric or negative inputs, a negative tolerance, lengths that differ, or a
        minimum above the maximum.
    """
    if isinstance(tolerance_months, bool) or not np.isscalar(tolerance_months) or \
            not tolerance_months >= 0:
        raise ValueError(f"tolerance_months must be a number >= 0, got {tolerance_months!r}")
    if isinstance(sentence_months, pd.Series):
        index = sentence_months.index
    elif np.ndim(sentence_months) == 0:
        index = pd.RangeIndex(1)
    else:
        index = pd.RangeIndex(len(sentence_months))
    for name, value in (("min_months", min_months), ("max_months", max_months)):
        if np.ndim(value) and len(value) != len(index):
            raise ValueError(f"{name} has {len(value)} values but sentence_months has "
                             f"{len(index)}")
    s = _as_series(sentence_months, "sentence_months", index)
    lo = _as_series(min_months.to_numpy() if isinstance(min_months, pd.Series)
                    else min_months, "min_months", index)
    hi = _as_series(max_months.to_numpy() if isinstance(max_months, pd.Series)
                    else max_months, "max_months", index)
    if (lo > hi).any():
        raise ValueError("min_months is above max_months in some rows")
    width = hi - lo
    tol = float(tolerance_months)
    out = pd.DataFrame({
        "months_above_min": s - lo,
        "ratio_to_min": s / lo.mask(lo == 0),
        "position_in_range": (s - lo) / width.mask(width == 0),
        "at_minimum": (s - lo).abs() <= tol,
        "below_minimum": s < lo - tol,
        "above_maximum": s > hi + tol,
    }, index=index)
    for col in ("at_minimum", "below_minimum", "above_maximum"):
        out[col] = out[col].astype("boolean")
    return out[_COLUMNS]

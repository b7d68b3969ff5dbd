"""Summaries of many association tests: multiplicity-adjusted p-values and robustness shares.

:func:`repstats.stats.associate` returns one row per indicator x transform x lag x method.
With a few indicators that is already dozens of tests on the same dozen years, so a single
"significant" row means little. This module answers two questions on such a table:

* :func:`adjust_pvalues` - which p-values survive a multiple-comparison correction
  (Benjamini-Hochberg false discovery rate by default, or Holm / Bonferroni family-wise
  error), over all rows or within groups;
* :func:`summarise_association` - how consistent is the evidence across the lag/method
  combinations of one indicator and transform: the share whose confidence interval
  excludes zero, in which direction, the range of the coefficients.

Rows that were not computed (``r`` missing, e.g. too few points) are never counted as
tests; they are reported in ``n_not_computed``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from repstats.stats._series import require_columns

#: Correction methods accepted by :func:`adjust_pvalues` (statsmodels names).
ADJUST_METHODS = ("fdr_bh", "holm", "bonferroni")
SUMMARY_COLUMNS = ["n_tests", "n_not_computed", "n_ci_excludes_zero",
                   "share_ci_excludes_zero", "n_positive", "n_negative", "median_r",
                   "min_r", "max_r", "min_n", "max_n", "min_p_perm", "n_p_adjusted_below"]


def _as_groups(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def adjust_pvalues(results: pd.DataFrame, p: str = "p_perm", method: str = "fdr_bh",
                   by=None) -> pd.DataFrame:
    """Add multiplicity-adjusted p-values to a table of tests.

    Parameters
    ----------
    results : DataFrame
        One row per test, e.g. :func:`repstats.stats.associate` output; not modified.
    p : str
        Column holding the raw p-values. Missing values are left out of the family and
        stay missing.
    method : {"fdr_bh", "holm", "bonferroni"}
        ``statsmodels.stats.multitest.multipletests`` method: Benjamini-Hochberg false
        discovery rate, or Holm / Bonferroni family-wise error rate.
    by : str or list of str, optional
        Columns defining separate families (e.g. ``"transform"``); by default all rows
        form one family.

    Returns
    -------
    DataFrame
        A copy of ``results`` with two more columns:

        - ``p_adjusted``: adjusted p-value (NaN where ``p`` is missing)
        - ``family_size``: number of non-missing p-values in the row's family
    """
    if method not in ADJUST_METHODS:
        raise ValueError(f"method must be one of {ADJUST_METHODS}, got {method!r}")
    groups = _as_groups(by)
    require_columns(results, [p, *groups], "results")
    out = results.copy()
    values = pd.to_numeric(out[p], errors="coerce")
    if ((values < 0) | (values > 1)).any():
        raise ValueError(f"column {p!r} holds values outside [0, 1]; not p-values")
    out["p_adjusted"] = np.nan
    out["family_size"] = 0
    keys = [g.index for _, g in out.groupby(groups, sort=False, dropna=False)] if groups \
        else [out.index]
    for idx in keys:
        v = values.loc[idx]
        ok = v.notna()
        out.loc[idx, "family_size"] = int(ok.sum())
        if ok.any():
            out.loc[v.index[ok], "p_adjusted"] = multipletests(v[ok].to_numpy(float),
                                                               method=method)[1]
    out["family_size"] = out["family_size"].astype("int64")
    return out


def summarise_association(results: pd.DataFrame, by=("indicator", "transform"),
                          alpha: float = 0.05) -> pd.DataFrame:
    """Consistency of association results across the rows of each group.

    Parameters
    ----------
    results : DataFrame
        :func:`repstats.stats.associate` output (columns ``r``, ``ci_low``,
        ``ci_high``, ``p_perm``, ``n`` and the ``by`` columns), optionally with a
        ``p_adjusted`` column from :func:`adjust_pvalues`; not modified.
    by : str or list of str
        Grouping columns; every other row dimension (lag, method, ...) is summarised.
        Pass ``[]`` to summarise the whole table in one row.
    alpha : float
        Threshold for ``n_p_adjusted_below``.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, then

        - ``n_tests``: rows with a computed coefficient
        - ``n_not_computed``: rows without one (too few points, constant series)
        - ``n_ci_excludes_zero``: computed rows whose interval lies wholly above or
          below 0 (rows without an interval count as not excluding 0)
        - ``share_ci_excludes_zero``: ``n_ci_excludes_zero / n_tests`` (NaN when no test)
        - ``n_positive``, ``n_negative``: of those, intervals above / below 0
        - ``median_r``, ``min_r``, ``max_r``: over computed rows
        - ``min_n``, ``max_n``: fewest and most pairs used by a computed row
        - ``min_p_perm``: smallest permutation p-value
        - ``n_p_adjusted_below``: rows with ``p_adjusted < alpha`` (NaN when the input
          has no ``p_adjusted`` column)
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    groups = _as_groups(by)
    require_columns(results, ["r", "ci_low", "ci_high", "p_perm", "n", *groups], "results")
    d = results.copy()
    computed = d["r"].notna()
    above = computed & (d["ci_low"] > 0)
    below = computed & (d["ci_high"] < 0)
    has_adj = "p_adjusted" in d.columns
    d = d.assign(_computed=computed, _above=above, _below=below,
                 _r=d["r"].where(computed), _p=d["p_perm"].where(computed),
                 _n=d["n"].where(computed),
                 _adj=(d["p_adjusted"] < alpha) if has_adj else np.nan)
    grouped = d.groupby(groups, sort=True, dropna=False) if groups else \
        d.groupby(np.zeros(len(d), dtype=int))
    out = grouped.agg(n_tests=("_computed", "sum"), n_rows=("_computed", "size"),
                      n_positive=("_above", "sum"), n_negative=("_below", "sum"),
                      median_r=("_r", "median"), min_r=("_r", "min"), max_r=("_r", "max"),
                      min_n=("_n", "min"), max_n=("_n", "max"), min_p_perm=("_p", "min"),
                      n_p_adjusted_below=("_adj", "sum" if has_adj else "first"))
    out["n_not_computed"] = out["n_rows"] - out["n_tests"]
    out["n_ci_excludes_zero"] = out["n_positive"] + out["n_negative"]
    out["share_ci_excludes_zero"] = (out["n_ci_excludes_zero"] / out["n_tests"]).where(
        out["n_tests"] > 0)
    if not has_adj:
        out["n_p_adjusted_below"] = np.nan
    out = out.reset_index(drop=not groups)
    ints = ["n_tests", "n_not_computed", "n_ci_excludes_zero", "n_positive", "n_negative"]
    out[ints] = out[ints].astype("int64")
    return out[groups + SUMMARY_COLUMNS]

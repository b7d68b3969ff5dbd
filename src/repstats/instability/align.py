"""Align panel series of different frequencies.

Rules (per indicator, from the codebook's ``aggregation`` column):

* ``mean`` (indices, shares, rates): the mean of the sub-period values; ``low``/``high``
  are the means of the sub-period bands (a band for the average level, not a confidence
  interval of the mean).
* ``sum`` (counts): the sum of the sub-period values (and of ``low``/``high``).
* ``max`` (ordinal levels such as regime type or conflict intensity): the highest value.

Coverage: every aggregated row reports ``n_obs`` (sub-periods with a value) and
``n_expected`` (12 months or 4 quarters per year, 3 months per quarter). A ``mean`` or
``max`` row needs ``n_obs / n_expected >= min_coverage`` (default 0.75, e.g. 9 of 12
months); a ``sum`` row needs every sub-period (a partial sum is biased low). Rows below the
rule keep their coverage counts but get a missing value and ``flag`` "low_coverage".
Sub-periods whose ``flag`` is listed in ``drop_flags`` (default: "carried_forward") are
left out before aggregating, so a repeated poll does not count twice.

Expanding to months (:func:`to_monthly`) repeats a yearly or quarterly value in each month
it covers (a step function, flagged "expanded_from_Y"/"expanded_from_Q"); it adds no
information and must not be read as monthly variation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import codebook
from .layout import PANEL_COLUMNS

MIN_COVERAGE = 0.75
_PER_YEAR = {"M": 12, "Q": 4, "Y": 1}
ALIGNED_COLUMNS = [*PANEL_COLUMNS, "n_obs", "n_expected"]


def _check_panel(panel: pd.DataFrame) -> None:
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns and c != "flag"]
    if missing:
        raise ValueError(f"panel lacks columns {missing}")
    bad = set(panel["freq"].unique()) - set(_PER_YEAR)
    if bad:
        raise ValueError(f"unknown freq values {sorted(bad)}; expected Y, Q or M")


def _rules(panel: pd.DataFrame) -> pd.Series:
    book = codebook().set_index("indicator")["aggregation"]
    unknown = sorted(set(panel["indicator"]) - set(book.index))
    if unknown:
        raise ValueError(f"indicators not in the codebook (no aggregation rule): {unknown}")
    return book


def to_yearly(panel: pd.DataFrame, min_coverage: float = MIN_COVERAGE,
              drop_flags=("carried_forward",)) -> pd.DataFrame:
    """Aggregate every series of a panel to years (see the module docstring for the rules).

    Parameters
    ----------
    panel : DataFrame
        Panel columns (``flag`` optional).
    min_coverage : float
        Share of sub-periods a ``mean``/``max`` year needs, in (0, 1].
    drop_flags : iterable of str
        Sub-period flags excluded before aggregation.

    Returns
    -------
    DataFrame
        Panel columns with ``period`` yearly and ``freq`` "Y", plus ``n_obs`` and
        ``n_expected``; ``flag`` joins (";") the distinct flags of the sub-periods used and
        "low_coverage" where the rule failed (value missing); yearly input rows pass
        through with ``n_obs = n_expected = 1``.
    """
    return _aggregate(panel, "Y", min_coverage, drop_flags)


def to_quarterly(panel: pd.DataFrame, min_coverage: float = MIN_COVERAGE,
                 drop_flags=("carried_forward",)) -> pd.DataFrame:
    """Aggregate monthly series to quarters; quarterly series pass through.

    Same rules as :func:`to_yearly` (3 months expected per quarter; a ``sum`` quarter
    needs all three). Yearly series cannot be split into quarters and are left out: use
    :func:`to_yearly` to compare them with quarterly ones.

    Returns
    -------
    DataFrame
        Panel columns with quarterly ``period`` and ``freq`` "Q", plus ``n_obs``,
        ``n_expected`` and ``flag`` as in :func:`to_yearly`.
    """
    return _aggregate(panel[panel["freq"] != "Y"] if "freq" in panel else panel, "Q",
                      min_coverage, drop_flags)


def _aggregate(panel: pd.DataFrame, target: str, min_coverage: float,
               drop_flags) -> pd.DataFrame:
    _check_panel(panel)
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage must lie in (0, 1], got {min_coverage!r}")
    rules = _rules(panel)
    p = panel.copy()
    if "flag" not in p:
        p["flag"] = ""
    p["flag"] = p["flag"].fillna("").astype(str)
    drop = p["flag"].str.split(";").map(lambda fs: any(f in drop_flags for f in fs))
    p = p[~drop & p["value"].notna()]
    p["bucket"] = p["period"].map(lambda x: x.asfreq(target))
    out = []
    for (ind, country, freq), g in p.groupby(["indicator", "country", "freq"], sort=True):
        rule = rules[ind]
        func = {"mean": "mean", "sum": "sum", "max": "max"}[rule]
        by = g.groupby("bucket")
        agg = by.agg(value=("value", func), low=("low", func), high=("high", func),
                     n_obs=("value", "size"))
        if rule == "sum":  # a sum of a missing band is missing, not 0
            for c in ("low", "high"):
                agg[c] = by[c].agg(lambda s: s.sum() if s.notna().all() else np.nan)
        agg["n_expected"] = _PER_YEAR[freq] // _PER_YEAR[target]
        share = agg["n_obs"] / agg["n_expected"]
        short = share < (1.0 if rule == "sum" else min_coverage)
        agg.loc[short, ["value", "low", "high"]] = np.nan
        carried = by["flag"].agg(
            lambda fs: ";".join(sorted({f for x in fs for f in x.split(";") if f})))
        flags = carried.reindex(agg.index).fillna("")
        agg["flag"] = [";".join(x for x in (f, "low_coverage" if s else "") if x)
                       for f, s in zip(flags, short)]
        first = g.iloc[0]
        agg = agg.rename_axis("period").reset_index()
        agg["period"] = pd.PeriodIndex(agg["period"], freq=target)
        agg = agg.assign(indicator=ind, country=country, freq=target, unit=first["unit"],
                         direction=first["direction"], source=first["source"])
        out.append(agg)
    if not out:
        return pd.DataFrame(columns=ALIGNED_COLUMNS)
    res = pd.concat(out, ignore_index=True)[ALIGNED_COLUMNS]
    res["flag"] = res["flag"].astype("string")
    return res.sort_values(["indicator", "country", "period"]).reset_index(drop=True)


def to_monthly(panel: pd.DataFrame) -> pd.DataFrame:
    """Put every series on months: monthly rows as they are, coarser ones repeated.

    Returns
    -------
    DataFrame
        Panel columns with monthly ``period`` and ``freq`` "M", plus ``n_obs`` (1) and
        ``n_expected`` (1); repeated rows have ``flag`` "expanded_from_Y" or
        "expanded_from_Q" (joined to an existing flag with ";").
    """
    _check_panel(panel)
    p = panel.copy()
    if "flag" not in p:
        p["flag"] = ""
    p["flag"] = p["flag"].fillna("").astype(str)
    monthly = p[p["freq"] == "M"]
    parts = [monthly]
    for freq in ("Q", "Y"):
        coarse = p[p["freq"] == freq]
        if coarse.empty:
            continue
        months = coarse["period"].map(lambda x: list(pd.period_range(
            x.start_time, x.end_time, freq="M")))
        exp = coarse.assign(period=months).explode("period")
        tag = f"expanded_from_{freq}"
        exp["flag"] = np.where(exp["flag"].eq(""), tag, exp["flag"] + ";" + tag)
        exp["freq"] = "M"
        parts.append(exp)
    res = pd.concat(parts, ignore_index=True)
    res["period"] = pd.PeriodIndex(res["period"], freq="M")
    res["n_obs"] = 1
    res["n_expected"] = 1
    res["flag"] = res["flag"].astype("string")
    return res[ALIGNED_COLUMNS].sort_values(["indicator", "country", "period"]) \
        .reset_index(drop=True)

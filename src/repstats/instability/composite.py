"""An optional composite instability index from chosen components.

The composite is one summary among many and is always returned together with its
components: each component is put on the chosen frequency (:func:`to_yearly` for
``freq="Y"``), multiplied by its ``direction`` so that higher always means more instability
or stress, and standardised with the mean and standard deviation (ddof=1) it has over the
*common window*: the periods in which every component has a value (optionally cut to
``window``). The composite of a period is the mean of the available aligned z-scores,
reported with the number of components it uses; ``low``/``high`` are
``mean -/+ 1.96 * sd / sqrt(n)`` of the component z-scores, a band showing how much the
components disagree (not a sampling interval). Periods with fewer than ``min_components``
components get a missing composite.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .align import to_monthly, to_yearly

COMPOSITE_COLUMNS = ["period", "freq", "component", "value", "direction", "z", "low",
                     "high", "n_components", "in_window"]


def composite(panel: pd.DataFrame, indicators, freq: str = "Y", country: str = "RUS",
              window: tuple | None = None, min_components: int | None = None,
              min_coverage: float = 0.75) -> pd.DataFrame:
    """Direction-aligned z-score composite of ``indicators``, returned with its components.

    Parameters
    ----------
    panel : DataFrame
        Panel from :func:`repstats.instability.panel`.
    indicators : list of str
        At least two panel indicators.
    freq : {"Y", "M"}
        Frequency of the composite (coarser series are aggregated with :func:`to_yearly`,
        or repeated by :func:`to_monthly` for "M").
    country : str
        ISO3 code.
    window : tuple of (start, end), optional
        Limits of the standardisation window (anything :class:`pandas.Period` accepts);
        the window is further cut to the periods where every component has a value.
    min_components : int, optional
        Components a period needs for a composite value (default: all of them).
    min_coverage : float
        Passed to :func:`to_yearly`.

    Returns
    -------
    DataFrame
        Long table, one row per period and component plus one per period with
        ``component`` "composite": ``period``, ``freq``, ``component``, ``value`` (the
        component's value on ``freq``; for the composite the mean aligned z-score),
        ``direction`` (the component's; +1 for the composite), ``z`` (direction-aligned
        z-score; for the composite equal to ``value``), ``low``/``high`` (composite only,
        see the module docstring), ``n_components`` (components with a value in the
        period), ``in_window`` (period used to standardise).

    Raises
    ------
    ValueError
        Fewer than two indicators, an indicator absent from the panel for ``country``,
        an unknown ``freq``, an empty common window, a component constant over the
        window, or ``min_components`` outside 1..len(indicators).
    """
    indicators = list(dict.fromkeys(indicators))
    if len(indicators) < 2:
        raise ValueError("a composite needs at least two indicators")
    if freq not in ("Y", "M"):
        raise ValueError(f"freq must be 'Y' or 'M', got {freq!r}")
    k = len(indicators) if min_components is None else int(min_components)
    if not 1 <= k <= len(indicators):
        raise ValueError(f"min_components must lie in 1..{len(indicators)}, got {k}")
    sub = panel[(panel["country"] == country) & panel["indicator"].isin(indicators)]
    absent = [i for i in indicators if i not in set(sub["indicator"])]
    if absent:
        raise ValueError(f"indicators not in the panel for {country}: {absent}")
    aligned = to_yearly(sub, min_coverage=min_coverage) if freq == "Y" else to_monthly(sub)
    wide = aligned.pivot_table(index="period", columns="indicator", values="value",
                               aggfunc="first").reindex(columns=indicators)
    direction = aligned.groupby("indicator")["direction"].first().reindex(indicators)
    common = wide.dropna()
    if window is not None:
        lo, hi = (pd.Period(w, freq=freq) for w in window)
        common = common[(common.index >= lo) & (common.index <= hi)]
    if len(common) < 2:
        raise ValueError("the common window (periods where every component has a value"
                         f"{' within ' + str(window) if window else ''}) has fewer than 2 "
                         "periods")
    signed = wide * direction.to_numpy()
    mean = signed.loc[common.index].mean()
    sd = signed.loc[common.index].std(ddof=1)
    flat = sd[~(sd > 0)].index.tolist()
    if flat:
        raise ValueError(f"components constant over the common window: {flat}")
    z = (signed - mean) / sd
    n = z.notna().sum(axis=1)
    comp = z.mean(axis=1).where(n >= k)
    spread = z.std(axis=1, ddof=1)
    half = 1.96 * spread / np.sqrt(n)
    in_window = z.index.isin(common.index)
    long = z.stack(future_stack=True).rename("z").reset_index()
    long = long.rename(columns={"indicator": "component"})
    long["value"] = wide.stack(future_stack=True).to_numpy()
    long["direction"] = long["component"].map(direction).astype("int64")
    long["low"] = np.nan
    long["high"] = np.nan
    long["n_components"] = long["period"].map(n).astype("int64")
    long["in_window"] = long["period"].isin(common.index)
    total = pd.DataFrame({"period": z.index, "component": "composite", "value": comp.to_numpy(),
                          "direction": 1, "z": comp.to_numpy(),
                          "low": (comp - half).where(comp.notna() & (n > 1)).to_numpy(),
                          "high": (comp + half).where(comp.notna() & (n > 1)).to_numpy(),
                          "n_components": n.to_numpy().astype("int64"),
                          "in_window": in_window})
    out = pd.concat([long, total], ignore_index=True)
    out["freq"] = freq
    return out[COMPOSITE_COLUMNS].sort_values(["period", "component"]).reset_index(drop=True)

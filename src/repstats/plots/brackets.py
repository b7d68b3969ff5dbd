"""Stacked bars of prison-term brackets per year, with the statutory minimum marked."""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from repstats.plots._common import figure_and_axes
from repstats.plots.style import SEQUENTIAL, use_style
from repstats.stats._series import require_columns


def _bracket_label(lo: float, hi: float) -> str:
    if not np.isfinite(hi):
        return f"over {lo / 12:g} y"
    if lo == 0:
        return f"up to {hi / 12:g} y"
    return f"{lo / 12:g}–{hi / 12:g} y"


def _minimum_bounds(minimum, years) -> tuple[pd.Series, pd.Series]:
    """Lowest and highest applicable minimum per year (equal unless the sanction changed
    in the window read; see ``repstats.stats.bracket_shares``)."""
    if isinstance(minimum, pd.DataFrame) and {"min_months_low", "min_months_high"} <= \
            set(minimum.columns):
        require_columns(minimum, ["year"], "minimum")
        if minimum["year"].duplicated().any():
            raise ValueError("minimum has several rows per year; pass one article-part")
        m = minimum.set_index("year")
        return (m["min_months_low"].astype(float).reindex(years),
                m["min_months_high"].astype(float).reindex(years))
    one = _minimum_by_year(minimum, years)
    return one, one


def _minimum_by_year(minimum, years) -> pd.Series:
    if minimum is None:
        return pd.Series(np.nan, index=years)
    if isinstance(minimum, (int, float, np.number)):
        return pd.Series(float(minimum), index=years)
    if isinstance(minimum, pd.DataFrame):
        require_columns(minimum, ["year", "min_months"], "minimum")
        if minimum["year"].duplicated().any():
            raise ValueError("minimum has several rows per year; pass one article-part")
        minimum = minimum.set_index("year")["min_months"]
    if isinstance(minimum, pd.Series):
        return minimum.astype(float).reindex(years)
    raise ValueError("minimum must be a number (months), a Series indexed by year or a "
                     "DataFrame with year and min_months")


def bracket_bars(data: pd.DataFrame, minimum=None, *, bounds: pd.DataFrame | None = None,
                 normalize: bool = True, ax=None, title: str | None = None,
                 year: str = "year", measure: str = "measure", value: str = "value"):
    """Stacked bars of prison terms by length bracket, one bar per year.

    Parameters
    ----------
    data : DataFrame
        Long court rows of ONE article-part (``year``, ``measure``, ``value``); rows whose
        measure is not a bracket of ``bounds`` are ignored.
    minimum : number, Series or DataFrame, optional
        Statutory minimum in months: one number, a Series indexed by year, or a
        DataFrame with ``year`` and ``min_months`` - or ``min_months_low`` and
        ``min_months_high`` when the applicable minimum is bounded over several versions
        (``repstats.stats.minimums.bracket_plot_inputs``). The bracket(s) containing it
        (lower bound exclusive, upper inclusive) are hatched; a black tick marks the minimum's position when it lies on
        a bracket edge, and the value is printed above the bar whenever it changes.
    bounds : DataFrame, optional
        measure, lower_months, upper_months; default ``repstats.courts.bracket_bounds()``.
    normalize : bool
        Plot shares of terms (%) instead of counts; the number of terms per year is then
        printed under each year.

    Returns
    -------
    Axes
    """
    require_columns(data, [year, measure, value], "data")
    for col in ("article", "part"):
        if col in data.columns and data[col].nunique(dropna=False) > 1:
            raise ValueError(f"data holds several values of {col!r}; pass one article-part")
    if bounds is None:
        from repstats.courts import bracket_bounds
        bounds = bracket_bounds()
    require_columns(bounds, ["measure", "lower_months", "upper_months"], "bounds")
    b = bounds.assign(upper_months=bounds["upper_months"].fillna(np.inf)).sort_values(
        "lower_months")
    rows = data[data[measure].isin(b["measure"])]
    if rows.empty:
        raise ValueError("data has no bracket measures")
    table = rows.pivot_table(index=year, columns=measure, values=value, aggfunc="sum")
    b = b[b["measure"].isin(table.columns)]
    table = table[b["measure"]].fillna(0)
    totals = table.sum(axis=1)
    shown = table.div(totals.where(totals > 0), axis=0) * 100 if normalize else table
    mins, mins_high = _minimum_bounds(minimum, table.index)
    cmap = mpl.colormaps[SEQUENTIAL]
    colors = [cmap(v) for v in np.linspace(0.1, 0.95, len(b))]
    with use_style():
        fig, ax = figure_and_axes(ax, figsize=(9.0, 4.8))
        x = np.arange(len(table))
        bottom = np.zeros(len(table))
        edge_marked = False
        for (meas, lo, hi), color in zip(b[["measure", "lower_months",
                                             "upper_months"]].itertuples(index=False),
                                          colors):
            heights = shown[meas].fillna(0).to_numpy()
            holds = (((lo < mins) & (mins <= hi)) | ((lo < mins_high) & (mins_high <= hi))
                     ).to_numpy() & (totals.to_numpy() > 0)
            ax.bar(x, heights, bottom=bottom, color=color, width=0.75,
                   label=_bracket_label(lo, hi), edgecolor="white", linewidth=0.5)
            if holds.any():
                ax.bar(x[holds], heights[holds], bottom=bottom[holds], width=0.75,
                       facecolor="none", edgecolor="black", hatch="///", linewidth=0.8)
                on_edge = holds & ((mins.to_numpy() == hi) | (mins_high.to_numpy() == hi))
                top = bottom + heights
                ax.hlines(top[on_edge], x[on_edge] - 0.42, x[on_edge] + 0.42,
                          color="black", linewidth=2.2)
                edge_marked = edge_marked or bool(on_edge.any())
            bottom = bottom + heights
        previous = None
        ceiling = 100.0 if normalize else float(np.nanmax(bottom)) if len(bottom) else 0.0
        def _fmt(v):
            return f"{v / 12:g} y" if v >= 12 else f"{v:g} mo"

        for xi, m, mh, top in zip(x, mins.to_numpy(), mins_high.to_numpy(), bottom):
            same = (np.isnan(m) and previous is not None and np.isnan(previous[0])) or \
                (previous is not None and m == previous[0] and mh == previous[1])
            if minimum is not None and not same:
                text = ("min unknown" if not np.isfinite(m) else
                        f"min {_fmt(m)}" if m == mh else f"min {_fmt(m)}–{_fmt(mh)}")
                ax.annotate(text, (xi, max(top, ceiling if not np.isfinite(m) else top)),
                            xytext=(0, 3), textcoords="offset points", ha="center",
                            va="bottom", fontsize=8,
                            color="black" if np.isfinite(m) else "#6E6E6E")
            previous = (m, mh)
        handles, labels = ax.get_legend_handles_labels()
        if np.isfinite(mins).any():
            handles.append(Patch(facecolor="white", edgecolor="black", hatch="///"))
            labels.append("bracket containing\nthe statutory minimum")
        if edge_marked:
            handles.append(Line2D([], [], color="black", linewidth=2.2))
            labels.append("minimum = bracket's\nupper bound")
        ax.legend(handles[:len(b)][::-1] + handles[len(b):],
                  labels[:len(b)][::-1] + labels[len(b):], title="Term of imprisonment",
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), alignment="left")
        ticks = [f"{v}\nn={int(t):,}" if normalize else str(v)
                 for v, t in zip(table.index, totals)]
        ax.set_xticks(x, ticks, rotation=0 if len(x) <= 15 else 45,
                      fontsize=8 if len(x) > 10 else 9)
        ax.set_xlabel("Year of conviction")
        ax.set_ylabel("Share of prison terms (%)" if normalize else
                      "Persons sentenced to a prison term")
        if normalize:
            ax.set_ylim(0, 109)
        if title:
            ax.set_title(title)
    return ax

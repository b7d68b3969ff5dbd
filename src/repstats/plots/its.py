"""Interrupted time series chart: observed rates, the fitted model with its band, breaks."""
from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from repstats.plots._common import event_lines, figure_and_axes, mark_invasion, to_time
from repstats.plots.style import COLORS, GREY, use_style
from repstats.stats._series import require_columns


def its_chart(fitted: pd.DataFrame, breaks: dict, *, per: float = 1e5, bounds=None,
              ax=None, ylabel: str = "Persons convicted per 100,000 convictions",
              title: str | None = None, confidence: float = 0.95):
    """Observed rate per ``per`` units of exposure, fitted rate and band, labelled breaks.

    Parameters
    ----------
    fitted : DataFrame
        ``fitted`` output of :func:`repstats.stats.its.interrupted_time_series` with an
        exposure (``period``, ``observed``, ``exposure``, ``fitted``, ``fitted_low``,
        ``fitted_high``).
    breaks : dict
        ``{label: year}`` drawn as vertical lines with readable labels.
    per : float
        Rates per this many units of exposure.
    bounds : DataFrame, optional
        Years whose count is incomplete: ``year``, ``low``, ``high`` rates, drawn as a
        hollow marker with a range bar ("incomplete count") so they are never read as
        exact.
    confidence : float
        Level of the fitted band (for the legend).

    Returns
    -------
    Axes
    """
    require_columns(fitted, ["period", "observed", "exposure", "fitted", "fitted_low",
                             "fitted_high"], "fitted")
    if fitted["exposure"].isna().all():
        raise ValueError("fitted has no exposure: fit the model with exposure= to chart rates")
    t = to_time(fitted["period"])
    k = per / fitted["exposure"].to_numpy(float)
    with use_style():
        fig, ax = figure_and_axes(ax, figsize=(8.0, 4.6))
        ax.fill_between(t, fitted["fitted_low"] * k, fitted["fitted_high"] * k,
                        color=COLORS[0], alpha=0.18, linewidth=0,
                        label=f"model: {confidence:.0%} confidence band of the fitted rate")
        for seg, g in fitted.assign(_t=t, _k=k).groupby("segment", sort=False):
            ax.plot(g["_t"], g["fitted"] * g["_k"], color=COLORS[0],
                    label="model: trend + level shift at each break" if seg == "" else None)
        ax.plot(t, fitted["observed"] * k, "o", color="black", zorder=3,
                label="observed (one point per year)")
        if bounds is not None and len(bounds):
            bt = to_time(bounds["year"])
            ax.vlines(bt, bounds["low"], bounds["high"], color=GREY, linewidth=2)
            ax.plot(bt, bounds["low"], "o", mfc="white", mec="black", zorder=3,
                    label="incomplete count (bar: known to upper bound)")
        ymax = ax.get_ylim()[1]
        named = sorted(breaks.items(), key=lambda kv: kv[1])
        starts = [pd.Timestamp(year=int(year), month=1, day=1) for _, year in named]
        if starts:
            event_lines(ax, starts)
        for i, ((label, _), x) in enumerate(zip(named, starts)):
            ax.text(x, ymax * (0.98 - 0.07 * (i % 2)), f" {label}", fontsize=8, color=GREY,
                    va="top", ha="left")
        mark_invasion(ax)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("Year")
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2, fontsize=8)
        if title:
            ax.set_title(title)
    return ax

"""Compact forest chart of many correlations: indicator x lag rows, one panel per transform.

Made for :func:`repstats.stats.associate` output. Each indicator gets a block of rows, one
per lag; each method (Spearman, Pearson) is drawn with its own colour and a small vertical
offset. A point is filled when its interval excludes 0 and hollow otherwise, so the eye is
not drawn to coefficients whose interval straddles 0. Rows that were not computed (too few
points) are left empty.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from repstats.plots.style import COLORS, GREY, LIGHT_GREY, add_title, use_style
from repstats.stats._series import require_columns


def association_forest(results: pd.DataFrame, *, row: str = "indicator",
                       panel: str = "transform", lag: str = "lag", hue: str = "method",
                       labels: dict | None = None, panel_titles: dict | None = None,
                       title: str | None = None, axes=None,
                       xlabel: str = "Correlation coefficient r (95% interval)"):
    """Correlations with their intervals, by row group x lag, one panel per ``panel``.

    Parameters
    ----------
    results : DataFrame
        Columns ``r``, ``ci_low``, ``ci_high`` and the ``row``, ``panel``, ``lag``,
        ``hue`` columns (as :func:`repstats.stats.associate` returns); one row per
        combination.
    row : str
        Column whose values form the row blocks (e.g. indicator).
    panel : str
        Column whose values get one panel each (e.g. transform "level" / "diff").
    lag : str
        Column of integer lags; one row per lag inside each block.
    hue : str
        Column drawn in different colours (e.g. method).
    labels : dict, optional
        Display names for the ``row`` values (e.g. indicator -> "WGI political
        stability"); missing keys show the raw value.
    panel_titles : dict, optional
        Display titles for the ``panel`` values.
    axes : sequence of Axes, optional
        One per panel value; a new figure otherwise.

    Returns
    -------
    Figure
    """
    require_columns(results, ["r", "ci_low", "ci_high", row, panel, lag, hue], "results")
    if results.duplicated([row, panel, lag, hue]).any():
        raise ValueError(f"results has several rows per {row} x {panel} x {lag} x {hue}; "
                         "filter (e.g. one count series) first")
    if results.empty:
        raise ValueError("results is empty")
    labels, panel_titles = labels or {}, panel_titles or {}
    rows = list(dict.fromkeys(results[row]))
    lags = sorted(results[lag].unique())
    panels = list(dict.fromkeys(results[panel]))
    hues = list(dict.fromkeys(results[hue]))
    step = len(lags) + 1  # one blank row between blocks
    pos = {(r, k): i * step + j for i, r in enumerate(rows) for j, k in enumerate(lags)}
    offset = {h: (i - (len(hues) - 1) / 2) * 0.28 for i, h in enumerate(hues)}
    with use_style():
        key_ax = None
        if axes is None:
            height = 1.2 + 0.16 * step * len(rows)
            fig = plt.figure(figsize=(4.0 + 2.6 * len(panels), height + 0.3))
            grid = fig.add_gridspec(2, len(panels), height_ratios=[0.3, height])
            key_ax = fig.add_subplot(grid[0, :])  # a row of its own for the legend
            key_ax.axis("off")
            axes = [fig.add_subplot(grid[1, 0])]
            axes += [fig.add_subplot(grid[1, j], sharey=axes[0])
                     for j in range(1, len(panels))]
            for ax in axes[1:]:
                ax.tick_params(labelleft=False)
        else:
            axes = list(np.ravel(axes))
            if len(axes) != len(panels):
                raise ValueError(f"axes must hold {len(panels)} Axes, got {len(axes)}")
            fig = axes[0].figure
        for ax, pv in zip(axes, panels):
            sub = results[results[panel] == pv]
            ax.axvline(0, color=GREY, linewidth=0.9)
            for i in range(1, len(rows), 2):  # shade every other block
                ax.axhspan(i * step - 0.7, i * step + len(lags) - 0.3, color=LIGHT_GREY,
                           alpha=0.35, linewidth=0, zorder=0)
            for h, color in zip(hues, COLORS):
                g = sub[(sub[hue] == h) & sub["r"].notna()]
                y = np.array([pos[(r, k)] for r, k in zip(g[row], g[lag])]) + offset[h]
                ax.hlines(y, g["ci_low"], g["ci_high"], color=color, linewidth=1.2)
                excl = ((g["ci_low"] > 0) | (g["ci_high"] < 0)).to_numpy()
                ax.scatter(g["r"][excl], y[excl], color=color, s=18, zorder=3)
                ax.scatter(g["r"][~excl], y[~excl], facecolor="white", edgecolor=color,
                           s=18, zorder=3)
            ax.set_xlim(-1.05, 1.05)
            ax.set_title(str(panel_titles.get(pv, pv)))
            ax.set_xlabel(xlabel)
            ax.grid(True, axis="x")
            ax.grid(False, axis="y")
        ticks = [pos[(r, k)] for r in rows for k in lags]
        ticklabels = [f"{labels.get(r, r)}  lag {k:+d}" if j == len(lags) // 2
                      else f"lag {k:+d}" for r in rows for j, k in enumerate(lags)]
        axes[0].set_yticks(ticks, ticklabels, fontsize=7.5)
        axes[0].set_ylim(max(ticks) + 1, -1)
        for ax in axes:
            ax.tick_params(axis="y", length=0)
        handles = [Line2D([], [], color=c, marker="o", label=str(h).capitalize())
                   for h, c in zip(hues, COLORS)]
        handles += [Line2D([], [], color=GREY, marker="o", linestyle="none",
                           label="interval excludes 0"),
                    Line2D([], [], color=GREY, marker="o", markerfacecolor="white",
                           linestyle="none", label="interval includes 0")]
        if key_ax is not None:  # a row above the panels: clear of title and caption
            key_ax.legend(handles=handles, loc="center left", ncols=len(handles),
                          fontsize=8, borderaxespad=0)
        else:
            axes[0].legend(handles=handles, loc="best", fontsize=7)
        if title:
            add_title(fig, title)
    return fig

"""Specification curve chart: every estimate sorted, with the choices that produced it."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from repstats.plots.style import COLORS, GREY, LIGHT_GREY, add_title, use_style
from repstats.stats._series import require_columns
from repstats.stats.speccurve import CHOICES

SMALL_N = 10


def specification_chart(curve: pd.DataFrame, *, labels: dict | None = None,
                        title: str | None = None, small_n: int = SMALL_N,
                        ylabel: str = "Spearman r, aligned\n(+ = more instability,\n"
                                      "more convictions)"):
    """Top: the aligned coefficients sorted; bottom: one dot row per choice value.

    Parameters
    ----------
    curve : DataFrame
        :func:`repstats.stats.speccurve.specification_curve` output (computed rows are
        drawn; ``rank`` orders them).
    labels : dict, optional
        Display names for choice values (e.g. indicator codes).
    small_n : int
        Specifications with fewer years are drawn hollow ("n < small_n").

    Returns
    -------
    Figure
    """
    require_columns(curve, [*CHOICES, "r_aligned", "n", "primary", "rank"], "curve")
    c = curve[curve["r_aligned"].notna()].sort_values("rank").reset_index(drop=True)
    if c.empty:
        raise ValueError("curve has no computed specification")
    labels = labels or {}
    x = np.arange(len(c))
    rows = [(ch, v) for ch in CHOICES for v in dict.fromkeys(c[ch].tolist())]
    with use_style():
        fig, (top, bot) = plt.subplots(2, 1, sharex=True, figsize=(9.0, 3.2 + 0.2 * len(rows)),
                                       height_ratios=[1.3, 0.1 + 0.08 * len(rows)])
        top.axhline(0, color=GREY, linewidth=0.9)
        small = (c["n"] < small_n).to_numpy()
        top.scatter(x[~small], c["r_aligned"][~small], s=9, color=COLORS[0], zorder=2)
        top.scatter(x[small], c["r_aligned"][small], s=9, facecolor="white",
                    edgecolor=COLORS[0], zorder=2)
        prim = c["primary"].to_numpy()
        top.scatter(x[prim], c["r_aligned"][prim], s=70, marker="D", color=COLORS[1],
                    zorder=3)
        # headroom above r = 1 for the legend, so it never covers a point
        top.set_ylim(-1.05, 1.4)
        top.set_yticks([-1, -0.5, 0, 0.5, 1])
        top.set_ylabel(ylabel)
        handles = [Line2D([], [], marker="o", color=COLORS[0], linestyle="none",
                          label=f"specification (n >= {small_n} years)"),
                   *([Line2D([], [], marker="o", mfc="white", mec=COLORS[0],
                             linestyle="none", label=f"specification with n < {small_n} "
                             "years")] if small.any() else []),
                   Line2D([], [], marker="D", color=COLORS[1], linestyle="none",
                          label="declared primary specification")]
        top.legend(handles=handles, loc="upper left", ncols=3, fontsize=8)
        for i, (ch, v) in enumerate(rows):
            on = (c[ch] == v).to_numpy()
            bot.scatter(x[on], np.full(on.sum(), i), s=4, color=np.where(
                prim[on], COLORS[1], GREY), marker="|")
        bot.set_yticks(range(len(rows)), [f"{ch}: {labels.get(v, v)}" for ch, v in rows],
                       fontsize=7)
        bot.set_ylim(len(rows) - 0.5, -0.5)
        for i in range(len(rows)):
            if i % 2:
                bot.axhspan(i - 0.5, i + 0.5, color=LIGHT_GREY, alpha=0.4, linewidth=0)
        bot.grid(False)
        bot.set_xlabel(f"Specifications, sorted by the aligned coefficient ({len(c)} "
                       "computed)")
        if title:
            add_title(fig, title)
    return fig

"""Per-defendant range chart: statutory range, effective range and the sentence."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from repstats.plots._common import figure_and_axes, months_to_years
from repstats.plots.style import COLORS, GREY, LIGHT_GREY, PALETTE, use_style
from repstats.stats._series import require_columns


def _flag(data, col):
    if col and col in data.columns:
        return data[col].fillna(False).astype(bool).to_numpy()
    return np.zeros(len(data), dtype=bool)


def range_chart(data: pd.DataFrame, *, label: str = "name", sentence: str = "sentence_months",
                min_col: str = "min_months", max_col: str = "max_months",
                eff_min: str | None = "eff_min_months", eff_max: str | None = "eff_max_months",
                life_allowed: str | None = "life", life_sentence: str | None = "life_sentence",
                kind: str | None = "sentence_kind", sort: bool = True, ax=None,
                title: str | None = None):
    """One row per defendant: statutory min–max bar, effective range, sentence as a dot.

    Parameters
    ----------
    data : DataFrame
        One row per defendant-verdict, e.g. :func:`repstats.stats.assess_sentences`
        output. Months in ``sentence``, ``min_col``, ``max_col``, ``eff_min``,
        ``eff_max`` (plotted in years).
    label : str
        Column naming the defendant (y tick labels).
    eff_min, eff_max : str or None
        Effective range columns (art. 62/66/88); None or absent columns to omit.
    life_allowed, life_sentence : str or None
        Boolean columns: life imprisonment in the sanction (a "+life" mark right of the
        bar) and a life sentence (a diamond at the right edge labelled "life").
    kind : str or None
        Column with the kind of sentence: "suspended" terms are drawn as hollow circles,
        real ones as filled circles.
    sort : bool
        Sort by sentence (life sentences last, i.e. at the top).

    Rows without an established range show the sentence only, marked "(range unknown)".

    Returns
    -------
    Axes
    """
    require_columns(data, [label, sentence, min_col, max_col], "data")
    d = data.copy()
    d["_life"] = _flag(d, life_sentence)
    d["_life_ok"] = _flag(d, life_allowed)
    if sort:
        d = d.assign(_key=np.where(d["_life"], np.inf, d[sentence].astype(float))) \
            .sort_values("_key", na_position="first", kind="stable")
    y = np.arange(len(d))
    lo, hi = months_to_years(d[min_col]), months_to_years(d[max_col])
    sent = months_to_years(d[sentence])
    has_eff = bool(eff_min and eff_max and eff_min in d.columns and eff_max in d.columns)
    finite = np.concatenate([v[np.isfinite(v)] for v in (lo, hi, sent)] + [np.zeros(1)])
    life_x = finite.max() * 1.12 + 1.0   # clear of the "+life" notes right of the bars
    right = life_x * 1.1 + 0.5
    with use_style():
        fig, ax = figure_and_axes(ax, figsize=(8.0, 1.2 + 0.38 * len(d)))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.barh(y, hi - lo, left=lo, height=0.62, color=LIGHT_GREY, edgecolor=GREY,
                linewidth=0.6, zorder=1)
        if has_eff:
            elo, ehi = months_to_years(d[eff_min]), months_to_years(d[eff_max])
            ax.barh(y, ehi - elo, left=elo, height=0.26, color=COLORS[0], alpha=0.75,
                    zorder=2)
        susp = (d[kind].astype(str) == "suspended").to_numpy() if kind and kind in d.columns \
            else np.zeros(len(d), dtype=bool)
        real = ~d["_life"].to_numpy() & ~susp
        ax.scatter(sent[real], y[real], color=PALETTE["vermillion"],
                   edgecolor="black", linewidth=0.5, s=46, zorder=4)
        ax.scatter(sent[susp], y[susp], facecolor="white", edgecolor=PALETTE["vermillion"],
                   linewidth=1.6, s=46, zorder=4)
        life_rows = y[d["_life"].to_numpy()]
        ax.scatter(np.full(len(life_rows), life_x), life_rows, marker="D",
                   color=PALETTE["vermillion"], edgecolor="black", s=46, zorder=4)
        for yi in life_rows:
            ax.annotate("life", (life_x, yi), xytext=(7, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=8)
        unknown = ~np.isfinite(lo) | ~np.isfinite(hi)
        for yi, si, is_life in zip(y[unknown], sent[unknown], d["_life"].to_numpy()[unknown]):
            ax.annotate("(range unknown)", (life_x if is_life else np.nan_to_num(si), yi),
                        xytext=(8 if not is_life else 30, 0), textcoords="offset points",
                        va="center", fontsize=7, color=GREY, style="italic")
        for yi, h in zip(y[d["_life_ok"].to_numpy()], hi[d["_life_ok"].to_numpy()]):
            ax.annotate("+life", (h, yi), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=7, color=GREY)
        ax.set_yticks(y, d[label].astype(str))
        ax.set_xlim(0, right)
        ax.set_ylim(-0.7, len(d) - 0.3)
        ax.set_xlabel("Years of imprisonment")
        handles = [Patch(facecolor=LIGHT_GREY, edgecolor=GREY,
                         label="statutory range (min–max)")]
        if has_eff:
            handles.append(Patch(facecolor=COLORS[0], alpha=0.75,
                                 label="effective range (art. 62/66/88)"))
        handles.append(Line2D([], [], marker="o", linestyle="none",
                              color=PALETTE["vermillion"], markeredgecolor="black",
                              label="real prison term"))
        if susp.any():
            handles.append(Line2D([], [], marker="o", linestyle="none",
                                  markerfacecolor="white",
                                  markeredgecolor=PALETTE["vermillion"],
                                  label="suspended term"))
        if len(life_rows):
            handles.append(Line2D([], [], marker="D", linestyle="none",
                                  color=PALETTE["vermillion"], markeredgecolor="black",
                                  label="life sentence"))
        # a fixed gap (inches) below the axes, whatever the number of rows
        axes_inches = max(fig.get_figheight() * ax.get_position().height, 0.5)
        ax.legend(handles=handles, loc="upper center",
                  bbox_to_anchor=(0.5, -0.6 / axes_inches), ncols=len(handles))
        if title:
            ax.set_title(title)
    return ax

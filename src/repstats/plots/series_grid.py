"""Small multiples of yearly outcome series (seaborn), each on its own scale."""
from __future__ import annotations

import warnings

import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns

from repstats.plots._common import event_lines, mark_invasion, to_time
from repstats.plots.style import COLORS, GREY, add_title, use_style
from repstats.stats._series import require_columns


class _FacetGrid(sns.FacetGrid):
    """A FacetGrid laid out once, when :func:`series_grid` asks: seaborn's ``__init__``
    runs a tight layout of the still empty grid, which the final one redoes from scratch
    (each costs about a second of text layout for a dozen panels); the result is the same
    to the byte."""

    _laid_out = False

    def tight_layout(self, *args, **kwargs):
        if not self._laid_out:
            return self
        return super().tight_layout(*args, **kwargs)


def series_grid(outcomes: pd.DataFrame, *, series=None, value: str = "rate_per_100k",
                events: dict | None = None, col_wrap: int = 3,
                ylabel: str = "per 100,000 convictions", title: str | None = None):
    """One panel per outcome series (own y scale), main and additional bases as lines.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`repstats.stats.outcomes.outcome_series` output.
    series : list of str, optional
        Series to draw, in this order (default: all).
    value : str
        ``rate_per_100k`` or ``persons``; incomplete years (value missing) are drawn as a
        hollow marker at the lower bound (``rate_low``/``persons_low``) with a range bar.
    events : dict, optional
        ``{label: year}`` vertical lines with a short label in the first panel.

    Returns
    -------
    seaborn.FacetGrid
    """
    low = {"rate_per_100k": "rate_low", "persons": "persons_low"}
    high = {"rate_per_100k": "rate_high", "persons": "persons_high"}
    if value not in low:
        raise ValueError(f"value must be one of {tuple(low)}, got {value!r}")
    require_columns(outcomes, ["year", "series", "basis", value, low[value], high[value]],
                    "outcomes")
    d = outcomes if series is None else outcomes[outcomes["series"].isin(series)]
    order = list(series) if series is not None else list(dict.fromkeys(d["series"]))
    d = d.assign(t=to_time(d["year"]), basis=d["basis"].map(
        {"main": "main article", "additional": "additional qualification"}))
    with use_style(), warnings.catch_warnings():
        # FacetGrid switches the house style's constrained layout to tight: expected
        warnings.filterwarnings("ignore", "The figure layout has changed to tight")
        bases = ["main article", "additional qualification"]
        g = _FacetGrid(d, col="series", col_order=order, col_wrap=col_wrap,
                       sharey=False, height=2.3, aspect=1.45, hue="basis",
                       hue_order=bases, palette=COLORS[:2])
        # one line per basis and panel, drawn directly: seaborn's lineplot (via
        # map_dataframe) aggregates nothing here (one value per year) and lays the grid
        # out again; missing years are skipped as lineplot skips them
        handles = {}
        for ax, name in zip(g.axes.ravel(), order):
            panel = d[(d["series"] == name) & d[value].notna()].sort_values("t")
            for b, color in zip(bases, COLORS):
                sub = panel[panel["basis"] == b]
                if len(sub):
                    handles[b], = ax.plot(sub["t"], sub[value], color=color, marker="o",
                                          markersize=4, markeredgecolor="white",
                                          markeredgewidth=0.75, label=b)
        for ax, name in zip(g.axes.ravel(), order):
            inc = d[(d["series"] == name) & d[value].isna() & d[low[value]].notna()]
            for b, color in zip(bases, COLORS):
                sub = inc[inc["basis"] == b]
                if sub.empty:
                    continue
                ax.vlines(sub["t"], sub[low[value]], sub[high[value]], color=color)
                ax.plot(sub["t"], sub[low[value]], "o", mfc="white", mec=color)
            if events:
                event_lines(ax, [pd.Timestamp(year=int(y), month=1, day=1)
                                 for y in events.values()])
            mark_invasion(ax, label=False)
            ax.set_ylim(bottom=0)
            ax.xaxis.set_major_locator(mdates.YearLocator(4))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        g.set_titles("{col_name}")
        g.set_axis_labels("Year", ylabel)
        legend = [(handles[b], b) for b in bases if b in handles]
        inside = None
        if len(order) % col_wrap:  # an empty slot at the grid's lower right holds it
            inside = g.figure.legend(*zip(*legend), loc="center right", frameon=False)
        else:
            g.add_legend(legend_data={b: h for h, b in legend}, title="", loc="lower right")
        if events:
            first = g.axes.ravel()[0]
            top = first.get_ylim()[1]
            for i, (label, year) in enumerate(events.items()):
                first.text(pd.Timestamp(year=int(year), month=1, day=1), top * (0.97 - 0.1 * i),
                           f" {label}", fontsize=7, color=GREY, va="top")
        if title:  # inside the canvas: the tight layout below makes room for it
            add_title(g.figure, title)
        g._laid_out = True
        g.tight_layout()
        if inside is not None:  # level with the last row of panels
            box = g.axes.ravel()[len(order) - 1].get_position()
            inside.set_bbox_to_anchor(((1, (box.y0 + box.y1) / 2)), g.figure.transFigure)
    return g

"""Aligned time-series panels: counts above, indicator(s) below, one shared time axis.

Separate panels instead of twin y-axes: two scales on one panel invite reading a
correlation into whatever the choice of axis limits suggests.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from repstats.plots._common import event_lines, long_frame
from repstats.plots.style import COLORS, GREY, add_title, use_style


def _draw(ax, frame, *, group, low, high, label):
    groups = [(label, frame)] if group is None else list(frame.groupby(group, sort=True))
    for i, (name, g) in enumerate(groups):
        color = COLORS[i % len(COLORS)]
        ax.plot(g["_t"], g["_v"], marker="o", color=color, label=str(name))
        if low in g.columns and high in g.columns and g[[low, high]].notna().any().any():
            ax.fill_between(g["_t"], g[low].astype(float), g[high].astype(float),
                            color=color, alpha=0.2, linewidth=0,
                            label="low–high range" if group is None else
                            f"{name}: low–high range")
    if group is not None or any(low in g.columns for _, g in groups):
        ax.legend(loc="best", ncols=2 if len(groups) > 3 else 1)


def _span(frames) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Time span of ``frames`` padded by half a year on each side."""
    times = pd.concat([f["_t"] for f in frames]).dropna()
    return times.min() - pd.DateOffset(months=6), times.max() + pd.DateOffset(months=6)


def _event_table(events, date_col, label_col, span) -> pd.DataFrame:
    """Events inside the plotted time span, sorted."""
    date_col = date_col or next((c for c in ("date", "date_start") if c in events.columns),
                                None)
    label_col = label_col or next((c for c in ("event", "event_en") if c in events.columns),
                                  None)
    if date_col is None or label_col is None:
        raise ValueError("events needs a date column ('date' or 'date_start') and a label "
                         f"column ('event' or 'event_en'); it has {list(events.columns)}")
    lo, hi = span
    ev = pd.DataFrame({"_t": pd.to_datetime(events[date_col]),
                       "_label": events[label_col].astype(str)}).dropna(subset=["_t"])
    return ev[(ev["_t"] >= lo) & (ev["_t"] <= hi)].sort_values("_t", kind="stable")


def _events(axes, ev, key_ax, max_labels):
    """Dotted event lines on every panel; numbers above the top panel, keyed below."""
    for ax in axes:
        event_lines(ax, ev["_t"], zorder=0)
    top = axes[0]
    trans = blended_transform_factory(top.transData, top.transAxes)
    keyed = list(zip(ev["_t"], ev["_label"]))[:max_labels]
    lo, hi = top.get_xlim()
    level, last = 0, -np.inf
    for i, (t, _) in enumerate(keyed, start=1):
        x = mdates.date2num(t)
        # numbers closer than 3% of the axis width go up a row (up to three rows)
        level = (level + 1) % 3 if x - last < 0.03 * (hi - lo) else 0
        last = x
        top.text(t, 1.01 + 0.045 * level, str(i), transform=trans, ha="center",
                 va="bottom", fontsize=7.5, fontweight="bold", color=GREY)
    if not keyed:
        return
    handles = [Line2D([], [], linestyle="none") for _ in keyed]
    labels = [textwrap.fill(f"{i}  {t:%b %Y}: {text}", 62, subsequent_indent="      ")
              for i, (t, text) in enumerate(keyed, start=1)]  # wrapped, never cut
    if len(ev) > max_labels:
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(f"({len(ev) - max_labels} further event lines not keyed)")
    style = dict(ncols=2, fontsize=7.5, handlelength=0, handletextpad=0, columnspacing=1.5,
                 title="Events (dotted lines)", title_fontsize=8, alignment="left",
                 labelcolor=GREY, borderaxespad=0)
    if key_ax is not None:
        key_ax.axis("off")
        key_ax.legend(handles, labels, loc="upper left", **style)
    else:
        top.figure.legend(handles, labels, loc="outside lower left", **style)


def timeseries_panels(counts, indicator=None, *, events: pd.DataFrame | None = None,
                      axes=None, time: str | None = None, value: str | None = None,
                      group: str | None = None, low: str = "low", high: str = "high",
                      count_label: str = "Persons convicted\n(per year)",
                      indicator_label: str | None = None, title: str | None = None,
                      event_date: str | None = None, event_label: str | None = None,
                      max_event_labels: int = 15, event_categories=None,
                      span: str = "counts", figsize=None, unit_in_label: bool = True):
    """Counts in the top panel, each indicator in its own panel below, shared time axis.

    Parameters
    ----------
    counts : Series or DataFrame
        Series indexed by year/Period/date, or a long DataFrame with a time column
        (``time``, else period/year/date), a value column (``value``, else
        value/persons/count) and optionally ``group`` (one line per group, e.g.
        category) and ``low``/``high`` (drawn as a band).
    indicator : Series or DataFrame, optional
        Same forms; a panel with an ``indicator`` column gets one panel per indicator, its
        ``unit`` column (if any) in the y label; ``low``/``high`` drawn as a band.
    events : DataFrame, optional
        Dates (``date`` or ``date_start``) and labels (``event`` or ``event_en``), e.g.
        ``repstats.instability.events()``: dotted lines on every panel, labels on the top.
    axes : sequence of Axes, optional
        One axes per panel (1 + number of indicators); a new figure otherwise.
    count_label, indicator_label, title : str, optional
        Axis labels (state units) and the figure title.
    max_event_labels : int
        Events beyond this many get a line but no number in the key.
    event_categories : iterable of str, optional
        Keep only events whose ``category`` is among these (e.g. ``["war", "protest"]``).
    span : {"counts", "all"}
        Time axis limited to the counts' span (default; indicators are cut to it) or
        covering every series.
    unit_in_label : bool
        Put the ``unit`` of each indicator in its panel's y label (set False when the
        names are long and the units are given elsewhere, e.g. in a table).

    Returns
    -------
    Figure
    """
    cframe = long_frame(counts, time=time, value=value, what="counts")
    panels = []
    if indicator is not None:
        iframe = long_frame(indicator, time=time, value=value, what="indicator")
        if "indicator" in iframe.columns:
            for name, g in iframe.groupby("indicator", sort=True):
                unit = g["unit"].dropna().iloc[0] if "unit" in g.columns and \
                    g["unit"].notna().any() else None
                panels.append((g, f"{name}\n({unit})" if unit and unit_in_label
                               else str(name)))
        else:
            name = iframe["_name"].iloc[0] if "_name" in iframe.columns else None
            panels.append((iframe, indicator_label or (str(name) if name else "Indicator")))
        if indicator_label and len(panels) > 1:
            raise ValueError("indicator_label names one panel; the panel has several "
                             "indicators (their names and units label the panels)")
    n = 1 + len(panels)
    if span not in ("counts", "all"):
        raise ValueError(f"span must be 'counts' or 'all', got {span!r}")
    window = _span([cframe] if span == "counts" else [cframe] + [p[0] for p in panels])
    panels = [(f[(f["_t"] >= window[0]) & (f["_t"] <= window[1])], label)
              for f, label in panels]
    if events is not None and event_categories is not None:
        if "category" not in events.columns:
            raise ValueError("event_categories given but events has no 'category' column")
        events = events[events["category"].isin(list(event_categories))]
    ev = (_event_table(events, event_date, event_label, window)
          if events is not None and len(events) else None)
    key_ax = None
    with use_style():
        if axes is None:
            key_rows = 0 if ev is None or ev.empty else math.ceil(
                min(len(ev), max_event_labels + 1) / 2)
            ratios = [1.4] + [1] * (n - 1) + ([0.1 + 0.09 * key_rows] if key_rows else [])
            fig, grid = plt.subplots(len(ratios), 1, squeeze=False,
                                     figsize=figsize or (8.0, 2.6 + 1.9 * n
                                                         + 0.18 * key_rows),
                                     height_ratios=ratios)
            axes = list(grid[:n, 0])
            for ax in axes[1:]:
                ax.sharex(axes[0])
            key_ax = grid[n, 0] if key_rows else None
        else:
            axes = list(np.ravel(axes))
            if len(axes) != n:
                raise ValueError(f"axes must hold {n} Axes (counts + {n - 1} indicator "
                                 f"panel(s)), got {len(axes)}")
            fig = axes[0].figure
            for ax in axes[1:]:
                if not ax.get_shared_x_axes().joined(ax, axes[0]):
                    ax.sharex(axes[0])
        _draw(axes[0], cframe, group=group, low=low, high=high, label="counts")
        axes[0].set_ylabel(count_label)
        axes[0].set_ylim(bottom=0)
        for ax, (frame, label) in zip(axes[1:], panels):
            _draw(ax, frame, group=None, low=low, high=high, label=label.split("\n")[0])
            ax.set_ylabel(label)
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        axes[0].set_xlim(*window)
        years = window[1].year - window[0].year
        axes[-1].xaxis.set_major_locator(mdates.YearLocator(
            base=1 if years <= 14 else 2 if years <= 28 else 5))
        axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        axes[-1].set_xlabel("Year")
        if ev is not None:
            _events(axes, ev, key_ax, max_event_labels)
        if title:
            add_title(fig, title)
    return fig

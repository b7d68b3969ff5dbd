"""Helpers shared by the chart modules: figure/axes creation and time coordinates."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from repstats.plots.style import GREY
from repstats.stats._series import time_value_columns


def figure_and_axes(ax: Axes | None, figsize=None):
    """Return (fig, ax): ``ax``'s figure, or a new figure with one axes."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax.figure, ax


def to_time(values) -> pd.DatetimeIndex:
    """Plot positions in time: integer years and Periods go to their midpoint (a yearly
    total is drawn mid-year), dates stay as they are."""
    values = pd.Index(values)
    if isinstance(values, pd.PeriodIndex) or (len(values) and isinstance(values[0],
                                                                          pd.Period)):
        p = pd.PeriodIndex(values)
        return pd.DatetimeIndex(p.start_time + (p.end_time - p.start_time) / 2)
    if pd.api.types.is_integer_dtype(values) or (
            pd.api.types.is_float_dtype(values) and np.all(np.mod(values.dropna(), 1) == 0)):
        return pd.DatetimeIndex([pd.Timestamp(year=int(v), month=7, day=2) for v in values])
    return pd.DatetimeIndex(pd.to_datetime(values))


def long_frame(data, *, time: str | None, value: str | None, what: str) -> pd.DataFrame:
    """A Series or DataFrame as a long frame with columns ``_t`` (plot time) and ``_v``
    plus the original columns."""
    if isinstance(data, pd.Series):
        frame = pd.DataFrame({"_t": to_time(data.index), "_v": data.to_numpy(float)})
        frame["_name"] = data.name
        return frame
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{what} must be a Series or DataFrame, got {type(data).__name__}")
    tcol, vcol = time_value_columns(data, time, value, what)
    frame = data.copy()
    frame["_t"] = to_time(data[tcol]).to_numpy()
    frame["_v"] = pd.to_numeric(data[vcol], errors="coerce").to_numpy(float)
    return frame.sort_values("_t")


def months_to_years(values):
    """Months to years for axes labelled in years."""
    return np.asarray(values, dtype=float) / 12.0


#: Start of the full-scale invasion of Ukraine, marked on every chart of claim (a).
INVASION = pd.Timestamp("2022-02-24")


def event_lines(ax, times, **kwargs) -> None:
    """Dotted grey full-height lines at ``times`` (x in data, y in axes coordinates, as
    ``axvline`` draws each), as one collection: not one artist per event. ``kwargs`` go
    to ``Axes.vlines`` (e.g. ``zorder``)."""
    ax.vlines(times, 0, 1, transform=ax.get_xaxis_transform(), colors=GREY, linestyles=":",
              linewidth=0.9, **kwargs)


def mark_invasion(ax, *, label: bool = True, color: str = "#D55E00") -> None:
    """A dashed vertical line at 24 February 2022 (labelled unless ``label=False``) when
    the date lies inside the axes' time range (axes in matplotlib date units)."""
    import matplotlib.dates as mdates

    lo, hi = ax.get_xlim()
    x = mdates.date2num(INVASION)
    if not lo <= x <= hi:
        return
    ax.axvline(INVASION, color=color, linestyle="--", linewidth=1.1, zorder=1,
               label="24 Feb 2022: full-scale invasion" if label else None)

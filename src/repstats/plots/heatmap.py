"""Heat map of a value by category (rows) and year (columns), drawn with seaborn."""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns

from repstats.plots._common import figure_and_axes
from repstats.plots.style import SEQUENTIAL, use_style
from repstats.stats._series import require_columns


def category_heatmap(data: pd.DataFrame, *, row: str = "category", col: str = "year",
                     value: str = "persons", ax=None, annotate: bool = True,
                     log: bool = False, fmt: str = "{:,.0f}", cmap: str = SEQUENTIAL,
                     colorbar_label: str | None = None, title: str | None = None,
                     mark: dict | None = None):
    """Heat map of ``value`` by ``row`` (e.g. category) and ``col`` (e.g. year).

    Parameters
    ----------
    data : DataFrame
        Long table, e.g. :func:`repstats.stats.political_counts` output filtered to one
        basis; several rows per cell raise (aggregate first).
    annotate : bool
        Print the value in each cell (dark text on light cells, light on dark).
    log : bool
        Logarithmic colour scale (zero cells shown in the lowest colour).
    colorbar_label : str, optional
        Defaults to the ``unit`` column's value when present, else ``value``.
    mark : dict, optional
        Dates to mark, ``{date: label}``, when the columns are years: a dashed line at the
        date's place within its year's column (24 Feb 2022 about 15 % into 2022), the
        label just above the map, starting at the line (keep it short: it is left out of
        the layout, so it may run over the colour bar's top but is never made room for).
        A date whose year is not a column raises.

    Returns
    -------
    Axes
    """
    require_columns(data, [row, col, value], "data")
    marks = _mark_positions(mark, sorted(data[col].unique())) if mark else {}
    if data.duplicated([row, col]).any():
        raise ValueError(f"data has several rows per {row} x {col}; filter (e.g. basis) "
                         "or aggregate first")
    table = data.pivot(index=row, columns=col, values=value).astype(float)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    values = table.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if log:
        positive = finite[finite > 0]
        vmin = positive.min() if len(positive) else 1
        norm = mpl.colors.LogNorm(vmin=vmin, vmax=max(finite.max(), vmin * 10))
        shown = np.where(values > 0, values, vmin)
    else:
        norm = mpl.colors.Normalize(vmin=0, vmax=finite.max() if len(finite) else 1)
        shown = values
    if colorbar_label is None:
        colorbar_label = (data["unit"].dropna().iloc[0] if "unit" in data.columns and
                          data["unit"].notna().any() else value)
    labels = np.vectorize(lambda v: fmt.format(v) if np.isfinite(v) else "")(values) \
        if annotate and values.size else False
    with use_style():
        fig, ax = figure_and_axes(ax, figsize=(min(10.0, max(6.0, 0.45 * table.shape[1]
                                                             + 3.5)),
                                               1.9 + 0.55 * table.shape[0]))
        # seaborn picks dark or light annotation text from each cell's colour
        sns.heatmap(pd.DataFrame(shown, index=table.index, columns=table.columns), ax=ax,
                    cmap=cmap, norm=norm, mask=~np.isfinite(values), annot=labels, fmt="",
                    annot_kws={"fontsize": 7}, cbar_kws={"pad": 0.01}, linewidths=0,
                    # no labels yet (set below): seaborn draws the figure once to see
                    # whether its own labels overlap, which costs less without any
                    xticklabels=False, yticklabels=False,
                    square=False)
        ax.grid(False)
        ax.set_xticks(np.arange(table.shape[1]) + 0.5, [str(c) for c in table.columns],
                      rotation=45 if table.shape[1] > 10 else 0)
        ax.set_yticks(np.arange(table.shape[0]) + 0.5, [str(r) for r in table.index],
                      rotation=0, va="center")
        ax.tick_params(length=0)
        bar = ax.collections[0].colorbar
        bar.set_label("\n".join(_wrap(colorbar_label)), fontsize=8)
        bar.outline.set_visible(False)
        ax.set_xlabel(col.capitalize())
        ax.set_ylabel(row.capitalize())
        if title:
            ax.set_title(title)
        for x, label in marks.items():
            ax.axvline(x, color="black", linewidth=1.2, linestyle="--")
            note = ax.annotate(label, xy=(x, 1), xycoords=("data", "axes fraction"),
                               xytext=(2, 2), textcoords="offset points", ha="left",
                               va="bottom", fontsize=7, annotation_clip=False)
            note.set_in_layout(False)  # a label over the colour bar must not shrink the map
    return ax


def _mark_positions(mark: dict, columns: list) -> dict:
    """``{x: label}``: column i spans x = i to i + 1; a date sits at its share of the year."""
    try:
        years = [int(c) for c in columns]
    except (TypeError, ValueError):
        raise ValueError(f"mark needs year columns; the columns are {columns[:5]}...") from None
    if years != [float(c) for c in columns]:
        raise ValueError(f"mark needs whole-year columns; the columns are {columns[:5]}...")
    out = {}
    for when, label in mark.items():
        try:
            day = pd.Timestamp(when)
        except (TypeError, ValueError):
            raise ValueError(f"mark: {when!r} is not a date (mark is {{date: label}})") \
                from None
        if day.year not in years:
            raise ValueError(f"mark: {day.date()} is in {day.year}, which is not a column "
                             f"({years[0]}-{years[-1]})")
        share = (day.day_of_year - 1) / (366 if day.is_leap_year else 365)
        out[years.index(day.year) + share] = str(label)
    return out


def _wrap(text: str, width: int = 32) -> list[str]:
    import textwrap
    return textwrap.wrap(str(text), width=width) or [""]

"""Scatter plot with a fitted line, its confidence band, n and r with an interval."""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.robust.norms import HuberT
from statsmodels.robust.robust_linear_model import RLM
from statsmodels.tools.tools import add_constant
from scipy import stats

from repstats.plots._common import figure_and_axes
from repstats.plots.style import COLORS, GREY, use_style
from repstats.stats._series import require_columns

FITS = ("ols", "robust", None)


def fit_band(x: np.ndarray, y: np.ndarray, grid: np.ndarray, fit: str = "ols",
             confidence: float = 0.95) -> pd.DataFrame:
    """Fitted mean and its pointwise confidence band on ``grid``.

    ``ols``: statsmodels OLS, t-based band. ``robust``: statsmodels RLM (Huber's T),
    normal-based band from its covariance. Returns columns x, fit, low, high.
    """
    X = add_constant(x)
    G = add_constant(grid, has_constant="add")
    if fit == "ols":
        res = OLS(y, X).fit()
        q = stats.t.ppf(0.5 + confidence / 2, res.df_resid)
    elif fit == "robust":
        res = RLM(y, X, M=HuberT()).fit()
        q = stats.norm.ppf(0.5 + confidence / 2)
    else:
        raise ValueError(f"fit must be 'ols' or 'robust', got {fit!r}")
    mean = G @ res.params
    se = np.sqrt(np.einsum("ij,jk,ik->i", G, res.cov_params(), G))
    return pd.DataFrame({"x": grid, "fit": mean, "low": mean - q * se,
                         "high": mean + q * se})


def scatter_fit(data: pd.DataFrame, x: str, y: str, *, fit: str | None = "ols",
                label: str | None = None, ax=None, xlabel: str | None = None,
                ylabel: str | None = None, title: str | None = None,
                confidence: float = 0.95):
    """Scatter ``y`` against ``x`` with a fitted line, band, n and Pearson r [CI].

    Parameters
    ----------
    data : DataFrame
        Holds columns ``x`` and ``y`` (and ``label``); rows with a missing value dropped.
    fit : {"ols", "robust", None}
        Line fitted by OLS or by robust (Huber) regression, or none.
    label : str, optional
        Column whose values annotate the points (e.g. year).
    xlabel, ylabel : str, optional
        Axis labels with units (default: the column names).
    confidence : float
        Level of the band and of the Fisher-z interval of r
        (``scipy.stats.pearsonr(...).confidence_interval``).

    Returns
    -------
    Axes
    """
    if fit not in FITS:
        raise ValueError(f"fit must be one of {FITS}, got {fit!r}")
    require_columns(data, [x, y] + ([label] if label else []), "data")
    d = data[[x, y] + ([label] if label and label not in (x, y) else [])].dropna(
        subset=[x, y])
    xs, ys = d[x].to_numpy(float), d[y].to_numpy(float)
    if len(d) < 3:
        raise ValueError(f"scatter_fit needs at least 3 complete rows, got {len(d)}")
    with use_style():
        fig, ax = figure_and_axes(ax, figsize=(6.0, 4.5))
        ax.grid(True, axis="both")
        ax.scatter(xs, ys, color=COLORS[0], zorder=3, s=28, label="observations")
        if label:
            for xi, yi, text in zip(xs, ys, d[label]):
                ax.annotate(str(text), (xi, yi), xytext=(3, 3), textcoords="offset points",
                            fontsize=7, color=GREY)
        if fit:
            grid = np.linspace(xs.min(), xs.max(), 100)
            band = fit_band(xs, ys, grid, fit, confidence)
            name = "OLS fit" if fit == "ols" else "robust (Huber) fit"
            ax.plot(band["x"], band["fit"], color=COLORS[1], label=name)
            ax.fill_between(band["x"], band["low"], band["high"], color=COLORS[1],
                            alpha=0.18, linewidth=0,
                            label=f"{confidence:.0%} confidence band")
        res = stats.pearsonr(xs, ys)
        ci = res.confidence_interval(confidence_level=confidence)
        ax.text(0.02, 0.97, f"n = {len(d)}\nPearson r = {res.statistic:.2f} "
                            f"[{ci.low:.2f}, {ci.high:.2f}]",
                transform=ax.transAxes, va="top", ha="left", fontsize=9,
                bbox=dict(facecolor="white", edgecolor=GREY, alpha=0.85,
                          boxstyle="round,pad=0.3"))
        ax.legend(loc="lower right")
        ax.set_xlabel(xlabel or x)
        ax.set_ylabel(ylabel or y)
        if title:
            ax.set_title(title)
    return ax

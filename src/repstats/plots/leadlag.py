"""Lead/lag chart: rate ratio per SD of an indicator at each lag, one panel per indicator."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from repstats.plots.style import COLORS, GREY, add_title, use_style
from repstats.stats._series import require_columns


def lead_lag_chart(profile: pd.DataFrame, *, labels: dict | None = None,
                   declared_lag: int | None = None, title: str | None = None,
                   confidence: float = 0.95):
    """Small multiples of :func:`repstats.stats.monthly.lead_lag_profile` results.

    Parameters
    ----------
    profile : DataFrame
        ``indicator``, ``lag``, ``rate_ratio``, ``ci_low``, ``ci_high`` (several
        indicators stacked).
    labels : dict, optional
        Display names of indicators.
    declared_lag : int, optional
        The primary lag, marked with a vertical line.

    Returns
    -------
    Figure
    """
    require_columns(profile, ["indicator", "lag", "rate_ratio", "ci_low", "ci_high"],
                    "profile")
    if profile.empty:
        raise ValueError("profile is empty")
    labels = labels or {}
    names = list(dict.fromkeys(profile["indicator"]))
    ncol = min(2, len(names))
    nrow = int(np.ceil(len(names) / ncol))
    with use_style():
        fig, axes = plt.subplots(nrow, ncol, squeeze=False, sharex=True, sharey=True,
                                 figsize=(8.0, 1.2 + 2.3 * nrow))
        for ax, name in zip(axes.ravel(), names):
            g = profile[profile["indicator"] == name].sort_values("lag")
            ax.axhline(1, color=GREY, linewidth=0.9)
            ax.fill_between(g["lag"], g["ci_low"], g["ci_high"], color=COLORS[0],
                            alpha=0.2, linewidth=0,
                            label=f"{confidence:.0%} interval (Newey-West)")
            ax.plot(g["lag"], g["rate_ratio"], "o-", color=COLORS[0], markersize=3,
                    label="rate ratio per SD")
            if declared_lag is not None:
                ax.axvline(declared_lag, color=COLORS[1], linestyle="--", linewidth=1,
                           label=f"declared lag ({declared_lag:+d} month)")
            ax.set_title(labels.get(name, name), fontsize=9)
        for ax in axes.ravel()[len(names):]:
            ax.axis("off")
        for ax in axes[-1]:
            ax.set_xlabel("Lag in months (> 0: indicator leads; < 0: it follows)")
        for ax in axes[:, 0]:
            ax.set_ylabel("Rate ratio per SD")
        axes[0, 0].legend(loc="upper left", fontsize=7)
        if title:
            add_title(fig, title)
    return fig

"""The association forest chart, rendered headless from a table built in code."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from repstats.plots.forest import association_forest

matplotlib.use("Agg")
OUT = Path(os.environ.get("REPSTATS_PLOT_DIR", "/tmp/plots"))


def results() -> pd.DataFrame:
    rows = []
    for ind in ("wgi", "epu"):
        for t in ("level", "diff"):
            for lag in (-1, 0, 1):
                for m in ("spearman", "pearson"):
                    r = 0.6 if ind == "wgi" and t == "level" else 0.1
                    rows.append(dict(indicator=ind, transform=t, lag=lag, method=m, r=r,
                                     ci_low=r - 0.3, ci_high=r + 0.3))
    out = pd.DataFrame(rows)
    out.loc[0, ["r", "ci_low", "ci_high"]] = np.nan  # a row not computed
    return out


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_forest_draws_every_computed_row():
    fig = association_forest(results(), labels={"wgi": "WGI political stability"},
                             panel_titles={"level": "Levels", "diff": "Differences"})
    assert isinstance(fig, Figure) and len(fig.axes) == 3  # legend row + two panels
    ax = fig.axes[1]
    assert ax.get_title(loc="left") == "Levels"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6 and "WGI political stability  lag +0" in labels
    # filled points (interval excludes 0) + hollow points = computed rows of the panel
    offsets = sum(len(c.get_offsets()) for c in ax.collections
                  if c.__class__.__name__ == "PathCollection")
    assert offsets == 11
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "association_forest.png")


def test_forest_errors():
    with pytest.raises(ValueError, match="several rows"):
        association_forest(pd.concat([results(), results()]))
    with pytest.raises(ValueError, match="lacks column"):
        association_forest(results().drop(columns="lag"))
    with pytest.raises(ValueError, match="axes must hold"):
        _, ax = plt.subplots()
        association_forest(results(), axes=[ax])

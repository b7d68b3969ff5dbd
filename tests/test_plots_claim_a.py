"""Charts of claim (a) on small inputs built in code: what they draw and how they refuse."""
from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from repstats.plots._common import INVASION, mark_invasion
from repstats.plots.its import its_chart
from repstats.plots.leadlag import lead_lag_chart
from repstats.plots.series_grid import series_grid
from repstats.plots.speccurve import specification_chart
from repstats.stats.its import interrupted_time_series, simulate_its


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _fit():
    expo = pd.Series(np.linspace(9e5, 5e5, 16), index=range(2009, 2025))
    y = simulate_its(16, {"b": 2014}, rate_ratios={"b": 1.5}, trend=1.1, baseline=1e-4,
                     exposure=expo, start=2009, seed=1)
    return interrupted_time_series(y, {"b": 2014}, exposure=expo, return_fitted=True)[1]


def test_its_chart_draws_rates_breaks_invasion_and_bounds():
    fitted = _fit()
    ax = its_chart(fitted, {"2014 Crimea": 2014},
                   bounds=pd.DataFrame({"year": [2022], "low": [5.0], "high": [9.0]}))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("incomplete count" in t for t in labels)
    assert any("24 Feb 2022" in t for t in labels)
    assert any("confidence band" in t for t in labels)
    assert " 2014 Crimea" in [t.get_text() for t in ax.texts]
    # the break: one dotted full-height line at 1 January 2014
    dotted = [c for c in ax.collections if c.get_linestyle()[0][1] is not None]
    assert len(dotted) == 1
    (segment,) = dotted[0].get_segments()
    assert segment[:, 0] == pytest.approx([mdates.date2num(pd.Timestamp("2014-01-01"))] * 2)
    assert segment[:, 1] == pytest.approx([0, 1])  # axes fraction: the whole height
    obs = [ln for ln in ax.lines if ln.get_label().startswith("observed")][0]
    rate = fitted["observed"] / fitted["exposure"] * 1e5
    assert np.allclose(obs.get_ydata(), rate)


def test_its_chart_needs_exposure():
    fitted = _fit().assign(exposure=np.nan)
    with pytest.raises(ValueError, match="exposure"):
        its_chart(fitted, {"b": 2014})


def test_mark_invasion_only_inside_range():
    fig, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2010-01-01", "2015-01-01"]), [0, 1])
    mark_invasion(ax)
    assert not any(ln.get_label().startswith("24 Feb") for ln in ax.lines)
    ax.set_xlim(mdates.date2num(pd.Timestamp("2020-01-01")),
                mdates.date2num(pd.Timestamp("2024-01-01")))
    mark_invasion(ax)
    line = [ln for ln in ax.lines if ln.get_label().startswith("24 Feb")][0]
    x = line.get_xdata()[0]
    x = x if isinstance(x, pd.Timestamp) else mdates.num2date(x)
    assert pd.Timestamp(x).date() == INVASION.date()


def _curve(n=20):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"series": rng.choice(["core", "broad"], n),
                         "indicator": rng.choice(["a", "b"], n),
                         "transform": "diff", "lag": rng.integers(0, 2, n),
                         "normalisation": "rate", "r_aligned": np.sort(rng.uniform(-1, 1, n)),
                         "n": rng.choice([8, 12], n), "primary": [True] + [False] * (n - 1),
                         "rank": np.arange(1, n + 1)})


def test_specification_chart_marks_primary_and_small_n():
    fig = specification_chart(_curve(), labels={"a": "Alpha"})
    top, bot = fig.axes[:2]
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert "declared primary specification" in labels and any("n < 10" in t for t in labels)
    assert "indicator: Alpha" in [t.get_text() for t in bot.get_yticklabels()]


def test_specification_chart_legend_names_only_what_is_drawn():
    """No hollow-point entry when every specification has n >= 10; the legend sits above
    r = 1 so that it covers no point."""
    fig = specification_chart(_curve().assign(n=12))
    top = fig.axes[0]
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert not any("n < 10" in t for t in labels)
    assert top.get_ylim()[1] > 1.2 and max(top.get_yticks()) == 1


def test_specification_chart_refuses_empty():
    with pytest.raises(ValueError, match="no computed"):
        specification_chart(_curve().assign(r_aligned=np.nan))


def test_lead_lag_chart_one_panel_per_indicator():
    prof = pd.DataFrame({"indicator": np.repeat(["x", "y", "z"], 5), "lag": list(range(-2, 3)) * 3,
                         "rate_ratio": 1.0, "ci_low": 0.9, "ci_high": 1.1})
    fig = lead_lag_chart(prof, labels={"x": "EPU"}, declared_lag=1)
    titles = [ax.get_title("left") for ax in fig.axes if ax.axison]
    assert titles == ["EPU", "y", "z"]
    with pytest.raises(ValueError, match="empty"):
        lead_lag_chart(prof.iloc[:0])


def test_series_grid_incomplete_year_drawn_as_bound():
    rows = []
    for year in range(2019, 2023):
        for basis in ("main", "additional"):
            complete = not (year == 2022 and basis == "main")
            rows.append(dict(year=year, series="core", basis=basis,
                             rate_per_100k=10.0 if complete else np.nan, rate_low=10.0,
                             rate_high=10.0 if complete else 14.0, persons=1.0,
                             persons_low=1.0, persons_high=1.0))
    g = series_grid(pd.DataFrame(rows), events={"2022": 2022})
    ax = g.axes.ravel()[0]
    hollow = [ln for ln in ax.lines if ln.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and hollow[0].get_ydata()[0] == 10.0
    # the event: a dotted full-height line on 1 January of its year
    dotted = [c for c in ax.collections if c.get_linestyle()[0][1] is not None]
    assert len(dotted) == 1 and dotted[0].get_transform() == ax.get_xaxis_transform()
    (x0, y0), (x1, y1) = dotted[0].get_segments()[0]
    assert x0 == x1 == mdates.date2num(pd.Timestamp("2022-01-01")) and (y0, y1) == (0, 1)
    with pytest.raises(ValueError, match="value must be"):
        series_grid(pd.DataFrame(rows), value="share")


LONG_TITLE = ("Convictions under politically used articles, per 100,000 convictions, "
              "with every break and event the analysis declared (each panel on its own "
              "scale; dashed: 24 February 2022)")


def _grid_rows():
    return pd.DataFrame([dict(year=y, series=s, basis=b, rate_per_100k=1.0, rate_low=1.0,
                              rate_high=1.0, persons=1.0, persons_low=1.0, persons_high=1.0)
                         for y in range(2019, 2023) for s in ("core", "broad")
                         for b in ("main", "additional")])


@pytest.mark.parametrize("chart", [
    lambda title: series_grid(_grid_rows(), title=title).figure,
    lambda title: specification_chart(_curve(), title=title),
    lambda title: lead_lag_chart(pd.DataFrame({"indicator": "x", "lag": [0, 1],
                                               "rate_ratio": 1.0, "ci_low": 0.9,
                                               "ci_high": 1.1}), title=title),
], ids=["series_grid", "specification_chart", "lead_lag_chart"])
def test_long_title_is_wrapped_inside_the_canvas(chart):
    """The report draws figures at their own size (not cropped to their content), so a
    title must not run past the canvas: it is wrapped to the figure's width."""
    fig = chart(LONG_TITLE)
    fig.draw_without_rendering()
    box = fig.get_tightbbox()  # inches
    width, height = fig.get_size_inches()
    assert box.x0 >= 0 and box.y0 >= 0
    assert box.x1 <= width and box.y1 <= height
    title = fig._suptitle.get_text()
    assert "\n" in title and " ".join(title.split()) == LONG_TITLE

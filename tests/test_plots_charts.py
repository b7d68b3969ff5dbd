"""Charts rendered headless (Agg) from data built in code; one PNG of each chart type is
saved (to $REPSTATS_PLOT_DIR, default /tmp/plots) for visual inspection."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from stats_fakes import BOUNDS

from repstats.plots import (add_source, add_title, bracket_bars, category_heatmap,
                            range_chart, scatter_fit, timeseries_panels, use_style)
from repstats.plots.scatter import fit_band
from repstats.plots.style import RC

matplotlib.use("Agg")
OUT = Path(os.environ.get("REPSTATS_PLOT_DIR", "/tmp/plots"))
YEARS = np.arange(2009, 2024)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def save(fig: Figure, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    fig.savefig(path)
    assert path.stat().st_size > 10_000
    return path


def counts_frame():
    rng = np.random.default_rng(0)
    rows = []
    for cat, base, growth in (("extremism", 300, 0.08), ("terrorism speech", 20, 0.25),
                              ("war censorship", 0, 0.0)):
        for i, y in enumerate(YEARS):
            persons = rng.poisson(base * np.exp(growth * i)) if base else (
                0 if y < 2022 else (120 if y == 2022 else 260))
            rows.append(dict(year=y, category=cat, persons=persons,
                             unit="persons convicted, by main (most serious) article"))
    return pd.DataFrame(rows)


def indicator_panel():
    rng = np.random.default_rng(1)
    periods = [pd.Period(year=int(y), freq="Y") for y in YEARS]
    v1 = np.cumsum(rng.normal(0, 1, len(YEARS))) + 50
    v2 = rng.uniform(0.2, 0.8, len(YEARS))
    return pd.concat([
        pd.DataFrame({"indicator": "Protest events", "period": periods, "value": v1,
                      "low": v1 - 3, "high": v1 + 3, "unit": "events per year"}),
        pd.DataFrame({"indicator": "Repression index", "period": periods, "value": v2,
                      "low": v2 - 0.1, "high": v2 + 0.1, "unit": "index 0–1"}),
    ])


EVENTS = pd.DataFrame({
    "date": pd.to_datetime(["2011-12-10", "2014-03-18", "2018-03-18", "2020-08-20",
                            "2022-02-24", "2023-06-24", "2030-01-01"]),
    "event": ["Bolotnaya Square protests begin", "Annexation of Crimea",
              "Presidential election", "Navalny poisoned",
              "Full-scale invasion of Ukraine", "Wagner mutiny", "outside the window"],
})


def test_timeseries_panels_layout_and_events():
    fig = timeseries_panels(counts_frame(), indicator_panel(), group="category",
                            events=EVENTS, title="Convictions and instability")
    axes = fig.get_axes()
    assert len(axes) == 4                           # 3 panels + the event key
    axes, key_ax = axes[:3], axes[3]
    assert all(ax.get_shared_x_axes().joined(axes[0], ax) for ax in axes)
    assert axes[0].get_ylabel().startswith("Persons convicted")
    assert "events per year" in axes[1].get_ylabel()
    assert len(axes[0].get_lines()) == 3            # 3 categories
    # the 6 in-window events: one collection of full-height dotted lines on every panel
    for ax in axes:
        events = [c for c in ax.collections if c.get_linestyle()[0][1] is not None]
        assert len(events) == 1 and len(events[0].get_segments()) == 6
        assert [seg[:, 1].tolist() for seg in events[0].get_segments()] == [[0, 1]] * 6
        assert events[0].get_transform() == ax.get_xaxis_transform()
    assert len(axes[1].collections) == 1 + 1        # uncertainty band, event lines
    assert [t.get_text() for t in axes[0].texts] == [str(i) for i in range(1, 7)]
    key = [t.get_text() for t in key_ax.get_legend().get_texts()]
    assert key[1] == "2  Mar 2014: Annexation of Crimea"
    assert not any("outside the window" in k for k in key)
    add_source(fig, "Judicial Department, forms 10-a and 10.3; illustrative data")
    save(fig, "timeseries_panels")


def test_timeseries_event_categories_and_span():
    events = EVENTS.assign(category=["protest", "war", "election", "repression", "war",
                                     "elite", "other"])
    fig = timeseries_panels(counts_frame(), indicator_panel(), group="category",
                            events=events, event_categories=["war"])
    key = [t.get_text() for t in fig.get_axes()[3].get_legend().get_texts()]
    assert len(key) == 2 and key[0].startswith("1  Mar 2014")
    long = indicator_panel().assign(period=lambda d: d["period"] - 30)  # 1979-1993
    fig = timeseries_panels(counts_frame(), long)
    assert all(len(line.get_xdata()) == 0 for line in fig.get_axes()[1].get_lines())
    fig = timeseries_panels(counts_frame(), long, span="all")
    assert len(fig.get_axes()[1].get_lines()[0].get_xdata()) == len(YEARS)
    with pytest.raises(ValueError, match="span"):
        timeseries_panels(counts_frame(), span="everything")


def test_timeseries_panels_into_given_axes_and_errors():
    s = pd.Series(np.arange(5.0), index=range(2015, 2020), name="persons")
    x = pd.Series(np.arange(5.0) ** 2, index=range(2015, 2020), name="GDP growth (%)")
    fig, axes = plt.subplots(2, 1)
    assert timeseries_panels(s, x, axes=axes) is fig
    assert axes[1].get_ylabel() == "GDP growth (%)"
    with pytest.raises(ValueError, match="axes must hold 2"):
        timeseries_panels(s, x, axes=[axes[0]])
    with pytest.raises(ValueError, match="events needs"):
        timeseries_panels(s, x, events=pd.DataFrame({"when": [1]}))


def test_scatter_fit_band_matches_statsmodels_and_annotation():
    rng = np.random.default_rng(2)
    d = pd.DataFrame({"year": YEARS, "protest": rng.normal(50, 10, len(YEARS))})
    d["persons"] = 5 + 0.8 * d["protest"] + rng.normal(0, 5, len(d))
    ax = scatter_fit(d, "protest", "persons", label="year",
                     xlabel="Protest events (per year)",
                     ylabel="Persons convicted (per year)")
    text = [t.get_text() for t in ax.texts if t.get_text().startswith("n =")][0]
    from scipy import stats
    r = stats.pearsonr(d["protest"], d["persons"])
    ci = r.confidence_interval()
    assert f"n = {len(d)}" in text
    assert f"{r.statistic:.2f} [{ci.low:.2f}, {ci.high:.2f}]" in text
    import statsmodels.api as sm
    res = sm.OLS(d["persons"], sm.add_constant(d["protest"])).fit()
    grid = np.array([40.0, 50.0, 60.0])
    band = fit_band(d["protest"].to_numpy(), d["persons"].to_numpy(), grid)
    ref = res.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
    np.testing.assert_allclose(band["fit"], ref["mean"])
    np.testing.assert_allclose(band["low"], ref["mean_ci_lower"])
    np.testing.assert_allclose(band["high"], ref["mean_ci_upper"])
    robust = fit_band(d["protest"].to_numpy(), d["persons"].to_numpy(), grid, "robust")
    assert (robust["low"] < robust["fit"]).all() and (robust["fit"] < robust["high"]).all()
    add_source(ax.figure, "illustrative data")
    save(ax.figure, "scatter_fit")
    with pytest.raises(ValueError, match="at least 3"):
        scatter_fit(d.iloc[:2], "protest", "persons")


def bracket_rows():
    rng = np.random.default_rng(3)
    rows = []
    for y in YEARS:
        weights = np.array([1, 2, 3, 6, 9, 6, 3, 1], float)
        if y >= 2017:
            weights = weights * np.array([0.2, 0.3, 0.5, 1, 2, 3, 2, 0.5])
        counts = rng.multinomial(40 + 5 * (y - 2009), weights / weights.sum())
        rows += [dict(year=y, article="205.2", part="2", measure=m, value=c)
                 for m, c in zip(BOUNDS["measure"], counts)]
        rows.append(dict(year=y, article="205.2", part="2", measure="imprisonment",
                         value=int(counts.sum())))
    return pd.DataFrame(rows)


def test_bracket_bars_marks_minimum():
    minimum = pd.DataFrame({"year": YEARS, "min_months": np.where(YEARS >= 2017, 120.0,
                                                                  60.0)})
    ax = bracket_bars(bracket_rows(), minimum, bounds=BOUNDS,
                      title="Art. 205.2 part 2: prison terms by length")
    hatched = [p for p in ax.patches if p.get_hatch() == "///"]
    assert len(hatched) == len(YEARS)          # one minimum bracket per year
    notes = [t.get_text() for t in ax.texts]
    assert notes == ["min 5 y", "min 10 y"]    # printed where the minimum changes
    heights = np.array([p.get_height() for p in ax.patches if p.get_hatch() is None])
    assert heights.reshape(len(BOUNDS), len(YEARS)).sum(axis=0) == pytest.approx(100)
    add_source(ax.figure, "Judicial Department, form 10.3; illustrative data")
    save(ax.figure, "bracket_bars")
    with pytest.raises(ValueError, match="several values"):
        bracket_bars(pd.concat([bracket_rows(), bracket_rows().assign(part="1")]),
                     bounds=BOUNDS)


def test_range_chart_network_like():
    d = pd.DataFrame({
        "name": ["Defendant A", "Defendant B", "Defendant C", "Defendant D", "Defendant E",
                 "Defendant F", "Defendant G"],
        "sentence_months": [216, 192, 168, 156, 120, 72, np.nan],
        "life_sentence": [False] * 6 + [True],
        "min_months": [180, 180, 120, 120, 120, 60, 180.0],
        "max_months": [240, 240, 240, 240, 240, 120, 240.0],
        "eff_min_months": [180, 180, 120, 120, 2, 60, 180.0],
        "eff_max_months": [240, 240, 240, 240, 160, 120, 240.0],
        "life": [True, True, False, False, False, False, True],
    })
    ax = range_chart(d, title="Sentences against statutory ranges (illustrative)")
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Defendant G"  # life on top
    assert ax.get_xlabel() == "Years of imprisonment"
    assert any(t.get_text() == "life" for t in ax.texts)
    add_source(ax.figure, "illustrative data, not the real case")
    save(ax.figure, "range_chart")
    with pytest.raises(ValueError, match="lacks column"):
        range_chart(d.drop(columns="min_months"))


def test_category_heatmap():
    ax = category_heatmap(counts_frame(), title="Persons convicted by category")
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "extremism"  # largest first
    assert len(ax.texts) == 3 * len(YEARS)
    assert "main (most serious) article" in ax.figure.axes[-1].get_ylabel().replace("\n", " ")
    add_source(ax.figure, "Judicial Department, form 10-a; illustrative data")
    save(ax.figure, "category_heatmap")
    log_ax = category_heatmap(counts_frame(), log=True, annotate=False)
    assert not log_ax.texts
    with pytest.raises(ValueError, match="several rows"):
        category_heatmap(pd.concat([counts_frame(), counts_frame()]))


def test_category_heatmap_marks_a_date_inside_its_year_column():
    d = counts_frame()
    ax = category_heatmap(d, mark={"2022-02-24": "24 Feb 2022"})
    column = sorted(d["year"].unique()).index(2022)  # column i spans x = i to i + 1
    lines = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(lines) == 1
    assert lines[0].get_xdata()[0] == pytest.approx(column + 54 / 365)
    label = next(t for t in ax.texts if t.get_text() == "24 Feb 2022")
    assert label.xy == (pytest.approx(column + 54 / 365), 1)  # just above the map
    leap = category_heatmap(d, mark={"2020-12-31": "last day"})  # 2020 has 366 days
    x = next(line for line in leap.lines if line.get_linestyle() == "--").get_xdata()[0]
    assert sorted(d["year"].unique()).index(2020) + 1 - x == pytest.approx(1 / 366)
    with pytest.raises(ValueError, match="1990, which is not a column"):
        category_heatmap(d, mark={"1990-01-01": "x"})
    with pytest.raises(ValueError, match="year columns"):
        category_heatmap(d.assign(year=d["year"].astype(str) + "a"), mark={"2022-01-01": "x"})
    with pytest.raises(ValueError, match="'invasion' is not a date"):  # {label: date}
        category_heatmap(d, mark={"invasion": "2022-02-24"})
    plt.close("all")


def test_style_context_restores_and_add_source_checks():
    before = matplotlib.rcParams["axes.spines.top"]
    with use_style():
        assert matplotlib.rcParams["axes.spines.top"] is RC["axes.spines.top"]
    assert matplotlib.rcParams["axes.spines.top"] == before
    with pytest.raises(ValueError, match="unknown rcParams"):
        use_style(**{"no.such": 1})
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="empty"):
        add_source(fig, " ")
    assert add_source(fig, "x" * 300).get_text().count("\n") >= 2


def test_every_chart_accepts_ax():
    fig, axes = plt.subplots(2, 2, figsize=(10, 8))
    d = counts_frame()
    assert category_heatmap(d, ax=axes[0, 0]) is axes[0, 0]
    assert bracket_bars(bracket_rows(), 60, bounds=BOUNDS, ax=axes[0, 1]) is axes[0, 1]
    sc = d[d["category"] == "extremism"].assign(x=np.arange(len(YEARS), dtype=float))
    assert scatter_fit(sc, "x", "persons", ax=axes[1, 0]) is axes[1, 0]
    rc = pd.DataFrame({"name": ["a"], "sentence_months": [12.0], "min_months": [6.0],
                       "max_months": [24.0]})
    assert range_chart(rc, ax=axes[1, 1]) is axes[1, 1]


def test_add_title_wraps_to_the_figure_width_and_keeps_line_breaks():
    fig = plt.figure(figsize=(4, 3))
    words = "word " * 40
    title = add_title(fig, "First line\n\n" + words)
    lines = title.get_text().split("\n")
    assert lines[:2] == ["First line", ""] and len(lines) > 4
    assert " ".join(lines[2:]) == words.strip()
    fig.draw_without_rendering()
    assert fig.get_tightbbox().x1 <= 4
    assert add_title(plt.figure(figsize=(8, 3)), "Short").get_text() == "Short"
    with pytest.raises(ValueError, match="matplotlib Figure"):
        add_title(plt.gca(), "x")


@pytest.mark.parametrize("width_in", [3, 6, 12])
def test_add_source_fills_the_figure_width_and_never_passes_it(width_in):
    fig = plt.figure(figsize=(width_in, 3))
    words = ("Judicial Department at the Supreme Court of Russia, forms 10.3 and 10.3.1; "
             "sanctions from repstats.statutes. ") * 3
    caption = add_source(fig, words)
    lines = caption.get_text().split("\n")
    assert " ".join(lines) == "Source: " + words.strip()
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    room = width_in * fig.dpi * 0.98  # the caption starts at 1 % of the width
    assert caption.get_window_extent(renderer).x1 <= width_in * fig.dpi
    # every line but the last is full: its next word would not have fitted
    for line, nxt in zip(lines, lines[1:]):
        probe = fig.text(0, 0, line + " " + nxt.split()[0], fontsize=caption.get_fontsize())
        assert probe.get_window_extent(renderer).width > room / 1.03 * 0.97
        probe.remove()
    # a cap in characters still applies within the width
    capped = add_source(plt.figure(figsize=(width_in, 3)), words, width=40)
    assert max(map(len, capped.get_text().split("\n"))) <= 40
    with pytest.raises(ValueError, match="width must be at least 1"):
        add_source(plt.figure(), "x", width=0)

"""Claim (b) charts render, mark what they promise, and are saved for a look."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from repstats.plots import case_chart, claim_intervals, range_chart

OUT = Path(os.environ.get("REPSTATS_PLOT_DIR", "/tmp/plots"))


def _claims():
    rows = []
    for part in ("1", "2"):
        for year in range(2014, 2025):
            computed = 2015 <= year <= 2021
            n = 3.0 if year < 2020 else 19.0
            rows.append(dict(article="205.4", part=part, article_part=f"205.4 ч.{part}",
                             year=year, status="computed" if computed else "missing",
                             reason=None if computed else (
                                 "no court data for 2023 in the table" if year > 2021
                                 else "no court row"),
                             n_terms=n if computed else np.nan, small_n=n < 10 or not computed,
                             share_at_or_below_low=0.2 if computed else np.nan,
                             share_at_or_below_high=0.5 if computed else np.nan,
                             official_share=0.05 if computed else np.nan,
                             sanction_changed_in_window=year == 2016))
    return pd.DataFrame(rows)


def test_claim_intervals_small_multiples():
    fig = claim_intervals(_claims(), ncols=2, title="illustrative")
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == 2
    # greyed small-n bars and coloured others
    colours = {tuple(np.round(p.get_facecolor(), 2)) for p in axes[0].patches}
    assert len(colours) >= 2
    # every computed year (2015-2021) gets its interval, its official share and its n
    ax = axes[0]
    assert sorted(p.get_x() + p.get_width() / 2 for p in ax.patches) == \
        pytest.approx(range(2015, 2022))
    assert all(p.get_y() == pytest.approx(20) and p.get_height() == pytest.approx(30)
               for p in ax.patches)
    marks = {line.get_marker(): line for line in ax.lines}
    assert list(marks["x"].get_xdata()) == list(range(2015, 2022))
    assert list(marks["x"].get_ydata()) == pytest.approx([5.0] * 7)
    assert list(marks["v"].get_xdata()) == [2016]  # the sanction changed in its window
    n_labels = [t for t in ax.texts if t.get_gid() == "n_terms"]
    assert [t.get_text() for t in n_labels] == ["3"] * 5 + ["19"] * 2
    # the last year of the table (2024) is labelled; every year has a tick
    assert list(ax.get_xticks()) == [2015, 2018, 2021, 2024]
    assert sorted([*ax.get_xticks(), *ax.get_xticks(minor=True)]) == list(range(2014, 2025))
    # an interval narrower than half a point is a dot, in the colour of its n
    narrow = _claims().assign(share_at_or_below_high=lambda d: d["share_at_or_below_low"])
    ax = claim_intervals(narrow, ncols=2).axes[0]
    assert not ax.patches
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert sorted(x for line in dots for x in line.get_xdata()) == list(range(2015, 2022))
    assert len({line.get_color() for line in dots}) == 2  # few terms grey, others blue
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "claim_intervals.png")
    plt.close(fig)


def test_claim_intervals_n_labels_clear_of_the_marks_at_zero():
    """A share of 0 % puts a dot or an x on the zero line: the n label below it stays
    readable (no overlap with the mark) and inside the panel (above the x axis)."""
    zero = _claims().assign(share_at_or_below_low=0.0, share_at_or_below_high=0.0,
                            official_share=0.0)
    fig = claim_intervals(zero, ncols=2)
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    marks = [line for line in ax.lines if line.get_marker() in ("x", "o")]
    assert marks
    # a mark's lowest pixel: half its size and half its edge below its centre
    zero_px = ax.transData.transform((0, 0))[1]
    mark_bottom = min(zero_px - (line.get_markersize() + line.get_markeredgewidth()) / 2
                      * fig.dpi / 72 for line in marks)
    labels = [t for t in ax.texts if t.get_gid() == "n_terms"]
    assert len(labels) == 7
    for t in labels:
        box = t.get_window_extent(renderer)
        assert box.y1 < mark_bottom, (t.get_text(), box.y1, mark_bottom)
        assert box.y0 > ax.get_window_extent(renderer).y0  # above the axis line
    plt.close(fig)


def test_case_chart_marks_suspended_terms_hollow():
    persons = pd.DataFrame({
        "person_id": ["a", "b"], "verdict_date": pd.to_datetime(["2020-01-01"] * 2),
        "name_en": ["Real", "Suspended"], "term_months": [72, 48],
        "final_kind": ["custodial", "suspended"], "appeal_term_months": [63, 48],
        "floor_months_low": [60.0, 60.0], "ceiling_months": [120.0, 120.0],
        "effective_floor_months": [60.0, 30.0], "rule": ["single charge"] * 2,
        "position": ["within range", "below minimum"]})
    charges = pd.DataFrame({
        "person_id": ["a", "b"], "verdict_date": pd.to_datetime(["2020-01-01"] * 2),
        "article": ["205.4", "205.4"], "part_used": ["2", "2"],
        "min_months_low": [60.0, 60.0], "max_months_high": [120.0, 120.0],
        "range_status": ["established"] * 2, "convicted": [True, True]})
    ax = case_chart(persons, charges, title="illustrative")
    faces = [tuple(line.get_markerfacecolor()) if not isinstance(line.get_markerfacecolor(), str)
             else line.get_markerfacecolor() for line in ax.lines if line.get_marker() == "o"]
    assert "white" in faces and len(faces) == 2
    assert any(line.get_marker() == "D" for line in ax.lines)  # the appeal term differs
    ax.figure.savefig(OUT / "case_chart.png")
    plt.close(ax.figure)


def test_range_chart_suspended_hollow():
    d = pd.DataFrame({"name": ["a", "b"], "sentence_months": [36, 24],
                      "min_months": [2, 2], "max_months": [60, 60],
                      "sentence_kind": ["custodial", "suspended"]})
    ax = range_chart(d)
    faces = [c.get_facecolor() for c in ax.collections if len(c.get_offsets())]
    assert any(np.allclose(f[0][:3], 1.0) for f in faces if len(f))
    plt.close(ax.figure)


def test_claim_intervals_title_reaches_the_report_caption():
    from repstats.report import figure_caption
    fig = claim_intervals(_claims(), ncols=2, title="Terms at or below the minimum")
    caption = figure_caption(fig)
    assert caption.startswith("Terms at or below the minimum")
    assert caption.count("Terms at or below the minimum") == 1
    plt.close(fig)

"""Severity measures (repstats.statutes.severity)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from repstats.statutes import severity


def test_measures_worked_example():
    # 205.4 ч.2 after 2023: 10-15 years; sentences 9, 10, 12.5 and 15 years, one missing
    s = pd.Series([108, 120, 150, 180, None], index=list("abcde"))
    out = severity(s, 120, 180, tolerance_months=1)
    assert list(out.columns) == ["months_above_min", "ratio_to_min", "position_in_range",
                                 "at_minimum", "below_minimum", "above_maximum"]
    assert out.index.tolist() == list("abcde")
    assert out["months_above_min"].tolist()[:4] == [-12, 0, 30, 60]
    assert out["ratio_to_min"].tolist()[:4] == [0.9, 1.0, 1.25, 1.5]
    assert out["position_in_range"].tolist()[:4] == [-0.2, 0.0, 0.5, 1.0]
    assert out["at_minimum"].tolist()[:4] == [False, True, False, False]
    assert out["below_minimum"].tolist()[:4] == [True, False, False, False]
    assert out["above_maximum"].tolist()[:4] == [False, False, False, False]
    assert out.loc["e"].isna().all()


def test_tolerance():
    out = severity([121, 119, 118], 120, 180, tolerance_months=1)
    assert out["at_minimum"].tolist() == [True, True, False]
    assert out["below_minimum"].tolist() == [False, False, True]


def test_vector_ranges_and_degenerate_range():
    out = severity([24, 60], [24, 60], [60, 60])
    assert out["position_in_range"].isna().tolist() == [False, True]
    assert out.loc[0, "position_in_range"] == 0


def test_scalar_input():
    out = severity(72, 60, 84)
    assert len(out) == 1 and out.loc[0, "position_in_range"] == 0.5


@pytest.mark.parametrize("args, kwargs, message", [
    (([1, 2], [1, 2, 3], 10), {}, "min_months has 3 values"),
    (([10], 20, 10), {}, "above max_months"),
    (([10], 2, 20), {"tolerance_months": -1}, "tolerance_months"),
    ((["x"], 2, 20), {}, "numeric"),
    (([-1], 2, 20), {}, "negative"),
])
def test_misuse(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        severity(*args, **kwargs)


def test_input_not_mutated():
    s = pd.Series([12.0, 24.0])
    severity(s, 2, 36)
    assert s.tolist() == [12.0, 24.0]


@given(lo=st.integers(2, 200), width=st.integers(1, 200),
       share=st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_position_in_range_is_within_0_1_inside_the_range(lo, width, share):
    hi = lo + width
    sentences = [lo + x * width for x in share]
    out = severity(sentences, lo, hi)
    pos = out["position_in_range"].astype(float)
    assert ((pos >= -1e-12) & (pos <= 1 + 1e-12)).all()
    assert not out["below_minimum"].any() and not out["above_maximum"].any()
    assert np.all(out["ratio_to_min"].astype(float) >= 1 - 1e-12)

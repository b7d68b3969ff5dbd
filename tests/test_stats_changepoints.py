"""change_points(): detection compared with ruptures directly, support and means."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import ruptures as rpt

from repstats.stats import change_points
from repstats.stats.changepoints import COLUMNS, robust_sigma


def shifted(seed=0, n1=9, n2=8, jump=10.0, start=2008):
    rng = np.random.default_rng(seed)
    values = np.r_[rng.normal(10, 1, n1), rng.normal(10 + jump, 1, n2)]
    return pd.Series(values, index=range(start, start + n1 + n2))


def test_single_shift_found_with_full_support_and_segment_means():
    s = shifted()
    out = change_points(s)
    assert list(out.columns) == COLUMNS
    assert len(out) == 1
    row = out.iloc[0]
    assert row["date"] == "2017" and row["position"] == 9
    assert row["mean_before"] == pytest.approx(s.iloc[:9].mean())
    assert row["mean_after"] == pytest.approx(s.iloc[9:].mean())
    assert row["change"] == pytest.approx(row["mean_after"] - row["mean_before"])
    assert row["support"] == 1.0 and row["n_resamples"] == len(s)
    expected_pen = 2 * robust_sigma(s.to_numpy()) ** 2 * math.log(len(s))
    assert row["penalty"] == pytest.approx(expected_pen)


@pytest.mark.parametrize("method, algo", [("pelt", rpt.Pelt), ("binseg", rpt.Binseg)])
def test_same_breakpoints_as_ruptures(method, algo):
    rng = np.random.default_rng(4)
    values = np.r_[rng.normal(0, 1, 20), rng.normal(4, 1, 15), rng.normal(-2, 1, 25)]
    s = pd.Series(values, index=pd.period_range("2015-01", periods=60, freq="M"))
    out = change_points(s, method=method, penalty=12.0, support="bootstrap", n_boot=30)
    ref = algo(model="l2", min_size=2, jump=1).fit(values.reshape(-1, 1)).predict(pen=12.0)
    assert out["position"].tolist() == ref[:-1]
    assert out["date"].tolist() == [str(s.index[b]) for b in ref[:-1]]
    assert out["support"].between(0, 1).all()


def test_no_change_returns_empty_frame_with_columns():
    s = pd.Series(np.random.default_rng(1).normal(size=20), index=range(2000, 2020))
    out = change_points(s, penalty=1e6)
    assert out.empty and list(out.columns) == COLUMNS


def test_support_is_lower_for_a_fragile_change():
    # a "change" carried by one outlying period disappears when that period is left out
    values = np.r_[np.full(8, 10.0), [30.0], np.full(9, 10.0)]
    values = values + np.random.default_rng(2).normal(0, 0.5, len(values))
    s = pd.Series(values, index=range(2000, 2018))
    out = change_points(s, penalty=50.0, min_size=1, tolerance=0)
    assert out["date"].tolist() == ["2008", "2009"]
    assert out["support"].tolist() == pytest.approx([17 / 18, 17 / 18])


def test_bootstrap_support_reproducible_and_log_scale():
    s = shifted(jump=20.0).clip(lower=0)
    a = change_points(s, support="bootstrap", n_boot=50, seed=3, log=True)
    b = change_points(s, support="bootstrap", n_boot=50, seed=3, log=True)
    pd.testing.assert_frame_equal(a, b)
    assert a["mean_before"].iloc[0] == pytest.approx(s.iloc[:9].mean())  # original scale


def test_edges_trimmed_and_gaps_rejected():
    s = shifted()
    padded = pd.concat([pd.Series([np.nan], index=[2007]), s])
    assert change_points(padded)["date"].tolist() == ["2017"]
    with pytest.raises(ValueError, match="interior gaps"):
        change_points(s.drop(2012))
    with pytest.raises(ValueError, match="method"):
        change_points(s, method="window")
    with pytest.raises(ValueError, match="penalty"):
        change_points(s, penalty=-1)


def test_trending_series_is_flagged_but_a_real_step_is_not():
    years = pd.period_range("2009", periods=13, freq="Y")
    noise = np.random.default_rng(1).normal(0, 3, 13)
    trend = pd.Series(100 + 60.0 * np.arange(13) + noise, index=years)
    out = change_points(trend)
    assert len(out) and out["warning"].str.contains("straight trend").all()
    step = pd.Series(np.r_[[10.0] * 6, [50.0] * 7] + noise / 3, index=years)
    out = change_points(step)
    assert list(out["date"]) == ["2015"]
    assert (out["warning"] == "").all()

"""Multiplicity adjustment and robustness summaries of association tables (built in code)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from repstats.stats import associate
from repstats.stats.association_summary import adjust_pvalues, summarise_association


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["a", "a", "a", "b", "b", "b"],
        "transform": ["level"] * 6,
        "lag": [0, 1, 2, 0, 1, 2],
        "r": [0.8, 0.6, np.nan, -0.7, 0.1, 0.2],
        "ci_low": [0.3, -0.1, np.nan, -0.9, -0.5, np.nan],
        "ci_high": [0.95, 0.9, np.nan, -0.2, 0.6, np.nan],
        "p_perm": [0.001, 0.2, np.nan, 0.01, 0.8, 0.5],
        "n": [13, 12, 2, 13, 12, 11],
    })


def test_summary_counts_and_shares():
    s = summarise_association(table(), by="indicator").set_index("indicator")
    assert s.loc["a", "n_tests"] == 2 and s.loc["a", "n_not_computed"] == 1
    assert s.loc["a", "n_positive"] == 1 and s.loc["a", "n_negative"] == 0
    assert s.loc["a", "share_ci_excludes_zero"] == pytest.approx(0.5)
    # a missing interval does not count as excluding 0
    assert s.loc["b", "n_ci_excludes_zero"] == 1 and s.loc["b", "n_negative"] == 1
    assert s.loc["b", "share_ci_excludes_zero"] == pytest.approx(1 / 3)
    assert s.loc["b", "min_r"] == pytest.approx(-0.7)
    assert s.loc["a", "min_n"] == 12 and s.loc["b", "max_n"] == 13
    assert np.isnan(s.loc["a", "n_p_adjusted_below"])


def test_summary_whole_table_and_input_untouched():
    t = table()
    before = t.copy()
    s = summarise_association(t, by=[])
    assert len(s) == 1 and s["n_tests"].iloc[0] == 5
    pd.testing.assert_frame_equal(t, before)


def test_adjust_bh_matches_hand_computation():
    out = adjust_pvalues(table())
    p = np.array([0.001, 0.2, 0.01, 0.8, 0.5])
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    bh = np.minimum.accumulate(ranked[::-1])[::-1]
    expected = np.empty_like(bh)
    expected[order] = np.minimum(bh, 1)
    got = out["p_adjusted"].dropna().to_numpy()
    np.testing.assert_allclose(got, expected)
    assert np.isnan(out["p_adjusted"].iloc[2]) and (out["family_size"] == 5).all()


def test_adjust_by_family_and_bonferroni():
    out = adjust_pvalues(table(), method="bonferroni", by="indicator")
    a = out[out["indicator"] == "a"]
    assert a["family_size"].iloc[0] == 2
    assert a["p_adjusted"].iloc[0] == pytest.approx(0.002)
    s = summarise_association(out, by="indicator").set_index("indicator")
    assert s.loc["a", "n_p_adjusted_below"] == 1 and s.loc["b", "n_p_adjusted_below"] == 1


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="sidak"), "method must be"),
    (dict(p="nope"), "lacks column"),
])
def test_adjust_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        adjust_pvalues(table(), **kwargs)


def test_adjust_rejects_non_pvalues():
    with pytest.raises(ValueError, match="outside"):
        adjust_pvalues(table().assign(p_perm=2.0))


def test_summary_errors():
    with pytest.raises(ValueError, match="alpha"):
        summarise_association(table(), alpha=1.5)
    with pytest.raises(ValueError, match="lacks column"):
        summarise_association(table().drop(columns="ci_low"))


def test_on_real_associate_output():
    years = np.arange(2000, 2015)
    rng = np.random.default_rng(1)
    x = pd.Series(rng.normal(size=len(years)).cumsum(), index=years, name="x")
    y = pd.Series(np.round(50 + 5 * x + rng.normal(size=len(years))), index=years)
    res = associate(y, x, lags=[0, 1], n_boot=200, n_perm=200)
    s = summarise_association(adjust_pvalues(res))
    level = s[s["transform"] == "level"].iloc[0]
    assert level["n_tests"] == 4 and level["n_positive"] >= 1

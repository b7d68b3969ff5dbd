"""Case-level assessment, severity summaries and the Wilcoxon test against scipy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from stats_fakes import fake_attach, fake_effective, fake_severity

from repstats.stats import assess_sentences, summarise_severity, test_against_minimum
from repstats.stats.cases import ADDED_COLUMNS

RANGES = {("205.4", "1"): (180.0, 240.0, True), ("205.4", "2"): (120.0, 240.0, False),
          ("222", "1"): (2.0, 48.0, False)}
KW = dict(attach=fake_attach(RANGES), effective=fake_effective, severity=fake_severity)


def cases():
    return pd.DataFrame({
        "name": list("ABCDEFGH"),
        "sentence_months": [216, 192, 108, np.nan, 168, np.nan, 72, 120],
        "life_sentence": [False, False, False, False, False, True, False, False],
        "date": pd.to_datetime(["2017-10-01"] * 8),
        "governing_article": [None, None, "205.4", None, None, None, None, None],
        "governing_part": [None, None, "2", None, None, None, None, None],
        "special_procedure": [False, False, False, False, False, False, False, True],
    }, index=[10, 11, 12, 13, 14, 15, 16, 17])


def charges():
    return pd.DataFrame({
        "row": [10, 11, 12, 12, 13, 14, 14, 15, 16, 17],
        "code": ["УК"] * 8 + ["КоАП", "УК"],
        "article": ["205.4", "205.4", "205.4", "222", "205.4", "205.4", "222", "205.4",
                    "20.2", "205.4"],
        "part": ["1", "1", "2", "1", "2", "1", "1", "1", "8", "2"],
        "attempt": False, "preparation": False,
    })


def test_assess_identifies_combined_and_governing_sentences():
    c, ch = cases(), charges()
    before = c.copy()
    out = assess_sentences(c, ch, **KW)
    pd.testing.assert_frame_equal(c, before)
    assert all(col in out.columns for col in ADDED_COLUMNS)
    by = out.set_index("name")
    assert by.loc["A", "comparison"] == "single charge" and by.loc["A", "compared"]
    assert by.loc["A", "min_months"] == 180 and by.loc["A", "months_above_min"] == 36
    assert by.loc["A", "position_in_range"] == pytest.approx(0.6)
    # combined with a governing charge: compared against 205.4 part 2
    assert by.loc["C", "combined"] and by.loc["C", "n_charges"] == 2
    assert by.loc["C", "compared_article"] == "205.4" and by.loc["C", "compared_part"] == "2"
    assert by.loc["C", "comparison"].startswith("governing charge")
    assert bool(by.loc["C", "below_minimum"])
    # combined without governing charge: never compared with a single minimum
    assert by.loc["E", "combined"] and not by.loc["E", "compared"]
    assert by.loc["E", "comparison"].startswith("not compared: combined")
    assert pd.isna(by.loc["E", "min_months"]) and pd.isna(by.loc["E", "months_above_min"])
    assert by.loc["D", "comparison"] == "not compared: no custodial term"
    assert by.loc["F", "comparison"].startswith("life sentence") and not by.loc["F", "compared"]
    assert by.loc["G", "comparison"] == "not compared: no criminal-code charge"
    # art. 62 caps 240 at 160 >= 120: the minimum still binds
    assert by.loc["H", "eff_max_months"] == pytest.approx(160)
    assert not by.loc["H", "below_minimum_allowed"]
    assert by.loc["H", "effective_rules"] == "art. 62"
    assert bool(by.loc["H", "at_minimum"])


def test_already_attached_ranges_and_single_charge_columns():
    c = pd.DataFrame({"article": ["205.2", "205.2", "280"], "part": ["2", "2", "1"],
                      "n_charges": [1, 1, 3], "sentence_months": [60, 72, 24],
                      "min_months": [60.0, 60.0, 2.0], "max_months": [84.0, 84.0, 48.0],
                      "life": [False] * 3, "range_status": ["established"] * 3})
    out = assess_sentences(c, effective=fake_effective, severity=fake_severity)
    assert out["compared"].tolist() == [True, True, False]
    assert out["months_above_min"].tolist()[:2] == [0, 12]
    assert out["at_minimum"].tolist()[:2] == [True, False]


def test_assess_misuse():
    with pytest.raises(ValueError, match="sentence_months"):
        assess_sentences(pd.DataFrame({"x": [1]}), **KW)
    with pytest.raises(ValueError, match="rows not in cases"):
        assess_sentences(cases(), charges().assign(row=99), **KW)
    with pytest.raises(ValueError, match="article"):
        assess_sentences(cases(), None, **KW)


def test_wilcoxon_matches_scipy_exact():
    d = np.array([12.0, 36.0, -6.0, 24.0, 0.0, 48.0, 3.0, -1.0, 60.0])
    frame = pd.DataFrame({"sentence_months": 120 + d, "min_months": 120.0,
                          "compared": True})
    out = test_against_minimum(frame).iloc[0]
    nz = d[d != 0]
    ref = stats.wilcoxon(nz, method="exact")
    assert out["method"] == "exact"
    assert out["statistic"] == ref.statistic and out["p"] == pytest.approx(ref.pvalue)
    assert out["n"] == 8 and out["n_zero"] == 1
    ranks = stats.rankdata(np.abs(nz))
    w_plus, w_minus = ranks[nz > 0].sum(), ranks[nz < 0].sum()
    assert out["effect_size"] == pytest.approx((w_plus - w_minus) / (w_plus + w_minus))
    assert out["median_difference"] == np.median(d)
    greater = test_against_minimum(frame, alternative="greater").iloc[0]
    assert greater["p"] == pytest.approx(stats.wilcoxon(nz, method="exact",
                                                        alternative="greater").pvalue)


def test_wilcoxon_life_and_ties_and_groups():
    frame = pd.DataFrame({
        "case": ["x"] * 7 + ["y"] * 3,
        "sentence_months": [130, 130, 110, 150, np.nan, 140, 125, 10, 20, 30],
        "life_sentence": [False] * 4 + [True] + [False] * 5,
        "min_months": 120.0, "compared": [True] * 4 + [False] + [True] * 5,
        "range_status": "established"})
    out = test_against_minimum(frame, by="case").set_index("case")
    # x: diffs 10, 10, -10, 30, 20, 5 and a life sentence ranked above all
    diffs = np.array([10, 10, -10, 30, 20, 5, 31.0])
    ref = stats.wilcoxon(diffs, method="approx")
    assert out.loc["x", "n_life"] == 1 and out.loc["x", "method"] == "approx"
    assert out.loc["x", "p"] == pytest.approx(ref.pvalue)
    assert "tied" in out.loc["x", "warning"]
    assert out.loc["y", "effect_size"] == -1.0
    no_life = test_against_minimum(frame, by="case", include_life=False).set_index("case")
    assert no_life.loc["x", "n_life"] == 0 and no_life.loc["x", "n"] == 6


def test_summarise_matches_scipy_bootstrap_and_wilson():
    out = assess_sentences(cases(), charges(), **KW)
    summ = summarise_severity(out, measures=["months_above_min", "below_minimum"],
                              n_boot=999, seed=4)
    compared = out[out["compared"]]
    values = compared["months_above_min"].to_numpy(float)
    mean = summ[(summ["measure"] == "months_above_min") & (summ["statistic"] == "mean")]
    assert mean["estimate"].iloc[0] == pytest.approx(values.mean())
    assert mean["n"].iloc[0] == len(values) == 4
    ref = stats.bootstrap((values,), np.mean, n_resamples=999, method="BCa",
                          rng=np.random.default_rng(4))
    assert mean["ci_low"].iloc[0] == pytest.approx(ref.confidence_interval.low)
    assert mean["ci_high"].iloc[0] == pytest.approx(ref.confidence_interval.high)
    prop = summ[summ["measure"] == "below_minimum"].iloc[0]
    k = int(compared["below_minimum"].sum())
    low, high = proportion_confint(k, 4, method="wilson")
    assert prop["estimate"] == k / 4
    assert (prop["ci_low"], prop["ci_high"]) == pytest.approx((low, high))


def test_summarise_by_group_and_small_groups():
    frame = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 2,
                          "ratio_to_min": [1.0, 1.2, 1.1, 1.5, 1.3, 1.0, 2.0]})
    out = summarise_severity(frame, by="g", measures=["ratio_to_min"], n_boot=500)
    a = out[(out["g"] == "a") & (out["statistic"] == "median")].iloc[0]
    assert a["estimate"] == 1.2 and a["ci_low"] <= 1.2 <= a["ci_high"]
    b = out[out["g"] == "b"].iloc[0]
    assert np.isnan(b["ci_low"]) and "not computed" in b["ci_method"]

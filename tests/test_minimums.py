"""Tests of repstats.stats.minimums (summaries around sentences versus minimums)."""
from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from repstats.stats.minimums import (POOLED_COLUMNS, assess_notable, bracket_plot_inputs,
                                     candidate_ranges, compare_assessments,
                                     pool_bracket_shares, range_status_grid)


def _shares():
    """Three years of one article-part (minimum 60 then 120) and one unknown year."""
    return pd.DataFrame({
        "year": [2015, 2016, 2017, 2018],
        "article": ["205.5"] * 4, "part": ["2"] * 4, "redaction": [None] * 4,
        "min_months": [60.0, 60.0, 120.0, np.nan],
        "range_status": ["established", "established", "established", "unknown: not seen"],
        "n_terms": [10.0, 0.0, 20.0, 5.0],
        "share_below_low": [0.1, np.nan, 0.5, np.nan],
        "share_below_high": [0.4, np.nan, 0.75, np.nan],
        "share_at_or_below_low": [0.4, np.nan, 0.5, np.nan],
        "share_at_or_below_high": [0.4, np.nan, 0.75, np.nan],
        "share_above_low": [0.6, np.nan, 0.25, np.nan],
        "share_above_high": [0.6, np.nan, 0.5, np.nan],
        "share_below_effective_low": [0.0, np.nan, np.nan, np.nan],
        "share_below_effective_high": [0.1, np.nan, np.nan, np.nan],
        "official_below_minimum": [2.0, 0.0, 3.0, 1.0],
        "official_vs_bounds": ["within bounds", "within bounds", "below lower bound", None],
        "sanction_changed_in_window": [False, True, True, pd.NA],
        "bracket_form": ["10.3.1"] * 4,
    })


def test_pool_sums_counts_over_established_rows_with_terms():
    out = pool_bracket_shares(_shares())
    assert list(out.columns) == ["article", "part"] + POOLED_COLUMNS
    r = out.iloc[0]
    assert r["n_rows"] == 4 and r["n_rows_established"] == 2  # 2016 has no terms
    assert (r["first_year"], r["last_year"]) == (2015, 2017)
    assert r["n_terms_all"] == 35 and r["n_terms"] == 30
    assert r["share_terms_established"] == pytest.approx(30 / 35)
    # counts: below low 1 + 10, high 4 + 15 -> over 30 terms
    assert r["share_below_low"] == pytest.approx(11 / 30)
    assert r["share_below_high"] == pytest.approx(19 / 30)
    assert r["share_above_high"] == pytest.approx(16 / 30)
    # effective bounds only where computed (2015: 10 terms)
    assert r["share_below_effective_high"] == pytest.approx(0.1)
    assert r["official_below_minimum"] == 5 and r["official_share"] == pytest.approx(5 / 30)
    assert r["rows_official_below_lower_bound"] == 1
    assert r["rows_sanction_changed"] == 1


def test_pool_overall_and_no_established_rows():
    s = _shares()
    assert len(pool_bracket_shares(s, by=None)) == 1
    none = pool_bracket_shares(s.assign(range_status="unknown: x"))
    assert none["n_terms"].iloc[0] == 0 and np.isnan(none["share_below_low"].iloc[0])
    assert none["first_year"].isna().all()
    with pytest.raises(ValueError, match="n_terms"):
        pool_bracket_shares(s.drop(columns="n_terms"))


def test_pool_does_not_mutate_input():
    s = _shares()
    before = s.copy()
    pool_bracket_shares(s)
    pd.testing.assert_frame_equal(s, before)


def test_range_status_grid_codes_and_missing_years():
    s = pd.concat([_shares(), _shares().iloc[:1].assign(
        year=2014, part="1", range_status="unmatched: did not exist")])
    grid = range_status_grid(s)
    assert list(grid.index) == ["205.5 ч.1", "205.5 ч.2"]
    assert grid.loc["205.5 ч.2", 2018] == "U" and grid.loc["205.5 ч.2", 2015] == "E"
    assert grid.loc["205.5 ч.1", 2014] == "X" and grid.loc["205.5 ч.1", 2015] == "."
    assert grid.loc["205.5 ч.2", "n_terms"] == 35


def test_bracket_plot_inputs_uses_the_bracket_form_and_flags_disagreeing_minimums():
    cs = pd.DataFrame({
        "year": [2017, 2017, 2017, 2018, 2018],
        "form": ["10.3.1", "10.3", "10.3.1", "10.3.1", "10.3.1"],
        "article": ["205.5"] * 5, "part": ["2"] * 5,
        "row_type": ["article"] * 5,
        "measure": ["imprisonment_5_8y", "imprisonment_5_8y", "imprisonment_8_10y",
                    "imprisonment_5_8y", "imprisonment_5_8y"],
        "value": [3, 99, 4, 1, 2]})
    shares = pd.DataFrame({"year": [2017, 2018, 2018], "article": ["205.5"] * 3,
                           "part": ["2"] * 3, "bracket_form": ["10.3.1"] * 3,
                           "min_months_low": [120.0, 60.0, 120.0],
                           "min_months_high": [120.0, 60.0, 120.0],
                           "range_status": ["established"] * 3})
    data, minimum = bracket_plot_inputs(cs, shares, "205.5", "2")
    got = data.set_index(["year", "measure"])["value"]
    assert got[(2017, "imprisonment_5_8y")] == 3  # the 10.3 row is not added
    assert got[(2018, "imprisonment_5_8y")] == 3  # redactions summed
    m = minimum.set_index("year")
    assert m.loc[2017, "min_months"] == 120 and np.isnan(m.loc[2018, "min_months"])
    # redactions with different minimums: the minimum is bounded, not known
    assert (m.loc[2018, "min_months_low"], m.loc[2018, "min_months_high"]) == (60, 120)
    with pytest.raises(ValueError, match="no rows"):
        bracket_plot_inputs(cs, shares, "205.5", "1")


def _notable():
    return pd.DataFrame({
        "charges": ["205.4(2)", "212(2); 318(1)", "205.4", "205.2(2)"],
        "governing_charge": [None, "212(2)", "205.4", None],
        "combined_sentence": pd.array([False, True, True, False], dtype="boolean"),
        "sentence_kind": ["custodial", "custodial", "custodial", "fine"],
        "months": pd.array([84, 48, 192, None], dtype="Int64"),
        "verdict_date": pd.to_datetime(["2020-06-22", "2014-02-24", "2020-02-10",
                                        "2020-07-06"]),
    })


def test_assess_notable_compares_single_and_governing_charges_only():
    out = assess_notable(_notable())
    assert list(out["compared"]) == [True, True, False, False]
    assert out.loc[0, "min_months"] == 60 and out.loc[0, "months_above_min"] == 24
    assert out.loc[1, "compared_article"] == "212"
    assert out.loc[2, "comparison"].startswith("not compared")
    assert np.isnan(out.loc[3, "sentence_months"])  # a fine has no term


def test_assess_notable_date_shift_and_errors():
    out = assess_notable(_notable(), date_shift_years=1)
    assert out.loc[0, "date"] == pd.Timestamp("2019-06-22")
    with pytest.raises(ValueError, match="date_shift_years"):
        assess_notable(_notable(), date_shift_years=-1)
    with pytest.raises(ValueError, match="governing_charge"):
        assess_notable(_notable().drop(columns="governing_charge"))


def _fake_lookup(article, part, on):
    mins = {"1": 180, "2": 60}
    return SimpleNamespace(status="established", min_months=mins[part],
                           max_months=240 if part == "1" else 120, life=part == "1")


def test_candidate_ranges_lists_parts_in_force():
    table = pd.DataFrame({"article": ["205.4", "205.4", "205.4"], "part": ["1", "2", "3"],
                          "valid_from": pd.to_datetime(["2013-11-14", "2013-11-14",
                                                        "2030-01-01"]),
                          "valid_to": pd.to_datetime([None, None, None])})
    assessed = pd.DataFrame({"compared_article": ["205.4", "205.4"],
                             "compared_part": [None, "2"],
                             "range_status": ["unmatched: pass part=", "established"],
                             "min_months": [np.nan, 60.0],
                             "date": pd.to_datetime(["2020-02-10", "2020-02-10"]),
                             "sentence_months": [192.0, 66.0], "combined": [True, True]},
                            index=["a", "b"])
    out = candidate_ranges(assessed, table=table, lookup=_fake_lookup)
    assert list(out["part"]) == ["1", "2"] and set(out["row"]) == {"a"}
    assert list(out["position"]) == ["within range", "above maximum"]
    assert out["on"].iloc[0] == dt.date(2020, 2, 10)
    assert out["combined"].all()


def test_compare_assessments_classifies_changes():
    base = pd.DataFrame({"min_months": [60.0, 120.0, 60.0, np.nan],
                         "max_months": [120.0, 240.0, 120.0, np.nan],
                         "range_status": ["established"] * 3 + ["unknown"],
                         "below_minimum": pd.array([False, True, False, pd.NA],
                                                   dtype="boolean"),
                         "compared": [True, True, True, False]})
    alt = base.assign(min_months=[60.0, 60.0, np.nan, np.nan],
                      max_months=[120.0, 120.0, np.nan, np.nan],
                      below_minimum=pd.array([False, False, pd.NA, pd.NA], dtype="boolean"),
                      compared=[True, True, False, False])
    out = compare_assessments(base, alt)
    assert list(out["change"]) == ["same range", "different range",
                                   "range only at base date", "no range at either date"]
    assert out.loc[1, "below_base"] and not out.loc[1, "below_alt"]
    with pytest.raises(ValueError, match="same index"):
        compare_assessments(base, alt.iloc[:2])


def _claim_shares():
    base = dict(redaction=None, range_status="established", min_bracket="imprisonment_10_15y",
                share_below_low=0.0, share_below_high=0.2, sanction_changed_in_window=False,
                change_dates=None)
    return pd.DataFrame([
        base | dict(year=2020, article="205.4", part="1", n_terms=5.0, min_months_low=180.0,
                    min_months_high=180.0, share_at_or_below_low=0.4,
                    share_at_or_below_high=0.4, official_below_minimum=0.0),
        base | dict(year=2021, article="205.4", part="1", n_terms=19.0, min_months_low=180.0,
                    min_months_high=180.0, share_at_or_below_low=0.26,
                    share_at_or_below_high=0.26, official_below_minimum=1.0),
        base | dict(year=2019, article="318", part="1", n_terms=50.0, min_months_low=2.0,
                    min_months_high=2.0, share_at_or_below_low=0.0,
                    share_at_or_below_high=0.1, official_below_minimum=0.0),
    ])


def test_claim_table_always_shows_the_claim_parts_with_reasons():
    from repstats.stats.minimums import CLAIM_COLUMNS, claim_table
    table = pd.DataFrame({
        "article": ["205.4", "205.4", "207.3"], "part": ["1", "2", "2"],
        "valid_from": pd.to_datetime(["2013-11-14", "2013-11-14", "2022-03-04"])})
    out = claim_table(_claim_shares(), parts=[("205.4", "1"), ("207.3", "2"), ("282.4", None)],
                      years=range(2019, 2024), table=table)
    assert list(out.columns) == CLAIM_COLUMNS
    assert len(out) == 3 * 5  # every part x every year, with or without data
    r = out.set_index(["article_part", "year"])
    assert r.loc[("205.4 ч.1", 2021), "status"] == "computed"
    assert not r.loc[("205.4 ч.1", 2021), "small_n"] and r.loc[("205.4 ч.1", 2020), "small_n"]
    assert r.loc[("205.4 ч.1", 2021), "official_share"] == pytest.approx(1 / 19)
    assert r.loc[("205.4 ч.1", 2019), "reason"].startswith("no court row")
    assert r.loc[("205.4 ч.1", 2022), "reason"] == "no court data for 2022 in the table"
    assert r.loc[("207.3 ч.2", 2020), "reason"].startswith("did not exist in 2020")
    assert r.loc[("282.4", 2021), "reason"].startswith("not in the package sanctions table")
    # an article-part's shares are never pooled with another's
    assert "318" not in set(out["article"])


def test_claim_table_combined_rows_general_minimum_and_redactions():
    from repstats.stats.minimums import claim_table
    table = pd.DataFrame({
        "article": ["282.4", "280.3", "284.1", "284.1"], "part": ["1", "1", "—", "1"],
        "valid_from": pd.to_datetime(["2022-07-25", "2022-03-04", "2015-06-06",
                                      "2021-07-12"])})
    base = dict(range_status="established", min_bracket="imprisonment_upto_1y",
                share_below_low=0.0, share_below_high=0.0, share_at_or_below_low=0.0,
                share_at_or_below_high=0.3, sanction_changed_in_window=False,
                change_dates=None, official_below_minimum=0.0, min_months_low=2.0,
                min_months_high=2.0, combined_row=None, redaction=None)
    shares = pd.DataFrame([
        base | dict(year=2022, article="282.4", part="1", n_terms=math.nan,
                    combined_row="280.4 ч.1; 282.4 ч.1", range_status="unmatched: x",
                    min_months_low=math.nan, min_months_high=math.nan,
                    share_at_or_below_low=math.nan, share_at_or_below_high=math.nan),
        base | dict(year=2023, article="280.3", part="1", n_terms=10.0),
        # one article-part-year in two redactions: the row including the old version
        # is used, the old redaction alone is not
        base | dict(year=2023, article="284.1", part="1", n_terms=4.0,
                    redaction="включая ст. 284.1 УК РФ до редакции № 292-ФЗ"),
        base | dict(year=2023, article="284.1", part="1", n_terms=9.0,
                    redaction="в старой редакции до ФЗ от 01.07.2021 № 292-ФЗ"),
        # the same article reported without parts in an earlier year
        base | dict(year=2019, article="284.1", part=None, n_terms=3.0,
                    min_months_low=24.0, min_months_high=24.0),
        base | dict(year=2018, article="318", part="1", n_terms=5.0),
    ])
    out = claim_table(shares, parts=[("282.4", None), ("280.3", "1"), ("284.1", None),
                                     ("284.1", None)],
                      years=range(2019, 2024), table=table)
    r = out.set_index(["article_part", "year"])
    assert not out.duplicated(["article_part", "year"]).any()
    assert set(out["article_part"]) == {"282.4 ч.1", "280.3 ч.1", "284.1", "284.1 ч.1"}
    combined = r.loc[("282.4 ч.1", 2022)]
    assert combined["status"] == "missing" and combined["combined_row"] == "280.4 ч.1; 282.4 ч.1"
    assert combined["reason"].startswith("counted only in a combined court row")
    # "up to N years": only art. 56's two-month floor, flagged
    assert bool(r.loc[("280.3 ч.1", 2023), "general_minimum"])
    assert not bool(r.loc[("284.1", 2019), "general_minimum"])
    assert r.loc[("284.1 ч.1", 2023), "n_terms"] == 4


def test_bracket_plot_inputs_article_without_parts_and_combined_rows():
    # 275 has no parts; a combined row naming it is never read as its row
    cs = pd.DataFrame({
        "year": [2023, 2023, 2023], "form": ["10.3.1"] * 3, "article": ["275"] * 3,
        "part": [None, None, "1"], "row_type": ["article"] * 3,
        "measure": ["imprisonment_10_15y"] * 3, "value": [16, 5, 7],
        "lumped_parts": [None, "275; 275.1", None]})
    shares = pd.DataFrame({"year": [2023, 2023], "article": ["275"] * 2, "part": [None, "1"],
                           "bracket_form": ["10.3.1"] * 2, "min_months_low": [144.0, 60.0],
                           "min_months_high": [144.0, 60.0],
                           "range_status": ["established"] * 2})
    data, minimum = bracket_plot_inputs(cs, shares, "275", None)
    assert data["value"].tolist() == [16]
    assert minimum["min_months"].tolist() == [144.0]

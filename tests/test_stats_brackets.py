"""Bracket interval reasoning on hand-built brackets; bracket_shares with a hand-built
sanctions table, bounded over the versions in force in a window before the verdict year."""
from __future__ import annotations

import datetime as dt
import math
import sys

import numpy as np
import pandas as pd
import pytest
from stats_fakes import BOUNDS, fake_effective, fake_sanctions_table

from repstats.stats import bracket_interval, bracket_shares, sanctions_in_force
from repstats.stats.brackets import COLUMNS, window_bounds



def brackets(counts):
    return BOUNDS.assign(count=counts)


def test_minimum_on_upper_edge_brief_example():
    # min 60 months; 3-5y is (36, 60]: entirely at or below the minimum; 5-8y (60, 96]
    # is entirely above it
    b = BOUNDS.iloc[3:5].assign(count=[4, 6])
    res = bracket_interval(b, 60)
    assert res["min_bracket"] == "imprisonment_3_5y"
    assert (res["n_below_certain"], res["n_min_bracket"], res["n_above_certain"]) == (0, 4, 6)
    assert res["share_at_or_below_low"] == res["share_at_or_below_high"] == 0.4
    assert (res["share_below_low"], res["share_below_high"]) == (0.0, 0.4)
    assert res["share_above_low"] == res["share_above_high"] == 0.6
    assert res["share_min_bracket"] == 0.4


def test_minimum_inside_a_bracket_straddles():
    res = bracket_interval(brackets([1, 2, 3, 4, 5, 6, 0, 0]), 48)
    n = 21
    assert res["min_bracket"] == "imprisonment_3_5y"
    assert res["share_below_low"] == pytest.approx(6 / n)
    assert res["share_below_high"] == pytest.approx(10 / n)
    assert res["share_at_or_below_low"] == pytest.approx(6 / n)
    assert res["share_above_low"] == pytest.approx(11 / n)
    assert res["share_above_high"] == pytest.approx(15 / n)


def test_minimum_on_a_lower_edge_is_in_the_bracket_below():
    # 36 months belongs to (24, 36]; (36, 60] holds only terms > 36: certainly above
    res = bracket_interval(brackets([1, 2, 3, 4, 0, 0, 0, 0]), 36)
    assert res["min_bracket"] == "imprisonment_2_3y"
    assert res["n_below_certain"] == 3 and res["n_above_certain"] == 4
    assert res["share_at_or_below_low"] == pytest.approx(6 / 10)


def test_two_month_minimum_lies_in_first_bracket():
    res = bracket_interval(brackets([5, 5, 0, 0, 0, 0, 0, 0]), 2)
    assert res["n_below_certain"] == 0 and res["n_min_bracket"] == 5
    assert res["share_above_low"] == 0.5 and res["share_above_high"] == 1.0


def test_bounds_always_ordered_and_consistent():
    rng = np.random.default_rng(0)
    for _ in range(50):
        counts = rng.integers(0, 20, size=8)
        m = rng.choice([2, 12, 30, 36, 60, 72, 96, 120, 180, 240])
        r = bracket_interval(brackets(counts), m)
        if r["n_terms"] == 0:
            continue
        assert r["share_below_low"] <= r["share_at_or_below_low"] <= r[
            "share_at_or_below_high"] == r["share_below_high"]
        assert r["share_above_low"] <= r["share_above_high"]
        # below, min bracket and above partition the terms
        assert (r["n_below_certain"] + r["n_min_bracket"] + r["n_above_certain"]
                == r["n_terms"])
        assert r["share_below_high"] + r["share_above_low"] == pytest.approx(1.0)


def test_open_top_bracket_overlap_and_missing_minimum():
    b = pd.DataFrame({"measure": ["a", "b"], "lower_months": [0, 240],
                      "upper_months": [240, np.nan], "count": [3, 1]})
    assert bracket_interval(b, 300)["min_bracket"] == "b"
    overlapping = pd.concat([BOUNDS.iloc[:3], pd.DataFrame({
        "measure": ["imprisonment_1_3y"], "lower_months": [12], "upper_months": [36]})])
    with pytest.raises(ValueError, match="overlap"):
        bracket_interval(overlapping.assign(count=1), 60)
    assert math.isnan(bracket_interval(brackets([1] * 8), np.nan)["share_below_low"])


# --------------------------------------------------------------------- bracket_shares
SANCTIONS = [
    ("205.2", "2", dt.date(2013, 11, 5), dt.date(2016, 7, 19), 60.0, 84.0),
    ("205.2", "2", dt.date(2016, 7, 20), None, 120.0, 180.0),
    ("280", "1", dt.date(2009, 1, 1), None, 2.0, 48.0),
]


def court(year, article, part, counts, below=None, redaction=None, imprisonment=None):
    rows = [dict(year=year, form="10.3", article=article, part=part, redaction=redaction,
                 row_type="article", measure=m, value=v)
            for m, v in zip(BOUNDS["measure"], counts)]
    if below is not None:
        rows.append(dict(rows[0], measure="below_minimum", value=below))
    rows.append(dict(rows[0], measure="imprisonment",
                     value=sum(counts) if imprisonment is None else imprisonment))
    return rows


def table():
    rows = (court(2015, "205.2", "2", [0, 1, 2, 4, 6, 0, 0, 0], below=2)
            + court(2017, "205.2", "2", [0, 0, 1, 2, 5, 6, 3, 0], below=12)
            + court(2017, "205.2", "2", [0, 1, 1, 2, 0, 0, 0, 0], below=1,
                    redaction="в старой редакции до ФЗ от 06.07.2016 № 375-ФЗ")
            + court(2017, "280", "1", [3, 1, 0, 0, 0, 0, 0, 0], imprisonment=5)
            + court(2017, "999", "1", [1, 0, 0, 0, 0, 0, 0, 0]))
    rows.append(dict(year=2017, form="10-a", article="205.2", part="2", redaction=None,
                     row_type="article", measure="convicted_main", value=40))
    return pd.DataFrame(rows)


def test_bracket_shares_end_to_end_with_fake_statutes():
    cs = table()
    before = cs.copy()
    out = bracket_shares(cs, bounds=BOUNDS, table=fake_sanctions_table(SANCTIONS),
                         effective=fake_effective)
    pd.testing.assert_frame_equal(cs, before)
    assert list(out.columns) == COLUMNS
    assert len(out) == 5
    # 2015: window 2012-2015 holds only the 2013 version (the article part was created
    # inside the window, which is no change of sanction)
    r15 = out[(out["article"] == "205.2") & (out["year"] == 2015)].iloc[0]
    assert r15["min_months"] == 60 and r15["range_status"] == "established"
    assert not r15["sanction_changed_in_window"] and r15["n_versions"] == 1
    assert r15["n_below_certain"] == 3 and r15["n_min_bracket"] == 4
    assert r15["official_vs_bounds"] == "below lower bound"
    # 2017, plain row: the window 2014-2017 holds the 60-84 and the 120-180 versions, so
    # the minimum is bounded in [60, 120] and the shares become wider intervals
    new = out[(out["year"] == 2017) & (out["article"] == "205.2")
              & out["redaction"].isna()].iloc[0]
    assert np.isnan(new["min_months"])
    assert (new["min_months_low"], new["min_months_high"]) == (60, 120)
    assert new["sanction_changed_in_window"] and new["change_dates"] == "2016-07-20"
    assert new["min_bracket"] == "imprisonment_3_5y / imprisonment_8_10y"
    # counts [0, 0, 1, 2, 5, 6, 3, 0]: certainly below 60 -> 1 term (2-3y); possibly
    # below 120 -> 14 terms; certainly at or below 60 -> 3 (the 3-5y bracket ends at 60)
    assert new["share_below_low"] == pytest.approx(1 / 17)
    assert new["share_below_high"] == pytest.approx(14 / 17)
    assert new["share_at_or_below_low"] == pytest.approx(3 / 17)
    assert new["official_vs_bounds"] == "within bounds"
    # old-redaction row: the window ends the day before the amending law -> old sanction
    old = out[out["redaction"].notna()].iloc[0]
    assert old["min_months"] == 60 and old["window_end"] == pd.Timestamp("2016-07-05")
    # art. 62: cap 2/3 * 84 = 56 < 60, so the minimum stops binding; attempt: 3/4 * 84 =
    # 63 >= 60 still binds; preparation: 42 < 60
    assert r15["below_min_allowed_by"] == "special_procedure, cooperation, preparation"
    assert r15["effective_min_months"] == 2
    # unknown article: no bounds, status and warning say so
    unknown = out[out["article"] == "999"].iloc[0]
    assert unknown["range_status"].startswith("unmatched")
    assert math.isnan(unknown["share_below_low"])
    assert "not established" in unknown["warning"]
    mismatch = out[out["article"] == "280"].iloc[0]
    assert "differs from imprisonment" in mismatch["warning"]


def test_window_widens_exactly_where_the_sanction_changed():
    """A year where the sanction changed mid-year: 205.2 ч.2 rose on 20.07.2016."""
    cs = pd.DataFrame(court(2016, "205.2", "2", [0, 0, 1, 2, 5, 6, 3, 0])
                      + court(2021, "205.2", "2", [0, 0, 1, 2, 5, 6, 3, 0]))
    t = fake_sanctions_table(SANCTIONS)
    wide = bracket_shares(cs, bounds=BOUNDS, table=t, scenarios=()).set_index("year")
    assert (wide.loc[2016, "min_months_low"], wide.loc[2016, "min_months_high"]) == (60, 120)
    assert wide.loc[2016, "share_below_high"] - wide.loc[2016, "share_below_low"] > 0.5
    # five years later the window holds only the new version: a point minimum
    assert wide.loc[2021, "min_months"] == 120 and not wide.loc[2021, "sanction_changed_in_window"]
    # window 0 reads only the verdict year: 2016 still spans both versions (mid-year)
    zero = bracket_shares(cs, bounds=BOUNDS, table=t, scenarios=(), window_years=0)
    assert zero.set_index("year").loc[2016, "min_months_low"] == 60
    with pytest.raises(ValueError, match="window_years"):
        window_bounds(2016, -1)


def test_window_bounds_rules():
    assert window_bounds(2017) == (dt.date(2014, 1, 1), dt.date(2017, 12, 31))
    assert window_bounds(2017, 0) == (dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    assert window_bounds(2017, 3, "в старой редакции до ФЗ от 06.07.2016 № 375-ФЗ") == (
        dt.date(2014, 1, 1), dt.date(2016, 7, 5))


def test_sanctions_in_force_bounds_over_versions():
    keys = pd.DataFrame({"year": [2016, 2013], "article": ["205.2", "280"],
                         "part": ["2", "1"]})
    got = sanctions_in_force(keys, table=fake_sanctions_table(SANCTIONS))
    assert list(got["min_months_low"]) == [60, 2] and list(got["min_months_high"]) == [120, 2]
    assert list(got["sanction_changed_in_window"]) == [True, False]


def test_ranges_given_directly_and_effective_unavailable(monkeypatch):
    cs = pd.DataFrame(court(2017, "280", "1", [3, 1, 0, 0, 0, 0, 0, 0]))
    ranges = pd.DataFrame({"year": [2017], "article": ["280"], "part": ["1"],
                           "min_months": [2.0], "max_months": [48.0], "life": [False],
                           "range_status": ["established"]})
    monkeypatch.setitem(sys.modules, "repstats.statutes", None)  # import fails
    out = bracket_shares(cs, ranges, bounds=BOUNDS)
    assert out["min_bracket"].iloc[0] == "imprisonment_upto_1y"
    assert "effective ranges not computed" in out["warning"].iloc[0]
    assert math.isnan(out["effective_min_months"].iloc[0])
    with pytest.raises(ValueError, match="several rows"):
        bracket_shares(cs, pd.concat([ranges, ranges]), bounds=BOUNDS)
    with pytest.raises(ValueError, match="no form 10.3"):
        bracket_shares(cs, ranges, bounds=BOUNDS, articles=["205.2"])


def test_brackets_read_from_one_form_without_double_counting():
    # from 2011 brackets, imprisonment and below_minimum sit in 10.3.1 while 10.3 keeps
    # its own imprisonment total and life imprisonment
    rows = court(2015, "280", "1", [3, 1, 0, 0, 0, 0, 0, 0], below=1)
    rows = [dict(r, form="10.3.1") for r in rows]
    rows += [dict(year=2015, form="10.3", article="280", part="1", redaction=None,
                  row_type="article", measure=m, value=v)
             for m, v in (("imprisonment", 4), ("life_imprisonment", 0),
                          ("convicted_total", 30))]
    ranges = pd.DataFrame({"year": [2015], "article": ["280"], "part": ["1"],
                           "min_months": [2.0], "max_months": [48.0], "life": [False],
                           "range_status": ["established"]})
    out = bracket_shares(pd.DataFrame(rows), ranges, bounds=BOUNDS, scenarios=())
    row = out.iloc[0]
    assert row["bracket_form"] == "10.3.1"
    assert row["n_terms"] == 4 and row["imprisonment"] == 4
    assert row["official_below_minimum"] == 1 and row["life_imprisonment"] == 0
    assert row["warning"] is None


def test_missing_values_are_absent_measures_not_zeros():
    rows = court(2023, "280", "1", [3, 1, 0, 0, 0, 0, 0, 0], below=1)
    rows = [dict(r, form="10.3.1") for r in rows]
    rows.append(dict(rows[0], measure="imprisonment_15_20y", value=np.nan))
    cs = pd.DataFrame(rows)
    out = bracket_shares(cs, bounds=BOUNDS, table=fake_sanctions_table(SANCTIONS),
                         scenarios=())
    assert out["n_terms"].iloc[0] == 4 and out["year"].iloc[0] == 2023
    assert out["share_below_high"].iloc[0] == pytest.approx(3 / 4)


def test_combined_rows_give_no_share_and_say_why():
    """2022: parts created that year stand in one combined row that cannot be split."""
    lumped = "280.4 ч.1; 282.4 ч.1; 282.4 ч.2"
    rows = court(2022, None, None, [1, 2, 0, 0, 0, 0, 0, 0])
    rows = [dict(r, row_type="article_group", lumped_parts=lumped, form="10.3.1")
            for r in rows]
    empty = court(2022, None, None, [0] * 8)
    empty = [dict(r, row_type="article_group", lumped_parts="205.2 ч.2; 283.2",
                  form="10.3.1") for r in empty]
    own = [dict(r, form="10.3.1", lumped_parts=None)
           for r in court(2022, "280", "1", [3, 1, 0, 0, 0, 0, 0, 0])]
    cs = pd.DataFrame(rows + empty + own)
    out = bracket_shares(cs, bounds=BOUNDS, table=fake_sanctions_table(SANCTIONS),
                         articles=["282.4", "280", "205.2"], scenarios=())
    assert list(out.columns) == COLUMNS
    r = out.set_index(["article", "part"])
    # 280.4 is not asked for; 282.4 ч.1/ч.2 get a row each, with no number
    assert ("280.4", "1") not in r.index
    for part in ("1", "2"):
        row = r.loc[("282.4", part)]
        assert row["combined_row"] == lumped and math.isnan(row["n_terms"])
        assert math.isnan(row["share_at_or_below_low"])
        assert "combined row" in row["warning"] and "3 prison terms in all" in row["warning"]
    # a combined row with no prison term: none for each part it lists
    zero = r.loc[("205.2", "2")]
    assert zero["n_terms"] == 0 and "has no prison term" in zero["warning"]
    # an article-part with a row of its own is computed as usual
    assert r.loc[("280", "1"), "n_terms"] == 4 and pd.isna(r.loc[("280", "1"), "combined_row"])


def test_a_lumped_article_row_is_not_read_as_the_article_without_part():
    # 2021's "284.1 ч.2; 284.1 ч.3" stands as an article row with no part
    rows = [dict(r, lumped_parts="280 ч.1; 280 ч.2")
            for r in court(2017, "280", None, [5, 0, 0, 0, 0, 0, 0, 0])]
    out = bracket_shares(pd.DataFrame(rows), bounds=BOUNDS,
                         table=fake_sanctions_table(SANCTIONS), scenarios=())
    assert out["part"].tolist() == ["1", "2"]  # never a part-less "280" row
    assert out["n_terms"].isna().all() and (out["combined_row"] == "280 ч.1; 280 ч.2").all()


def test_categorical_input_as_repstats_load_returns_it():
    cs = table()
    cat = cs.astype({c: "category" for c in ("form", "article", "part", "row_type",
                                             "measure", "redaction")})
    cat["value"] = cat["value"].astype("Int64")
    got = bracket_shares(cat, bounds=BOUNDS, table=fake_sanctions_table(SANCTIONS),
                         effective=fake_effective)
    want = bracket_shares(cs, bounds=BOUNDS, table=fake_sanctions_table(SANCTIONS),
                          effective=fake_effective)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)

"""Worked examples: individual sentences against the law that applied (offence dates,
lawful reductions, art. 69 combined limits). Inputs are built in code; sanctions come from
the package's sanctions table."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from repstats.statutes import applicable_ranges, combined_limits, effective_range
from repstats.stats.persons import (CHARGE_COLUMNS, PERSON_COLUMNS, assess_charges,
                                    classify_sentences)


def charge(name, article, part, *, term, start, end, verdict="2020-06-22", kind="custodial",
           appeal=None, charge_term=None, stage="completed", cooperation=pd.NA,
           special=pd.NA, minor=pd.NA, art64=pd.NA, part_derived=None, convicted=True,
           episodes=1, art70=False):
    return dict(person_id=name.lower().replace(" ", "-"), name_en=name,
                verdict_date=pd.Timestamp(verdict), article=article, part=part,
                part_derived=part_derived, episodes=episodes, convicted=convicted,
                stage=stage, offence_from=pd.Timestamp(start) if start else pd.NaT,
                offence_to=pd.Timestamp(end) if end else pd.NaT, minor=minor,
                special_procedure=special, cooperation=cooperation, art64=art64,
                charge_term_months=charge_term, final_kind=kind, final_term_months=term,
                art70=art70, appeal_kind=kind if appeal else None, appeal_term_months=appeal)


def frame(*rows):
    d = pd.DataFrame(list(rows))
    for col in ("minor", "special_procedure", "cooperation", "art64", "convicted"):
        d[col] = d[col].astype("boolean")
    for col in ("charge_term_months", "final_term_months", "appeal_term_months", "episodes"):
        d[col] = pd.to_numeric(d[col]).astype("Int64")
    return d


def classify(*rows):
    return classify_sentences(assess_charges(frame(*rows))).set_index("name_en")


def test_shishkin_cooperation_makes_a_term_below_the_minimum_lawful():
    # 205.4 ч.2 (5-10 y in 2016-2018); cooperation agreement: ceiling 1/2 x 120 = 60 =
    # the minimum, so 42 months is lawful without art. 64 (Plenum No. 58, as applied)
    out = classify(charge("Igor Shishkin", "205.4", None, part_derived="2", term=42,
                          appeal=42, start="2016-06-01", end="2018-01-25",
                          verdict="2019-01-01", cooperation=True, special=True))
    r = out.loc["Igor Shishkin"]
    assert sorted(out.reset_index().columns) == sorted(PERSON_COLUMNS)
    assert r["floor_months_low"] == 60 and r["effective_floor_months"] == 2
    assert r["position"] == "below minimum" and r["months_from_floor"] == -18
    assert r["lawful_by"].startswith("art. 62 ч.2") and not r["flagged"]
    assert r["part_basis"] == "derived from wording (not stated)"
    assert "derived from wording" in r["sentence"] and "lawful by art. 62 ч.2" in r["sentence"]


def test_the_same_term_without_cooperation_is_flagged():
    r = classify(charge("X", "205.4", "2", term=42, start="2016-06-01",
                        end="2018-01-25")).iloc[0]
    assert r["position"] == "below minimum" and r["flagged"] and r["lawful_by"] is None
    stated = classify(charge("X", "205.4", "2", term=42, start="2016-06-01",
                             end="2018-01-25", art64=True)).iloc[0]
    assert stated["lawful_by"] == "art. 64 (stated by the sources)" and not stated["flagged"]


def test_boyarshinov_first_instance_and_appeal_against_a_partly_unknown_combination():
    out = classify(charge("Yuli Boyarshinov", "205.4", "2", term=66, appeal=63,
                          start="2016-01-01", end="2018-01-31"),
                   charge("Yuli Boyarshinov", None, None, term=66, appeal=63, start=None,
                          end="2018-01-31"))
    r = out.loc["Yuli Boyarshinov"]
    assert r["rule"] == "art. 69" and not r["limits_complete"]
    assert r["charges"] == "205.4 ч.2 + unidentified count"
    assert (r["floor_months_low"], r["months_from_floor"]) == (60, 6)
    assert r["appeal_position"] == "within range" and r["appeal_months_from_floor"] == 3
    assert math.isnan(r["ceiling_months"])  # the other count's range is unknown
    assert "5 y 6 m" in r["sentence"] and "on appeal 5 y 3 m" in r["sentence"]
    assert r["sentence"].endswith("Not at the minimum.")


def test_shakursky_combined_term_one_year_above_the_floor_of_his_gravest_charge():
    out = classify(charge("Ilya Shakursky", "205.4", "1", term=192, appeal=192,
                          start="2015-01-01", end="2017-10-31", verdict="2020-02-10"),
                   charge("Ilya Shakursky", "222", "1", term=192, appeal=192, start=None,
                          end=None, verdict="2020-02-10"))
    r = out.loc["Ilya Shakursky"]
    assert r["governing_charge"] == "205.4 ч.1" and r["floor_months_low"] == 180
    assert r["position"] == "within range" and r["months_from_floor"] == 12


def test_a_minor_gets_the_halved_minimum_of_art_88():
    # Pavlikova was 17; her own article (282.1 ч.1) has no established range for 2018, so
    # the rule is shown on a grave offence whose range is known (205.4 ч.2, 5-10 y)
    eff = effective_range(60, 120, minor=True)
    assert eff.min_months == 30 and any("88 ч.6.1" in r for r in eff.rules)
    r = classify(charge("A minor", "205.4", "2", term=36, start="2017-01-01",
                        end="2017-12-31", minor=True)).iloc[0]
    assert r["position"] == "below minimum" and "88 ч.6.1" in r["lawful_by"]
    assert not r["flagged"]
    adult = classify(charge("An adult", "205.4", "2", term=36, start="2017-01-01",
                            end="2017-12-31", minor=False)).iloc[0]
    assert adult["flagged"]


def test_pavlikova_in_the_package_data_is_not_classified_for_want_of_a_range():
    from repstats.cases import notable_charges

    ch = notable_charges()
    pav = ch[ch["name_en"] == "Anna Pavlikova"]
    assert pav["minor"].all() and (pav["final_kind"] == "suspended").all()
    r = classify_sentences(assess_charges(pav)).iloc[0]
    assert r["position"] == "not classified" and "282.1 ч.1" in r["reason"]


def test_an_attempt_lowers_the_ceiling_and_a_term_above_it_is_flagged():
    # attempted participation, 205.4 ч.2 in 2017: ceiling 3/4 x 120 = 90 months
    within = classify(charge("A", "205.4", "2", term=84, start="2017-03-01",
                             end="2017-03-01", stage="attempt")).iloc[0]
    assert within["ceiling_months"] == 90 and within["position"] == "within range"
    above = classify(charge("B", "205.4", "2", term=100, start="2017-03-01",
                            end="2017-03-01", stage="attempt")).iloc[0]
    assert above["position"] == "above maximum" and above["flagged"]


def test_kara_murza_combined_sentence_against_combined_limits():
    # 207.3 ч.2 (5-10), 284.1 ч.1 (1-4) and 275 (12-20, before 2023): art. 69 ч.3, floor
    # 12 y (275), ceiling min(1.5 x 20, 25) = 25 y; 25 y is the ceiling, not above it
    rows = [charge("Vladimir Kara-Murza", a, p, term=300, appeal=300, start="2021-01-01",
                   end="2022-12-31", verdict="2023-04-17") for a, p in
            (("207.3", "2"), ("284.1", "1"), ("275", "—"))]
    r = classify(*rows).iloc[0]
    assert r["rule"] == "art. 69 ч.3" and r["governing_charge"] == "275"
    assert (r["floor_months_low"], r["ceiling_months"]) == (144, 300)
    assert r["position"] == "within range" and not r["flagged"]
    assert "at the ceiling of 25 y" in r["sentence"]


def test_combined_limits_caps_and_errors():
    c = pd.DataFrame({"article": ["205.4", "222"], "label": ["205.4 ч.1", "222 ч.1"],
                      "floor_months": [180, 2], "max_months": [240, 48],
                      "life": [True, False]})
    # terrorism article from 16.05.2014: 30-year cap; life in the sanction -> the cap
    assert combined_limits(c, on="2017-01-01").ceiling_months == 360
    assert combined_limits(c, on="2013-01-01").ceiling_months == 300
    assert combined_limits(c, on="2017-01-01", art70=True).cap_months == 420
    with pytest.raises(ValueError, match="at least two"):
        combined_limits(c.iloc[:1])


def test_offence_period_across_a_mid_year_change_bounds_the_minimum():
    # 205.5 ч.2 rose from 5-10 to 10-20 y on 20.07.2016: an offence period spanning that
    # day allows both versions; 8 years is above the old and below the new minimum
    r = classify(charge("C", "205.5", "2", term=96, start="2016-01-01",
                        end="2016-12-31", verdict="2017-06-01")).iloc[0]
    assert (r["floor_months_low"], r["floor_months_high"]) == (60, 120)
    assert r["position"] == "below minimum" and not r["flagged"]
    assert "which version applied is not known" in r["reason"]
    ranges = applicable_ranges(pd.DataFrame({"article": ["205.5"], "part": ["2"],
                                             "start": [pd.Timestamp("2016-01-01")],
                                             "end": [pd.Timestamp("2016-12-31")]}))
    assert ranges["change_dates"].iloc[0] == "2016-07-20"


def test_fines_and_art70_are_not_classified_and_inputs_are_not_mutated():
    rows = frame(charge("F", "205.2", "2", term=None, kind="fine", start="2018-11-07",
                        end="2018-11-07"),
                 charge("N", "282.1", "3", term=228, start="2011-01-01", end="2021-12-31",
                        art70=True))
    before = rows.copy()
    assessed = assess_charges(rows)
    pd.testing.assert_frame_equal(rows, before)
    assert set(CHARGE_COLUMNS) <= set(assessed.columns)
    out = classify_sentences(assessed).set_index("name_en")
    assert out.loc["F", "position"] == "not classified" and "fine" in out.loc["F", "reason"]
    assert "art. 70" in out.loc["N", "reason"]
    with pytest.raises(ValueError, match="art70"):
        assess_charges(rows.drop(columns="art70"))

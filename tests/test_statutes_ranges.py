"""statutory_range / attach_ranges / the sanctions table (repstats.statutes)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from repstats.errors import ValidationError
from repstats.statutes import attach_ranges, sanctions_table, statutory_range
from repstats.statutes.table import (from_reference, to_csv_frame, validate_sanctions,
                                     years_to_months)


# --- the Network case and the other cases the issue names -----------------------------

def test_network_case_organiser_2017():
    r = statutory_range("205.4", "1", on=dt.date(2017, 6, 1))
    assert (r.min_months, r.max_months, r.life) == (15 * 12, 20 * 12, True)
    assert r.status == "established" and r.confidence == "confirmed_text"


def test_network_case_participant_2017():
    r = statutory_range("205.4", "2", on="2017-06-01")
    assert (r.min_months, r.max_months, r.life) == (5 * 12, 10 * 12, False)


def test_participation_after_157_fz():
    # 157-ФЗ of 28.04.2023, in force ten days after publication: 09.05.2023
    assert statutory_range("205.4", "2", on="2023-05-08").min_months == 60
    r = statutory_range("205.4", "2", on="2023-05-09")
    assert (r.min_months, r.max_months) == (120, 180)
    assert r.valid_from == dt.date(2023, 5, 9) and r.valid_to is None


def test_205_2_part_2_around_375_fz():
    before = statutory_range("205.2", "2", on="2016-07-19")
    after = statutory_range("205.2", "2", on="2016-07-20")
    assert (before.min_months, before.max_months) == (2, 84)
    assert before.confidence == "secondary"
    assert (after.min_months, after.max_months) == (60, 84)


def test_207_3_part_1_around_58_fz():
    before = statutory_range("207.3", "1", on="2022-12-01")
    after = statutory_range("207.3", "1", on="2023-03-29")
    assert (before.min_months, before.max_months) == (2, 36)
    assert (after.min_months, after.max_months) == (2, 60)


def test_treason_gains_life_in_2023():
    before = statutory_range("275", on="2023-05-08")
    after = statutory_range(275, None, on="2023-05-09")
    assert not before.life and after.life
    assert after.part == "—" and (after.min_months, after.max_months) == (144, 240)


def test_part_spellings():
    a = statutory_range("ст. 205.1", "ч. 1.1", on="2020-01-01")
    b = statutory_range("205.1", "1¹", on=pd.Timestamp("2020-01-01"))
    assert a == b and a.part == "1.1"


# --- unknown ranges and errors ---------------------------------------------------------

def test_unknown_range_is_explicit():
    r = statutory_range("282.2", "2", on="2012-01-01")
    assert r.status == "unknown"
    assert r.min_months is None and r.max_months is None
    assert "not established" in r.reason and r.confidence == "inferred"


def test_partly_known_range_keeps_the_known_bound():
    # reference (revised): 282.1 ч.1 before 5-ФЗ, "до четырёх лет" seen, minimum not
    r = statutory_range("282.1", "1", on="2012-01-01")
    assert r.status == "unknown" and r.max_months == 48 and r.min_months is None
    assert r.reason.startswith("minimum not established")


def test_no_imprisonment_is_established():
    r = statutory_range("354.1", "3", on="2015-01-01")
    assert r.status == "established" and r.min_months is None
    assert r.reason == "the sanction has no imprisonment"


@pytest.mark.parametrize("args, message", [
    (("999", None, "2020-01-01"), "article '999' is not in the sanctions table"),
    (("205.4", "3", "2020-01-01"), r"art\. 205\.4 ч\.3 is not in the sanctions table"),
    (("205.4", "1", "2012-01-01"), r"did not exist on 2012-01-01.*2013-11-14"),
    (("284.1", "1", "2018-01-01"), r"did not exist.*had part\(s\) —"),
    (("284.1", None, "2022-01-01"), "pass part="),
    (("284.1", None, "2022-01-01"), "had parts 1, 2, 3"),
    (("205", "1", "2008-12-31"), "before the sanctions table's coverage"),
    (("205", "1", "not a date"), "ISO format"),
    (("205.x", "1", "2020-01-01"), "cannot read article"),
    (("205", "first", "2020-01-01"), "cannot read part"),
    ((205.1, "1", "2020-01-01"), "float cannot tell"),
])
def test_errors(args, message):
    article, part, on = args
    with pytest.raises(ValueError, match=message):
        statutory_range(article, part, on=on)


def test_single_part_article_after_split():
    # 284.1 had no parts until 11.07.2021
    assert statutory_range("284.1", on="2019-01-01").max_months == 72
    with pytest.raises(ValueError, match="no longer in force on 2022-01-01"):
        statutory_range("284.1", "—", on="2022-01-01")


# --- attach_ranges -------------------------------------------------------------------

def _charges():
    return pd.DataFrame({
        "article": ["205.4", "205.4", "999", None, "354.1", "282", "275"],
        "part": ["1", "2", "1", "1", "3", "2", None],
        "date": pd.to_datetime(["2017-01-01", "2024-01-01", "2020-01-01", "2020-01-01",
                                "2015-01-01", "2016-01-01", "2024-01-01"]),
    }, index=[10, 11, 12, 13, 14, 15, 16])


def test_attach_ranges():
    df = _charges()
    before = df.copy()
    out = attach_ranges(df)
    pd.testing.assert_frame_equal(df, before)  # input not mutated
    assert out.index.equals(df.index)
    assert out.loc[10, ["min_months", "max_months"]].tolist() == [180, 240]
    assert bool(out.loc[10, "life"])
    assert out.loc[11, "min_months"] == 120
    assert out.loc[11, "range_valid_from"] == pd.Timestamp("2023-05-09")
    assert out.loc[12, "range_status"].startswith("unmatched: article '999'")
    assert out.loc[13, "range_status"] == "unmatched: missing article"
    assert out.loc[14, "range_status"] == "established: the sanction has no imprisonment"
    assert out.loc[15, "range_status"].startswith("unknown: minimum and maximum not")
    assert out.loc[16, "max_months"] == 240 and out.loc[16, "range_confidence"] == \
        "confirmed_text"
    assert str(out["min_months"].dtype) == "Int64"


def test_attach_ranges_matches_scalar_function():
    out = attach_ranges(_charges().iloc[[0, 1, 6]])
    for _, row in out.iterrows():
        r = statutory_range(row["article"], row["part"], on=row["date"])
        assert (row["min_months"], row["max_months"]) == (r.min_months, r.max_months)


def test_attach_ranges_misuse():
    df = _charges()
    with pytest.raises(ValueError, match="column 'offence_date' not in the DataFrame"):
        attach_ranges(df, date="offence_date")
    with pytest.raises(ValueError, match="holds numbers"):
        attach_ranges(df.assign(date=2017))
    with pytest.raises(ValueError, match="already has column"):
        attach_ranges(df.assign(min_months=1))


# --- the table itself ------------------------------------------------------------------

def test_table_is_valid_and_typed():
    t = sanctions_table()
    assert str(t["min_months"].dtype) == "Int64"
    assert set(t["confidence"]) <= {"confirmed_text", "secondary", "inferred"}
    # one current version per article-part
    assert not t[t["valid_to"].isna()].duplicated(["article", "part"]).any()


def test_schema_reports_every_failure():
    t = sanctions_table()
    bad = t.copy()
    bad.loc[0, "confidence"] = "guess"
    bad.loc[1, "min_months"] = 500
    dup = bad.iloc[[2]].copy()  # an overlapping second version
    bad = pd.concat([bad, dup], ignore_index=True)
    with pytest.raises(ValidationError) as err:
        validate_sanctions(bad)
    text = str(err.value)
    assert "confidence" in text and "min_months" in text and "overlap" in text


def test_years_to_months_exact():
    assert years_to_months([0.1667, 1.5, 20, None]).tolist() == [2, 18, 240, pd.NA]
    with pytest.raises(ValueError, match="whole number of months"):
        years_to_months([0.3])


def test_package_table_keeps_every_reference_row(reference):
    ref = pd.read_csv(reference / "sanctions_history.csv", dtype=str,
                      keep_default_na=False, na_values=[""])
    converted = to_csv_frame(from_reference(ref))
    package = to_csv_frame(sanctions_table())
    key = ["article", "part", "valid_from"]
    merged = converted.merge(package, on=key, how="left", suffixes=("_ref", ""),
                             indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", key]
    for col in ("valid_to", "min_months", "max_months", "life", "source", "confidence"):
        pd.testing.assert_series_equal(merged[f"{col}_ref"].astype(str),
                                       merged[col].astype(str), check_names=False)
    # blank in the reference stays blank: never guessed
    blank = ref["max_years"].isna()
    assert package.set_index(key).loc[
        list(ref.loc[blank, key].itertuples(index=False, name=None)), "max_months"
    ].isna().all()


def test_attach_ranges_agrees_with_statutory_range_at_every_boundary():
    t = sanctions_table()
    days = pd.concat([t["valid_from"], t["valid_from"] - pd.Timedelta(days=1),
                      t["valid_to"].dropna(), t["valid_to"].dropna() + pd.Timedelta(days=1)])
    pairs = t[["article", "part"]].drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"date": days.drop_duplicates()}), how="cross")
    out = attach_ranges(grid)
    for row in out.itertuples(index=False):
        try:
            r = statutory_range(row.article, row.part, on=row.date)
        except ValueError as exc:
            assert row.range_status == f"unmatched: {exc}"
            continue
        assert (pd.NA if r.min_months is None else r.min_months) is row.min_months or \
            row.min_months == r.min_months
        assert row.range_valid_from == pd.Timestamp(r.valid_from)
        assert row.range_status.split(":")[0] == r.status

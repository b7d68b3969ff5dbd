"""Unit tests for repstats.quality (inputs built in code)."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from repstats.quality import (largest_disagreements, method_summary, row_flow,
                                     source_status, status_counts, yearly_coverage)


def _manifest(rows):
    return pd.DataFrame(rows, columns=["id", "group", "file", "publisher", "licence",
                                       "size", "sha256"])


def test_source_status_ok_missing_and_mismatch(tmp_path):
    (tmp_path / "a").mkdir()
    good = b"hello"
    (tmp_path / "a" / "good.csv").write_bytes(good)
    (tmp_path / "a" / "bad.csv").write_bytes(b"tampered")
    digest = hashlib.sha256(good).hexdigest()
    man = _manifest([
        ("g", "grp", "a/good.csv", "P", "CC BY", len(good), digest),
        ("b", "grp", "a/bad.csv", "P", "CC BY", len(good), digest),
        ("m", "grp", "a/missing.csv", "P", "CC BY", 3, digest),
    ])
    before = man.copy()
    out = source_status(man, tmp_path)
    pd.testing.assert_frame_equal(man, before)
    assert out["status"].tolist() == ["ok", "checksum_mismatch", "missing"]
    assert out["present"].tolist() == [True, True, False]
    assert out["size_ok"].tolist()[:2] == [True, False]
    assert out["sha256_ok"].isna().tolist() == [False, False, True]
    assert out.loc[0, "size_bytes"] == len(good)


def test_source_status_misuse(tmp_path):
    with pytest.raises(ValueError, match="lacks column"):
        source_status(pd.DataFrame({"id": ["x"]}), tmp_path)
    with pytest.raises(ValueError, match="not a folder"):
        source_status(_manifest([]), tmp_path / "nope")


def test_row_flow_balance_and_defaults():
    steps = pd.DataFrame({"step": ["a", "b"], "rows_in": [10, 5], "rows_out": [7, 5],
                          "rejected": [2, 0]})
    out = row_flow(steps)
    assert "merged" not in steps.columns  # input untouched
    assert out["unaccounted"].tolist() == [1, 0]
    assert out["balanced"].tolist() == [False, True]
    assert out["share_rejected"].tolist() == pytest.approx([0.2, 0.0])
    assert out["merged"].tolist() == [0, 0]


@pytest.mark.parametrize("bad", [-1, 1.5, None])
def test_row_flow_rejects_bad_counts(bad):
    steps = pd.DataFrame({"step": ["a"], "rows_in": [bad], "rows_out": [0]})
    with pytest.raises(ValueError, match="non-negative integers"):
        row_flow(steps)


def test_row_flow_repeated_step():
    steps = pd.DataFrame({"step": ["a", "a"], "rows_in": [1, 1], "rows_out": [1, 1]})
    with pytest.raises(ValueError, match="repeated step"):
        row_flow(steps)


def test_status_counts_wide_with_order_and_missing():
    df = pd.DataFrame({"check": ["x", "x", "x", "y", "y"],
                       "status": ["pass", "fail", "pass", None, "unmatched"]})
    out = status_counts(df, "check", order=["pass", "fail", "warn"])
    assert list(out.columns) == ["check", "n", "pass", "fail", "warn", "none", "unmatched",
                                 "n_not_ok", "share_not_ok"]
    x = out.set_index("check").loc["x"]
    assert (x["n"], x["pass"], x["fail"], x["warn"], x["n_not_ok"]) == (3, 2, 1, 0, 1)
    y = out.set_index("check").loc["y"]
    assert (y["none"], y["unmatched"], y["n_not_ok"]) == (1, 1, 2)
    assert x["share_not_ok"] == pytest.approx(1 / 3)


def test_status_counts_clash_and_missing_column():
    with pytest.raises(ValueError, match="collide"):
        status_counts(pd.DataFrame({"g": [1], "status": ["n"]}), "g")
    with pytest.raises(ValueError, match="lacks column"):
        status_counts(pd.DataFrame({"g": [1]}), "g")


def test_largest_disagreements_ranks_by_absolute_difference():
    q = pd.DataFrame({"check": ["a", "a", "a", "b", "b"],
                      "status": ["fail", "fail", "pass", "fail", "fail"],
                      "difference": [-5, 3, 0, 1, -1]})
    out = largest_disagreements(q, n=1)
    assert out["difference"].tolist() == [-5, 1]  # tie in b keeps input order
    assert out["rank"].tolist() == [1, 1]
    all_rows = largest_disagreements(q, n=10, by=None)
    assert all_rows["abs_difference"].tolist() == [5, 3, 1, 1]
    with pytest.raises(ValueError, match="positive integer"):
        largest_disagreements(q, n=0)


def test_method_summary_counts_kinds():
    df = pd.DataFrame({"x": [1, 2, 3],
                       "a_method": ["parsed", "hand: r1", "hand: r2"],
                       "b_method": ["parsed", "parsed", "guess"]})
    out = method_summary(df).set_index("field")
    assert out.loc["a", ["parsed", "hand", "other", "hand_reasons"]].tolist() == [1, 2, 0, 2]
    assert out.loc["b", ["parsed", "hand", "other"]].tolist() == [2, 0, 1]
    assert out.loc["a", "share_hand"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="no column ending"):
        method_summary(df[["x"]])


def _panel():
    rows = [("y1", "s1", pd.Period("2010", "Y"), "Y", 1.0, ""),
            ("m1", "s1", pd.Period("2010-01", "M"), "M", 2.0, "carried_forward"),
            ("m1", "s1", pd.Period("2010-02", "M"), "M", None, ""),
            ("m1", "s1", pd.Period("2011-05", "M"), "M", 3.0, None),
            ("q1", "s2", pd.Period("2011Q1", "Q"), "Q", 4.0, "")]
    return pd.DataFrame(rows, columns=["indicator", "source", "period", "freq", "value",
                                       "flag"])


def test_yearly_coverage_counts_expected_and_flags():
    out = yearly_coverage(_panel(), by="source", years=[2010, 2011])
    s1 = out[out["source"] == "s1"].set_index("year")
    assert s1["n_expected"].tolist() == [13, 13]  # 1 yearly + 12 monthly
    assert s1["n_obs"].tolist() == [2, 1]  # missing value not counted
    assert s1["n_flagged"].tolist() == [1, 0]
    s2 = out[out["source"] == "s2"].set_index("year")
    assert s2["n_obs"].tolist() == [0, 1] and s2["coverage_pct"].tolist() == [0.0, 25.0]
    by_ind = yearly_coverage(_panel())
    assert set(by_ind["year"]) == {2010, 2011}


def test_yearly_coverage_misuse():
    bad = _panel()
    bad.loc[0, "freq"] = "W"
    with pytest.raises(ValueError, match="unknown codes"):
        yearly_coverage(bad)
    mixed = _panel()
    mixed.loc[2, "freq"] = "Q"
    with pytest.raises(ValueError, match="several frequencies"):
        yearly_coverage(mixed)
    with pytest.raises(ValueError, match="lacks column"):
        yearly_coverage(_panel().drop(columns="flag"))

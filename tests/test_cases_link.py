"""Linking people across sources: candidates with scores and evidence, never merged."""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.cases import link, link_people


@pytest.fixture
def left():
    return pd.DataFrame({
        "name_ru": ["Шакурский Илья", "Бояршинов Юлий", "Иванов Иван"],
        "verdict_date": pd.to_datetime(["2020-02-10", "2020-06-22", "2019-01-01"]),
        "region_iso": ["RU-PNZ", "RU-SPE", "RU-MOW"],
    })


@pytest.fixture
def right():
    return pd.DataFrame({
        "name": ["Shakursky Ilya", "Ilya Shakurskiy", "Boyarshinov Yuliy", "Petrov Petr"],
        "first_verdict_date": pd.to_datetime(["2020-02-10", "2016-02-10", "2020-06-22",
                                              "2020-01-01"]),
        "persecution_region_iso": ["RU-PNZ", "RU-SPE", "RU-SPE", "RU-MOW"],
    }, index=[10, 11, 12, 13])


def _link(left, right, **kw):
    return link_people(left, right, left_name="name_ru", right_name="name",
                       left_date="verdict_date", right_date="first_verdict_date",
                       left_region="region_iso", right_region="persecution_region_iso", **kw)


def test_candidates_across_scripts_with_evidence(left, right):
    out = _link(left, right)
    assert not out["name_method"].iloc[0].startswith("rapidfuzz"), \
        "repstats.text.match_people should be used for cross-script matching"
    assert (out["decision"] == "candidate").all()
    best = out.iloc[0]
    assert best["score"] == pytest.approx(1.0)
    assert best["n_evidence"] == 3 and "same region" in best["evidence"]
    shak = out[out["left_index"] == 0].set_index("right_index")
    assert set(shak.index) == {10, 11}  # both spellings proposed, none merged
    assert shak.loc[10, "score"] > shak.loc[11, "score"]
    assert shak.loc[11, "date_gap_days"] > 1400 and shak.loc[11, "date_score"] == 0
    assert "regions differ" in shak.loc[11, "evidence"]
    assert shak["ambiguous"].all()
    assert 13 not in set(out["right_index"])  # Petrov is nobody's candidate
    assert len(left) == 3 and len(right) == 4  # inputs untouched


def test_score_renormalises_without_dates(left, right):
    out = link_people(left, right, left_name="name_ru", right_name="name")
    assert out["n_evidence"].eq(1).all()
    assert out["date_score"].isna().all()
    assert (out["score"] == out["name_score"] / 100).all()


def test_fallback_matcher_without_text_parsers(monkeypatch, left):
    monkeypatch.setattr(link, "_matcher", lambda: (None, "rapidfuzz fallback"))
    right = pd.DataFrame({"name": ["ШАКУРСКИЙ  илья", "Совсем Другой"]})
    out = link_people(left, right, left_name="name_ru", right_name="name")
    assert out["name_method"].eq("rapidfuzz fallback").all()
    assert out[["left_index", "right_index"]].values.tolist() == [[0, 0]]
    assert out["name_score"].iloc[0] == 100


def test_min_score_and_misuse(left, right):
    assert _link(left, right, min_score=0.99)["score"].min() >= 0.99
    with pytest.raises(ValueError, match="no column"):
        link_people(left, right, left_name="nom", right_name="name")
    with pytest.raises(ValueError, match="both left_date and right_date"):
        link_people(left, right, left_name="name_ru", right_name="name",
                    left_date="verdict_date")
    with pytest.raises(ValueError, match="date_tolerance_days"):
        _link(left, right, date_tolerance_days=0)

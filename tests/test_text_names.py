"""Transliteration, name keys and candidate matching."""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.text import match_people, name_key, transliterate


@pytest.mark.parametrize("cyr, icao, bgn", [
    ("Зейтуллаев", "Zeitullaev", "Zeytullayev"),
    ("Юлия", "Iuliia", "Yuliya"),
    ("Щукин", "Shchukin", "Shchukin"),
    ("Пётр", "Petr", "Pyotr"),
    ("Евгений", "Evgenii", "Yevgeniy"),
    ("Прокопьева", "Prokopeva", "Prokopyeva"),
    ("Подъячев", "Podieiachev", "Podyachev"),
    ("ХОЛОДНЫЙ", "KHOLODNYI", "KHOLODNYY"),
])
def test_transliteration_tables(cyr, icao, bgn):
    s = pd.Series([cyr])
    assert transliterate(s).iloc[0] == icao
    assert transliterate(s, system="bgn").iloc[0] == bgn


def test_transliterate_keeps_index_and_rejects_unknown_system():
    s = pd.Series(["Навальный", None], index=["a", "b"], name="n")
    out = transliterate(s)
    assert out.index.tolist() == ["a", "b"] and out.name == "n" and pd.isna(out["b"])
    with pytest.raises(ValueError, match="system"):
        transliterate(s, system="gost")


def test_reverse_is_a_reading_for_matching():
    out = transliterate(pd.Series(["Sergey Shchukin", "Yashin"]), reverse=True)
    assert out.tolist() == ["Сергей Щукин", "Яшин"]


@pytest.mark.parametrize("spellings", [
    ["Зейтуллаев", "Zeytullaev", "Zeitullaev"],
    ["Прокопьева", "Prokopyeva", "Prokopeva", "Prokopieva"],
    ["Сергей", "Sergey", "Sergei"],
    ["Дмитрий", "Dmitry", "Dmitrii", "Dmitriy"],
    ["Навальный", "Navalny", "Navalnyi", "Navalnyy"],
    ["Юлия", "Yulia", "Yuliya", "Iuliia"],
    ["Алексей", "Alexei", "Aleksey", "Aleksei"],
])
def test_name_key_joins_spellings(spellings):
    keys = name_key(pd.Series(spellings))
    assert keys.nunique() == 1, keys.tolist()


def test_name_key_keeps_different_people_apart():
    keys = name_key(pd.Series(["Жуков", "Зуев", "Иванов", "Иванова"]))
    assert keys.nunique() == 4


def test_match_people_proposes_and_flags():
    left = pd.DataFrame({"name": ["Кара-Мурза Владимир Владимирович", "Иванов Дмитрий",
                                  "Петров Пётр"], "year": [2023, 2023, 2020]},
                        index=["L1", "L2", "L3"])
    right = pd.DataFrame({"name": ["Vladimir Kara-Murza", "Dmitry Ivanov", "Dmitrii Ivanov",
                                   "Pyotr Petrov"], "year": [2023, 2023, 2023, 2021]},
                         index=["R1", "R2", "R3", "R4"])
    out = match_people(left, right, by="year")
    assert set(zip(out["left_index"], out["right_index"])) == {("L1", "R1"), ("L2", "R2"),
                                                               ("L2", "R3")}
    # two equally good candidates for L2: flagged, nothing merged
    assert out.loc[out["left_index"] == "L2", "ambiguous"].all()
    assert not out.loc[out["left_index"] == "L1", "ambiguous"].any()
    assert (out["score"] >= 85).all() and out["rank"].min() == 1
    # without blocking, Petrov is proposed across years
    assert ("L3", "R4") in set(zip(*match_people(left, right)[["left_index", "right_index"]]
                                   .T.values))


def test_match_people_misuse():
    df = pd.DataFrame({"name": ["a"]})
    with pytest.raises(ValueError, match="no column"):
        match_people(df, df, left_on="fio")
    with pytest.raises(ValueError, match="threshold"):
        match_people(df, df, threshold=120)
    with pytest.raises(ValueError, match="blocking"):
        match_people(df, df, by="year")

"""normalize_region and the regions table; OVD-Info and notable-case regions (mirror)."""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.errors import InputError
from repstats.text import normalize_region, regions_table


def test_table_has_the_89_subjects():
    t = regions_table()
    assert len(t) == 89 and t["iso"].is_unique
    assert t["status"].value_counts().to_dict() == {"member": 83, "annexed_2022": 4,
                                                    "annexed_2014": 2}
    assert t.loc[t["status"] == "member", "iso"].str.fullmatch(r"RU-[A-Z]{2,3}").all()
    assert set(t.loc[t["status"] != "member", "iso_ua"]) == {
        "UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
    assert t["type"].value_counts().to_dict() == {
        "oblast": 48, "republic": 24, "krai": 9, "autonomous_okrug": 4, "federal_city": 3,
        "autonomous_oblast": 1}
    former = regions_table(include_former=True).query("status == 'former'")
    assert len(former) == 9 and former["successor_iso"].isin(t["iso"]).all()


@pytest.mark.parametrize("text, iso, matched", [
    ("Респ. Татарстан", "RU-TA", "name"),
    ("Пензенской обл.", "RU-PNZ", "name"),
    ("г. Москва", "RU-MOW", "name"),
    ("в Москве", "RU-MOW", "name"),
    ("Moscow", "RU-MOW", "name"),
    ("Moscow Oblast", "RU-MOS", "name"),
    ("Московская обл.", "RU-MOS", "name"),
    ("Permskiy kray", "RU-PER", "name"),
    ("Penzenskaya oblast", "RU-PNZ", "name"),
    ("Yakutia", "RU-SA", "alias"),
    ("ХМАО", "RU-KHM", "alias"),
    ("Ямало-Ненецкий АО", "RU-YAN", "name"),
    ("Yevreyskaya AO", "RU-YEV", "name"),
    ("Нижний Новгород", "RU-NIZ", "capital"),
    ("Orel", "RU-ORL", "capital"),
    ("Республика Алтай", "RU-AL", "name"),
    ("Алтайский край", "RU-ALT", "name"),
    ("Ленинград", "RU-SPE", "alias"),
    ("Leningrad Oblast", "RU-LEN", "name"),
])
def test_names_abbreviations_transliterations(text, iso, matched):
    out = normalize_region(pd.Series([text]))
    assert out.loc[0, "iso"] == iso and out.loc[0, "matched"] == matched


@pytest.mark.parametrize("text, successor", [
    ("Пермская область", "RU-PER"), ("Коми-Пермяцкий АО", "RU-PER"),
    ("Читинская обл.", "RU-ZAB"), ("Агинский Бурятский АО", "RU-ZAB"),
    ("Камчатская область", "RU-KAM"), ("Корякский АО", "RU-KAM"),
    ("Усть-Ордынский Бурятский АО", "RU-IRK"),
    ("Таймырский АО", "RU-KYA"), ("Эвенкийский автономный округ", "RU-KYA"),
])
def test_merged_regions_map_to_successor_and_say_so(text, successor):
    out = normalize_region(pd.Series([text]))
    assert out.loc[0, "iso"] == successor
    assert out.loc[0, "matched"].startswith("former subject")


@pytest.mark.parametrize("crimea, codes, country", [
    ("separate", ["UA-43", "UA-40", "UA-14"], "disputed"),
    ("ukraine", ["UA-43", "UA-40", "UA-14"], "UA"),
    ("russia", ["RU-CR", "RU-SEV", "RU-DPR"], "RU"),
])
def test_crimea_option_is_explicit(crimea, codes, country):
    out = normalize_region(pd.Series(["Республика Крым", "Севастополь", "ДНР"]), crimea=crimea)
    assert out["iso"].tolist() == codes and (out["country"] == country).all()
    with pytest.raises(ValueError, match="crimea"):
        normalize_region(pd.Series(["Крым"]), crimea="yes")


def test_unknown_and_ambiguous_are_reported():
    out = normalize_region(pd.Series(["Mars", "Altai", None]), fuzzy=100)
    assert out["iso"].isna().all()
    assert out["reason"].tolist()[0].startswith("unknown region")
    assert "Altai Krai" in out["reason"].tolist()[1] and "Altai Republic" in out[
        "reason"].tolist()[1]
    assert out["reason"].tolist()[2] == "missing"
    with pytest.raises(InputError, match="Mars"):
        normalize_region(pd.Series(["Mars"]), strict=True)


def test_fuzzy_match_is_labelled():
    out = normalize_region(pd.Series(["Kabardino-Balkarian Republic"]))
    assert out.loc[0, "iso"] == "RU-KB" and out.loc[0, "matched"].startswith("fuzzy")


@pytest.mark.mirror
def test_ovdinfo_regions(mirror):
    table = pd.read_csv(mirror / "ovdinfo" / "detentions_2013.csv", dtype=str)
    out = normalize_region(table["region"], strict=True)
    expected = {"Москва": "RU-MOW", "Санкт-Петербург": "RU-SPE",
                "Нижний Новгород": "RU-NIZ", "Воронеж": "RU-VOR"}
    assert set(table["region"]) == set(expected)
    assert (out["iso"] == table["region"].map(expected)).all()


@pytest.mark.mirror
def test_notable_case_regions(reference):
    cases = pd.read_csv(reference / "notable_cases.csv", dtype=str)
    out = normalize_region(cases["region"])
    # every written region is recognised; only the one empty cell is missing
    assert out["reason"].dropna().tolist() == ["missing"]
    by_start = {"Пензенская": "RU-PNZ", "Республика Коми": "RU-KO",
                "Свердловская область (суд)": "RU-SVE", "Ростовская": "RU-ROS",
                "Владимирская": "RU-VLA", "Алтайский край": "RU-ALT"}
    for start, iso in by_start.items():
        hit = cases["region"].fillna("").str.startswith(start)
        assert hit.any() and (out.loc[hit, "iso"] == iso).all(), start


@pytest.mark.parametrize("text, iso", [
    # romanised names in the style of the ISO 3166-2:RU tables (typed here)
    ("Amurskaya oblast'", "RU-AMU"), ("Tul'skaya oblast'", "RU-TUL"),
    ("Stavropol'skiy kray", "RU-STA"), ("Zabaykal'skiy kray", "RU-ZAB"),
    ("Moskva", "RU-MOW"), ("Sankt-Peterburg", "RU-SPE"),
    ("Chukotskiy avtonomnyy okrug", "RU-CHU"),
    ("Khanty-Mansiyskiy avtonomnyy okrug-Yugra", "RU-KHM"),
    ("Yamalo-Nenetskiy avtonomnyy okrug", "RU-YAN"),
    ("Yevreyskaya avtonomnaya oblast'", "RU-YEV"),
    ("Adygeya, Respublika", "RU-AD"), ("Altay, Respublika", "RU-AL"),
    ("Severnaya Osetiya-Alaniya, Respublika", "RU-SE"),
    ("Kabardino-Balkarskaya Respublika", "RU-KB"), ("Chechenskaya Respublika", "RU-CE"),
    ("Udmurtskaya Respublika", "RU-UD"), ("Chuvashskaya Respublika", "RU-CU"),
    ("Karachayevo-Cherkesskaya Respublika", "RU-KC"),
])
def test_romanised_iso_style_names(text, iso):
    out = normalize_region(pd.Series([text]), fuzzy=100)
    assert out.loc[0, "iso"] == iso, out.loc[0, "reason"]

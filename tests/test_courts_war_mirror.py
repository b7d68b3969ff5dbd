"""Integration tests over the real 2022-2024 workbooks (mirror: loose .xls in
``cdep/2022/``, ``cdep/2023/``, ``cdep/2024/``).

The expected figures were read by hand from the raw sheets (opened with xlrd in a scratch
script, cells inspected one by one; not with the package's reader). Each entry names
year, form, file, sheet, spreadsheet row (1-based), the row's label and the column letter
with its header.

Headers (checked by hand): 10.3 'Раздел 1': C 'ВСЕГО ОСУЖДЕНО', D 'пожизненное лишение
свободы', E 'лишение свободы'. 10.3.1 'Раздел 1': C 'Лишение свободы: всего', D 'до 1
года включительно', E 'свыше 1 до 2 лет', G 'свыше 3 до 5 лет', H 'свыше 5 до 8 лет'.
10-а: D 'Число осужденных по основной статье', E 'Дополнительная квалификация. Осуждено |
по числу лиц', F '… по количеству составов', G 'Число оправданных по основной статье'.
"""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.courts import stage
from repstats.stats import political_counts

from courts_helpers import assert_zip_reads_as_folder

pytestmark = pytest.mark.mirror

YEARS = (2022, 2023, 2024)


@pytest.fixture(scope="module")
def war(court_stats_real):
    # read_court_stats(mirror, years=YEARS) keeps exactly these years' rows, in order
    return court_stats_real[court_stats_real["year"].isin(YEARS)].reset_index(drop=True)


@pytest.fixture(scope="module")
def war_quality(built):
    """``reconcile(war)``: the war years' rows of the quality table the run's shared build
    wrote from the same long table (the same rows and values; reading its CSV saves a
    second reconciliation)."""
    q = stage.read_quality(built.processed)
    return q[q["year"].isin(YEARS)].reset_index(drop=True)


# (year, form, file, sheet, row, column, measure, value, row_type, article, part)
HAND = [
    # 2022 10.3 '10.3-2022.xls': 'Всего по составам УК РФ' row 9, C
    (2022, "10.3", "10.3-2022.xls", "Раздел 1", 9, "C", "convicted_total", 578751,
     "grand_total", None, None),
    # 'Воинские преступления' row 1017: C 1379, E 148
    (2022, "10.3", "10.3-2022.xls", "Раздел 1", 1017, "C", "convicted_total", 1379,
     "military_aggregate", None, None),
    (2022, "10.3", "10.3-2022.xls", "Раздел 1", 1017, "E", "imprisonment", 148,
     "military_aggregate", None, None),
    # combined row '264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, 275.1' row 1020, C 16
    (2022, "10.3", "10.3-2022.xls", "Раздел 1", 1020, "C", "convicted_total", 16,
     "article_group", None, None),
    # '207.3 ч. 2' row 486: C 6, E 2
    (2022, "10.3", "10.3-2022.xls", "Раздел 1", 486, "C", "convicted_total", 6, "article",
     "207.3", "2"),
    (2022, "10.3", "10.3-2022.xls", "Раздел 1", 486, "E", "imprisonment", 2, "article",
     "207.3", "2"),
    # 2022 10.3.1 '10.3.1-2022.xls': total row 10 C 165704, D 60165; military row 1018
    # C 148; combined row 1021 C 1, E 1
    (2022, "10.3.1", "10.3.1-2022.xls", "Раздел 1", 10, "C", "imprisonment", 165704,
     "grand_total", None, None),
    (2022, "10.3.1", "10.3.1-2022.xls", "Раздел 1", 10, "D", "imprisonment_upto_1y",
     60165, "grand_total", None, None),
    (2022, "10.3.1", "10.3.1-2022.xls", "Раздел 1", 1018, "C", "imprisonment", 148,
     "military_aggregate", None, None),
    (2022, "10.3.1", "10.3.1-2022.xls", "Раздел 1", 1021, "E", "imprisonment_1_2y", 1,
     "article_group", None, None),
    # 2022 10-а '10a-2022.xls': 'ВСЕГО ПО РАЗДЕЛАМ' ('105 - 361') row 8: D 578751,
    # G 1093; 'Раздел 15 (Гл. 29)' row 5 (275, stored as the number 275.0): D 16, F 1;
    # row 41 '275.1' (appended, 'Составы преступлений, введенные в УК РФ в 2022 году'):
    # D 0; 'Раздел 13 (Гл. 27)' row 48 '264.3 ч. 1': D 14
    (2022, "10-a", "10a-2022.xls", "Раздел 1", 8, "D", "convicted_main", 578751,
     "grand_total", None, None),
    (2022, "10-a", "10a-2022.xls", "Раздел 1", 8, "G", "acquitted", 1093, "grand_total",
     None, None),
    (2022, "10-a", "10a-2022.xls", "Раздел 15 (Гл. 29)", 5, "D", "convicted_main", 16,
     "article", "275", None),
    (2022, "10-a", "10a-2022.xls", "Раздел 15 (Гл. 29)", 5, "F", "additional_counts", 1,
     "article", "275", None),
    (2022, "10-a", "10a-2022.xls", "Раздел 15 (Гл. 29)", 41, "D", "convicted_main", 0,
     "article", "275.1", None),
    (2022, "10-a", "10a-2022.xls", "Раздел 13 (Гл. 27)", 48, "D", "convicted_main", 14,
     "article", "264.3", "1"),
    # 2023 10.3 'K7-svod_vse_sudy-2023.xls': total row 9 C 555743; military row 1058
    # C 4409, E 2238; row 810 (275.0): C 39, D 1; row 821 '280.3 ч. 1': C 43
    (2023, "10.3", "K7-svod_vse_sudy-2023.xls", "Раздел 1", 9, "C", "convicted_total",
     555743, "grand_total", None, None),
    (2023, "10.3", "K7-svod_vse_sudy-2023.xls", "Раздел 1", 1058, "C", "convicted_total",
     4409, "military_aggregate", None, None),
    (2023, "10.3", "K7-svod_vse_sudy-2023.xls", "Раздел 1", 1058, "E", "imprisonment",
     2238, "military_aggregate", None, None),
    (2023, "10.3", "K7-svod_vse_sudy-2023.xls", "Раздел 1", 810, "C", "convicted_total",
     39, "article", "275", None),
    (2023, "10.3", "K7-svod_vse_sudy-2023.xls", "Раздел 1", 810, "D", "life_imprisonment",
     1, "article", "275", None),
    (2023, "10.3", "K7-svod_vse_sudy-2023.xls", "Раздел 1", 821, "C", "convicted_total",
     43, "article", "280.3", "1"),
    # 2023 10.3.1 'K7_1-svod_vse_sudy-2023.xls': row 491 '207.3 ч. 2': C 28, H 18;
    # military row 1059 ('Воинские преступления ' with a trailing space) C 2238
    (2023, "10.3.1", "K7_1-svod_vse_sudy-2023.xls", "Раздел 1", 491, "C", "imprisonment",
     28, "article", "207.3", "2"),
    (2023, "10.3.1", "K7_1-svod_vse_sudy-2023.xls", "Раздел 1", 491, "H",
     "imprisonment_5_8y", 18, "article", "207.3", "2"),
    (2023, "10.3.1", "K7_1-svod_vse_sudy-2023.xls", "Раздел 1", 1059, "C", "imprisonment",
     2238, "military_aggregate", None, None),
    # 2023 10-а 'k3-svod_vse_sudy-2023.xls': 'Раздел 10 (Гл. 24)' row 34 '207.3 ч. 2':
    # D 33; 'Раздел 15 (Гл. 29)' row 17 '280.3 ч. 1': D 43, E 4
    (2023, "10-a", "k3-svod_vse_sudy-2023.xls", "Раздел 10 (Гл. 24)", 34, "D",
     "convicted_main", 33, "article", "207.3", "2"),
    (2023, "10-a", "k3-svod_vse_sudy-2023.xls", "Раздел 15 (Гл. 29)", 17, "D",
     "convicted_main", 43, "article", "280.3", "1"),
    (2023, "10-a", "k3-svod_vse_sudy-2023.xls", "Раздел 15 (Гл. 29)", 17, "E",
     "additional_persons", 4, "article", "280.3", "1"),
    # 2024 10.3 'K7-svod_vse_sudy-2024.xls': total row 9 C 512845, E 144837; military
    # row 1074 C 9206; row 823 (275.0) C 145; row 1077 ' 322.1 ч. 3' (leading space,
    # appended after the military row) C 0
    (2024, "10.3", "K7-svod_vse_sudy-2024.xls", "Раздел 1", 9, "C", "convicted_total",
     512845, "grand_total", None, None),
    (2024, "10.3", "K7-svod_vse_sudy-2024.xls", "Раздел 1", 9, "E", "imprisonment",
     144837, "grand_total", None, None),
    (2024, "10.3", "K7-svod_vse_sudy-2024.xls", "Раздел 1", 1074, "C", "convicted_total",
     9206, "military_aggregate", None, None),
    (2024, "10.3", "K7-svod_vse_sudy-2024.xls", "Раздел 1", 823, "C", "convicted_total",
     145, "article", "275", None),
    (2024, "10.3", "K7-svod_vse_sudy-2024.xls", "Раздел 1", 1077, "C", "convicted_total",
     0, "article", "322.1", "3"),
    # 2024 10.3.1 'K7.1-svod_vse_sudy-2024.xls': row 825 '275.1': C 21, G 17; military
    # row 1075: C 5576, H 2288
    (2024, "10.3.1", "K7.1-svod_vse_sudy-2024.xls", "Раздел 1", 825, "C", "imprisonment",
     21, "article", "275.1", None),
    (2024, "10.3.1", "K7.1-svod_vse_sudy-2024.xls", "Раздел 1", 825, "G",
     "imprisonment_3_5y", 17, "article", "275.1", None),
    (2024, "10.3.1", "K7.1-svod_vse_sudy-2024.xls", "Раздел 1", 1075, "C", "imprisonment",
     5576, "military_aggregate", None, None),
    (2024, "10.3.1", "K7.1-svod_vse_sudy-2024.xls", "Раздел 1", 1075, "H",
     "imprisonment_5_8y", 2288, "military_aggregate", None, None),
    # 2024 10-а 'k3-svod_vse_sudy-2024.xls': 'ВСЕГО ПО РАЗДЕЛАМ' with the label
    # '105 - 361 (вкл. ст. 248 ч. 3,  322.1 ч. 3)' row 8: D 512845; 'Раздел 15 (Гл. 29)'
    # row 6 (275.0): D 145, E 11; 'Раздел 10 (Гл. 24)' row 34 '207.3 ч. 2': D 67
    (2024, "10-a", "k3-svod_vse_sudy-2024.xls", "Раздел 1", 8, "D", "convicted_main",
     512845, "grand_total", None, None),
    (2024, "10-a", "k3-svod_vse_sudy-2024.xls", "Раздел 15 (Гл. 29)", 6, "D",
     "convicted_main", 145, "article", "275", None),
    (2024, "10-a", "k3-svod_vse_sudy-2024.xls", "Раздел 15 (Гл. 29)", 6, "E",
     "additional_persons", 11, "article", "275", None),
    (2024, "10-a", "k3-svod_vse_sudy-2024.xls", "Раздел 10 (Гл. 24)", 34, "D",
     "convicted_main", 67, "article", "207.3", "2"),
]


@pytest.mark.parametrize("year, form, file, sheet, row, column, measure, value, row_type, "
                         "article, part", HAND)
def test_hand_read_figures(war, year, form, file, sheet, row, column, measure, value,
                           row_type, article, part):
    sel = war[(war["year"] == year) & (war["form"] == form) & (war["sheet"] == sheet)
              & (war["row"] == row) & (war["measure"] == measure)]
    assert len(sel) == 1, sel
    got = sel.iloc[0]
    assert got["value"] == value
    assert got["column"] == column
    assert got["member"] == file and got["source_file"] == f"cdep/{year}/{file}"
    assert got["row_type"] == row_type
    assert (None if pd.isna(got["article"]) else got["article"]) == article
    assert (None if pd.isna(got["part"]) else got["part"]) == part


def test_combined_row_2022_lists_its_parts(war):
    r = war[(war["year"] == 2022) & (war["form"] == "10.3") & (war["row"] == 1020)
            & (war["measure"] == "convicted_total")].iloc[0]
    assert r["lumped_parts"] == "264.3 ч.1; 264.3 ч.2; 274.2 ч.1; 275.1"
    assert r["label"] == "264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, 275.1"


@pytest.mark.parametrize("year, military, articles, total", [
    (2022, 1379, 577372, 578751),  # MANIFEST.md: 1,379 / 578,751
    (2023, 4409, 551334, 555743),  # MANIFEST.md: 4,409 / 555,743
    (2024, 9206, 503639, 512845),  # MANIFEST.md: 9,206 / 512,845
])
def test_military_gap_of_10a_explained_by_10_3(war, war_quality, year, military, articles,
                                               total):
    q = war_quality
    m = q[(q["check"] == "military_10-a_vs_10.3") & (q["year"] == year)].iloc[0]
    assert (m["status"], m["expected"], m["observed"]) == ("pass", military, military)
    a = q[(q["check"] == "article_sum") & (q["year"] == year) & (q["form"] == "10-a")
          & (q["measure"] == "convicted_main")].iloc[0]
    assert (a["status"], a["expected"], a["observed"]) == ("explained", total, articles)
    assert f"({military})" in a["detail"]
    # 10.3: article rows (+ combined rows) + military aggregate = grand total, exactly
    s = q[(q["check"] == "article_sum") & (q["year"] == year) & (q["form"] == "10.3")
          & (q["measure"] == "convicted_total")].iloc[0]
    assert (s["status"], s["expected"]) == ("pass", total)
    # 10-а has no chapter-33 sheet: no article of chapter 33 in its rows
    arts = war[(war["year"] == year) & (war["form"] == "10-a")
               & (war["row_type"] == "article")]["article"]
    assert not arts.str.split(".").str[0].astype(int).between(331, 352).any()


def test_10a_lists_what_10_3_combines_2022(war_quality):
    q = war_quality
    c = q[(q["check"] == "convicted_10-a_vs_10.3") & (q["year"] == 2022)
          & q["detail"].str.contains("'264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, 275.1'")]
    assert len(c) == 1
    assert (c.iloc[0]["expected"], c.iloc[0]["observed"], c.iloc[0]["status"]) == \
        (16, 16, "pass")


def test_real_aliases_and_rejects(war, war_quality):
    q = war_quality
    rej = q[q["check"] == "label_rejected"]
    # 2023 10.3 row 435 reads '201. 3' (10.3.1 has '201.3' on the same line 427); 2024
    # 10.3 row 439 and 10.3.1 row 440 both read '201. 3' (line 431); 2024 10-а
    # 'Раздел 21' row 510 reads '126 ч. часть 2 п.<<и>>'. All hold 0 persons.
    assert set(zip(rej["year"], rej["form"], rej["row"])) == {
        (2023, "10.3", 435), (2024, "10.3", 439), (2024, "10.3.1", 440),
        (2024, "10-a", 510)}
    vals = war[(war["row_type"] == "rejected") & (war["measure"].isin(
        ["convicted_total", "imprisonment", "convicted_main"]))]["value"]
    assert len(vals) == 6 and (vals == 0).all()  # 10.3: convicted_total + imprisonment
    la = q[(q["check"] == "label_alias") & (q["year"] == 2023) & (q["form"] == "10.3")]
    assert la["detail"].str.contains("same line number: 10.3 '201. 3' is 10.3.1 '201.3'",
                                     regex=False).any()


def test_2024_source_error_reported_not_hidden(war_quality):
    # 2024 10-а repeats 'ст. 248 ч. 3' in chapter 32 where the chapter total names 322.1
    # ч. 3: a duplicated key in the official file, reported
    d = war_quality[(war_quality["check"] == "duplicate_key")
                    & (war_quality["year"] == 2024)]
    assert set(d["article"]) == {"248"} and set(d["status"]) == {"fail"}


def test_wartime_counts(war):
    from repstats.statutes.taxonomy import taxonomy

    tax = taxonomy()
    a = political_counts(war, tax, form="10-a", by="article_part")
    assert a["missing_reason"].isna().all()  # 10-а lists the 2022 articles apart
    b = political_counts(war, tax, form="10.3", by="article_part")
    blocked = b[b["missing_reason"].notna()]
    assert set(zip(blocked["year"], blocked["article"])) == {(2022, "275.1")}
    assert blocked["persons"].isna().all()


def test_zip_and_loose_give_the_same_rows(mirror, tmp_path):
    loose = assert_zip_reads_as_folder(mirror / "cdep" / "2022", tmp_path / "2022.zip")
    assert set(loose["form"]) == {"10-a", "10.3", "10.3.1"}

"""Integration tests over the real court forms of 2009-2024 (mirror: 13 yearly zips and
three folders of loose workbooks; the war years have their own hand-read figures in
test_courts_war_mirror.py).

The expected figures below were read by hand from the raw sheets (opened with
python-calamine and xlrd in a scratch script, cells inspected); each comment names year,
form, member, sheet, row label, spreadsheet row (1-based) and column letter.
"""
from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from repstats.config import paths
from repstats.courts import stage
from repstats.courts.archive import read_members
from repstats.courts.excel import cell_text, read_sheets

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="session")
def courts(court_stats_real):
    return court_stats_real  # read_court_stats(mirror), from the run's shared build


@pytest.fixture(scope="session")
def quality(built):
    """``reconcile(read_court_stats(mirror))``, as the run's shared build wrote it (the
    build reconciles the same long table; reading its CSV saves a second reconciliation
    of 752k rows)."""
    return stage.read_quality(built.processed)


def cell(df, year, form, sheet, row, measure, member=None):
    sel = df[(df["year"] == year) & (df["form"] == form) & (df["sheet"] == sheet)
             & (df["row"] == row) & (df["measure"] == measure)]
    if member is not None:
        sel = sel[sel["member"] == member]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# (year, form, member or None, sheet, row, measure, column, value, row_type, article, part)
CHECKED = [
    # 2016 10.3, 'Всего по составам УК РФ', row 9, col C 'ВСЕГО ОСУЖДЕНО'
    (2016, "10.3", None, "Раздел 1", 9, "convicted_total", "C", 741329, "grand_total",
     None, None),
    # 2016 10.3, '105 ч.1', row 10: C 'ВСЕГО ОСУЖДЕНО', E 'Лишение свободы',
    # F 'Условное осуждение к лишению свободы'
    (2016, "10.3", None, "Раздел 1", 10, "convicted_total", "C", 6959, "article", "105", "1"),
    (2016, "10.3", None, "Раздел 1", 10, "imprisonment", "E", 6905, "article", "105", "1"),
    (2016, "10.3", None, "Раздел 1", 10, "suspended_imprisonment", "F", 42, "article", "105",
     "1"),
    # 2016 10.3, '105 ч.2', row 11, col D 'Пожизненное лишение свободы'
    (2016, "10.3", None, "Раздел 1", 11, "life_imprisonment", "D", 72, "article", "105", "2"),
    # 2016 10.3, 'Воинские преступления', row 847, col C
    (2016, "10.3", None, "Раздел 1", 847, "convicted_total", "C", 1669,
     "military_aggregate", None, None),
    # 2009 10.3 ('ф 10.3 (k7rwsqgv)-2009.xls'), '159 ч.4', row 541: C total, E imprisonment
    (2009, "10.3", None, "Раздел 1", 541, "convicted_total", "C", 1881, "article", "159", "4"),
    (2009, "10.3", None, "Раздел 1", 541, "imprisonment", "E", 1192, "article", "159", "4"),
    # 2010 10.3 (k7rwsqgv-svod-2010), '105 ч.1', row 9: brackets still in 10.3,
    # F 'до 1 года вкл.' 18, G 'Свыше 1 до 3 лет вкл.' 136, M 'ниже низшего предела' 346
    (2010, "10.3", None, "Раздел 1", 9, "imprisonment_upto_1y", "F", 18, "article", "105", "1"),
    (2010, "10.3", None, "Раздел 1", 9, "imprisonment_1_3y", "G", 136, "article", "105", "1"),
    (2010, "10.3", None, "Раздел 1", 9, "below_minimum", "M", 346, "article", "105", "1"),
    # 2010 10.3, 'Всего по составам УК РФ', row 8, col G (1–3 years) 124944
    (2010, "10.3", None, "Раздел 1", 8, "imprisonment_1_3y", "G", 124944, "grand_total",
     None, None),
    # 2011 10.3, 'Воинские преступления', row 607, col C
    (2011, "10.3", None, "Раздел 1", 607, "convicted_total", "C", 3182, "military_aggregate",
     None, None),
    # 2017 10.3, 'Небольшой тяжести' (gravity summary), row 888, col C
    (2017, "10.3", None, "Раздел 1", 888, "convicted_total", "C", 348218, "summary", None,
     None),
    # 2012 swap: 'forma_10_3-2012_g.xls' holds form 10.3.1; 'Всего по составам', row 8:
    # C 'Лишение свободы: всего' 204261, D 'До 1 года' 47457, E '1–2 года' 61376,
    # L 'ниже низшего предела' 11728
    (2012, "10.3.1", "forma_10_3-2012_g.xls", "Раздел 1", 8, "imprisonment", "C", 204261,
     "grand_total", None, None),
    (2012, "10.3.1", "forma_10_3-2012_g.xls", "Раздел 1", 8, "imprisonment_upto_1y", "D",
     47457, "grand_total", None, None),
    (2012, "10.3.1", "forma_10_3-2012_g.xls", "Раздел 1", 8, "imprisonment_1_2y", "E",
     61376, "grand_total", None, None),
    (2012, "10.3.1", "forma_10_3-2012_g.xls", "Раздел 1", 8, "below_minimum", "L", 11728,
     "grand_total", None, None),
    # 2012 swap: 'forma_10_3-2012_g.xls', '105 ч.1', row 9, col H (5–8 years) 3554
    (2012, "10.3.1", "forma_10_3-2012_g.xls", "Раздел 1", 9, "imprisonment_5_8y", "H", 3554,
     "article", "105", "1"),
    # 2012 swap: 'forma_10_3_1-2012_g.xls' holds form 10.3; row 8: C 739278, E 204261,
    # H 'Штраф' 113638
    (2012, "10.3", "forma_10_3_1-2012_g.xls", "Раздел 1", 8, "convicted_total", "C", 739278,
     "grand_total", None, None),
    (2012, "10.3", "forma_10_3_1-2012_g.xls", "Раздел 1", 8, "imprisonment", "E", 204261,
     "grand_total", None, None),
    (2012, "10.3", "forma_10_3_1-2012_g.xls", "Раздел 1", 8, "fine", "H", 113638,
     "grand_total", None, None),
    # 2020 10.3.1, '205.2 ч. 2', row 453: C 65, D 4, E 21, F 18, G 16, H 6, L 10
    (2020, "10.3.1", None, "Раздел 1", 453, "imprisonment", "C", 65, "article", "205.2", "2"),
    (2020, "10.3.1", None, "Раздел 1", 453, "imprisonment_1_2y", "E", 21, "article", "205.2",
     "2"),
    (2020, "10.3.1", None, "Раздел 1", 453, "imprisonment_3_5y", "G", 16, "article", "205.2",
     "2"),
    (2020, "10.3.1", None, "Раздел 1", 453, "below_minimum", "L", 10, "article", "205.2", "2"),
    # 2020 10.3, '205.2 ч. 2', row 452: C 'ВСЕГО ОСУЖДЕНО' 111, E imprisonment 65
    (2020, "10.3", None, "Раздел 1", 452, "convicted_total", "C", 111, "article", "205.2",
     "2"),
    (2020, "10.3", None, "Раздел 1", 452, "imprisonment", "E", 65, "article", "205.2", "2"),
    # 2014 10.3.1, '282 ч.1', row 624: C 12, D (up to 1 year) 9
    (2014, "10.3.1", None, "Раздел 1", 624, "imprisonment", "C", 12, "article", "282", "1"),
    (2014, "10.3.1", None, "Раздел 1", 624, "imprisonment_upto_1y", "D", 9, "article", "282",
     "1"),
    # 2009 10-а, 'ВСЕГО ПО РАЗДЕЛАМ', row 10, col D 'Число осужденных по основной статье'
    (2009, "10-a", None, "Раздел 1", 10, "convicted_main", "D", 892361, "grand_total", None,
     None),
    # 2009 10-а, 'Убийство' '105 ч.1', row 17: D 10719, E (additional qualification) 118
    (2009, "10-a", None, "Раздел 1", 17, "convicted_main", "D", 10719, "article", "105", "1"),
    (2009, "10-a", None, "Раздел 1", 17, "additional_persons", "E", 118, "article", "105",
     "1"),
    # 2016 10-а, 'ВСЕГО ПО РАЗДЕЛАМ', row 11: D 741329, E 73737 (persons), F 245793
    # (counts), G 'Число оправданных по основной статье' 2649
    (2016, "10-a", None, "Раздел 1", 11, "convicted_main", "D", 741329, "grand_total", None,
     None),
    (2016, "10-a", None, "Раздел 1", 11, "additional_persons", "E", 73737, "grand_total",
     None, None),
    (2016, "10-a", None, "Раздел 1", 11, "additional_counts", "F", 245793, "grand_total",
     None, None),
    (2016, "10-a", None, "Раздел 1", 11, "acquitted", "G", 2649, "grand_total", None, None),
    # 2013 10-а, sheet 'Раздел 2' (military), '335 ч.1', row 19: D 578, E 88, F 242
    (2013, "10-a", None, "Раздел 2", 19, "convicted_main", "D", 578, "article", "335", "1"),
    (2013, "10-a", None, "Раздел 2", 19, "additional_counts", "F", 242, "article", "335", "1"),
    # 2018 10-а, sheet 'Раздел 3 (Гл. 17)', '128.1 ч. 1' (Клевета), row 23: D 69, G 465
    (2018, "10-a", None, "Раздел 3 (Гл. 17)", 23, "convicted_main", "D", 69, "article",
     "128.1", "1"),
    (2018, "10-a", None, "Раздел 3 (Гл. 17)", 23, "acquitted", "G", 465, "article", "128.1",
     "1"),
    # 2017 10-а, sheet 'Раздел 21', '105 ч. 2 п. «а», п. «н» …', row 7, col D 523
    (2017, "10-a", None, "Раздел 21", 7, "convicted_main", "D", 523, "paragraph", "105", "2"),
]


@pytest.fixture(scope="module")
def checked_rows(courts):
    """The rows of the years and spreadsheet rows CHECKED names, selected once: every row
    :func:`cell` could match (42 lookups in the whole table cost ~3 CPU-s)."""
    return courts[courts["year"].isin({c[0] for c in CHECKED})
                  & courts["row"].isin({c[4] for c in CHECKED})]


@pytest.mark.parametrize("year, form, member, sheet, row, measure, column, value, row_type, "
                         "article, part", CHECKED)
def test_hand_checked_figures(checked_rows, year, form, member, sheet, row, measure, column,
                              value, row_type, article, part):
    got = cell(checked_rows, year, form, sheet, row, measure, member)
    assert got["value"] == value
    assert got["column"] == column
    assert got["row_type"] == row_type
    assert (None if pd.isna(got["article"]) else got["article"]) == article
    assert (None if pd.isna(got["part"]) else got["part"]) == part


def test_all_years_and_forms(courts):
    got = courts.groupby("year")["form"].agg(lambda s: tuple(sorted(s.unique())))
    assert list(got.index) == list(range(2009, 2025))
    for year, forms in got.items():
        expected = ("10-a", "10.3") if year <= 2010 else ("10-a", "10.3", "10.3.1")
        assert forms == expected, year


@pytest.mark.parametrize("year, articles, military, total", [
    (2016, 739660, 1669, 741329),  # MANIFEST.md
    (2020, 530019, 979, 530998),   # MANIFEST.md
])
def test_manifest_sums(courts, year, articles, military, total):
    d = courts[(courts["year"] == year) & (courts["form"] == "10.3")
               & (courts["measure"] == "convicted_total")]
    assert d.loc[d["row_type"].isin(["article", "article_group"]), "value"].sum() == articles
    assert d.loc[d["row_type"] == "military_aggregate", "value"].sum() == military
    assert d.loc[d["row_type"] == "grand_total", "value"].item() == total


def test_2012_swap_identified_from_title(courts):
    members = (courts.loc[courts["year"] == 2012, ["form", "member"]]
               .groupby("form")["member"].unique()
               .map(list).to_dict())
    assert members["10.3"] == ["forma_10_3_1-2012_g.xls"]
    assert members["10.3.1"] == ["forma_10_3-2012_g.xls"]


def test_brackets_move_from_10_3_to_10_3_1(courts):
    rows = courts["measure"].str.startswith("imprisonment_")
    by = courts.loc[rows, ["year", "form", "measure"]].groupby(
        ["year", "form"])["measure"].agg(set)
    assert "imprisonment_1_3y" in by[(2010, "10.3")]
    assert "imprisonment_1_2y" not in by[(2010, "10.3")]
    assert {"imprisonment_1_2y", "imprisonment_2_3y"} <= by[(2011, "10.3.1")]
    assert (2011, "10.3") not in by.index


def test_every_article_row_of_10_3_2016_is_read(courts, mirror):
    """Count the raw sheet's rows whose label starts with an article number."""
    member = next(m for m in read_members(mirror / "cdep/2016.zip")
                  if m.name == "10.3-svod-2016.xls")
    grid = read_sheets(member.data)[1].grid
    raw_rows = {i + 1 for i, r in enumerate(grid)
                if re.match(r"^\d{3}", cell_text(r[0])) and i > 8}
    d = courts[(courts["year"] == 2016) & (courts["form"] == "10.3")]
    read_rows = set(d.loc[d["row_type"].isin(["article", "article_group"]), "row"])
    assert raw_rows == read_rows


def test_totals_never_mixed_into_articles(courts):
    # masks over the two columns (selecting rows of the whole 20-column frame copies it:
    # ~1.3 CPU-s)
    kind, article = courts["row_type"], courts["article"]
    art = kind.isin(["article", "paragraph"])
    assert art.any() and article[art].notna().all()
    tot = kind.isin(["grand_total", "chapter_total", "military_aggregate", "summary"])
    assert tot.any() and article[tot].isna().all()


def test_reconciliation_reports_real_disagreements(quality):
    # 10.3 vs 10.3.1 imprisonment, 2014, '188 ч.2': 10.3 says 3, 10.3.1 says 2
    bad = quality[(quality["check"] == "imprisonment_10.3_vs_10.3.1")
                  & (quality["status"] == "fail")]
    row = bad[(bad["year"] == 2014) & (bad["article"] == "188") & (bad["part"] == "2")]
    assert len(row) == 1
    r = row.iloc[0]
    assert (r["expected"], r["observed"], r["difference"]) == (3, 2, -1)
    assert r["source_file"] == "cdep/2014.zip" and r["column"] and r["row"] > 0
    # 10-а 2009 lacks the military articles: its articles miss exactly 10.3's
    # 'Воинские преступления' (5614), a gap explained, not failed and not hidden
    a = quality[(quality["check"] == "article_sum") & (quality["year"] == 2009)
                & (quality["form"] == "10-a") & (quality["measure"] == "convicted_main")]
    assert a["difference"].item() == -5614 and a["status"].item() == "explained"
    assert "(5614)" in a["detail"].item()
    # every year 2009-2024 is reconciled, in every check that applies to it
    years = set(range(2009, 2025))
    for check in ("article_sum", "bracket_sum", "convicted_10-a_vs_10.3",
                  "military_10-a_vs_10.3"):
        assert set(quality.loc[quality["check"] == check, "year"]) == years, check
    assert set(quality.loc[quality["check"] == "imprisonment_10.3_vs_10.3.1", "year"]) \
        == set(range(2011, 2025))
    # 10.3 convicted_total reconciles exactly in 2016 and 2020
    ok = quality[(quality["check"] == "article_sum") & (quality["form"] == "10.3")
                 & (quality["measure"] == "convicted_total")
                 & quality["year"].isin([2016, 2020])]
    assert (ok["status"] == "pass").all() and len(ok) == 2


@pytest.mark.slow
def test_two_builds_byte_identical(built, mirror, tmp_path):
    """A second build of the courts stage gives the bytes of the run's shared build."""
    from repstats.build import run_build

    def sha(f):
        return hashlib.sha256(f.read_bytes()).hexdigest()

    p = paths(raw=mirror, processed=tmp_path / "b")
    files = run_build(p, ["courts"], log=lambda s: None)["courts"]
    again = {f.name: sha(f) for f in files}
    first = {name: sha(built.processed / name) for name in again}
    assert again == first
    assert set(again) == {"court_stats.parquet", "court_stats_quality.csv",
                          "court_stats_codebook.csv"}
    checks = stage.validate(paths(raw=mirror, processed=tmp_path / "b"))
    assert set(checks["status"]) <= {"pass", "warn"}
    assert (checks.loc[checks["check"] == "schema", "status"] == "pass").all()


def test_nothing_written_on_bad_input(tmp_path):
    raw = tmp_path / "raw"
    (raw / "cdep").mkdir(parents=True)
    (raw / "cdep" / "2016.zip").write_bytes(b"PK\x03\x04 truncated")
    out = tmp_path / "processed"
    with pytest.raises(ValueError):
        stage.build(paths(raw=raw, processed=out))
    assert not out.exists() or not any(out.iterdir())

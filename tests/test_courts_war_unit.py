"""The war years' traps (2022-2024 layout) on small workbooks built in code.

A year is a folder of loose workbooks identified by their title sheets; labels are
numbers (275.0), have leading spaces, 'ч.1' without a space, line breaks and
annotations; counts are floats; articles are appended after the military row; 10.3 has
combined rows; 10-а has no military rows but its total includes them; the 2024 10-а
grand-total label reads '105 - 361 (вкл. ст. 248 ч. 3, ...)'.
"""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from repstats.courts import read_court_stats, read_year, reconcile, validate_court_stats
from repstats.courts.crosswalk import form_crosswalk, join_forms
from repstats.courts.labels import LabelShapeError, lumped_pairs, lumped_parts, parse_label
from repstats.errors import InputError
from repstats.stats import political_counts

from courts_helpers import assert_zip_reads_as_folder

COMBINED = "264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, 275.1"


def _book(form_code, rows, year=2022, title_rows=()):
    wb = openpyxl.Workbook()
    title = wb.active
    title.title = "Титул"
    title.append(["ОТЧЕТ"])
    title.append(["", "за", 12, "месяцев", year, "г."])
    title.append(["Кто представляет", "", "", f"Форма № {form_code}"])
    data = wb.create_sheet("Раздел 1")
    for r in title_rows:
        data.append(r)
    for r in rows:
        data.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_10_3(**change):
    rows = [["Статьи УК РФ", "№ п/п", "ВСЕГО ОСУЖДЕНО", "лишение свободы"],
            ["А", "", 1.0, 2.0],
            ["Всего по составам УК РФ", 1.0, 30.0, 12.0],
            [275.0, 2.0, 5.0, 4.0],
            [" 322.1 ч. 3", 3.0, 4.0, 3.0],
            ["282.4 ч.1", 4.0, 3.0, 2.0],
            ["207.3 ч. 2 (в редакции\nФЗ от 04.03.2022 № 32-ФЗ)", 5.0, 2.0, 1.0],
            ["168", 6.0, 0.0, 0.0],
            ["Воинские преступления", 7.0, 10.0, 1.0],
            ["116.1 ч. 2", 8.0, 1.0, 0.0],
            [COMBINED, 9.0, 5.0, 1.0]]
    for (r, c), v in change.get("cells", {}).items():
        rows[r][c] = v
    return rows


def rows_10_3_1():
    return [["Статьи УК РФ", "№ стр.", "Лишение свободы: всего (число лиц)",
             "до 1 года включительно", "свыше 1 до 2 лет включительно"],
            ["А", "", 1.0, 2.0, 3.0],
            ["Всего по составам УК РФ", 1.0, 12.0, 7.0, 5.0],
            [275.0, 2.0, 4.0, 2.0, 2.0],
            ["322.1 ч. 3", 3.0, 3.0, 2.0, 1.0],
            ["282.4 ч. 1", 4.0, 2.0, 1.0, 1.0],
            ["207.3 ч. 2 (в ред. ФЗ от 04.03.2022 № 32-ФЗ)", 5.0, 1.0, 1.0, 0.0],
            ["168 ч.1", 6.0, 0.0, 0.0, 0.0],
            ["Воинские преступления", 7.0, 1.0, 0.0, 1.0],
            ["116.1 ч. 2", 8.0, 0.0, 0.0, 0.0],
            [COMBINED, 9.0, 1.0, 1.0, 0.0]]


def rows_10_a(total_label="105 - 361 (вкл. ст. 248 ч. 3,  322.1 ч. 3)"):
    x = "Вид преступления"
    rows = [["Виды преступлений", "Статьи УК РФ", "№ стр.",
             "Число осужденных по основной статье"],
            ["А", "Б", "", 1.0],
            ["ВСЕГО ПО РАЗДЕЛАМ \n(сумма строк 2, 8)", total_label, 1.0, 30.0],
            ["Государственная измена", 275.0, 2.0, 5.0],
            [x, " 322.1 ч. 3", 3.0, 4.0],
            [x, "282.4 ч.1", 4.0, 3.0],
            [x, "207.3 ч. 2", 5.0, 2.0],
            [x, "168 ч. 1", 6.0, 0.0],
            [x, "116.1 ч. 2", 7.0, 1.0],
            [x, "264.3 ч. 1", 8.0, 4.0],
            [x, "264.3 ч. 2", 9.0, 1.0],
            [x, "274.2 ч. 1", 10.0, 0.0],
            ["Составы преступлений, введенные в УК РФ в 2022 году", "275.1", 11.0, 0.0]]
    # a second value column (acquitted: none), as the real form has several
    rows[0].append("Число оправданных по основной статье")
    rows[1].append(2.0)
    for r in rows[2:]:
        r.append(0.0)
    return rows


def write_year(folder, year=2022, books=None):
    """A year folder of loose workbooks, named as the Judicial Department names them."""
    folder.mkdir(parents=True, exist_ok=True)
    books = books or {f"k3-svod_vse_sudy-{year}.xlsx": _book("10-а", rows_10_a(), year),
                      f"K7-svod_vse_sudy-{year}.xlsx": _book("10.3", rows_10_3(), year),
                      f"K7_1-svod_vse_sudy-{year}.xlsx": _book("10.3.1", rows_10_3_1(),
                                                               year)}
    for name, data in books.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def year_dir(tmp_path):
    return write_year(tmp_path / "raw" / "cdep" / "2022")


@pytest.fixture
def table(year_dir):
    return read_year(year_dir)


def one(df, form, row, measure):
    sel = df[(df["form"] == form) & (df["row"] == row) & (df["measure"] == measure)]
    assert len(sel) == 1, sel
    return sel.iloc[0]

# ---------------------------------------------------------------- reading a folder


def test_folder_year_reads_every_trap(table):
    validate_court_stats(table)
    assert table["source_file"].str.startswith("cdep/2022/").all()
    assert set(table["form"]) == {"10-a", "10.3", "10.3.1"}
    # 275.0 stored as a number is article 275, not 275.0
    r = one(table, "10.3", 4, "convicted_total")
    assert (r["article"], r["part"], r["value"], r["line"]) == ("275", None, 5, 2) or \
        (r["article"], pd.isna(r["part"]), r["value"], r["line"]) == ("275", True, 5, 2)
    # leading space; 'ч.1' without a space
    assert (one(table, "10.3", 5, "convicted_total")[["article", "part"]].tolist()
            == ["322.1", "3"])
    assert (one(table, "10.3", 6, "convicted_total")[["article", "part"]].tolist()
            == ["282.4", "1"])
    # a multi-line annotated label: the annotation is the row's redaction
    r = one(table, "10.3", 7, "imprisonment")
    assert (r["article"], r["part"], r["redaction"]) == \
        ("207.3", "2", "в редакции ФЗ от 04.03.2022 № 32-ФЗ")
    # an article appended after the military row is an ordinary article row
    r = one(table, "10.3", 10, "convicted_total")
    assert (r["row_type"], r["article"], r["part"]) == ("article", "116.1", "2")
    # float counts are integers
    assert table["value"].dtype == "int64"


def test_combined_row_keeps_its_lumped_article_parts(table):
    r = one(table, "10.3", 11, "convicted_total")
    assert r["row_type"] == "article_group" and pd.isna(r["article"])
    assert r["lumped_parts"] == "264.3 ч.1; 264.3 ч.2; 274.2 ч.1; 275.1"
    assert lumped_pairs(r["lumped_parts"]) == [("264.3", "1"), ("264.3", "2"),
                                               ("274.2", "1"), ("275.1", None)]
    assert r["value"] == 5


def test_grand_total_label_with_included_articles(table):
    r = one(table, "10-a", 3, "convicted_main")
    assert r["row_type"] == "grand_total" and r["value"] == 30
    assert r["label"].startswith("105 - 361 (вкл. ст. 248")


def test_provenance_checksums(table, year_dir):
    import hashlib
    for name, sha in table.groupby("member")["source_sha256"].first().items():
        assert sha == hashlib.sha256((year_dir / name).read_bytes()).hexdigest()


@pytest.mark.parametrize("cell, message", [
    (1.5, "fractional count 1.5"),
    (-2.0, "negative count"),
    ("12 шт", "non-numeric value"),
])
def test_bad_count_names_the_cell(tmp_path, cell, message):
    books = {"k3.xlsx": _book("10-а", rows_10_a()),
             "K7.xlsx": _book("10.3", rows_10_3(cells={(4, 2): cell})),
             "K7_1.xlsx": _book("10.3.1", rows_10_3_1())}
    folder = write_year(tmp_path / "2022", books=books)
    with pytest.raises(InputError, match=message) as exc:
        read_year(folder)
    msg = str(exc.value)
    for part in ("cdep/2022/K7.xlsx", "Раздел 1", "row 5", "column 'C'"):
        assert part in msg


def test_integral_float_and_text_counts(tmp_path):
    books = {"k3.xlsx": _book("10-а", rows_10_a()),
             "K7.xlsx": _book("10.3", rows_10_3(cells={(3, 2): "5", (3, 3): 4.0})),
             "K7_1.xlsx": _book("10.3.1", rows_10_3_1())}
    df = read_year(write_year(tmp_path / "2022", books=books))
    assert one(df, "10.3", 4, "convicted_total")["value"] == 5
    assert one(df, "10.3", 4, "imprisonment")["value"] == 4


def test_zip_and_folder_give_the_same_rows(tmp_path, year_dir):
    assert_zip_reads_as_folder(year_dir, tmp_path / "zipped" / "2022.zip")


def test_year_as_zip_and_folder_is_an_error(tmp_path, year_dir):
    raw = year_dir.parent.parent
    (raw / "cdep" / "2022.zip").write_bytes(b"PK")
    with pytest.raises(InputError, match="year 2022 is given twice") as exc:
        read_court_stats(raw)
    assert "2022.zip" in str(exc.value) and "cdep/2022" in str(exc.value)


def test_two_workbooks_of_one_form_name_both(year_dir):
    (year_dir / "copy-of-10.3.xlsx").write_bytes(_book("10.3", rows_10_3()))
    with pytest.raises(InputError, match="form 10.3 of 2022 appears twice") as exc:
        read_year(year_dir)
    msg = str(exc.value)
    assert "K7-svod_vse_sudy-2022.xlsx" in msg and "copy-of-10.3.xlsx" in msg


def test_folder_with_a_stray_file(year_dir):
    (year_dir / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="unexpected file") as exc:
        read_year(year_dir)
    assert "cdep/2022/notes.txt" in str(exc.value)


def test_hidden_temporaries_are_skipped(year_dir):
    (year_dir / ".K7-svod_vse_sudy-2022.xls.abc.part").write_bytes(b"partial")
    assert len(read_year(year_dir))


def test_title_year_must_match_the_folder(tmp_path):
    folder = write_year(tmp_path / "2023", year=2022)
    with pytest.raises(InputError, match="title says year 2022"):
        read_year(folder)

# ---------------------------------------------------------------- reconciliation


def test_military_gap_is_explained_not_failed(table):
    q = reconcile(table)
    a = q[(q["check"] == "article_sum") & (q["form"] == "10-a")
          & (q["measure"] == "convicted_main")].iloc[0]
    assert (a["status"], a["expected"], a["observed"], a["difference"]) == \
        ("explained", 30, 20, -10)
    assert "'Воинские преступления' (10)" in a["detail"]
    m = q[q["check"] == "military_10-a_vs_10.3"].iloc[0]
    assert (m["status"], m["expected"], m["observed"]) == ("pass", 10, 10)
    # 10.3 and 10.3.1 reconcile with their military rows
    ok = q[(q["check"] == "article_sum") & q["form"].isin(["10.3", "10.3.1"])]
    assert (ok["status"] == "pass").all()
    assert (q.loc[q["check"] == "bracket_sum", "status"] == "pass").all()


def test_military_gap_that_does_not_match_fails(tmp_path):
    rows = rows_10_a()
    rows[2][3] = 31.0  # the total claims one more person than articles + military
    books = {"k3.xlsx": _book("10-а", rows), "K7.xlsx": _book("10.3", rows_10_3()),
             "K7_1.xlsx": _book("10.3.1", rows_10_3_1())}
    q = reconcile(read_year(write_year(tmp_path / "2022", books=books)))
    m = q[q["check"] == "military_10-a_vs_10.3"].iloc[0]
    assert (m["status"], m["expected"], m["observed"]) == ("fail", 10, 11)
    a = q[(q["check"] == "article_sum") & (q["form"] == "10-a")
          & (q["measure"] == "convicted_main")].iloc[0]
    assert a["status"] == "fail" and a["difference"] == -11


def test_combined_row_reconciles_with_the_rows_it_lumps(table):
    q = reconcile(table)
    c = q[(q["check"] == "convicted_10-a_vs_10.3") & q["detail"].str.contains("combined")]
    assert len(c) == 1
    r = c.iloc[0]
    assert (r["status"], r["form"], r["expected"], r["observed"], r["row"]) == \
        ("pass", "10.3", 4 + 1 + 0 + 0, 5, 11)


def test_label_aliases_by_line_and_by_figures(table):
    x = form_crosswalk(table)  # 10.3 vs 10.3.1
    alias = x[x["match"] == "alias_line"]
    assert alias[["left_label", "right_label"]].values.tolist() == [["168", "168 ч.1"]]
    j = join_forms(table, "10-a", "10.3", "convicted_main", "convicted_total")
    fig = j[j["match"] == "alias_figures"]
    assert fig[["left_label", "right_label"]].values.tolist() == [["168 ч. 1", "168"]]
    assert set(j["match"]) == {"exact", "alias_figures", "in_combined", "right_only"}
    # a join on (article, part) would lose the 168 pair; the crosswalk keeps it
    q = reconcile(table)
    la = q[q["check"] == "label_alias"]
    assert len(la) == 2 and (la["status"] == "alias").all()
    assert la["detail"].str.contains("same line number").any()
    assert la["detail"].str.contains("same figures").any()

# ---------------------------------------------------------------- downstream counts


TAX = pd.DataFrame({"article": ["275", "275.1", "207.3"], "part": [None, None, None],
                    "category": ["treason", "treason", "war censorship"]})


def test_counts_not_separable_is_missing_with_a_reason(table):
    out = political_counts(table, TAX, form="10.3")
    t = out.set_index("category")
    assert pd.isna(t.loc["treason", "persons"])
    assert "not separable in 2022" in t.loc["treason", "missing_reason"]
    assert COMBINED.replace(", ", "; ").replace("ч. ", "ч.") in \
        t.loc["treason", "missing_reason"]
    assert t.loc["war censorship", "persons"] == 2
    assert t.loc["war censorship", "missing_reason"] is None
    assert out["share_of_political"].isna().all()  # the political total is unknown
    # 10-а lists the same articles apart: separable, and 275.1 really is 0
    a = political_counts(table, TAX, form="10-a").set_index("category")
    assert a.loc["treason", "persons"] == 5 and a.loc["treason", "missing_reason"] is None
    by = political_counts(table, TAX, form="10.3", by="article_part")
    row = by[by["article"] == "275.1"].iloc[0]
    assert pd.isna(row["persons"]) and "combined row" in row["missing_reason"]


def test_combined_row_of_one_category_or_of_zero_is_counted(tmp_path):
    tax = pd.DataFrame({"article": ["264.3", "274.2", "275.1"], "part": [None] * 3,
                        "category": ["c"] * 3})
    books = {"k3.xlsx": _book("10-а", rows_10_a()), "K7.xlsx": _book("10.3", rows_10_3()),
             "K7_1.xlsx": _book("10.3.1", rows_10_3_1())}
    df = read_year(write_year(tmp_path / "2022", books=books))
    out = political_counts(df, tax, form="10.3").set_index("category")
    assert out.loc["c", "persons"] == 5 and out.loc["c", "missing_reason"] is None
    zero = rows_10_3(cells={(10, 2): 0.0, (2, 2): 25.0})
    books["K7.xlsx"] = _book("10.3", zero)
    df = read_year(write_year(tmp_path / "b" / "2022", books=books))
    out = political_counts(df, TAX, form="10.3").set_index("category")
    assert out.loc["treason", "persons"] == 5  # 275 only; the combined row holds 0

# ---------------------------------------------------------------- garbled labels (#14)


@pytest.mark.parametrize("label", ["205.2 ч.2x", "205,2 ч.2", "205.2x ч.2",
                                   "205.2 ч.2 ч.3", "201. 3", "126 ч. часть 2"])
def test_garbled_label_is_an_error_never_a_guess(label):
    with pytest.raises(LabelShapeError, match="garbled article label") as exc:
        parse_label(label, file="cdep/2022/K7.xls", member="K7.xls", sheet="Раздел 1",
                    row=12, column="A")
    msg = str(exc.value)
    for part in ("cdep/2022/K7.xls", "Раздел 1", "row 12", "column 'A'", repr(label)):
        assert part in msg


@pytest.mark.parametrize("label, article, part", [
    ("205.2 ч.2", "205.2", "2"), ("205.2 ч. 2 (в ред. ФЗ)", "205.2", "2"),
    ("148 ч.1-4", "148", None), ("207(старая редакция), 207 ч.1", "207", None),
    ("136 ч.2, 136 (нов. ред.)", "136", "2"), ("232 ч.2 н.р.", "232", "2"),
])
def test_real_label_shapes_still_parse(label, article, part):
    lab = parse_label(label)
    assert (lab.article, lab.part) == (article, part)


def test_garbled_label_in_a_workbook(tmp_path):
    rows = rows_10_3(cells={(5, 0): "205,2 ч.2"})
    books = {"k3.xlsx": _book("10-а", rows_10_a()), "K7.xlsx": _book("10.3", rows),
             "K7_1.xlsx": _book("10.3.1", rows_10_3_1())}
    folder = write_year(tmp_path / "2022", books=books)
    with pytest.raises(LabelShapeError) as exc:
        read_year(folder, strict=True)
    msg = str(exc.value)
    for part in ("cdep/2022/K7.xlsx", "Раздел 1", "row 6", "column 'A'", "'205,2 ч.2'"):
        assert part in msg
    # without strict: a documented reject row, never filed under article 205
    df = read_year(folder)
    r = one(df, "10.3", 6, "convicted_total")
    assert r["row_type"] == "rejected" and pd.isna(r["article"])
    assert not ((df["article"] == "205") & (df["form"] == "10.3")).any()
    validate_court_stats(df)
    q = reconcile(df)
    rej = q[q["check"] == "label_rejected"]
    assert len(rej) == 1 and rej.iloc[0]["row"] == 6 and rej.iloc[0]["status"] == "rejected"
    # its twin in 10.3.1 (same line number) is named as an alias
    la = q[(q["check"] == "label_alias") & q["detail"].str.contains("205,2")]
    assert len(la) == 1 and "282.4 ч. 1" in la.iloc[0]["detail"]


def test_lumped_parts_shapes():
    assert lumped_parts("159 ч. 5, ч. 6, ч.7") == "159 ч.5; 159 ч.6; 159 ч.7"
    assert lumped_parts("148 ч.1-4") == "148 ч.1; 148 ч.2; 148 ч.3; 148 ч.4"
    assert lumped_parts("Декриминализация") is None
    assert lumped_parts("275.1") is None

"""Unit tests of the court-statistics reader on small inputs built in code."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from repstats.courts import bracket_bounds, codebook, harmonize_brackets, read_year, reconcile
from repstats.courts.archive import read_members
from repstats.courts.excel import read_sheets
from repstats.courts.forms import identify_form
from repstats.courts.headers import find_header, is_numbering_row
from repstats.courts.labels import parse_label
from repstats.courts.measures import measure_for
from repstats.errors import InputError

# ---------------------------------------------------------------- label normalisation


@pytest.mark.parametrize("text, article, part", [
    ("205.2 ч.2", "205.2", "2"),
    ("205.2 ч. 2", "205.2", "2"),
    ("205.2ч.2 ", "205.2", "2"),
    ("  205.2 ч. 2  ", "205.2", "2"),
    ("275", "275", None),
    (275.0, "275", None),
    (205.2, "205.2", None),
    ("171.1 ч.1.1.", "171.1", "1.1"),
    ("174-1 ч. 1", "174.1", "1"),
    ("204.1.", "204.1", None),
    ("ст.215-1 ч.1", "215.1", "1"),
])
def test_label_variants(text, article, part):
    lab = parse_label(text)
    assert (lab.row_type, lab.article, lab.part, lab.redaction) == \
        ("article", article, part, None)


@pytest.mark.parametrize("text, article, part, redaction", [
    ("110 ч. 1, (включая ст. 110 старой редакции)", "110", "1",
     "включая ст. 110 старой редакции"),
    ("118 ч. 3 (утратила силу - ФЗ от 08.12.2003 № 162-ФЗ)", "118", "3",
     "утратила силу - ФЗ от 08.12.2003 № 162-ФЗ"),
    ("134 ч. 1 (в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ)", "134", "1",
     "в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ"),
    ("134 ч.1 (в стар. ред., до ФЗ от 29.02.2012 № 14-ФЗ)", "134", "1",
     "в старой редакции, до ФЗ от 29.02.2012 № 14-ФЗ"),
])
def test_label_annotations_are_identity(text, article, part, redaction):
    lab = parse_label(text)
    assert (lab.article, lab.part, lab.redaction) == (article, part, redaction)


def test_old_and_new_redaction_differ():
    old = parse_label("134 ч. 1 (в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ)")
    new = parse_label("134 ч. 1 (в редакции ФЗ от 29.02.2012 № 14-ФЗ)")
    assert (old.article, old.part) == (new.article, new.part)
    assert old.redaction != new.redaction


def test_part_only_label_inherits_article():
    prev = parse_label("205.2 ч. 1")
    lab = parse_label("ч1.1", previous=prev)
    assert (lab.article, lab.part) == ("205.2", "1.1")


@pytest.mark.parametrize("text, row_type", [
    ("Всего по составам  УК РФ", "grand_total"),
    ("Всего по составам УК РФ, вкл. …", "grand_total"),
    ("Воинские преступления", "military_aggregate"),
    ("Небольшой тяжести", "summary"),
    ("Особо тяжкие", "summary"),
    ("Составы преступлений, введенные в УК РФ в 2018 году", "summary"),
    ("105-157", "chapter_total"),
    ("105 - 361 (включая: 144.1)", "chapter_total"),
    ("222 ч. 5; 222 ч. 6; 222.1 ч. 4", "article_group"),
])
def test_row_types(text, row_type):
    lab = parse_label(text)
    assert lab.row_type == row_type
    if row_type != "article":
        assert lab.article is None


def test_10a_totals_from_description():
    assert parse_label("105-125", "ВСЕГО ПО ГЛАВЕ ПРЕСТУПЛЕНИЯ ПРОТИВ ЖИЗНИ").row_type == \
        "chapter_total"
    assert parse_label("", "ВСЕГО ПО РАЗДЕЛАМ (сумма строк 2, 8)").row_type == \
        "grand_total"


def test_pooled_parts_keep_article_without_part():
    lab = parse_label("159 ч. 5, ч. 6, ч.7")
    assert (lab.row_type, lab.article, lab.part) == ("article", "159", None)
    assert "5" in lab.redaction and "7" in lab.redaction


def test_paragraph_rows():
    first = parse_label("105 ч. 2 п. <<а>>")
    assert (first.row_type, first.article, first.part, first.paragraph) == \
        ("paragraph", "105", "2", "а")
    nxt = parse_label("п. <<б>>", previous=first)
    assert (nxt.article, nxt.part, nxt.paragraph) == ("105", "2", "б")


def test_unknown_label_names_location():
    with pytest.raises(InputError) as exc:
        parse_label("какая-то строка", file="cdep/2016.zip", member="x.xls",
                    sheet="Раздел 1", row=42)
    msg = str(exc.value)
    for part in ("cdep/2016.zip", "x.xls", "Раздел 1", "row 42", "unknown row label"):
        assert part in msg

# ---------------------------------------------------------------- headers


def _grid():
    return [
        ["Раздел 1. ВИДЫ НАКАЗАНИЯ", "", "", "", ""],
        ["Статьи УК РФ", "№ п/п", "ВСЕГО ОСУЖДЕНО", "ДОПОЛНИТЕЛЬНОЕ НАКАЗАНИЕ", ""],
        ["", "", "", "штраф", "ограничение свободы"],
        ["А", "", 1.0, 2.0, 3.0],
        ["Всего по составам УК РФ", 1.0, 10.0, 3.0, 1.0],
        ["205.2 ч. 2", 2.0, 10.0, 3.0, 1.0],
    ]


def test_numbering_row():
    assert is_numbering_row(["А", "Б", 1.0, 2.0, "3"])
    assert not is_numbering_row(["А", 2.0, 3.0])
    assert not is_numbering_row(["Статьи", 1.0, 2.0])


def test_find_header_with_merges():
    merges = (((2, 3), (2, 3)), ((1, 3), (1, 4)), ((1, 2), (2, 2)))
    h = find_header(_grid(), merges)
    assert (h.top_row, h.number_row, h.label_col) == (1, 3, 0)
    texts = {n: t for _, n, t in h.columns}
    assert texts == {1: "ВСЕГО ОСУЖДЕНО", 2: "ДОПОЛНИТЕЛЬНОЕ НАКАЗАНИЕ | штраф",
                     3: "ДОПОЛНИТЕЛЬНОЕ НАКАЗАНИЕ | ограничение свободы"}
    assert [measure_for("10.3", t) for _, _, t in h.columns] == \
        ["convicted_total", "additional_fine", "additional_restriction_of_liberty"]


def test_header_moves():
    grid = [[""] * 5 for _ in range(7)] + _grid()
    h = find_header(grid, ())
    assert (h.top_row, h.number_row) == (8, 10)


def test_sheet_without_article_column():
    grid = _grid()
    grid[1][0] = "Наименование"
    with pytest.raises(InputError, match="no article column") as exc:
        find_header(grid, (), file="f.zip", member="m.xls", sheet="Раздел 1")
    assert "m.xls" in str(exc.value) and "Раздел 1" in str(exc.value)
    assert "row 4" in str(exc.value)


def test_unknown_column_header():
    with pytest.raises(InputError, match="unknown column header"):
        measure_for("10.3", "Что-то новое", file="f", sheet="s", column="Q")


@pytest.mark.parametrize("header, measure", [
    ("до 1 года вкл.", "imprisonment_upto_1y"),
    ("Свыше 1 до 3 лет вкл.", "imprisonment_1_3y"),
    ("Срок лишения свободы | свыше 1 до 2 лет включительно", "imprisonment_1_2y"),
    ("Срок лишения свободы | Cвыше 2 до 3 лет вкл.", "imprisonment_2_3y"),
    ("Наказание назначено ниже низшего предела: лишение свободы", "below_minimum"),
])
def test_bracket_headers(header, measure):
    form = "10.3" if "1 до 3" in header or header.startswith("до") else "10.3.1"
    assert measure_for(form, header) == measure

# ---------------------------------------------------------------- brackets


def test_bracket_bounds_contiguous():
    b = bracket_bounds().set_index("measure")
    assert list(bracket_bounds().columns[:3]) == ["measure", "lower_months", "upper_months"]
    assert b.loc["imprisonment_1_3y", "lower_months"] == b.loc["imprisonment_1_2y",
                                                               "lower_months"] == 12
    assert b.loc["imprisonment_1_3y", "upper_months"] == b.loc["imprisonment_2_3y",
                                                               "upper_months"] == 36
    assert b.loc["imprisonment_2_3y", "lower_months"] == b.loc["imprisonment_1_2y",
                                                               "upper_months"]
    assert (b["lower_months"] < b["upper_months"]).all()


def test_harmonize_brackets_adds_1_3y():
    df = pd.DataFrame({"year": [2015, 2015], "form": ["10.3.1"] * 2, "article": ["275"] * 2,
                       "sheet": ["s"] * 2, "row": [5, 5], "column": ["D", "E"],
                       "measure": ["imprisonment_1_2y", "imprisonment_2_3y"],
                       "value": [3, 4]})
    before = df.copy()
    out = harmonize_brackets(df)
    pd.testing.assert_frame_equal(df, before)
    added = out[out["measure"] == "imprisonment_1_3y"]
    assert added["value"].tolist() == [7]

# ---------------------------------------------------------------- forms


def test_identify_form_from_title_not_name():
    grid = [["ПРИЛОЖЕНИЕ К ФОРМЕ № 10.3"], ["за", 12.0, "месяцев", 2012.0, "г."],
            ["Кто представляет", "", "Форма № 10.3.1"]]
    fid = identify_form(grid)
    assert (fid.form, fid.year, fid.known) == ("10.3.1", 2012, True)
    assert identify_form([["Форма № 10-а"]]).form == "10-a"
    assert identify_form([["  Форма № 10.1"]]).known is False


def test_non_form_title():
    with pytest.raises(InputError, match="not a court-statistics form") as exc:
        identify_form([["Просто таблица"]], file="a.zip", member="b.xls", sheet="T")
    assert "b.xls" in str(exc.value)

# ---------------------------------------------------------------- workbooks and zips


def _xlsx(form_code="10.3", year=2016, rows=None):
    wb = openpyxl.Workbook()
    title = wb.active
    title.title = "Титул"
    title.append(["ВЕДОМСТВЕННОЕ СТАТИСТИЧЕСКОЕ НАБЛЮДЕНИЕ"])
    title.append(["за", 12, "месяцев", year, "г."])
    title.append(["Кто представляет", "", "", f"Форма № {form_code}"])
    data = wb.create_sheet("Раздел 1")
    for row in rows or _grid():
        data.append(row)
    if rows is None or rows[1][3] == "ДОПОЛНИТЕЛЬНОЕ НАКАЗАНИЕ":
        data.merge_cells("D2:E2")  # the group header spans its two sub-columns
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(tmp_path, members, name="2016.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    return path


def _grid_10a():
    return [["Виды преступлений", "Статьи УК РФ", "№ стр.", "Число осужденных по основной "
             "статье", "Число оправданных по основной статье"], ["А", "Б", "", 1.0, 2.0],
            ["ВСЕГО ПО РАЗДЕЛАМ", "", 1.0, 10.0, 0.0],
            ["Убийство", "205.2 ч. 2", 2.0, 10.0, 0.0]]


def test_read_year_from_built_zip(tmp_path):
    # 2010: forms 10-а and 10.3 only (10.3.1 starts in 2011)
    path = _zip(tmp_path, {"10.3.xlsx": _xlsx(year=2010), "__MACOSX/._10.3.xlsx": b"junk",
                           "a.xlsx": _xlsx("10-а", year=2010, rows=_grid_10a())},
                name="2010.zip")
    df = read_year(path)
    art = df[(df["form"] == "10.3") & (df["row_type"] == "article")]
    assert set(art["measure"]) == {"convicted_total", "additional_fine",
                                   "additional_restriction_of_liberty"}
    assert art.set_index("measure").loc["convicted_total", "value"] == 10
    assert (art["article"] == "205.2").all() and (art["part"] == "2").all()
    q = reconcile(df)
    assert (q.loc[q["check"] == "article_sum", "status"] == "pass").all()


def test_schema_rejects_a_cell_or_measure_read_twice(tmp_path):
    from repstats.courts import validate_court_stats
    from repstats.errors import ValidationError

    path = _zip(tmp_path, {"10.3.xlsx": _xlsx(year=2010),
                           "a.xlsx": _xlsx("10-а", year=2010, rows=_grid_10a())},
                name="2010.zip")
    df = read_year(path)
    validate_court_stats(df)
    # the same cell twice (another measure) and the same measure twice (another column)
    # of one spreadsheet row; a row of another sheet with the same row and column is fine
    cell, measure, elsewhere = df.iloc[[0]].copy(), df.iloc[[1]].copy(), df.iloc[[2]].copy()
    cell["measure"] = "acquitted" if df["measure"].iloc[0] != "acquitted" else "dismissed"
    measure["column"] = "ZZ"
    elsewhere["sheet"] = "Раздел 9"
    bad = pd.concat([df, cell, measure], ignore_index=True)
    with pytest.raises(ValidationError) as exc:
        validate_court_stats(bad)
    assert "one_value_per_cell" in str(exc.value)
    assert "one_measure_per_row" in str(exc.value)
    # nothing else failed: the duplicated rows are valid one by one
    lines = str(exc.value).splitlines()[1:]
    assert lines and all(": one_value_per_cell (" in x or ": one_measure_per_row (" in x
                         for x in lines), lines
    validate_court_stats(pd.concat([df, elsewhere], ignore_index=True))


def test_reconcile_reports_disagreement(tmp_path):
    rows = _grid()
    rows[4][2] = 12.0  # grand total says 12, the article row says 10
    path = _zip(tmp_path, {"10.3.xlsx": _xlsx(year=2010, rows=rows),
                           "a.xlsx": _xlsx("10-а", year=2010, rows=_grid_10a())},
                name="2010.zip")
    q = reconcile(read_year(path))
    bad = q[(q["check"] == "article_sum") & (q["status"] == "fail")]
    assert len(bad) == 1
    r = bad.iloc[0]
    assert (r["measure"], r["expected"], r["observed"], r["difference"]) == \
        ("convicted_total", 12, 10, -2)
    assert (r["source_file"], r["sheet"], r["row"], r["column"]) == \
        ("cdep/2010.zip", "Раздел 1", 5, "C")


def test_quality_table_of_checks_without_rows():
    # checks that name no spreadsheet row (the military check does not) still stack,
    # ordered by year, their rows missing
    from repstats.courts.reconcile import QUALITY_COLUMNS, _quality_table

    f = pd.DataFrame({"check": ["military_10-a_vs_10.3"] * 2, "year": [2020, 2019],
                      "form": ["10-a"] * 2, "expected": [1, 2], "observed": [1, 3]})
    q = _quality_table([f])
    assert list(q.columns) == QUALITY_COLUMNS
    assert q["year"].tolist() == [2019, 2020] and q["row"].isna().all()
    assert q["status"].tolist() == ["fail", "pass"] and q["difference"].tolist() == [1, 0]


def test_zip_with_unexpected_member(tmp_path):
    path = _zip(tmp_path, {"10.3.xlsx": _xlsx(), "readme.txt": b"hello"})
    with pytest.raises(InputError, match="unexpected member") as exc:
        read_members(path, label="cdep/2016.zip")
    assert "readme.txt" in str(exc.value) and "cdep/2016.zip" in str(exc.value)


def test_zip_with_unsafe_path(tmp_path):
    path = _zip(tmp_path, {"../evil.xls": b"x"})
    with pytest.raises(InputError, match="unsafe member path"):
        read_members(path)


def test_cp866_member_names(tmp_path):
    path = tmp_path / "2009.zip"
    name = "ф.10-а.xls"
    placeholder = "X.10-Y.xls"  # ASCII, same byte length as the cp866 name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(placeholder, b"data")
    # store the name as cp866 bytes without the UTF-8 flag, as the 2009-2010 zips do
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), name.encode("cp866")))
    assert [m.name for m in read_members(path)] == [name]


@pytest.mark.parametrize("blob", [b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
                                  b"not an excel file at all"])
def test_corrupt_or_truncated_workbook(blob, tmp_path):
    with pytest.raises(InputError) as exc:
        read_sheets(blob, file="cdep/2016.zip", member="10.3-svod-2016.xls")
    assert "10.3-svod-2016.xls" in str(exc.value)


def test_truncated_real_structure_workbook_in_zip(tmp_path):
    good = _xlsx()
    path = _zip(tmp_path, {"10.3.xlsx": good[: len(good) // 2]})
    with pytest.raises(InputError, match="cannot read workbook") as exc:
        read_year(path)
    assert "10.3.xlsx" in str(exc.value) and "cdep/2016.zip" in str(exc.value)


def test_non_form_workbook_in_zip(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Отчёт о чём-то ещё"])
    buf = io.BytesIO()
    wb.save(buf)
    path = _zip(tmp_path, {"other.xlsx": buf.getvalue()})
    with pytest.raises(InputError, match="not a court-statistics form") as exc:
        read_year(path)
    assert "other.xlsx" in str(exc.value)


def test_unknown_label_in_workbook(tmp_path):
    rows = _grid() + [["Непонятная строка", 3.0, 1.0, 0.0, 0.0]]
    path = _zip(tmp_path, {"10.3.xlsx": _xlsx(rows=rows)})
    with pytest.raises(InputError, match="unknown row label") as exc:
        read_year(path)
    msg = str(exc.value)
    for part in ("cdep/2016.zip", "10.3.xlsx", "Раздел 1", "row 7"):
        assert part in msg


def test_year_mismatch(tmp_path):
    path = _zip(tmp_path, {"10.3.xlsx": _xlsx(year=2015)})
    with pytest.raises(InputError, match="title says year 2015"):
        read_year(path)


def test_codebook_describes_every_column():
    book = codebook()
    from repstats.courts.reader import COLUMNS
    assert set(COLUMNS) <= set(book.loc[book["kind"] == "column", "name"])
    assert book["description"].str.len().gt(5).all()


# ------------------------------------------------- the build's compact working frame


def _raw_2010(tmp_path):
    rows = _grid()
    rows[4][2] = 12.0  # a disagreement, so that the quality table is not all "pass"
    (tmp_path / "cdep").mkdir()
    _zip(tmp_path / "cdep", {"10.3.xlsx": _xlsx(year=2010, rows=rows),
                             "a.xlsx": _xlsx("10-а", year=2010, rows=_grid_10a())},
         name="2010.zip")
    return tmp_path


def test_coded_read_equals_encoding_the_table(tmp_path):
    from repstats.courts.reader import read_court_stats, read_court_stats_table
    from repstats.courts.reconcile import CATEGORICAL, working_frame

    raw = _raw_2010(tmp_path)
    table = read_court_stats_table(raw)
    df = table.frame()
    pd.testing.assert_frame_equal(df, read_court_stats(raw), check_exact=True)
    assert CATEGORICAL <= set(table.strings)
    coded, encoded = working_frame(table.coded()), working_frame(df)
    pd.testing.assert_frame_equal(coded, encoded, check_exact=True)
    for col in CATEGORICAL:
        assert coded[col].cat.categories.equals(encoded[col].cat.categories), col
        assert coded[col].cat.categories.dtype == encoded[col].cat.categories.dtype, col
        assert (coded[col].cat.codes.to_numpy() == encoded[col].cat.codes.to_numpy()).all()
    pd.testing.assert_frame_equal(reconcile(coded), reconcile(df), check_exact=True)
    assert "fail" in set(reconcile(coded)["status"])


def test_categorical_drops_unused_and_sorts():
    import numpy as np

    from repstats.courts.longtable import categorical as _categorical

    uniques = np.array(["b", "c", "a"], dtype=object)
    codes = np.array([0, -1, 2, 0, 1], dtype=np.int32)
    at = np.array([0, 1, 2, 3, 3], dtype=np.int64)  # row 4 (code 1: "c") never taken
    got = _categorical(uniques, codes, pd.StringDtype("pyarrow", na_value=np.nan), at)
    want = pd.Series(["b", None, "a", "b", "b"],
                     dtype=pd.StringDtype("pyarrow", na_value=np.nan)).astype("category")
    pd.testing.assert_series_equal(pd.Series(got), want, check_exact=True)
    assert list(got.categories) == ["a", "b"]


@pytest.mark.parametrize("values", [["b"], ["b", "zz"], [], ["a", None], [None],
                                    [f"v{i}" for i in range(12)] + ["a", np.nan]])
def test_in_values_equals_isin(values):
    from repstats.courts.longtable import in_values

    text = ["a", "b", None, "c", "b", "v3", None, "v11"] * 3
    for column in (pd.Series(text, dtype="str").astype("category"),
                   pd.Series(text, dtype=object)):
        got = in_values(column, values)
        assert isinstance(got, np.ndarray) and got.dtype == bool
        assert got.tolist() == column.isin(values).tolist(), (column.dtype, values)


def test_stage_outputs_equal_the_plain_writers(tmp_path):
    from repstats.config import paths
    from repstats.courts import stage
    from repstats.courts.reader import read_court_stats
    from repstats.io import write_csv, write_parquet

    raw = _raw_2010(tmp_path)
    out = tmp_path / "out"
    stage.build(paths(raw=raw, processed=out))
    df = read_court_stats(raw)
    plain = tmp_path / "plain"
    write_parquet(df, plain / "t.parquet")
    write_csv(reconcile(df), plain / "q.csv")
    write_csv(codebook(df), plain / "c.csv")
    for key, name in (("table", "t.parquet"), ("quality", "q.csv"), ("codebook", "c.csv")):
        assert (out / stage.OUTPUTS[key]).read_bytes() == (plain / name).read_bytes(), key


def test_integer_row_keys_agree_with_duplicated():
    import numpy as np

    from repstats.courts.keys import duplicated, row_keys

    rng = np.random.default_rng(7)
    n = 2000
    df = pd.DataFrame({
        "s": pd.Series(rng.choice(["a", "b", None], n), dtype="str"),
        "c": pd.Categorical(rng.choice(["x", "y", None], n)),
        "i": rng.integers(0, 3, n),
        "o": pd.Series(rng.choice(["p", None, "q"], n), dtype=object),
    })
    for keep in ("first", "last", False):
        assert (duplicated(df, list(df.columns), keep=keep)
                == df.duplicated(keep=keep).to_numpy()).all()
    # keys wider than int64 (eight columns of ~2000 distinct values) are renumbered on the
    # way, never overflow: still equal exactly when the rows are
    wide = pd.DataFrame({f"k{j}": rng.integers(0, 2000, n) for j in range(8)})
    wide = pd.concat([wide, wide.iloc[:50]], ignore_index=True)
    key = row_keys(wide, list(wide.columns))
    assert (pd.Series(key).duplicated().to_numpy() == wide.duplicated().to_numpy()).all()
    assert pd.Series(key).duplicated().sum() == 50
    # integers are keyed by their offset from the smallest when their range is narrow
    # (negative and unsigned included), hashed when it is wide: the same rows either way
    ints = pd.DataFrame({"narrow": rng.integers(-5, 5, n),
                         "unsigned": rng.integers(0, 4, n).astype(np.uint8),
                         "wide": rng.choice([-(10**15), 0, 10**15], n)})
    for cols in (["narrow", "unsigned"], ["wide", "narrow"], ["wide"]):
        for keep in ("first", False):
            assert (duplicated(ints, cols, keep=keep)
                    == ints.duplicated(cols, keep=keep).to_numpy()).all()


def test_validation_on_codes_reports_as_on_strings(tmp_path):
    from repstats.courts import validate_court_stats
    from repstats.courts.reader import read_court_stats_table
    from repstats.errors import ValidationError

    table = read_court_stats_table(_raw_2010(tmp_path))
    df, cats = table.frame(), dict(table.strings)  # every string column, as the build
    assert validate_court_stats(df, coded=cats) is df
    # a bad value and a cell read twice: the same failures, coded or not
    bad = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    bad.loc[0, "column"] = "a1"
    bad_cats = {c: bad[c].astype("category") for c in cats}
    messages = []
    for coded in (None, bad_cats):
        with pytest.raises(ValidationError) as exc:
            validate_court_stats(bad, coded=coded)
        messages.append(sorted(str(exc.value).splitlines()[1:]))
    assert messages[0] == messages[1]
    assert any(x.startswith("column: does not match") for x in messages[0])
    assert any("one_measure_per_row" in x for x in messages[0])
    # the table's own dtypes are still checked
    with pytest.raises(ValidationError):
        validate_court_stats(df.astype({"form": object}), coded=cats)
    with pytest.raises(ValueError, match="coded"):
        validate_court_stats(df, coded={"form": cats["form"][:1]})


@pytest.mark.parametrize("keep", ["first", "last", False])
def test_duplicated_keys_equals_pandas(keep):
    import numpy as np

    from repstats.courts.keys import duplicated_keys

    rng = np.random.default_rng(7)
    for n, high in ((0, 1), (1, 1), (7, 2), (500, 40), (500, 10**12)):
        keys = rng.integers(0, high, n)
        expected = pd.Series(keys, dtype="int64").duplicated(keep=keep).to_numpy()
        assert (duplicated_keys(keys, keep=keep) == expected).all()
    with pytest.raises(ValueError, match="keep"):
        duplicated_keys(np.arange(3), keep="all")

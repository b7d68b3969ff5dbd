"""The vectorised fast paths give exactly what the per-string Python readers give.

Each parser reads the regular, common shapes of its column with Arrow's RE2 kernels and
leaves the rest to Python (repstats.text._distinct). Here generated cells built from the
parsers' vocabulary (spacing, case, separators, qualifiers, noise) go through both; every
cell the fast path reads must equal the Python result, row for row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hyp import batch_of, batched, flat, one_of_each

from repstats.text import charges, dates, parse_charges, parse_date

ARTICLES = ["205.2", "205.4", "207.3", "212.1", "222", "228.1", "275", "280.3", "282.2",
            "318", "354.1", "105", "361", "104", "362", "20.2", "20.3.3", "19.3", "30", "33",
            "205.02", "1.1", "32.9", "33.1"]
SPACE = ["", " ", "  "]
# Every strategy below is built once, here: a strategy built inside a composite is built
# again at every draw, which doubled the cost of generating an example (the examples are
# the same).


def _eq(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def _check_charges(values: list[str]) -> int:
    arr = pa.array(values, type=pa.large_string())
    mask, frame, counts = charges._fast(arr)
    read = [v for v, m in zip(values, mask) if m]
    ref = [charges._parse_cell(v) for v in read]
    assert [len(r) for r in ref] == list(counts)
    rows = [r for cell in ref for r in cell]
    assert len(rows) == len(frame)
    for want, got in zip(rows, frame.itertuples(index=False)):
        assert all(_eq(a, b) for a, b in zip(want, got)), (want, tuple(got))
    return int(mask.sum())


C_PART = ["1", "2", "3", "1.1", "12", "0"]
C_LETTER = list("абвгд") + ["d", "A"]
C_STYLE = [
    "ч.{s}{p} ст.{s}{a}", "п. «{l}» ч. {p} ст. {a}", "ст.{s}{a}", "части {p} статьи {a}",
    "{a} ч.{s}{p}", "{a}({p})", "{a} ({p})", "ст. {a} ч. {p}", "Art. {a} part {p}",
    "Article {a}, Part {p}", "article {a}", "ч. {p} ст. {a} ч. {p}", "п. «{l}» ст. {a}",
    "ст. {a}(2)", "ч.{p}ст.{a}", "ч. 3 ст. 30", "{a}",
]
C_CODE = ["", " УК РФ", " УК", " КоАП", " КоАП РФ", " ук  рф", "УК"]
C_SEP = [", ", "; ", " и ", ",", " , ", " и", "  ;  "]
C_BEFORE = ["", "обвинение по ", "Обвинение  по ", "ОБВИНЁНИЕ ПО ", "обвинение ",
            "обвинение по по "]
C_AFTER = ["", " (дело № 1-30/2015)", " (ДЕЛО №1-5/2010)", "  ( дело  № 12-999/2024 ) ",
           " (дело № 1-1234/2015)", " (дело № 1-5/15)", "(дело № 1-5/2015)",
           " (дело № 1-205/2015)", " (дело № 1 - 5/2015)"]
CASE = ["same", "upper", "pad", "yo"]


# a charge and the separator after it (unused after the last), one draw each
C_ITEMS = st.lists(one_of_each(ARTICLES, C_PART, C_LETTER, SPACE, C_STYLE, C_CODE, C_SEP),
                   min_size=1, max_size=5)
C_FRAME = one_of_each(C_BEFORE, C_AFTER, CASE)


@st.composite
def charge_cell(draw):
    items = [(style.format(a=a, p=p, l=letter, s=sp) + code, sep)
             for a, p, letter, sp, style, code, sep in draw(C_ITEMS)]
    text = items[0][0] + "".join(sep + t for (_, sep), (t, _) in zip(items, items[1:]))
    # words no charge uses, before and after (returned in ``unparsed``)
    before, after, case = draw(C_FRAME)
    text = before + text + after
    return {"same": text, "upper": text.upper(), "pad": f"  {text} ",
            "yo": text.replace("е", "ё")}[case]


@settings(max_examples=batched(300, margin=1.2), deadline=None)
@given(batch=batch_of(st.lists(charge_cell(), min_size=1, max_size=20)))
def test_charges_fast_path_equals_python(batch):
    _check_charges(flat(batch))


def test_charges_fast_path_reads_the_common_shapes():
    common = ["ч. 2 ст. 205.2 УК РФ", "п. «а» ч. 2 ст. 205.5 УК РФ, ч. 1 ст. 222 УК",
              "205.2 ч. 2", "280.3(1); 207.3(2)", "Article 207.3, Part 2",
              "ст. 205.4 ч.1, ст. 222 ч.1", "части 1 статьи 280.3 УК РФ и ст. 20.3.3 КоАП",
              "ч. 3 ст. 30, ч. 1 ст. 205 УК", "ч. 1 ст. 30, п. «а» ч. 2 ст. 205.5, 222 ч. 1",
              "обвинение по ч. 2 ст. 205.2 УК РФ", "205.2 ч. 2 (дело № 1-999/2024)",
              "ОБВИНЕНИЕ ПО 280.3(1) (ДЕЛО № 1-5/2010)", "обвинение по ст. 282"]
    assert _check_charges(common) == len(common)
    # qualifiers, ranges, annotations and prose stay with the Python reader
    odd = ["ч. 4 ст. 33, ч. 1 ст. 205 УК", "205-274", "ст. 205.2 (ред. ФЗ-58)",
           "обвинение ст. 282", "ч. 1 ст. 205.2 ч. 2", "ст. 282 (дело № 1-5/15)"]
    assert _check_charges(odd) == 0


def test_part_before_a_comma_stays_with_its_article():
    """Regression: "ст. 205.4 ч.1, ст. 222 ч.1" lost part 1 of art. 205.4 (the look-ahead
    for a prefix part crossed the comma)."""
    out = parse_charges(pd.Series(["ст. 205.4 ч.1, ст. 222 ч.1", "205.2 ч. 2, ст. 222",
                                   "ст. 205.4, ч. 2 ст. 222"], dtype=object))
    got = list(zip(out["row"], out["article"], out["part"]))
    assert got == [(0, "205.4", "1"), (0, "222", "1"), (1, "205.2", "2"), (1, "222", None),
                   (2, "205.4", None), (2, "222", "2")]
    assert out["unparsed"].isna().all()


D_YEAR, D_MONTH, D_DAY = st.integers(1790, 2110), st.integers(0, 13), st.integers(0, 32)
D_RU = ["января", "февраля", "мая", "мае", "марта", "сент.", "дек", "июнь"]
D_EN = ["January", "Feb", "May", "sept", "December"]
D_STYLE = [
    "{y}-{mo:02d}-{d:02d}", "{y}-{mo}-{d}", "{d:02d}.{mo:02d}.{y}", "{d}/{mo}/{y}",
    "{d}.{mo}.{y}", "{d} {ru} {y} г.", "{d}-го {ru} {y}", "{ru} {y}", "{en} {d}, {y}",
    "{d}th {en} {y}", "{mo:02d}.{y}", "{y}-{mo:02d}", "{y}", "{y} г.", "в {ru} {y} года",
    "{y}-{mo:02d}-{d:02d}T10:11:12", "{d:02d}.{mo:02d}.{y} 12:30", "от {d}.{mo}.{y}",
    "дело № 1-{d}/{y}", "{y}{mo}", "x{y}", "1.{d}.{mo}.{y}", "{d:02d}..{y}",
    "{d}.02.{y}", "29.02.{y}", "{y}-02-{d}", "{d:02d}/{mo:02d}/{y}", "{d:02d}.{mo:02d}/{y}",
    "{y}-{mo:02d}-{d:02d}{d}", "{d:02d}.{mo:02d}.{y}{d}", "{d:02d}.{mo:02d}.{y}-{mo}-{d}",
    "от {d:02d}.{mo:02d}.{y} по делу № 1-{d}/{y}", "дата: {y}-{mo:02d}-{d:02d}",
    "x.{d:02d}.{mo:02d}.{y} и {mo:02d}.{d:02d}.{y}", "а. б {d:02d}/{mo:02d}/{y}",
    "{d} {ru} {y} г., дело № {d}", "в {d} {en} {y}", "{d} {ru}  {y}", "{d} {ru} {y}{d}",
    "{d} {ru}. {y}", "{d} xyz {y}", "-{d} {ru} {y}", "{d:02d} {en} {y}-{mo}-{d}",
]
D_VARIANT = [lambda t: t, str.upper, lambda t: f" {t} ", lambda t: f"{t}, {t}"]
# the numbers drawn as integers (hypothesis favours their bounds: month 0 or 13, day 0 or
# 32), the words in one draw
D_WORDS = one_of_each(D_STYLE, D_RU, D_EN, D_VARIANT)


@st.composite
def date_cell(draw):
    y = draw(D_YEAR)
    mo = draw(D_MONTH)
    d = draw(D_DAY)
    style, ru, en, variant = draw(D_WORDS)
    return variant(style.format(y=y, mo=mo, d=d, ru=ru, en=en))


@pytest.mark.parametrize("dayfirst", [True, False])
@settings(max_examples=batched(150), deadline=None)
@given(batch=batch_of(st.lists(date_cell(), min_size=1, max_size=20)))
def test_dates_fast_path_equals_python(dayfirst, batch):
    values = flat(batch)
    mask, frame = dates._fast(pa.array(values, type=pa.large_string()), dayfirst)
    read = [v for v, m in zip(values, mask) if m]
    assert len(read) == len(frame)
    for v, got in zip(read, frame.itertuples(index=False)):
        want = dates._parse_one(v, dayfirst)
        assert all(_eq(a, b) for a, b in zip(want, got)), (v, want, tuple(got))


def test_dates_fast_path_reads_the_common_shapes():
    """Valid dates of the common shapes (leap days included) are read without Python."""
    values = ["2024-02-29", "29.02.2000", "2023-02-27T10:11:12", "27.02.2023 12:30",
              "от 01.12.2023 по делу № 1-5/2023", "27 февраля 2023 г.", "май 2023",
              "February 27, 2023", "27 February 2023", "02.2023", "2023", "31.12.1999"]
    mask, frame = dates._fast(pa.array(values, type=pa.large_string()), True)
    assert mask.all()
    assert frame["date"].iloc[0] == pd.Timestamp("2024-02-29")
    assert frame["date"].iloc[1] == pd.Timestamp("2000-02-29")
    for bad in ["29.02.1900", "29.02.2023", "31.04.2023", "2023-13-01", "00.01.2023"]:
        assert not dates._fast(pa.array([bad], type=pa.large_string()), True)[0].any(), bad


def test_parsers_agree_across_string_dtypes_and_chunks(monkeypatch):
    """Arrow strings, object strings and several chunks give one result."""
    monkeypatch.setattr("repstats.text._distinct.CHUNK_ROWS", 7)
    monkeypatch.setattr("repstats.text._distinct.FAST_MIN", 0)  # fast path in every chunk
    rng = np.random.default_rng(3)
    pool = np.array(["ч. 2 ст. 205.2 УК РФ", "ст. 205.4 ч.1, 222 ч.1", None, "ничего",
                     "ч. 3 ст. 30, ч. 1 ст. 205", "27.02.2023", "31.02.2023", "\ud800"],
                    dtype=object)
    s = pd.Series(rng.choice(pool, 50), dtype=object, index=np.arange(100, 150))
    arrow = s.where(s != "\ud800", "x").astype("str")
    obj = arrow.astype(object).where(arrow.notna(), None)
    for parser in (parse_charges, parse_date):
        monkeypatch.setattr("repstats.text._distinct.CHUNK_ROWS", 1 << 18)
        whole = parser(obj)
        monkeypatch.setattr("repstats.text._distinct.CHUNK_ROWS", 7)
        pd.testing.assert_frame_equal(parser(arrow), whole)
        pd.testing.assert_frame_equal(parser(obj), whole)


def test_fast_path_tried_from_fast_min_new_values_on(monkeypatch):
    """Fewer new distinct values than FAST_MIN in a chunk go to the per-string function
    alone (a fast path's fixed cost, Arrow compiling its regexes at every call, is more
    than theirs); from FAST_MIN on, the fast path gets them all; the result is the same."""
    from repstats.text import _distinct

    calls = []

    def fast(values):
        calls.append(len(values))
        return np.ones(len(values), dtype=bool), pd.DataFrame(
            {"n": pd.array([len(v) for v in values.to_pylist()], dtype="Int64")})

    def parse(value):
        return (None if value is None else len(value),)

    n = _distinct.FAST_MIN
    few = pd.Series([f"v{i}" for i in range(n - 1)] * 3, dtype="str")
    many = pd.Series([f"v{i}" for i in range(n)], dtype="str")
    for series, want in ((few, []), (many, [n])):
        calls.clear()
        got = _distinct.map_distinct(series, parse, ["n"], {"n": "Int64"}, fast=fast)
        assert calls == want
        assert got["n"].tolist() == [len(v) for v in series]


S_YEARS = ["1", "2", "5", "10", "25", "0", "3,5", "7.5", "100", "пяти", "двух с половиной",
           "полутора", "шестнадцати", "кошки"]
S_MONTHS = ["0", "1", "6", "11", "12", "13"]
S_REGIME = ["", "общего режима", "строгого режима", "особого режима", "колонии-поселения",
            "воспитательной колонии", "тюрьме"]
S_FINE = ["50", "100", "5000", "12 000", "1 000 000", "2500000", "12000000"]
S_STYLE = [
    "{y} лет {m} месяцев лишения свободы в колонии {r}", "{y} лет колонии {r}",
    "{y} года {m} месяца колонии {r} и штраф {f} рублей", "к {y} годам колонии {r}",
    "{y} лет лишения свободы с отбыванием в исправительной колонии {r}",
    "к {y} годам колонии {r} и штрафу в {y} тысяч рублей", "{y} год колонии",
    "{y} лет условно с испытательным сроком {m} года", "штраф {f} руб.",
    "штраф в размере {f} рублей", "{y} years in a maximum-security colony",
    "{y} years {m} months in a general-regime colony", "{y} лет условно",
    "{y} лет колонии {r}; штраф {f} рублей", "{y} лет колонии {r} (пожизненно)",
]
S_VARIANT = [lambda t: t, str.upper, lambda t: f"  {t} ", lambda t: t.replace(" ", "  ")]


def _sentence(parts) -> str:
    y, m, r, f, style, variant = parts
    return variant(style.format(y=y, m=m, r=r, f=f))


sentence_cell = one_of_each(S_YEARS, S_MONTHS, S_REGIME, S_FINE, S_STYLE, S_VARIANT).map(
    _sentence)


@settings(max_examples=batched(200), deadline=None)
@given(batch=batch_of(st.lists(sentence_cell, min_size=1, max_size=20)))
def test_sentences_fast_path_equals_python(batch):
    from repstats.text import sentences
    values = flat(batch)
    mask, frame = sentences._fast(pa.array(values, type=pa.large_string()))
    read = [v for v, m in zip(values, mask) if m]
    assert len(read) == len(frame)
    for v, got in zip(read, frame.itertuples(index=False)):
        want = sentences._parse_one(v)
        assert all(_eq(a, b) for a, b in zip(want, got)), (v, want, tuple(got))


R_NAME = [
    "Пензенская область", "Пензенской обл.", "Респ. Татарстан", "г. Москва", "Москва",
    "Алтай", "Altai", "ХМАО", "Permskiy kray", "Читинская область", "Нижний Новгород",
    "Крым", "Севастополь", "ДНР", "Mars", "Пенза", "Свердловская область (суд)",
    "Респ.5Татарстан", "5и5 Москва", "область"]
R_TAIL = ["", ", г. Заречный, ул. Мира, д. {n}, кв. {k}", " {n}", "; Кировская область",
          " и Москва", "{n}", " / {n}", " (место заседания {n})"]
R_N, R_K = st.integers(0, 10 ** 6), st.integers(0, 99)
R_VARIANT = [lambda t: t, str.upper, lambda t: f"  {t}", lambda t: t.replace(" ", "   ")]
R_WORDS = one_of_each(R_NAME, R_TAIL, R_VARIANT)


@st.composite
def region_cell(draw):
    name, tail, variant = draw(R_WORDS)
    text = (name + tail).format(n=draw(R_N), k=draw(R_K))
    return variant(text)


@pytest.mark.parametrize("crimea", ["separate", "russia"])
@settings(max_examples=batched(100), deadline=None)
@given(batch=batch_of(st.lists(region_cell(), min_size=1, max_size=15)))
def test_regions_fast_path_equals_python(crimea, batch):
    from repstats.text import regions
    values = flat(batch)
    mask, frame = regions._fast(pa.array(values, type=pa.large_string()), crimea, 90.0)
    read = [v for v, m in zip(values, mask) if m]
    assert len(read) == len(frame)
    for v, got in zip(read, frame.itertuples(index=False)):
        want = regions._parse_one(v, crimea, 90.0)
        assert all(_eq(a, b) for a, b in zip(want, got)), (v, want, tuple(got))

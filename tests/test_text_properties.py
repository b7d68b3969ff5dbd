"""Property tests for every parser (hypothesis) and pandas/dask equivalence."""
from __future__ import annotations

import datetime as dt
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hyp import batch_of, batched, flat

from repstats.text import _distinct
from repstats.text import (name_key, normalize_region, parse_charges, parse_date,
                           parse_sentence, render_charge, render_sentence, transliterate)
from repstats.text.numbers import parse_number

PARSERS = [parse_charges, parse_sentence, parse_date, normalize_region, parse_number]
# text biased towards the parsers' own vocabulary, so the grammar paths are exercised
PIECES = ["ч.", "ст.", "п.", "«а»", "УК", "КоАП", "205.2", "30", "и", ",", ";", "(2)",
          "лет", "года", "месяцев", "условно", "штраф", "тыс.", "руб.", "колонии", "режима",
          "строгого", "пяти", "с половиной", "years", "life", "2023", "февраля", "27.02.",
          "обл.", "Респ.", "край", "Москва", "-", "<<", ">>", "\n", " "]
messy = st.one_of(st.text(max_size=60),
                  st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join))
cells = st.one_of(messy, st.none(), st.integers(-10, 10_000), st.floats(allow_nan=True))


def fast_path_tried():
    """The engine's vectorised fast path tried however few the new values (by default a
    short input goes to the per-string functions alone: _distinct.FAST_MIN)."""
    return mock.patch.object(_distinct, "FAST_MIN", 0)


def fast_path_never_tried():
    """The per-string functions alone, however many the new values."""
    return mock.patch.object(_distinct, "FAST_MIN", 1 << 62)


def column(batch: list[list]) -> pd.Series:
    """The cells of a batch of generated columns (tests/hyp.py) as one column: a parser's
    fixed cost per call (frames built, the fast path's regexes compiled) is paid once per
    batch; every cell is still read, and checked as before."""
    return pd.Series(flat(batch), dtype=object)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@settings(max_examples=batched(150), deadline=None)
@given(batch=batch_of(st.lists(cells, max_size=8)))
def test_arbitrary_text_never_raises_and_is_deterministic(parser, batch):
    """Also: the same result whether the fast path is tried or not (the column is read
    once by the per-string functions alone, once with the fast path tried)."""
    s = column(batch)
    before = s.copy()
    with fast_path_never_tried():
        a = parser(s)
    with fast_path_tried():
        b = parser(s)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_series_equal(s, before)            # input untouched
    if parser is parse_charges:
        assert set(a["row"]) == set(s.index)             # no input row lost
    else:
        assert a.index.equals(s.index)
        assert (a["reason"].notna() | a.iloc[:, 0].notna()).all()


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
def test_empty_column(parser):
    """An empty column (a generated batch is never empty) gives an empty result, the same
    whether the fast path is tried or not."""
    s = pd.Series([], dtype=object)
    a = parser(s)
    with fast_path_tried():
        pd.testing.assert_frame_equal(a, parser(s))
    assert a.empty and (parser is parse_charges or a.index.equals(s.index))


@pytest.mark.parametrize("fn", [transliterate, name_key], ids=lambda f: f.__name__)
@settings(max_examples=batched(100), deadline=None)
@given(batch=batch_of(st.lists(st.one_of(messy, st.none()), max_size=8)))
def test_name_functions_never_raise(fn, batch):
    s = column(batch)
    out = fn(s)
    assert out.index.equals(s.index)


@settings(max_examples=batched(100), deadline=None)
@given(batch=batch_of(st.lists(messy, min_size=1, max_size=10)), seed=st.integers(0, 1000))
def test_result_per_cell_does_not_depend_on_neighbours(batch, seed):
    s = column(batch)
    shuffled = s.sample(frac=1, random_state=seed)
    with fast_path_tried():          # the fast path's rows and the rest's, merged in order
        pd.testing.assert_frame_equal(parse_sentence(s), parse_sentence(shuffled).loc[s.index])


articles = st.one_of(
    st.builds(lambda a, b: f"{a}.{b}" if b else str(a), st.integers(105, 361),
              st.integers(0, 9)),
    st.builds(lambda a, b, c: f"{a}.{b}.{c}" if c else f"{a}.{b}", st.integers(1, 32),
              st.integers(1, 9), st.integers(0, 9)))
charge = st.fixed_dictionaries({
    "article": articles,
    "part": st.one_of(st.none(), st.integers(1, 9).map(str), st.just("1.1")),
    "paragraph": st.one_of(st.none(), st.lists(st.sampled_from(list("абвгдежзик")), min_size=1,
                                               max_size=3, unique=True)
                           .map(lambda x: ",".join(sorted(x)))),
    "stage": st.sampled_from([None, "attempt", "preparation"]),
})


@settings(max_examples=batched(200), deadline=None)
@given(batch=batch_of(st.lists(charge, min_size=1, max_size=4)))
def test_render_charge_parses_back(batch):
    """Each cell, the rendered charges joined by "; ", parses back to them (a batch of
    cells read in one call)."""
    cells, expected = [], []
    for charges in batch:
        texts, want = [], []
        for c in charges:
            code = "КоАП" if int(c["article"].split(".")[0]) < 105 else "УК"
            texts.append(render_charge(code, c["article"], c["part"], c["paragraph"],
                                       attempt=c["stage"] == "attempt",
                                       preparation=c["stage"] == "preparation"))
            want.append((code, c["article"], c["part"], c["paragraph"],
                         c["stage"] == "attempt", c["stage"] == "preparation"))
        cells.append("; ".join(texts))
        expected.append(want)
    out = parse_charges(pd.Series(cells))
    got = [[] for _ in cells]
    for row, a, b, p, q, x, y in out[["row", "code", "article", "part", "paragraph",
                                      "attempt", "preparation"]].itertuples(index=False):
        got[row].append((a, b, None if pd.isna(p) else p, None if pd.isna(q) else q,
                         bool(x), bool(y)))
    for cell, want, have in zip(cells, expected, got):
        assert have == want, cell


sentence = st.one_of(
    st.builds(lambda m, r, f: dict(kind="imprisonment", months=m, regime=r, fine_rub=f),
              st.integers(1, 360), st.sampled_from([None, "general", "strict", "special",
                                                    "settlement", "prison"]),
              st.one_of(st.none(), st.integers(1, 5000).map(lambda x: x * 1000))),
    st.builds(lambda m, p: dict(kind="suspended", months=m, probation_months=p),
              st.integers(1, 120), st.one_of(st.none(), st.integers(6, 60))),
    st.builds(lambda f: dict(kind="fine", fine_rub=f), st.integers(1, 5000).map(
        lambda x: x * 1000)),
    st.builds(lambda m, k: dict(kind=k, months=m), st.integers(1, 60),
              st.sampled_from(["forced_labour", "correctional_work",
                               "restriction_of_liberty"])),
    st.builds(lambda h: dict(kind="compulsory_work", hours=h), st.integers(1, 480)),
    st.just(dict(kind="life")),
)


@settings(max_examples=batched(200), deadline=None)
@given(specs=batch_of(sentence))
def test_render_sentence_parses_back(specs):
    out = parse_sentence(pd.Series([render_sentence(**spec) for spec in specs]))
    for spec, (_, row) in zip(specs, out.iterrows(), strict=True):
        assert row["kind"] == spec["kind"] and pd.isna(row["reason"])
        for col in ("months", "regime", "probation_months", "fine_rub", "hours"):
            want = spec.get(col)
            got = row[col]
            assert (pd.isna(got) if want is None else got == want), (col, spec, row.to_dict())


RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"]


def _rendered_date(day: dt.date, style: str) -> tuple[str, dt.date, str]:
    ru, en = RU_MONTHS, EN_MONTHS
    return {
        "iso": (day.isoformat(), day, "day"),
        "dotted": (day.strftime("%d.%m.%Y"), day, "day"),
        "ru": (f"{day.day} {ru[day.month - 1]} {day.year} г.", day, "day"),
        "en": (f"{en[day.month - 1].title()} {day.day}, {day.year}", day, "day"),
        "month_ru": (f"{ru[day.month - 1]} {day.year}", day.replace(day=1), "month"),
        "month_num": (day.strftime("%m.%Y"), day.replace(day=1), "month"),
        "year": (str(day.year), day.replace(month=1, day=1), "year"),
    }[style]


@settings(max_examples=batched(150), deadline=None)
@given(days=batch_of(st.tuples(
    st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
    st.sampled_from(["iso", "dotted", "ru", "en", "month_ru", "month_num", "year"]))))
def test_rendered_dates_parse_back(days):
    rendered = [_rendered_date(day, style) for day, style in days]
    out = parse_date(pd.Series([text for text, _, _ in rendered]))
    for (text, want, precision), (_, row) in zip(rendered, out.iterrows(), strict=True):
        assert row["date"] == pd.Timestamp(want) and row["precision"] == precision, text


def test_dask_partitions_match_pandas():
    dd = pytest.importorskip("dask.dataframe")
    rng = np.random.default_rng(0)
    pool = ["ч. 2 ст. 205.2 УК РФ", "ст.ст. 205.4 ч.1, 222 ч.1 УК", "ничего", None,
            "5 лет 6 месяцев колонии общего режима", "штраф 800 тыс. руб.", "27.02.2023",
            "февраль 2023", "Пензенской обл.", "г. Москва", "Mars"]
    s = pd.Series(rng.choice(np.array(pool, dtype=object), 400), name="text",
                  index=pd.RangeIndex(1000, 1400))
    ds = dd.from_pandas(s, npartitions=4)
    assert ds.npartitions == 4
    for parser in (parse_sentence, parse_date, normalize_region):
        got = ds.map_partitions(parser, meta=parser(s.iloc[:0])).compute()
        pd.testing.assert_frame_equal(got, parser(s))
    got = ds.map_partitions(parse_charges, meta=parse_charges(s.iloc[:0])).compute()
    want = parse_charges(s)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)


@pytest.mark.parametrize("dtype", ["string", "category", "string[pyarrow]"])
def test_other_text_dtypes_give_the_same_result(dtype):
    values = ["5 лет колонии", None, "штраф 800 тыс. руб.", "5 лет колонии", "27.02.2023"]
    s = pd.Series(values, dtype=object)
    typed = s.astype(dtype)
    for parser in (parse_sentence, parse_date, normalize_region):
        pd.testing.assert_frame_equal(parser(typed), parser(s))
    pd.testing.assert_frame_equal(parse_charges(typed), parse_charges(s))

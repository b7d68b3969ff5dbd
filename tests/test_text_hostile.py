"""Hostile cells (issue 14, items 12-13): every parser returns a missing value and a reason,
never raises, and spends a bounded time on any one value.

The time bound (1 s per value) is generous: the worst hostile value of each parser takes
well under 0.4 s on a loaded 2-core machine; the quadratic patterns this guards against
took 13 s on ``"1" * 8000`` and never finished on ``"1" * 100000``.
"""
from __future__ import annotations

import time

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hyp import examples

from repstats.text import (charges, dates, name_key, names, normalize_region, numbers,
                           parse_charges, parse_date, parse_sentence, regions, sentences,
                           transliterate)
from repstats.text.numbers import parse_number

BOUND = 1.0          # CPU seconds per value
# (parser, its length limit, does it return a frame with a reason column)
PARSERS = [
    (parse_charges, charges.MAX_CHARS), (parse_sentence, sentences.MAX_CHARS),
    (parse_date, dates.MAX_CHARS), (normalize_region, regions.MAX_CHARS),
    (parse_number, numbers.MAX_CHARS), (transliterate, names.MAX_CHARS),
    (name_key, names.MAX_CHARS),
]
IDS = [p.__name__ for p, _ in PARSERS]
# units repeated to the parser's length limit: runs of digits, spaces, separators and of
# the parsers' own vocabulary (each was quadratic in at least one pattern, or could be)
UNITS = ["1", "1 ", "1.", "1,", "1-", " ", "ч. ", "ст. 205 ", "(", "«а» ", "пяти ", "лишени",
         "5 лет ", "1 000 ", "п. ", " и ", "a"]


def _timed(parser, value):
    s = pd.Series([value], dtype=object)
    # CPU time of this process, not wall time: a quadratic pattern burns CPU, while a
    # machine loaded by other jobs only stretches the wall clock
    t0 = time.process_time()
    out = parser(s)
    return time.process_time() - t0, out


def _reason(out):
    return out["reason"].iloc[0] if isinstance(out, pd.DataFrame) else None


def _value(out):
    return out.iloc[0] if isinstance(out, pd.Series) else out.iloc[0, 1 if "row" in out else 0]


@pytest.mark.parametrize("parser, limit", PARSERS, ids=IDS)
def test_redos_long_runs_are_bounded(parser, limit):
    """A ReDoS test per parser: runs at the length limit and far over it."""
    for n in (limit, 100_000):
        for unit in UNITS + ["5" + " " * 200 + "x"]:
            value = (unit * (n // len(unit) + 1))[:n]
            took, out = _timed(parser, value)
            assert took < BOUND, (parser.__name__, unit, n, took)
            if n > limit:
                assert pd.isna(_value(out))
                if isinstance(out, pd.DataFrame):
                    assert "too long" in _reason(out)


def test_digit_run_of_100k_no_longer_hangs_parse_sentence():
    took, out = _timed(parse_sentence, "1" * 100_000)
    assert took < BOUND and "too long" in out["reason"].iloc[0]
    # and just under the limit the patterns themselves are linear
    took, out = _timed(parse_sentence, "1" * sentences.MAX_CHARS)
    assert took < BOUND and out["reason"].iloc[0] == "no penalty found"


@pytest.mark.parametrize("parser, limit", PARSERS, ids=IDS)
@pytest.mark.parametrize("value, reason", [
    ("\ud800", "lone surrogate"), ("ч. 2 ст. 205.2 \udfff УК", "lone surrogate"),
    ([1, 2], "not text: list"), ({"a": 1}, "not text: dict"),
    (10 ** 5000, "integer too long"), (b"\xff", "not text: bytes"),
], ids=["surrogate", "surrogate-inside", "list", "dict", "huge-int", "bytes"])
def test_hostile_cells_give_missing_and_reason(parser, limit, value, reason):
    took, out = _timed(parser, value)
    assert took < BOUND
    assert pd.isna(_value(out))
    if isinstance(out, pd.DataFrame):
        assert reason in _reason(out)


@pytest.mark.parametrize("parser", [p for p, _ in PARSERS[:5]], ids=IDS[:5])
def test_strict_names_the_hostile_cell(parser):
    s = pd.Series(["\ud800", [1]], index=["a", "b"], dtype=object)
    with pytest.raises(ValueError, match="row label 'a'.*lone surrogate"):
        parser(s, strict=True)


def test_unhashable_cells_beside_text_keep_their_rows():
    s = pd.Series(["ч. 2 ст. 205.2 УК РФ", [1], {"x": 2}, "ч. 2 ст. 205.2 УК РФ"])
    out = parse_charges(s)
    assert out["row"].tolist() == [0, 1, 2, 3]
    assert out["article"].tolist()[::3] == ["205.2", "205.2"]
    assert out["reason"].tolist()[1:3] == ["not text: list", "not text: dict"]


surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1,
                     max_size=3)
digit_runs = st.integers(1, 30_000).map(lambda n: "1" * n)
hostile_text = st.one_of(
    st.text(max_size=200),
    st.tuples(st.text(max_size=20), surrogates, st.text(max_size=20)).map("".join),
    digit_runs,
    st.tuples(st.sampled_from(UNITS), st.integers(1, 3_000)).map(lambda t: t[0] * t[1]),
    st.text(st.characters(codec="utf-8"), min_size=1_000, max_size=3_000),
)
cells = st.one_of(
    hostile_text, st.none(), st.booleans(), st.integers(), st.floats(),
    st.just(10 ** 5000), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.binary(max_size=5),
)


@pytest.mark.parametrize("parser, limit", PARSERS, ids=IDS)
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(value=cells)
def test_property_every_parser_bounded_on_hostile_cells(parser, limit, value):
    took, out = _timed(parser, value)
    assert took < BOUND, (parser.__name__, repr(value)[:80], took)
    if isinstance(out, pd.DataFrame):
        # a value was read, or a reason says why not
        first = out.drop(columns=["row"], errors="ignore").iloc[0]
        assert pd.notna(first.iloc[0]) or pd.notna(first["reason"])

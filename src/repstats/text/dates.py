"""Dates written as people write them, with their precision.

:func:`parse_date` reads ISO dates ("2023-02-27", "2023-02"), Russian numeric dates
("27.02.2023", "02.2023"), Russian month names in any case ("27 февраля 2023 г.",
"февраль 2023", "в феврале 2023 года"), English month names ("27 February 2023",
"February 27, 2023", "Feb 2023") and bare years ("2023", "2023 г."). It returns the date
(the first day of the month or year when less is known) and its precision.
"""
from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from repstats.text._distinct import (as_text, check_series, first_matches, fold_arrow,
                                     map_distinct, raise_first, typed_frame)
from repstats.text.numbers import fold

__all__ = ["parse_date", "MONTHS"]

#: Month number by stem (Russian stems match every case: "февраль", "февраля", "феврале").
MONTHS: dict[str, int] = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма[йяею]": 5, "июн": 6, "июл": 7,
    "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "окт": 10, "ноя": 11,
    "дек": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
#: Longest cell read (characters); longer cells get a reason, in bounded time.
MAX_CHARS = 1_000
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_MON = rf"(?<![а-яa-z])(?P<mon>{_MONTH_ALT})[а-яa-z]*\.?"
_YEAR = r"(?P<y>(?:1[89]|20)\d\d)(?!\d)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|-?го|-?е)?"
_YEAR_WORD = r"(?:\s*(?:г\.?|года?|году|гг\.?|year))?"

# ordered: most precise first; each is searched, the first hit wins
_PATTERNS: list[tuple[str, re.Pattern]] = [(p, re.compile(rx)) for p, rx in [
    ("day", rf"(?<!\d){_YEAR}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?!\d)"),
    ("day", rf"(?<![\d.]){_DAY}[./](?P<m>[01]?\d)[./]{_YEAR}"),
    ("day", rf"(?<!\d){_DAY}\s+{_MON}\s*,?\s*{_YEAR}"),
    ("day", rf"{_MON}\s+{_DAY},?\s+{_YEAR}"),
    ("month", rf"(?<!\d){_YEAR}-(?P<m>[01]?\d)(?![\d-])"),
    ("month", rf"(?<![\d.])(?P<m>[01]?\d)[./]{_YEAR}"),
    ("month", rf"{_MON}\s*,?\s*{_YEAR}"),
    ("year", rf"(?<![\d.]){_YEAR}{_YEAR_WORD}"),
]]


_STEMS = sorted(MONTHS.items(), key=lambda kv: len(kv[0]), reverse=True)


@functools.lru_cache(maxsize=4096)  # the same month words come back in every column
def _month_number(token: str) -> int | None:
    for stem, number in _STEMS:
        if re.match(stem, token):
            return number
    return None


# The same patterns for Arrow's RE2 (no look-arounds): a look-behind becomes a consumed
# boundary "(?:^|[^...])", a look-ahead a consumed "(?:[^...]|$)"; leftmost-first matching
# then finds the same first match and the same groups as Python's ``re.search``.
_Y2 = r"(?P<y>(?:1[89]|20)\d\d)"
_MON2 = rf"(?P<mon>{_MONTH_ALT})[а-яa-z]*\.?"
_DAY2 = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|-?го|-?е)?"
_SEARCH_PATTERNS = [
    ("day", rf"(?:^|\D){_Y2}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?:\D|$)"),
    ("day", rf"(?:^|[^\d.]){_DAY2}(?P<s1>[./])(?P<m>[01]?\d)(?P<s2>[./]){_Y2}(?:\D|$)"),
    ("day", rf"(?:^|\D){_DAY2}\s+{_MON2}\s*,?\s*{_Y2}(?:\D|$)"),
    ("day", rf"(?:^|[^а-яa-z]){_MON2}\s+{_DAY2},?\s+{_Y2}(?:\D|$)"),
    ("month", rf"(?:^|\D){_Y2}-(?P<m>[01]?\d)(?:[^\d-]|$)"),
    ("month", rf"(?:^|[^\d.])(?P<m>[01]?\d)[./]{_Y2}(?:\D|$)"),
    ("month", rf"(?:^|[^а-яa-z]){_MON2}\s*,?\s*{_Y2}(?:\D|$)"),
    ("year", rf"(?:^|[^\d.]){_Y2}(?:\D|$)"),
]
# The commonest cells hold their date after a prefix without digits ("от 27.02.2023 по
# делу ...") or none, in a regular shape: ISO, dd.mm.yyyy, "27 февраля 2023". There the
# first match begins at the first digit (no earlier match can: each needs a digit after
# its boundary), every optional part takes its first choice and each group lies at a
# fixed place or between single spaces, so the groups are sliced instead of extracted.
# The prefix may not end with "." (dd.mm.yyyy's look-behind); for simplicity it holds no
# "." at all; any other cell is extracted by RE2.
_LEAD = "".join(c for c in map(chr, range(32, 127)) if not c.isdigit() and c != ".") \
    + "".join(map(chr, range(0x400, 0x460))) + "«»№–—"


def _slicer(shape: str, slices: dict[str, tuple[int, int]]):
    """A reader for :func:`first_matches`: after the prefix, values matching ``shape``
    (anchored, fixed width) have each group at ``slices[group]`` (start, stop)."""
    def read(values: pa.Array):
        text = pc.utf8_ltrim(values, characters=_LEAD)
        mask = pc.match_substring_regex(text, shape)
        cut = text.filter(mask)
        return mask.to_numpy(zero_copy_only=False), pa.StructArray.from_arrays(
            [pc.utf8_slice_codeunits(cut, a, b) for a, b in slices.values()],
            names=list(slices))
    return read


def _read_day_month_year(values: pa.Array):
    """A reader for "27 февраля 2023...": day, month word and year between single spaces
    (the month word stands for its stem: both give the same month number)."""
    text = pc.utf8_ltrim(values, characters=_LEAD)
    mask = pc.match_substring_regex(
        text, rf"^[0-3]?\d (?:{_MONTH_ALT})[а-яa-z]* (?:1[89]|20)\d\d(?:\D|$)")
    words = pc.split_pattern(text.filter(mask), " ", max_splits=2)
    fields = [pc.list_element(words, 0), pc.list_element(words, 1),
              pc.utf8_slice_codeunits(pc.list_element(words, 2), 0, 4)]
    return mask.to_numpy(zero_copy_only=False), pa.StructArray.from_arrays(
        [f.cast(values.type) for f in fields], names=["d", "mon", "y"])


_READERS = {
    0: _slicer(r"^(?:1[89]|20)\d\d-[01]\d-[0-3]\d(?:\D|$)",
               {"y": (0, 4), "m": (5, 7), "d": (8, 10)}),
    1: _slicer(r"^[0-3]\d[./][01]\d[./](?:1[89]|20)\d\d(?:\D|$)",
               {"d": (0, 2), "s1": (2, 3), "m": (3, 5), "s2": (5, 6), "y": (6, 10)}),
    2: _read_day_month_year,
}
_FAST_PATTERNS = [(label, rx, _READERS[i]) if i in _READERS else (label, rx)
                  for i, (label, rx) in enumerate(_SEARCH_PATTERNS)]


_DTYPES = {"date": "datetime64[ns]", "precision": "object", "reason": "object"}


def _ints(struct, name) -> np.ndarray:
    return pc.cast(struct.field(name), pa.int64()).to_numpy(zero_copy_only=False)


def _calendar_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray):
    """``(dates, valid)``: datetime64[ns] of year/month/day (NaT where invalid) and which
    are real calendar dates, by numpy's calendar (month lengths, leap years)."""
    valid = (month >= 1) & (month <= 12) & (day >= 1)
    months = ((year - 1970) * 12 + np.where(valid, month, 1) - 1).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    valid &= day <= length
    dates = (first + np.where(valid, day - 1, 0)).astype("datetime64[ns]")
    dates[~valid] = np.datetime64("NaT", "ns")
    return dates, valid


def _fast(values: pa.Array, dayfirst: bool):
    """Vectorised :func:`_parse_one` for plain (SAFE_TEXT) strings with a valid date or none.

    Returns ``(mask, frame)``: which values it read, and their rows. Invalid dates
    ("31.02.2023") and anything outside SAFE_TEXT are left to :func:`_parse_one`.
    """
    idx, text = fold_arrow(values, MAX_CHARS)
    k = len(idx)
    year, month, day = np.zeros(k, np.int64), np.ones(k, np.int64), np.ones(k, np.int64)
    precision = np.full(k, None, dtype=object)
    done = np.zeros(k, dtype=bool)
    for prec, hit, sub in first_matches(text, _FAST_PATTERNS):
        names = {sub.type.field(i).name for i in range(sub.type.num_fields)}
        year[hit] = _ints(sub, "y")
        if "m" in names:
            month[hit] = _ints(sub, "m")
        if "mon" in names:
            enc = pc.dictionary_encode(sub.field("mon"))
            numbers = np.array([_month_number(t) for t in enc.dictionary.to_pylist()],
                               dtype=np.int64)
            month[hit] = numbers[enc.indices.to_numpy(zero_copy_only=False)]
        if "d" in names:
            day[hit] = _ints(sub, "d")
        if "s1" in names and not dayfirst:
            slash = pc.or_(pc.equal(sub.field("s1"), "/"), pc.equal(sub.field("s2"), "/"))
            swap = hit[slash.to_numpy(zero_copy_only=False)]
            day[swap], month[swap] = month[swap].copy(), day[swap].copy()
        precision[hit] = prec
        done[hit] = True
    dates, valid = _calendar_dates(np.where(done, year, 2000), month, day)
    invalid = done & ~valid
    read = ~invalid                              # invalid dates: Python gives the reason
    mask = np.zeros(len(values), dtype=bool)
    mask[idx[read]] = True
    dates = np.where(done, dates, np.datetime64("NaT", "ns"))[read]
    reason = np.where(done, None, "no date found")[read]
    frame = typed_frame({"date": dates, "precision": precision[read], "reason": reason},
                        _DTYPES)
    return mask, frame


def _parse_one(value, dayfirst: bool) -> tuple:
    text, reason = as_text(value, MAX_CHARS)
    if text is None:
        return (pd.NaT, None, reason)
    t = fold(text).strip()
    if not t:
        return (pd.NaT, None, "empty text")
    for precision, pat in _PATTERNS:
        m = pat.search(t)
        if not m:
            continue
        g = m.groupdict()
        year = int(g["y"])
        month = 1
        if g.get("mon"):
            month = _month_number(g["mon"])
            if month is None:
                continue
        elif g.get("m"):
            month = int(g["m"])
        day = int(g["d"]) if g.get("d") else 1
        if not dayfirst and precision == "day" and g.get("m") and "/" in m.group(0):
            day, month = month, day
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return (pd.NaT, None, f"invalid date: {m.group(0)!r}")
        return (pd.Timestamp(date), precision, None)
    return (pd.NaT, None, "no date found")


def parse_date(series: pd.Series, *, dayfirst: bool = True,
               strict: bool = False) -> pd.DataFrame:
    """Parse dates of day, month or year precision.

    Parameters
    ----------
    series : pandas.Series
        Text such as ``"2023-02-27"``, ``"27.02.2023"``, ``"27 февраля 2023 г."``,
        ``"февраль 2023"``, ``"02.2023"``, ``"2023"``, ``"February 27, 2023"``. The first
        date found in a cell is used; years 1800-2099 are recognised.
    dayfirst : bool, default True
        How to read ``"03/04/2023"`` (slash dates only): day first (Russian usage) or month
        first (US usage). Dotted dates are always day first.
    strict : bool, default False
        Raise :class:`~repstats.errors.InputError` (a ValueError) naming the first row
        without a valid date.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``series`` (same index), columns:

        * ``date`` (datetime64[ns]): the date; the first day of the month or year when
          the precision is coarser; NaT when not understood.
        * ``precision`` (object): ``"day"``, ``"month"`` or ``"year"``; None with NaT.
        * ``reason`` (object): why ``date`` is missing ("no date found", "invalid date:
          '31.02.2023'", "missing"), else None.

    Notes
    -----
    Works per partition with dask:
    ``ddf["col"].map_partitions(parse_date, meta=parse_date(ddf["col"]._meta))``.
    """
    check_series(series, "parse_date")
    if not isinstance(dayfirst, bool):
        raise ValueError(f"dayfirst must be True or False, got {dayfirst!r}")
    out = map_distinct(series, lambda v: _parse_one(v, dayfirst), list(_DTYPES), _DTYPES,
                       fast=lambda values: _fast(values, dayfirst))
    if strict:
        raise_first(series, out["reason"].notna().to_numpy(), "parse_date",
                    out["reason"].to_numpy())
    return out

"""Russian and English number words, in every grammatical case.

Court texts write terms in words and decline them: "пяти годам и шести месяцам",
"полутора", "двух с половиной", "шестнадцати", "трём". :func:`words_to_number` turns one
such phrase into a number; :func:`parse_number` does it for a Series; :data:`NUMBER_RE`
is the regular-expression fragment other parsers embed to find numbers in text.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from repstats.text._distinct import as_text, check_series, map_distinct, raise_first

__all__ = ["parse_number", "words_to_number", "NUMBER_RE", "WORD_VALUES",
           "RUSSIAN_NUMBER_WORDS", "RUSSIAN_HALF_WORDS", "fold"]


def _forms(value, *words: str) -> dict[str, float]:
    return {w: value for w in words}


def _russian() -> dict[str, float]:
    """Every declined form of the Russian cardinals (nominative, genitive, dative,
    instrumental, prepositional; feminine and neuter where they differ), with "е" for "ё"
    (text is folded before lookup). The one table of Russian number words: the sanction
    reader (:mod:`repstats.statutes.numerals`) builds on it too."""
    out: dict[str, float] = {}
    for value, words in [
        (0, "ноль нуль ноля нуля нолю нулю нолем нулем"),
        (1, "один одного одному одним одном одна одной одну одною одно"),
        (2, "два две двух двум двумя"),
        (3, "три трех трем тремя"),
        (4, "четыре четырех четырем четырьмя"),
        (40, "сорок сорока"),
        (90, "девяносто девяноста"),
        (100, "сто ста"),
        (200, "двести двухсот двумстам двумястами двухстах"),
        (300, "триста трехсот тремстам тремястами трехстах"),
        (400, "четыреста четырехсот четыремстам четырьмястами четырехстах"),
        (1.5, "полтора полторы полутора"),
        (150, "полтораста полутораста"),
    ]:
        out.update(_forms(value, *words.split()))
    # 5-20 and 30 decline like "пять, пяти, пятью"
    for value, stem in [(5, "пят"), (6, "шест"), (7, "сем"), (9, "девят"), (10, "десят"),
                        (11, "одиннадцат"), (12, "двенадцат"), (13, "тринадцат"),
                        (14, "четырнадцат"), (15, "пятнадцат"), (16, "шестнадцат"),
                        (17, "семнадцат"), (18, "восемнадцат"), (19, "девятнадцат"),
                        (20, "двадцат"), (30, "тридцат")]:
        out.update(_forms(value, stem + "ь", stem + "и", stem + "ью"))
    out.update(_forms(8, "восемь", "восьми", "восемью", "восьмью"))
    # 50-80: "пятьдесят, пятидесяти, пятьюдесятью"
    for value, words in {
            50: ("пятьдесят", "пятидесяти", "пятьюдесятью"),
            60: ("шестьдесят", "шестидесяти", "шестьюдесятью"),
            70: ("семьдесят", "семидесяти", "семьюдесятью"),
            80: ("восемьдесят", "восьмидесяти", "восемьюдесятью", "восьмьюдесятью")}.items():
        out.update(_forms(value, *words))
    # 500-900: "пятьсот, пятисот, пятистам, пятьюстами, пятистах"
    for value, (nom, stem, ins) in {
            500: ("пятьсот", "пяти", ("пятью",)), 600: ("шестьсот", "шести", ("шестью",)),
            700: ("семьсот", "семи", ("семью",)),
            800: ("восемьсот", "восьми", ("восемью", "восьмью")),
            900: ("девятьсот", "девяти", ("девятью",))}.items():
        out.update(_forms(value, nom, stem + "сот", stem + "стам", stem + "стах",
                          *(i + "стами" for i in ins)))
    return out


#: Russian cardinal number words (every case and gender) and their values.
RUSSIAN_NUMBER_WORDS: dict[str, float] = _russian()
#: Russian words for a half ("половина", "половины", "половину").
RUSSIAN_HALF_WORDS = ("половина", "половины", "половину")

WORD_VALUES: dict[str, float] = dict(RUSSIAN_NUMBER_WORDS)
# English
for _i, _w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                        "thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
                        .split()):
    WORD_VALUES[_w] = _i
for _i, _w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split()):
    WORD_VALUES[_w] = 20 + 10 * _i
WORD_VALUES["hundred"] = 100
WORD_VALUES["a"] = 1            # "a year", "a half"

MULTIPLIERS: dict[str, int] = {}
MULTIPLIERS.update(_forms(1000, "тысяча", "тысячи", "тысяче", "тысячу", "тысячей",
                          "тысячею", "тысяч", "тысячам", "тысячами", "тысячах", "тыс",
                          "thousand"))
MULTIPLIERS.update(_forms(1_000_000, "миллион", "миллиона", "миллиону", "миллионом",
                          "миллионе", "миллионов", "миллионам", "миллионами",
                          "миллионах", "млн", "million"))

#: Longest cell read (characters); longer cells get a reason, in bounded time.
MAX_CHARS = 1_000
_HALF = r"(?:с\s+половиной|and\s+a\s+half)"
_WORD_ALT = "|".join(sorted((re.escape(w) for w in WORD_VALUES if w != "a"),
                            key=len, reverse=True))
# a number starts where a run of digits starts, and runs are read possessively: no
# backtracking into a run of digits or spaces (linear time on "1" * 100000)
_DIGITS = r"(?<!\d)\d++(?:[.,]\d++)?"
#: A number in digits ("6,5", "3.5") or words ("двух с половиной", "eight"), not anchored.
NUMBER_RE = (rf"(?:{_DIGITS}|(?:(?<![а-яa-z])(?:{_WORD_ALT})(?![а-яa-z])"
             rf"(?:[\s-]++(?:{_WORD_ALT})(?![а-яa-z])){{0,3}}+))(?:\s++{_HALF})?")
_TOKEN = re.compile(r"[а-яa-z]+|\d+(?:[.,]\d+)?", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case, fold "ё" to "е" and non-breaking spaces to spaces."""
    return text.lower().replace("ё", "е").replace("\xa0", " ").replace("\u202f", " ")


def words_to_number(text: str) -> float | None:
    """Value of one number phrase in digits or words, or ``None`` if it is not one.

    >>> words_to_number("двух с половиной")
    2.5
    >>> words_to_number("пятисот тысяч")
    500000.0
    """
    if not isinstance(text, str):
        return None
    tokens = _TOKEN.findall(fold(text))
    if not tokens:
        return None
    total, current, seen, half = 0.0, 0.0, False, False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok[0].isdigit():
            if seen and current:
                return None
            current += float(tok.replace(",", "."))
            seen = True
        elif tok in WORD_VALUES and not (tok == "a" and seen):
            value = WORD_VALUES[tok]
            if value == 100 and tok == "hundred":
                current = (current or 1) * 100
            else:
                current += value
            seen = True
        elif tok in MULTIPLIERS and seen:
            total += (current or 1) * MULTIPLIERS[tok]
            current = 0.0
        elif tok in ("с", "and") and i + 1 < len(tokens) and tokens[i + 1].startswith(
                ("половин", "half")):
            half = True
            i += 1
        elif tok in ("and", "a") and seen:
            pass
        elif tok in ("half", "половина", "половиной"):
            half = True
        else:
            return None
        i += 1
    if not seen:
        return None
    return total + current + (0.5 if half else 0.0)


def _parse_one(value) -> tuple:
    text, reason = as_text(value, MAX_CHARS)
    if text is None:
        return (np.nan, reason)
    number = words_to_number(text)
    if number is None:
        return (np.nan, "not a number phrase")
    return (number, None)


def parse_number(series: pd.Series, *, strict: bool = False) -> pd.DataFrame:
    """Parse number phrases in Russian or English words or digits.

    Parameters
    ----------
    series : pandas.Series
        Text such as ``"шестнадцати"``, ``"двух с половиной"``, ``"6,5"``, ``"eight"``.
    strict : bool, default False
        Raise :class:`~repstats.errors.InputError` (a ValueError) naming the first row
        whose value could not be parsed.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``series`` (same index), columns:

        * ``value`` (float64): the number, NaN when not understood.
        * ``reason`` (object): why ``value`` is missing, else None.
    """
    check_series(series, "parse_number")
    out = map_distinct(series, _parse_one, ["value", "reason"],
                       {"value": "float64", "reason": "object"})
    if strict:
        raise_first(series, out["reason"].notna().to_numpy(), "parse_number",
                    out["reason"].to_numpy())
    return out

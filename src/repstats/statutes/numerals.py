"""Russian cardinal number words in every case and gender, and the terms built from them.

Sanctions of the Criminal Code spell terms out in words, mostly in the genitive after
"от"/"до" ("от пятнадцати до двадцати лет", "до одного года", "до полутора лет",
"от шести месяцев до двух лет"), sometimes in the instrumental or accusative. This module
turns those words into numbers; :func:`words_to_number` sums compound numerals
("двадцати пяти" = 25, "четырехсот восьмидесяти" = 480) and also accepts digits.
"""
from __future__ import annotations

import re
from fractions import Fraction

from repstats.text.numbers import RUSSIAN_HALF_WORDS, RUSSIAN_NUMBER_WORDS

__all__ = ["NUMBER_WORDS", "words_to_number", "NUMBER_PATTERN"]


def _build() -> dict[str, Fraction]:
    """The package's one table of Russian number words (:mod:`repstats.text.numbers`) as
    exact fractions, with "половина" (1/2) and the "ё" spellings statutory text uses."""
    forms = {w: Fraction(v) for w, v in RUSSIAN_NUMBER_WORDS.items()}
    forms.update({w: Fraction(1, 2) for w in RUSSIAN_HALF_WORDS})
    for w in list(forms):
        if "е" in w:
            forms.setdefault(w.replace("е", "ё"), forms[w])
    return forms


NUMBER_WORDS: dict[str, Fraction] = _build()

_WORD_ALT = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
#: One numeral: digits or one to three number words ("двадцати пяти").
NUMBER_PATTERN = rf"(?:\d+(?:[.,]\d+)?|(?:(?:{_WORD_ALT})\s+){{0,2}}(?:{_WORD_ALT}))"


def words_to_number(text: str) -> Fraction:
    """Value of a Russian numeral written in words (any case or gender) or digits.

    Parameters
    ----------
    text : str
        e.g. ``"пятнадцати"``, ``"одного"``, ``"полутора"``, ``"двадцати пяти"``,
        ``"четырехсот восьмидесяти"``, ``"6"``.

    Returns
    -------
    fractions.Fraction
        The value (``Fraction(3, 2)`` for "полутора").

    Raises
    ------
    ValueError
        When a word is not a number word, or the words do not form a numeral (a smaller
        order followed by a larger one, e.g. "пяти двадцати").
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected a numeral as text, got {text!r}")
    s = text.strip().lower()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", s):
        return Fraction(s.replace(",", "."))
    total = Fraction(0)
    last = None
    for word in s.split():
        if word not in NUMBER_WORDS:
            raise ValueError(f"{word!r} in {text!r} is not a Russian number word")
        value = NUMBER_WORDS[word]
        if last is not None and (value >= last or last < 20 or _order(value) >= _order(last)):
            raise ValueError(f"{text!r} is not a well-formed numeral")
        total += value
        last = value
    return total


def _order(value: Fraction) -> int:
    """0 for units and teens (< 20), 1 for tens, 2 for hundreds."""
    if value >= 100:
        return 2
    if value >= 20:
        return 1
    return 0

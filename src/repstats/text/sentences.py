"""Sentences: kind of punishment, term, regime, probation, fine and additional penalties.

:func:`parse_sentence` reads Russian and English sentence descriptions ("5 лет 6 месяцев
лишения свободы в колонии общего режима", "пять лет условно с испытательным сроком 3
года", "штраф 800 тыс. руб.", "16 years in a maximum-security colony", "5y3m"), including
number words in any case ("пяти годам и шести месяцам"). A cell may quote several sources
separated by ";": the first clause naming a penalty sets the kind and term, later clauses
only fill in what is still missing (regime, fine, probation, bans).
:func:`render_sentence` writes a canonical English description that parses back.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from repstats.text._distinct import (as_text, check_series, first_matches, fold_arrow,
                                     map_distinct, raise_first, strings, typed_frame)
from repstats.text.numbers import NUMBER_RE, fold, words_to_number

__all__ = ["parse_sentence", "render_sentence", "SENTENCE_COLUMNS", "KINDS", "REGIMES"]

KINDS = ("imprisonment", "suspended", "fine", "forced_labour", "compulsory_work",
         "correctional_work", "restriction_of_liberty", "life", "other")
REGIMES = ("general", "strict", "special", "settlement", "prison", "educational")

#: Output columns of :func:`parse_sentence` with their dtypes.
SENTENCE_COLUMNS = {
    "kind": "object", "months": "float64", "regime": "object", "prison_months": "float64",
    "probation_months": "float64", "fine_rub": "float64", "hours": "float64",
    "additional": "object", "reason": "object",
}

#: Longest cell read (characters); longer cells get a reason, in bounded time.
MAX_CHARS = 5_000
_B = r"(?<![а-яa-z])"
_E = r"(?![а-яa-z])"
_NUM = rf"({NUMBER_RE})"
_GAP = r"\s*+(?:\.\.\.|…)?+\s*+"
_YEARS = rf"(?:год\w*|лет|г\.(?!\s*\d)|years?|yrs?\.?|y{_E}|roku|lat)"
_MONTHS = rf"(?:месяц\w*|мес\.?|months?|mos?\.?|m{_E}|miesi\w*)"
_DURATION = re.compile(
    rf"{_B}(?:"
    rf"(?P<y>{NUMBER_RE}){_GAP}{_YEARS}{_E}"
    rf"(?:\s*+(?:,|и|and)?+\s*+(?P<ym>{NUMBER_RE})\s*+{_MONTHS}{_E})?"
    rf"|(?P<m>{NUMBER_RE}){_GAP}{_MONTHS}{_E}"
    rf"|(?P<half>полгода|пол\s*года|half\s+a\s+year)"
    rf"|(?<!\d)(?P<cy>\d++)\s*+y\s*+(?P<cm>\d++)\s*+m{_E}"
    rf"|(?P<h>{NUMBER_RE})\s*+(?:час\w*|hours?){_E}"
    rf")")
_MONEY = re.compile(
    rf"(?P<num>(?<!\d)(?:\d{{1,3}}(?:[ \u00a0]\d{{3}})+|\d{{1,3}}(?:,\d{{3}})+(?![.,]?\d)"
    rf"|\d++(?:[.,]\d++)?)"
    rf"|{NUMBER_RE})\s*+(?P<mult>тыс\w*\.?|млн\.?|миллион\w*|million|thousand|k{_E})?\s*+"
    rf"(?P<cur>руб\w*\.?|р\.|₽|rub\w*|roubles?|rubles?)?")
_CLAUSE_SPLIT = re.compile(r";|\|")

_P = {
    "life": re.compile(r"пожизненн|life\s+(?:imprisonment|sentence|term)|to\s+life|"
                       r"life\s+in\s+prison"),
    "suspended": re.compile(r"условн|suspended|probation|испытательн"),
    "forced_labour": re.compile(r"принудительн\w*+\s+работ|forced\s+labou?r"),
    "compulsory_work": re.compile(r"обязательн\w*+\s+работ|compulsory\s+(?:work|labou?r)|"
                                  r"community\s+service"),
    "correctional_work": re.compile(r"исправительн\w*+\s+работ|correctional\s+(?:work|labou?r)"),
    "restriction": re.compile(r"ограничени\w*+\s+свободы|restriction\s+of\s+(?:liberty|freedom)"
                              r"|restricted\s+freedom"),
    "fine": re.compile(r"штраф|fine[ds]?\b|fining"),
    "prison_words": re.compile(r"лишени\w*+\s+свободы|колони|заключени|тюрьм|лагер|\bик\b|"
                               r"prison|colony|jail|behind\s+bars|imprisonment|"
                               r"incarceration|custod|kolonii"),
    "arrest": re.compile(r"(?<![а-я])арест\w*|(?<![a-z])arrest"),
    "acquittal": re.compile(r"оправда|acquitt"),
    "ban": re.compile(r"запре[тщ]|лишени\w*+\s+права|banned|\bban\b|prohibit|barred|"
                      r"disqualif"),
    "probation": re.compile(r"испытательн|probation"),
    "prison_part": re.compile(r"перв\w*|first"),
    "sic": re.compile(r"\[sic\]"),
}
_REGIME = [
    ("special", re.compile(r"особ\w*+\s+режим|special[-\s]+(?:regime|security)")),
    ("strict", re.compile(r"строг\w*+\s+режим|strict[-\s]+(?:regime|security)|strict\s+regime|"
                          r"maximum[-\s/]+(?:high[-\s]+)?security|high[-\s]+security|"
                          r"strict-regime|\bstrict\b")),
    ("general", re.compile(r"общ\w*+\s+режим|general[-\s]+(?:regime|security)|"
                           r"regular[-\s]+(?:regime|security)|common[-\s]+regime")),
    ("settlement", re.compile(r"колони\w*[-\s]+поселени|поселени|settlement|open\s+colony")),
    ("educational", re.compile(r"воспитательн\w*+\s+колони|educational\s+colony|juvenile")),
    ("prison", re.compile(r"тюрьм|тюремн|prison\s+regime|in\s+a\s+prison\s+\(")),
]


def _num(text: str | None) -> float | None:
    if text is None:
        return None
    return words_to_number(text)


def _money(text: str) -> float | None:
    """First amount of money in ``text`` (needs a currency or a thousand/million word)."""
    for m in _MONEY.finditer(text):
        if not (m.group("cur") or m.group("mult")):
            continue
        raw = m.group("num")
        if re.fullmatch(r"\d{1,3}(?:[ \u00a0]\d{3})+", raw):
            value = float(raw.replace(" ", "").replace("\u00a0", ""))
        elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw) and not m.group("mult"):
            value = float(raw.replace(",", ""))
        else:
            value = words_to_number(raw)
            if value is None:
                continue
        mult = (m.group("mult") or "")
        if mult.startswith(("тыс", "thousand", "k")):
            value *= 1000
        elif mult.startswith(("млн", "миллион", "million")):
            value *= 1_000_000
        if value >= 100:        # a bare "5 руб." is not a criminal fine
            return value
    return None


def _durations(clause: str) -> list[tuple[int, int, float | None, float | None]]:
    """``(start, end, months, hours)`` of every term in a clause."""
    out = []
    for m in _DURATION.finditer(clause):
        months = hours = None
        if m.group("y") is not None:
            years = _num(m.group("y"))
            extra = _num(m.group("ym")) if m.group("ym") else 0.0
            if years is not None and extra is not None:
                months = years * 12 + extra
        elif m.group("m") is not None:
            months = _num(m.group("m"))
        elif m.group("half") is not None:
            months = 6.0
        elif m.group("cy") is not None:
            months = int(m.group("cy")) * 12 + int(m.group("cm"))
        elif m.group("h") is not None:
            hours = _num(m.group("h"))
        if months is None and hours is None:
            continue
        out.append((m.start(), m.end(), months, hours))
    return out


def _role(clause: str, start: int, end: int, prev_end: int) -> str:
    """What a term in a clause is: main, probation, ban, restriction or prison part."""
    left = clause[prev_end:start]
    right = clause[end:end + 25]
    if _P["probation"].search(left):
        return "probation"
    if _P["ban"].search(left) or re.match(r"\s*(?:[а-яa-z]+\s+){0,2}(?:запре[тщ]|banned|ban)",
                                           right):
        return "ban"
    if _P["restriction"].search(left) or _P["restriction"].match(right.strip()):
        return "restriction"
    if _P["prison_part"].search(left[-25:]) and re.search(r"тюрьм|prison", right):
        return "prison_part"
    return "main"


def _regime(text: str) -> str | None:
    best = None
    for name, pat in _REGIME:
        m = pat.search(text)
        if m and (best is None or m.start() < best[1]):
            best = (name, m.start())
    return best[0] if best else None


def _clean(text: str) -> str:
    t = fold(text)
    t = _P["sic"].sub(" ", t)
    t = t.replace("[", "").replace("]", "")
    t = re.sub(r"[«»\"“”„'‘’`]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _empty(reason: str) -> tuple:
    return (None, math.nan, None, math.nan, math.nan, math.nan, math.nan, None, reason)


def _fmt_months(m: float) -> str:
    return f"{m:g} months"


def _parse_one(value) -> tuple:
    text, reason = as_text(value, MAX_CHARS)
    if text is None:
        return _empty(reason)
    t = _clean(text)
    if not t:
        return _empty("empty text")
    kind = None
    months = prison = probation = hours = math.nan
    additional: list[str] = []
    notes: list[str] = []
    fine = _money(t) if _P["fine"].search(t) or re.search(r"руб|rub|₽", t) else None
    for clause in _CLAUSE_SPLIT.split(t):
        prev = 0
        fine_at = _P["fine"].search(clause)
        for start, end, m, h in _durations(clause):
            role = _role(clause, start, end, prev)
            prev = end
            if role == "probation":
                if math.isnan(probation) and m is not None:
                    probation = m
                continue
            if role == "ban":
                if m is not None:
                    additional.append(f"ban {_fmt_months(m)}")
                continue
            if role == "prison_part":
                if m is not None and math.isnan(prison):
                    prison = m
                continue
            if kind is not None:
                if role == "restriction" and m is not None:
                    additional.append(f"restriction of liberty {_fmt_months(m)}")
                continue                    # a later source repeating or changing the term
            if role == "restriction":
                kind = "restriction_of_liberty"
            elif _P["forced_labour"].search(clause):
                kind = "forced_labour"
            elif _P["compulsory_work"].search(clause):
                kind = "compulsory_work"
            elif _P["correctional_work"].search(clause):
                kind = "correctional_work"
            elif _P["suspended"].search(clause):
                kind = "suspended"
            elif _P["arrest"].search(clause) and not _P["prison_words"].search(clause):
                kind = "other"
                notes.append("arrest")
            else:
                kind = "imprisonment"
            months = m if m is not None else math.nan
            hours = h if h is not None else math.nan
        if kind is None and fine_at is not None and fine is not None:
            if _P["prison_words"].search(clause[:fine_at.start()]):
                kind = "imprisonment"       # "в виде 19 [sic] лишения свободы ... штраф"
                notes.append("no term found")
            else:
                kind = "fine"   # the first clause naming a penalty names a fine
    if _P["life"].search(t) and (kind in (None, "imprisonment")):
        kind, months = "life", math.nan
    if kind is None:
        if fine is not None or _P["fine"].search(t):
            kind = "fine"
        elif _P["acquittal"].search(t):
            return _empty("acquittal: no sentence")
        elif _P["prison_words"].search(t) or _P["suspended"].search(t):
            kind = "suspended" if _P["suspended"].search(t) else "imprisonment"
            notes.append("no term found")
        else:
            return _empty("no penalty found")
    if kind in ("fine",):
        months = math.nan
        if fine is None:
            notes.append("fine amount not found")
    elif fine is not None:
        additional.insert(0, f"fine {fine:.0f} RUB")
    regime = _regime(t) if kind in ("imprisonment", "life") else None
    if not math.isnan(prison):
        regime = "prison"
        additional.append(f"first {_fmt_months(prison)} in prison")
    if kind not in ("fine", "life") and math.isnan(months) and math.isnan(hours) and \
            "no term found" not in notes:
        notes.append("no term found")
    reason = "; ".join(n for n in notes if n in ("no term found", "fine amount not found")) \
        or None
    extra = [n for n in notes if n not in ("no term found", "fine amount not found")]
    additional = additional + extra
    return (kind, months, regime, prison, probation,
            fine if fine is not None else math.nan, hours,
            "; ".join(dict.fromkeys(additional)) or None, reason)


# -- vectorised reading of the common shapes ---------------------------------------------
# "5 лет 6 месяцев лишения свободы в колонии общего режима [и штраф 300000 рублей]",
# "пяти годам колонии строгого режима", "5 лет условно с испытательным сроком 3 года",
# "штраф 800 000 руб.", "16 years in a maximum-security colony": read at once by Arrow's
# RE2 (the same result as the Python reader, checked by tests/test_text_fast.py); every
# other text goes to the Python reader.
_F_NUM = r"(?P<y>[1-9]\d?(?:,5)?|[а-я]+(?: с половиной)?)"
_F_YEARS = r"(?:лет|года|год|годам)"
_F_REGIME = {"общего режима": "general", "строгого режима": "strict",
             "особого режима": "special", "колонии-поселения": "settlement",
             "maximum-security": "strict", "general-regime": "general"}
_F_REG = r"(?P<reg>общего режима|строгого режима|особого режима|колонии-поселения)"
_F_FINE = (r"(?:(?P<f>[1-9]\d{2,6}|[1-9]\d{0,2}(?: \d{3})+) (?:рублей|руб\.)"
           r"|(?P<fk>[1-9]\d{0,3}) тысяч рублей)")
_F_SHAPES = [
    ("imprisonment", rf"^(?:к )?{_F_NUM} {_F_YEARS}(?: (?P<m>\d|1[01]) (?:месяцев|месяца))?"
     rf"(?: лишения свободы)?(?: в| с отбыванием в)?(?: исправительной)? колонии(?: {_F_REG})?"
     rf"(?: и (?:штраф|штрафу) (?:в размере |в )?{_F_FINE})?$"),
    ("suspended", rf"^{_F_NUM} {_F_YEARS} условно с испытательным сроком "
     r"(?P<p>[1-9]) (?:года|лет|год)$"),
    ("fine", rf"^штраф (?:в размере )?{_F_FINE}$"),
    ("imprisonment", r"^(?P<y>[1-9]\d?) years(?: (?P<m>\d|1[01]) months)? in a "
     r"(?P<reg>maximum-security|general-regime) colony$"),
]


def _field(struct, name):
    names = {struct.type.field(i).name for i in range(struct.type.num_fields)}
    if name not in names:
        return np.full(len(struct), None, dtype=object)
    return strings(struct.field(name))


def _numbers(texts: np.ndarray) -> np.ndarray:
    """Values of the distinct number phrases (digits or words); NaN where unknown."""
    out = np.full(len(texts), np.nan)
    uniq, inv = np.unique(np.where(texts == None, "", texts).astype(str),  # noqa: E711
                          return_inverse=True)
    vals = np.array([np.nan if not u else (words_to_number(u) if words_to_number(u)
                                           is not None else np.nan) for u in uniq])
    out[:] = vals[inv]
    return out


def _fast(values: pa.Array):
    """Vectorised :func:`_parse_one` for the common shapes; ``(mask, frame)``."""
    idx, text = fold_arrow(values, MAX_CHARS)
    text = pc.utf8_trim(pc.replace_substring_regex(text, " +", " "), " ")   # as _clean
    k = len(idx)
    kind = np.full(k, None, dtype=object)
    months, probation, fine = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    regime = np.full(k, None, dtype=object)
    done = np.zeros(k, dtype=bool)
    for shape_kind, hit, got in first_matches(text, _F_SHAPES):
        y = _numbers(_field(got, "y"))
        m = _numbers(_field(got, "m"))
        f = _field(got, "f")
        fk = _field(got, "fk")
        amount = np.where(f != None, np.array([np.nan if x is None else float(  # noqa: E711
            x.replace(" ", "")) for x in f]), np.array(
            [np.nan if x is None else float(x) * 1000 for x in fk]))
        reg = np.array([None if r is None else _F_REGIME[r] for r in _field(got, "reg")],
                       dtype=object)
        ok = np.ones(len(hit), dtype=bool)
        if shape_kind != "fine":
            ok &= ~np.isnan(y)
            months[hit] = y * 12 + np.nan_to_num(m)
        if shape_kind == "suspended":
            probation[hit] = _numbers(_field(got, "p")) * 12
            reg[:] = None
        kind[hit] = shape_kind
        regime[hit] = reg
        fine[hit] = amount
        done[hit[ok]] = True
    read = done
    mask = np.zeros(len(values), dtype=bool)
    mask[idx[read]] = True
    kind, months, regime = kind[read], months[read], regime[read]
    fine, probation = fine[read], probation[read]
    n = int(read.sum())
    additional = np.array([f"fine {x:.0f} RUB" if not math.isnan(x) and kd != "fine"
                           else None for x, kd in zip(fine, kind)], dtype=object)
    nan = np.full(n, np.nan)
    frame = typed_frame({"kind": kind, "months": np.where(kind == "fine", np.nan, months),
                         "regime": regime, "prison_months": nan,
                         "probation_months": probation, "fine_rub": fine, "hours": nan,
                         "additional": additional, "reason": np.full(n, None, dtype=object)},
                        SENTENCE_COLUMNS)
    return mask, frame


def parse_sentence(series: pd.Series, *, strict: bool = False) -> pd.DataFrame:
    """Parse sentence descriptions into kind, term, regime, probation and fine.

    Parameters
    ----------
    series : pandas.Series
        Free text in Russian or English. Missing and non-text cells are kept, with a
        ``reason``.
    strict : bool, default False
        Raise :class:`~repstats.errors.InputError` (a ValueError) naming the first row
        whose ``reason`` is not missing.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``series`` (same index), columns:

        * ``kind`` (object): one of ``imprisonment``, ``suspended``, ``fine``,
          ``forced_labour``, ``compulsory_work``, ``correctional_work``,
          ``restriction_of_liberty``, ``life``, ``other`` (arrest and the like); None
          when no penalty was found. A bare term ("3.5 years", "5y3m") is read as
          imprisonment.
        * ``months`` (float64): main term in months (for ``suspended`` the suspended
          term); NaN for fines, life, and when no term was written.
        * ``regime`` (object): ``general``, ``strict`` (also "maximum-security"),
          ``special``, ``settlement``, ``prison`` (part of the term in a prison),
          ``educational``; only for imprisonment and life, else None.
        * ``prison_months`` (float64): the first part of the term to be served in a
          prison ("с отбыванием первых 2 лет 6 месяцев в тюрьме" → 30).
        * ``probation_months`` (float64): probation period of a suspended sentence.
        * ``fine_rub`` (float64): fine in roubles, main or additional.
        * ``hours`` (float64): hours of compulsory work.
        * ``additional`` (object): additional penalties and remarks, ``"; "``-joined
          ("fine 400000 RUB; ban 84 months"), None if none.
        * ``reason`` (object): why the text was not (fully) understood ("no penalty
          found", "no term found", ...), else None.

    Notes
    -----
    A cell quoting several sources uses the first clause (split at ";") that states a
    penalty; later clauses only add the regime, fine, probation and bans. Works per
    partition with dask:
    ``ddf["col"].map_partitions(parse_sentence, meta=parse_sentence(ddf["col"]._meta))``.
    """
    check_series(series, "parse_sentence")
    out = map_distinct(series, _parse_one, list(SENTENCE_COLUMNS), SENTENCE_COLUMNS,
                       fast=_fast)
    if strict:
        raise_first(series, out["reason"].notna().to_numpy(), "parse_sentence",
                    out["reason"].to_numpy())
    return out


def _years_months(months: float) -> str:
    y, m = divmod(int(round(months)), 12)
    bits = []
    if y:
        bits.append(f"{y} year" + ("s" if y != 1 else ""))
    if m or not y:
        bits.append(f"{m} month" + ("s" if m != 1 else ""))
    return " ".join(bits)


def render_sentence(kind: str, months: float | None = None, regime: str | None = None,
                    probation_months: float | None = None, fine_rub: float | None = None,
                    hours: float | None = None) -> str:
    """Write one sentence as canonical English that :func:`parse_sentence` reads back.

    >>> render_sentence("imprisonment", 66, "general")
    '5 years 6 months imprisonment in a general-regime colony'
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if regime is not None and regime not in REGIMES:
        raise ValueError(f"regime must be one of {REGIMES}, got {regime!r}")

    def given(x):
        return x is not None and not (isinstance(x, float) and math.isnan(x))

    if kind == "life":
        text = "life imprisonment"
    elif kind == "fine":
        if not given(fine_rub):
            raise ValueError("a fine needs fine_rub")
        return f"fine of {fine_rub:.0f} RUB"
    elif kind == "compulsory_work":
        if not given(hours):
            raise ValueError("compulsory work needs hours")
        text = f"{hours:.0f} hours compulsory work"
    else:
        if not given(months):
            raise ValueError(f"{kind} needs months")
        label = {"imprisonment": "imprisonment", "suspended": "suspended",
                 "forced_labour": "forced labour", "correctional_work": "correctional work",
                 "restriction_of_liberty": "restriction of liberty", "other": "arrest"}[kind]
        text = f"{_years_months(months)} {label}"
        if kind == "suspended" and given(probation_months):
            text += f", probation {_years_months(probation_months)}"
    if regime is not None and kind in ("imprisonment", "life"):
        text += f" in a {regime}-regime colony" if regime not in ("prison", "educational") \
            else {"prison": " in a prison regime", "educational": " in an educational colony"
                  }[regime]
    if given(fine_rub):
        text += f" and a fine of {fine_rub:.0f} RUB"
    return text

"""Parser of sanction clauses of the Criminal Code.

A sanction clause is the sentence of an article's part that begins "наказывается" /
"наказываются" and lists the punishments a court may choose, e.g.

    наказываются лишением свободы на срок от пятнадцати до двадцати лет со штрафом ...
    и с ограничением свободы на срок от одного года до двух лет или пожизненным
    лишением свободы.

:func:`parse_sanction` returns the imprisonment range in months, whether life
imprisonment (and the death penalty) is in the sanction, and the main and additional
punishments. Rules it applies:

* terms are written in words in any case ("пяти", "одного года", "полутора лет",
  "от шести месяцев до двух лет", "двадцати пяти"); years are converted to months exactly;
* "лишением свободы на срок до N лет" has no minimum of its own: the floor is the general
  minimum of art. 56 ч.2, two months (:data:`GENERAL_MIN_MONTHS`; ``general_floor`` is
  then ``True``);
* "лишением свободы на тот же срок" takes the term of the main punishment named just
  before it ("принудительными работами на срок до пяти лет, либо лишением свободы на тот
  же срок" = up to 5 years);
* a punishment preceded by "с"/"со" ("со штрафом", "с ограничением свободы", "с лишением
  права") is additional; any other is a main (alternative) punishment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .numerals import NUMBER_PATTERN, words_to_number

__all__ = ["GENERAL_MIN_MONTHS", "Sanction", "parse_sanction", "parse_term",
           "sanction_clause", "strip_notes", "has_sanction", "PUNISHMENT_CODES"]

#: Art. 56 ч.2 УК РФ (redaction of 162-ФЗ of 08.12.2003): "Лишение свободы
#: устанавливается на срок от двух месяцев до двадцати лет".
GENERAL_MIN_MONTHS = 2
#: The same article's general maximum for a single offence (20 years).
GENERAL_MAX_MONTHS = 240

#: Punishment kinds recognised in a sanction, in the order they are searched for
#: (longer phrases first so "пожизненным лишением свободы" is not read as a term).
PUNISHMENT_CODES: dict[str, str] = {
    "life": r"пожизненн\w*\s+лишени\w*\s+свободы",
    "death": r"смертн\w*\s+казн\w*",
    "imprisonment": r"лишени\w*\s+свободы",
    "disqualification": r"лишени\w*\s+права",
    "restriction_of_freedom": r"ограничени\w*\s+свободы",
    "forced_labour": r"принудительн\w*\s+работ\w*",
    "compulsory_work": r"обязательн\w*\s+работ\w*",
    "corrective_work": r"исправительн\w*\s+работ\w*",
    "arrest": r"арест\w*",
    "disciplinary_unit": r"содержани\w*\s+в\s+дисциплинарн\w*",
    "fine": r"штраф\w*",
}

_UNIT = r"(?P<{name}>год\w*|лет|месяц\w*|час\w*)"
_TERM_RE = re.compile(
    rf"(?:от\s+(?P<low>{NUMBER_PATTERN})\s+(?:{_UNIT.format(name='low_unit')}\s+)?)?"
    rf"до\s+(?P<high>{NUMBER_PATTERN})\s+{_UNIT.format(name='high_unit')}",
    re.IGNORECASE)
_SAME_TERM_RE = re.compile(r"^\s*на\s+тот\s+же\s+срок", re.IGNORECASE)
_ON_TERM_RE = re.compile(r"^\s*на\s+срок\s+", re.IGNORECASE)
_NOTE_RE = re.compile(
    r"\((?:[^()]*?(?:Федеральн|федеральн|утратил|Дополнение|редакции)[^()]*)\)")
_CLAUSE_START = re.compile(r"наказыва(?:ется|ются)", re.IGNORECASE)
#: Condensed copies sometimes drop the verb: "Деяния ч.1, ... - лишением свободы ...".
_CONDENSED_START = re.compile(
    r"(?<=\s-\s)(?=(?:пожизненн|лишени|штраф|обязательн|исправительн|ограничени|"
    r"принудительн|арест)\w*\s)", re.IGNORECASE)


def strip_notes(text: str) -> str:
    """Remove editorial notes ("(В редакции Федерального закона ...)") and join lines.

    An ellipsis ("...", used by condensed copies for left-out words) becomes "…" so that
    it is not read as the end of the sentence.
    """
    text = _NOTE_RE.sub(" ", text)
    text = re.sub(r"\.{3}", "…", text)
    return re.sub(r"\s+", " ", text).strip()


def has_sanction(text: str) -> bool:
    """Whether ``text`` holds a sanction clause (see :func:`sanction_clause`)."""
    clean = strip_notes(text)
    return bool(_CLAUSE_START.search(clean) or _CONDENSED_START.search(clean))


def sanction_clause(text: str) -> str:
    """The sanction sentence of a part's text: from "наказыва(ется|ются)" to its full stop.

    Condensed copies that drop the verb ("... - лишением свободы на срок ...") are read
    from the last " - " that is followed by a punishment.

    Raises
    ------
    ValueError
        When the text has no "наказывается"/"наказываются".
    """
    clean = strip_notes(text)
    m = _CLAUSE_START.search(clean)
    if m is None:
        starts = list(_CONDENSED_START.finditer(clean))
        if not starts:
            raise ValueError("no sanction clause ('наказывается ...' / 'наказываются ...') "
                             f"in text starting {clean[:80]!r}")
        m = starts[-1]
    rest = clean[m.start():]
    end = re.search(r"\.(?:\s|$)", rest)
    return rest[: end.start() + 1] if end else rest


def _unit_months(unit: str | None) -> Fraction | None:
    if unit is None:
        return None
    u = unit.lower()
    if u.startswith("год") or u == "лет":
        return Fraction(12)
    if u.startswith("месяц"):
        return Fraction(1)
    return None  # hours: not a term in months


def _as_number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def parse_term(text: str) -> tuple[int | float | None, int | float | None, str]:
    """Read the first term "от X до Y <unit>" or "до Y <unit>" in ``text``.

    Parameters
    ----------
    text : str
        e.g. "на срок от одного года до двух лет", "до полутора лет",
        "от шести месяцев до двух лет", "до четырехсот восьмидесяти часов".

    Returns
    -------
    tuple
        ``(low, high, unit)``: ``unit`` is "months" (years converted exactly, 1 year =
        12 months) or "hours"; ``low`` is ``None`` when the term has only "до".

    Raises
    ------
    ValueError
        When no term is found.
    """
    m = _TERM_RE.search(text)
    if m is None:
        raise ValueError(f"no term ('от ... до ... лет' / 'до ... лет') in {text[:80]!r}")
    high_unit = m.group("high_unit")
    low_unit = m.group("low_unit") or high_unit
    high = words_to_number(m.group("high"))
    low = words_to_number(m.group("low")) if m.group("low") else None
    hm, lm = _unit_months(high_unit), _unit_months(low_unit)
    if hm is None:
        return (None if low is None else _as_number(low)), _as_number(high), "hours"
    if low is not None and lm is None:
        raise ValueError(f"term {m.group(0)!r} mixes hours with months or years")
    return (None if low is None else _as_number(low * lm)), _as_number(high * hm), "months"


@dataclass(frozen=True)
class Sanction:
    """A parsed sanction clause.

    Attributes
    ----------
    text : the clause parsed.
    imprisonment : whether a fixed-term imprisonment is among the punishments.
    min_months, max_months : imprisonment range in months (``None`` without imprisonment).
    general_floor : the minimum is art. 56's general two months (the clause said "до").
    life : life imprisonment is a main punishment.
    death : the death penalty is a main punishment.
    main : main (alternative) punishments in the order named, by code.
    additional : additional punishments, by code.
    """

    text: str
    imprisonment: bool
    min_months: int | float | None
    max_months: int | float | None
    general_floor: bool
    life: bool
    death: bool
    main: tuple[str, ...]
    additional: tuple[str, ...]


def _mentions(clause: str) -> list[tuple[int, int, str]]:
    taken = [False] * len(clause)
    found = []
    for code, pattern in PUNISHMENT_CODES.items():
        for m in re.finditer(pattern, clause, re.IGNORECASE):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), m.end(), code))
    return sorted(found)


def parse_sanction(text: str) -> Sanction:
    """Parse a sanction clause (or a part's text containing one).

    Parameters
    ----------
    text : str
        The clause, or the whole text of an article's part; editorial notes
        ("(В редакции ...)") and line breaks are ignored.

    Returns
    -------
    Sanction
        See :class:`Sanction`; months are ``int`` when whole.

    Raises
    ------
    ValueError
        When ``text`` is not a string, has no sanction clause, or names imprisonment
        without a term that can be read.

    Examples
    --------
    >>> s = parse_sanction("наказывается лишением свободы на срок от десяти до "
    ...                    "пятнадцати лет.")
    >>> (s.min_months, s.max_months, s.life)
    (120, 180, False)
    """
    if not isinstance(text, str):
        raise ValueError(f"parse_sanction expects a string, got {type(text).__name__}")
    clause = sanction_clause(text)
    mentions = _mentions(clause)
    main: list[str] = []
    additional: list[str] = []
    last_term: tuple | None = None
    prison: tuple | None = None
    for start, end, code in mentions:
        before = clause[:start].rstrip().rsplit(" ", 1)[-1].lower()
        is_additional = before in ("с", "со")
        (additional if is_additional else main).append(code)
        after = clause[end:]
        term = None
        if _SAME_TERM_RE.match(after):
            term = last_term
            if code == "imprisonment" and not is_additional and term is None:
                raise ValueError(f"'лишением свободы на тот же срок' without an earlier "
                                 f"term in {clause!r}")
        elif _ON_TERM_RE.match(after):
            rest = after[_ON_TERM_RE.match(after).end():]
            m = _TERM_RE.match(rest)
            if m is not None:
                low, high, unit = parse_term(m.group(0))
                term = (low, high, unit)
        if not is_additional and term is not None:
            last_term = term
        if code == "imprisonment" and not is_additional:
            if term is None or term[2] != "months":
                raise ValueError(f"imprisonment without a readable term in {clause!r}")
            prison = term
    if prison is not None:
        low, high, _ = prison
        general = low is None
        min_months = GENERAL_MIN_MONTHS if general else low
        max_months = high
    else:
        general, min_months, max_months = False, None, None
    return Sanction(text=clause, imprisonment=prison is not None, min_months=min_months,
                    max_months=max_months, general_floor=general,
                    life="life" in main, death="death" in main,
                    main=tuple(dict.fromkeys(main)), additional=tuple(dict.fromkeys(additional)))

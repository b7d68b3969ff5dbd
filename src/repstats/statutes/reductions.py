"""The floor and ceiling of imprisonment after the reductions a court applies without
art. 64 (a sentence "below the lowest limit" needs art. 64 unless these rules already
push the ceiling to or under the floor).

Rules, in the order they are applied (references are to the Criminal Code, УК РФ, unless
marked УПК):

1. **Art. 57 ч.2** - life imprisonment is not imposed on a person who was under 18 at
   the time of the offence.
2. **Art. 88 ч.6** (minors) - imprisonment at most 6 years for offences committed under
   16, except especially grave ones, and at most 10 years otherwise; no imprisonment at
   all for a first offence of small or (under 16) medium gravity.
   **Art. 88 ч.6.1** - for a grave or especially grave offence the minimum of the
   sanction is halved. (Ч.6 was read in stored copies of the Code; ч.6.1 is applied as
   recalled from the Code, not read in a stored copy.)
3. **Art. 66 ч.2** - preparation: at most half of the maximum; **ч.3** - attempt: at
   most three quarters; **ч.4** - no life imprisonment for preparation or attempt.
   (Preparation is punishable only for grave and especially grave offences, art. 30
   ч.2.)
4. **Art. 62 ч.2** - pre-trial cooperation agreement (ст. 61 ч.1 п. «и», chapter 40.1
   УПК), no aggravating circumstances: at most half of the maximum. **Ч.4** - if the
   sanction provides life imprisonment: life is not imposed and the term is at most two
   thirds of the maximum.
5. **Art. 62 ч.1** - mitigating circumstances of ст. 61 ч.1 п. «и» and/or «к», no
   aggravating ones: at most two thirds of the maximum. **Ч.3** - ч.1 does not apply
   while life imprisonment remains possible. Not combined with ч.2/ч.4 (the agreement
   already requires п. «и»).
6. **Art. 62 ч.5** - special procedure (chapter 40 УПК, ст. 316-317): at most two thirds
   of the maximum; available only for offences with a maximum of at most 10 years
   (ст. 314 УПК; since 31.07.2020 small and medium gravity only). Not cumulated with
   the cooperation agreement (a different procedure, chapter 40.1 УПК).

Each reduction applies to the ceiling left by the previous ones (attempt with ч.1:
2/3 x 3/4 of the maximum; ч.1 with ч.5: 2/3 x 2/3), following the Supreme Court's
Plenum guidance (Постановление Пленума ВС РФ от 22.12.2015 № 58) as understood here.
When the ceiling falls to or below the minimum, the sentence may go below the minimum
without art. 64 (same Plenum guidance): ``below_minimum_allowed`` is then true and the
floor becomes art. 56's general two months.

Gravity (art. 15, intentional offences, thresholds since 420-ФЗ of 07.12.2011): small
<= 3 years, medium <= 5, grave <= 10, especially grave > 10 years or life.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from numbers import Real

from .clauses import GENERAL_MIN_MONTHS

__all__ = ["EffectiveRange", "effective_range", "gravity"]


@dataclass(frozen=True)
class EffectiveRange:
    """Imprisonment limits after lawful reductions.

    Attributes
    ----------
    min_months, max_months : the floor and ceiling in months (``None`` when imprisonment
        is not available at all).
    below_minimum_allowed : the reduced ceiling is at or below the sanction's minimum, so
        a sentence below the minimum is lawful without art. 64.
    rules : the rules applied, each as "art. N ч.M: what it did".
    life : life imprisonment remains possible.
    prison_available : imprisonment may be imposed at all (false for minors' first
        offences of small gravity, art. 88 ч.6).
    gravity : the offence category used ("small", "medium", "grave", "especially grave").
    """

    min_months: float | None
    max_months: float | None
    below_minimum_allowed: bool
    rules: tuple[str, ...]
    life: bool = False
    prison_available: bool = True
    gravity: str = ""


def gravity(max_months: float, life: bool = False) -> str:
    """Category of an intentional offence by its maximum (art. 15, since 08.12.2011).

    Returns
    -------
    str
        "small" (<= 36 months), "medium" (<= 60), "grave" (<= 120) or "especially grave"
        (more, or life imprisonment in the sanction).
    """
    _check_months(max_months, "max_months")
    if life or max_months > 120:
        return "especially grave"
    if max_months > 60:
        return "grave"
    if max_months > 36:
        return "medium"
    return "small"


def _check_months(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or value != value:
        raise ValueError(f"{name} must be a number of months, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


def _num(x: Fraction) -> float:
    return int(x) if x.denominator == 1 else float(x)


def _show(x: Fraction) -> str:
    return str(int(x)) if x.denominator == 1 else f"{float(x):.2f}"


def _frac(x) -> Fraction:
    return Fraction(x).limit_denominator(1000) if isinstance(x, float) else Fraction(x)


def effective_range(min_months, max_months, *, special_procedure: bool = False,
                    cooperation: bool = False, mitigating: bool = False,
                    attempt: bool = False, preparation: bool = False,
                    minor: bool | str = False, first_offence: bool = False,
                    life: bool = False) -> EffectiveRange:
    """Floor and ceiling of imprisonment after arts. 57, 62, 66 and 88 (see module doc).

    Parameters
    ----------
    min_months, max_months : number
        The sanction's imprisonment range in months (e.g. from :func:`statutory_range`).
    special_procedure : bool
        Case heard in the special procedure (chapter 40 УПК) - art. 62 ч.5.
    cooperation : bool
        Pre-trial cooperation agreement honoured - art. 62 ч.2 / ч.4.
    mitigating : bool
        Mitigating circumstances п. «и»/«к» of art. 61 ч.1 and no aggravating ones -
        art. 62 ч.1.
    attempt, preparation : bool
        Unfinished offence - art. 66 ч.3 / ч.2 (at most one of them).
    minor : bool or "under_16"
        Offence committed under 18 (``True``) or under 16 (``"under_16"``) - art. 88.
    first_offence : bool
        First offence (matters for minors, art. 88 ч.6).
    life : bool
        The sanction provides life imprisonment.

    Returns
    -------
    EffectiveRange

    Raises
    ------
    ValueError
        Non-positive or non-numeric months, ``min_months > max_months``, both ``attempt``
        and ``preparation``, ``minor`` not in (False, True, "under_16"), preparation of a
        small or medium gravity offence (not punishable, art. 30 ч.2), or the special
        procedure for an offence whose maximum exceeds 10 years (ст. 314 УПК).

    Examples
    --------
    Attempted participation in a terrorist community (205.4 ч.2, 10-15 years, since
    2023): the ceiling is 3/4 x 180 = 135 months, the floor stays 120.

    >>> r = effective_range(120, 180, attempt=True)
    >>> (r.min_months, r.max_months, r.below_minimum_allowed)
    (120, 135, False)
    """
    _check_months(min_months, "min_months")
    _check_months(max_months, "max_months")
    if min_months > max_months:
        raise ValueError(f"min_months ({min_months}) is above max_months ({max_months})")
    if attempt and preparation:
        raise ValueError("an offence is either attempted or prepared, not both "
                         "(art. 66 ч.2 vs ч.3)")
    if minor not in (False, True, "under_16"):
        raise ValueError(f"minor must be False, True or 'under_16', got {minor!r}")
    lo, hi = _frac(min_months), _frac(max_months)
    category = gravity(max_months, life)
    rules: list[str] = []
    life_ok = bool(life)
    prison_ok = True
    if preparation and category in ("small", "medium"):
        raise ValueError(f"preparation of a {category}-gravity offence (maximum "
                         f"{max_months} months) is not punishable (art. 30 ч.2)")
    if special_procedure and max_months > 120:
        raise ValueError(f"the special procedure (chapter 40 УПК) is not available for an "
                         f"offence with a maximum of {max_months} months (> 10 years, "
                         "ст. 314 УПК)")
    if minor:
        if life_ok:
            life_ok = False
            rules.append("art. 57 ч.2: no life imprisonment for an offence committed "
                         "under 18")
        under16 = minor == "under_16"
        cap = Fraction(72) if under16 and category != "especially grave" else Fraction(120)
        if hi > cap:
            rules.append(f"art. 88 ч.6: maximum {_show(hi)} -> {_show(cap)} months "
                         f"({'under 16' if under16 else 'minor'}, {category} offence)")
            hi = cap
        if first_offence and (category == "small" or (under16 and category == "medium")):
            prison_ok = False
            rules.append(f"art. 88 ч.6: no imprisonment for a first {category}-gravity "
                         f"offence committed {'under 16' if under16 else 'under 18'}")
        if category in ("grave", "especially grave"):
            rules.append(f"art. 88 ч.6.1: minimum {_show(lo)} -> {_show(lo / 2)} months "
                         f"(minor, {category} offence)")
            lo = lo / 2
    if attempt or preparation:
        share, part, what = ((Fraction(3, 4), "ч.3", "attempt") if attempt
                             else (Fraction(1, 2), "ч.2", "preparation"))
        rules.append(f"art. 66 {part}: {what}, maximum {_show(hi)} -> {_show(hi * share)} "
                     f"months ({share})")
        hi = hi * share
        if life_ok:
            life_ok = False
            rules.append(f"art. 66 ч.4: no life imprisonment for {what}")
    if cooperation:
        if life:
            if life_ok:
                life_ok = False
            rules.append(f"art. 62 ч.4: cooperation agreement, sanction with life: life "
                         f"not imposed, maximum {_show(hi)} -> {_show(hi * Fraction(2, 3))} "
                         "months (2/3)")
            hi = hi * Fraction(2, 3)
        else:
            rules.append(f"art. 62 ч.2: cooperation agreement, maximum {_show(hi)} -> "
                         f"{_show(hi / 2)} months (1/2)")
            hi = hi / 2
        if mitigating:
            rules.append("art. 62 ч.1 not applied on top of ч.2/ч.4 (the agreement already "
                         "rests on п. «и»)")
    elif mitigating:
        if life_ok:
            rules.append("art. 62 ч.3: ч.1 does not apply while life imprisonment remains "
                         "possible")
        else:
            rules.append(f"art. 62 ч.1: mitigating п. «и»/«к», maximum {_show(hi)} -> "
                         f"{_show(hi * Fraction(2, 3))} months (2/3)")
            hi = hi * Fraction(2, 3)
    if special_procedure:
        if cooperation:
            rules.append("art. 62 ч.5 not cumulated with the cooperation agreement "
                         "(chapter 40.1 УПК)")
        else:
            rules.append(f"art. 62 ч.5: special procedure, maximum {_show(hi)} -> "
                         f"{_show(hi * Fraction(2, 3))} months (2/3)")
            hi = hi * Fraction(2, 3)
    below = bool(rules) and hi <= lo
    if below:
        rules.append(f"reduced maximum {_show(hi)} <= minimum {_show(lo)}: the sentence may "
                     f"go below the minimum without art. 64; floor = art. 56 ч.2 general "
                     f"minimum ({GENERAL_MIN_MONTHS} months)")
        lo = Fraction(min(GENERAL_MIN_MONTHS, hi))
    if not prison_ok:
        return EffectiveRange(None, None, below, tuple(rules), False, False, category)
    return EffectiveRange(_num(lo), _num(hi), below, tuple(rules), life_ok, True, category)

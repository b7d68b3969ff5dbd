"""Limits of a combined term for several offences (art. 69) or verdicts (art. 70).

Rules (УК РФ, as applied here):

- **Art. 69 ч.2** - every offence of small or medium gravity: absorption, partial or
  full addition; the final term may not exceed the maximum for the gravest offence by
  more than half.
- **Art. 69 ч.3** - at least one grave or especially grave offence: partial or full
  addition only (so the final term is *above* every charge's term), and the final term
  may not exceed the maximum for the gravest offence by more than half.
- **Art. 56 ч.4** - a combined term is at most 25 years under art. 69 and 30 years under
  art. 70; for the terrorism articles (205-205.5, 206 ч.3-4, 211 ч.4, 277-279, 360) 30
  and 35 years from 130-ФЗ of 05.05.2014 (applied from 16.05.2014). (Recalled from the
  Code, not read in a stored copy.)

The combined **floor** is the highest floor among the charges: each charge's term is at
least its (effective) minimum unless art. 64 applied, and the final term is at least each
charge's term. The combined **ceiling** is the smaller of 1.5 x the gravest charge's
maximum and the art. 56 ч.4 cap.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from .reductions import gravity

__all__ = ["CombinedLimits", "combined_limits", "aggregation_cap", "TERRORISM_ARTICLES"]

#: Articles whose combined terms have the higher caps of art. 56 ч.4 since 130-ФЗ.
TERRORISM_ARTICLES = ("205", "205.1", "205.2", "205.3", "205.4", "205.5", "206", "211",
                      "277", "278", "279", "360")
_TERROR_FROM = dt.date(2014, 5, 16)


@dataclass(frozen=True)
class CombinedLimits:
    """Floor and ceiling of a combined term (months).

    Attributes
    ----------
    floor_months : highest floor among the charges (NaN when none is known).
    ceiling_months : min(1.5 x gravest maximum, art. 56 ч.4 cap) (NaN when the gravest
        maximum is unknown).
    rule : "art. 69 ч.2", "art. 69 ч.3" or "art. 70".
    cap_months : the art. 56 ч.4 cap used.
    governing : the charge whose floor is the combined floor ("205.4 ч.1").
    complete : every charge's range was known.
    reason : how the limits were obtained, in words.
    """

    floor_months: float
    ceiling_months: float
    rule: str
    cap_months: float
    governing: str
    complete: bool
    reason: str


def aggregation_cap(articles, on=None, *, art70: bool = False) -> float:
    """The art. 56 ч.4 cap on a combined term, in months.

    Parameters
    ----------
    articles : iterable of str
        The articles of the charges.
    on : date-like, optional
        Date of the (last) offence; the higher terrorism caps apply from 16.05.2014.
    art70 : bool
        Aggregate of verdicts (art. 70) rather than of offences (art. 69).

    Returns
    -------
    float
        300 or 360 months (art. 69), 360 or 420 (art. 70).
    """
    day = pd.Timestamp(on).date() if on is not None and not pd.isna(on) else dt.date.today()
    terror = day >= _TERROR_FROM and any(str(a).split(" ")[0] in TERRORISM_ARTICLES
                                         for a in articles)
    years = (35 if terror else 30) if art70 else (30 if terror else 25)
    return float(years * 12)


def combined_limits(charges: pd.DataFrame, *, art70: bool = False, on=None,
                    floor: str = "floor_months", max_col: str = "max_months",
                    life: str = "life", label: str = "label") -> CombinedLimits:
    """Floor and ceiling of the combined term of one person's charges (art. 69/70).

    Parameters
    ----------
    charges : DataFrame
        One row per convicted charge: ``floor`` (the lowest lawful term for the charge,
        e.g. the effective minimum), ``max_col`` (its statutory maximum), ``life``
        (bool: life in the sanction), ``label`` (e.g. "205.4 ч.1"), and ``article``.
    art70 : bool
        The final term also aggregates an earlier verdict (art. 70).
    on : date-like, optional
        Offence date (for the art. 56 ч.4 cap).

    Returns
    -------
    CombinedLimits

    Raises
    ------
    ValueError
        Fewer than two charges without ``art70``, or a missing column.

    Examples
    --------
    Kara-Murza: 207.3 ч.2 (5-10 y), 284.1 ч.1 (up to 4 y) and 275 (12-20 y): the
    floor is 12 years, the ceiling min(1.5 x 20, 25) = 25 years.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"article": ["207.3", "284.1", "275"],
    ...                   "label": ["207.3 ч.2", "284.1 ч.1", "275"],
    ...                   "floor_months": [60, 2, 144], "max_months": [120, 48, 240],
    ...                   "life": [False, False, False]})
    >>> r = combined_limits(c, on="2022-06-01")
    >>> (r.floor_months, r.ceiling_months, r.rule)
    (144.0, 300.0, 'art. 69 ч.3')
    """
    for col in (floor, max_col, life, label, "article"):
        if col not in charges.columns:
            raise ValueError(f"charges lacks column {col!r}")
    if len(charges) < 2 and not art70:
        raise ValueError("a combined term needs at least two charges (art. 69) or art70=True")
    charges = charges.reset_index(drop=True)
    floors = pd.to_numeric(charges[floor], errors="coerce").astype(float)
    maxima = pd.to_numeric(charges[max_col], errors="coerce").astype(float)
    lifes = charges[life].astype("boolean").fillna(False).astype(bool)
    complete = bool(floors.notna().all() and maxima.notna().all())
    cats = [gravity(m, lf) if m == m and m > 0 else ("especially grave" if lf else None)
            for m, lf in zip(maxima, lifes)]
    grave = any(c in ("grave", "especially grave") for c in cats)
    rule = "art. 70" if art70 else ("art. 69 ч.3" if grave else
                                    "art. 69 ч.2" if all(cats) else "art. 69 (ч.2 or ч.3)")
    cap = aggregation_cap(charges["article"], on, art70=art70)
    if floors.notna().any():
        i = floors.idxmax()
        floor_m, governing = float(floors[i]), str(charges.loc[i, label])
    else:
        floor_m, governing = math.nan, ""
    gravest = maxima.max() if maxima.notna().any() else math.nan
    if lifes.any():
        ceiling = cap  # 1.5 x a sanction with life exceeds every cap
    elif complete:
        ceiling = min(1.5 * gravest, cap)
    else:
        ceiling = math.nan
    parts = [f"floor {floor_m:g} months = the highest charge floor ({governing})"
             if floor_m == floor_m else "floor unknown (no charge floor known)"]
    parts.append(f"ceiling min(1.5 x gravest maximum, {cap / 12:g}-year cap of art. 56 ч.4)"
                 + (f" = {ceiling:g} months" if ceiling == ceiling else
                    " unknown: a charge's range is not established"))
    if not complete:
        parts.append("incomplete: a charge's range is not established, so the floor is a "
                     "lower bound")
    return CombinedLimits(floor_m, float(ceiling), rule, cap, governing, complete,
                          "; ".join(parts))

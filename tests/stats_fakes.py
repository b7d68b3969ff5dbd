"""Stand-ins for the statutes layer (contract 2), built in code for the stats tests.

They follow the contract's signatures and field names so that repstats.stats can be
tested before (and independently of) repstats.statutes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Bracket bounds as the courts layer reports them from 2011 (lower exclusive, upper
#: inclusive, months), built by hand.
BOUNDS = pd.DataFrame({
    "measure": ["imprisonment_upto_1y", "imprisonment_1_2y", "imprisonment_2_3y",
                "imprisonment_3_5y", "imprisonment_5_8y", "imprisonment_8_10y",
                "imprisonment_10_15y", "imprisonment_15_20y"],
    "lower_months": [0, 12, 24, 36, 60, 96, 120, 180],
    "upper_months": [12, 24, 36, 60, 96, 120, 180, 240],
})


@dataclass
class FakeRange:
    min_months: float | None
    max_months: float | None
    life: bool = False
    status: str = "established"
    reason: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass
class FakeEffective:
    min_months: float
    max_months: float
    below_minimum_allowed: bool
    rules: list = field(default_factory=list)


def fake_lookup(table):
    """``statutory_range``-like lookup over [(article, part, valid_from, valid_to, min, max)]."""
    def lookup(article, part, on):
        for art, prt, vf, vt, mn, mx in table:
            if art == article and prt == part and vf <= on and (vt is None or on <= vt):
                return FakeRange(mn, mx, valid_from=vf, valid_to=vt)
        return FakeRange(None, None, status="unknown", reason="no sanction on record")
    return lookup


def fake_sanctions_table(rows):
    """A sanctions table (``repstats.statutes.sanctions_table`` columns) from
    [(article, part, valid_from, valid_to, min, max)]."""
    return pd.DataFrame({
        "article": [r[0] for r in rows], "part": [r[1] for r in rows],
        "valid_from": pd.to_datetime([r[2] for r in rows]),
        "valid_to": pd.to_datetime([r[3] for r in rows]),
        "min_months": pd.array([r[4] for r in rows], dtype="Int64"),
        "max_months": pd.array([r[5] for r in rows], dtype="Int64"),
        "life": False, "imprisonment": pd.array([True] * len(rows), dtype="boolean"),
        "confidence": "confirmed_text", "note": None})


def fake_effective(min_months, max_months, *, special_procedure=False, cooperation=False,
                   attempt=False, preparation=False, minor=False, life=False):
    """Caps the maximum (2/3 for art. 62, 3/4 for attempt, 1/2 for preparation); when the
    cap falls below the minimum, the minimum no longer binds (2 months)."""
    cap = max_months
    rules = []
    if special_procedure or cooperation:
        cap, rules = cap * 2 / 3, rules + ["art. 62"]
    if attempt:
        cap, rules = cap * 3 / 4, rules + ["art. 66 part 3"]
    if preparation:
        cap, rules = cap / 2, rules + ["art. 66 part 2"]
    if minor:
        cap, rules = min(cap, 120), rules + ["art. 88"]
    allowed = cap < min_months
    return FakeEffective(2.0 if allowed else min_months, cap, allowed, rules)


def fake_severity(sentence_months, min_months, max_months, tolerance_months=0):
    s, mn, mx = (np.asarray(v, dtype=float) for v in (sentence_months, min_months,
                                                      max_months))
    return pd.DataFrame({
        "months_above_min": s - mn,
        "ratio_to_min": s / mn,
        "position_in_range": (s - mn) / (mx - mn),
        "at_minimum": np.abs(s - mn) <= tolerance_months,
        "below_minimum": s < mn - tolerance_months,
    })


def fake_attach(ranges):
    """``attach_ranges``-like: ranges = {(article, part): (min, max, life)}."""
    def attach(df, article="article", part="part", date="date"):
        out = df.copy()
        got = [ranges.get((a, p)) for a, p in zip(df[article], df[part])]
        out["min_months"] = [g[0] if g else np.nan for g in got]
        out["max_months"] = [g[1] if g else np.nan for g in got]
        out["life"] = [g[2] if g else False for g in got]
        out["range_status"] = ["established" if g else "unmatched: not in table"
                               for g in got]
        out["range_valid_from"] = None
        out["range_source"] = "test"
        return out
    return attach

"""Find the same person in two case-level sources, with scores and evidence.

Nothing is merged: :func:`link_people` lists candidate pairs, each with a name score,
date and region evidence, one combined score and a plain-text account of the evidence, so
that a person (or an explicit rule applied afterwards) decides which pairs to accept.

Names are compared with :func:`repstats.text.match_people` (script- and
transliteration-independent keys) when it is available; otherwise with rapidfuzz on
:func:`repstats.privacy.normalize_person_name`, which cannot match Cyrillic against Latin
spellings (the result's ``name_method`` column says which was used).
"""
from __future__ import annotations

import importlib

import numpy as np
import pandas as pd

from ..privacy import normalize_person_name

__all__ = ["link_people", "WEIGHTS"]

#: Weights of the evidence in the combined score (renormalised over available evidence).
WEIGHTS = {"name": 0.6, "date": 0.25, "region": 0.15}


def _matcher():
    for module in ("repstats.text", "repstats.text.names"):
        try:
            fn = getattr(importlib.import_module(module), "match_people")
        except (ImportError, AttributeError):
            continue
        return fn, f"{module}.match_people"
    return None, "rapidfuzz token_set_ratio on normalised names (no transliteration)"


def _fallback_pairs(left, right, left_name, right_name, threshold, limit):
    from rapidfuzz import fuzz, process

    lk = left[left_name].map(normalize_person_name)
    rk = right[right_name].map(normalize_person_name)
    lpos = np.flatnonzero(lk.notna().to_numpy())
    rpos = np.flatnonzero(rk.notna().to_numpy())
    rows = []
    if len(lpos) and len(rpos):
        scores = process.cdist(lk.iloc[lpos].tolist(), rk.iloc[rpos].tolist(),
                               scorer=fuzz.token_set_ratio, dtype=np.float32)
        for i, row in enumerate(scores):
            hits = np.flatnonzero(row >= threshold)
            for j in hits[np.lexsort((hits, -row[hits]))][:limit]:
                rows.append((left.index[lpos[i]], right.index[rpos[j]], float(row[j])))
    return pd.DataFrame(rows, columns=["left_index", "right_index", "score"])


def link_people(left: pd.DataFrame, right: pd.DataFrame, *, left_name: str = "name_ru",
                right_name: str = "name", left_date: str | None = None,
                right_date: str | None = None, left_region: str | None = None,
                right_region: str | None = None, name_threshold: float = 85.0,
                date_tolerance_days: int = 730, limit: int = 3,
                min_score: float = 0.0) -> pd.DataFrame:
    """Propose pairs of rows (one in each table) that may be the same person.

    Parameters
    ----------
    left, right : pandas.DataFrame
        The two sources (e.g. :func:`~repstats.cases.notable_cases` and OVD-Info
        prosecutions); not modified.
    left_name, right_name : str
        Name columns (Cyrillic or Latin).
    left_date, right_date : str, optional
        Date columns to compare (e.g. ``verdict_date`` and ``first_verdict_date``).
    left_region, right_region : str, optional
        ISO 3166-2 region columns to compare (e.g. ``region_iso`` and
        ``persecution_region_iso``).
    name_threshold : float
        Minimum name similarity (0-100) for a pair to be considered.
    date_tolerance_days : int
        Date evidence falls linearly from 1 (same day) to 0 (this many days apart or more).
    limit : int
        At most this many candidates per left row (best name scores first).
    min_score : float
        Drop pairs whose combined score is below this (0-1).

    Returns
    -------
    pandas.DataFrame
        One row per candidate pair, best combined score first:

        - ``left_index``, ``right_index``: index labels in ``left`` and ``right``.
        - ``left_name``, ``right_name``: the names as written.
        - ``name_score`` (float, 0-100), ``name_method`` (the matcher used).
        - ``left_date``, ``right_date``, ``date_gap_days`` (float; missing when either
          date is missing or no date columns were given), ``date_score`` (0-1 or missing).
        - ``left_region``, ``right_region``, ``region_match`` (boolean or missing).
        - ``score`` (float, 0-1): weighted mean of the available evidence (weights in
          :data:`WEIGHTS`, renormalised when date or region evidence is missing).
        - ``n_evidence`` (int): how many kinds of evidence entered ``score`` (1-3).
        - ``evidence`` (str): the evidence in words.
        - ``ambiguous`` (bool): the left row has more than one candidate, or the right
          row is a candidate for more than one left row.
        - ``decision``: always ``"candidate"``; merging is left to the caller.
    """
    for label, frame, cols in (("left", left, (left_name, left_date, left_region)),
                               ("right", right, (right_name, right_date, right_region))):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"{label} must be a DataFrame, got {type(frame).__name__}")
        missing = [c for c in cols if c is not None and c not in frame.columns]
        if missing:
            raise ValueError(f"{label} table has no column(s) {missing}")
    if (left_date is None) != (right_date is None):
        raise ValueError("give both left_date and right_date, or neither")
    if (left_region is None) != (right_region is None):
        raise ValueError("give both left_region and right_region, or neither")
    if date_tolerance_days <= 0:
        raise ValueError(f"date_tolerance_days must be positive, got {date_tolerance_days}")

    fn, method = _matcher()
    if fn is not None:
        pairs = fn(left, right, left_on=left_name, right_on=right_name,
                   threshold=name_threshold, limit=limit)[["left_index", "right_index",
                                                           "score"]]
    else:
        pairs = _fallback_pairs(left, right, left_name, right_name, name_threshold, limit)
    out = pd.DataFrame({
        "left_index": pairs["left_index"].to_numpy(),
        "right_index": pairs["right_index"].to_numpy(),
        "left_name": left.loc[pairs["left_index"], left_name].to_numpy(),
        "right_name": right.loc[pairs["right_index"], right_name].to_numpy(),
        "name_score": pairs["score"].astype(float).to_numpy(),
        "name_method": method,
    })
    parts = {"name": out["name_score"] / 100.0}
    if left_date is not None:
        ld = pd.to_datetime(left.loc[out["left_index"], left_date], errors="coerce").to_numpy()
        rd = pd.to_datetime(right.loc[out["right_index"], right_date],
                            errors="coerce").to_numpy()
        out["left_date"], out["right_date"] = ld, rd
        gap = (pd.Series(rd) - pd.Series(ld)).dt.days.abs().astype(float)
        out["date_gap_days"] = gap.to_numpy()
        out["date_score"] = (1 - gap / date_tolerance_days).clip(lower=0).to_numpy()
        parts["date"] = out["date_score"]
    else:
        out["left_date"] = out["right_date"] = pd.NaT
        out["date_gap_days"] = out["date_score"] = np.nan
    if left_region is not None:
        lr = left.loc[out["left_index"], left_region].astype("string").to_numpy()
        rr = right.loc[out["right_index"], right_region].astype("string").to_numpy()
        out["left_region"], out["right_region"] = lr, rr
        same = pd.Series(lr, dtype="string").str.upper() == pd.Series(rr, dtype="string"
                                                                      ).str.upper()
        out["region_match"] = same.astype("boolean").to_numpy()
        parts["region"] = same.astype("Float64").astype(float)
    else:
        out["left_region"] = out["right_region"] = pd.NA
        out["region_match"] = pd.array([pd.NA] * len(out), dtype="boolean")

    weighted = sum(WEIGHTS[k] * v.fillna(0).to_numpy() for k, v in parts.items())
    weight = sum(WEIGHTS[k] * v.notna().to_numpy() for k, v in parts.items())
    out["score"] = weighted / weight if len(out) else np.array([], dtype=float)
    out["n_evidence"] = sum(v.notna().to_numpy().astype(int) for v in parts.values()) \
        if len(out) else np.array([], dtype=int)
    out["evidence"] = [_describe(r) for r in out.itertuples()]
    multi_left = out["left_index"].duplicated(keep=False)
    multi_right = out["right_index"].duplicated(keep=False)
    out["ambiguous"] = (multi_left | multi_right).to_numpy()
    out["decision"] = "candidate"
    out = out[out["score"] >= min_score]
    return out.sort_values(["score", "name_score"], ascending=False,
                           kind="stable").reset_index(drop=True)


def _describe(r) -> str:
    bits = [f"name {r.name_score:.0f}/100"]
    if not pd.isna(r.date_gap_days):
        bits.append(f"dates {int(r.date_gap_days)} days apart")
    elif not (pd.isna(r.left_date) and pd.isna(r.right_date)):
        bits.append("a date is missing")
    if r.region_match is True or r.region_match is np.True_:
        bits.append(f"same region {r.left_region}")
    elif r.region_match is False or r.region_match is np.False_:
        bits.append(f"regions differ ({r.left_region} vs {r.right_region})")
    return "; ".join(bits)

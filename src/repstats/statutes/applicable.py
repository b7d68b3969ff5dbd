"""The sanction that applied: every version in force across an offence date or period.

Courts apply the law in force when the offence was committed (art. 9; a harsher law is
not retroactive, art. 10). When only a period is known (a continuing offence, an offence
"until the arrest", or a window of years before a verdict), the applicable version is
*bounded*, not known: this module returns the range of the sanction over every version in
force at some day of the period, so a minimum becomes an interval
``[min_months_low, min_months_high]`` that is a point only when the sanction did not
change inside the period.
"""
from __future__ import annotations

import pandas as pd

from .codetext import NO_PARTS
from .ranges import normalize_article, normalize_part
from .table import sanctions_table

__all__ = ["applicable_ranges", "APPLICABLE_COLUMNS"]

APPLICABLE_COLUMNS = ["n_versions", "min_months_low", "min_months_high", "max_months_low",
                      "max_months_high", "life_any", "life_all", "sanction_changed",
                      "change_dates", "versions", "range_status"]


def _norm(values, fn) -> list:
    out = []
    for v in values:
        try:
            out.append(fn(v) if v is not None and not (not isinstance(v, str) and pd.isna(v))
                       else None)
        except ValueError:
            out.append(f"!{v}")
    return out


def _joined(rows: pd.Series, texts: pd.Series, sep: str) -> pd.Series:
    """``texts`` joined by ``sep`` per value of ``rows``, in their order (what
    ``groupby(rows).agg(sep.join)`` gives, without a Python call per group over Arrow
    strings); indexed by the sorted row numbers."""
    groups: dict = {}
    for r, t in zip(rows.tolist(), texts.tolist()):
        groups.setdefault(r, []).append(t)
    keys = sorted(groups)
    return pd.Series([sep.join(groups[k]) for k in keys], index=pd.Index(keys, name="_row"),
                     dtype=object)


def applicable_ranges(df: pd.DataFrame, *, article: str = "article", part: str = "part",
                      start: str = "start", end: str = "end",
                      table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Bounds of the sanction over every version in force in each row's period.

    Parameters
    ----------
    df : DataFrame
        One row per charge (or article-part-year); not modified.
    article, part : str
        Columns with the article ("205.4") and part ("2", "—", or missing for an article
        without parts).
    start, end : str
        Columns with the first and last day of the offence period (datetime-like). A
        missing ``start`` is an open start (every version from the part's creation); a
        missing ``end`` an open end (up to today).
    table : DataFrame, optional
        Sanctions table (default :func:`repstats.statutes.sanctions_table`).

    Returns
    -------
    DataFrame
        A copy of ``df`` with columns added:

        - ``n_versions`` (int): versions of the article-part in force on some day of the
          period (0 when none: unknown article or part, or the period is outside its
          life).
        - ``min_months_low``, ``min_months_high`` (float): lowest and highest minimum over
          those versions (NaN when any version's minimum was not established).
        - ``max_months_low``, ``max_months_high`` (float): the same for the maximum.
        - ``life_any``, ``life_all`` (boolean): life imprisonment in some / every version.
        - ``sanction_changed`` (boolean): the prison range or the life option differs
          between the versions.
        - ``change_dates`` (str): first days of the versions that began inside the period
          ("2016-07-20"), joined with ", "; None when none did.
        - ``versions`` (str): each version as "60–120 mo from 2013-11-14 (confidence)".
        - ``range_status`` (str): "established" (every version's range known),
          "unknown: <which version, why>" or "unmatched: <why>".

    Raises
    ------
    ValueError
        A named column is missing, or ``start`` is after ``end`` in some row.

    Examples
    --------
    The Network case: participation (205.4 ч.2) from 2015 to October 2017 had one
    version, 5-10 years.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"article": ["205.4"], "part": ["2"],
    ...                   "start": [pd.Timestamp("2015-01-01")],
    ...                   "end": [pd.Timestamp("2017-10-31")]})
    >>> r = applicable_ranges(d).iloc[0]
    >>> (float(r["min_months_low"]), float(r["min_months_high"]), bool(r["sanction_changed"]))
    (60.0, 60.0, False)
    """
    for col in (article, part, start, end):
        if col not in df.columns:
            raise ValueError(f"column {col!r} not in the DataFrame (columns: "
                             f"{list(df.columns)})")
    table = sanctions_table() if table is None else table
    s = pd.to_datetime(df[start], errors="coerce")
    e = pd.to_datetime(df[end], errors="coerce")
    bad = s.notna() & e.notna() & (s > e)
    if bad.any():
        raise ValueError(f"{start} is after {end} in rows {list(df.index[bad][:5])}")
    keys = pd.DataFrame({"_row": range(len(df)),
                         "_a": _norm(df[article], normalize_article),
                         "_p": _norm(df[part], normalize_part),
                         "_s": s.to_numpy(), "_e": e.to_numpy()})
    no_parts = set(table.loc[table["part"] == NO_PARTS, "article"])
    parts = [None if p is None or (not isinstance(p, str) and pd.isna(p)) else p
             for p in keys["_p"]]
    parts = [NO_PARTS if p is None and a in no_parts else p
             for a, p in zip(keys["_a"], parts)]
    keys["_p"] = pd.Series(parts, dtype=object)
    t = table[["article", "part", "valid_from", "valid_to", "min_months", "max_months",
               "life", "imprisonment", "confidence", "note"]]
    cand = keys.merge(t, left_on=["_a", "_p"], right_on=["article", "part"], how="inner")
    overlap = ((cand["_e"].isna() | (cand["valid_from"] <= cand["_e"]))
               & (cand["_s"].isna() | cand["valid_to"].isna()
                  | (cand["valid_to"] >= cand["_s"])))
    cand = cand[overlap].copy()
    lo = pd.to_numeric(cand["min_months"], errors="coerce").astype(float)
    hi = pd.to_numeric(cand["max_months"], errors="coerce").astype(float)
    no_prison = cand["imprisonment"].astype("boolean").eq(False).fillna(False)
    cand["_known"] = (lo.notna() & hi.notna()) | no_prison
    cand["_lo"], cand["_hi"] = lo, hi
    cand["_sig"] = lo.astype(str) + "|" + hi.astype(str) + "|" + cand["life"].astype(str)
    first = cand.groupby("_row")["valid_from"].transform("min")
    cand["_began_inside"] = cand["valid_from"] > cand["_s"].fillna(first).where(
        cand["_s"].isna() | (cand["_s"] >= first), first)
    cand["_text"] = [
        f"{'?' if pd.isna(a) else int(a)}–{'?' if pd.isna(b) else int(b)} mo"
        f"{' or life' if life else ''} from {vf.date().isoformat()} ({conf})"
        for a, b, life, vf, conf in zip(lo, hi, cand["life"], cand["valid_from"],
                                        cand["confidence"])]
    g = cand.groupby("_row")
    agg = pd.DataFrame({
        "n_versions": g.size(),
        "min_months_low": g["_lo"].min(), "min_months_high": g["_lo"].max(),
        "max_months_low": g["_hi"].min(), "max_months_high": g["_hi"].max(),
        "life_any": g["life"].any(), "life_all": g["life"].all(),
        "sanction_changed": g["_sig"].nunique() > 1,
        "all_known": g["_known"].all(),
        "versions": _joined(cand["_row"], cand["_text"], "; "),
    })
    began = cand[cand["_began_inside"]]
    began = began.assign(_d=began["valid_from"].dt.strftime("%Y-%m-%d")).sort_values("_d")
    agg["change_dates"] = _joined(began["_row"], began["_d"], ", ")
    unknown = cand[~cand["_known"]]
    agg["unknown_note"] = _joined(
        unknown["_row"], "version from " + unknown["valid_from"].dt.strftime("%Y-%m-%d")
        + " not established (" + unknown["confidence"].astype(str) + ")", "; ")
    out = df.copy()
    agg = agg.reindex(range(len(df)))
    for col in ("min_months_low", "min_months_high", "max_months_low", "max_months_high"):
        vals = agg[col].where(agg["all_known"].fillna(False).astype(bool))
        out[col] = vals.to_numpy(float)
    out["n_versions"] = agg["n_versions"].fillna(0).astype(int).to_numpy()
    out["life_any"] = agg["life_any"].astype("boolean").to_numpy()
    out["life_all"] = agg["life_all"].astype("boolean").to_numpy()
    out["sanction_changed"] = agg["sanction_changed"].astype("boolean").to_numpy()
    out["change_dates"] = agg["change_dates"].to_numpy(object)
    out["versions"] = agg["versions"].to_numpy(object)
    status = []
    arts = [None if a is None or (not isinstance(a, str) and pd.isna(a)) else a
            for a in keys["_a"]]
    for a, p, n, known, note in zip(arts, parts,
                                      out["n_versions"], agg["all_known"],
                                      agg["unknown_note"]):
        if a is None:
            status.append("unmatched: missing article")
        elif str(a).startswith("!") or (p is not None and str(p).startswith("!")):
            status.append(f"unmatched: cannot read article {a!r} / part {p!r}")
        elif p is None:
            status.append(f"unmatched: part of art. {a} not stated")
        elif n == 0:
            known_art = a in set(table["article"])
            status.append(f"unmatched: art. {a} ч.{p} " + (
                "had no version in force in the period" if known_art else
                "is not in the package sanctions table"))
        elif not bool(known):
            status.append(f"unknown: {note}")
        else:
            status.append("established")
    out["range_status"] = status
    return out

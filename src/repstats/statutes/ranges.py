"""The statutory range of an article and part on a date (art. 9 of the Criminal Code:
the law in force when the offence was committed applies)."""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import pandas as pd

from .codetext import NO_PARTS, article_key
from .table import WINDOW_START, _cached, sanctions_table

__all__ = ["StatutoryRange", "statutory_range", "attach_ranges", "normalize_article",
           "normalize_part"]


@dataclass(frozen=True)
class StatutoryRange:
    """The imprisonment range of one article-part version.

    Attributes
    ----------
    article, part : the article ("205.4") and part ("1", "1.1", "—" for none).
    on : the date asked about.
    min_months, max_months : imprisonment range in months (``None`` when not established
        or when the sanction has no imprisonment).
    life : life imprisonment is in the sanction.
    status : "established" (both bounds known, or the sanction is known to have no
        imprisonment) or "unknown" (a bound was not established; see ``reason``).
    reason : why the status is what it is (empty when the range is established).
    valid_from, valid_to : the version's first and last day (``valid_to`` ``None`` = in
        force).
    source, confidence : where the value was read and how sure it is
        ("confirmed_text", "secondary", "inferred").
    """

    article: str
    part: str
    on: dt.date
    min_months: int | None
    max_months: int | None
    life: bool
    status: str
    reason: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    confidence: str


def normalize_article(article) -> str:
    """``"ст. 205.2"``, ``"205.2"``, ``205`` -> ``"205.2"``/``"205"``; ValueError otherwise."""
    if isinstance(article, bool) or article is None:
        raise ValueError(f"article must be a string such as '205.2', got {article!r}")
    if isinstance(article, int):
        return str(article)
    if not isinstance(article, str):
        raise ValueError(f"article must be a string such as '205.2' (a float cannot tell "
                         f"205.1 from 205.10), got {article!r}")
    s = re.sub(r"^\s*(?:ст\.?|статья)\s*", "", article.strip(), flags=re.IGNORECASE)
    if not re.fullmatch(r"\d+(?:\.\d+)?", s):
        raise ValueError(f"cannot read article {article!r}; expected e.g. '205.2'")
    return s


def normalize_part(part) -> str | None:
    """``None`` -> ``None``; ``2``, ``"2"``, ``"ч.2"``, ``"ч. 1.1"``, ``"1¹"`` -> ``"2"``,
    ``"1.1"``; ``"—"``/``"-"``/``""`` -> ``"—"`` (article without parts)."""
    if part is None or (not isinstance(part, str) and pd.isna(part)):
        return None
    if isinstance(part, bool):
        raise ValueError(f"part must be a string such as '2' or '1.1', got {part!r}")
    if isinstance(part, int):
        return str(part)
    if not isinstance(part, str):
        raise ValueError(f"part must be a string such as '2' or '1.1', got {part!r}")
    s = part.strip()
    if s in ("—", "-", "–", ""):
        return NO_PARTS
    s = re.sub(r"^(?:ч\.?|часть)\s*", "", s, flags=re.IGNORECASE)
    s = s.replace("¹", ".1").replace("²", ".2").replace("³", ".3")
    if not re.fullmatch(r"\d+(?:\.\d+)?", s):
        raise ValueError(f"cannot read part {part!r}; expected e.g. '2', '1.1' or 'ч.2'")
    return s


def _to_date(on) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, pd.Timestamp):
        if pd.isna(on):
            raise ValueError("on is NaT; pass the offence date")
        return on.date()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on.strip())
        except ValueError as exc:
            raise ValueError(f"cannot read date {on!r}; use ISO format YYYY-MM-DD") from exc
    raise ValueError(f"on must be a date, datetime or ISO string, got {on!r}")


def _label(article: str, part: str) -> str:
    return f"art. {article}" if part == NO_PARTS else f"art. {article} ч.{part}"


def _index(table: pd.DataFrame) -> dict[str, list[tuple]]:
    """article -> [(part, valid_from, valid_to or None, row label)] sorted by date."""
    idx: dict[str, list[tuple]] = {}
    for label, art, prt, vf, vt in zip(table.index, table["article"], table["part"],
                                       table["valid_from"], table["valid_to"]):
        idx.setdefault(art, []).append(
            (prt, vf.date(), None if pd.isna(vt) else vt.date(), label))
    for versions in idx.values():
        versions.sort(key=lambda v: v[1])
    return idx


@functools.lru_cache(maxsize=1)
def _package_index() -> dict[str, list[tuple]]:
    return _index(_cached())


def _in_force(v: tuple, on: dt.date) -> bool:
    return v[1] <= on and (v[2] is None or on <= v[2])


def _lookup(index: dict, article: str, part: str | None, on: dt.date):
    """Row label of the version in force; ValueError saying precisely why there is none."""
    rows = index.get(article)
    if rows is None:
        known = sorted(index, key=article_key)
        raise ValueError(f"article {article!r} is not in the sanctions table; "
                         f"known articles: {', '.join(known)}")
    parts_then = sorted({v[0] for v in rows if _in_force(v, on)})
    parts_ever = sorted({v[0] for v in rows})
    if part is None:
        if parts_then == [NO_PARTS]:
            part = NO_PARTS
        elif parts_then:
            raise ValueError(f"art. {article} had parts {', '.join(parts_then)} on "
                             f"{on.isoformat()}; pass part=")
        elif parts_ever == [NO_PARTS]:
            part = NO_PARTS
        else:
            raise ValueError(f"art. {article} has parts {', '.join(parts_ever)}; "
                             "pass part=")
    if part not in parts_ever:
        raise ValueError(f"{_label(article, part)} is not in the sanctions table; art. "
                         f"{article} has part(s) {', '.join(parts_ever)}")
    versions = [v for v in rows if v[0] == part]
    hit = [v for v in versions if _in_force(v, on)]
    if len(hit) == 1:
        return hit[0][3]
    hint = f"; on that date art. {article} had part(s) {', '.join(parts_then)}" \
        if parts_then else ""
    first, last = versions[0], versions[-1]
    if on < first[1]:
        if first[1] == WINDOW_START.date():
            raise ValueError(f"{on.isoformat()} is before the sanctions table's coverage "
                             f"(from {WINDOW_START.date().isoformat()})")
        raise ValueError(f"{_label(article, part)} did not exist on {on.isoformat()}: its "
                         f"first version applies from {first[1].isoformat()}{hint}")
    if last[2] is not None and on > last[2]:
        raise ValueError(f"{_label(article, part)} was no longer in force on "
                         f"{on.isoformat()}: its last version ended "
                         f"{last[2].isoformat()}{hint}")
    raise ValueError(f"no version of {_label(article, part)} covers {on.isoformat()} "
                     "(gap between versions in the sanctions table)")


def _range_from_row(row: pd.Series, on: dt.date) -> StatutoryRange:
    lo, hi = row["min_months"], row["max_months"]
    lo = None if pd.isna(lo) else int(lo)
    hi = None if pd.isna(hi) else int(hi)
    prison = row["imprisonment"]
    if prison is False or (not pd.isna(prison) and not bool(prison)):
        status, reason = "established", "the sanction has no imprisonment"
    elif lo is None or hi is None:
        missing = " and ".join(n for n, v in (("minimum", lo), ("maximum", hi)) if v is None)
        status = "unknown"
        reason = f"{missing} not established ({row['confidence']}): {row['note']}"
    else:
        status, reason = "established", ""
    return StatutoryRange(
        article=row["article"], part=row["part"], on=on, min_months=lo, max_months=hi,
        life=bool(row["life"]), status=status, reason=reason,
        valid_from=row["valid_from"].date(),
        valid_to=None if pd.isna(row["valid_to"]) else row["valid_to"].date(),
        source=row["source"], confidence=row["confidence"])


def statutory_range(article, part=None, on=None) -> StatutoryRange:
    """The imprisonment range of ``article`` (and ``part``) in force on ``on``.

    Parameters
    ----------
    article : str or int
        "205.4", "ст. 205.4" or 275.
    part : str, int or None
        "2", "ч.2", "1.1", "1¹"; ``None`` for an article without parts (or "—").
    on : datetime.date, datetime, pandas.Timestamp or ISO string, optional
        The date of the offence (art. 9); today when omitted.

    Returns
    -------
    StatutoryRange
        ``status`` "unknown" (with ``reason``) for a version whose range was not
        established; never a guess.

    Raises
    ------
    ValueError
        Unknown article; unknown part; ``part`` omitted for an article with parts; a date
        before the part existed, after it ended or before the table's coverage
        (2009-01-01). Each message names the article, part and dates involved.

    Examples
    --------
    >>> r = statutory_range("205.4", "2", on="2017-06-01")
    >>> (r.min_months, r.max_months, r.life)
    (60, 120, False)
    """
    a = normalize_article(article)
    p = normalize_part(part)
    d = _to_date(on)
    table = _cached()  # read-only here: no copy needed
    return _range_from_row(table.loc[_lookup(_package_index(), a, p, d)], d)


_ATTACHED = ["min_months", "max_months", "life", "range_status", "range_valid_from",
             "range_source", "range_confidence"]


def attach_ranges(df: pd.DataFrame, article: str = "article", part: str = "part",
                  date: str = "date") -> pd.DataFrame:
    """Attach the statutory range in force on each row's date.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per charge; not modified.
    article, part, date : str
        Column names. ``part`` may hold ``None``/NA for articles without parts; ``date``
        must hold dates (offence dates, or verdict dates as an approximation) - not year
        numbers.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with columns added:

        - ``min_months``, ``max_months`` (Int64): the range (missing when unknown,
          unmatched or without imprisonment).
        - ``life`` (boolean): life imprisonment in the sanction (missing when unmatched).
        - ``range_status`` (str): "established", "established: the sanction has no
          imprisonment", "unknown: <reason>" or
          "unmatched: <why>" (unknown article or part, date outside the part's life,
          missing values).
        - ``range_valid_from`` (datetime64): first day of the matched version.
        - ``range_source`` (str): the matched version's source.
        - ``range_confidence`` (str): its confidence.

    Raises
    ------
    ValueError
        When a named column is missing, ``df`` already has one of the output columns, or
        ``date`` holds numbers.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"attach_ranges expects a DataFrame, got {type(df).__name__}")
    for col in (article, part, date):
        if col not in df.columns:
            raise ValueError(f"column {col!r} not in the DataFrame (columns: "
                             f"{list(df.columns)})")
    clash = [c for c in _ATTACHED if c in df.columns]
    if clash:
        raise ValueError(f"the DataFrame already has column(s) {clash}; rename them first")
    if pd.api.types.is_numeric_dtype(df[date]) and not pd.api.types.is_bool_dtype(df[date]):
        raise ValueError(f"column {date!r} holds numbers; pass dates (e.g. "
                         "pd.to_datetime(year.astype(str) + '-07-01') for a mid-year date)")
    dates = pd.to_datetime(df[date], errors="coerce")
    table = sanctions_table()
    versions = _version_columns(table)
    keys = pd.DataFrame({"a": df[article].astype("object"), "p": df[part].astype("object"),
                         "d": dates}).reset_index(drop=True)
    keys["row"] = range(len(keys))
    # 1. normalise each distinct (article, part) once; resolve part=None when the
    #    article never had parts
    pairs = keys[["a", "p"]].drop_duplicates()
    resolved = [_resolve_pair(table, a, p) for a, p in pairs.itertuples(index=False)]
    pairs = pairs.assign(article_n=[r[0] for r in resolved], part_n=[r[1] for r in resolved],
                         pair_error=[r[2] for r in resolved])
    keys = keys.merge(pairs, on=["a", "p"], how="left", sort=False)
    # 2. vectorised interval join on the resolvable rows
    ok = keys["pair_error"].isna() & keys["part_n"].notna() & keys["d"].notna()
    cand = keys.loc[ok, ["row", "article_n", "part_n", "d"]].merge(
        versions, left_on=["article_n", "part_n"], right_on=["article", "part"], how="inner")
    inside = (cand["valid_from"] <= cand["d"]) & \
        (cand["valid_to"].isna() | (cand["d"] <= cand["valid_to"]))
    hits = cand[inside].set_index("row")
    out = df.copy()
    n = len(df)
    added = pd.DataFrame({"min_months": pd.array([pd.NA] * n, dtype="Int64"),
                          "max_months": pd.array([pd.NA] * n, dtype="Int64"),
                          "life": pd.array([pd.NA] * n, dtype="boolean"),
                          "range_status": pd.Series([None] * n, dtype="object"),
                          "range_valid_from": pd.Series([pd.NaT] * n,
                                                        dtype="datetime64[ns]"),
                          "range_source": pd.Series([None] * n, dtype="object"),
                          "range_confidence": pd.Series([None] * n, dtype="object")})
    if len(hits):
        pos = hits.index.to_numpy()
        added.loc[pos, "min_months"] = hits["min_months"].to_numpy()
        added.loc[pos, "max_months"] = hits["max_months"].to_numpy()
        added.loc[pos, "life"] = hits["life"].to_numpy()
        added.loc[pos, "range_status"] = hits["range_status"].to_numpy()
        added.loc[pos, "range_valid_from"] = hits["valid_from"].to_numpy()
        added.loc[pos, "range_source"] = hits["source"].to_numpy()
        added.loc[pos, "range_confidence"] = hits["confidence"].to_numpy()
    # 3. everything else: the precise reason, once per distinct key (the date does not
    #    matter when the article or part itself is bad)
    rest = keys.loc[~keys["row"].isin(hits.index), ["row", "a", "p", "d", "pair_error"]]
    if len(rest):
        rest = rest.assign(d=rest["d"].where(rest["pair_error"].isna()))
        distinct = rest.drop_duplicates(["a", "p", "d"]).copy()
        index = _index(table)
        values = [_attach_one(index, table, r.a, r.p, r.d, r.pair_error)
                  for r in distinct.itertuples(index=False)]
        distinct[_ATTACHED] = pd.DataFrame(values, columns=_ATTACHED,
                                           index=distinct.index, dtype="object")
        filled = rest[["row", "a", "p", "d"]].merge(
            distinct[["a", "p", "d"] + _ATTACHED], on=["a", "p", "d"], how="left")
        pos = filled["row"].to_numpy()
        for col in _ATTACHED:
            added.loc[pos, col] = filled[col].to_numpy()
    added.index = df.index
    for col in _ATTACHED:
        out[col] = added[col]
    out["range_status"] = out["range_status"].astype(str)
    return out


def _version_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Per table row: the attach_ranges values (status does not depend on the date)."""
    statuses = []
    for _, row in table.iterrows():
        r = _range_from_row(row, row["valid_from"].date())
        statuses.append(f"{r.status}: {r.reason}" if r.reason else r.status)
    return table[["article", "part", "valid_from", "valid_to", "min_months", "max_months",
                  "life", "source", "confidence"]].assign(range_status=statuses)


def _resolve_pair(table: pd.DataFrame, a, p) -> tuple:
    """(article, part or None, error or None) for one distinct pair of raw values."""
    if a is None or (not isinstance(a, str) and pd.isna(a)):
        return None, None, "unmatched: missing article"
    try:
        art = normalize_article(a)
        prt = normalize_part(p)
    except ValueError as exc:
        return None, None, f"unmatched: {exc}"
    if prt is None:
        parts = set(table.loc[table["article"] == art, "part"])
        prt = NO_PARTS if parts == {NO_PARTS} else None  # else decided per date
    return art, prt, None


def _attach_one(index, table, a, p, d, pair_error=None) -> tuple:
    empty = (pd.NA, pd.NA, pd.NA)
    if isinstance(pair_error, str):
        return empty + (pair_error, pd.NaT, None, None)
    if pd.isna(d):
        return empty + ("unmatched: missing or unreadable date", pd.NaT, None, None)
    try:
        label = _lookup(index, normalize_article(a), normalize_part(p), d.date())
        r = _range_from_row(table.loc[label], d.date())
    except ValueError as exc:
        return empty + (f"unmatched: {exc}", pd.NaT, None, None)
    status = f"{r.status}: {r.reason}" if r.reason else r.status
    return (pd.NA if r.min_months is None else r.min_months,
            pd.NA if r.max_months is None else r.max_months,
            r.life, status, pd.Timestamp(r.valid_from), r.source, r.confidence)

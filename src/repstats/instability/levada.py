"""Levada Center monthly polls: presidential approval and right direction / wrong track."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .layout import (
    check_range, check_unique, existing_file, read_csv_text, require_columns, rows,
    to_number)

#: file kind -> (columns read, {column: panel indicator}).
LEVADA_LAYOUTS = {
    "approval": (["Date", "Approve", "Disapprove", "No_answer"],
                 {"Approve": "levada_approve", "Disapprove": "levada_disapprove"}),
    "direction": (["Date", "In the right direction", "On the wrong track",
                   "Difficult to answer"],
                  {"In the right direction": "levada_right_direction",
                   "On the wrong track": "levada_wrong_track"}),
}
#: Shares of one month may sum to 100 +/- this (rounding; a few published months exceed it).
SUM_TOLERANCE = 8
#: Above this distance from 100 (more than rounding of three shares) a month is flagged.
SUM_FLAG = 2


def carried_forward(values: pd.DataFrame) -> pd.Series:
    """True for rows that repeat the previous row in every column (a carried-forward month).

    ``values`` must be sorted by period and hold only the survey shares; the first row is
    never carried forward. Only consecutive months count: a row after a gap is not compared.
    """
    same = values.eq(values.shift(1)).all(axis=1)
    same.iloc[:1] = False
    return same


def _join_flags(*pairs) -> pd.Series:
    masks, labels = pairs[0::2], pairs[1::2]
    text = pd.Series([""] * len(masks[0]), dtype="string")
    for mask, label in zip(masks, labels):
        mask = pd.Series(mask.to_numpy(), dtype="bool")
        text = text.mask(mask & text.ne(""), text + ";" + label).mask(mask & text.eq(""),
                                                                      label)
    return text


def read_levada(path, kind: str) -> pd.DataFrame:
    """Read one Levada monthly series file.

    Parameters
    ----------
    path : path-like
        ``Levada_putin_approval_monthly.csv`` (``kind="approval"``: ``Date``, ``Approve``,
        ``Disapprove``, ``No_answer``) or ``Levada_country_direction_monthly.csv``
        (``kind="direction"``: ``Date``, ``In the right direction``, ``On the wrong
        track``, ``Difficult to answer``). ``Date`` is the first day of the month.
    kind : {"approval", "direction"}

    Returns
    -------
    DataFrame
        Panel columns for ``levada_approve`` and ``levada_disapprove`` (approval) or
        ``levada_right_direction`` and ``levada_wrong_track`` (direction), monthly, in
        percent. ``flag`` holds "carried_forward" for a month whose shares (all answer
        columns) equal the previous month's exactly: such a month was probably not
        surveyed anew, so analyses may drop it; and "shares_sum_off_100" when the answer
        shares sum to more than 100 +/- :data:`SUM_FLAG` (several flags are joined by
        ";"). Extra column ``answers_sum`` (sum of the
        answer shares, ~100).

    Raises
    ------
    ValueError
        Unknown ``kind``.
    InputError
        No data rows, missing columns, unparseable or duplicated dates, dates not on the first of a
        month, shares outside [0, 100] or a month whose shares do not sum to
        100 +/- :data:`SUM_TOLERANCE`.
    """
    if kind not in LEVADA_LAYOUTS:
        raise ValueError(f"kind must be one of {sorted(LEVADA_LAYOUTS)}, got {kind!r}")
    columns, indicators = LEVADA_LAYOUTS[kind]
    p = existing_file(path, "Levada")
    df = read_csv_text(p, what="Levada")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, columns, file=p)
    if df.empty:
        raise InputError("no data rows under the header", file=str(p), row=2,
                         expected=f"monthly rows for {sorted(indicators.values())}")
    dates = pd.to_datetime(df["Date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any() or (dates.dt.day != 1).any():
        pos = int((dates.isna() | (dates.dt.day != 1)).to_numpy().nonzero()[0][0])
        raise InputError(f"bad date {df['Date'].iloc[pos]!r}", file=str(p), column="Date",
                         row=pos + 2, expected="YYYY-MM-01")
    check_unique(df["Date"].str.strip(), file=p, column="Date")
    shares = pd.DataFrame({c: to_number(df[c], file=p, column=c, allow_missing=False)
                           for c in columns[1:]})
    for c in shares:
        check_range(shares[c], 0, 100, file=p, column=c)
    total = shares.sum(axis=1)
    off = (total - 100).abs() > SUM_TOLERANCE
    if off.any():
        pos = int(off.to_numpy().nonzero()[0][0])
        raise InputError(f"answer shares sum to {total.iloc[pos]:g}", file=str(p),
                         row=pos + 2, column="+".join(columns[1:]),
                         expected=f"100 +/- {SUM_TOLERANCE}")
    order = dates.sort_values().index
    periods = pd.PeriodIndex(dates.loc[order], freq="M")
    shares, total = shares.loc[order].reset_index(drop=True), total.loc[order]
    consecutive = pd.Series(periods.asi8, dtype="int64").diff().eq(1)
    flag = _join_flags(carried_forward(shares) & consecutive, "carried_forward",
                       ((total - 100).abs() > SUM_FLAG).reset_index(drop=True),
                       "shares_sum_off_100")
    parts = []
    for column, indicator in indicators.items():
        out = rows(indicator, periods, shares[column], freq="M", flag=flag)
        out["answers_sum"] = total.to_numpy()
        parts.append(out)
    return pd.concat(parts, ignore_index=True)

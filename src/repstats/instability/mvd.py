"""Registered crimes per month (Ministry of Internal Affairs, MVD), national, 2003-2020.

The file holds *registered* crimes (police registration), not prosecutions or convictions:
cases appearing, which is closer to the claim "the more instability, the more political
cases" than convictions that follow them by one to three years. Only three columns enter
the panel: all registered crimes, crimes "of extremist orientation" (преступления
экстремистской направленности) and crimes "of terrorist character" (преступления
террористического характера).

The categories were redefined over time. Such redefinitions are *breaks in the series
definition*, listed once in :data:`MVD_BREAKS` and flagged ``definition_break`` on the first
month of the new definition; analyses model them as level shifts, never read them as
trends. The published yearly totals the file must reproduce are in :data:`MVD_PUBLISHED`
(checked by the instability stage).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .layout import check_range, existing_file, require_columns, rows, to_number

#: Raw column -> panel indicator.
MVD_COLUMNS = {"Total_crimes": "mvd_total", "Extremism": "mvd_extremism",
               "Terrorism": "mvd_terrorism"}

#: Known breaks in the definition of a category: the first month under the new rules.
MVD_BREAKS = pd.DataFrame([
    dict(indicator="mvd_extremism", period="2019-01", name="art. 282 partly decriminalised",
         basis="Federal Law of 27.12.2018 No. 519-FZ (in force 08.01.2019): a first "
               "incitement offence under art. 282 part 1 became administrative; registered "
               "extremism crimes halve from 2018 to 2019"),
    dict(indicator="mvd_terrorism", period="2006-01", name="terrorism category redefined",
         basis="registered 'crimes of terrorist character' fall from about 9.5 thousand "
               "(2004) to 1.8 thousand (2006) and 0.8 thousand (2007) as the category was "
               "redefined (source mirror MANIFEST: 'law changes'); dated at the first year "
               "of the fall, so the level shift absorbs the redefinition"),
])

#: Yearly totals published by the Ministry (source MANIFEST) that the file must reproduce:
#: (indicator, year) -> registered crimes.
MVD_PUBLISHED = {("mvd_total", 2018): 1_991_532, ("mvd_extremism", 2017): 1_521,
                 ("mvd_extremism", 2018): 1_265, ("mvd_extremism", 2019): 585}


def read_mvd(path) -> pd.DataFrame:
    """Read the monthly MVD crime file and return panel rows for three categories.

    Parameters
    ----------
    path : path-like
        ``crime_monthly_2003_2020.csv`` (columns ``month`` as ``DD.MM.YYYY``, first day of
        the month, then one column of monthly registered crimes per category).

    Returns
    -------
    DataFrame
        Panel columns (see :data:`repstats.instability.layout.PANEL_COLUMNS`) for
        ``mvd_total``, ``mvd_extremism`` and ``mvd_terrorism``: ``period`` monthly,
        ``value`` registered crimes in the month, ``low``/``high`` missing, ``flag``
        "definition_break" on the first month of a new category definition
        (:data:`MVD_BREAKS`), else "". Every month of the file gives one row per
        indicator (none is dropped; a blank cell is an error).

    Raises
    ------
    InputError
        Missing columns; a ``month`` that is not ``DD.MM.YYYY`` or not the first day of a
        month; a repeated or skipped month; a blank, non-numeric, negative or fractional
        count; a category larger than all registered crimes of its month. The error names
        the file, the column and the line.
    """
    p = existing_file(path, "MVD")
    df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, ["month", *MVD_COLUMNS], file=p)
    text = df["month"].str.strip()
    dates = pd.to_datetime(text, format="%d.%m.%Y", errors="coerce")
    bad = dates.isna() | (dates.dt.day != 1)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"bad month {df['month'].iloc[pos]!r}", file=str(p), column="month",
                         row=pos + 2, expected="DD.MM.YYYY, the first day of a month")
    periods = pd.PeriodIndex(dates, freq="M")
    steps = np.diff(periods.asi8)
    if (steps != 1).any():
        pos = int(np.flatnonzero(steps != 1)[0]) + 1
        raise InputError(f"month {periods[pos]} follows {periods[pos - 1]}", file=str(p),
                         column="month", row=pos + 2,
                         expected="consecutive months, oldest first, none repeated")
    values = {}
    for col in MVD_COLUMNS:
        v = to_number(df[col], file=p, column=col, allow_missing=False)
        check_range(v, 0, 1e7, file=p, column=col)
        frac = (v % 1) != 0
        if frac.any():
            pos = int(np.flatnonzero(frac.to_numpy())[0])
            raise InputError(f"fractional count {v.iloc[pos]!r}", file=str(p), column=col,
                             row=pos + 2, expected="a whole number of crimes")
        values[col] = v
    for col in ("Extremism", "Terrorism"):
        over = values[col] > values["Total_crimes"]
        if over.any():
            pos = int(np.flatnonzero(over.to_numpy())[0])
            raise InputError(f"{col} {values[col].iloc[pos]:.0f} exceeds Total_crimes "
                             f"{values['Total_crimes'].iloc[pos]:.0f}", file=str(p),
                             column=col, row=pos + 2, expected="a part of all crimes")
    parts = []
    for col, indicator in MVD_COLUMNS.items():
        starts = set(MVD_BREAKS.loc[MVD_BREAKS["indicator"] == indicator, "period"])
        flag = ["definition_break" if str(x) in starts else "" for x in periods]
        parts.append(rows(indicator, periods, values[col], freq="M", flag=flag))
    return pd.concat(parts, ignore_index=True)


def check_published_totals(panel: pd.DataFrame) -> pd.DataFrame:
    """Compare yearly sums of the MVD rows of ``panel`` with :data:`MVD_PUBLISHED`.

    Parameters
    ----------
    panel : DataFrame
        Panel rows (at least ``indicator``, ``period`` monthly, ``value``); not modified.

    Returns
    -------
    DataFrame
        One row per published total: ``indicator``, ``year``, ``published``, ``computed``
        (sum of the year's months in ``panel``; NaN when a month is missing), ``months``
        (months found), ``match`` (bool).
    """
    missing = [c for c in ("indicator", "period", "value") if c not in panel.columns]
    if missing:
        raise ValueError(f"panel lacks columns {missing}")
    out = []
    for (ind, year), published in MVD_PUBLISHED.items():
        sel = panel[(panel["indicator"] == ind)
                    & (panel["period"].map(lambda x: x.year) == year)]
        computed = float(sel["value"].sum()) if len(sel) == 12 else np.nan
        out.append(dict(indicator=ind, year=year, published=published, computed=computed,
                        months=len(sel), match=bool(computed == published)))
    return pd.DataFrame(out)

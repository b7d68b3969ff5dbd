"""Prison-term brackets and their bounds in months.

Until 2010 the brackets sit in form 10.3, with a single 1–3-year bracket; from 2011 they
sit in form 10.3.1, with 1–2 and 2–3 years; the 2022–2024 workbooks of 10.3.1 keep the
same ten columns (total, eight brackets up to "свыше 15 до 20 лет", below the minimum),
and their brackets sum to the total as before. Bounds follow the forms' wording "свыше A
до B лет включительно": the lower bound is exclusive, the upper inclusive.
"""
from __future__ import annotations

import pandas as pd

#: ``(measure, lower_months exclusive, upper_months inclusive, years, form)``.
BRACKETS = (
    ("imprisonment_upto_1y", 0, 12, "2009-2024", "10.3 (2009-2010), 10.3.1 (2011-)"),
    ("imprisonment_1_3y", 12, 36, "2009-2010", "10.3"),
    ("imprisonment_1_2y", 12, 24, "2011-2024", "10.3.1"),
    ("imprisonment_2_3y", 24, 36, "2011-2024", "10.3.1"),
    ("imprisonment_3_5y", 36, 60, "2009-2024", "10.3 (2009-2010), 10.3.1 (2011-)"),
    ("imprisonment_5_8y", 60, 96, "2009-2024", "10.3 (2009-2010), 10.3.1 (2011-)"),
    ("imprisonment_8_10y", 96, 120, "2009-2024", "10.3 (2009-2010), 10.3.1 (2011-)"),
    ("imprisonment_10_15y", 120, 180, "2009-2024", "10.3 (2009-2010), 10.3.1 (2011-)"),
    ("imprisonment_15_20y", 180, 240, "2009-2024", "10.3 (2009-2010), 10.3.1 (2011-)"),
)
BRACKET_MEASURES = tuple(b[0] for b in BRACKETS)


def bracket_bounds() -> pd.DataFrame:
    """The term brackets with their bounds.

    Returns
    -------
    pandas.DataFrame
        One row per bracket measure, columns:

        - ``measure`` (str): canonical bracket name, e.g. ``imprisonment_1_2y``;
        - ``lower_months`` (int): lower bound in months, exclusive (a term must exceed
          it; 0 for the first bracket);
        - ``upper_months`` (int): upper bound in months, inclusive;
        - ``years`` (str): reporting years in which the bracket exists;
        - ``form`` (str): the form that holds it.
    """
    return pd.DataFrame(list(BRACKETS), columns=["measure", "lower_months",
                                                 "upper_months", "years", "form"])


def harmonize_brackets(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``imprisonment_1_3y`` = 1–2 y + 2–3 y to rows that report the finer brackets.

    The 2011+ brackets are then comparable with 2009–2010. The input is not modified;
    added rows copy the provenance of the ``imprisonment_1_2y`` row and get
    ``column = "1_2y+2_3y"``.

    Parameters
    ----------
    df : pandas.DataFrame
        The long table (columns of :func:`repstats.courts.read_court_stats`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with the derived rows appended (same columns).
    """
    missing = {"measure", "value", "year", "form", "sheet", "row"} - set(df.columns)
    if missing:
        raise ValueError(f"harmonize_brackets needs columns {sorted(missing)}")
    keys = [c for c in df.columns if c not in ("measure", "value", "column")]
    fine = df[df["measure"].isin(["imprisonment_1_2y", "imprisonment_2_3y"])]
    if fine.empty:
        return df.copy()
    have_both = fine.groupby(keys, dropna=False)["measure"].transform("nunique") == 2
    fine = fine[have_both]
    summed = (fine.groupby(keys, dropna=False, sort=False)["value"].sum().reset_index())
    summed["measure"] = "imprisonment_1_3y"
    summed["column"] = "1_2y+2_3y"
    return pd.concat([df, summed[df.columns]], ignore_index=True)

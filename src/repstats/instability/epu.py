"""Economic Policy Uncertainty index for Russia (Baker, Bloom & Davis), monthly xlsx."""
from __future__ import annotations

import pandas as pd

from .layout import drop_footnotes, monthly_periods, numeric_rows, read_sheet, \
    require_columns

EPU_SHEET = "Russian News-Based Index"
EPU_COLUMNS = ["Year", "Month", "News-Based Policy Uncertainty Index"]


def read_epu(path, sheet: str = EPU_SHEET) -> pd.DataFrame:
    """Read the monthly Russian EPU index; the trailing source footnote is dropped.

    Parameters
    ----------
    path : path-like
        ``Russia_Policy_Uncertainty_Data.xlsx``.
    sheet : str
        Worksheet name (the published file has one sheet, "Russian News-Based Index").

    Returns
    -------
    DataFrame
        Panel columns for ``epu_news``: ``period`` monthly, ``value`` the index,
        ``low``/``high`` missing, ``flag`` empty. Months absent from the file are absent
        here (never filled).

    Raises
    ------
    InputError
        Missing sheet or columns, text between data rows, duplicated months, month outside
        1-12, non-numeric or negative index values, or values above 5,000.
    """
    df = read_sheet(path, sheet, what="EPU")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, EPU_COLUMNS, file=path, sheet=sheet)
    body = drop_footnotes(df, "Year", file=path, sheet=sheet)
    periods = monthly_periods(body["Year"], body["Month"], file=path, sheet=sheet)
    col = EPU_COLUMNS[2]
    return numeric_rows("epu_news", periods, body[col], (0, 5000), freq="M", file=path,
                        sheet=sheet, column=col)

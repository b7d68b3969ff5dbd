"""Geopolitical Risk index (Caldara & Iacoviello), monthly, Russia columns of the xls export."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .layout import check_unique, numeric_rows, read_sheet, require_columns

GPR_SHEET = "Sheet1"
#: column of the export -> panel indicator, for country ``{iso3}``.
GPR_COLUMNS = {"GPRC_{iso3}": "gpr_country", "GPRHC_{iso3}": "gpr_country_historical"}


def read_gpr(path, country: str = "RUS", sheet: str = GPR_SHEET) -> pd.DataFrame:
    """Read the country GPR indices (recent ``GPRC_XXX`` and historical ``GPRHC_XXX``).

    Parameters
    ----------
    path : path-like
        ``data_gpr_export.xls`` (column ``month`` holds the first day of each month).
    country : str
        ISO3 suffix of the columns.
    sheet : str
        Worksheet name.

    Returns
    -------
    DataFrame
        Panel columns for ``gpr_country`` and ``gpr_country_historical``, monthly;
        months before a series starts (blank cells) are omitted.

    Raises
    ------
    InputError
        Missing sheet or columns, unparseable or duplicated months, non-numeric values or
        values outside [0, 100] (percent of articles).
    """
    df = read_sheet(path, sheet, what="GPR")
    df.columns = [str(c).strip() for c in df.columns]
    columns = {k.format(iso3=country): v for k, v in GPR_COLUMNS.items()}
    require_columns(df, ["month", *columns], file=path, sheet=sheet)
    month = pd.to_datetime(df["month"], errors="coerce")
    body = df[month.notna()]
    if month.isna().any():
        first_bad = int(month.isna().to_numpy().nonzero()[0][0])
        if month.iloc[first_bad:].notna().any():
            raise InputError(f"unparseable month {df['month'].iloc[first_bad]!r}",
                             file=str(path), sheet=sheet, column="month", row=first_bad + 2,
                             expected="a date in every row up to the last one")
    periods = pd.PeriodIndex(month[month.notna()], freq="M")
    check_unique(pd.Series(periods.astype(str)), file=path, sheet=sheet, column="month")
    parts = []
    for column, indicator in columns.items():
        parts.append(numeric_rows(indicator, periods, body[column], (0, 100), freq="M",
                                  file=path, sheet=sheet, column=column, country=country))
    return pd.concat(parts, ignore_index=True)

"""World Uncertainty Index (Ahir, Bloom & Furceri), quarterly, one country."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .layout import check_unique, numeric_rows, read_sheet, require_columns

#: sheet -> panel indicator. T2 is the raw index; T6 its 3-quarter weighted moving average.
WUI_SHEETS = {"T2": "wui", "T6": "wui_smoothed"}


def _quarters(label: pd.Series, *, file, sheet) -> pd.PeriodIndex:
    text = label.astype("string").str.strip().str.upper()
    ok = text.str.fullmatch(r"\d{4}Q[1-4]").fillna(False)
    if not ok.all():
        pos = int((~ok).to_numpy().nonzero()[0][0])
        raise InputError(f"unparseable quarter {label.iloc[pos]!r}", file=str(file),
                         sheet=sheet, column="year", row=pos + 2,
                         expected="labels like '2022q1'")
    check_unique(text.reset_index(drop=True), file=file, sheet=sheet, column="year")
    return pd.PeriodIndex(text.tolist(), freq="Q")


def read_wui(path, country: str = "RUS") -> pd.DataFrame:
    """Read the quarterly WUI of one country, raw (sheet T2) and smoothed (sheet T6).

    Parameters
    ----------
    path : path-like
        ``WUI_Data.xlsx``. Sheets T2 and T6 have a ``year`` column ("1952q1") and one
        column per ISO3 country code.
    country : str
        ISO3 column.

    Returns
    -------
    DataFrame
        Panel columns for ``wui`` and ``wui_smoothed``, quarterly (``freq`` "Q");
        quarters with a blank cell are omitted.

    Raises
    ------
    InputError
        Missing sheet or column, unparseable or duplicated quarters, non-numeric values, or
        values outside [0, 10] (mentions per 1,000 words).
    """
    parts = []
    for sheet, indicator in WUI_SHEETS.items():
        df = read_sheet(path, sheet, what="WUI")
        df.columns = [str(c).strip() for c in df.columns]
        require_columns(df, ["year", country], file=path, sheet=sheet)
        labelled = df[df["year"].notna() & df["year"].astype("string").str.strip().ne("")]
        periods = _quarters(labelled["year"], file=path, sheet=sheet)
        parts.append(numeric_rows(indicator, periods, labelled[country], (0, 10), freq="Q",
                                  file=path, sheet=sheet, column=country, country=country))
    return pd.concat(parts, ignore_index=True)

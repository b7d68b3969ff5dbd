"""World Bank Worldwide Governance Indicators (bulk CSV, one column per year)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InputError
from .layout import existing_file, read_csv_text, require_columns, rows

#: WGI dimensions read into the panel (code prefix -> panel indicator).
WGI_CODES = {"PV": "wgi_pv", "VA": "wgi_va", "GE": "wgi_ge", "RQ": "wgi_rq", "RL": "wgi_rl",
             "CC": "wgi_cc"}
#: Multiplier of the standard error for the low/high band (a 95% normal interval).
Z95 = 1.96


def read_wgi(path, country: str = "RUS") -> pd.DataFrame:
    """Read the six WGI estimates of one country with their standard errors.

    The file is the World Bank bulk CSV (``Country Name``, ``Country Code``, ``Indicator
    Name``, ``Indicator Code`` and one column per year). Year columns are found from the
    header (four digits), so the gaps of 1997, 1999 and 2001 need no special case.

    Parameters
    ----------
    path : path-like
        ``WGIData.csv``.
    country : str
        ISO3 code (``Country Code``).

    Returns
    -------
    DataFrame
        Panel columns: ``indicator`` (``wgi_pv`` ... ``wgi_cc``), ``country``, ``period``
        (yearly Period), ``freq`` ("Y"), ``value`` (``XX.EST``), ``low``/``high``
        (``value -/+ 1.96 * XX.STD.ERR``), ``unit``, ``direction`` (-1: higher = more
        stable/better governed), ``source`` ("wgi"), ``flag`` (empty), and ``std_error``
        (``XX.STD.ERR``). Years with no estimate are omitted.

    Raises
    ------
    InputError
        Missing columns, no year columns, the country or an ``.EST``/``.STD.ERR`` row
        absent, non-numeric cells, estimates outside [-3.5, 3.5] or standard errors
        outside (0, 1.5].
    """
    p = existing_file(path, "WGI")
    df = read_csv_text(p, what="WGI")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, ["Country Code", "Indicator Code"], file=p)
    years = [c for c in df.columns if re.fullmatch(r"\d{4}", c)]
    if not years:
        raise InputError("no year columns in the header", file=str(p), column="1996...",
                         expected="columns named by four-digit years")
    sub = df[df["Country Code"].str.strip() == country]
    if sub.empty:
        raise InputError(f"country {country!r} not found", file=str(p), column="Country Code")
    frames = []
    for prefix, indicator in WGI_CODES.items():
        found = {}
        for suffix in ("EST", "STD.ERR"):
            code = f"{prefix}.{suffix}"
            row = sub[sub["Indicator Code"].str.strip() == code]
            if len(row) != 1:
                raise InputError(f"{len(row)} rows for {country} {code}", file=str(p),
                                 column="Indicator Code", expected="exactly one row")
            cells = row[years].iloc[0].str.strip()
            num = pd.to_numeric(cells.mask(cells == ""), errors="coerce").astype("float64")
            bad = num.isna() & (cells != "")
            if bad.any():
                raise InputError(f"non-numeric value {cells[bad].iloc[0]!r}", file=str(p),
                                 row=int(row.index[0]) + 2, column=bad[bad].index[0],
                                 expected=f"a number for {code}")
            found[suffix] = num
        est, se = found["EST"], found["STD.ERR"]
        for values, lo, hi, code in ((est, -3.5, 3.5, f"{prefix}.EST"),
                                     (se, 1e-9, 1.5, f"{prefix}.STD.ERR")):
            out_of_range = values.notna() & ((values < lo) | (values > hi))
            if out_of_range.any():
                year = out_of_range[out_of_range].index[0]
                raise InputError(f"implausible {code} value {values[year]!r}", file=str(p),
                                 column=year, expected=f"{code} in [{lo}, {hi}]")
        keep = est.notna()
        if (keep & se.isna()).any():
            bad = est[keep & se.isna()].index[0]
            raise InputError("estimate without a standard error", file=str(p), column=bad,
                             expected=f"{prefix}.STD.ERR next to every {prefix}.EST")
        e, s = est[keep], se[keep]
        out = rows(indicator, list(e.index), e.to_numpy(), freq="Y", country=country,
                   low=e.to_numpy() - Z95 * s.to_numpy(),
                   high=e.to_numpy() + Z95 * s.to_numpy())
        out["std_error"] = np.asarray(s, dtype="float64")
        frames.append(out)
    return pd.concat(frames, ignore_index=True)

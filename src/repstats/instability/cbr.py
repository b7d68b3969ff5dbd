"""Bank of Russia official USD/RUB rate: daily file -> monthly mean, change, volatility."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .layout import existing_file, read_csv_text, require_columns, rows, to_number

#: Months with fewer published rates than this are flagged "few_days".
MIN_DAYS = 10


def read_cbr_daily(path) -> pd.DataFrame:
    """Read the daily file (``date`` as ``MM/DD/YYYY``, newest first; ``rate``).

    Returns
    -------
    DataFrame
        ``date`` (Timestamp), ``rate`` (float, RUB per USD), ``line`` (1-based line in the
        file), sorted oldest first; blank rates are dropped, exact duplicate rows (same date
        and rate) are kept once.

    Raises
    ------
    InputError
        Missing columns, a date that is not ``MM/DD/YYYY``, a non-numeric or non-positive
        rate, a rate above 1,000, or one date listed twice with different rates.
    """
    p = existing_file(path, "CBR")
    df = read_csv_text(p, what="CBR")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, ["date", "rate"], file=p)
    dates = pd.to_datetime(df["date"].str.strip(), format="%m/%d/%Y", errors="coerce")
    if dates.isna().any():
        pos = int(dates.isna().to_numpy().nonzero()[0][0])
        raise InputError(f"bad date {df['date'].iloc[pos]!r}", file=str(p), column="date",
                         row=pos + 2, expected="MM/DD/YYYY")
    rate = to_number(df["rate"], file=p, column="rate")
    bad = rate.notna() & ((rate <= 0) | (rate > 1000))
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"implausible rate {rate.iloc[pos]!r}", file=str(p), column="rate",
                         row=pos + 2, expected="0 < rate <= 1000 RUB per USD")
    daily = pd.DataFrame({"date": dates, "rate": rate, "line": np.arange(len(df)) + 2})
    daily = daily[daily["rate"].notna()]
    daily = daily.drop_duplicates(["date", "rate"])
    clash = daily["date"].duplicated(keep=False)
    if clash.any():
        first = daily[clash].iloc[0]
        raise InputError(f"date {first['date'].date()} listed with different rates",
                         file=str(p), column="rate", row=int(first["line"]),
                         expected="one rate per date")
    return daily.sort_values("date").reset_index(drop=True)


def cbr_monthly(daily: pd.DataFrame) -> pd.DataFrame:
    """Monthly statistics of a daily rate table (see :func:`read_cbr_daily`).

    Returns
    -------
    DataFrame
        ``period`` (monthly Period), ``mean`` (mean rate), ``change_pct`` (percent change of
        ``mean`` on the previous calendar month; missing when that month has no rate),
        ``volatility`` (sample standard deviation of the daily log returns
        ``log(rate_t / rate_t-1)`` between consecutive published rates, each return
        assigned to the month of its later date; missing with fewer than 2 returns),
        ``n_days`` (rates published in the month), ``n_returns``.
    """
    if not {"date", "rate"} <= set(daily.columns):
        raise ValueError("daily must have columns date and rate")
    d = daily.sort_values("date")
    period = d["date"].dt.to_period("M")
    ret = np.log(d["rate"]).diff()
    g = pd.DataFrame({"period": period, "rate": d["rate"], "ret": ret}).groupby("period")
    out = pd.DataFrame({"mean": g["rate"].mean(), "n_days": g["rate"].size(),
                        "volatility": g["ret"].std(ddof=1), "n_returns": g["ret"].count()})
    out.loc[out["n_returns"] < 2, "volatility"] = np.nan
    prev = out["mean"].reindex(out.index - 1).to_numpy()
    out["change_pct"] = 100 * (out["mean"].to_numpy() / prev - 1)
    out = out.reset_index()
    return out[["period", "mean", "change_pct", "volatility", "n_days", "n_returns"]]


def read_cbr(path) -> pd.DataFrame:
    """Read the daily USD/RUB file and return monthly panel rows.

    Parameters
    ----------
    path : path-like
        ``usd_rub_cbr_daily.csv``.

    Returns
    -------
    DataFrame
        Panel columns for ``cbr_usdrub`` (monthly mean), ``cbr_usdrub_change`` (percent
        change on the previous month) and ``cbr_usdrub_volatility`` (sd of daily log
        returns), with ``flag`` "few_days" when fewer than :data:`MIN_DAYS` rates were
        published in the month, plus ``n_days``. Rows with a missing value are omitted.

    Raises
    ------
    InputError
        See :func:`read_cbr_daily`.
    """
    m = cbr_monthly(read_cbr_daily(path))
    flag = m["n_days"].lt(MIN_DAYS).map({True: "few_days", False: ""})
    parts = []
    for column, indicator in (("mean", "cbr_usdrub"), ("change_pct", "cbr_usdrub_change"),
                              ("volatility", "cbr_usdrub_volatility")):
        k = m[column].notna()
        out = rows(indicator, m.loc[k, "period"], m.loc[k, column], freq="M", flag=flag[k])
        out["n_days"] = m.loc[k, "n_days"].to_numpy()
        parts.append(out)
    return pd.concat(parts, ignore_index=True)

"""ACLED monthly counts of demonstrations and riots in Russia (aggregates only)."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .layout import (
    check_range, check_unique, existing_file, read_csv_text, require_columns, rows,
    to_number)

#: From this month (full-scale war; the 4 March 2022 law on "fakes") reporting conditions
#: change and the counts fall sharply through 2022-23; rows are flagged "coverage_drop" so
#: analyses do not read the fall as calm.
COVERAGE_DROP_FROM = pd.Period("2022-03", freq="M")


def read_acled(path, count_column: str = "n_events_union") -> pd.DataFrame:
    """Read monthly ACLED event counts (``month`` as ``YYYY-MM``, one count column).

    Parameters
    ----------
    path : path-like
        ``acled_russia_monthly_counts.csv``.
    count_column : str
        Column holding the count.

    Returns
    -------
    DataFrame
        Panel columns for ``acled_demonstrations``, monthly. Months missing between the
        first and last month are added with value 0 and flag "filled_zero" (a month with
        no recorded event); from :data:`COVERAGE_DROP_FROM` the flag is "coverage_drop"
        (counts fall as reporting and protest shrink, completeness unknown).

    Raises
    ------
    InputError
        Missing columns, a month that is not ``YYYY-MM``, duplicated months, or a count
        that is not a non-negative integer below 100,000.
    """
    p = existing_file(path, "ACLED")
    df = read_csv_text(p, what="ACLED")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, ["month", count_column], file=p)
    month = df["month"].str.strip()
    ok = month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if not ok.all():
        pos = int((~ok).to_numpy().nonzero()[0][0])
        raise InputError(f"bad month {df['month'].iloc[pos]!r}", file=str(p), column="month",
                         row=pos + 2, expected="YYYY-MM")
    check_unique(month, file=p, column="month")
    n = to_number(df[count_column], file=p, column=count_column, allow_missing=False)
    check_range(n, 0, 1e5, file=p, column=count_column)
    if (n % 1 != 0).any():
        pos = int((n % 1 != 0).to_numpy().nonzero()[0][0])
        raise InputError(f"non-integer count {n.iloc[pos]!r}", file=str(p),
                         column=count_column, row=pos + 2, expected="whole numbers")
    s = pd.Series(n.to_numpy(), index=pd.PeriodIndex(month, freq="M")).sort_index()
    full = pd.period_range(s.index.min(), s.index.max(), freq="M")
    filled = ~full.isin(s.index)
    s = s.reindex(full, fill_value=0.0)
    flag = pd.Series("", index=full, dtype="string")
    flag[filled] = "filled_zero"
    flag[full >= COVERAGE_DROP_FROM] = "coverage_drop"
    return rows("acled_demonstrations", full, s.to_numpy(), freq="M", flag=flag.to_numpy())

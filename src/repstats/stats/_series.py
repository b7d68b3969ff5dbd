"""Shared helpers for the analysis layer: turning inputs into period-indexed series.

Every time series the stats functions handle is normalised here to a float
:class:`pandas.Series` indexed by a :class:`pandas.PeriodIndex` (yearly ``Y``, quarterly
``Q`` or monthly ``M``), sorted, one value per period. Integer indexes (or a ``year``
column) are read as years. Keeping this in one module means association, regression and
change-point detection align series in exactly the same way.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Column names tried, in order, when the caller does not say which column holds time.
TIME_COLUMNS = ("period", "year", "date")
#: Column names tried, in order, when the caller does not say which column holds values.
VALUE_COLUMNS = ("value", "persons", "count")


def time_value_columns(data: pd.DataFrame, time=None, value=None,
                       what: str = "data") -> tuple[str, str]:
    """The time and value column names of ``data``: given ones, else the first found of
    :data:`TIME_COLUMNS` / :data:`VALUE_COLUMNS`; ``ValueError`` when none is found."""
    tcol = time or next((c for c in TIME_COLUMNS if c in data.columns), None)
    vcol = value or next((c for c in VALUE_COLUMNS if c in data.columns), None)
    if tcol is None or vcol is None:
        raise ValueError(f"{what}: cannot find the time and value columns among "
                         f"{list(data.columns)}; pass time= and value=")
    require_columns(data, [tcol, vcol], what)
    return tcol, vcol


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise one ValueError naming every column of ``columns`` missing from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {list(df.columns)}")


def _to_period_index(index: pd.Index, what: str) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        return index
    if isinstance(index, pd.DatetimeIndex):
        freq = pd.infer_freq(index) if len(index) >= 3 else None
        if freq is None:
            raise ValueError(f"{what}: cannot infer the frequency of a DatetimeIndex; "
                             "pass a PeriodIndex or integer years")
        return index.to_period(freq)
    if len(index) and all(isinstance(v, pd.Period) for v in index):
        return pd.PeriodIndex(list(index))
    if pd.api.types.is_integer_dtype(index) or (
            pd.api.types.is_float_dtype(index) and np.all(np.mod(index, 1) == 0)):
        return pd.PeriodIndex([pd.Period(year=int(v), freq="Y") for v in index], freq="Y")
    raise ValueError(f"{what}: the time index must hold integer years or pandas Periods, "
                     f"got dtype {index.dtype}")


def as_period_series(data, *, value: str | None = None, time: str | None = None,
                     name: str | None = None, what: str = "series") -> pd.Series:
    """Return ``data`` as a float Series indexed by consecutive-sortable Periods.

    Parameters
    ----------
    data : Series or DataFrame
        A Series indexed by integer years, Periods or a regular DatetimeIndex; or a
        DataFrame with one time column (``time``, else the first of ``period``, ``year``,
        ``date``) and one value column (``value``, else the first of ``value``,
        ``persons``, ``count``), one row per period.
    value, time : str, optional
        Column names for a DataFrame input.
    name : str, optional
        Name of the returned Series (defaults to the Series name or the value column).
    what : str
        Word used in error messages.

    Returns
    -------
    Series
        float values, PeriodIndex named ``period``, sorted; duplicated periods raise.
    """
    if isinstance(data, pd.DataFrame):
        tcol, vcol = time_value_columns(data, time, value, what)
        series = pd.Series(data[vcol].to_numpy(), index=pd.Index(data[tcol]),
                           name=name or vcol)
        if tcol == "date" and not isinstance(series.index, pd.PeriodIndex):
            series.index = pd.DatetimeIndex(series.index)
    elif isinstance(data, pd.Series):
        series = data.rename(name or data.name)
    else:
        raise ValueError(f"{what} must be a pandas Series or DataFrame, "
                         f"got {type(data).__name__}")
    index = _to_period_index(series.index, what)
    if index.has_duplicates:
        dups = sorted({str(p) for p in index[index.duplicated()]})
        raise ValueError(f"{what}: several values for period(s) {dups[:5]}; select one "
                         "category/indicator or aggregate first")
    out = pd.Series(pd.to_numeric(series.to_numpy(), errors="coerce").astype(float),
                    index=index.rename("period"), name=series.name)
    return out.sort_index()


def full_range(*series: pd.Series) -> pd.PeriodIndex:
    """The consecutive PeriodIndex spanning every period of ``series`` (same frequency)."""
    freqs = {s.index.freqstr for s in series if len(s)}
    if len(freqs) > 1:
        raise ValueError(f"series have different frequencies {sorted(freqs)}; convert "
                         "them first (e.g. repstats.instability.to_yearly)")
    nonempty = [s for s in series if len(s)]
    if not nonempty:
        raise ValueError("all series are empty")
    start = min(s.index.min() for s in nonempty)
    end = max(s.index.max() for s in nonempty)
    return pd.period_range(start, end, freq=start.freq, name="period")


def transform_series(series: pd.Series, transform: str, index: pd.PeriodIndex) -> pd.Series:
    """Reindex onto ``index`` and apply ``transform`` ('level' or 'diff').

    Differences are taken between consecutive periods only: a gap yields NaN rather
    than a difference over two periods.
    """
    s = series.reindex(index)
    if transform == "level":
        return s
    if transform == "diff":
        return s.diff()
    raise ValueError(f"transform must be 'level' or 'diff', got {transform!r}")


def lagged_arrays(y: pd.Series, x: pd.Series, lag: int):
    """Pairs (y_t, x_{t-lag}) on a shared consecutive index, rows with a NaN dropped, as
    ``(index, y, x)`` arrays.

    A positive ``lag`` pairs the count in period t with the indicator ``lag`` periods
    earlier (the indicator leads); a negative lag pairs it with a later indicator value.
    Float series on the same index (the usual case) are paired with numpy, without
    aligning two Series.
    """
    if not (y.index.equals(x.index) and y.dtype.kind == "f" and x.dtype.kind == "f"):
        frame = pd.DataFrame({"y": y, "x": x.shift(lag)}).dropna()
        return frame.index, frame["y"].to_numpy(), frame["x"].to_numpy()
    n, k = len(x), int(lag)
    xs = np.full(n, np.nan)
    if abs(k) < n:
        xs[max(k, 0):n + min(k, 0)] = x.to_numpy()[max(-k, 0):n - max(k, 0)]
    yv = y.to_numpy()
    keep = ~(np.isnan(yv) | np.isnan(xs))
    return y.index[keep], yv[keep], xs[keep]


def indicator_series(indicator, *, value: str | None = None,
                     time: str | None = None) -> dict[str, pd.Series]:
    """Split ``indicator`` into named period series.

    A long panel (columns ``indicator``, ``period``, ``value`` as
    ``repstats.instability.panel`` returns) yields one series per indicator; a Series or
    a one-series DataFrame yields one entry named after the Series/value column.
    """
    if isinstance(indicator, pd.DataFrame) and "indicator" in indicator.columns:
        out = {}
        for name, group in indicator.groupby("indicator", sort=True):
            if "freq" in group.columns and group["freq"].nunique() > 1:
                raise ValueError(f"indicator {name!r} mixes frequencies "
                                 f"{sorted(group['freq'].unique())}; filter one first")
            out[str(name)] = as_period_series(group, value=value, time=time,
                                              name=str(name), what=f"indicator {name!r}")
        if not out:
            raise ValueError("the indicator panel has no rows")
        return out
    s = as_period_series(indicator, value=value, time=time, what="indicator")
    return {str(s.name) if s.name is not None else "indicator": s}


def period_label(p) -> str | None:
    """String form of a Period ('2015', '2015Q1', '2015-03'); None for a missing one."""
    return None if p is None or pd.isna(p) else str(p)

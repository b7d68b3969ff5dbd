"""The processed tables: what exists, what each column means, and loading with dtypes.

``repstats build`` writes its tables into the processed folder (:func:`repstats.config.paths`)
as parquet or CSV files. Neither format keeps every pandas dtype (periods become text,
repeated text becomes plain strings), so read them with :func:`load`, which restores the
dtypes each table's codebook declares::

    import repstats
    repstats.tables()                          # one line per table: name, stage, built?, ...
    court = repstats.load("court_stats")       # categories, nullable integers
    panel = repstats.load("instability_panel") # ``period`` as pandas Periods
    repstats.codebook("sanctions")             # column, dtype, description

The codebooks are package data (``repstats/data/codebooks/<table>.csv``, columns ``column``,
``dtype``, ``description``); ``tables.csv`` there lists the tables. Dtype codes:
``category``, ``string``, ``Int64`` (nullable integer), ``Float64``, ``float64``,
``boolean``, ``datetime``, ``period[M]`` / ``period[Y]`` / ``period[Q]`` (a pandas
PeriodDtype) and ``period`` (Periods whose frequency is given per row by the ``freq``
column, kept as an object column because one column cannot mix frequencies).
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from .config import PACKAGE_DATA, paths
from .errors import RepstatsError

__all__ = ["tables", "load", "codebook", "to_periods", "DTYPES", "CODEBOOKS"]

#: Folder of the codebooks (package data).
CODEBOOKS = PACKAGE_DATA / "codebooks"
#: Dtype codes a codebook may use.
DTYPES = ("category", "string", "Int64", "Float64", "float64", "boolean", "datetime",
          "period", "period[M]", "period[Q]", "period[Y]")


class TableNotBuiltError(RepstatsError, FileNotFoundError):
    """The table's file is not in the processed folder (run ``repstats build``)."""


@functools.lru_cache(maxsize=1)
def _registry_cached() -> pd.DataFrame:
    df = pd.read_csv(CODEBOOKS / "tables.csv", dtype=str, keep_default_na=False)
    df["open_columns"] = df["open_columns"] == "true"
    return df.set_index("table")


def _registry() -> pd.DataFrame:
    return _registry_cached().copy()


@functools.lru_cache(maxsize=None)
def _codebook_cached(stem: str) -> pd.DataFrame:
    return pd.read_csv(CODEBOOKS / f"{stem}.csv", dtype=str, keep_default_na=False)


def _table_name(name: str) -> str:
    if not isinstance(name, str):
        raise ValueError(f"name must be a table name (str), got {type(name).__name__}")
    reg = _registry()
    stem = Path(name).name
    for suffix in (".parquet", ".csv"):
        stem = stem.removesuffix(suffix)
    if stem not in reg.index:
        raise ValueError(f"unknown table {name!r}; tables are {list(reg.index)} "
                         "(see repstats.tables())")
    return stem


def codebook(name: str) -> pd.DataFrame:
    """The codebook of table ``name``.

    Returns
    -------
    pandas.DataFrame
        One row per column of the table: ``column``, ``dtype`` (a code of :data:`DTYPES`,
        the dtype :func:`load` gives it) and ``description``.
    """
    return _codebook_cached(_table_name(name)).copy()


def tables(processed=None) -> pd.DataFrame:
    """List the processed tables, one line each, and whether they are built.

    Parameters
    ----------
    processed : path, optional
        The processed folder (default: :func:`repstats.config.paths` ``.processed``).

    Returns
    -------
    pandas.DataFrame
        Columns ``table`` (the name :func:`load` takes), ``stage`` (the build stage that
        writes it), ``built`` (bool: the file exists), ``description``, ``file`` (file
        name) and ``path`` (its full path).
    """
    folder = Path(processed) if processed is not None else paths().processed
    reg = _registry().reset_index()
    reg["path"] = [folder / f for f in reg["file"]]
    reg["built"] = [p.is_file() for p in reg["path"]]
    return reg[["table", "stage", "built", "description", "file", "path"]]


def _to_bool(s: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(s) or str(s.dtype) == "boolean":
        return s.astype("boolean")
    text = s.astype("string").str.strip().str.lower()
    mapped = text.map({"true": True, "false": False, "1": True, "0": False}, na_action="ignore")
    bad = text.notna() & mapped.isna()
    if bad.any():
        raise ValueError(f"not a boolean: {text[bad].iloc[0]!r}")
    return mapped.astype("boolean")


def _to_int(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s, errors="raise")
    if pd.api.types.is_float_dtype(num):
        values = num.to_numpy(dtype=float, na_value=np.nan)
        finite = values[~np.isnan(values)]
        if (finite != np.round(finite)).any():
            raise ValueError("has non-integer values")
    return num.astype("Int64")


def to_periods(s: pd.Series, freq) -> pd.Series:
    """Periods of ``s`` (text such as ``"2022"`` or ``"2022-03"``, dates or periods).

    Parameters
    ----------
    s : pandas.Series
        The values; missing values stay missing (``NaT``). Not modified.
    freq : str or sequence of str
        One pandas frequency (``"Y"``, ``"M"``...) for every row, or one per row (a
        panel mixing yearly and monthly rows: each frequency's rows converted at once).

    Returns
    -------
    pandas.Series
        Same index and name: a ``period[freq]`` Series for one frequency; an ``object``
        Series of Periods for one frequency per row.
    """
    if isinstance(freq, str):
        if isinstance(s.dtype, pd.PeriodDtype):
            return s if s.dtype == pd.PeriodDtype(freq) else s.dt.asfreq(freq)
        if pd.api.types.is_datetime64_any_dtype(s):
            return s.dt.to_period(freq)
        return pd.Series(pd.PeriodIndex(s.astype("string").to_numpy(dtype=object,
                                                                    na_value=None),
                                        freq=freq), index=s.index, name=s.name)
    # one frequency per row: convert each frequency's rows at once
    freqs = np.asarray(freq, dtype=object)
    present = s.notna().to_numpy()
    out = np.full(len(s), pd.NaT, dtype=object)
    text = s.astype("string").to_numpy(dtype=object, na_value=None)
    for f in pd.unique(freqs[present]):
        rows = present & (freqs == f)
        out[rows] = pd.PeriodIndex(list(text[rows]), freq=f).astype(object)
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


def _convert(df: pd.DataFrame, column: str, code: str) -> pd.Series:
    s = df[column]
    if code == "category":
        if isinstance(s.dtype, pd.CategoricalDtype):  # read as a parquet dictionary
            return s
        return s.astype("string").astype("category")
    if code == "string":
        return s.astype("string")
    if code == "Int64":
        return _to_int(s)
    if code in ("Float64", "float64"):
        return pd.to_numeric(s, errors="raise").astype(code)
    if code == "boolean":
        return _to_bool(s)
    if code == "datetime":
        return pd.to_datetime(s)
    if code.startswith("period["):
        return to_periods(s, code[len("period["):-1])
    if code == "period":
        if "freq" not in df.columns:
            raise ValueError("dtype 'period' needs a 'freq' column in the same table")
        return to_periods(s, df["freq"].astype(str).tolist())
    raise ValueError(f"unknown dtype code {code!r}; codes are {DTYPES}")


def apply_dtypes(df: pd.DataFrame, name: str, *, where=None) -> pd.DataFrame:
    """Return a copy of ``df`` with the dtypes of table ``name``'s codebook.

    Columns the codebook does not list are kept as they are; a value that does not fit its
    declared dtype raises ``ValueError`` naming the table, the column and ``where``.
    """
    book = codebook(name)
    out = df.copy()
    for column, code in zip(book["column"], book["dtype"]):
        if column not in out.columns:
            continue
        try:
            out[column] = _convert(out, column, code)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where or name}: column {column!r} does not fit dtype {code}: "
                             f"{exc}") from exc
    return out


def load(name: str, *, columns=None, processed=None) -> pd.DataFrame:
    """Load processed table ``name`` with the dtypes its codebook declares.

    Parameters
    ----------
    name : str
        A table listed by :func:`tables` (e.g. ``"court_stats"``; a file name such as
        ``"court_stats.parquet"`` works too).
    columns : list of str, optional
        Read only these columns (parquet tables read only these from disk).
    processed : path, optional
        The processed folder (default: :func:`repstats.config.paths` ``.processed``).

    Returns
    -------
    pandas.DataFrame
        The table's columns as listed by :func:`codebook` (open tables, such as the
        OVD-Info prosecutions, also keep the export's other columns), with periods as
        pandas Periods, repeated text as categories, counts as nullable ``Int64``, text as
        ``string``, dates as ``datetime64`` and flags as nullable ``boolean``.

    Notes
    -----
    Group by categorical columns with ``observed=True`` (the default from pandas 3), so
    that categories absent from a subset do not come back as empty groups.

    Raises
    ------
    ValueError
        ``name`` is not a table, or a column is not among the table's columns.
    TableNotBuiltError
        The file is not in the processed folder (run ``repstats build``).
    """
    stem = _table_name(name)
    entry = _registry().loc[stem]
    folder = Path(processed) if processed is not None else paths().processed
    path = folder / entry["file"]
    if not path.is_file():
        hint = (" (built only when an OVD-Info export is in the raw folder)"
                if stem.startswith("ovdinfo_") else "")
        raise TableNotBuiltError(f"table {stem!r} is not built: {path} does not exist; run "
                                 f"`repstats build --stage {entry['stage']}`{hint}")
    wanted = None
    if columns is not None:
        wanted = [columns] if isinstance(columns, str) else list(columns)
        book = codebook(stem)
        needed = list(dict.fromkeys(wanted + (["freq"] if "period" in set(
            book.loc[book["column"].isin(wanted), "dtype"]) else [])))
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        have = pq.read_schema(path).names
        if wanted is not None:
            _check_columns(wanted, have, stem)
        book = codebook(stem)
        read = needed if wanted is not None else have
        categories = [c for c in book.loc[book["dtype"] == "category", "column"] if c in read]
        # repeated text straight into categories (no intermediate column of strings)
        df = pq.read_table(path, columns=read, read_dictionary=categories).to_pandas()
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                         encoding="utf-8")
        if wanted is not None:
            _check_columns(wanted, list(df.columns), stem)
            df = df[needed]
    df = apply_dtypes(df, stem, where=str(path))
    return df[wanted] if wanted is not None else df


def _check_columns(wanted, have, stem) -> None:
    missing = [c for c in wanted if c not in have]
    if missing:
        raise ValueError(f"table {stem!r} has no column(s) {missing}; it has {list(have)}")

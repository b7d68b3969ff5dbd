"""Parse each distinct value once and map the results back (the speed strategy).

Real columns hold millions of cells but only thousands of distinct strings. Every parser
in :mod:`repstats.text` therefore factorizes its input (``pandas.factorize``), runs the
per-string logic on the distinct values only, and maps the small result table back with
integer takes. Everything works on whatever Series it is given, so a dask user runs a
parser per partition: ``ddf["col"].map_partitions(parse_x, meta=parse_x(ddf["col"]._meta))``.

The per-string functions are pure and never raise on text; the helpers here add the
``strict`` check and keep the input untouched.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from repstats.errors import InputError

__all__ = ["as_text", "check_series", "map_distinct", "explode_distinct", "raise_first"]


def check_series(series, name: str) -> pd.Series:
    """Return ``series`` if it is a pandas Series; raise one precise ValueError otherwise."""
    if not isinstance(series, pd.Series):
        raise ValueError(f"{name} expects a pandas Series of text, got {type(series).__name__}")
    return series


def as_text(value) -> tuple[str | None, str | None]:
    """Return ``(text, reason)`` for one cell: text, or ``None`` plus why it is not text."""
    if isinstance(value, str):
        return value, None
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None, "missing"
    if isinstance(value, (bool, np.bool_)):
        return None, f"not text: {type(value).__name__}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(value), None
    try:
        if pd.isna(value):
            return None, "missing"
    except (TypeError, ValueError):
        pass
    return None, f"not text: {type(value).__name__}"


def _factorize(series: pd.Series) -> tuple[np.ndarray, list]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, list(uniques)


def map_distinct(series: pd.Series, parse_one: Callable[[object], tuple],
                 columns: Sequence[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """Apply ``parse_one`` to each distinct value and return a frame aligned to ``series``.

    ``parse_one(value)`` returns a tuple ordered as ``columns``; it is also called once
    with ``None`` for missing cells. The result has ``series.index`` and the given dtypes.
    """
    codes, uniques = _factorize(series)
    rows = [parse_one(u) for u in uniques]
    rows.append(parse_one(None))            # position -1 after factorize: missing cells
    table = pd.DataFrame.from_records(rows, columns=list(columns))
    table = table.astype(dtypes)
    take = np.where(codes < 0, len(uniques), codes)
    out = table.take(take)
    out.index = series.index
    return out


def explode_distinct(series: pd.Series, parse_many: Callable[[object], list[tuple]],
                     columns: Sequence[str], dtypes: dict[str, str],
                     with_positions: bool = False):
    """Like :func:`map_distinct` for parsers that return one or more rows per cell.

    ``parse_many(value)`` returns a non-empty list of tuples ordered as ``columns``. The
    result has a fresh RangeIndex, a first column ``row`` holding the input's index label
    and rows in input order, so that no input row is lost. With ``with_positions`` it
    returns ``(frame, positions)``, positions being each output row's input position.
    """
    codes, uniques = _factorize(series)
    parsed = [parse_many(u) for u in uniques]
    parsed.append(parse_many(None))
    counts = np.fromiter((len(p) for p in parsed), dtype=np.int64, count=len(parsed))
    if (counts < 1).any():
        raise RuntimeError("parse_many must return at least one row per value")
    flat = [r for p in parsed for r in p]
    table = pd.DataFrame.from_records(flat, columns=list(columns)).astype(dtypes)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    ucode = np.where(codes < 0, len(uniques), codes)
    lengths = counts[ucode]
    total = int(lengths.sum())
    # position of every output row inside the unique table
    first_out = np.cumsum(lengths) - lengths
    take = np.repeat(starts[ucode] - first_out, lengths) + np.arange(total, dtype=np.int64)
    out = table.take(take)
    out.index = pd.RangeIndex(total)
    row = pd.Series(np.repeat(series.index.to_numpy(), lengths), index=out.index, name="row")
    out = pd.concat([row, out], axis=1)
    if with_positions:
        return out, np.repeat(np.arange(len(series), dtype=np.int64), lengths)
    return out


def raise_first(series: pd.Series, bad: np.ndarray, what: str, reasons) -> None:
    """Raise one :class:`~repstats.errors.InputError` naming the first bad row and value.

    ``bad`` is a boolean array aligned to ``series``; ``reasons`` gives the reason per row.
    """
    hits = np.flatnonzero(bad)
    if hits.size == 0:
        return
    i = int(hits[0])
    label, value = series.index[i], series.iloc[i]
    raise InputError(f"{what}: could not parse value {value!r} at row label {label!r} "
                     f"({reasons[i]}); {hits.size} row(s) failed in all",
                     row=label, column=series.name)

"""One integer per distinct combination of several columns, for ``duplicated``/grouping.

The long court table repeats a few dozen distinct strings a million times: hashing five
string columns row by row (``DataFrame.duplicated``) costs ten times more than combining
each column's integer codes into one ``int64`` and hashing that once.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _codes(s: pd.Series, rows=None) -> tuple[np.ndarray, int, int]:
    """Codes of a column (at positions ``rows`` when given): ``(codes, offset, size)``,
    ``codes + offset`` in ``0..size-1`` (missing values: a code of their own). ``codes``
    may be the column's own array (never written to)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # the categorical's own codes (-1: missing), no hashing at all
        codes = s.cat.codes.to_numpy()
        if rows is not None:
            codes = codes[rows]
        return codes, 1, len(s.cat.categories) + 1
    if rows is not None:
        s = s.iloc[rows]
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu" and len(s):
        # integers of a narrow range (years, spreadsheet rows): their offset from the
        # smallest, no hashing either
        values = s.to_numpy()
        if values.dtype.kind == "u":   # added in place to an int64 key
            values = values.astype(np.int64)
        low, high = int(values.min()), int(values.max())
        if high - low <= max(2 * len(values), 1 << 16):
            return values, -low, high - low + 1
    codes = pd.factorize(s, use_na_sentinel=False)[0]
    return codes, 0, int(codes.max(initial=-1)) + 1


def row_keys(df: pd.DataFrame, columns, rows=None) -> np.ndarray:
    """An ``int64`` per row of ``df`` (per position of ``rows``, when given), equal for
    two rows exactly when they are equal on every column of ``columns`` (missing equal to
    missing, as ``DataFrame.duplicated``): the columns' codes combined in place, one
    ``int64`` array for all of them."""
    key, bound = None, 1
    for col in columns:
        codes, offset, size = _codes(df[col], rows)
        size = max(size, 1)
        if key is None:
            key = codes.astype(np.int64)   # a copy: the column's array stays untouched
        else:
            if bound * size >= 2**62:  # renumbered densely first: never overflows
                key = pd.factorize(key)[0].astype(np.int64)
                bound = int(key.max(initial=0)) + 1
            key *= size
            key += codes
        if offset:
            key += offset
        bound *= size
    if key is None:
        key = np.zeros(len(df) if rows is None else len(rows), dtype=np.int64)
    return key


def duplicated(df: pd.DataFrame, columns, keep="first") -> np.ndarray:
    """``df.duplicated(columns, keep=keep).to_numpy()``, on :func:`row_keys`."""
    return duplicated_keys(row_keys(df, columns), keep=keep)


def duplicated_keys(keys: np.ndarray, keep="first") -> np.ndarray:
    """``pandas.Series(keys).duplicated(keep=keep).to_numpy()`` for integer keys, by a
    stable sort (equal keys side by side, in row order): a few times faster than
    hashing a million keys, and faster still on keys already nearly sorted (rows of a
    sheet)."""
    if keep not in ("first", "last", False):
        raise ValueError(f"keep must be 'first', 'last' or False, not {keep!r}")
    keys = np.asarray(keys)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]   # equal to the next key in sorted order
    dup = np.zeros(len(keys), dtype=bool)
    if keep in ("first", False):
        dup[1:] |= same
    if keep in ("last", False):
        dup[:-1] |= same
    out = np.empty_like(dup)
    out[order] = dup
    return out

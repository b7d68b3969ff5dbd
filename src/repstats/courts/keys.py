"""One integer per distinct combination of several columns, for ``duplicated``/grouping.

The long court table repeats a few dozen distinct strings a million times: hashing five
string columns row by row (``DataFrame.duplicated``) costs ten times more than combining
each column's integer codes into one ``int64`` and hashing that once.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _codes(s: pd.Series) -> tuple[np.ndarray, int]:
    """Codes of a column in ``0..size-1`` (missing values: a code of their own)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # the categorical's own codes (-1: missing), no hashing at all
        return s.cat.codes.to_numpy().astype(np.int64) + 1, len(s.cat.categories) + 1
    codes = pd.factorize(s, use_na_sentinel=False)[0].astype(np.int64)
    return codes, int(codes.max(initial=-1)) + 1


def row_keys(df: pd.DataFrame, columns) -> np.ndarray:
    """An ``int64`` per row of ``df``, equal for two rows exactly when they are equal on
    every column of ``columns`` (missing equal to missing, as ``DataFrame.duplicated``)."""
    key, bound = np.zeros(len(df), dtype=np.int64), 1
    for col in columns:
        codes, size = _codes(df[col])
        size = max(size, 1)
        if bound * size >= 2**62:  # renumbered densely first: never overflows
            key = pd.factorize(key)[0].astype(np.int64)
            bound = int(key.max(initial=0)) + 1
        key = key * size + codes
        bound *= size
    return key


def duplicated(df: pd.DataFrame, columns, keep="first") -> np.ndarray:
    """``df.duplicated(columns, keep=keep).to_numpy()``, on :func:`row_keys`."""
    return pd.Series(row_keys(df, columns)).duplicated(keep=keep).to_numpy()

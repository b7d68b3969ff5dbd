"""The long court table as the reader hands it over: numbers, and strings as codes.

A million values share a few thousand distinct strings. :class:`LongTable` holds each
string column as a :class:`pandas.Categorical` (sorted categories, as
``astype("category")`` gives them) and makes the strings themselves only where they are
needed: the Arrow table written to parquet (:meth:`LongTable.arrow`, taken per value by
pyarrow, outside the GIL) or the pandas frame of
:func:`repstats.courts.read_court_stats` (:meth:`LongTable.frame`). Validation and
reconciliation work on the codes (:meth:`LongTable.coded`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: pandas' default string dtype (``"str"``), Arrow-backed
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
#: the numeric columns' dtypes (every other column holds text, :data:`STR_DTYPE`)
NUMBER_DTYPES = {"year": "int64", "value": "int64", "row": "int64", "line": "Int64"}


class LongTable:
    """The long table (columns in ``columns`` order): ``numbers`` (``year``, ``value``,
    ``row`` as int64 arrays, ``line`` as a nullable ``Int64`` array) and ``strings``
    (every other column, a :class:`pandas.Categorical` of string categories), all of
    one length."""

    def __init__(self, columns: list, numbers: dict, strings: dict):
        self.columns = list(columns)
        self.numbers = numbers
        self.strings = strings

    def __len__(self) -> int:
        return len(self.numbers["year"])

    def empty(self) -> pd.DataFrame:
        """The table's columns and dtypes, no rows."""
        return pd.DataFrame({c: pd.array([], dtype=NUMBER_DTYPES.get(c, STR_DTYPE))
                             for c in self.columns})

    def coded(self) -> pd.DataFrame:
        """The table with its string columns as categoricals (same values)."""
        return pd.DataFrame({c: self.numbers[c] if c in self.numbers else self.strings[c]
                             for c in self.columns}, copy=False)

    def arrow(self):
        """The table as a :class:`pyarrow.Table`, its schema (pandas metadata included)
        the one ``pyarrow.Table.from_pandas(self.frame(), preserve_index=False)`` gives.

        Each column's strings are taken per value from its distinct values (pyarrow,
        outside the GIL), into buffers of :func:`_table_pool`."""
        import pyarrow as pa

        pool = _table_pool()
        # one column after another: taken in worker threads, the ~300 MB of new string
        # buffers were page-faulted concurrently, which cost more system time than the
        # threads saved (measured: CPU of the read 2.2-3.2 s with 4 threads, 2.0-2.5 s
        # without)
        arrays = [_take_strings(self.strings[c], pool) if c in self.strings
                  else pa.array(self.numbers[c]) for c in self.columns]
        schema = pa.Schema.from_pandas(self.empty(), preserve_index=False)
        return pa.Table.from_arrays(arrays, schema=schema)

    def frame(self) -> pd.DataFrame:
        """The table as a pandas frame: strings in pandas' default ``str`` dtype
        (Arrow-backed, without a copy through Python objects), ``line`` as ``Int64``."""
        import pyarrow as pa

        table = self.arrow()
        out = table.to_pandas(types_mapper={pa.large_string(): STR_DTYPE}.get,
                              memory_pool=_table_pool())
        del table
        _table_pool().release_unused()  # hand freed buffers back
        return out


def categorical(uniques, codes, dtype=STR_DTYPE, at=None, taken=None) -> pd.Categorical:
    """Codes into ``uniques`` (-1: missing), taken at ``at`` when given, as a Categorical
    with sorted categories of ``dtype``: equal to ``Series(uniques.take(codes[at]),
    dtype=dtype).astype("category")`` (an unused category is dropped, as there).
    ``taken``, the boolean mask of the positions ``at`` holds, is computed when not
    given (pass it once for several columns taken at the same ``at``)."""
    used = np.zeros(len(uniques) + 1, dtype=bool)
    if at is None:
        used[codes + 1] = True
    else:
        if taken is None:
            taken = taken_mask(at, len(codes))
        used[codes[taken] + 1] = True
    keep = np.flatnonzero(used[1:])
    order = keep[np.argsort(uniques[keep], kind="stable")]
    # codes of the width the Categorical keeps (pandas' own choice): no second copy
    width = np.int8 if len(order) < 2**7 else np.int16 if len(order) < 2**15 else np.int32
    rank = np.full(len(uniques) + 1, -1, dtype=width)
    rank[order + 1] = np.arange(len(order), dtype=width)
    ranked = rank[codes + 1]
    categories = pd.Index(pd.array(uniques[order], dtype=dtype))
    return pd.Categorical.from_codes(ranked if at is None else ranked[at],
                                     dtype=pd.CategoricalDtype(categories, ordered=False))


def taken_mask(at, n: int) -> np.ndarray:
    """The boolean mask of the positions in ``range(n)`` that ``at`` takes."""
    taken = np.zeros(n, dtype=bool)
    taken[at] = True
    return taken


def object_values(column: pd.Series, missing) -> np.ndarray:
    """``column`` as an object array, ``missing`` where missing (a categorical: each
    category converted once, taken by code)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return column.to_numpy(dtype=object, na_value=missing)
    labels = np.empty(len(column.cat.categories) + 1, dtype=object)
    labels[:-1] = column.cat.categories.to_numpy(dtype=object)
    labels[-1] = missing
    return labels[column.cat.codes.to_numpy()]


def in_values(column: pd.Series, values) -> np.ndarray:
    """``column.isin(values)`` as a boolean array. A categorical is tested once per
    category and read by code (pandas' own ``isin`` hashes a million codes: ~6 ms,
    against ~0.2 ms per matching category here)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return column.isin(values).to_numpy(dtype=bool)
    values = list(values)
    hit = column.cat.categories.isin(values)
    missing = any(pd.isna(v) for v in values)   # then code -1 (missing) is in too
    codes = column.cat.codes.to_numpy()
    wanted = np.flatnonzero(hit)
    if len(wanted) > 8:
        return np.append(hit, missing)[codes]
    out = codes == -1 if missing else np.zeros(len(codes), dtype=bool)
    for code in wanted.tolist():
        out |= codes == code
    return out


def _table_pool():
    """The Arrow memory pool of the long table's buffers: the system allocator.

    pyarrow's default pool (mimalloc in the Linux wheels) asks for transparent huge
    pages; where the kernel defragments on demand for them (``defrag = madvise``, the
    default of common distributions), faulting in the table's ~400 MB cost 1.2-1.7 s of
    system time, against 0.3-0.4 s with the system allocator (or jemalloc; measured in
    alternated runs on the same machine). The buffers' contents, hence the outputs, do
    not depend on the pool."""
    import pyarrow as pa

    return pa.system_memory_pool()


def _take_strings(cat: pd.Categorical, pool=None):
    """The strings of a categorical, one per value (missing: null), as an Arrow
    ``large_string`` array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pa.array(cat.categories.to_numpy(dtype=object), type=pa.large_string())
    codes = cat.codes
    missing = codes < 0
    return pc.take(distinct, pa.array(codes, mask=missing if missing.any() else None),
                   memory_pool=pool)

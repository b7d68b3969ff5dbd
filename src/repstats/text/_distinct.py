"""The engine under every parser: chunks, distinct values, a vectorised fast path, a cache.

Columns are read in chunks of :data:`CHUNK_ROWS` rows (up to 16 times longer while a
column keeps repeating known values), so memory stays bounded whatever the column's
length. In each chunk the distinct values are found once (Arrow's ``dictionary_encode``
for text, ``pandas.factorize`` otherwise) and looked up among the values kept from earlier
chunks (Arrow's ``index_in``); a parser's optional *fast path* reads the new values of the
regular, common shapes at once with Arrow's regex kernels (RE2), and only the rest go
through the per-string Python function. Results of the values that repeat are kept for
later chunks (bounded by :data:`CACHE_MAX`; an all-distinct column keeps none), so a
repeated column parses each distinct string once. Results are mapped back with integer
takes straight into the output arrays, allocated once per column: the only memory that
grows with the column is the output itself, whose strings are shared per distinct value.

A fast path is a function ``fast(values) -> (mask, frame)``: ``values`` is a
``pyarrow.Array`` of distinct strings, ``mask`` a boolean numpy array telling which of
them it read, ``frame`` their rows (one per read value for aligned parsers; for
exploding parsers ``(mask, frame, counts)``, rows grouped in value order). It must give
exactly what the Python function gives for those values (tests check it), and it may
leave any value to the Python function.

The per-string functions are pure and never raise on any cell: :func:`as_text` turns a
cell into text or a reason (missing, not text, a lone surrogate, a huge integer, text
over the parser's length limit), and every pattern's work is bounded.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from repstats.errors import InputError

__all__ = ["as_text", "plain_text", "fold_arrow", "first_matches", "strings",
           "check_series", "map_distinct", "explode_distinct", "raise_first", "typed_frame",
           "CHUNK_ROWS", "CACHE_MAX", "FAST_MIN", "SAFE_TEXT"]

#: Rows per chunk: bounds the memory of the distinct-value tables and of the fast
#: paths' Arrow buffers (a few copies of one chunk's text at most).
CHUNK_ROWS = 1 << 14
#: Distinct values whose results are kept across chunks (cleared when full).
CACHE_MAX = 1 << 17
#: New distinct values in a chunk below which the fast path is not tried: Arrow compiles
#: a regex again at every kernel call (0.4-0.65 ms for the charge patterns), and a fast
#: path makes about 10-20 such calls, a fixed 3-9 ms that the per-string Python function
#: (15-60 us a string) beats on short inputs.
FAST_MIN = 64
#: RE2 pattern of the strings a fast path may read: printable ASCII and basic Cyrillic,
#: where Arrow's and Python's lower-casing, ``\d``, ``\s`` and word characters agree.
SAFE_TEXT = r"^[ -~\x{0400}-\x{045F}«»№–—]*$"


def check_series(series, name: str) -> pd.Series:
    """Return ``series`` if it is a pandas Series; raise one precise ValueError otherwise."""
    if not isinstance(series, pd.Series):
        raise ValueError(f"{name} expects a pandas Series of text, got {type(series).__name__}")
    return series


class _Cell:
    """A hashable stand-in for an unhashable cell (list, dict, set ...)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def as_text(value, limit: int | None = None) -> tuple[str | None, str | None]:
    """Return ``(text, reason)`` for one cell: text, or ``None`` plus why it is not text.

    Never raises: a lone surrogate, an integer too long to print (over 4,300 digits), a
    list or dict cell and text longer than ``limit`` characters all give a reason.
    """
    if isinstance(value, _Cell):
        value = value.value
    if isinstance(value, str):
        if limit is not None and len(value) > limit:
            return None, f"text too long ({len(value):,} characters; limit {limit:,})"
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return None, f"invalid text: lone surrogate at position {exc.start}"
        return value, None
    if value is None or value is pd.NA or value is pd.NaT:
        return None, "missing"
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return None, "missing"
    if isinstance(value, (bool, np.bool_)):
        return None, f"not text: {type(value).__name__}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            text = str(value)
        except ValueError:
            return None, "not text: an integer too long to read"
        return as_text(text, limit)
    if isinstance(value, (list, tuple, dict, set, frozenset, np.ndarray)):
        return None, f"not text: {type(value).__name__}"
    try:
        if pd.isna(value):
            return None, "missing"
    except (TypeError, ValueError):
        pass
    return None, f"not text: {type(value).__name__}"


def plain_text(values: pa.Array, limit: int) -> np.ndarray:
    """Boolean mask of the values a fast path may read: SAFE_TEXT, not blank, at most
    ``limit`` characters (longer ones get their reason from Python)."""
    ok = pc.and_(pc.less_equal(pc.utf8_length(values), limit),
                 pc.match_substring_regex(values, SAFE_TEXT))
    ok = pc.and_(ok, pc.invert(pc.match_substring_regex(values, r"^\s*$")))
    return ok.to_numpy(zero_copy_only=False)


def fold_arrow(values: pa.Array, limit: int) -> tuple[np.ndarray, pa.Array]:
    """Positions of the values a fast path may read (:func:`plain_text`) and their folded
    text (lower case, "ё" as "е": what :func:`repstats.text.numbers.fold` does)."""
    idx = np.flatnonzero(plain_text(values, limit))
    return idx, pc.replace_substring(pc.utf8_lower(values.take(pa.array(idx))), "ё", "е")


def strings(arr) -> np.ndarray:
    """Object array of an Arrow string array, ``None`` for null or empty; equal strings
    share one Python object (a column of a million "205.2" costs 8 bytes a row)."""
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    words = np.array([w or None for w in enc.dictionary.to_pylist()] + [None], dtype=object)
    codes = enc.indices.fill_null(len(words) - 1).to_numpy(zero_copy_only=False)
    return words[codes]


def first_matches(text: pa.Array, patterns):
    """For each ``(label, RE2 pattern)`` in order, on the values no earlier pattern matched
    (Python's "the first pattern that matches wins"), yield ``(label, positions, groups)``:
    the matching values' positions in ``text`` and their named groups (a struct array).
    Matching runs first (a DFA, fast); groups are extracted only where it matched.

    A pattern may come as ``(label, pattern, read)``: ``read(values)`` gets the values the
    pattern matched and returns ``(mask, groups)``, the values whose groups it read
    without RE2's group extraction (about 1 µs a value: slicing a fixed-width shape costs
    a fraction of it) and those groups, exactly as the extraction would give them; the
    rest are extracted, and the positions list the values it read first.
    """
    done = np.zeros(len(text), dtype=bool)
    for label, rx, *reader in patterns:
        rest = np.flatnonzero(~done)
        if rest.size == 0:
            return
        part = text.take(pa.array(rest))
        hit_mask = pc.match_substring_regex(part, rx).to_numpy(zero_copy_only=False)
        if not hit_mask.any():
            continue
        hit = rest[hit_mask]
        done[hit] = True
        sub = part.filter(pa.array(hit_mask))
        if not reader:
            yield label, hit, pc.extract_regex(sub, rx)
            continue
        read, groups = reader[0](sub)
        if not read.any():
            yield label, hit, pc.extract_regex(sub, rx)
        elif read.all():
            yield label, hit, groups
        else:
            others = pc.extract_regex(sub.filter(pa.array(~read)), rx)
            yield (label, np.concatenate([hit[read], hit[~read]]),
                   pa.concat_arrays([groups, others]))


# ----------------------------------------------------------------------------- chunks
def _arrow_chunks(series: pd.Series):
    """Arrow text of a Series that holds text (pandas ``str``/``string`` dtypes), else None."""
    if isinstance(series.dtype, pd.StringDtype):
        try:
            arr = pa.chunked_array(series.array.__arrow_array__())
        except (AttributeError, pa.ArrowException, TypeError):
            return None
        return arr
    return None


def _hashable(values: np.ndarray) -> np.ndarray:
    """Object values with unhashable cells wrapped (each its own distinct value)."""
    out = values
    for i, v in enumerate(values):
        try:
            hash(v)
        except TypeError:
            if out is values:
                out = values.copy()
            out[i] = _Cell(v)
    return out


def _factorize(values) -> tuple[np.ndarray, list]:
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:                       # list/dict cells
        codes, uniques = pd.factorize(_hashable(np.asarray(values, dtype=object)),
                                      use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def _text_chunk(series: pd.Series, arrow, lo: int, hi: int):
    """``(codes, uniques)`` of rows lo:hi; uniques a pyarrow string Array or a list."""
    if arrow is not None:
        piece = arrow.slice(lo, hi - lo)
        enc = pc.dictionary_encode(piece).combine_chunks() if piece.num_chunks else \
            pc.dictionary_encode(pa.array([], type=arrow.type))
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return codes.astype(np.int64), enc.dictionary
    values = series.array[lo:hi]
    if series.dtype == object:
        raw = np.asarray(values, dtype=object)
        kinds = pd.api.types.infer_dtype(raw, skipna=True)
        if kinds == "string":
            try:
                arr = pa.array(raw, type=pa.large_string(), from_pandas=True)
            except (pa.ArrowException, UnicodeError, TypeError, ValueError):
                arr = None                 # lone surrogates: Python reads (and rejects) them
            if arr is not None:
                enc = pc.dictionary_encode(arr)
                codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                return codes.astype(np.int64), enc.dictionary
    return _factorize(values)


class _Cache:
    """Bounded value -> result cache for cells that are not Arrow text (object columns
    holding numbers, lists ...), shared by the chunks of one call."""

    def __init__(self, fn: Callable):
        self.fn, self.store = fn, {}

    def __call__(self, value):
        try:
            return self.store[value]
        except KeyError:
            pass
        except TypeError:                   # unhashable: parse without caching
            return self.fn(value)
        got = self.fn(value)
        if len(self.store) >= CACHE_MAX:
            self.store.clear()
        self.store[value] = got
        return got


def typed_frame(data: dict, dtypes: dict) -> pd.DataFrame:
    """A frame of the given dtypes; ``object`` columns keep ``None`` for missing (pandas
    would otherwise infer its string dtype and turn ``None`` into NaN)."""
    cols = _typed_columns(data, dtypes)
    # one index object for every column and the frame: pandas then neither unites the
    # columns' indexes nor reindexes each column (two thirds of a small frame's cost)
    index = pd.RangeIndex(len(next(iter(cols.values()))) if cols else 0)
    return pd.DataFrame({name: pd.Series(arr, index=index, dtype=dtypes[name], copy=False)
                         for name, arr in cols.items()}, index=index, copy=False)


def _typed_columns(data: dict, dtypes: dict) -> dict:
    """:func:`typed_frame`'s columns as arrays (numpy for ``object``, else pandas arrays),
    without Series or frame: the engine reads them straight into its numpy table, and
    assembling those was most of a small call's cost."""
    cols = {}
    for name, dtype in dtypes.items():
        values = data[name]
        if dtype == "object":
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values) if not isinstance(values, np.ndarray) else values
            cols[name] = arr
        else:
            cols[name] = pd.array(values if isinstance(values, np.ndarray) else
                                  list(values), dtype=dtype)
    return cols


def _columns(records: list, columns: Sequence[str], dtypes: dict) -> dict:
    columns = list(columns)
    data = dict(zip(columns, zip(*records))) if records else {c: [] for c in columns}
    return _typed_columns(data, {c: dtypes[c] for c in columns})


# ------------------------------------------------------------------ columnar tables
# Inside the engine a table is a dict of equally long numpy arrays, one per output
# column, plus a ``<name>\0mask`` array for the nullable Int64/boolean columns: rows are
# taken and concatenated with numpy, and the output is built once, column by column.
_MASK = "\0mask"
_NULLABLE = {"Int64": (np.int64, 0, pd.arrays.IntegerArray),
             "boolean": (np.bool_, False, pd.arrays.BooleanArray)}


def _excl_cumsum(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The row numbers ``starts[i] .. starts[i] + counts[i] - 1``, for every i in order."""
    total = int(counts.sum())
    return np.repeat(starts - _excl_cumsum(counts), counts) + np.arange(total,
                                                                        dtype=np.int64)


class _Shared:
    """One Python object per distinct output string (bounded): a million rows of "205.2"
    cost 8 bytes each, as in the fast paths' :func:`strings`."""

    def __init__(self):
        self.words: dict[str, str] = {}

    def __call__(self, arr: np.ndarray) -> np.ndarray:
        if len(arr) < 2:
            return arr
        try:
            codes, uniq = pd.factorize(arr, use_na_sentinel=True)
        except TypeError:
            return arr
        if 2 * len(uniq) > len(arr) or not all(type(u) is str for u in uniq):
            return arr                      # mostly distinct text: nothing to share
        if len(self.words) + len(uniq) > CACHE_MAX:
            self.words.clear()
        words = np.array([self.words.setdefault(u, u) for u in uniq] + [None], dtype=object)
        out = words[codes]
        na = codes < 0
        if na.any():
            out[na] = arr[na]               # None stays None, pd.NA stays pd.NA
        return out


def _table(frame, dtypes: dict, shared: _Shared) -> dict[str, np.ndarray]:
    """The engine's numpy table of ``frame`` (a DataFrame, or :func:`_typed_columns`)."""
    out = {}
    for name, dtype in dtypes.items():
        col = frame[name]
        if dtype in _NULLABLE:
            kind, fill, _ = _NULLABLE[dtype]
            out[name + _MASK] = np.asarray(col.isna(), dtype=bool)
            out[name] = col.to_numpy(dtype=kind, na_value=fill)
        elif dtype == "object":
            out[name] = shared(col if isinstance(col, np.ndarray)
                               else col.to_numpy(dtype=object))
        else:
            out[name] = col.to_numpy(dtype=dtype)
    return out


def _take(table: dict, rows: np.ndarray) -> dict:
    return {k: v[rows] for k, v in table.items()}


def _concat(tables: list[dict]) -> dict:
    tables = [t for t in tables if t is not None]
    if len(tables) == 1:
        return tables[0]
    return {k: np.concatenate([t[k] for t in tables]) for k in tables[0]}


def _rows_of(table: dict) -> int:
    return len(next(iter(table.values())))


class _Store:
    """Results of the distinct values that repeat, kept across chunks (bounded).

    Values are looked up in C (Arrow's ``index_in``); a value is kept when it occurs
    twice or more in its chunk, or when its chunk has few distinct values. An
    all-distinct column thus keeps nothing; a repeated one parses each value once.
    """

    def __init__(self):
        self.values = None
        self.table = self.starts = self.counts = None

    def find(self, uniques: pa.Array) -> np.ndarray:
        if self.values is None or len(uniques) == 0:
            return np.full(len(uniques), -1, dtype=np.int64)
        got = pc.index_in(uniques, value_set=self.values).fill_null(-1)
        return got.to_numpy(zero_copy_only=False).astype(np.int64)

    def add(self, values: pa.Array, table: dict, counts: np.ndarray) -> None:
        if len(values) == 0 or len(values) > CACHE_MAX:
            return
        if self.values is None or len(self.values) + len(values) > CACHE_MAX:
            self.values, self.table, self.counts = values, table, counts
        else:
            self.values = pa.concat_arrays([self.values, values])
            self.table = _concat([self.table, table])
            self.counts = np.concatenate([self.counts, counts])
        self.starts = _excl_cumsum(self.counts)

    def rows(self, found: np.ndarray) -> tuple[dict | None, np.ndarray]:
        """The rows of stored values ``found`` (positions in the store), and their counts."""
        if found.size == 0:
            return None, np.zeros(0, dtype=np.int64)
        counts = self.counts[found]
        return _take(self.table, _ranges(self.starts[found], counts)), counts


class _Engine:
    """Per-distinct-value parsing of one Series, chunk by chunk (see the module docstring)."""

    def __init__(self, series, parse, columns, dtypes, fast, explode):
        self.series, self.parse, self.fast, self.explode = series, parse, fast, explode
        self.dtypes = {c: dtypes[c] for c in columns}
        self.columns = list(columns)
        self.shared = _Shared()
        self.store = _Store()
        self.cache = _Cache(parse)
        self.new = 0                            # new distinct values in the last chunk
        missing = parse(None)
        self.missing = self._records([missing])

    def _records(self, parsed: list) -> tuple[dict, np.ndarray]:
        """Table and per-value row counts of Python results (one list per value)."""
        if not self.explode:
            return (_table(_columns(parsed, self.columns, self.dtypes), self.dtypes,
                           self.shared), np.ones(len(parsed), dtype=np.int64))
        counts = np.fromiter((len(p) for p in parsed), dtype=np.int64, count=len(parsed))
        if (counts < 1).any():
            raise RuntimeError("parse_many must return at least one row per value")
        rows = [r for p in parsed for r in p]
        return _table(_columns(rows, self.columns, self.dtypes), self.dtypes,
                      self.shared), counts

    def _parse_new(self, values) -> tuple[dict, np.ndarray]:
        """Table (rows grouped by value, in value order) and row counts of new values."""
        if not isinstance(values, (pa.Array, pa.ChunkedArray)):
            return self._records([self.cache(v) for v in values])
        if self.fast is None or len(values) < FAST_MIN:
            return self._records([self.parse(v) for v in values.to_pylist()])
        got = self.fast(values)
        mask = np.asarray(got[0], dtype=bool)
        fast_table = _table(got[1], self.dtypes, self.shared)
        fast_counts = (np.asarray(got[2], dtype=np.int64) if self.explode
                       else np.ones(int(mask.sum()), dtype=np.int64))
        if mask.all():
            return fast_table, fast_counts
        slow_table, slow_counts = self._records(
            [self.parse(v) for v in values.filter(pa.array(~mask)).to_pylist()])
        counts = np.empty(len(values), dtype=np.int64)
        counts[mask], counts[~mask] = fast_counts, slow_counts
        # blocks in value order: gather the fast and slow rows by value
        where = np.empty(len(values), dtype=np.int64)
        where[mask] = _excl_cumsum(fast_counts)
        where[~mask] = _rows_of(fast_table) + _excl_cumsum(slow_counts)
        table = _concat([fast_table, slow_table])
        return _take(table, _ranges(where, counts)), counts

    def chunk(self, lo: int, hi: int, arrow):
        """``(table, take, lengths)`` of rows lo:hi: output rows are ``table[take]``."""
        codes, uniques = _text_chunk(self.series, arrow, lo, hi)
        nu = len(uniques)
        is_arrow = isinstance(uniques, (pa.Array, pa.ChunkedArray))
        if is_arrow and uniques.type != pa.large_string():
            uniques = uniques.cast(pa.large_string())
        found = self.store.find(uniques) if is_arrow else np.full(nu, -1, dtype=np.int64)
        miss = np.flatnonzero(found < 0)
        self.new = miss.size
        hit = np.flatnonzero(found >= 0)
        if is_arrow:
            new_values = uniques if hit.size == 0 else uniques.take(pa.array(miss))
        else:
            new_values = [uniques[i] for i in miss]
        new_table, new_counts = self._parse_new(new_values)
        old_table, old_counts = self.store.rows(found[hit])
        if is_arrow and miss.size:
            in_chunk = np.bincount(codes[codes >= 0], minlength=nu)[miss]
            keep = np.flatnonzero((in_chunk >= 2) | (2 * nu <= hi - lo))
            if keep.size:
                self.store.add(new_values.take(pa.array(keep)),
                               _take(new_table, _ranges(_excl_cumsum(new_counts)[keep],
                                                        new_counts[keep])),
                               new_counts[keep])
        miss_table, miss_counts = self.missing
        counts = np.empty(nu + 1, dtype=np.int64)
        starts = np.empty(nu + 1, dtype=np.int64)
        counts[hit], counts[miss], counts[nu] = old_counts, new_counts, miss_counts[0]
        n_old = 0 if old_table is None else _rows_of(old_table)
        starts[hit] = _excl_cumsum(old_counts)
        starts[miss] = n_old + _excl_cumsum(new_counts)
        starts[nu] = n_old + _rows_of(new_table)
        table = _concat([old_table, new_table, miss_table])
        ucode = np.where(codes < 0, nu, codes)
        lengths = counts[ucode]
        take = _ranges(starts[ucode], lengths) if self.explode else starts[ucode]
        return table, take, lengths

    def run(self, with_positions: bool = False):
        """The output frame (and, exploding, each output row's input position)."""
        arrow = _arrow_chunks(self.series)
        n = len(self.series)
        out = _Out(n, exact=not self.explode)
        lo, size = 0, CHUNK_ROWS
        while True:
            hi = min(n, lo + size)
            table, take, lengths = self.chunk(lo, hi, arrow)
            extra = {_POS: np.repeat(np.arange(lo, hi, dtype=np.int64), lengths)} \
                if self.explode else {}
            out.append(table, take, extra, hi)
            del table, take, extra
            if hi >= n:
                break
            # few new values (repeated text): longer chunks cost little memory
            size = min(4 * size, 16 * CHUNK_ROWS) if 16 * self.new <= hi - lo \
                else CHUNK_ROWS
            lo = hi
        cols, pos = {}, None
        if self.explode:
            pos = out.pop(_POS, np.int64)
            index = pd.RangeIndex(len(pos))
            cols["row"] = pd.Series(_labels(self.series.index, pos, with_positions),
                                    index=index, copy=False)
        else:
            index = self.series.index
        for name, dtype in self.dtypes.items():
            if dtype in _NULLABLE:
                kind, _, array = _NULLABLE[dtype]
                values = array(out.pop(name, kind), out.pop(name + _MASK, np.bool_))
            else:
                values = out.pop(name, dtype)
            cols[name] = pd.Series(values, index=index, dtype=values.dtype, copy=False)
        # every column holds ``index`` itself: given as the frame's, it spares pandas a
        # union of the columns' indexes and a reindex of each column
        return pd.DataFrame(cols, index=index, copy=False), pos


_POS = "\0pos"


class _Out:
    """The output columns, written in place chunk by chunk.

    Aligned outputs have exactly one row per input row; exploding ones grow to an
    estimate from the rows seen so far (numpy's empty pages cost no memory until
    written) and are trimmed in place at the end, one column at a time, so no second
    copy of the output is ever held.
    """

    def __init__(self, n: int, exact: bool):
        self.n, self.exact = n, exact
        self.arrays: dict[str, np.ndarray] = {}
        self.size = self.cap = 0

    def _estimate(self, need: int, done: int) -> int:
        if self.exact:
            return max(need, self.n)
        return max(need, int(need / max(done, 1) * self.n * 1.05) + 16)

    def append(self, table: dict, take: np.ndarray, extra: dict, done: int) -> None:
        need = self.size + len(take)
        if not self.arrays:
            self.cap = self._estimate(need, done)
            self.arrays = {k: np.empty(self.cap, dtype=v.dtype)
                           for k, v in [*table.items(), *extra.items()]}
        elif need > self.cap:
            self.cap = self._estimate(need, done)
            for k in list(self.arrays):      # one column at a time
                old = self.arrays.pop(k)
                new = np.empty(self.cap, dtype=old.dtype)
                new[:self.size] = old[:self.size]
                del old
                self.arrays[k] = new
        for k, v in table.items():
            np.take(v, take, out=self.arrays[k][self.size:need])
        for k, v in extra.items():
            self.arrays[k][self.size:need] = v
        self.size = need

    def pop(self, key: str, dtype) -> np.ndarray:
        """Column ``key`` trimmed to its rows (an empty one when nothing was written)."""
        arr = self.arrays.pop(key, None)
        if arr is None:
            return np.empty(0, dtype=dtype)
        if len(arr) != self.size:
            arr.resize(self.size, refcheck=False)   # the only reference: ours
        return arr


def _labels(index: pd.Index, pos: np.ndarray, keep_pos: bool) -> np.ndarray:
    """Index labels at input positions ``pos`` (reusing ``pos`` unless it is kept)."""
    if isinstance(index, pd.RangeIndex):
        row = pos.copy() if keep_pos else pos
        if index.step != 1:
            row *= index.step
        if index.start:
            row += index.start
        return row
    return index.to_numpy()[pos]


def map_distinct(series: pd.Series, parse_one: Callable[[object], tuple],
                 columns: Sequence[str], dtypes: dict[str, str], *,
                 fast: Callable | None = None) -> pd.DataFrame:
    """Apply ``parse_one`` to each distinct value and return a frame aligned to ``series``.

    ``parse_one(value)`` returns a tuple ordered as ``columns``; it is also called once
    with ``None`` for missing cells. ``fast`` is an optional vectorised reader of the
    common shapes (see the module docstring). The result has ``series.index`` and the
    given dtypes.
    """
    return _Engine(series, parse_one, columns, dtypes, fast, explode=False).run()[0]


def explode_distinct(series: pd.Series, parse_many: Callable[[object], list[tuple]],
                     columns: Sequence[str], dtypes: dict[str, str],
                     with_positions: bool = False, *, fast: Callable | None = None):
    """Like :func:`map_distinct` for parsers that return one or more rows per cell.

    ``parse_many(value)`` returns a non-empty list of tuples ordered as ``columns``. The
    result has a fresh RangeIndex, a first column ``row`` holding the input's index label
    and rows in input order, so that no input row is lost. With ``with_positions`` it
    returns ``(frame, positions)``, positions being each output row's input position.
    """
    out, pos = _Engine(series, parse_many, columns, dtypes, fast, explode=True).run(
        with_positions)
    return (out, pos) if with_positions else out


def raise_first(series: pd.Series, bad: np.ndarray, what: str, reasons) -> None:
    """Raise one :class:`~repstats.errors.InputError` naming the first bad row and value.

    ``bad`` is a boolean array aligned to ``series``; ``reasons`` gives the reason per row.
    """
    hits = np.flatnonzero(bad)
    if hits.size == 0:
        return
    i = int(hits[0])
    label, value = series.index[i], series.iloc[i]
    shown = repr(value)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    raise InputError(f"{what}: could not parse value {shown} at row label {label!r} "
                     f"({reasons[i]}); {hits.size} row(s) failed in all",
                     row=label, column=series.name)

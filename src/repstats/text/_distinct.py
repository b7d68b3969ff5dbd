"""The engine under every parser: chunks, distinct values, a vectorised fast path, a cache.

Columns are read in chunks of :data:`CHUNK_ROWS` rows, so memory stays bounded whatever
the column's length. In each chunk the distinct values are found once (Arrow's
``dictionary_encode`` for text, ``pandas.factorize`` otherwise); a parser's optional
*fast path* reads the distinct values of the regular, common shapes at once with Arrow's
regex kernels (RE2), and only the rest go through the per-string Python function, whose
results are kept in a bounded cache shared by all chunks (repeated columns parse each
distinct string once). Results are mapped back with integer takes and the output is
assembled column by column.

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
           "CHUNK_ROWS", "CACHE_MAX", "SAFE_TEXT"]

#: Rows per chunk: bounds the memory of the distinct-value tables and of the fast
#: paths' Arrow buffers (a few copies of one chunk's text at most).
CHUNK_ROWS = 1 << 16
#: Distinct values whose Python results are cached across chunks (cleared when full).
CACHE_MAX = 1 << 17
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
    Matching runs first (a DFA, fast); groups are extracted only where it matched."""
    done = np.zeros(len(text), dtype=bool)
    for label, rx in patterns:
        rest = np.flatnonzero(~done)
        if rest.size == 0:
            return
        part = text.take(pa.array(rest))
        hit_mask = pc.match_substring_regex(part, rx).to_numpy(zero_copy_only=False)
        if not hit_mask.any():
            continue
        hit = rest[hit_mask]
        done[hit] = True
        yield label, hit, pc.extract_regex(part.filter(pa.array(hit_mask)), rx)


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
    """Bounded value -> result cache shared by the chunks of one call."""

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


def _split_fast(uniques, fast):
    """Run the fast path on arrow uniques; return (mask, fast result, slow values)."""
    if fast is None or not isinstance(uniques, (pa.Array, pa.ChunkedArray)) or \
            len(uniques) == 0:
        values = uniques.to_pylist() if isinstance(uniques, (pa.Array, pa.ChunkedArray)) \
            else uniques
        return None, None, values
    got = fast(uniques)
    mask = got[0]
    slow = uniques.filter(pa.array(~mask)).to_pylist()
    return mask, got[1:], slow


def typed_frame(data: dict, dtypes: dict) -> pd.DataFrame:
    """A frame of the given dtypes; ``object`` columns keep ``None`` for missing (pandas
    would otherwise infer its string dtype and turn ``None`` into NaN)."""
    cols = {}
    for name, dtype in dtypes.items():
        values = data[name]
        if dtype == "object":
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values) if not isinstance(values, np.ndarray) else values
            cols[name] = pd.Series(arr, dtype=object, copy=False)
        else:
            cols[name] = pd.Series(values if isinstance(values, np.ndarray) else
                                   list(values), dtype=dtype)
    return pd.DataFrame(cols, copy=False)


def _frame(records: list, columns: Sequence[str], dtypes: dict) -> pd.DataFrame:
    columns = list(columns)
    data = dict(zip(columns, zip(*records))) if records else {c: [] for c in columns}
    return typed_frame(data, {c: dtypes[c] for c in columns})


def _assemble(pieces: dict[str, list], index) -> pd.DataFrame:
    """Concatenate each column's pieces, one column at a time (freeing the pieces)."""
    cols = {}
    for name in list(pieces):
        parts = pieces.pop(name)
        col = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        del parts
        cols[name] = col.reset_index(drop=True)
    out = pd.DataFrame(cols, copy=False)
    out.index = index
    return out


def _chunks(series: pd.Series, fast, cached: _Cache):
    """Yield ``(lo, hi, codes, uniques, mask, fast result, slow results)`` per chunk."""
    arrow = _arrow_chunks(series)
    n = len(series)
    for lo in range(0, max(n, 1), CHUNK_ROWS):
        hi = min(n, lo + CHUNK_ROWS)
        codes, uniques = _text_chunk(series, arrow, lo, hi)
        mask, got, slow = _split_fast(uniques, fast)
        yield lo, hi, codes, uniques, mask, got, [cached(u) for u in slow]


def map_distinct(series: pd.Series, parse_one: Callable[[object], tuple],
                 columns: Sequence[str], dtypes: dict[str, str], *,
                 fast: Callable | None = None) -> pd.DataFrame:
    """Apply ``parse_one`` to each distinct value and return a frame aligned to ``series``.

    ``parse_one(value)`` returns a tuple ordered as ``columns``; it is also called once
    with ``None`` for missing cells. ``fast`` is an optional vectorised reader of the
    common shapes (see the module docstring). The result has ``series.index`` and the
    given dtypes.
    """
    columns = list(columns)
    missing = parse_one(None)
    pieces: dict[str, list] = {c: [] for c in columns}
    for _, _, codes, uniques, mask, got, records in _chunks(series, fast, _Cache(parse_one)):
        records.append(missing)
        table = _frame(records, columns, dtypes)
        nu = len(uniques)
        where = np.empty(nu + 1, dtype=np.int64)
        if mask is None:
            where[:] = np.arange(nu + 1)
        else:
            fast_frame = got[0][columns]
            k = int(mask.sum())
            where[:nu][mask] = np.arange(k)
            where[:nu][~mask] = k + np.arange(nu - k)
            where[nu] = k + nu - k
            table = pd.concat([fast_frame, table], ignore_index=True)
        take = where[np.where(codes < 0, nu, codes)]
        for c in columns:
            pieces[c].append(table[c].take(take).reset_index(drop=True))
        del table, take, codes
    return _assemble(pieces, series.index)


def explode_distinct(series: pd.Series, parse_many: Callable[[object], list[tuple]],
                     columns: Sequence[str], dtypes: dict[str, str],
                     with_positions: bool = False, *, fast: Callable | None = None):
    """Like :func:`map_distinct` for parsers that return one or more rows per cell.

    ``parse_many(value)`` returns a non-empty list of tuples ordered as ``columns``. The
    result has a fresh RangeIndex, a first column ``row`` holding the input's index label
    and rows in input order, so that no input row is lost. With ``with_positions`` it
    returns ``(frame, positions)``, positions being each output row's input position.
    """
    columns = list(columns)
    missing = parse_many(None)
    labels_np = series.index.to_numpy()
    pieces: dict[str, list] = {c: [] for c in ["row"] + columns}
    positions = []
    total = 0
    for lo, hi, codes, uniques, mask, got, parsed in _chunks(series, fast,
                                                             _Cache(parse_many)):
        parsed.append(missing)
        counts_slow = np.fromiter((len(p) for p in parsed), dtype=np.int64,
                                  count=len(parsed))
        if (counts_slow < 1).any():
            raise RuntimeError("parse_many must return at least one row per value")
        table = _frame([r for p in parsed for r in p], columns, dtypes)
        nu = len(uniques)
        counts = np.empty(nu + 1, dtype=np.int64)
        order = np.empty(nu + 1, dtype=np.int64)      # unique -> block number in table
        if mask is None:
            counts[:] = counts_slow
            order[:] = np.arange(nu + 1)
        else:
            fast_frame, fast_counts = got[0][columns], got[1]
            k = int(mask.sum())
            counts[:nu][mask] = fast_counts
            counts[:nu][~mask] = counts_slow[:-1]
            counts[nu] = counts_slow[-1]
            order[:nu][mask] = np.arange(k)
            order[:nu][~mask] = k + np.arange(nu - k)
            order[nu] = nu
            table = pd.concat([fast_frame, table], ignore_index=True)
        block_counts = np.empty(nu + 1, dtype=np.int64)
        block_counts[order] = counts
        block_start = np.concatenate([[0], np.cumsum(block_counts)[:-1]])
        ucode = np.where(codes < 0, nu, codes)
        lengths = counts[ucode]
        m = int(lengths.sum())
        first_out = np.cumsum(lengths) - lengths
        take = np.repeat(block_start[order[ucode]] - first_out, lengths) + np.arange(
            m, dtype=np.int64)
        rowpos = np.repeat(np.arange(lo, hi, dtype=np.int64), lengths)
        pieces["row"].append(pd.Series(labels_np[rowpos]))
        for c in columns:
            pieces[c].append(table[c].take(take).reset_index(drop=True))
        if with_positions:
            positions.append(rowpos)
        total += m
        del table, take, codes
    out = _assemble(pieces, pd.RangeIndex(total))
    if with_positions:
        pos = np.concatenate(positions) if positions else np.empty(0, dtype=np.int64)
        return out, pos
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
    shown = repr(value)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    raise InputError(f"{what}: could not parse value {shown} at row label {label!r} "
                     f"({reasons[i]}); {hits.size} row(s) failed in all",
                     row=label, column=series.name)

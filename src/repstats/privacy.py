"""Protect the people in case-level tables before anything is shared.

Three tools, meant to be used in this order before publishing:

:func:`pseudonymize`
    replace personal names by a keyed hash (HMAC-SHA256). The key comes from an argument
    or an environment variable and is never written anywhere by this module; without the
    key nobody can rebuild the mapping, with it the same (normalised) name always gives
    the same pseudonym, so tables pseudonymised separately still join.
:func:`suppress_small_cells`
    hide counts below a threshold in aggregate tables, plus the *secondary* cells needed
    so that a hidden count cannot be recovered by subtraction from a row or column total.
:func:`safe_export`
    drop names, name-derived identifiers (or pseudonymise them), free text and suppression
    flags, neutralise every line a spreadsheet would execute as a formula, and write CSV
    (every field quoted) or XLSX atomically through :mod:`repstats.io`.
"""
from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import hmac
import io
import os
import re
import sys
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .io import write_bytes, write_csv

__all__ = ["normalize_person_name", "pseudonymize", "suppress_small_cells",
           "audit_suppression", "safe_export", "escape_formulas", "NAME_ID_COLUMNS",
           "NAME_COLUMNS", "FORMULA_PREFIXES"]

#: Column names treated as personal names by :func:`safe_export` when ``name_columns`` is
#: not given (compared case-insensitively; any column ending in ``_name`` also counts).
NAME_COLUMNS = frozenset({
    "name", "name_ru", "name_en", "full_name", "fullname", "person", "person_name",
    "defendant", "defendant_name", "first_name", "last_name", "surname", "patronymic",
    "given_name", "family_name", "middle_name",
})

#: Leading characters that make a spreadsheet treat a cell as a formula (or, for tab and
#: carriage return, that hide such a character behind white space).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_WS = re.compile(r"\s+")
_DASH_SPACES = re.compile(r"\s*[-‐‑‒–—]\s*")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


# --------------------------------------------------------------------------- pseudonyms
def normalize_person_name(name) -> str | None:
    """Normalise one personal name so that spellings of the same name compare equal.

    Unicode NFKC, case folding, ``ё`` → ``е``, every run of white space (including
    non-breaking spaces) to one space, spaces around hyphens removed, ends stripped.
    Word order and transliteration are *not* changed: "Ivanov Ivan" and "Иванов Иван" stay
    different (use :func:`repstats.cases.link_people` to find such pairs).

    Returns ``None`` for missing or blank input.
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return None
    text = unicodedata.normalize("NFKC", str(name)).casefold().replace("ё", "е")
    text = _DASH_SPACES.sub("-", _WS.sub(" ", text)).strip()
    return text or None


_KEY_HELP = ("make one with `python -c \"import secrets; print(secrets.token_hex(32))\"` "
             "and keep it out of the repository and out of output files")


def _decode_key(text: str) -> bytes | None:
    """The bytes of a hex or base64 key string, or None when it is neither."""
    stripped = text.strip()
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", stripped):
        return bytes.fromhex(stripped)
    if re.fullmatch(r"[A-Za-z0-9+/_-]+={0,2}", stripped):
        padded = stripped + "=" * (-len(stripped) % 4)
        try:
            return base64.b64decode(padded.replace("-", "+").replace("_", "/"),
                                    validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


def _resolve_key(key, env: str) -> bytes:
    """The secret key as bytes: at least 32 bytes of real entropy, from hex or base64."""
    if key is None:
        key = os.environ.get(env)
        if not key:
            raise ValueError(f"pseudonymize needs a secret key: pass key=... or set the "
                             f"environment variable {env}; {_KEY_HELP}. The same key gives "
                             "the same pseudonyms.")
    if isinstance(key, str):
        raw = _decode_key(key)
        if raw is None:
            raise ValueError("the key must be a hex or base64 string of at least 32 random "
                             f"bytes (a passphrase is not a key); {_KEY_HELP}")
    elif isinstance(key, (bytes, bytearray)):
        raw = bytes(key)
    else:
        raise ValueError(f"key must be str or bytes, got {type(key).__name__}")
    if len(raw) < 32:
        raise ValueError(f"the key holds {len(raw)} bytes; use at least 32 random bytes so "
                         f"that pseudonyms cannot be brute-forced; {_KEY_HELP}")
    if len(set(raw)) < 16:  # 32 random bytes have ~30 distinct values; 16 zeros have 1
        raise ValueError(f"the key is not random (only {len(set(raw))} distinct byte values "
                         f"in {len(raw)} bytes); {_KEY_HELP}")
    return raw


def pseudonymize(df: pd.DataFrame, columns, key=None, env: str = "REPSTATS_PSEUDONYM_KEY",
                 prefix: str = "P-", digits: int = 16) -> pd.DataFrame:
    """Replace personal names by keyed pseudonyms (HMAC-SHA256 of the normalised name).

    Parameters
    ----------
    df : pandas.DataFrame
        Input table; not modified.
    columns : str or list of str
        Columns holding personal names. All columns share one pseudonym space, so the same
        person in ``name_ru`` of one table and ``defendant`` of another gets one pseudonym
        (as long as the spelling normalises to the same text).
    key : str or bytes, optional
        Secret key: a hex or base64 string of at least 32 random bytes (or the bytes
        themselves), e.g. from ``python -c "import secrets; print(secrets.token_hex(32))"``.
        Defaults to the environment variable ``env``. Used in memory only.
    env : str
        Environment variable read when ``key`` is None.
    prefix : str
        Text put before the hexadecimal digest.
    digits : int
        Number of hexadecimal digits kept (8 to 64). 16 digits (64 bits) make an
        accidental collision negligible for tables of up to millions of people.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` in which every value of ``columns`` is replaced by
        ``prefix + hex(HMAC-SHA256(key, normalize_person_name(value)))[:digits]``; missing
        or blank names stay missing. Other columns are unchanged.

    Raises
    ------
    ValueError
        No key (the message says how to make one), a key that is not hex/base64, shorter
        than 32 bytes or visibly not random, a column not in ``df``, or ``digits`` outside
        8..64.
    """
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if not columns:
        raise ValueError("columns is empty: name at least one column holding names")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table (columns: {list(df.columns)})")
    if not 8 <= int(digits) <= 64:
        raise ValueError(f"digits must be between 8 and 64, got {digits}")
    secret = _resolve_key(key, env)
    cache: dict[str, str] = {}

    def one(value):
        norm = normalize_person_name(value)
        if norm is None:
            return None
        if norm not in cache:
            mac = hmac.new(secret, norm.encode("utf-8"), hashlib.sha256).hexdigest()
            cache[norm] = prefix + mac[:digits]
        return cache[norm]

    out = df.copy()
    for col in columns:
        out[col] = pd.Series([one(v) for v in df[col]], index=df.index, dtype="string")
    return out


# --------------------------------------------------------------------- cell suppression
def _as_mask(df: pd.DataFrame, rows) -> np.ndarray:
    if rows is None:
        return np.zeros(len(df), dtype=bool)
    if isinstance(rows, (pd.Series, np.ndarray)) and np.asarray(rows).dtype == bool:
        mask = np.asarray(rows, dtype=bool)
        if mask.shape != (len(df),):
            raise ValueError(f"total_rows mask has {mask.size} values for {len(df)} rows")
        return mask
    labels = [rows] if np.isscalar(rows) else list(rows)
    unknown = [r for r in labels if r not in df.index]
    if unknown:
        raise ValueError(f"total_rows labels {unknown} are not in the index")
    return np.asarray(df.index.isin(labels))


class _Grid:
    """A table of counts read as linear equations: each line is "sum of cells = total".

    ``arr`` holds the true counts (NaN where missing in the input); ``lines`` is a list of
    ``(cells, total_cell, label)``: the inner cells as (i, j) pairs, the total's cell when
    it is in the table, else ``None`` for a margin assumed published.
    """

    def __init__(self, df, count_cols, threshold, total_col, total_rows, margins):
        if isinstance(count_cols, str):
            count_cols = [count_cols]
        count_cols = list(count_cols)
        if not count_cols:
            raise ValueError("count_cols is empty")
        if margins not in ("both", "rows", "columns", "none"):
            raise ValueError(f"margins must be 'both', 'rows', 'columns' or 'none', got "
                             f"{margins!r}")
        if int(threshold) != threshold or threshold < 1:
            raise ValueError(f"threshold must be a positive integer, got {threshold!r}")
        cols = count_cols + ([total_col] if total_col is not None else [])
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"count columns {missing} are not in the table")
        if total_col in count_cols:
            raise ValueError(f"total_col {total_col!r} is also listed in count_cols")
        values = df[cols].apply(pd.to_numeric, errors="coerce")
        bad = values.isna() & df[cols].notna()
        if bad.any().any():
            col = bad.any().idxmax()
            raise ValueError(f"column {col!r} holds non-numeric values, e.g. "
                             f"{df.loc[bad[col], col].iloc[0]!r}")
        arr = values.to_numpy(dtype=float)
        if (arr[~np.isnan(arr)] < 0).any():
            raise ValueError("counts must be non-negative")
        if (np.nan_to_num(arr) % 1 != 0).any():
            raise ValueError("counts must be whole numbers")
        is_total_row = _as_mask(df, total_rows)
        if is_total_row.sum() > 1:
            raise ValueError("at most one total row is supported (nested subtotals are not)")
        self.arr, self.cols, self.threshold = arr, cols, int(threshold)
        n_inner = len(count_cols)
        tcol = n_inner if total_col is not None else None
        inner_rows = np.flatnonzero(~is_total_row)
        trow = int(np.flatnonzero(is_total_row)[0]) if is_total_row.any() else None
        self.lines = []
        for i in range(len(df)):
            cells = [(i, j) for j in range(n_inner)]
            if tcol is not None:
                self.lines.append((cells, (i, tcol), f"row {df.index[i]!r}"))
            elif margins in ("both", "rows"):
                self.lines.append((cells, None, f"row {df.index[i]!r}"))
        for j in range(len(cols)):
            if j == tcol and trow is None and margins not in ("both", "columns"):
                continue
            cells = [(i, j) for i in inner_rows]
            if trow is not None:
                self.lines.append((cells, (trow, j), f"column {cols[j]!r}"))
            elif margins in ("both", "columns"):
                self.lines.append((cells, None, f"column {cols[j]!r}"))
        self.labels = [f"{df.index[i]!r}/{cols[j]!r}" for i in range(len(df))
                       for j in range(len(cols))]

    def known_total(self, cell) -> float:
        """The smallest known total of a line through ``cell`` (``inf`` if none).

        No cell can be shown to lie in an interval wider than that total.
        """
        best = np.inf
        for cells, total_cell, _label in self.lines:
            if cell not in cells and cell != total_cell:
                continue
            if total_cell is None and not np.isnan([self.arr[c] for c in cells]).any():
                best = min(best, float(sum(self.arr[c] for c in cells)))
        return best

    def intervals(self, hidden: np.ndarray, targets) -> dict:
        """Feasible ``(low, high)`` of each target cell given the published cells.

        The attacker's linear programme: every hidden cell is an unknown >= 0, every line
        with a known total is an equation, published cells are known. One HiGHS model
        (:mod:`highspy`) per call, re-solved from its last basis for each bound of each
        target; ``high`` is ``inf`` when unbounded.
        """
        unknown = list(zip(*np.nonzero(hidden)))
        index = {c: k for k, c in enumerate(unknown)}
        a_eq, b_eq = [], []
        for cells, total_cell, _label in self.lines:
            members = list(cells)
            if total_cell is None:  # a margin assumed published: its value is the sum
                if np.isnan([self.arr[c] for c in cells]).any():
                    continue  # a margin over missing counts cannot be known
                total = float(sum(self.arr[c] for c in cells))
            elif hidden[total_cell]:
                total = 0.0
                members.append(total_cell)
            else:
                total = float(self.arr[total_cell])
            row = np.zeros(len(unknown))
            rhs = total
            for c in members:
                sign = -1.0 if c == total_cell else 1.0
                if c in index:
                    row[index[c]] += sign
                else:
                    rhs -= sign * self.arr[c]
            if row.any():
                a_eq.append(row)
                b_eq.append(rhs)
        if not a_eq:
            return {cell: (0.0, np.inf) for cell in targets}
        lp = _BoundsLP(np.array(a_eq), np.array(b_eq))
        return {cell: (lp.bound(index[cell], maximise=False),
                       lp.bound(index[cell], maximise=True)) for cell in targets}


def _quiet_highs(highspy):
    """A new ``highspy.Highs()`` without HiGHS's banner on the process's standard output.

    HiGHS prints its name and licence to file descriptor 1 (C stdio, not Python's
    ``sys.stdout``) the first time a process makes a model, which would land in a
    script's output, a ``repstats build`` log or a report cell. On POSIX the first model
    is made with descriptor 1 on ``/dev/null`` (C buffers flushed before and after);
    later models print nothing. Elsewhere the banner is left as it is.
    """
    global _HIGHS_BANNER_DONE
    if _HIGHS_BANNER_DONE or os.name != "posix":
        return highspy.Highs()
    import ctypes

    libc = ctypes.CDLL(None)
    sys.stdout.flush()
    libc.fflush(None)
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()
        libc.fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    _HIGHS_BANNER_DONE = True
    return h


_HIGHS_BANNER_DONE = False


class _BoundsLP:
    """``{x >= 0 : A x = b}``, whose bounds on single unknowns are asked in turn.

    One HiGHS model; each question changes only the objective (one unit cost and the
    sense), so HiGHS starts from the previous optimal basis. A fresh model per question
    (as :func:`scipy.optimize.linprog` builds) costs ~8x more on the small tables here.
    """

    def __init__(self, a_eq: np.ndarray, b_eq: np.ndarray):
        import highspy

        self._hs = highspy
        h = _quiet_highs(highspy)
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # tiny models; keeps "unbounded" definite
        n = a_eq.shape[1]
        h.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
        rows, cols = np.nonzero(a_eq)  # row-major: a CSR matrix
        starts = np.searchsorted(rows, np.arange(len(a_eq))).astype(np.int32)
        h.addRows(len(a_eq), b_eq, b_eq, len(cols), starts, cols.astype(np.int32),
                  a_eq[rows, cols])
        self._h, self._n = h, n
        self._all = np.arange(n, dtype=np.int32)

    def bound(self, k: int, *, maximise: bool) -> float:
        """The smallest (largest when ``maximise``) feasible value of unknown ``k``."""
        hs, h = self._hs, self._h
        cost = np.zeros(self._n)
        cost[k] = 1.0
        h.changeColsCost(self._n, self._all, cost)
        h.changeObjectiveSense(hs.ObjSense.kMaximize if maximise else hs.ObjSense.kMinimize)
        h.run()
        status = h.getModelStatus()
        if status == hs.HighsModelStatus.kOptimal:
            return float(h.getInfo().objective_function_value)
        if maximise and status == hs.HighsModelStatus.kUnbounded:
            return np.inf
        raise RuntimeError(f"suppression audit: HiGHS found no bound "
                           f"({h.modelStatusToString(status)})")


def _primary(grid: _Grid, suppress_zeros: bool) -> np.ndarray:
    """Step 1: the state of each cell, "primary" for counts below the threshold."""
    arr = grid.arr
    state = np.full(arr.shape, "published", dtype=object)
    state[np.isnan(arr)] = "missing"
    low = (arr < grid.threshold) & ((arr > 0) | suppress_zeros) & ~np.isnan(arr)
    state[low] = "primary"
    return state


def _line_partners(grid: _Grid, cell, state) -> list:
    """Published cells sharing an equation with ``cell`` (inner cells, then totals)."""
    found = []
    for cells, total_cell, _label in grid.lines:
        members = cells + ([total_cell] if total_cell is not None else [])
        if cell in members:
            found += [c for c in members if c != cell and state[c] == "published"]
    return list(dict.fromkeys(found))


def _secondary_subtraction(grid: _Grid, state: np.ndarray) -> np.ndarray:
    """Step 2a: no line with exactly one hidden cell (one subtraction would reveal it).

    Hides the smallest published non-zero count of such a line (a zero, then the line's
    total cell in the table, as fallbacks), until no line has exactly one hidden cell.
    """
    state = state.copy()
    arr = grid.arr
    changed = True
    while changed:
        changed = False
        for cells, total_cell, _label in grid.lines:
            members = cells + ([total_cell] if total_cell is not None else [])
            if sum(state[c] != "published" for c in members) != 1:
                continue
            open_cells = [c for c in members if state[c] == "published"]
            if open_cells:
                pick = min(open_cells, key=lambda c: (arr[c] == 0, c == total_cell, arr[c]))
                state[pick] = "secondary"
                changed = True
    return state


def _best_partner(grid: _Grid, cell, state: np.ndarray, width: float):
    """The published cell whose hiding best widens ``cell``'s interval (or None).

    Prefers a cell that makes the interval wider than the threshold, at the smallest
    count; else the one that widens it most. A cell that neither widens it nor can be
    protected itself is never chosen.
    """
    best, best_key = None, None
    for cand in _line_partners(grid, cell, state):
        trial = state != "published"
        trial[cand] = True
        lo, hi = grid.intervals(trial, [cell])[cell]
        gain = hi - lo > width + 1e-9
        if not gain and grid.known_total(cand) <= grid.threshold:
            continue
        ok = hi - lo > grid.threshold
        key = (not ok, not gain, grid.arr[cand] if ok else -(hi - lo), grid.arr[cand])
        if best_key is None or key < best_key:
            best, best_key = cand, key
    return best


def _secondary_lp(grid: _Grid, state: np.ndarray) -> np.ndarray:
    """Step 2b: hide cells until the LP audit finds every hidden count's interval wider
    than the threshold, and return the new state. A cell is given up (left as it is)
    when a line through it has a known total at or below the threshold, or when no
    partner widens it then; cells hidden later for others may still protect it, so only
    the final audit says which cells stay unprotected.
    """
    state = state.copy()
    given_up = [c for c in zip(*np.nonzero(state != "published"))
                if grid.known_total(c) <= grid.threshold]  # no hiding can widen these
    # hiding more cells only widens intervals, so a cell that passed stays protected
    pending = [c for c in zip(*np.nonzero(np.isin(state, ["primary", "secondary"])))
               if c not in given_up]
    while pending:
        cell = pending.pop(0)
        lo, hi = grid.intervals(state != "published", [cell])[cell]
        if hi - lo > grid.threshold:
            continue
        best = _best_partner(grid, cell, state, hi - lo)
        if best is None:
            given_up.append(cell)
            continue
        state[best] = "secondary"
        pending.insert(0, cell)  # check it again with the new hidden cell
        (pending if grid.known_total(best) > grid.threshold else given_up).append(best)
    return state


def audit_suppression(df: pd.DataFrame, suppressed: pd.DataFrame, count_cols,
                      threshold: int = 5, *, total_col: str | None = None, total_rows=None,
                      margins: str = "both") -> pd.DataFrame:
    """What an attacker learns about each hidden count (linear-programming audit).

    Parameters
    ----------
    df : pandas.DataFrame
        The table before suppression (true counts; used for the assumed margins).
    suppressed : pandas.DataFrame
        The same table after suppression: missing counts are the hidden ones.
    count_cols, threshold, total_col, total_rows, margins
        As given to :func:`suppress_small_cells`.

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell (missing in ``suppressed`` but not in ``df``):
        ``row`` (index label), ``column``, ``low`` and ``high`` (the smallest and largest
        value consistent with every published cell, every known total and
        non-negativity; ``high`` may be ``inf``), ``width`` (``high - low``) and
        ``protected`` (``width > threshold``).
    """
    grid = _Grid(df, count_cols, threshold, total_col, total_rows, margins)
    hidden = suppressed[grid.cols].isna().to_numpy() | np.isnan(grid.arr)
    targets = list(zip(*np.nonzero(hidden & ~np.isnan(grid.arr))))
    found = grid.intervals(hidden, targets)
    rows = [(df.index[i], grid.cols[j], lo + 0.0, hi + 0.0, hi - lo, hi - lo > grid.threshold)
            for (i, j), (lo, hi) in found.items()]
    return pd.DataFrame(rows, columns=["row", "column", "low", "high", "width", "protected"])


def suppress_small_cells(df: pd.DataFrame, count_cols, threshold: int = 5, *,
                         total_col: str | None = None, total_rows=None,
                         margins: str = "both", suppress_zeros: bool = False,
                         flag_suffix: str = "_suppression") -> pd.DataFrame:
    """Hide small counts, and enough other counts that the hidden ones cannot be derived.

    **Primary suppression**: a count ``c`` with ``0 < c < threshold`` (``0 <= c`` when
    ``suppress_zeros``) becomes missing. Zeros are published by default, as is usual: a
    zero discloses nobody, and hiding it would only force more secondary suppression.

    **Secondary suppression**: the table is read as a grid, rows = rows of ``df``, columns =
    ``count_cols``. Each row and each column is a linear equation *sum of cells = total*
    whenever its total is known: a total present in the table (``total_col``,
    ``total_rows``), or a margin assumed published (``margins``). From these equations,
    the published cells and non-negativity, an attacker can bound every hidden count by
    linear programming. Further cells are hidden until that audit
    (:func:`audit_suppression`, run here) gives every hidden count a feasible interval
    wider than ``threshold``. Cells that cannot be protected (e.g. the only cell of a line
    whose total is published, or a line whose published total is itself below the
    threshold) are named in a :class:`UserWarning`: do not publish that margin.

    Parameters
    ----------
    df : pandas.DataFrame
        Table of counts, one row per category; not modified.
    count_cols : list of str
        The inner count columns (non-negative integers or missing).
    threshold : int
        Counts below it are hidden (default 5).
    total_col : str, optional
        Column holding each row's total over ``count_cols``; it takes part in the row
        equations and is itself suppressed when below ``threshold``.
    total_rows : label, list of labels or boolean mask, optional
        The row holding the column totals (at most one). It takes part in the column
        equations and is excluded from the inner rows.
    margins : {"both", "rows", "columns", "none"}
        Totals assumed to be published although they are not in the table: "rows" means
        each row's sum over ``count_cols``, "columns" each column's sum over the inner
        rows. Default "both" (the safe assumption).
    suppress_zeros : bool
        Also hide zero counts (primary).
    flag_suffix : str
        Suffix of the flag column added for each count column (and for ``total_col``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` in which ``count_cols`` (and ``total_col``) are nullable integers
        (``Int64``) with hidden counts set to missing, plus for each such column ``c`` a
        column ``c + flag_suffix`` with one of ``"published"``, ``"primary"`` (below the
        threshold), ``"secondary"`` (hidden to protect a primary cell) or ``"missing"``
        (missing in the input, treated as unknown). The flags are for your own checks:
        they narrow what an attacker knows, so :func:`safe_export` leaves them out.
        ``result.attrs["suppression_audit"]`` holds :func:`audit_suppression`'s table.
    """
    grid = _Grid(df, count_cols, threshold, total_col, total_rows, margins)
    state = _secondary_lp(grid, _secondary_subtraction(
        grid, _primary(grid, suppress_zeros)))
    out = df.copy()
    hidden = state != "published"
    for j, col in enumerate(grid.cols):
        shown = np.where(hidden[:, j], np.nan, grid.arr[:, j])
        out[col] = pd.array(pd.Series(shown, index=df.index).round(), dtype="Int64")
        out[col + flag_suffix] = pd.Series(state[:, j], index=df.index, dtype="string")
    audit = audit_suppression(df, out, count_cols, threshold, total_col=total_col,
                              total_rows=total_rows, margins=margins)
    weak = audit.loc[~audit["protected"]]
    if len(weak):  # the audit decides: a cell given up early may be protected by now
        warnings.warn("suppress_small_cells: hidden cells "
                      + ", ".join(f"{r.row!r}/{r.column!r} (between {r.low:g} and "
                                  f"{r.high:g})" for r in weak.itertuples())
                      + " cannot be protected by hiding more cells; do not publish the "
                      "margins of their lines", UserWarning, stacklevel=2)
    out.attrs["suppression_audit"] = audit
    out.attrs["suppression_flags"] = [c + flag_suffix for c in grid.cols]
    return out


# ------------------------------------------------------------------------- safe export
#: Columns holding identifiers made from names (slugs such as ``mikhail-kulkov``) unless
#: every value is already a pseudonym (``P-<hex>``); any ``*_id``/``id``/``slug`` column
#: whose values look like ``word-word`` slugs also counts.
NAME_ID_COLUMNS = frozenset({"person_id", "defendant_id", "people_id", "slug", "person_slug"})

_LINE_BREAK = re.compile(r"(\r\n|\r|\n|\x0b|\x0c|\x1c|\x1d|\x1e|\x85|\u2028|\u2029)")
_PSEUDONYM = re.compile(r"^[A-Za-z_]{0,8}-?[0-9a-f]{8,64}$")  # as made by pseudonymize
_SLUG = re.compile(r"^[^\W\d_]+(?:[-_.][^\W\d_]+)+$")
_URL = re.compile(r"(?i)\b(?:https?|ftp|file)://|\bwww\.")
_SENTENCE_MARKS = re.compile(r"[,;:!?«»\"“”„()\[\]]")
_WORD = re.compile(r"\w+")


def _is_ignorable(ch: str) -> bool:
    """White space, zero-width and other invisible format characters (BOM included)."""
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp") \
        or ch in "\u115f\u1160\u3164\uffa0"


def _dangerous_line(line: str) -> bool:
    """True when a spreadsheet could read ``line`` as a formula.

    The first visible character, after white space and invisible characters (zero-width
    spaces, BOM), normalised with NFKC (so fullwidth ``＝＋－＠`` and small ``﹦﹢﹣﹫``
    count as ``= + - @``), is a formula prefix; or the line starts with tab or CR. Plain
    numbers such as ``-5`` are not formulas.
    """
    if not line:
        return False
    if line[0] in "\t\r":
        return True
    k = 0
    while k < len(line) and _is_ignorable(line[k]):
        k += 1
    if k == len(line):
        return False
    first = unicodedata.normalize("NFKC", line[k])[:1]
    if first not in ("=", "+", "-", "@"):
        return False
    rest = unicodedata.normalize("NFKC", line[k:]).strip()
    return not _PLAIN_NUMBER.match(rest) or k > 0 or line[k] not in "+-"


def _escape_cell(value):
    """Prefix ``'`` to every line of a text value that a spreadsheet could execute."""
    if not isinstance(value, str):
        return value
    parts = _LINE_BREAK.split(value)
    changed = False
    for k in range(0, len(parts), 2):  # even items are lines, odd ones the breaks
        if _dangerous_line(parts[k]) or (k == 0 and parts[k] == "" and len(parts) > 1
                                         and parts[1] == "\r"):
            parts[k] = "'" + parts[k]
            changed = True
    return "".join(parts) if changed else value


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy in which text a spreadsheet would execute is prefixed with ``'``.

    Every line of a text cell (and of a column name) is checked, so a value such as
    ``"ok\r=cmd|' /C calc'!A0"`` is escaped after its line break too. A line is escaped
    when it starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return, also behind
    leading spaces, zero-width characters or a BOM, and also for the look-alikes OWASP
    lists (fullwidth ``＝＋－＠``, small ``﹦﹢﹣﹫``); a plain number such as ``"-5"`` or
    ``"+3.5"`` is left alone (a spreadsheet reads it as a number). Numeric columns are
    never touched, so real negative numbers stay numbers.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) \
                or pd.api.types.is_datetime64_any_dtype(s):
            continue
        out[col] = s.map(_escape_cell, na_action="ignore")
    out.columns = [_escape_cell(c) for c in out.columns]
    return out


def _name_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if isinstance(c, str)
            and (c.casefold() in NAME_COLUMNS or c.casefold().endswith("_name"))]


def _texts(s: pd.Series) -> list[str]:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) \
            or pd.api.types.is_datetime64_any_dtype(s):
        return []
    return [v for v in s.dropna().unique().tolist() if isinstance(v, str)]


def _name_id_columns(df: pd.DataFrame) -> list[str]:
    """Columns of identifiers derived from names (see :data:`NAME_ID_COLUMNS`)."""
    found = []
    for c in df.columns:
        if not isinstance(c, str):
            continue
        low = c.casefold()
        if low in NAME_ID_COLUMNS:
            if not all(_PSEUDONYM.match(v.strip()) for v in _texts(df[c])):
                found.append(c)  # already pseudonymised values pass
        elif low in ("id", "slug") or low.endswith(("_id", "_slug")):
            if any(_SLUG.match(v.strip()) for v in _texts(df[c])):
                found.append(c)
    return found


def _free_text_columns(df: pd.DataFrame, names: list[str]) -> list[str]:
    """Text columns that may quote people: sentences, URLs, or words of a listed name.

    A value counts as free text when it has five or more words (numbers are not words),
    two or more words and sentence punctuation (``, ; : ! ? « » " ( ) [ ]``), a URL, or
    a word (three letters or more) of a value in the name columns ``names``. Codes such
    as ``"205.4(1); 222(1)"`` are not free text.
    """
    name_words = {w.casefold() for c in names for v in _texts(df[c])
                  for w in _WORD.findall(v) if len(w) >= 3 and not w.isdigit()}
    found = []
    for c in df.columns:
        if c in names:
            continue
        for v in _texts(df[c]):
            words = [w for w in _WORD.findall(v) if not w.isdigit()]  # codes are not text
            if len(words) >= 5 or (len(words) >= 2 and _SENTENCE_MARKS.search(v)) or \
                    _URL.search(v) or any(w.casefold() in name_words for w in words):
                found.append(c)
                break
    return found


def safe_export(df: pd.DataFrame, path, drop_names: bool = True, name_columns=None, *,
                keep=(), key=None, sheet_name: str = "data") -> Path:
    """Write a table for sharing: nothing that names anyone, formulas neutralised, atomically.

    Columns are removed or transformed before writing:

    1. **names**: the name columns are dropped (unless ``drop_names=False``, for names
       already replaced by :func:`pseudonymize`);
    2. **identifiers derived from names** (slugs such as ``person_id`` =
       ``mikhail-kulkov``; :data:`NAME_ID_COLUMNS` and any ``*_id`` column holding
       ``word-word`` slugs) are pseudonymised with ``key`` (see :func:`pseudonymize`)
       when one is given, else dropped;
    3. **free text** (a text column with a value of five or more words, sentence
       punctuation, a URL, or a word of a name in the table) is dropped;
    4. **suppression flags** (``*_suppression`` columns from :func:`suppress_small_cells`)
       are dropped: they tell an attacker which hidden counts are small.

    A column named in ``keep`` is kept as it is (steps 2-4; step 1 is ``drop_names``).
    A :class:`UserWarning` lists every column dropped and why.

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write; not modified.
    path : str or path-like
        Target file; ``.csv`` or ``.xlsx`` (chosen by the suffix).
    drop_names : bool
        Drop the name columns (default True). Pseudonymise them first with
        :func:`pseudonymize` if the analysis needs to tell people apart.
    name_columns : list of str, optional
        Columns to drop as names. Default: every column named as in :data:`NAME_COLUMNS`
        or ending in ``_name``.
    keep : str or list of str
        Columns to keep although they look like free text, name-derived identifiers or
        suppression flags (you have checked that they identify nobody).
    key : str or bytes, optional
        Pseudonym key for name-derived identifiers (as for :func:`pseudonymize`); without
        it they are dropped.
    sheet_name : str
        Sheet name for XLSX output.

    Returns
    -------
    pathlib.Path
        The file written. Its columns are those of ``df`` minus the dropped ones, in the
        same order. Every line of a text cell that a spreadsheet could execute carries a
        leading ``'`` (see :func:`escape_formulas`); in CSV every field is quoted, so a
        line break inside a value never starts a new row. A failed write leaves no file
        behind (and an existing file unchanged).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"safe_export writes .csv or .xlsx, not {path.suffix!r} ({path})")
    keep = [keep] if isinstance(keep, str) else list(keep)
    unknown = [c for c in keep if c not in df.columns]
    if unknown:
        raise ValueError(f"keep names columns {unknown} that are not in the table")
    if name_columns is None:
        names = _name_columns(df)
    else:
        names = [name_columns] if isinstance(name_columns, str) else list(name_columns)
        unknown = [c for c in names if c not in df.columns]
        if unknown:
            raise ValueError(f"name_columns {unknown} are not in the table")
    ids = [c for c in _name_id_columns(df) if c not in keep and c not in names]
    free = [c for c in _free_text_columns(df, names)
            if c not in keep and c not in ids]
    flags = [c for c in df.columns if c not in keep and (
        c in df.attrs.get("suppression_flags", ()) or
        (isinstance(c, str) and c.endswith("_suppression")))]
    out = df
    if ids and key is not None:
        out = pseudonymize(out, ids, key=key)
    dropped = {"name": names if drop_names else [],
               "name-derived identifier (pass key= to pseudonymise)":
                   ids if key is None else [],
               "free text": free, "suppression flag": flags}
    gone = [c for cols in dropped.values() for c in cols]
    out = out.drop(columns=list(dict.fromkeys(gone)))
    reported = {why: cols for why, cols in dropped.items() if cols and why != "name"}
    if reported:
        warnings.warn("safe_export dropped " + "; ".join(
            f"{why}: {cols}" for why, cols in reported.items())
            + " (keep=[...] keeps a column you have checked)", UserWarning, stacklevel=2)
    out = escape_formulas(out)
    if suffix == ".csv":
        return write_csv(out, path, quoting=csv.QUOTE_ALL)
    buffer = io.BytesIO()  # built in memory, so a failure never touches the target
    writer = pd.ExcelWriter(buffer, engine="openpyxl")
    out.to_excel(writer, sheet_name=sheet_name, index=False)
    writer.close()
    return write_bytes(path, buffer.getvalue())

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
    drop name columns, neutralise cell values a spreadsheet would execute as a formula, and
    write CSV or XLSX atomically through :mod:`repstats.io`.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .io import write_bytes, write_csv

__all__ = ["normalize_person_name", "pseudonymize", "suppress_small_cells", "safe_export",
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


def _resolve_key(key, env: str) -> bytes:
    if key is None:
        key = os.environ.get(env)
        if not key:
            raise ValueError(
                f"pseudonymize needs a secret key: pass key=... or set the environment "
                f"variable {env} (for example `export {env}=$(python -c \"import secrets; "
                f"print(secrets.token_hex(32))\")`). Keep the key out of the repository and "
                f"out of output files; the same key gives the same pseudonyms.")
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise ValueError(f"key must be str or bytes, got {type(key).__name__}")
    if len(key) < 16:
        raise ValueError(f"key is {len(key)} bytes long; use at least 16 bytes (32 random "
                         "bytes recommended) so that pseudonyms cannot be brute-forced")
    return bytes(key)


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
        Secret key (at least 16 bytes). Defaults to the environment variable ``env``. The
        key is used in memory only.
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
        No key (the message says how to set one), a key shorter than 16 bytes, a column
        not in ``df``, or ``digits`` outside 8..64.
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
    ``total_rows``), or a margin assumed published (``margins``). If such an equation has
    exactly one unknown cell, that cell can be recovered by subtraction; so another cell of
    the same line is also hidden: the smallest published non-zero count (a zero, then the
    line's total cell in the table, as fallbacks). This is repeated until no line has
    exactly one unknown. The result is the usual "at least two hidden cells in every line"
    pattern. It is a heuristic: it protects against recovery by single subtraction, not
    against every linear-programming attack on large tables (the hidden values are then
    known only as intervals), and it does not minimise the number of cells hidden. When
    a line's last unknown cell cannot be paired (the line has no other cell and its total
    is not in the table), a :class:`UserWarning` says which margin must not be published.

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
        (missing in the input, treated as unknown).
    """
    if isinstance(count_cols, str):
        count_cols = [count_cols]
    count_cols = list(count_cols)
    if not count_cols:
        raise ValueError("count_cols is empty")
    if margins not in ("both", "rows", "columns", "none"):
        raise ValueError(f"margins must be 'both', 'rows', 'columns' or 'none', got {margins!r}")
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

    state = np.full(arr.shape, "published", dtype=object)
    state[np.isnan(arr)] = "missing"
    low = (arr < threshold) & ((arr > 0) | suppress_zeros) & ~np.isnan(arr)
    state[low] = "primary"

    n_inner_cols = len(count_cols)
    tcol = n_inner_cols if total_col is not None else None
    inner_rows = np.flatnonzero(~is_total_row)
    trow = int(np.flatnonzero(is_total_row)[0]) if is_total_row.any() else None

    # each line is one equation "sum of cells = total": (inner cells as (i, j) pairs,
    # the total's cell when it is in the table, else None for a published margin, label)
    lines = []
    row_margin = margins in ("both", "rows")
    col_margin = margins in ("both", "columns")
    for i in range(len(df)):
        cells = [(i, j) for j in range(n_inner_cols)]
        if tcol is not None:
            lines.append((cells, (i, tcol), f"row {df.index[i]!r}"))
        elif row_margin:
            lines.append((cells, None, f"row {df.index[i]!r}"))
    for j in range(len(cols)):
        if j == tcol and trow is None and not col_margin:
            continue
        cells = [(i, j) for i in inner_rows]
        if trow is not None:
            lines.append((cells, (trow, j), f"column {cols[j]!r}"))
        elif col_margin:
            lines.append((cells, None, f"column {cols[j]!r}"))

    warned: set[str] = set()
    changed = True
    while changed:
        changed = False
        unk = state != "published"
        for cells, total_cell, label in lines:
            members = cells + ([total_cell] if total_cell is not None else [])
            n_unknown = sum(unk[c] for c in members)
            if n_unknown != 1:
                continue
            open_cells = [c for c in cells if not unk[c]]
            nonzero = [c for c in open_cells if arr[c] > 0]
            pick = (min(nonzero, key=lambda c: arr[c]) if nonzero
                    else open_cells[0] if open_cells
                    else total_cell if total_cell is not None and not unk[total_cell]
                    else None)
            if pick is None:
                if label not in warned:
                    warned.add(label)
                    warnings.warn(f"suppress_small_cells: the hidden cell of {label} equals "
                                  "its total; do not publish that margin", UserWarning,
                                  stacklevel=2)
                continue
            state[pick] = "secondary"
            unk[pick] = True
            changed = True

    out = df.copy()
    hidden = state != "published"
    for j, col in enumerate(cols):
        shown = np.where(hidden[:, j], np.nan, arr[:, j])
        out[col] = pd.array(pd.Series(shown, index=df.index).round(), dtype="Int64")
        out[col + flag_suffix] = pd.Series(state[:, j], index=df.index, dtype="string")
    return out


# ------------------------------------------------------------------------- safe export
def _escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy in which text a spreadsheet would execute is prefixed with ``'``.

    Text cells (and column names) starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return get a leading apostrophe, unless the whole text is a plain number such as
    ``"-5"`` or ``"+3.5"`` (a spreadsheet reads those as numbers, not formulas). Numeric
    columns are never touched, so real negative numbers stay numbers.
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


def safe_export(df: pd.DataFrame, path, drop_names: bool = True, name_columns=None, *,
                sheet_name: str = "data") -> Path:
    """Write a table for sharing: names dropped, formulas neutralised, atomically.

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
        Columns to drop. Default: every column named as in :data:`NAME_COLUMNS` or ending
        in ``_name``.
    sheet_name : str
        Sheet name for XLSX output.

    Returns
    -------
    pathlib.Path
        The file written. Its columns are those of ``df`` minus the dropped name columns;
        text cells starting with ``= + - @``, tab or CR carry a leading ``'`` (see
        :func:`escape_formulas`). A failed write leaves no file behind (and an existing
        file unchanged).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"safe_export writes .csv or .xlsx, not {path.suffix!r} ({path})")
    if name_columns is None:
        names = _name_columns(df)
    else:
        names = [name_columns] if isinstance(name_columns, str) else list(name_columns)
        unknown = [c for c in names if c not in df.columns]
        if unknown:
            raise ValueError(f"name_columns {unknown} are not in the table")
    out = df.drop(columns=names) if drop_names else df
    out = escape_formulas(out)
    if suffix == ".csv":
        return write_csv(out, path)
    buffer = io.BytesIO()  # built in memory, so a failure never touches the target
    writer = pd.ExcelWriter(buffer, engine="openpyxl")
    out.to_excel(writer, sheet_name=sheet_name, index=False)
    writer.close()
    return write_bytes(path, buffer.getvalue())

"""Shared input checks for the instability readers.

Every reader reads a published file whose layout can change between releases. These helpers
find columns by their header text and fail with :class:`repstats.errors.InputError` naming
the file, the sheet and the column whenever the layout differs from what the reader
expects, so a changed upstream file is caught at the first read, not in a chart.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

#: Columns every reader returns, in this order (the panel's columns).
PANEL_COLUMNS = ["indicator", "country", "period", "freq", "value", "low", "high", "unit",
                 "direction", "source", "flag"]


def existing_file(path, what: str) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path`; raise ``InputError`` when it is missing."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} file not found", file=str(p))
    return p


def require_columns(df: pd.DataFrame, columns, *, file, sheet=None) -> None:
    """Raise ``InputError`` naming the first expected column missing from ``df``'s header."""
    have = [str(c).strip() for c in df.columns]
    for col in columns:
        if col not in have:
            raise InputError("expected column not found in the header", file=str(file),
                             sheet=sheet, column=col,
                             expected=f"a header with {list(columns)}; found {have[:20]}")


def to_number(series: pd.Series, *, file, sheet=None, column=None,
              allow_missing: bool = True, header_rows: int = 1) -> pd.Series:
    """Convert ``series`` to float; a non-numeric, non-blank cell raises ``InputError``.

    Blank cells and the literal ``NA`` become ``NaN`` (unless ``allow_missing`` is false).
    The error names the 1-based row as a spreadsheet shows it (``header_rows`` above the
    data).
    """
    text = series.astype("string").str.strip()
    blank = text.isna() | text.isin(["", "NA", "NaN", "nan", ".."])
    out = pd.to_numeric(text.mask(blank), errors="coerce").astype("float64")
    bad = out.isna() & ~blank
    if bad.any() or (not allow_missing and blank.any()):
        pos = int(np.flatnonzero((bad | (blank & (not allow_missing))).to_numpy())[0])
        raise InputError(f"non-numeric value {series.iloc[pos]!r}", file=str(file),
                         sheet=sheet, column=column, row=pos + 1 + header_rows,
                         expected="a number" + ("" if allow_missing else " (no blanks)"))
    return out


def check_range(values: pd.Series, low: float, high: float, *, file, sheet=None,
                column=None, header_rows: int = 1) -> None:
    """Raise ``InputError`` when a non-missing value lies outside ``[low, high]``."""
    out = values.notna() & ((values < low) | (values > high))
    if out.any():
        pos = int(np.flatnonzero(out.to_numpy())[0])
        raise InputError(f"implausible value {values.iloc[pos]!r}", file=str(file),
                         sheet=sheet, column=column, row=pos + 1 + header_rows,
                         expected=f"values in [{low}, {high}]")


def check_unique(keys: pd.Series, *, file, sheet=None, column=None,
                 header_rows: int = 1) -> None:
    """Raise ``InputError`` on the first duplicated key (e.g. a repeated date)."""
    dup = keys.duplicated(keep="first")
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"duplicated key {keys.iloc[pos]!r}", file=str(file), sheet=sheet,
                         column=column, row=pos + 1 + header_rows,
                         expected="one row per period")


def read_csv_text(path, *, what: str) -> pd.DataFrame:
    """Read a UTF-8 CSV file as text cells (no value turned into NaN).

    Raises ``InputError`` naming the file when it is missing, empty, not UTF-8 (e.g. saved
    as cp1251 by a spreadsheet program) or not a CSV table at all.
    """
    p = existing_file(path, what)
    try:
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} file is not UTF-8 text (byte {exc.start}: "
                         f"{exc.object[exc.start:exc.start + 1]!r}); if it was re-saved as "
                         "cp1251, fetch it again", file=str(p)) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{what} file is empty", file=str(p),
                         expected="a CSV table with a header row") from exc
    except pd.errors.ParserError as exc:
        raise InputError(f"{what} file is not a readable CSV table: "
                         f"{' '.join(str(exc).split())}", file=str(p)) from exc


# a formula element in an .xlsx part: <f>, <f t="shared" ...>, <f/>, or with a namespace prefix
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formula_element(p: Path) -> bool:
    """Whether any XML part of the workbook but its charts and drawings (whose series name
    their cells in ``<c:f>`` elements) may hold a formula: a streamed byte search, so a
    workbook of plain values (most published data) skips openpyxl's two slow cell-by-cell
    reads. ``True`` when unsure (unreadable zip), so the full check then runs."""
    try:
        with zipfile.ZipFile(p) as z:
            for info in z.infolist():
                name = info.filename
                if not name.endswith(".xml") or "/charts/" in name or "/drawings/" in name:
                    continue
                with z.open(info) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        if _FORMULA_ELEMENT.search(tail + chunk):
                            return True
                        tail = chunk[-64:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return True
    return False


def uncached_formulas(path, sheet: str, limit: int = 5) -> list[str]:
    """Cells (e.g. ``"B5"``) of an ``.xlsx`` sheet holding a formula without a cached value.

    Such a cell reads as blank (a workbook saved by a program that does not compute
    formulas), which would silently become a missing value. The workbook is read twice
    with openpyxl (formulas, then cached values). Other formats: ``[]``.
    """
    import openpyxl

    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm") or not _has_formula_element(p):
        return []
    try:
        formulas = openpyxl.load_workbook(p, read_only=True, data_only=False)
        cached = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a standard workbook: the reader reports it
        return []
    try:
        if sheet not in formulas.sheetnames:
            return []
        found = []
        for frow, crow in zip(formulas[sheet].iter_rows(), cached[sheet].iter_rows()):
            for fcell, ccell in zip(frow, crow):
                if fcell.data_type == "f" and ccell.value in (None, ""):
                    found.append(fcell.coordinate)
                    if len(found) >= limit:
                        return found
        return found
    finally:
        formulas.close()
        cached.close()


def read_sheet(path, sheet, *, what: str) -> pd.DataFrame:
    """Read one sheet of a workbook as strings-or-numbers with row 1 as header.

    Raises ``InputError`` naming the file and sheet when the sheet does not exist, and
    naming the cells when a formula cell has no cached value (it would read as blank).
    """
    p = existing_file(path, what)
    try:
        book = pd.ExcelFile(p, engine="calamine")
    except Exception as exc:  # noqa: BLE001 - any reader failure is bad input
        raise InputError(f"cannot open workbook: {exc}", file=str(p)) from exc
    with book:
        names = book.sheet_names
        if sheet not in names:
            raise InputError("expected sheet not found", file=str(p), sheet=sheet,
                             expected=f"one of {names}")
        df = pd.read_excel(book, sheet_name=sheet, header=0)
    cells = uncached_formulas(p, sheet)
    if cells:
        raise InputError(f"formula cell(s) {cells} have no cached value and would read as "
                         "missing", file=str(p), sheet=sheet, expected="a workbook saved "
                         "with computed values (open it in a spreadsheet program and save)")
    return df


def numeric_rows(indicator: str, periods, cells: pd.Series, bounds: tuple[float, float], *,
                 freq: str, file, sheet=None, column=None, country: str = "RUS") -> pd.DataFrame:
    """Panel rows from a column of raw cells: convert to numbers, check the plausible
    ``bounds`` (both raise ``InputError`` naming file, sheet, column and row), drop blank
    cells, and assemble the rows with :func:`rows`. ``periods`` is aligned to ``cells``."""
    values = to_number(cells, file=file, sheet=sheet, column=column)
    check_range(values.reset_index(drop=True), *bounds, file=file, sheet=sheet, column=column)
    keep = values.notna().to_numpy()
    return rows(indicator, periods[keep], values[keep], freq=freq, country=country)


def rows(indicator: str, periods, values, *, freq: str, country: str = "RUS", low=None,
         high=None, flag=None) -> pd.DataFrame:
    """Assemble panel rows for one indicator; unit, direction and source come from the codebook.

    Returns a DataFrame with the columns of :data:`PANEL_COLUMNS`.
    """
    from .codebook import indicator_meta

    meta = indicator_meta(indicator)
    periods = pd.Series(list(periods))
    if pd.api.types.is_numeric_dtype(periods):  # years as integers, never ordinals
        periods = periods.astype("int64").astype(str)
    values = pd.Series(np.asarray(values, dtype="float64"))
    n = len(values)

    def _col(x):
        return pd.Series(np.full(n, np.nan) if x is None else np.asarray(x, dtype="float64"))

    out = pd.DataFrame({
        "indicator": indicator,
        "country": country,
        "period": pd.PeriodIndex(periods, freq=freq),
        "freq": freq,
        "value": values,
        "low": _col(low),
        "high": _col(high),
        "unit": meta["unit"],
        "direction": np.int64(meta["direction"]),
        "source": meta["source"],
        "flag": pd.Series([""] * n if flag is None else list(flag), dtype="string"),
    })
    out["flag"] = out["flag"].fillna("")
    return out[PANEL_COLUMNS]


def drop_footnotes(df: pd.DataFrame, key: str, *, file, sheet=None) -> pd.DataFrame:
    """Drop trailing rows whose ``key`` cell is not a number (notes, sources, blank rows).

    Only rows *after* the last numeric ``key`` are dropped: a text cell between data rows
    is a layout change and raises ``InputError`` naming the row.
    """
    num = pd.to_numeric(df[key].astype("string").str.strip(), errors="coerce")
    if num.notna().sum() == 0:
        raise InputError("no numeric rows", file=str(file), sheet=sheet, column=key)
    last = int(np.flatnonzero(num.notna().to_numpy())[-1])
    body = df.iloc[: last + 1]
    gap = num.iloc[: last + 1].isna()
    if gap.any():
        pos = int(np.flatnonzero(gap.to_numpy())[0])
        raise InputError(f"non-numeric {key} {df[key].iloc[pos]!r} between data rows",
                         file=str(file), sheet=sheet, column=key, row=pos + 2,
                         expected="footnotes only after the last data row")
    return body


def monthly_periods(year: pd.Series, month: pd.Series, *, file, sheet=None) -> pd.PeriodIndex:
    """Monthly periods from year and month columns, checking ranges and duplicates."""
    y = to_number(year, file=file, sheet=sheet, column=year.name, allow_missing=False)
    m = to_number(month, file=file, sheet=sheet, column=month.name, allow_missing=False)
    check_range(y.reset_index(drop=True), 1900, 2100, file=file, sheet=sheet, column=year.name)
    check_range(m.reset_index(drop=True), 1, 12, file=file, sheet=sheet, column=month.name)
    text = [f"{int(a):04d}-{int(b):02d}" for a, b in zip(y, m)]
    check_unique(pd.Series(text), file=file, sheet=sheet, column=f"{year.name}/{month.name}")
    return pd.PeriodIndex(text, freq="M")

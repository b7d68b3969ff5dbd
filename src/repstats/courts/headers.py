"""Finding the header block of a data sheet and the text of each column's header.

A data sheet of these forms has a header block that ends with a numbering row: letters
for the label columns (``А``, ``Б``, ``В``) and ``1, 2, 3, …`` for the value columns. The
block starts at the row naming the article column (``Статьи УК РФ`` / ``Статьи Уголовного
кодекса …``). Header rows move between years and between sheets, so both are searched
for, never assumed. Merged cells are expanded so that every column carries the text of the
group above it (e.g. ``ДОПОЛНИТЕЛЬНОЕ НАКАЗАНИЕ | штраф``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from .excel import cell_text

#: How many rows from the top are searched for the header block.
SEARCH_ROWS = 40
_ARTICLE_HEADER = re.compile(r"^(составы преступлений по )?стать(и|ям)\b", re.IGNORECASE)
_LINE_HEADER = re.compile(r"^№\s*(п/п|стр)", re.IGNORECASE)
_DESCRIPTION_HEADER = re.compile(r"^виды преступлений", re.IGNORECASE)
_LETTER = re.compile(r"^[А-ЯA-Z]$")


@dataclass(frozen=True)
class Header:
    """Where a data sheet's header block is and what its columns mean.

    Attributes
    ----------
    top_row, number_row : int
        0-based first row of the header block and its numbering row; data start after
        ``number_row``.
    label_col : int
        0-based column holding article labels.
    description_col : int or None
        0-based column holding crime descriptions (form 10-а), if any.
    line_col : int or None
        0-based column holding the form's line number (``№ п/п`` / ``№ стр.``), if any.
    columns : tuple of (int, int, str)
        ``(column index, column number printed in the numbering row, header text)`` for
        every value column, the header's levels joined with ``" | "``.
    """

    top_row: int
    number_row: int
    label_col: int
    description_col: int | None
    columns: tuple
    line_col: int | None = None


def _as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    text = cell_text(value)
    if _INT_TEXT.fullmatch(text):
        return int(float(text))
    return None


_INT_TEXT = re.compile(r"\d+(\.0+)?")


def is_numbering_row(row) -> bool:
    """True for a row holding only column letters and the numbers ``1..n`` (n >= 2)."""
    numbers, other = [], False
    for value in row:
        if value == "":
            continue  # most cells: empty
        text = cell_text(value)
        if not text:
            continue
        n = _as_int(value)
        if n is not None:
            numbers.append(n)
        elif not _LETTER.match(text):
            other = True
    return (not other and len(numbers) >= 2
            and numbers == list(range(1, len(numbers) + 1)))


def _merged_lookup(merges, top, bottom):
    """Map (row, col) inside merged ranges to the range's top-left cell."""
    owner = {}
    for (r0, c0), (r1, c1) in merges:
        if r1 < top or r0 > bottom:
            continue
        for r in range(max(r0, top), min(r1, bottom) + 1):
            for c in range(c0, c1 + 1):
                owner[(r, c)] = (r0, c0)
    return owner


def find_header(grid, merges=(), *, file=None, member=None, sheet=None) -> Header:
    """Locate the header block of a data sheet.

    Parameters
    ----------
    grid : list of list
        The sheet's cells (see :class:`~repstats.courts.excel.Sheet`).
    merges : sequence
        Merged ranges ``((r0, c0), (r1, c1))``, 0-based inclusive.

    Returns
    -------
    Header

    Raises
    ------
    InputError
        No numbering row in the first :data:`SEARCH_ROWS` rows, or no article column.
    """
    number_row = next((i for i, row in enumerate(grid[:SEARCH_ROWS])
                       if is_numbering_row(row)), None)
    if number_row is None:
        raise InputError("no header block (no numbering row 'А, Б, 1, 2, …')", file=file,
                         member=member, sheet=sheet,
                         expected=f"a numbering row within the first {SEARCH_ROWS} rows")
    label_col = top_row = None
    description_col = line_col = None
    for r in range(number_row - 1, -1, -1):
        for c, value in enumerate(grid[r]):
            if value == "":
                continue  # most cells: empty (no header names an empty text)
            text = cell_text(value)
            if label_col is None and _ARTICLE_HEADER.match(text):
                label_col, top_row = c, r
            if description_col is None and _DESCRIPTION_HEADER.match(text):
                description_col = c
            if line_col is None and _LINE_HEADER.match(text):
                line_col = c
        if label_col is not None:
            break
    if label_col is None:
        raise InputError("sheet has no article column", file=file, member=member,
                         sheet=sheet, row=number_row + 1,
                         expected="a header cell 'Статьи УК РФ' above the numbering row")
    owner = _merged_lookup(merges, top_row, number_row - 1)
    columns = []
    for c, value in enumerate(grid[number_row]):
        n = _as_int(value)
        if n is None or not cell_text(value) or c == line_col:
            continue
        pieces = []
        for r in range(top_row, number_row):
            r0, c0 = owner.get((r, c), (r, c))
            text = cell_text(grid[r0][c0]) if c0 < len(grid[r0]) else ""
            if text and (not pieces or pieces[-1] != text):
                pieces.append(text)
        columns.append((c, n, " | ".join(pieces)))
    return Header(top_row=top_row, number_row=number_row, label_col=label_col,
                  description_col=description_col, columns=tuple(columns),
                  line_col=line_col)

"""Reading workbooks into plain grids with python-calamine.

Every sheet becomes a :class:`Sheet`: its name, a rectangular grid of Python values (``str``,
``float``, ``int``, ``bool``, dates, or ``""`` for empty cells) and its merged-cell ranges.
python-calamine was chosen by measurement (``benchmarks/bench_courts.py``): it reads the
court forms roughly ten times faster than xlrd, pandas' default engine for ``.xls``.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..errors import InputError


@dataclass(frozen=True)
class Sheet:
    """One worksheet as a grid.

    Attributes
    ----------
    name : str
        The sheet's name as stored in the workbook.
    grid : list of list
        Cell values, row-major, 0-based; short rows are padded with ``""``.
    merges : tuple
        Merged ranges as ``((first_row, first_col), (last_row, last_col))``, 0-based,
        inclusive.
    """

    name: str
    grid: list
    merges: tuple = field(default=())

    @property
    def width(self) -> int:
        """Number of columns of the widest row."""
        return max((len(r) for r in self.grid), default=0)


def read_sheets(data: bytes, *, file=None, member=None, limit: int | None = None
                ) -> list[Sheet]:
    """Parse workbook bytes (``.xls`` or ``.xlsx``) into :class:`Sheet` objects (the first
    ``limit`` sheets only, when given: e.g. ``limit=1`` for the title sheet).

    Raises
    ------
    InputError
        When the bytes are not a readable workbook (truncated, corrupt, another format).
    """
    return open_book(data, file=file, member=member).sheets(0, limit)


class Book:
    """An open workbook whose sheets are read on demand (:func:`open_book`): the title
    sheet first, the data sheets only for a known form, without parsing the file twice."""

    def __init__(self, book, file=None, member=None):
        self._book, self.file, self.member = book, file, member

    def sheets(self, start: int = 0, stop: int | None = None) -> list[Sheet]:
        """Sheets ``start`` to ``stop`` (exclusive; None: to the last) as :class:`Sheet`.

        Raises
        ------
        InputError
            When a sheet cannot be read.
        """
        try:
            return [_sheet(self._book, name)
                    for name in self._book.sheet_names[start:stop]]
        except Exception as exc:  # calamine raises its own error types for corrupt files
            raise _unreadable(exc, self.file, self.member) from exc


def open_book(data: bytes, *, file=None, member=None) -> Book:
    """Open workbook bytes (``.xls`` or ``.xlsx``) for :meth:`Book.sheets`.

    Raises
    ------
    InputError
        When the bytes are not a readable workbook (truncated, corrupt, another format).
    """
    from python_calamine import CalamineWorkbook

    if not data:
        raise InputError("empty workbook", file=file, member=member,
                         expected="an Excel workbook (.xls/.xlsx)")
    try:
        return Book(CalamineWorkbook.from_filelike(io.BytesIO(data)), file, member)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise _unreadable(exc, file, member) from exc


def _unreadable(exc, file, member) -> InputError:
    return InputError(f"cannot read workbook ({type(exc).__name__}: {exc})", file=file,
                      member=member, expected="a readable Excel workbook (.xls/.xlsx)")


def _sheet(book, name) -> Sheet:
    sh = book.get_sheet_by_name(name)
    grid = sh.to_python()
    # calamine's grid starts at the first used cell; pad it so that grid indices are
    # absolute (row 0 = spreadsheet row 1), as merged ranges are.
    r0, c0 = sh.start if grid and sh.start else (0, 0)
    lengths = list(map(len, grid))
    width = c0 + max(lengths, default=0)
    if r0 or c0 or lengths.count(width) != len(lengths):
        # in place: the rows are calamine's fresh lists (no copy of every row)
        lead = [""] * c0
        for r, n in zip(grid, lengths):
            if c0:
                r[:0] = lead
            if c0 + n < width:
                r += [""] * (width - c0 - n)
        grid = [[""] * width for _ in range(r0)] + grid
    merges = tuple(getattr(sh, "merged_cell_ranges", None) or ())
    return Sheet(name=name, grid=grid, merges=merges)


def cell_text(value) -> str:
    """A cell as text with whitespace collapsed; whole floats lose their ``.0``."""
    if type(value) is str:
        return " ".join(value.replace("\xa0", " ").split()) if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return ("%f" % value).rstrip("0").rstrip(".")
    return " ".join(str(value).replace("\xa0", " ").split())

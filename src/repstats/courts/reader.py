"""Read forms 10-а, 10.3 and 10.3.1 from the yearly zips into one long table.

The table (contract 1 of the project) has one row per (form, sheet row, measure):

========== ==================================================================
year       reporting year (int)
form       ``"10-a"``, ``"10.3"`` or ``"10.3.1"``, read from the title sheet
article    ``"205.2"``; None on total, group and summary rows
part       ``"2"``, ``"1.1"``; None for articles without parts
paragraph  ``"а"`` on form 10-а section-21 paragraph rows, else None
redaction  the label's annotation (``"в старой редакции до ФЗ …"``) or None
row_type   see :mod:`repstats.courts.labels`
label      raw text of the article cell
description 10-а "Виды преступлений" text (None for 10.3/10.3.1)
measure    canonical measure (see :mod:`repstats.courts.measures`)
value      the count (int; rubles for ``*_amount_rub``)
source_file the zip, relative to the raw folder (``cdep/2016.zip``)
member     the workbook inside the zip
sheet      the worksheet name
row        1-based spreadsheet row
column     spreadsheet column letter of the value
========== ==================================================================

Empty value cells produce no row; every non-empty value cell of every data row does.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .archive import read_members
from .excel import cell_text, read_sheets
from .forms import FORMS, identify_workbook
from .headers import find_header
from .labels import Label, parse_label, with_description_note
from .measures import measure_for

COLUMNS = ["year", "form", "article", "part", "paragraph", "redaction", "row_type",
           "label", "description", "measure", "value", "source_file", "member", "sheet",
           "row", "column"]
_FORM_ORDER = {f: i for i, f in enumerate(FORMS)}
_ZIP_NAME = re.compile(r"^((?:19|20)\d{2})\.zip$")
FIRST_YEAR_10_3_1 = 2011


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> ``A``, 26 -> ``AA``)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _value(cell, *, file, member, sheet, row, column):
    """A count cell as int, None when empty; anything else is an InputError."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        raise InputError("boolean in a count cell", file=file, member=member, sheet=sheet,
                         row=row, column=column, expected="a non-negative integer")
    if isinstance(cell, (int, float)):
        number = float(cell)
    else:
        text = cell_text(cell).replace(" ", "")
        if not text:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise InputError(f"non-numeric value {text!r}", file=file, member=member,
                             sheet=sheet, row=row, column=column,
                             expected="a non-negative integer") from None
    if not number.is_integer():
        raise InputError(f"fractional count {number!r}", file=file, member=member,
                         sheet=sheet, row=row, column=column,
                         expected="a non-negative integer")
    return int(number)


def read_sheet(sheet, form: str, *, year: int, file: str, member: str) -> list[tuple]:
    """Records (in :data:`COLUMNS` order) of one data sheet of a known form."""
    header = find_header(sheet.grid, sheet.merges, file=file, member=member,
                         sheet=sheet.name)
    measures = []
    for col, _number, text in header.columns:
        letter = column_letter(col)
        name = measure_for(form, text, file=file, member=member, sheet=sheet.name,
                           column=letter)
        measures.append((col, letter, name))
    seen = {}
    for col, letter, name in measures:
        if name in seen:
            raise InputError(f"two columns map to measure {name!r} (also column "
                             f"{seen[name]})", file=file, member=member, sheet=sheet.name,
                             column=letter, expected="one column per measure")
        seen[name] = letter
    records, previous = [], None
    for r in range(header.number_row + 1, len(sheet.grid)):
        cells = sheet.grid[r]
        values, bad = [], None
        for col, letter, name in measures:
            try:
                value = _value(cells[col], file=file, member=member, sheet=sheet.name,
                               row=r + 1, column=letter)
            except InputError as exc:
                bad = bad or exc
                continue
            if value is not None:
                values.append((letter, name, value))
        if not values:
            continue  # a note row (footnote, date stamp): no counts
        if bad is not None:
            raise bad
        raw_label = cells[header.label_col]
        desc = (cell_text(cells[header.description_col])
                if header.description_col is not None else None)
        lab: Label = parse_label(raw_label, desc, previous=previous, file=file,
                                 member=member, sheet=sheet.name, row=r + 1)
        if lab.row_type in ("article", "paragraph"):
            previous = lab
            lab = with_description_note(lab, desc)
        text = cell_text(raw_label) or None
        for letter, name, value in values:
            records.append((year, form, lab.article, lab.part, lab.paragraph, lab.redaction,
                            lab.row_type, text, desc or None, name, value, file, member,
                            sheet.name, r + 1, letter))
    return records


def read_year(path, *, year: int | None = None, source_file: str | None = None
              ) -> pd.DataFrame:
    """Read one yearly zip.

    Parameters
    ----------
    path : path-like
        The zip (``cdep/YYYY.zip``).
    year : int, optional
        Expected reporting year; default from the file name ``YYYY.zip``. Each form's
        title must state the same year.
    source_file : str, optional
        How the zip is named in the output (default: ``cdep/<name>``).

    Returns
    -------
    pandas.DataFrame
        The long table (columns as in the module docstring), sorted by form, sheet
        order, row and column.

    Raises
    ------
    InputError
        Bad archive, unreadable workbook, unknown form, missing or duplicated form,
        year mismatch, missing article column, unknown column or label, non-integer
        counts — always naming where.
    """
    path = Path(path)
    source_file = source_file or f"cdep/{path.name}"
    if year is None:
        m = _ZIP_NAME.match(path.name)
        if not m:
            raise ValueError(f"cannot infer the year from {path.name!r}; pass year=")
        year = int(m.group(1))
    found: dict[str, str] = {}
    records = []
    for member in read_members(path, label=source_file):
        sheets = read_sheets(member.data, file=source_file, member=member.name)
        fid = identify_workbook(sheets, file=source_file, member=member.name)
        if not fid.known:
            continue
        if fid.year is not None and fid.year != year:
            raise InputError(f"title says year {fid.year}", file=source_file,
                             member=member.name, sheet=sheets[0].name,
                             expected=f"year {year}")
        if fid.form in found:
            raise InputError(f"form {fid.form} appears twice (also {found[fid.form]!r})",
                             file=source_file, member=member.name,
                             expected="one workbook per form")
        found[fid.form] = member.name
        for index, sheet in enumerate(sheets[1:], start=1):
            rows = read_sheet(sheet, fid.form, year=year, file=source_file,
                              member=member.name)
            records.extend((index, rec) for rec in rows)
    required = {"10-a", "10.3"} | ({"10.3.1"} if year >= FIRST_YEAR_10_3_1 else set())
    missing = sorted(required - set(found))
    if missing:
        raise InputError(f"forms {missing} not found", file=source_file,
                         expected=f"workbooks of forms {sorted(required)}")
    df = pd.DataFrame([rec for _, rec in records], columns=COLUMNS)
    df["_sheet_index"] = [i for i, _ in records]
    df["_form_order"] = df["form"].map(_FORM_ORDER)
    df["_col"] = df["column"].str.len() * 100 + df["column"].map(
        lambda s: sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(s))))
    df = (df.sort_values(["_form_order", "_sheet_index", "row", "_col"], kind="stable")
          .drop(columns=["_sheet_index", "_form_order", "_col"]).reset_index(drop=True))
    return _typed(df)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("int64")
    out["row"] = out["row"].astype("int64")
    for col in COLUMNS:
        if col not in ("year", "value", "row"):
            # pandas' string dtype: missing values stay missing, checks are vectorised
            out[col] = out[col].astype("str")
    return out[COLUMNS]


def available_years(raw_dir) -> list[int]:
    """Years with a ``cdep/YYYY.zip`` under ``raw_dir``."""
    folder = Path(raw_dir) / "cdep"
    return sorted(int(m.group(1)) for p in folder.glob("*.zip")
                  if (m := _ZIP_NAME.match(p.name)))


def read_court_stats(raw_dir, years=None) -> pd.DataFrame:
    """Read every year's forms 10-а, 10.3 and 10.3.1 into one long table.

    Parameters
    ----------
    raw_dir : path-like
        The raw-data folder (layout of ``data/raw`` / the mirror: ``cdep/YYYY.zip``).
    years : iterable of int, optional
        Years to read; default every ``cdep/YYYY.zip`` present.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``form``, ``article``, ``part``, ``paragraph``, ``redaction``,
        ``row_type``, ``label``, ``description``, ``measure``, ``value``,
        ``source_file``, ``member``, ``sheet``, ``row``, ``column`` (see
        :mod:`repstats.courts.reader`). Totals are flagged by ``row_type``; sum only
        ``row_type == "article"`` rows (plus ``article_group``) to get article sums.

    Raises
    ------
    ValueError
        ``raw_dir`` has no ``cdep`` folder, or a requested year has no zip.
    InputError
        Any bad input (see :func:`read_year`).
    """
    raw_dir = Path(raw_dir)
    if not (raw_dir / "cdep").is_dir():
        raise ValueError(f"{raw_dir} has no 'cdep' folder of yearly zips")
    present = available_years(raw_dir)
    if years is None:
        wanted = present
    else:
        wanted = sorted({int(y) for y in years})
        absent = [y for y in wanted if y not in present]
        if absent:
            raise ValueError(f"no zip for years {absent} in {raw_dir / 'cdep'}")
    if not wanted:
        raise ValueError(f"no cdep/YYYY.zip files in {raw_dir}")
    frames = [read_year(raw_dir / "cdep" / f"{y}.zip", year=y) for y in wanted]
    return pd.concat(frames, ignore_index=True)

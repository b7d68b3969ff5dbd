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
source_file the zip or loose workbook, relative to the raw folder (``cdep/2016.zip``,
           ``cdep/2022/10a-2022.xls``)
member     the workbook (zip member, or the loose file's name)
sheet      the worksheet name
row        1-based spreadsheet row
column     spreadsheet column letter of the value
line       the form's own line number (``№ п/п`` / ``№ стр.``; nullable Int64)
lumped_parts the article-parts a combined row lumps together (``"264.3 ч.1; 275.1"``),
           else None (see :func:`repstats.courts.labels.lumped_parts`)
subset     on ``row_type == "subset"`` rows (10-а sections 22-23, 2022-2023): ``internet``
           or ``minors``; else None
source_sha256 sha256 of ``source_file`` (the edition read)
========== ==================================================================

A year is read from ``cdep/YYYY.zip`` or from a folder ``cdep/YYYY/`` of loose
workbooks (:mod:`repstats.courts.workbooks`). Empty value cells produce no row; every
non-empty value cell of every data row does.
"""
from __future__ import annotations

import gc
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain, repeat
from operator import getitem, itemgetter
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .excel import cell_text, open_book
from .forms import FORMS, identify_workbook
from .headers import find_header
from .labels import (Label, LabelShapeError, classify_total, parse_label,
                     with_description_note)
from .longtable import LongTable, categorical, taken_mask
from .measures import measure_for
from .workbooks import Workbook, workbooks_of, year_sources

COLUMNS = ["year", "form", "article", "part", "paragraph", "redaction", "row_type",
           "label", "description", "measure", "value", "source_file", "member", "sheet",
           "row", "column", "line", "lumped_parts", "subset", "source_sha256"]
#: Columns of a sheet (shared by all its rows), in the order of :meth:`_Rows.sheet`.
_SHEET_COLUMNS = ["year", "form", "source_file", "member", "sheet", "source_sha256"]
#: Columns of a row's label, in the order of :func:`_described`: one tuple per distinct
#: parsed label (and subset), shared by all the rows so labelled.
_LABEL_COLUMNS = ["article", "part", "paragraph", "redaction", "row_type", "label",
                  "description", "lumped_parts", "subset"]
#: 10-а sections that repeat article rows for a subset of the convicted (2022-2023):
#: recognised from the section title, never added to the article rows.
SUBSETS = (
    ("internet", re.compile(r"с использованием информационно-телекоммуникационных сетей",
                            re.IGNORECASE)),
    ("minors", re.compile(r"в отношении несовершеннолетн", re.IGNORECASE)),
)
_FORM_ORDER = {f: i for i, f in enumerate(FORMS)}
_ZIP_NAME = re.compile(r"^((?:19|20)\d{2})(?:\.zip)?$")
_COUNT_TEXT = re.compile(r"^\d+(?:[.,]0+)?$")
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
    """A count cell as int, None when empty; anything else is an InputError naming the cell.

    Integral floats (``4461.0``, as the 2022-2024 workbooks store counts) are counts;
    fractional, negative, non-finite, boolean or non-numeric cells are errors.
    """
    if cell is None or cell == "":
        return None
    where = dict(file=file, member=member, sheet=sheet, row=row, column=column,
                 expected="a non-negative integer count")
    if isinstance(cell, bool):
        raise InputError("boolean in a count cell", **where)
    if isinstance(cell, (int, float)):
        number = float(cell)
    else:
        text = cell_text(cell).replace(" ", "")
        if not text:
            return None
        if not _COUNT_TEXT.match(text):
            raise InputError(f"non-numeric value {text!r}", **where)
        number = float(text.replace(",", "."))
    if not number.is_integer():
        raise InputError(f"fractional count {number!r}", **where)
    if number < 0:
        raise InputError(f"negative count {number!r}", **where)
    return int(number)


def _subset_of(sheet, header) -> str | None:
    title = " ".join(cell_text(v) for r in sheet.grid[:header.top_row] for v in r)
    for name, pattern in SUBSETS:
        if pattern.search(title):
            return name
    return None


class _Rows:
    """Column-wise accumulator. Per sheet, its rows (``rows``: the sheet's id in the
    ``sheet`` vocabulary, and per row its label's id in the ``label`` vocabulary, its
    spreadsheet row and line number) and arrays of its values (``chunks``: position of
    their row among all rows, measure, value, column). The vocabularies hold each
    distinct sheet, parsed label, measure and column letter once."""

    def __init__(self, labels: dict | None = None, strict: bool = False,
                 parsed: dict | None = None, vocab: dict | None = None):
        self.strict = strict
        self.n = 0                        # rows so far
        self.rows: list[tuple] = []       # (sheet id, label ids, rows, lines) per sheet
        self.chunks: list[tuple] = []     # (index, measure, value, column) arrays
        # parse caches: per distinct (label, description[, context]) and per parse key
        # (see _parse)
        self.labels: dict = {} if labels is None else labels
        self.parsed: dict = {} if parsed is None else parsed
        # vocabularies (see codes), shared with the parts read into this table
        self.vocab: dict = {} if vocab is None else vocab

    def extend(self, other: "_Rows") -> None:
        offset = self.n
        self.n += other.n
        self.rows.extend(other.rows)
        self.chunks.extend((i + offset, m, v, c) for i, m, v, c in other.chunks)

    def code(self, kind: str, value) -> int:
        """The integer code of ``value`` in this table's vocabulary of ``kind``."""
        vocab = self.vocab.setdefault(kind, {})
        return vocab.setdefault(value, len(vocab))

    def codes(self, kind: str, values) -> np.ndarray:
        """Integer codes of ``values`` (measures or column letters) in this table's
        vocabulary of ``kind``, shared with the parts read into it."""
        vocab = self.vocab.setdefault(kind, {})
        return np.array([vocab.setdefault(v, len(vocab)) for v in values], dtype=np.int32)

    def _values(self):
        if not self.chunks:
            e = np.array([], dtype=np.int32)
            return np.array([], dtype=np.int64), e, np.array([], dtype=np.int64), e
        return tuple(np.concatenate(parts) for parts in zip(*self.chunks))

    def frame(self) -> pd.DataFrame:
        """The long table (see :meth:`table`)."""
        return self.table().frame()

    def table(self) -> LongTable:
        """The long table, its string columns as categoricals built from the codes at
        hand (each distinct value converted once, no million strings hashed again)."""
        idx, measure, value, column = self._values()
        ids = {"sheet": [np.full(len(r), s, dtype=np.int32) for s, _, r, _ in self.rows],
               "label": [d for _, d, _, _ in self.rows]}
        ids = {k: np.concatenate(v) if v else np.array([], dtype=np.int32)
               for k, v in ids.items()}
        numbers, strings = {"value": value.astype(np.int64, copy=False)}, {}
        row = np.concatenate([r for _, _, r, _ in self.rows]) if self.rows else \
            np.array([], dtype=np.int64)
        numbers["row"] = row[idx]
        taken = taken_mask(idx, len(row))  # the rows holding values (all, in practice)
        for kind, names in (("sheet", _SHEET_COLUMNS), ("label", _LABEL_COLUMNS)):
            distinct = list(self.vocab.get(kind, ()))
            for k, name in enumerate(names):
                values = np.empty(len(distinct), dtype=object)
                values[:] = [d[k] for d in distinct]
                if name == "year":
                    numbers[name] = values.astype(np.int64)[ids[kind]][idx]
                    continue
                # codes per distinct sheet or label, taken per row
                codes, uniques = pd.factorize(values)
                strings[name] = categorical(np.asarray(uniques, dtype=object),
                                            codes.astype(np.int32)[ids[kind]], at=idx,
                                            taken=taken)
        lines = np.empty(self.n, dtype=object)
        lines[:] = list(chain.from_iterable(x for *_, x in self.rows))
        codes, uniques = pd.factorize(lines)
        # the distinct line numbers, taken per value (code -1: missing)
        distinct = pd.array(np.asarray(uniques, dtype=object), dtype="Int64")
        codes = codes[idx]
        numbers["line"] = pd.arrays.IntegerArray(
            np.append(distinct.to_numpy(dtype=np.int64, na_value=0), 0)[codes],
            np.append(distinct.isna(), True)[codes])
        for name, codes in (("measure", measure), ("column", column)):
            uniques = np.array(list(self.vocab.get(name, ())), dtype=object)
            strings[name] = categorical(uniques, codes)
        return LongTable(COLUMNS, numbers, strings)


def _described(rows: _Rows, hit, subset) -> int:
    """The id of a row's label (:data:`_LABEL_COLUMNS`) in the ``label`` vocabulary, from
    its parse (:func:`_parse`) and its sheet's subset, remembered in the parse."""
    lab, noted, text, desc, _, ids = hit
    if lab.row_type in ("article", "paragraph"):
        lab = noted
    row_type = lab.row_type
    if subset is not None and row_type in ("article", "paragraph"):
        row_type = "subset"
    ids[subset] = rows.code("label", (
        lab.article, lab.part, lab.paragraph, lab.redaction, row_type, text or None,
        desc or None, lab.lumped, subset if row_type == "subset" else None))
    return ids[subset]


#: first characters of labels whose parse depends on the row above (``п. «б»``, ``ч1.1``,
#: ``«а»``): they are parsed per distinct context
_INHERITS = ("п", "ч", "П", "Ч")
_CONTEXTUAL = _INHERITS + ("«", "<", '"')


def _parse(rows: _Rows, raw_label, raw_desc, has_desc, previous, *, file, member, sheet,
           row, column):
    """``(label, label text, description text)`` of a row, parsed once per distinct
    (label, description) and, for the labels that inherit from the row above (``п. «б»``,
    ``ч1.1``), per distinct context.

    :func:`~repstats.courts.labels.parse_label` reads the label only as text, the
    description only through which total it names (and, beside an empty label, whether
    it is empty), and the row above only through its article and part: parses are
    shared on that key, so each distinct label is parsed about once, whatever the
    descriptions beside it."""
    key = (raw_label, raw_desc)
    hit = rows.labels.get(key)
    if hit is not None:
        return hit
    text = cell_text(raw_label)
    inherits = text[:1] in _INHERITS
    context = None if previous is None else (previous.article, previous.part)
    if inherits:
        key = (raw_label, raw_desc, context)
        hit = rows.labels.get(key)
        if hit is not None:
            return hit
    desc = cell_text(raw_desc) if has_desc else None
    # parse_label reads the label only as text, the description only through which
    # total it names and (for an empty label) whether it is empty: the same article in
    # 10-а (described) and in 10.3 (not) is parsed once
    pkey = (text, classify_total(desc) if desc else None, bool(desc) if not text else None,
            context if text[:1] in _CONTEXTUAL else None)
    lab = rows.parsed.get(pkey)
    if lab is None:
        try:
            lab = parse_label(raw_label, desc, previous=previous, file=file,
                              member=member, sheet=sheet, row=row, column=column)
        except LabelShapeError:
            if rows.strict:
                raise
            lab = Label("rejected")
        rows.parsed[pkey] = lab
    noted = with_description_note(lab, desc) if lab.row_type in ("article",
                                                                 "paragraph") else lab
    # the last item: the row's label id per subset (see _described)
    hit = (lab, noted, text, desc, not inherits, {})
    rows.labels[key] = hit
    return hit


def _read_sheet_into(rows: _Rows, sheet, form: str, *, year: int, wb: Workbook) -> None:
    file, member = wb.source_file, wb.member
    header = find_header(sheet.grid, sheet.merges, file=file, member=member,
                         sheet=sheet.name)
    measures = []
    seen = {}
    for col, _number, text in header.columns:
        letter = column_letter(col)
        name = measure_for(form, text, file=file, member=member, sheet=sheet.name,
                           column=letter)
        if name in seen:
            raise InputError(f"two columns map to measure {name!r} (also column "
                             f"{seen[name]})", file=file, member=member, sheet=sheet.name,
                             column=letter, expected="one column per measure")
        seen[name] = letter
        measures.append((col, letter, name))
    subset = _subset_of(sheet, header) if form == "10-a" else None
    label_col, desc_col, line_col = header.label_col, header.description_col, header.line_col
    label_letter = column_letter(label_col)
    line_letter = column_letter(line_col) if line_col is not None else None
    start = header.number_row + 1
    body = sheet.grid[start:]
    if not body or not measures:
        return
    # the value block as one object array: cell kinds, counts and problems, vectorised
    cols = [c for c, _, _ in measures]
    letters = np.array([x for _, x, _ in measures], dtype=object)
    names = np.array([n for _, _, n in measures], dtype=object)
    pick = itemgetter(*cols)
    # the cells row by row in one flat list, and which are floats, both by C-level
    # iteration (no Python call per cell); the few others (blanks, text, integers,
    # booleans, dates) are told apart one by one by their exact type
    if cols == list(range(cols[0], cols[-1] + 1)):  # adjacent columns: row slices
        flat = list(chain.from_iterable(map(getitem, body,
                                            repeat(slice(cols[0], cols[-1] + 1)))))
    else:
        flat = (list(chain.from_iterable(map(pick, body))) if len(cols) > 1
                else list(map(pick, body)))
    number = np.fromiter(map(isinstance, flat, repeat(float)), dtype=bool,
                         count=len(flat))
    empty = np.zeros(len(flat), dtype=bool)
    for k in np.flatnonzero(~number).tolist():
        kind = _KIND.get(type(flat[k]), _OTHER)
        if kind == _NUMBER:
            number[k] = True
            continue
        empty[k] = kind == _TEXT and flat[k] == ""
        flat[k] = 0.0   # no count: 0 (the list is ours)
    shape = (len(body), len(cols))
    counts = np.array(flat, dtype=np.float64).reshape(shape)
    del flat
    number, empty = number.reshape(shape), empty.reshape(shape)
    with np.errstate(invalid="ignore"):
        clean = number & (counts >= 0) & (np.mod(counts, 1) == 0)
    slow = (~(clean | empty)).any(axis=1)   # text, bools, fractions, negatives: cell by cell
    wanted = np.flatnonzero(clean.any(axis=1) | slow)
    previous = None
    picked, slow_keep, described, numbers, lines = [], [], [], [], []
    labels_get = rows.labels.get
    sheet_name, sha = sheet.name, wb.source_sha256
    slow_rows = slow.tolist()
    for i in wanted.tolist():
        r = start + i
        cells = body[i]
        if slow_rows[i]:
            keep = _slow_row(cells, measures, file=file, member=member, sheet=sheet.name,
                             row=r + 1)
            if keep is None:
                continue  # a note row (footnote, date stamp): no counts
            for j in np.flatnonzero(keep):
                counts[i, j] = float(_value(cells[cols[j]], file=file, member=member,
                                            sheet=sheet.name, row=r + 1,
                                            column=letters[j]))
            slow_keep.append((i, keep))
        raw_label = cells[label_col]
        raw_desc = cells[desc_col] if desc_col is not None else None
        hit = labels_get((raw_label, raw_desc))  # _parse's first cache, without a call
        if hit is None:
            hit = _parse(rows, raw_label, raw_desc, desc_col is not None, previous,
                         file=file, member=member, sheet=sheet_name, row=r + 1,
                         column=label_letter)
        lab = hit[0]
        if lab.row_type in ("article", "paragraph"):
            previous = lab
        label_id = hit[5].get(subset)
        if label_id is None:
            label_id = _described(rows, hit, subset)
        line = cells[line_col] if line_col is not None else None
        if type(line) is float and line >= 0 and line.is_integer():
            line = int(line)  # the common case, as _value reads it
        elif isinstance(line, (int, float)):
            line = _value(line, file=file, member=member, sheet=sheet.name, row=r + 1,
                          column=line_letter)
        else:
            line = None
        picked.append(i)
        described.append(label_id)
        numbers.append(r + 1)
        lines.append(line)
    if not picked:
        return
    base = rows.n
    rows.n += len(picked)
    rows.rows.append((rows.code("sheet", (year, form, file, member, sheet_name, sha)),
                      np.array(described, dtype=np.int32),
                      np.array(numbers, dtype=np.int64), lines))
    mask = np.zeros(shape, dtype=bool)
    chosen = np.array(picked)
    mask[chosen] = clean[chosen]
    for i, keep in slow_keep:
        mask[i] = keep
    at = np.flatnonzero(mask)   # row-major: rows, then header order
    where_row, where_col = np.divmod(at, shape[1])
    pos = np.full(len(body), -1, dtype=np.int64)
    pos[chosen] = np.arange(base, base + len(picked))
    rows.chunks.append((pos[where_row], rows.codes("measure", names)[where_col],
                        counts.ravel()[at].astype(np.int64),
                        rows.codes("column", letters)[where_col]))


#: kinds of value cells by their exact Python type (``bool`` is not a number; dates,
#: ``None`` and the rest are "other": read cell by cell, see :func:`_slow_row`)
_NUMBER, _TEXT, _OTHER = 1, 2, 3
_KIND = {float: _NUMBER, int: _NUMBER, str: _TEXT}


def _slow_row(cells, measures, *, file, member, sheet, row):
    """Cell-by-cell reading of a row holding something other than counts and blanks.

    Returns the boolean mask of the measures holding a count, or None for a note row
    (text only). A fractional, negative or non-finite number, or text beside counts, is
    an :class:`~repstats.errors.InputError` naming the cell.
    """
    keep, bad = [], None
    for col, letter, _name in measures:
        cell = cells[col]
        try:
            value = _value(cell, file=file, member=member, sheet=sheet, row=row,
                           column=letter)
        except InputError as exc:
            # a fractional or negative number is always an error; text in a value column
            # of a row without counts is a note (footnote, date stamp)
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                raise
            bad = bad or exc
            value = None
        keep.append(value is not None)
    if not any(keep):
        # a note row: its exception refers to this frame (traceback), which refers to the
        # exception (``bad``) and the sheet's grid: drop it, leaving no reference cycle
        del bad
        return None
    if bad is not None:
        raise bad
    return np.array(keep)


def _year_into(rows: _Rows, workbooks, year: int, where: str) -> None:
    """Identify the year's workbooks by their title sheets and read the known forms."""
    found: dict[str, Workbook] = {}
    chunks = []
    for wb in workbooks:
        book = open_book(wb.data, file=wb.source_file, member=wb.member)
        title = book.sheets(0, 1)
        fid = identify_workbook(title, file=wb.source_file, member=wb.member)
        if not fid.known:
            continue  # another form (10.1, 11, ...): its data sheets are never parsed
        sheets = title + book.sheets(1)
        if fid.year is not None and fid.year != year:
            raise InputError(f"title says year {fid.year}", file=wb.source_file,
                             member=wb.member, sheet=sheets[0].name,
                             expected=f"year {year}")
        if fid.form in found:
            other = found[fid.form]
            raise InputError(f"form {fid.form} of {year} appears twice: in "
                             f"{other.source_file} ({other.member!r}) and in "
                             f"{wb.source_file} ({wb.member!r})", file=wb.source_file,
                             member=wb.member, expected="one workbook per form and year")
        found[fid.form] = wb
        # read now (the first bad input is reported first), append in form order below
        part = _Rows(labels=rows.labels, strict=rows.strict, parsed=rows.parsed,
                     vocab=rows.vocab)
        for sheet in sheets[1:]:
            _read_sheet_into(part, sheet, fid.form, year=year, wb=wb)
        chunks.append((fid.form, part))
    required = {"10-a", "10.3"} | ({"10.3.1"} if year >= FIRST_YEAR_10_3_1 else set())
    missing = sorted(required - set(found))
    if missing:
        raise InputError(f"forms {missing} not found", file=where,
                         expected=f"workbooks of forms {sorted(required)}")
    for _form, part in sorted(chunks, key=lambda c: _FORM_ORDER[c[0]]):
        rows.extend(part)


def read_sheet(sheet, form: str, *, year: int, file: str, member: str,
               strict: bool = False) -> pd.DataFrame:
    """The long-table rows (:data:`COLUMNS`) of one data sheet of a known form."""
    rows = _Rows(strict=strict)
    _read_sheet_into(rows, sheet, form, year=year,
                     wb=Workbook(file, member, b"", "", ""))
    return rows.frame()


def read_year(path, *, year: int | None = None, source_file: str | None = None,
              strict: bool = False) -> pd.DataFrame:
    """Read one year: a zip (``cdep/YYYY.zip``) or a folder of loose workbooks
    (``cdep/YYYY/``).

    Parameters
    ----------
    path : path-like
        The zip or the folder.
    year : int, optional
        Expected reporting year; default from the name (``YYYY.zip`` / ``YYYY``). Each
        form's title must state the same year.
    source_file : str, optional
        How the zip or folder is named in the output (default: ``cdep/<name>``).
    strict : bool
        Raise :class:`~repstats.courts.labels.LabelShapeError` on a garbled article
        label instead of keeping the row as ``row_type == "rejected"``.

    Returns
    -------
    pandas.DataFrame
        The long table (columns as in the module docstring), by form (10-а, 10.3,
        10.3.1), sheet order, row and column.

    Raises
    ------
    InputError
        Bad archive or folder, unreadable workbook, unknown form, missing form, two
        workbooks of one form (both named), year mismatch, missing article column,
        unknown column or label, non-integer counts: always naming where.
    """
    path = Path(path)
    if year is None:
        m = _ZIP_NAME.match(path.name)
        if not m:
            raise ValueError(f"cannot infer the year from {path.name!r}; pass year=")
        year = int(m.group(1))
    rows = _Rows(strict=strict)
    where = source_file or f"cdep/{path.name}"
    _year_into(rows, workbooks_of(path, source_file=source_file), year, where)
    return rows.frame()


def read_court_stats(raw_dir, years=None, *, strict: bool = False) -> pd.DataFrame:
    """Read every year's forms 10-а, 10.3 and 10.3.1 into one long table.

    Parameters
    ----------
    raw_dir : path-like
        The raw-data folder (layout of ``data/raw`` / the mirror: ``cdep/YYYY.zip`` or
        ``cdep/YYYY/`` of loose workbooks).
    years : iterable of int, optional
        Years to read; default every year present.
    strict : bool
        Raise on a garbled article label (``205.2 ч.2x``, ``201. 3``) instead of keeping
        the row as a documented reject (``row_type == "rejected"``, listed by
        :func:`repstats.courts.reconcile` as ``label_rejected``).

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``form``, ``article``, ``part``, ``paragraph``, ``redaction``,
        ``row_type``, ``label``, ``description``, ``measure``, ``value``,
        ``source_file``, ``member``, ``sheet``, ``row``, ``column``, ``line``,
        ``lumped_parts``, ``subset``, ``source_sha256`` (see
        :mod:`repstats.courts.reader`). Totals are flagged by ``row_type``; sum only
        ``row_type == "article"`` rows (plus ``article_group``) to get article sums.

    Raises
    ------
    ValueError
        ``raw_dir`` has no ``cdep`` folder, or a requested year has no zip nor folder.
    InputError
        A year given both as a zip and as a folder; any bad input (see
        :func:`read_year`).
    """
    return read_court_stats_table(raw_dir, years, strict=strict).frame()


def read_court_stats_table(raw_dir, years=None, *, strict: bool = False) -> LongTable:
    """:func:`read_court_stats` as a :class:`~repstats.courts.longtable.LongTable`:
    numbers, and every string column as a categorical built from the reader's own codes,
    the strings themselves made only when asked for (:meth:`LongTable.frame
    <repstats.courts.longtable.LongTable.frame>`, :meth:`LongTable.arrow
    <repstats.courts.longtable.LongTable.arrow>`).

    Parameters and errors as :func:`read_court_stats`.

    Returns
    -------
    LongTable
        The long table (columns as in :func:`read_court_stats`).
    """
    raw_dir = Path(raw_dir)
    if not (raw_dir / "cdep").is_dir():
        raise ValueError(f"{raw_dir} has no 'cdep' folder of yearly zips or folders")
    present = year_sources(raw_dir)
    if years is None:
        wanted = sorted(present)
    else:
        wanted = sorted({int(y) for y in years})
        absent = [y for y in wanted if y not in present]
        if absent:
            raise ValueError(f"no zip nor folder for years {absent} in {raw_dir / 'cdep'}")
    if not wanted:
        raise ValueError(f"no cdep/YYYY.zip files nor cdep/YYYY/ folders in {raw_dir}")
    rows = _Rows(strict=strict)
    # the next year's archive is read, decompressed and hashed in a worker (zlib and
    # hashlib release the GIL) while this year's workbooks are parsed; errors still
    # surface year by year, in order
    with _gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(workbooks_of, present[wanted[0]])
        for i, y in enumerate(wanted):
            workbooks = ahead.result()
            if i + 1 < len(wanted):
                ahead = pool.submit(workbooks_of, present[wanted[i + 1]])
            _year_into(rows, workbooks, y, f"cdep/{present[y].name}")
        return rows.table()


@contextmanager
def _gc_paused():
    """The cyclic garbage collector off for the block (and back as it was after).

    The read allocates millions of cells, tuples and strings without reference cycles;
    each allocation burst triggered collections that walked every live object again
    (measured: ~0.2 s of a 1.6 s read). Reference counting still frees everything, as
    long as the read leaves no cycle behind (see the note rows of :func:`_slow_row`);
    the cycles of an error raised out of the block are collected once it is back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

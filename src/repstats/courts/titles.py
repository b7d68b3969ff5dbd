"""Inventory of the yearly zips and folders: every workbook, the form its title names, the
form its file name suggests, and whether the reader uses it.

The reader (:func:`repstats.courts.read_court_stats`) trusts only the title sheet's
``Форма № …`` cell. This module makes that visible: it lists every workbook of every zip
(including the forms deliberately not read, such as 10.1 or 11) and flags the workbooks
whose file name points to another form than their title (the 2012 ``forma_10_3`` /
``forma_10_3_1`` swap).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .excel import read_sheets
from .forms import identify_workbook
from .workbooks import workbooks_of, year_sources

__all__ = ["form_from_name", "title_inventory", "INVENTORY_COLUMNS"]

INVENTORY_COLUMNS = ["year", "source_file", "member", "n_sheets", "title_form",
                     "title_year", "name_form", "name_matches_title", "read", "reason"]

# most specific first; inside a code the real names separate with "_" or "." ("-" comes
# before the year: "forma_10_3-2011_god"), except "10-a"
_NAME_PATTERNS = (
    ("10.3.1", re.compile(r"(?<!\d)10[._ ]3[._ ]1(?!\d)")),
    ("10.3", re.compile(r"(?<!\d)10[._ ]3(?![._ ]?\d)")),
    ("10-a", re.compile(r"(?<!\d)10[._\- ]?[aаAА](?![a-zа-я])")),
)


def form_from_name(name: str) -> str | None:
    """The court form a workbook's file name suggests, or None.

    Recognises ``10.3.1``/``10_3_1``, ``10.3``/``10_3`` and ``10-a``/``10_a``/``10-а``
    (Latin or Cyrillic a). Names without such a code (``k3rwsqgv``, ``K8-svod``) give
    None: the name says nothing, which is not a mismatch.

    Parameters
    ----------
    name : str
        The member's file name.

    Raises
    ------
    ValueError
        ``name`` is not a string.
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a string, got {type(name).__name__}")
    base = Path(name.replace("\\", "/")).name
    for form, pattern in _NAME_PATTERNS:
        if pattern.search(base):
            return form
    return None


def title_inventory(raw_dir, years=None) -> pd.DataFrame:
    """List every workbook of the yearly zips with its title-sheet identity.

    Parameters
    ----------
    raw_dir : path-like
        The raw folder (``cdep/YYYY.zip`` or ``cdep/YYYY/`` inside).
    years : iterable of int, optional
        Restrict to these years (default: every year found).

    Returns
    -------
    pandas.DataFrame
        One row per workbook, in zip order (columns :data:`INVENTORY_COLUMNS`):

        - ``year`` (int64): from the zip or folder name;
        - ``source_file``: ``cdep/YYYY.zip`` or ``cdep/YYYY/<file>``; ``member``: the
          workbook's (decoded) name;
        - ``n_sheets`` (int64): worksheets in the workbook;
        - ``title_form``: the form named by the title sheet (``10-a``, ``10.3``,
          ``10.3.1``, or another form such as ``10.1``);
        - ``title_year`` (Int64): the year stated on the title (missing if none);
        - ``name_form``: the form the file name suggests (:func:`form_from_name`;
          missing when the name has no form code);
        - ``name_matches_title`` (boolean): ``name_form == title_form`` (missing when
          ``name_form`` is missing);
        - ``read`` (bool): the reader takes the workbook into the long table;
        - ``reason``: why (``"form 10.3 read"`` / ``"form 10.1 not read: not one of the
          court-statistics forms of this package"``).

    Raises
    ------
    ValueError
        A requested year has no zip nor folder.
    repstats.errors.InputError
        An unsafe or unreadable archive or workbook, or a title without a form cell.
    """
    raw = Path(raw_dir)
    found = year_sources(raw)
    wanted = sorted(found) if years is None else sorted(set(int(y) for y in years))
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise ValueError(f"no cdep/YYYY.zip nor cdep/YYYY/ under {raw} for years {missing}")
    rows = []
    for year in wanted:
        for wb in workbooks_of(found[year]):
            sheets = read_sheets(wb.data, file=wb.source_file, member=wb.member)
            fid = identify_workbook(sheets, file=wb.source_file, member=wb.member)
            name_form = form_from_name(wb.member)
            reason = (f"form {fid.form} read" if fid.known else
                      f"form {fid.form} not read: not one of the court-statistics forms "
                      "of this package")
            rows.append((year, wb.source_file, wb.member, len(sheets), fid.form, fid.year,
                         name_form, None if name_form is None else name_form == fid.form,
                         fid.known, reason))
    out = pd.DataFrame(rows, columns=INVENTORY_COLUMNS)
    out["year"] = out["year"].astype("int64")
    out["n_sheets"] = out["n_sheets"].astype("int64")
    out["title_year"] = pd.array(out["title_year"], dtype="Int64")
    out["name_matches_title"] = pd.array(out["name_matches_title"], dtype="boolean")
    out["read"] = out["read"].astype(bool)
    return out

"""Which form a workbook holds, read from its title sheet, never from its file name.

In the 2012 zip the files named ``forma_10_3`` and ``forma_10_3_1`` hold each other's
form, so only the title's ``Форма № …`` cell is trusted. The reporting year is read from the
title's ``за 12 месяцев YYYY г.`` line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from .excel import Sheet, cell_text

#: Forms read into the long table, keyed by their canonical code.
FORMS = {
    "10-a": "number of persons convicted, acquitted and dismissed, by article and part "
            "(main and additional qualification)",
    "10.3": "kinds of punishment by the most serious offence (without cumulation)",
    "10.3.1": "prison-term brackets and fine sizes (appendix to form 10.3; from 2011)",
}
#: Other forms shipped in the same zips; recognised and deliberately not read.
OTHER_FORMS = frozenset({"10.1", "10.2", "11", "11.1", "11.2", "12", "6-МВ-НОН"})

_FORM_CELL = re.compile(r"^Форма\s*№\s*(\S+)")
_YEAR = re.compile(r"\bза\s+(?:\d+\s+месяцев\s+)?((?:19|20)\d{2})\s*г", re.IGNORECASE)


@dataclass(frozen=True)
class FormId:
    """The identity of a workbook: ``form`` code and reporting ``year`` (None if absent)."""

    form: str
    year: int | None
    known: bool


def normalize_form_code(code: str) -> str:
    """``'10-а'`` (Cyrillic) / ``'10-A'`` -> ``'10-a'``; trailing dots removed."""
    code = code.strip().rstrip(".,;")
    code = code.replace("А", "a").replace("а", "a").replace("A", "a")
    return code


def identify_form(grid, *, file=None, member=None, sheet=None) -> FormId:
    """Identify the form from a title-sheet grid.

    Parameters
    ----------
    grid : list of list
        The title sheet's cells.

    Returns
    -------
    FormId
        ``form`` is one of :data:`FORMS` (``known=True``) or one of :data:`OTHER_FORMS`
        (``known=False``).

    Raises
    ------
    InputError
        No ``Форма № …`` cell, two different ones, or a form code that is none of the
        court-statistics forms.
    """
    found, years = [], []
    for r, row in enumerate(grid):
        texts = [t for t in map(cell_text, [v for v in row if v != ""]) if t]
        joined = " ".join(texts)
        for text in texts:
            m = _FORM_CELL.match(text)
            if m:
                found.append((normalize_form_code(m.group(1)), r + 1))
        if joined.lower().startswith("за "):
            y = _YEAR.search(joined)
            if y:
                years.append(int(y.group(1)))
    codes = sorted({f for f, _ in found})
    if not codes:
        raise InputError("no 'Форма № …' cell on the title sheet: not a court-statistics "
                         "form", file=file, member=member, sheet=sheet,
                         expected="a title sheet naming form 10-а, 10.3 or 10.3.1")
    if len(codes) > 1:
        raise InputError(f"title sheet names several forms {codes}", file=file,
                         member=member, sheet=sheet, row=found[0][1],
                         expected="exactly one 'Форма № …' cell")
    code = codes[0]
    if code not in FORMS and code not in OTHER_FORMS:
        raise InputError(f"unknown form {code!r}", file=file, member=member, sheet=sheet,
                         row=found[0][1], expected=f"one of {sorted(FORMS)} or "
                         f"{sorted(OTHER_FORMS)}")
    year = years[0] if years else None
    return FormId(form=code, year=year, known=code in FORMS)


def identify_workbook(sheets: list[Sheet], *, file=None, member=None) -> FormId:
    """Identify a workbook from its first (title) sheet; see :func:`identify_form`."""
    if not sheets:
        raise InputError("workbook has no sheets", file=file, member=member,
                         expected="a title sheet and data sheets")
    return identify_form(sheets[0].grid, file=file, member=member, sheet=sheets[0].name)

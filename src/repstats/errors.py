"""Exceptions that name where bad input was found."""
from __future__ import annotations


class RepstatsError(Exception):
    """Base class of every error repstats raises on purpose."""


class InputError(RepstatsError, ValueError):
    """Bad input data: names the file, archive member, sheet, row and column.

    Row numbers are 1-based as a spreadsheet shows them; ``None`` parts are omitted.
    """

    def __init__(self, message: str, *, file=None, member=None, sheet=None, row=None,
                 column=None, expected=None):
        self.file, self.member, self.sheet = file, member, sheet
        self.row, self.column, self.expected = row, column, expected
        where = []
        for label, value in (("file", file), ("member", member), ("sheet", sheet),
                             ("row", row), ("column", column)):
            if value is not None:
                where.append(f"{label} {value!r}" if label in ("sheet", "member", "column")
                             else f"{label} {value}")
        text = message
        if where:
            text += " [" + ", ".join(where) + "]"
        if expected:
            text += f"; expected {expected}"
        super().__init__(text)


class ChecksumError(RepstatsError):
    """A downloaded or copied file does not match the manifest's sha256."""


class FetchError(RepstatsError):
    """A source could not be obtained (offline, no URL, HTTP error)."""


class ValidationError(RepstatsError):
    """A table failed its schema; the message lists every failure."""

"""Safe reading of the yearly court-statistics zips.

Guards: member names are decoded (the 2009–2010 zips store cp866 names without the UTF-8
flag), ``__MACOSX/`` resource forks and folder entries are skipped, absolute paths and
``..`` components are refused, and every member's declared and actual uncompressed size is
bounded. Any member that is not an Excel workbook is an :class:`~repstats.errors.InputError`.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError

#: Largest uncompressed member accepted (bytes); the real forms are below 1.1 MB.
MAX_MEMBER_BYTES = 50 * 1024 * 1024
#: Largest total uncompressed size of the accepted members of one zip (bytes).
MAX_TOTAL_BYTES = 400 * 1024 * 1024
#: Member suffixes read as workbooks.
WORKBOOK_SUFFIXES = (".xls", ".xlsx")
_UTF8_FLAG = 0x800


@dataclass(frozen=True)
class Member:
    """One workbook inside a zip: its decoded ``name`` and its bytes."""

    name: str
    data: bytes


def decode_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: cp866 when the zip did not flag its names as UTF-8."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("cp866")
    except UnicodeError:
        return name


def _is_skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.endswith("/") or (bool(parts) and parts[0] == "__MACOSX")


def read_members(path, *, label=None) -> list[Member]:
    """Read the workbooks of a zip, in the zip's own order, after checking every member.

    Parameters
    ----------
    path : path-like
        The zip file.
    label : str, optional
        How to name the file in error messages (default: the path).

    Returns
    -------
    list of Member

    Raises
    ------
    InputError
        Not a zip; a member with an unsafe path, an oversized or size-mismatched member;
        a member that is neither an Excel workbook nor a skipped ``__MACOSX/``/folder entry.
    """
    path = Path(path)
    label = label or str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable zip archive ({exc})", file=label,
                         expected="a zip of court-statistics workbooks") from exc
    members, total = [], 0
    with zf:
        for info in zf.infolist():
            name = decode_name(info)
            if _is_skipped(name):
                continue
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
                raise InputError("unsafe member path", file=label, member=name,
                                 expected="a relative path inside the archive")
            if not name.lower().endswith(WORKBOOK_SUFFIXES):
                raise InputError("unexpected member", file=label, member=name,
                                 expected="only .xls/.xlsx workbooks (and __MACOSX/ entries)")
            if info.file_size > MAX_MEMBER_BYTES:
                raise InputError(f"member too large ({info.file_size} bytes)", file=label,
                                 member=name, expected=f"at most {MAX_MEMBER_BYTES} bytes")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise InputError("archive too large when uncompressed", file=label,
                                 member=name, expected=f"at most {MAX_TOTAL_BYTES} bytes")
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise InputError(f"corrupt member ({exc})", file=label, member=name,
                                 expected="an intact zip member") from exc
            if len(data) != info.file_size:
                raise InputError(f"member size {len(data)} differs from its header "
                                 f"({info.file_size})", file=label, member=name,
                                 expected="the declared uncompressed size")
            members.append(Member(name=name, data=data))
    return members

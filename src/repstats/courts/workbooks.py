"""Where a year's workbooks come from: a zip (``cdep/YYYY.zip``) or a folder of loose
workbooks (``cdep/YYYY/*.xls``).

2009–2021 are published (and mirrored) as one zip a year; 2022–2024 as loose workbooks
whose file names change every year (``10a-2022.xls``, ``k3-svod_vse_sudy-2023.xls``, …).
Both layouts give the same :class:`Workbook` records, so the reader never depends on the
layout nor on a file name: forms are identified from their title sheets
(:mod:`repstats.courts.forms`). A year present both as a zip and as a folder is an error
naming both.

Every workbook carries two checksums: ``source_sha256`` of the file as stored under the
raw folder (the zip, or the loose workbook) and ``member_sha256`` of the workbook's own
bytes (equal to ``source_sha256`` for a loose workbook). The long table records
``source_sha256`` with every figure: the Judicial Department re-issues files, and two
editions of a year can differ by a few persons, so the checksum says exactly which
edition (the file listed in the manifest) every figure was read from.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .archive import MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, WORKBOOK_SUFFIXES, read_members

__all__ = ["Workbook", "year_sources", "year_workbooks", "workbooks_of"]

_ZIP_NAME = re.compile(r"^((?:19|20)\d{2})\.zip$")
_DIR_NAME = re.compile(r"^((?:19|20)\d{2})$")


@dataclass(frozen=True)
class Workbook:
    """One workbook of a year.

    Attributes
    ----------
    source_file : str
        The file under the raw folder, ``/``-separated: ``cdep/2016.zip`` or
        ``cdep/2022/10a-2022.xls``.
    member : str
        The workbook's name: the zip member's decoded name, or the loose file's name.
    data : bytes
        The workbook's bytes.
    source_sha256, member_sha256 : str
        Hex sha256 of ``source_file`` and of ``data``.
    """

    source_file: str
    member: str
    data: bytes
    source_sha256: str
    member_sha256: str


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def year_sources(raw_dir) -> dict[int, Path]:
    """Every year under ``raw_dir/cdep``: ``{year: zip or folder}``.

    Raises
    ------
    InputError
        A year stored both as ``cdep/YYYY.zip`` and as a folder ``cdep/YYYY/`` (both
        named).
    """
    folder = Path(raw_dir) / "cdep"
    found: dict[int, Path] = {}
    if not folder.is_dir():
        return found
    for p in sorted(folder.iterdir()):
        m = _ZIP_NAME.match(p.name) if p.is_file() else (
            _DIR_NAME.match(p.name) if p.is_dir() else None)
        if not m:
            continue
        year = int(m.group(1))
        if year in found:
            a, b = sorted([found[year], p])
            raise InputError(f"year {year} is given twice: as {a.name} and as {b.name}/",
                             file=f"cdep/{a.name}",
                             expected=f"either cdep/{year}.zip or a folder cdep/{year}/ "
                             f"of loose workbooks (also found: cdep/{b.name})")
        found[year] = p
    return found


def _loose(folder: Path, prefix: str) -> list[Workbook]:
    out, total = [], 0
    for p in sorted(folder.iterdir(), key=lambda q: q.name):
        if p.name.startswith("."):
            continue  # hidden files: editor or fetch temporaries (".name.part")
        label = f"{prefix}/{p.name}"
        if p.is_symlink() or not p.is_file():
            raise InputError("unexpected entry (a folder or a link)", file=label,
                             expected="only .xls/.xlsx workbooks in a year folder")
        if not p.name.lower().endswith(WORKBOOK_SUFFIXES):
            raise InputError("unexpected file", file=label,
                             expected="only .xls/.xlsx workbooks in a year folder")
        size = p.stat().st_size
        total += size
        if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise InputError(f"workbook too large ({size} bytes)", file=label,
                             expected=f"at most {MAX_MEMBER_BYTES} bytes per workbook")
        data = p.read_bytes()
        sha = _sha(data)
        out.append(Workbook(label, p.name, data, sha, sha))
    return out


def workbooks_of(path, *, source_file: str | None = None) -> list[Workbook]:
    """The workbooks of one year, from a zip or from a folder of loose workbooks.

    Parameters
    ----------
    path : path-like
        ``cdep/YYYY.zip`` or ``cdep/YYYY/``.
    source_file : str, optional
        How the zip or folder is named in the output (default ``cdep/<name>``).

    Returns
    -------
    list of Workbook
        In the zip's order, or sorted by file name for a folder.

    Raises
    ------
    InputError
        An unsafe or unreadable zip (see :func:`repstats.courts.archive.read_members`);
        in a folder, a sub-folder, a link or a file that is not a workbook.
    """
    path = Path(path)
    prefix = source_file or f"cdep/{path.name}"
    if path.is_dir():
        return _loose(path, prefix)
    data = path.read_bytes() if path.is_file() else b""
    zsha = _sha(data)
    return [Workbook(prefix, m.name, m.data, zsha, _sha(m.data))
            for m in read_members(path, label=prefix)]


def year_workbooks(raw_dir, year: int) -> list[Workbook]:
    """The workbooks of ``year`` under ``raw_dir/cdep`` (zip or folder)."""
    sources = year_sources(raw_dir)
    if year not in sources:
        raise ValueError(f"no cdep/{year}.zip nor cdep/{year}/ under {raw_dir}")
    return workbooks_of(sources[year])

"""The manifest of upstream sources (``data/raw/manifest.csv``).

One row per raw file: ``id``, ``group``, ``file`` (path under ``data/raw`` and under the
mirror), ``description``, ``publisher``, ``url`` (direct download, may be empty),
``landing_page``, ``sha256``, ``size`` (bytes), ``licence``, ``retrieved`` (date the checksum
was recorded) and ``note`` (how to obtain the file by hand where no direct URL exists, or
caveats about the URL).
"""
from __future__ import annotations

import functools

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import paths

COLUMNS = ["id", "group", "file", "description", "publisher", "url", "landing_page",
           "sha256", "size", "licence", "retrieved", "note"]


@dataclass(frozen=True)
class Source:
    """One upstream file."""

    id: str
    group: str
    file: str
    description: str
    publisher: str
    url: str
    landing_page: str
    sha256: str
    size: int
    licence: str
    retrieved: str
    note: str


def read_manifest(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the manifest; returns one row per source (columns in :data:`COLUMNS`).

    A stage asks for dozens of sources: the checked table is kept per file version (path,
    modification time and size), and each call gets its own copy.
    """
    path = Path(path) if path is not None else paths().manifest
    st = path.stat()
    return _checked_manifest(str(path), st.st_mtime_ns, st.st_size).copy()


@functools.lru_cache(maxsize=8)
def _checked_manifest(path: str, _mtime_ns: int, _size: int) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"manifest {path} lacks columns {missing}")
    if df["id"].duplicated().any():
        raise ValueError(f"manifest {path} has duplicated ids: "
                         f"{sorted(df.loc[df['id'].duplicated(), 'id'])}")
    bad = df.loc[~df["sha256"].str.fullmatch(r"[0-9a-f]{64}"), "id"].tolist()
    if bad:
        raise ValueError(f"manifest {path}: malformed sha256 for {bad}")
    df["size"] = df["size"].astype("int64")
    return df[COLUMNS]


def sources(ids=None, groups=None, path=None) -> list[Source]:
    """Sources from the manifest, optionally restricted to ``ids`` or ``groups``.

    Raises ``ValueError`` naming any unknown id or group.
    """
    df = read_manifest(path)
    if ids:
        unknown = sorted(set(ids) - set(df["id"]) - set(df["group"]))
        if unknown:
            raise ValueError(f"unknown source id(s) {unknown}; known ids are listed by "
                             "'repstats fetch --list'")
        df = df[df["id"].isin(ids) | df["group"].isin(ids)]
    if groups:
        df = df[df["group"].isin(groups)]
    return [Source(**r) for r in df.to_dict("records")]


def raw_path(source_id: str, raw_dir=None) -> Path:
    """Where source ``source_id`` lives under ``data/raw`` (the file need not exist yet)."""
    raw = Path(raw_dir) if raw_dir is not None else paths().raw
    src = sources([source_id])[0]
    return raw / src.file

"""One place for paths.

Every path the package uses is resolved here. Resolution order for each:

1. an explicit argument to :func:`paths` (or to the CLI's ``--raw-dir`` etc.),
2. an environment variable (``REPSTATS_ROOT``, ``REPSTATS_RAW``, ``REPSTATS_PROCESSED``,
   ``REPSTATS_REPORTS``, ``REPSTATS_MIRROR``),
3. the project checkout (the folder holding ``pyproject.toml`` above this file, or the
   current directory when it has one), for an installed package the current directory.

The mirror of real upstream data defaults to ``../shared/data`` relative to the project
root, and only when that folder exists.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def _find_root() -> Path:
    env = os.environ.get("REPSTATS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "repstats").is_dir():
            return parent
    cwd = Path.cwd()
    return cwd


@dataclass(frozen=True)
class Paths:
    """Resolved project paths. ``mirror`` is ``None`` when no mirror exists."""

    root: Path
    raw: Path
    processed: Path
    reports: Path
    notebooks: Path
    mirror: Path | None

    @property
    def manifest(self) -> Path:
        """The committed manifest of upstream sources (``data/raw/manifest.csv``)."""
        candidate = self.raw / "manifest.csv"
        return candidate if candidate.is_file() else PACKAGE_DATA / "sources.csv"


def _pick(arg, env: str, default: Path) -> Path:
    if arg is not None:
        return Path(arg).resolve()
    if os.environ.get(env):
        return Path(os.environ[env]).resolve()
    return default


def paths(root=None, raw=None, processed=None, reports=None, mirror=None) -> Paths:
    """Resolve all project paths (see the module docstring for the order)."""
    base = Path(root).resolve() if root is not None else _find_root()
    if mirror is not None:
        mirror_path: Path | None = Path(mirror).resolve()
    elif os.environ.get("REPSTATS_MIRROR"):
        mirror_path = Path(os.environ["REPSTATS_MIRROR"]).resolve()
    else:
        default = (base.parent / "shared" / "data").resolve()
        mirror_path = default if default.is_dir() else None
    return Paths(
        root=base,
        raw=_pick(raw, "REPSTATS_RAW", base / "data" / "raw"),
        processed=_pick(processed, "REPSTATS_PROCESSED", base / "data" / "processed"),
        reports=_pick(reports, "REPSTATS_REPORTS", base / "reports"),
        notebooks=base / "notebooks",
        mirror=mirror_path,
    )


def reference_dir() -> Path | None:
    """``../shared/reference`` beside the project, if present (facts compiled for the project)."""
    env = os.environ.get("REPSTATS_REFERENCE")
    if env:
        return Path(env).resolve()
    p = (paths().root.parent / "shared" / "reference").resolve()
    return p if p.is_dir() else None

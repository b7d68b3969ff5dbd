"""One place for paths: where raw data, processed tables, reports and notebooks live.

Every path the package uses is resolved by :func:`paths`. For each folder the first of these
wins:

1. an explicit argument to :func:`paths` (the CLI's ``--raw-dir``, ``--processed-dir``,
   ``--out``, ``--notebooks``, ``--mirror``);
2. an environment variable (see :data:`ENVIRONMENT`);
3. the project checkout, when repstats runs from one (the folder holding ``pyproject.toml``
   and ``src/repstats`` above this file, or the current directory when it is such a
   checkout): ``data/raw``, ``data/processed``, ``reports`` and ``notebooks`` in it;
4. otherwise the user's data home (:func:`data_home`, e.g. ``~/.local/share/repstats`` on
   Linux, chosen by platformdirs): ``raw``, ``processed`` and ``reports`` in it, and the
   notebooks shipped inside the package.

So an installed package works from any folder: ``repstats fetch && repstats build`` fill the
data home and say where they wrote. The mirror of real upstream data is ``REPSTATS_MIRROR``,
else ``../shared/data`` beside a checkout when that folder exists, else none.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Data files shipped inside the package (sanctions, taxonomy, regions, manifest, ...).
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
#: The notebooks shipped inside the package (used when not running from a checkout).
PACKAGE_NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"

#: Environment variables read by :func:`paths` and :func:`data_home`, with their meaning.
ENVIRONMENT = {
    "REPSTATS_HOME": "data home when not in a checkout (default: the platform's user data "
                     "folder, e.g. ~/.local/share/repstats)",
    "REPSTATS_ROOT": "project checkout to use (default: the checkout holding the package, "
                     "or the current folder when it is one)",
    "REPSTATS_RAW": "raw data folder (default: <root>/data/raw or <home>/raw)",
    "REPSTATS_PROCESSED": "processed tables folder (default: <root>/data/processed or "
                          "<home>/processed)",
    "REPSTATS_REPORTS": "HTML reports folder (default: <root>/reports or <home>/reports)",
    "REPSTATS_NOTEBOOKS": "notebooks to execute (default: <root>/notebooks or the ones "
                          "shipped with the package)",
    "REPSTATS_MIRROR": "local mirror of the upstream files, preferred to downloading "
                       "(default: ../shared/data beside a checkout, when present)",
    "REPSTATS_REFERENCE": "compiled reference facts (default: ../shared/reference beside a "
                          "checkout)",
}


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "src" / "repstats").is_dir()


def checkout_root() -> Path | None:
    """The project checkout repstats runs from, or ``None`` for an installed package.

    ``REPSTATS_ROOT`` wins; then the checkout holding this file (an editable install or
    ``PYTHONPATH=src``); then the current directory when it is a checkout.
    """
    env = os.environ.get("REPSTATS_ROOT")
    if env:
        return Path(env).resolve()
    for parent in Path(__file__).resolve().parents:
        if _is_checkout(parent):
            return parent
    cwd = Path.cwd()
    return cwd if _is_checkout(cwd) else None


def data_home() -> Path:
    """The user's repstats data folder: ``REPSTATS_HOME``, else platformdirs' user data dir."""
    env = os.environ.get("REPSTATS_HOME")
    if env:
        return Path(env).resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("repstats", appauthor=False)).resolve()


@dataclass(frozen=True)
class Paths:
    """Resolved project paths. ``mirror`` is ``None`` when no mirror exists.

    ``root`` is the checkout, or the data home when repstats is not run from a checkout.
    """

    root: Path
    raw: Path
    processed: Path
    reports: Path
    notebooks: Path
    mirror: Path | None

    @property
    def manifest(self) -> Path:
        """The manifest of upstream sources (``<raw>/manifest.csv`` when present, else the
        copy shipped with the package)."""
        candidate = self.raw / "manifest.csv"
        return candidate if candidate.is_file() else PACKAGE_DATA / "sources.csv"

    @property
    def in_checkout(self) -> bool:
        """True when the folders are those of a project checkout."""
        return _is_checkout(self.root)


def _pick(arg, env: str, default: Path) -> Path:
    if arg is not None:
        return Path(arg).expanduser().resolve()
    if os.environ.get(env):
        return Path(os.environ[env]).expanduser().resolve()
    return default


def paths(root=None, raw=None, processed=None, reports=None, mirror=None,
          notebooks=None) -> Paths:
    """Resolve all project paths (see the module docstring for the order)."""
    if root is not None:
        base, checkout = Path(root).resolve(), True
    else:
        found = checkout_root()
        base, checkout = (found, True) if found is not None else (data_home(), False)
    if mirror is not None:
        mirror_path: Path | None = Path(mirror).expanduser().resolve()
    elif os.environ.get("REPSTATS_MIRROR"):
        mirror_path = Path(os.environ["REPSTATS_MIRROR"]).expanduser().resolve()
    elif checkout:
        default = (base.parent / "shared" / "data").resolve()
        mirror_path = default if default.is_dir() else None
    else:
        mirror_path = None
    data = base / "data" if checkout else base
    nb_default = base / "notebooks"
    if not (checkout and nb_default.is_dir()):
        nb_default = PACKAGE_NOTEBOOKS
    return Paths(
        root=base,
        raw=_pick(raw, "REPSTATS_RAW", data / "raw"),
        processed=_pick(processed, "REPSTATS_PROCESSED", data / "processed"),
        reports=_pick(reports, "REPSTATS_REPORTS", base / "reports"),
        notebooks=_pick(notebooks, "REPSTATS_NOTEBOOKS", nb_default),
        mirror=mirror_path,
    )


def reference_dir() -> Path | None:
    """``../shared/reference`` beside the checkout, if present (facts compiled for the
    project); ``REPSTATS_REFERENCE`` wins."""
    env = os.environ.get("REPSTATS_REFERENCE")
    if env:
        return Path(env).resolve()
    root = checkout_root()
    if root is None:
        return None
    p = (root.parent / "shared" / "reference").resolve()
    return p if p.is_dir() else None

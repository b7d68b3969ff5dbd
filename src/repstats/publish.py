"""Publish a build stage's outputs as one set, under a lock, and check that they are one set.

A stage writes all its files into a private staging folder; :func:`publish_stage` then
makes them visible together. The layout under ``data/processed``::

    .lock                                  held (fcntl) by the running build
    .builds/<stage>/<build id>/<file>      one folder per published build of a stage;
    .builds/<stage>/<build id>/MANIFEST.json   its files with their sha256
    .builds/<stage>/current -> <build id>  the published build (a symlink)
    <file> -> .builds/<stage>/current/<file>   the names readers open (symlinks)

The build id is a hash of the manifest, so identical builds have the same id and the
published bytes stay identical. Publishing a new build replaces the ``current`` symlink
with one ``rename`` (atomic on POSIX): a reader, or a build killed at any moment, sees
either the whole old set or the whole new set, never a mix. The names in
``data/processed`` stay readable as before (``pd.read_parquet(processed / name)``).

:func:`check_stage_files` (run by ``repstats validate``) reports a stage whose files do
not all belong to its published build, e.g. a file copied in by hand.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from .errors import RepstatsError

BUILDS = ".builds"
CURRENT = "current"
MANIFEST = "MANIFEST.json"
LOCK = ".lock"
STAGING_PREFIX = ".staging-"
#: POSIX file locks (fcntl) and symlinks, which publishing needs, are available
POSIX = os.name == "posix"


class BuildLockedError(RepstatsError):
    """Another build holds the lock on the processed folder."""


class UnsupportedPlatformError(RepstatsError):
    """The platform lacks what publishing a build needs (POSIX locks and symlinks)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/file system allows it
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------- lock
@contextlib.contextmanager
def build_lock(processed, *, timeout: float | None = None,
               log: Callable[[str], None] | None = None):
    """Hold the exclusive build lock of ``processed`` (``processed/.lock``).

    A second build waits for the first one to finish (saying so through ``log``);
    with ``timeout`` (seconds) it gives up with :class:`BuildLockedError` naming the
    process that holds the lock. The lock is released when the process ends, even when
    it is killed, so a crashed build never leaves a stale lock.

    Raises :class:`UnsupportedPlatformError` where there is no ``fcntl`` (Windows).
    """
    if not POSIX:
        # fcntl locks and the symlinks publish_stage swaps have no Windows equivalent
        # that keeps a stage's files one set; an error now, before anything is written
        raise UnsupportedPlatformError(
            "repstats build publishes its tables with POSIX file locks and symbolic links "
            "(Linux, macOS); on Windows run it inside WSL "
            "(https://learn.microsoft.com/windows/wsl/install)")
    import fcntl

    folder = Path(processed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            if timeout is not None and timeout <= 0:
                raise BuildLockedError(f"another build (pid {holder}) is writing {folder}; "
                                       "wait for it to finish") from None
            if log:
                log(f"waiting for another build (pid {holder}) to finish writing {folder}")
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise BuildLockedError(
                            f"another build (pid {holder}) still holds {path} after "
                            f"{timeout:g}s") from None
                    time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock


# ------------------------------------------------------------------------ stale files
def clean_stale(processed) -> list[Path]:
    """Remove what interrupted builds left in ``processed``; call it under the lock.

    Removes temporary ``*.part`` files (from :func:`repstats.io.atomic_path`), staging
    folders of unfinished stages, and build folders that are not the published one.
    Returns what was removed.
    """
    folder = Path(processed)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for part in folder.rglob("*.part"):
        if part.is_file() and not part.is_symlink():
            part.unlink()
            removed.append(part)
    builds = folder / BUILDS
    if builds.is_dir():
        for stage_dir in builds.iterdir():
            if not stage_dir.is_dir() or stage_dir.is_symlink():
                continue
            current = stage_dir / CURRENT
            keep = os.readlink(current) if current.is_symlink() else None
            for entry in stage_dir.iterdir():
                if entry.name == CURRENT or entry.name == keep:
                    continue
                if entry.is_symlink() or entry.is_file():
                    entry.unlink()
                else:
                    shutil.rmtree(entry)
                removed.append(entry)
    return removed


# ----------------------------------------------------------------------------- publish
def staging_dir(processed, stage: str) -> Path:
    """A fresh, empty staging folder for ``stage`` inside ``processed``."""
    base = Path(processed) / BUILDS / stage
    base.mkdir(parents=True, exist_ok=True)
    folder = base / f"{STAGING_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    return folder


def _manifest(stage: str, staging: Path, meta: dict) -> dict:
    files = {}
    for f in sorted(staging.iterdir()):
        if f.name == MANIFEST or f.name.startswith("."):
            continue
        if not f.is_file() or f.is_symlink():
            raise RepstatsError(f"stage {stage} wrote {f}, which is not a plain file")
        files[f.name] = _sha256(f)
    return {"stage": stage, "files": files, **meta}


def _replace_symlink(link: Path, target: str) -> None:
    tmp = link.with_name(f".{link.name}.{os.getpid()}.link")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _published_manifest(processed: Path, stage: str) -> dict | None:
    path = processed / BUILDS / stage / CURRENT / MANIFEST
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def publish_stage(processed, stage: str, staging, meta: dict | None = None) -> list[Path]:
    """Publish every file in ``staging`` as the outputs of ``stage``; returns their paths.

    Call it under :func:`build_lock`. Steps: checksum the files into ``MANIFEST.json``,
    flush everything to disk, move the staging folder to ``.builds/<stage>/<build id>``,
    make sure every output name is a symlink through ``.builds/<stage>/current``, then
    switch ``current`` to the new build with one atomic rename (the commit point), and
    finally remove the previous build and names the new build no longer has.
    """
    processed = Path(processed)
    staging = Path(staging)
    stage_dir = processed / BUILDS / stage
    manifest = _manifest(stage, staging, dict(meta or {}))
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    build_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    (staging / MANIFEST).write_text(text, encoding="utf-8")
    for f in staging.iterdir():
        _fsync_file(f)
    _fsync_dir(staging)
    for f in staging.iterdir():  # published copies are read-only: edit by rebuilding
        os.chmod(f, 0o444)
    final = stage_dir / build_id
    if final.exists() and _intact(final, manifest, text):
        shutil.rmtree(staging)  # same content as the existing build: keep that folder
    else:  # never touch a folder that may be published: use a fresh name
        final = final.with_name(f"{build_id}-{time.time_ns()}") if final.exists() else final
        os.replace(staging, final)
    _fsync_dir(stage_dir)

    old = _published_manifest(processed, stage)
    current = stage_dir / CURRENT
    if current.is_dir() and not current.is_symlink():  # a copied folder: links followed
        os.replace(current, stage_dir / f"copy-{time.time_ns()}")  # removed below
    others = _names_of_other_stages(processed, stage)
    for name in manifest["files"]:
        if name in others:
            raise RepstatsError(f"stage {stage} writes {name}, already published by stage "
                                f"{others[name]}")
        link = processed / name
        target = f"{BUILDS}/{stage}/{CURRENT}/{name}"
        if not (link.is_symlink() and os.readlink(link) == target):
            _replace_symlink(link, target)  # dangles until the switch below: no mixed set
    _fsync_dir(processed)
    _replace_symlink(stage_dir / CURRENT, final.name)  # the commit point
    _fsync_dir(stage_dir)

    if old:
        for name in set(old["files"]) - set(manifest["files"]):
            link = processed / name
            if link.is_symlink() and os.readlink(link).startswith(f"{BUILDS}/{stage}/"):
                link.unlink()
    for entry in stage_dir.iterdir():
        if entry.name not in (CURRENT, final.name) and not entry.name.startswith(
                STAGING_PREFIX):
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() \
                else entry.unlink()
    return [processed / name for name in manifest["files"]]


def _intact(folder: Path, manifest: dict, text: str) -> bool:
    """``folder`` holds exactly the files of ``manifest`` with their checksums."""
    try:
        if (folder / MANIFEST).read_text("utf-8") != text:
            return False
        return all(_sha256(folder / n) == d for n, d in manifest["files"].items())
    except OSError:
        return False


def _names_of_other_stages(processed: Path, stage: str) -> dict[str, str]:
    names = {}
    builds = processed / BUILDS
    if builds.is_dir():
        for other in builds.iterdir():
            if other.name != stage:
                m = _published_manifest(processed, other.name)
                names.update({n: other.name for n in (m or {}).get("files", {})})
    return names


# ---------------------------------------------------------------------------- validate
def check_stage_files(processed, stage: str, expected=None) -> pd.DataFrame:
    """Check that the files of ``stage`` in ``processed`` are one published build.

    Parameters
    ----------
    processed : path-like
        The processed folder.
    stage : str
        Stage name.
    expected : iterable of str, optional
        Output names the stage must have published (in addition to the manifest's).

    Returns
    -------
    pandas.DataFrame
        Columns ``stage``, ``check``, ``status`` ("pass" or "fail"), ``detail``: one
        ``build_manifest`` row (the stage has a published build) and one
        ``one_build:<file>`` row per file: the file under that name in ``processed``
        has the sha256 the manifest records (normally it is a symlink to the published
        copy; a plain copy of the same bytes, e.g. after ``shutil.copytree``, passes). A
        file replaced or edited by hand, or left from another build, fails.
    """
    processed = Path(processed)
    rows = []
    manifest = _published_manifest(processed, stage)
    if manifest is None:
        rows.append((stage, "build_manifest", "fail",
                     f"no published build of stage {stage} in {processed} (missing "
                     f"{BUILDS}/{stage}/{CURRENT}/{MANIFEST}); run `repstats build --stage "
                     f"{stage}`"))
        return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])
    current = processed / BUILDS / stage / CURRENT
    build_id = os.readlink(current) if current.is_symlink() else f"{CURRENT} (a copy)"
    rows.append((stage, "build_manifest", "pass",
                 f"build {build_id}: {len(manifest['files'])} file(s)"))
    names = dict(manifest["files"])
    for name in expected or ():
        names.setdefault(name, None)
    for name, digest in sorted(names.items()):
        link = processed / name
        problem = None
        if digest is None:
            problem = "not in the published build's manifest"
        elif not link.exists():
            problem = "missing"
        elif _sha256(link) != digest:
            linked = link.is_symlink() and os.readlink(link) == \
                f"{BUILDS}/{stage}/{CURRENT}/{name}"
            problem = ("content differs from the published build's manifest (edited?)"
                       if linked else "replaced by a file that is not the published "
                       "build's (copied in by hand, or from another build?)")
        rows.append((stage, f"one_build:{name}", "fail" if problem else "pass",
                     f"{link}: {problem}; rebuild the stage" if problem
                     else f"belongs to build {build_id}"))
    return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])

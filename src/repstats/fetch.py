"""Fill ``data/raw`` from the local mirror or from upstream, verifying checksums.

For every source in the manifest: if ``data/raw/<file>`` exists with the right sha256 it is
kept; else it is copied from the mirror (``REPSTATS_MIRROR``, default ``../shared/data``)
when the mirror has it, else downloaded from its URL. Every file is written to a temporary
file and moved into place only after its sha256 matches, so a mismatch or an interrupted
transfer leaves nothing behind. Sources without a direct URL raise :class:`FetchError` with
the manifest's instructions for obtaining the file by hand.
"""
from __future__ import annotations

import hashlib
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .config import paths
from .errors import ChecksumError, FetchError
from .io import atomic_path
from .sources import Source, sources

CHUNK = 1 << 16


def sha256_file(path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class FetchResult:
    id: str
    path: Path
    action: str  # "present", "copied", "downloaded", "skipped"
    detail: str = ""


def _progress(label: str, done: int, total: int, stream) -> None:
    if stream is None:
        return
    pct = f"{100 * done / total:5.1f}%" if total else f"{done} B"
    stream.write(f"\r  {label}: {pct}")
    stream.flush()


def _copy_verified(src: Source, origin, target: Path, stream, opener) -> None:
    """Copy ``origin`` (a path or a URL) to ``target`` through a temp file, checking sha256."""
    h = hashlib.sha256()
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as out:
            if isinstance(origin, Path):
                total = origin.stat().st_size
                fh = open(origin, "rb")
            else:
                fh = opener(origin)
                total = int(fh.headers.get("Content-Length") or src.size or 0)
            with fh:
                done = 0
                for block in iter(lambda: fh.read(CHUNK), b""):
                    out.write(block)
                    h.update(block)
                    done += len(block)
                    if src.size and done > 4 * src.size + CHUNK:
                        raise ChecksumError(f"{src.id}: {origin} sends more than 4x the "
                                            f"expected {src.size} bytes; aborted")
                    _progress(src.id, done, total, stream)
        if stream is not None:
            stream.write("\n")
        digest = h.hexdigest()
        if digest != src.sha256:
            raise ChecksumError(
                f"{src.id}: checksum mismatch for {origin}: got sha256 {digest}, the manifest "
                f"expects {src.sha256}; nothing was written to {target}")


def _open_url(url: str, timeout: float = 60.0, retries: int = 3, backoff: float = 1.0):
    last: Exception | None = None
    for attempt in range(retries):
        try:
            req = urllib.request.Request(url, headers={"User-Agent": "repstats-fetch/0.1"})
            return urllib.request.urlopen(req, timeout=timeout)
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
            last = exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            last = exc
        time.sleep(backoff * (2 ** attempt))
    raise FetchError(f"{url}: could not connect after {retries} attempts ({last}); "
                     "are you offline? Put the mirror beside the project or set "
                     "REPSTATS_MIRROR") from last


def fetch_one(src: Source, raw_dir: Path, mirror: Path | None, *, stream=None,
              offline: bool = False, opener=_open_url, skip_manual: bool = False) -> FetchResult:
    """Make sure ``raw_dir/src.file`` exists with the manifest's checksum.

    With ``skip_manual``, a source that has no direct URL and is not in the mirror is
    skipped (``action == "skipped"``, with the instructions in ``detail``) instead of
    raising; the build stages then report it as absent.
    """
    target = raw_dir / src.file
    if target.is_file() and sha256_file(target) == src.sha256:
        return FetchResult(src.id, target, "present")
    if mirror is not None and (mirror / src.file).is_file():
        _copy_verified(src, mirror / src.file, target, stream, opener)
        return FetchResult(src.id, target, "copied")
    if not src.url and skip_manual:
        return FetchResult(src.id, target, "skipped",
                           f"no direct URL and not in the mirror. {src.note}")
    if not src.url:
        raise FetchError(
            f"{src.id}: not in the mirror and no direct URL. {src.note} "
            f"Landing page: {src.landing_page}. Expected at {target} with sha256 {src.sha256}.")
    if offline:
        raise FetchError(f"{src.id}: not in the mirror and --offline was given")
    try:
        _copy_verified(src, src.url, target, stream, opener)
    except FetchError as exc:
        hint = f" By hand: {src.note}" if src.note else ""
        raise FetchError(f"{src.id}: {exc}.{hint} Landing page: {src.landing_page}") from exc
    return FetchResult(src.id, target, "downloaded")


def fetch(ids=None, *, raw_dir=None, mirror=None, offline=False, stream=sys.stderr,
          keep_going=False, opener=_open_url, skip_manual=False) -> list[FetchResult]:
    """Fetch the given source ids or groups (all when ``None``).

    Returns one :class:`FetchResult` per source. With ``keep_going`` every source is tried
    and a single :class:`FetchError` listing all failures is raised at the end.
    """
    p = paths(raw=raw_dir, mirror=mirror)
    results, failures = [], []
    for src in sources(ids):
        try:
            results.append(fetch_one(src, p.raw, p.mirror, stream=stream, offline=offline,
                                     opener=opener, skip_manual=skip_manual))
        except (FetchError, ChecksumError) as exc:
            if not keep_going:
                raise
            failures.append(str(exc))
    if failures:
        raise FetchError("some sources could not be fetched:\n  " + "\n  ".join(failures))
    return results



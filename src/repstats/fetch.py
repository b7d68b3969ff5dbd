"""Fill the raw folder from the local mirror or from upstream, verifying checksums.

For every source in the manifest: if ``<raw>/<file>`` exists with the right sha256 it is
kept; else it is copied from the mirror (``REPSTATS_MIRROR``, default ``../shared/data``
beside a checkout) when the mirror has it; else it is downloaded from its URL with
`pooch <https://www.fatiando.org/pooch>`_ (checksummed against the manifest, retried on
connection errors and checksum mismatches, written to a temporary file first). A source
without a direct URL and not in the mirror is obtained by hand: :class:`FetchError` gives
the manifest's instructions (``--skip-manual`` skips it with a warning instead).

Nothing partial is left behind: a mismatch or an interrupted transfer leaves no file, a
failed fetch removes the folders it created, and temporary files left by a killed earlier
run are removed at the start (a lock on the raw folder keeps two fetches apart).

Progress: a bar per download and an overall bar ("n of N") on a terminal; plain log lines
(logger ``repstats.fetch``) when output goes to a file.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import paths
from .errors import ChecksumError, FetchError
from .io import atomic_path
from .sources import Source, sources

log = logging.getLogger(__name__)

CHUNK = 1 << 16
#: Download attempts after the first one (pooch waits 1 s, then 2 s, between attempts
#: and never after the last).
RETRIES = 2
#: Seconds without data before a download attempt is abandoned.
TIMEOUT = 60
USER_AGENT = "repstats-fetch/0.1 (+https://pypi.org/project/repstats)"
# temporary files of an interrupted run: repstats.io.atomic_path and pooch
_STALE = re.compile(r"^(\..+\.[a-z0-9_]{8}\.part|tmp[a-z0-9_]{8})$")


def sha256_file(path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class FetchResult:
    """What :func:`fetch_one` did: ``action`` is "present", "copied", "downloaded" or
    "skipped" (``detail`` then says why and how to obtain the file)."""

    id: str
    path: Path
    action: str
    detail: str = ""


def _is_tty(stream) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


# ------------------------------------------------------------------ mirror copies
def _copy_verified(src: Source, origin: Path, target: Path) -> None:
    """Copy ``origin`` to ``target`` through a temp file, checking sha256 before the move."""
    h = hashlib.sha256()
    with atomic_path(target) as tmp:
        with open(origin, "rb") as fh, open(tmp, "wb") as out:
            for block in iter(lambda: fh.read(CHUNK), b""):
                out.write(block)
                h.update(block)
        digest = h.hexdigest()
        if digest != src.sha256:
            raise ChecksumError(
                f"{src.id}: checksum mismatch for {origin}: got sha256 {digest}, the manifest "
                f"expects {src.sha256}; nothing was written to {target}")


# ------------------------------------------------------------------ downloads (pooch)
class _Capped:
    """A writable file that refuses more than ``limit`` bytes (a server sending far more
    than the manifest's size is not sending the expected file)."""

    def __init__(self, fh, limit: int, what: str):
        self.fh, self.limit, self.what, self.n = fh, limit, what, 0

    def write(self, data):
        self.n += len(data)
        if self.limit and self.n > self.limit:
            raise ChecksumError(f"{self.what} sends more than 4x the expected size; aborted")
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)


def _downloader(src: Source, progressbar: bool):
    """A pooch downloader: pooch's HTTPDownloader with a size cap, a user agent, and client
    errors (4xx) raised at once instead of retried."""
    import pooch
    import requests

    http = pooch.HTTPDownloader(progressbar=progressbar, timeout=TIMEOUT,
                                headers={"User-Agent": USER_AGENT})

    def download(url, output_file, pooch_obj):
        with open(output_file, "w+b") as fh:
            try:
                http(url, _Capped(fh, 4 * src.size + CHUNK if src.size else 0,
                                  f"{src.id}: {url}"), pooch_obj)
            except requests.exceptions.HTTPError as exc:
                code = exc.response.status_code if exc.response is not None else 0
                if 400 <= code < 500:
                    raise FetchError(f"{url}: HTTP {code} {exc.response.reason}") from exc
                raise
    return download


def _download(src: Source, raw_dir: Path, progressbar: bool, retries: int) -> None:
    import pooch
    import requests

    pooch.get_logger().setLevel(logging.DEBUG if log.isEnabledFor(logging.DEBUG)
                                else logging.WARNING)
    fetcher = pooch.create(path=raw_dir, base_url="", retry_if_failed=retries,
                           registry={src.file: f"sha256:{src.sha256}"},
                           urls={src.file: src.url})
    try:
        fetcher.fetch(src.file, downloader=_downloader(src, progressbar))
    except ValueError as exc:  # pooch: the hash does not match, after every retry
        raise ChecksumError(f"{src.id}: checksum mismatch for {src.url} ({exc}); nothing "
                            f"was written to {raw_dir / src.file}") from exc
    except requests.exceptions.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else "?"
        raise FetchError(f"{src.url}: server error HTTP {code} after {retries + 1} "
                         "attempt(s); try again later") from exc
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"{src.url}: could not connect after {retries + 1} attempt(s) "
                         f"({type(exc).__name__}); are you offline? Put the mirror beside "
                         "the project or set REPSTATS_MIRROR") from exc


def fetch_one(src: Source, raw_dir: Path, mirror: Path | None, *, offline: bool = False,
              skip_manual: bool = False, progressbar: bool = False,
              retries: int = RETRIES) -> FetchResult:
    """Make sure ``raw_dir/src.file`` exists with the manifest's checksum.

    With ``skip_manual``, a source that has no direct URL and is not in the mirror is
    skipped (``action == "skipped"``, with the instructions in ``detail``) instead of
    raising; the build stages then report it as absent. On failure, folders this call
    created are removed again.
    """
    raw_dir = Path(raw_dir)
    target = raw_dir / src.file
    if target.is_file() and sha256_file(target) == src.sha256:
        return FetchResult(src.id, target, "present")
    if mirror is not None and (Path(mirror) / src.file).is_file():
        with _cleanup_new_dirs(target.parent, raw_dir):
            _copy_verified(src, Path(mirror) / src.file, target)
        return FetchResult(src.id, target, "copied")
    manual = f"{src.note.rstrip('.')}." if src.note else ""
    if not src.url and skip_manual:
        return FetchResult(src.id, target, "skipped",
                           f"no direct URL and not in the mirror. {manual}".strip())
    if not src.url:
        raise FetchError(
            f"{src.id}: not in the mirror and no direct URL. {manual} Landing page: "
            f"{src.landing_page}. Expected at {target} with sha256 {src.sha256}.")
    if offline:
        raise FetchError(f"{src.id}: not in the mirror and --offline was given")
    try:
        with _cleanup_new_dirs(target.parent, raw_dir):
            _download(src, raw_dir, progressbar, retries)
    except FetchError as exc:
        hint = "" if not manual else (f" {manual}" if manual.lower().startswith("by hand")
                                      else f" By hand: {manual}")
        raise FetchError(f"{src.id}: {exc}.{hint} Landing page: {src.landing_page}") from exc
    return FetchResult(src.id, target, "downloaded")


@contextlib.contextmanager
def _cleanup_new_dirs(folder: Path, stop: Path):
    """On failure, remove the folders between ``stop``'s parent and ``folder`` that did not
    exist before and are empty."""
    created = []
    p, stop = Path(folder), Path(stop)
    while not p.exists() and (p == stop or stop in p.parents):
        created.append(p)
        p = p.parent
    try:
        yield
    except BaseException:
        for d in created:  # deepest first
            with contextlib.suppress(OSError):
                d.rmdir()
        raise


# ------------------------------------------------------------------ the whole manifest
@contextlib.contextmanager
def _locked(raw_dir: Path):
    """Hold an exclusive lock on ``raw_dir`` (POSIX; no-op elsewhere)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(raw_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("fetch: another fetch is writing to %s; waiting for it", raw_dir)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_stale_temporaries(raw_dir: Path, srcs) -> list[Path]:
    """Remove temporary files an interrupted fetch left beside the manifest's files.

    Only names that :func:`repstats.io.atomic_path` (``.<name>.<random>.part``) or pooch
    (``tmp<random>``) give temporary files are removed, and only in the folders of the
    manifest's files. Returns the files removed.
    """
    removed = []
    folders = {(Path(raw_dir) / s.file).parent for s in srcs}
    for folder in sorted(folders):
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            if f.is_file() and _STALE.match(f.name):
                f.unlink()
                removed.append(f)
    if removed:
        log.info("fetch: removed %d temporary file(s) left by an interrupted run",
                 len(removed))
    return removed


def fetch(ids=None, *, raw_dir=None, mirror=None, offline=False, keep_going=False,
          skip_manual=False, progress=None, retries: int = RETRIES) -> list[FetchResult]:
    """Fetch the given source ids or groups (all when ``None``).

    Parameters
    ----------
    progress : bool, optional
        Show progress bars (overall and per download); default: when stderr is a
        terminal. Without bars, one log line per source ("fetch 3 of 51: ...") is logged
        at INFO level.

    Returns
    -------
    list of FetchResult
        One per source. With ``keep_going`` every source is tried and a single
        :class:`FetchError` listing all failures is raised at the end.
    """
    p = paths(raw=raw_dir, mirror=mirror)
    srcs = sources(ids, path=p.manifest)
    bars = _is_tty(sys.stderr) if progress is None else bool(progress)
    created_raw = not p.raw.exists()
    p.raw.mkdir(parents=True, exist_ok=True)
    results, failures = [], []
    try:
        with _locked(p.raw):
            remove_stale_temporaries(p.raw, srcs)
            overall = _overall_bar(len(srcs)) if bars else None
            try:
                for k, src in enumerate(srcs, 1):
                    if overall is not None:
                        overall.set_postfix_str(src.id)
                    try:
                        r = fetch_one(src, p.raw, p.mirror, offline=offline,
                                      skip_manual=skip_manual, progressbar=bars,
                                      retries=retries)
                    except (FetchError, ChecksumError) as exc:
                        if not keep_going:
                            raise
                        failures.append(str(exc))
                        log.info("fetch %d of %d: %s failed", k, len(srcs), src.id)
                        continue
                    finally:
                        if overall is not None:
                            overall.update()
                    results.append(r)
                    if r.action == "skipped":
                        log.warning("fetch: %s skipped: %s", r.id, r.detail)
                    elif overall is None:
                        log.info("fetch %d of %d: %s %s", k, len(srcs), r.id, r.action)
            finally:
                if overall is not None:
                    overall.close()
    finally:
        if created_raw and not any(p.raw.iterdir()):
            p.raw.rmdir()
    if failures:
        raise FetchError("some sources could not be fetched:\n  " + "\n  ".join(failures))
    return results


def _overall_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="fetch", file=sys.stderr, leave=False,
                bar_format="{desc} {n_fmt} of {total_fmt} |{bar}| {postfix}")


def summary(results: list[FetchResult]) -> str:
    """"51 source(s) (50 copied, 1 skipped)": one line for the end of a fetch."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.action] = counts.get(r.action, 0) + 1
    return f"{len(results)} source(s) (" + ", ".join(
        f"{v} {k}" for k, v in sorted(counts.items())) + ")"


__all__ = ["fetch", "fetch_one", "FetchResult", "sha256_file", "remove_stale_temporaries",
           "summary", "RETRIES", "TIMEOUT"]

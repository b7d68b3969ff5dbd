"""Shared fixtures.

Tests that need the real-data mirror (``../shared/data``) use the ``mirror`` fixture: it
skips with a clear reason when the mirror is absent, except under CI (``CI=true``), where
its absence is a failure. Unit tests build their own small inputs in code.
"""
from __future__ import annotations

import fcntl
import json
import os
import traceback
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

# CI runs are reproducible: the same examples every run (locally, hypothesis explores).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")

matplotlib.use("Agg")

from repstats.config import paths, reference_dir  # noqa: E402


def _need(path: Path | None, what: str) -> Path:
    if path is not None and path.is_dir():
        return path
    msg = (f"{what} not found (looked for ../shared beside the project root; set "
           "REPSTATS_MIRROR / REPSTATS_REFERENCE to point elsewhere)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}: under CI the mirror is required")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The raw-data mirror; its layout is the same as ``data/raw``."""
    return _need(paths().mirror, "raw-data mirror")


@pytest.fixture(scope="session")
def reference() -> Path:
    """``../shared/reference`` (facts compiled with their sources)."""
    return _need(reference_dir(), "reference folder")


# ------------------------------------------------------------ once per run, across workers
def _run_root(tmp_path_factory) -> Path:
    """A folder shared by every pytest-xdist worker of this run (and by no other run)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _flock(path: Path):
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _once(root: Path, name: str, make) -> None:
    """Run ``make()`` once per test run: the first worker runs it under a lock, the others
    wait and reuse its outcome; a failure is recorded and re-raised in every worker."""
    root.mkdir(parents=True, exist_ok=True)
    done = root / f"{name}.outcome.json"
    with _flock(root / f"{name}.lock"):
        if not done.is_file():
            try:
                make()
                outcome = {"ok": True}
            except Exception as exc:  # recorded so the other worker does not redo it
                outcome = {"ok": False, "error": "".join(
                    traceback.format_exception_only(type(exc), exc)).strip()}
            done.write_text(json.dumps(outcome), encoding="utf-8")
    outcome = json.loads(done.read_text(encoding="utf-8"))
    if not outcome["ok"]:
        pytest.fail(f"shared {name} failed (once for the whole run): {outcome['error']}",
                    pytrace=False)


@pytest.fixture(scope="session")
def built(mirror, tmp_path_factory):
    """Every stage built ONCE per test run from the mirror into a temporary processed folder,
    shared by all pytest-xdist workers. Returns the :class:`repstats.config.Paths`
    (``raw`` is the mirror). Tests must only read it: copy it before changing anything."""
    from repstats.build import run_build

    root = _run_root(tmp_path_factory) / "shared-build"
    p = paths(raw=mirror, processed=root / "processed", reports=root / "reports",
              mirror=mirror)
    _once(root, "build", lambda: run_build(p, log=lambda s: None))
    return p


@pytest.fixture(scope="session")
def court_stats_real(built):
    """The long court-statistics table of every year, as the run's shared build wrote it
    (``read_court_stats(mirror)`` validated and written to parquet; the same frame)."""
    import pandas as pd

    return pd.read_parquet(built.processed / "court_stats.parquet")


@pytest.fixture(scope="session")
def reports_built(built, tmp_path_factory):
    """The three HTML reports executed ONCE per test run from :func:`built` (shared across
    workers). Returns ``(paths, files written)``; the files are listed from the reports
    folder (figures in its ``figures/``), HTML first."""
    from repstats.report import run_reports

    root = _run_root(tmp_path_factory) / "shared-build"
    _once(root, "reports", lambda: run_reports(built, log=lambda s: None))
    written = sorted((f for f in built.reports.rglob("*") if f.suffix in (".html", ".png")),
                     key=lambda f: (f.suffix != ".html", f.name))
    return built, written

"""Shared fixtures.

Tests that need the real-data mirror (``../shared/data``) use the ``mirror`` fixture: it
skips with a clear reason when the mirror is absent, except under CI (``CI=true``), where
its absence is a failure. Unit tests build their own small inputs in code.
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

from repstats.cli import skip_unused_iri_grammars

# jsonschema's "iri" grammars: ~8 CPU-s of each worker's collection, unused (see there)
skip_unused_iri_grammars()

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


# ------------------------------------------------ the run's one pipeline (tests/pipeline.py)
# Tests reach it through these fixtures; collection puts them last and starts the pipeline in
# the background at once (a run of the whole suite starts it even before collecting), so the
# workers run every other test while it works.
PIPELINE_FIXTURES = {"wheel": 1, "built": 2, "court_stats_real": 2, "installed_run": 3,
                     "reports_built": 3}
PIPELINE_TIMEOUT = 1800  # seconds a fixture waits for a step before failing


def _pipeline_dir(config) -> Path:
    return _run_root(config._tmp_path_factory) / "pipeline"


def _pipeline_rank(item) -> int:
    """0: needs nothing shared; 1: needs the mirror; 2-3: waits for a pipeline step."""
    names = set(getattr(item, "fixturenames", ()))
    rank = max((PIPELINE_FIXTURES.get(n, 0) for n in names), default=0)
    return rank or (1 if "mirror" in names else 0)


def _start_pipeline(config) -> None:
    """Start tests/pipeline.py once per run (the first worker to get here starts it)."""
    import subprocess
    import sys

    out = _pipeline_dir(config)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _flock(out.parent / "pipeline.lock"):
        if out.exists():
            return
        out.mkdir()
        mirror = paths().mirror
        args = [str(mirror)] if mirror is not None and mirror.is_dir() else []
        log = open(out / "pipeline.log", "wb")
        proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("pipeline.py")),
                                 str(out), *args], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        (out / "pipeline.pid").write_text(str(proc.pid))
        config.stash[_PIPELINE_PROC] = proc


_PIPELINE_PROC = pytest.StashKey()


def _whole_suite(config) -> bool:
    """The run selects every test (``pytest``/``make test`` with no paths, keywords, marks
    or last-failed filter), so it needs the pipeline: known before any test is collected."""
    opt = config.option
    return (config.args_source == pytest.Config.ArgsSource.TESTPATHS
            and not (opt.keyword or opt.markexpr or getattr(opt, "lf", False)
                     or getattr(opt, "deselect", None) or opt.collectonly))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """A run of the whole suite starts the pipeline before collection (in the pytest-xdist
    controller, before its workers start): collecting ~1,000 tests costs each worker many
    seconds, and the pipeline is the run's longest chain of work."""
    config = session.config
    if not os.environ.get("PYTEST_XDIST_WORKER") and _whole_suite(config):
        _start_pipeline(config)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests waiting for the pipeline run last (the same order in every pytest-xdist worker,
    as xdist requires); the pipeline starts now when a selected test needs it (after
    ``-k``/``-m``/``--deselect`` have removed theirs: hence ``trylast``)."""
    ranks = {item.nodeid: _pipeline_rank(item) for item in items}
    if not config.option.collectonly and any(
            PIPELINE_FIXTURES.keys() & set(getattr(item, "fixturenames", ()))
            for item in items):
        _start_pipeline(config)
    items.sort(key=lambda item: ranks[item.nodeid])


def pytest_sessionfinish(session, exitstatus):
    """A run stopped early (Ctrl-C, ``-x``) stops the pipeline it started."""
    proc = session.config.stash.get(_PIPELINE_PROC, None)
    stopped = session.shouldstop or session.shouldfail
    if proc is not None and (exitstatus == pytest.ExitCode.INTERRUPTED or stopped):
        proc.kill()


def pytest_unconfigure(config):
    """The worker that started the pipeline waits for it: the other worker may need it."""
    proc = config.stash.get(_PIPELINE_PROC, None)
    if proc is not None and proc.poll() is None:
        try:
            proc.wait(timeout=PIPELINE_TIMEOUT)
        except BaseException:
            proc.kill()
            raise


def _alive(pid_file: Path) -> bool:
    """The process named in ``pid_file`` still runs (a zombie, ended but not yet reaped by
    the worker that started it, does not)."""
    try:
        stat = Path(f"/proc/{pid_file.read_text().strip()}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def pipeline_step(config, step: str) -> dict:
    """Wait for ``step`` of the run's pipeline and return its record (tests/pipeline.py);
    a failed step fails the test, with the command's error output."""
    import time

    out = _pipeline_dir(config)
    record = out / f"{step}.json"
    deadline = time.monotonic() + PIPELINE_TIMEOUT
    while not record.is_file():
        if not _alive(out / "pipeline.pid") and not record.is_file():
            pytest.fail(f"the shared pipeline ended before its step {step} "
                        f"(see {out / 'pipeline.log'})", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"the shared pipeline's step {step} took over {PIPELINE_TIMEOUT} s",
                        pytrace=False)
        time.sleep(0.2)
    done = json.loads(record.read_text(encoding="utf-8"))
    if not done["ok"]:
        pytest.fail(f"shared pipeline step {step} failed (once for the whole run): "
                    f"{done['stderr'][-3000:]}", pytrace=False)
    return done


@pytest.fixture(scope="session")
def installed_run(mirror, request):
    """The run's pipeline after its last step: ``(out folder, {step: record})``."""
    from pipeline import STEPS

    out = _pipeline_dir(request.config)
    return out, {step: pipeline_step(request.config, step) for step in STEPS}


@pytest.fixture(scope="session")
def built(mirror, request):
    """Every stage built ONCE per test run from the mirror, by the installed package
    (``repstats fetch`` then ``repstats build`` outside any checkout: tests/pipeline.py),
    shared by all pytest-xdist workers. Returns the :class:`repstats.config.Paths` of that
    data home (``raw`` is its copy of the mirror). Tests must only read it: copy it before
    changing anything."""
    from pipeline import data_home

    pipeline_step(request.config, "build")
    home = data_home(_pipeline_dir(request.config))
    return paths(raw=home / "raw", processed=home / "processed", reports=home / "reports",
                 mirror=mirror)


@pytest.fixture(scope="session")
def court_stats_real(built):
    """The long court-statistics table of every year, as the run's shared build wrote it
    (``read_court_stats(mirror)`` validated and written to parquet; the same frame)."""
    import pandas as pd

    return pd.read_parquet(built.processed / "court_stats.parquet")


@pytest.fixture(scope="session")
def reports_built(built, request):
    """The three HTML reports executed ONCE per test run from :func:`built` (``repstats
    report`` of the installed package). Returns ``(paths, files written)``; the files are
    listed from the reports folder (figures in its ``figures/``), HTML first."""
    pipeline_step(request.config, "report")
    written = sorted((f for f in built.reports.rglob("*") if f.suffix in (".html", ".png")),
                     key=lambda f: (f.suffix != ".html", f.name))
    return built, written

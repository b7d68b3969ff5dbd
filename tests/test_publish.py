"""Build outputs are published as one set per stage, under a lock (issue 14 items 1-2).

The kill test runs ``repstats build`` in a forked process and kills it (SIGKILL) at every
file rename/symlink/unlink/rmdir it makes and at timed moments; after each kill
``data/processed`` must hold either the old complete set or the new complete set.
"""
from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from repstats import publish
from repstats.build import run_build, run_validate
from repstats.cli import main
from repstats.config import paths
from repstats.io import read_parquet_metadata

OVD_OUTPUTS = {"notable_cases.parquet", "ovdinfo_prosecutions.parquet",
               "ovdinfo_prosecutions_rejects.parquet", "ovdinfo_monthly_by_group.parquet",
               "ovdinfo_monthly_by_article.parquet"}


def _write_export(raw: Path, n: int) -> None:
    folder = raw / "ovdinfo_prosecutions"
    folder.mkdir(parents=True, exist_ok=True)
    records = [{"id": f"r{i}", "persecution_started": f"2022-{1 + i % 12:02d}-05",
                "case_group_en": "Anti-war case" if i % 2 else "Other",
                "persecution_article_and_part_en": ["207.3 Part 2"],
                "verdict_imprisonment_term": 12 + i} for i in range(n)]
    (folder / "export.json").write_text(json.dumps(records))


def _p(tmp_path, name="processed"):
    return paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / name)


def _snapshot(processed: Path) -> dict[str, bytes]:
    """What a reader sees: each visible name and its bytes (dangling names are absent)."""
    out = {}
    for entry in processed.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.exists():
            out[entry.name] = entry.read_bytes()
    return out


def _quiet(_msg):
    pass


def test_stage_published_as_one_set_readable_by_name(tmp_path):
    p = _p(tmp_path)
    _write_export(p.raw, 6)
    out = run_build(p, ["cases"], log=_quiet)
    assert {f.name for f in out["cases"]} == OVD_OUTPUTS
    assert len(pd.read_parquet(p.processed / "ovdinfo_prosecutions.parquet")) == 6
    checks = publish.check_stage_files(p.processed, "cases")
    assert (checks["status"] == "pass").all(), checks
    # identical inputs give the identical build (same id, same bytes)
    first = _snapshot(p.processed)
    build_id = os.readlink(p.processed / ".builds/cases/current")
    run_build(p, ["cases"], log=_quiet)
    assert _snapshot(p.processed) == first
    assert os.readlink(p.processed / ".builds/cases/current") == build_id


def test_failed_stage_keeps_the_previous_set(tmp_path):
    p = _p(tmp_path)
    _write_export(p.raw, 6)
    run_build(p, ["cases"], log=_quiet)
    before = _snapshot(p.processed)
    (p.raw / "ovdinfo_prosecutions" / "export.json").write_text("{not json")
    with pytest.raises(Exception, match="export.json"):
        run_build(p, ["cases"], log=_quiet)
    assert _snapshot(p.processed) == before
    assert not list((p.processed / ".builds/cases").glob(".staging-*"))


def test_validate_detects_a_hand_made_mixed_set(tmp_path, capsys):
    p = _p(tmp_path)
    _write_export(p.raw, 6)
    run_build(p, ["cases"], log=_quiet)
    old = (p.processed / "ovdinfo_monthly_by_group.parquet").read_bytes()
    _write_export(p.raw, 9)
    run_build(p, ["cases"], log=_quiet)
    assert main(["validate", "--stage", "cases", "--processed-dir", str(p.processed),
                 "--raw-dir", str(p.raw)]) == 0
    # 1) a file copied over the name (writes through to the published copy)
    target = p.processed / "ovdinfo_monthly_by_group.parquet"
    os.chmod(target, 0o644)  # published copies are read-only; force the edit
    shutil.copyfile(_tmp_copy(tmp_path, old), target)
    checks = run_validate(p, ["cases"]).set_index("check")
    assert checks.loc["one_build:ovdinfo_monthly_by_group.parquet", "status"] == "fail"
    assert "differs" in checks.loc["one_build:ovdinfo_monthly_by_group.parquet", "detail"]
    capsys.readouterr()
    assert main(["validate", "--stage", "cases", "--processed-dir", str(p.processed),
                 "--raw-dir", str(p.raw)]) == 1
    # 2) the name replaced by another file (mv/os.replace)
    run_build(p, ["cases"], log=_quiet)
    assert (run_validate(p, ["cases"])["status"] != "fail").all()
    os.replace(_tmp_copy(tmp_path, old), target)
    checks = run_validate(p, ["cases"]).set_index("check")
    assert checks.loc["one_build:ovdinfo_monthly_by_group.parquet", "status"] == "fail"
    assert "replaced" in checks.loc["one_build:ovdinfo_monthly_by_group.parquet", "detail"]
    # a plain copy of the folder (symlinks followed) is still one build
    copy = tmp_path / "copy"
    run_build(p, ["cases"], log=_quiet)
    shutil.copytree(p.processed, copy)
    assert (publish.check_stage_files(copy, "cases")["status"] == "pass").all()
    copy_p = paths(root=tmp_path, raw=p.raw, processed=copy)
    run_build(copy_p, ["cases"], log=_quiet)  # and can be built again
    assert (publish.check_stage_files(copy, "cases")["status"] == "pass").all()
    assert (copy / ".builds/cases/current").is_symlink()
    # 3) a legacy folder with plain files and no manifest
    legacy = _p(tmp_path, "legacy")
    legacy.processed.mkdir()
    (legacy.processed / "notable_cases.parquet").write_bytes(b"x")
    checks = publish.check_stage_files(legacy.processed, "cases").set_index("check")
    assert checks.loc["build_manifest", "status"] == "fail"


def _tmp_copy(tmp_path, data: bytes) -> Path:
    path = tmp_path / f"old-{time.monotonic_ns()}.parquet"
    path.write_bytes(data)
    return path


def test_parquet_metadata_names_sources_and_version_not_time(tmp_path):
    p = _p(tmp_path)
    _write_export(p.raw, 3)
    run_build(p, ["cases"], log=_quiet)
    meta = read_parquet_metadata(p.processed / "ovdinfo_prosecutions.parquet")
    from repstats import __version__
    assert meta["version"] == __version__ and meta["stage"] == "cases"
    sources = json.loads(meta["sources"])
    assert "never redistribute" in sources["ovdinfo_prosecutions"]
    raw_meta = pq.read_schema(p.processed / "ovdinfo_prosecutions.parquet").metadata
    assert not any(b"time" in k.lower() or b"date" in k.lower() for k in raw_meta)


def test_stale_part_files_and_staging_removed_at_start(tmp_path):
    p = _p(tmp_path)
    _write_export(p.raw, 3)
    run_build(p, ["cases"], log=_quiet)
    stale = [p.processed / ".notable_cases.parquet.abc123.part",
             p.processed / ".builds/cases/.staging-1-2/.ovdinfo.parquet.x.part"]
    stale[1].parent.mkdir()
    for f in stale:
        f.write_bytes(b"partial")
    old_build = p.processed / ".builds/cases/0123456789abcdef"
    old_build.mkdir()
    messages = []
    run_build(p, ["cases"], log=messages.append)
    assert not any(f.exists() for f in stale) and not old_build.exists()
    assert not stale[1].parent.exists()
    assert any("interrupted build" in m for m in messages)
    assert not list(p.processed.rglob("*.part"))


def test_second_build_waits_or_fails_clearly(tmp_path):
    p = _p(tmp_path)
    p.processed.mkdir(parents=True)
    fd = os.open(p.processed / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242")
        with pytest.raises(publish.BuildLockedError, match="pid 4242"):
            run_build(p, ["cases"], log=_quiet, lock_timeout=0.3)
        assert not (p.processed / "notable_cases.parquet").exists()
    finally:
        os.close(fd)
    run_build(p, ["cases"], log=_quiet, lock_timeout=0.3)  # free again
    assert (p.processed / "notable_cases.parquet").is_file()


# ------------------------------------------------------- concurrent builds and kill test
# Each build runs ``repstats build`` (the CLI's main) in a child forked from this process,
# once a build of a scratch workspace here has made every lazy import and cache warm: a
# fork costs milliseconds where a fresh interpreter importing pandas costs seconds (and a
# separate forking process would import everything again). The child exits with the
# build's exit code and never returns into pytest.
OPS = ("replace", "symlink", "unlink", "rmdir")


def _build_args(p) -> list[str]:
    return ["build", "--stage", "cases", "--root", str(p.root), "--raw-dir", str(p.raw),
            "--processed-dir", str(p.processed)]


def _child(p, *, kill_at: int = 0, err: str | None = None, gate: int | None = None,
           report: int | None = None):
    """In a forked child: build ``p`` as ``repstats build`` would, SIGKILL itself at its
    ``kill_at``-th file operation (rename, symlink, unlink, rmdir; never when 0), write
    "<operations> <seconds>" to the ``report`` pipe, and exit with the build's code."""
    code = 99
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) if err else null, 2)
        # pytest's capture holds its own streams: the CLI's messages must reach fd 2
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        if gate is not None:
            os.read(gate, 1)  # every child is forked before any starts
        calls = [0]

        def wrap(f):
            def g(*a, **k):
                calls[0] += 1
                if calls[0] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return f(*a, **k)
            return g

        for name in OPS:
            setattr(os, name, wrap(getattr(os, name)))
        started = time.monotonic()
        code = main(_build_args(p))
        if report is not None:
            os.write(report, f"{calls[0]} {time.monotonic() - started}".encode())
    except BaseException:
        code = 99
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class _Forker:
    """Builds in children forked from this process (see above)."""

    def kill_at(self, p, n: int) -> tuple[int, int | None, float | None]:
        """Build ``p``, killed at the n-th file operation (never when n = 0): exit code,
        operations counted and build seconds (None when killed)."""
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _child(p, kill_at=n, report=w)
        os.close(w)
        with os.fdopen(r) as fh:
            got = fh.read().split()
        _, status = os.waitpid(pid, 0)
        calls, seconds = (int(got[0]), float(got[1])) if got else (None, None)
        return os.waitstatus_to_exitcode(status), calls, seconds

    def kill_after(self, p, seconds: float) -> int:
        """Build ``p``, SIGKILLed ``seconds`` after it started: its exit code."""
        pid = os.fork()
        if pid == 0:
            _child(p)
        time.sleep(seconds)
        os.kill(pid, signal.SIGKILL)  # a no-op on a child that already ended (a zombie)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def concurrent(self, p, k: int) -> list[tuple[int, str]]:
        """``k`` builds of ``p`` started at once: (exit code, stderr) of each."""
        gate_r, gate_w = os.pipe()
        children = {}
        for i in range(k):
            err = str(p.root / f"concurrent-{i}.err")
            pid = os.fork()
            if pid == 0:
                os.close(gate_w)
                _child(p, err=err, gate=gate_r)
            children[pid] = err
        os.close(gate_r)
        os.close(gate_w)  # EOF starts them all
        out = []
        for pid, err in children.items():
            _, status = os.waitpid(pid, 0)
            out.append((os.waitstatus_to_exitcode(status), Path(err).read_text()))
        return out


@pytest.fixture(scope="module")
def forker(tmp_path_factory):
    warm = _p(tmp_path_factory.mktemp("forker-warm"))
    _write_export(warm.raw, 3)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(_build_args(warm)) == 0  # every lazy import and cache made here
    return _Forker()


def test_concurrent_builds_leave_one_complete_set(tmp_path, forker):
    p = _p(tmp_path)
    _write_export(p.raw, 5)
    results = forker.concurrent(p, 3)
    assert [code for code, _ in results] == [0, 0, 0], results
    # they did run at once: at least one of them found the lock taken and waited
    assert any("waiting for another build" in err for _, err in results), results
    assert (publish.check_stage_files(p.processed, "cases")["status"] == "pass").all()
    assert len(list((p.processed / ".builds/cases").iterdir())) == 2  # current + build


def test_kill_during_build_leaves_old_or_new_complete_set(tmp_path, forker):
    """SIGKILL at every rename/symlink/unlink/rmdir of a build, and at timed moments."""
    p = _p(tmp_path)
    _write_export(p.raw, 4)
    run_build(p, ["cases"], log=_quiet)
    old = _snapshot(p.processed)
    assert set(old) == OVD_OUTPUTS
    pristine = tmp_path / "pristine"
    shutil.copytree(p.processed, pristine, symlinks=True)
    _write_export(p.raw, 10)
    new_p = _p(tmp_path, "new")
    run_build(new_p, ["cases"], log=_quiet)
    new = _snapshot(new_p.processed)
    assert new != old and set(new) == OVD_OUTPUTS

    def reset():
        shutil.rmtree(p.processed)
        shutil.copytree(pristine, p.processed, symlinks=True)

    code, total, seconds = forker.kill_at(p, 0)  # counts the operations of a whole build
    assert code == 0 and total >= 10, (code, total)
    assert _snapshot(p.processed) == new
    seen = {"old": 0, "new": 0}
    # the publish is the last few operations; kill at each of them, and at some earlier
    points = sorted(set(range(max(1, total - 14), total + 1)) | {1, total // 2})
    for n in points:
        reset()
        code, _, _ = forker.kill_at(p, n)
        assert code == -signal.SIGKILL, (n, code)
        state = _snapshot(p.processed)
        assert state in (old, new), f"kill at operation {n} of {total} left a mixed set"
        seen["old" if state == old else "new"] += 1
        checks = publish.check_stage_files(p.processed, "cases")
        assert (checks["status"] == "pass").all(), (n, checks)
    assert seen["old"] and seen["new"]
    # timed kills, at moments spread over the build (between file operations too: while
    # a table is computed or written)
    def timed_kill(fraction) -> bool:
        """Kill a build of the pristine set ``fraction`` of the timed build after its
        start; whether the kill landed inside it."""
        reset()
        code = forker.kill_after(p, fraction * seconds)
        assert code in (0, -signal.SIGKILL), code
        assert _snapshot(p.processed) in (old, new), f"killed at {fraction:.1%} of a build"
        return code == -signal.SIGKILL

    killed = sum(timed_kill(fraction) for fraction in (0.25, 0.5, 0.75))
    # on a loaded machine the build timed above may have run several times slower than
    # these: then kill earlier (an eighth, a sixteenth, ... of it) until one lands inside
    fraction = 0.25
    while not killed and fraction > 0.001:
        fraction /= 2
        killed += timed_kill(fraction)
    assert killed, "every timed kill came after the build had ended"
    # the next build cleans up whatever the kills left and publishes the new set
    run_build(p, ["cases"], log=_quiet)
    assert _snapshot(p.processed) == new
    assert not list(p.processed.rglob("*.part"))
    assert not list(p.processed.rglob(".staging-*"))


def test_full_disk_mid_stage_keeps_the_previous_set(tmp_path, monkeypatch):
    import errno

    from repstats.cases import stage as cases_stage

    p = _p(tmp_path)
    _write_export(p.raw, 6)
    run_build(p, ["cases"], log=_quiet)
    before = _snapshot(p.processed)
    _write_export(p.raw, 9)
    real, calls = cases_stage.write_parquet, []

    def filling(df, target, *args, **kwargs):
        calls.append(target)
        if len(calls) == 3:
            Path(target).write_bytes(b"PAR1 half")
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(df, target, *args, **kwargs)

    monkeypatch.setattr(cases_stage, "write_parquet", filling)
    with pytest.raises(OSError, match="No space left"):
        run_build(p, ["cases"], log=_quiet)
    assert _snapshot(p.processed) == before
    assert not list((p.processed / ".builds/cases").glob(".staging-*"))
    assert (publish.check_stage_files(p.processed, "cases")["status"] == "pass").all()

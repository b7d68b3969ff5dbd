"""Every Python code block of README.md runs as written.

Blocks with ``>>>`` prompts run as doctests; other blocks are executed. A block preceded by
``<!-- readme-test: built-tables -->`` reads processed tables: it runs against tables built
here into a temporary folder (the ``cases`` stage, which needs no raw data).
"""
from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(?P<marker><!-- readme-test: (?P<kind>[\w-]+) -->\n)?```python\n"
                   r"(?P<code>.*?)```", re.DOTALL)


def blocks():
    text = README.read_text(encoding="utf-8")
    out = []
    for m in BLOCK.finditer(text):
        line = text[:m.start("code")].count("\n") + 1
        out.append(pytest.param(m.group("code"), m.group("kind"), id=f"line{line}"))
    return out


def test_readme_has_python_blocks():
    assert len(blocks()) >= 4


@pytest.fixture()
def built_tables(tmp_path, monkeypatch):
    from repstats.cases import stage
    from repstats.config import paths

    p = paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "processed")
    stage.build(p)
    monkeypatch.setenv("REPSTATS_PROCESSED", str(p.processed))
    monkeypatch.setenv("REPSTATS_RAW", str(p.raw))
    return p


@pytest.mark.parametrize("code, kind", blocks())
def test_readme_block_runs(code, kind, tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)  # blocks that write files write here
    monkeypatch.delenv("REPSTATS_PSEUDONYM_KEY", raising=False)
    if kind == "built-tables":
        request.getfixturevalue("built_tables")
    elif kind is not None:
        pytest.fail(f"unknown readme-test marker {kind!r}")
    if ">>>" in code:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(code, {}, "README", str(README), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.failures == 0 and runner.tries > 0
    else:
        with _cluster_workers_forked(code):
            exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})


def _cluster_workers_forked(code: str):
    """A block starting a dask cluster gets its worker processes forked from a server that
    has imported pandas and dask (as tests/test_scale.py's cluster does), not spawned as
    fresh interpreters that import them again: about 3 CPU-s less, the block's code and
    results the same."""
    import contextlib
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "local_cluster" not in code or "forkserver" not in methods:
        return contextlib.nullcontext()
    import dask
    import distributed  # noqa: F401  (first: it adds its defaults to dask's config, which
    # dask.config.set must find, or leaving the block removes them all)

    return dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})

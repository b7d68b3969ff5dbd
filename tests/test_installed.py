"""The installed package, outside any checkout: wheel contents, dependencies, and the
whole job (`repstats fetch`, `build`, `report` with only REPSTATS_MIRROR set).

The wheel is built offline (``pip wheel --no-build-isolation --no-deps``) and installed
with ``--no-deps`` into a fresh virtual environment that sees this environment's
third-party packages through a ``.pth`` file, so nothing is downloaded. That is the test
run's one pipeline (tests/pipeline.py, started by tests/conftest.py): its build and reports
are also the ``built`` and ``reports_built`` that the other tests read.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from repstats.config import PACKAGE_DATA
from repstats.sources import sources

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# distribution name -> import name, where they differ
IMPORT_NAMES = {"python-calamine": "python_calamine", "pyarrow": "pyarrow",
                "dask[dataframe]": "dask", "jupyterlab": "jupyterlab"}


def _dist_name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;]", requirement, maxsplit=1)[0].strip()


def _imported_modules() -> set[str]:
    names = set()
    for f in (ROOT / "src" / "repstats").rglob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_core_dependency_is_imported():
    imported = _imported_modules()
    # engines pandas loads by name: "openpyxl" (ExcelWriter engine), "calamine"
    by_name = {"openpyxl": 'engine="openpyxl"', "python_calamine": 'engine="calamine"'}
    source = "\n".join(f.read_text(encoding="utf-8")
                       for f in (ROOT / "src" / "repstats").rglob("*.py"))
    for req in PYPROJECT["project"]["dependencies"]:
        dist = _dist_name(req)
        module = IMPORT_NAMES.get(dist, dist.replace("-", "_"))
        assert module in imported or by_name.get(module, "\0") in source, \
            f"{dist} is a dependency but never imported"
    core = {_dist_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert not core & {"jupyter", "jupyterlab", "notebook", "dask", "xlrd"}
    assert {"seaborn", "pandas", "matplotlib", "scipy", "ipykernel"} <= core
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert any(r.startswith("dask") for r in extras["dask"])
    assert any(r.startswith("jupyterlab") for r in extras["notebooks"])


@pytest.fixture(scope="session")
def wheel(request) -> Path:
    """The wheel the run's pipeline built (tests/pipeline.py, step ``wheel``)."""
    from conftest import _pipeline_dir, pipeline_step

    pipeline_step(request.config, "wheel")
    (found,) = (_pipeline_dir(request.config) / "dist").glob("repstats-*.whl")
    return found


@pytest.mark.slow
def test_wheel_ships_notebooks_and_codebooks_not_tools_or_tests(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    notebooks = sorted(n for n in names if n.startswith("repstats/notebooks/"))
    assert [Path(n).name for n in notebooks] == sorted(
        p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert "repstats/data/codebooks/tables.csv" in names
    assert "repstats/data/codebooks/sanctions.csv" in names
    assert not any(n.startswith(("tools/", "tests/")) for n in names)
    # the package's manifest (a symlink in the checkout) ships as the committed file
    shipped = zipfile.ZipFile(wheel).read("repstats/data/sources.csv")
    assert shipped == (ROOT / "data" / "raw" / "manifest.csv").read_bytes()


@pytest.mark.slow
@pytest.mark.mirror
def test_installed_fetch_build_report_outside_a_checkout(installed_run, mirror):
    """The run's pipeline (tests/pipeline.py): the wheel installed into a fresh virtual
    environment ran ``repstats fetch --help``, ``fetch``, ``build`` and ``report`` in an
    empty folder with only ``HOME``, ``PATH``, ``LANG`` and ``REPSTATS_MIRROR`` set."""
    from pipeline import data_home, environment

    out, steps = installed_run
    bin_dir, home, work = out / "venv" / "bin", out / "home", out / "somewhere"
    assert (bin_dir / "repstats").is_file()
    env = environment(out, mirror)
    assert set(env) == {"PATH", "HOME", "LANG", "REPSTATS_MIRROR"}
    assert env["HOME"] == str(home)
    for step in ("help", "fetch", "build", "report"):
        assert steps[step]["returncode"] == 0, (step, steps[step]["stderr"][-3000:])
        assert steps[step]["command"][0] == str(bin_dir / "repstats"), step
    assert "REPSTATS_HOME" in steps["help"]["stdout"]
    data = home / ".local" / "share" / "repstats"
    assert data == data_home(out)
    fetched = steps["fetch"]
    n = len(sources(path=PACKAGE_DATA / "sources.csv"))  # the manifest shipped in the wheel
    assert n > 50
    assert str(data / "raw") in fetched["stdout"] and f"fetch: {n} source(s)" in \
        fetched["stdout"]
    assert f"fetch {n} of {n}" in fetched["stderr"]  # one plain progress line per source
    assert str(data / "processed") in steps["build"]["stdout"]
    reported = steps["report"]
    pages = sorted((data / "reports").glob("*.html"))
    assert [p.stem for p in pages] == ["01_data_quality", "02_cases_vs_instability",
                                       "03_sentences_vs_minimums"], reported["stderr"][-2000:]
    assert "section 1 of" in reported["stderr"]
    local = [str(out), str(home), str(mirror), str(ROOT), sys.prefix, "site-packages"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', text)
        assert cells and all("jp-mod-noInput" in c for c in cells), page.name
        assert "Traceback" not in text, page.name
        for path in local:
            assert path not in text, (page.name, path)
        assert "repstats-caption" in text, page.name
    assert not list(work.iterdir())  # nothing written where the command was run

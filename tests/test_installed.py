"""The installed package, outside any checkout: wheel contents, dependencies, and the
whole job (`repstats fetch`, `build`, `report` with only REPSTATS_MIRROR set).

The wheel is built offline (``pip wheel --no-build-isolation --no-deps``) and installed
with ``--no-deps`` into a fresh virtual environment that sees this environment's
third-party packages through a ``.pth`` file, so nothing is downloaded.
"""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # build from a copy of the sources (an in-tree build/ folder may hold stale files)
    src = tmp_path_factory.mktemp("sdist") / "repstats"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "notebooks", src / "notebooks")
    shutil.copytree(ROOT / "src", src / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(src)],
                   check=True, capture_output=True, text=True, timeout=600)
    (found,) = out.glob("repstats-*.whl")
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


def _venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    bin_dir = venv / "bin"
    site = next((venv / "lib").glob("python3*/site-packages"))
    # install first: pip must not see this environment (nor its editable repstats)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"),
                    "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300, env=clean)
    assert (bin_dir / "repstats").is_file()
    # then give it this environment's third-party packages (a plain path: the .pth files
    # there, such as the editable install of the checkout, are not processed)
    dirs = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_project_env.pth").write_text("".join(f"{d}\n" for d in dirs))
    # ... and the data files their installation put in <prefix>/share/jupyter (nbconvert's
    # templates; also a python3 kernel spec for the other Python, which must not be used)
    shared = Path(sys.prefix) / "share" / "jupyter"
    if shared.is_dir():
        (venv / "share").mkdir(exist_ok=True)
        (venv / "share" / "jupyter").symlink_to(shared)
    return bin_dir


def _run(bin_dir: Path, args, cwd: Path, env: dict, timeout=1800):
    r = subprocess.run([str(bin_dir / "repstats"), *args], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"repstats {args}: {r.stderr[-3000:]}"
    return r


@pytest.mark.slow
@pytest.mark.mirror
def test_installed_fetch_build_report_outside_a_checkout(wheel, mirror, tmp_path):
    bin_dir = _venv(tmp_path, wheel)
    home, work = tmp_path / "home", tmp_path / "somewhere"
    home.mkdir()
    work.mkdir()
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home),
           "LANG": "C.UTF-8", "REPSTATS_MIRROR": str(mirror)}
    where = _run(bin_dir, ["fetch", "--help"], work, env).stdout
    assert "REPSTATS_HOME" in where
    data = home / ".local" / "share" / "repstats"
    fetched = _run(bin_dir, ["fetch"], work, env)
    n = len(sources(path=PACKAGE_DATA / "sources.csv"))  # the manifest shipped in the wheel
    assert n > 50
    assert str(data / "raw") in fetched.stdout and f"fetch: {n} source(s)" in fetched.stdout
    assert f"fetch {n} of {n}" in fetched.stderr  # one plain progress line per source in a log
    built = _run(bin_dir, ["build"], work, env)
    assert str(data / "processed") in built.stdout
    reported = _run(bin_dir, ["report"], work, env)
    pages = sorted((data / "reports").glob("*.html"))
    assert [p.stem for p in pages] == ["01_data_quality", "02_cases_vs_instability",
                                       "03_sentences_vs_minimums"], reported.stderr[-2000:]
    assert "section 1 of" in reported.stderr
    local = [str(tmp_path), str(home), str(mirror), str(ROOT), sys.prefix, "site-packages"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', text)
        assert cells and all("jp-mod-noInput" in c for c in cells), page.name
        assert "Traceback" not in text, page.name
        for path in local:
            assert path not in text, (page.name, path)
        assert "repstats-caption" in text, page.name
    assert not list(work.iterdir())  # nothing written where the command was run

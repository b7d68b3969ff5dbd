"""Report runner: executes notebooks, writes HTML and PNGs, names the failing cell."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from repstats.config import paths
from repstats.report import NotebookError, notebook_files, run_reports

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _nb(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for src, tags in cells:
        nb.cells.append(nbformat.v4.new_code_cell(src, metadata={"tags": tags}))
    return nb


def _paths(tmp_path):
    return paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "proc",
                 reports=tmp_path / "reports", mirror=tmp_path)


def test_runs_notebook_with_parameters_and_figures(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nb = _nb([("RAW_DIR = None", ["parameters"]),
              ("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()", []),
              ("print('raw is', RAW_DIR)", [])])
    nbformat.write(nb, tmp_path / "notebooks" / "01_demo.ipynb")
    written = run_reports(_paths(tmp_path), log=lambda s: None)
    html = (tmp_path / "reports" / "01_demo.html").read_text()
    assert str(tmp_path / "raw") in html
    pngs = [p for p in written if p.suffix == ".png"]
    assert len(pngs) == 1 and pngs[0].read_bytes()[:4] == b"\x89PNG"


def test_failing_cell_names_notebook_and_cell(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_nb([("x = 1", []), ("raise RuntimeError('boom')", [])]),
                   tmp_path / "notebooks" / "02_bad.ipynb")
    with pytest.raises(NotebookError, match=r"02_bad\.ipynb.*cell 2.*boom"):
        run_reports(_paths(tmp_path), log=lambda s: None)
    assert not (tmp_path / "reports" / "02_bad.html").exists()


def test_unknown_notebook_name(tmp_path):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(ValueError, match="no notebook 'zz'"):
        notebook_files(tmp_path / "notebooks", ["zz"])


def test_committed_notebooks_have_no_outputs():
    files = sorted(NOTEBOOKS.glob("*.ipynb"))
    for f in files:
        nb = json.loads(f.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{f.name} cell {i} has outputs"
                assert cell.get("execution_count") is None, f"{f.name} cell {i} has a count"

"""CI executes every notebook against the mirror: build into a temporary folder, run all."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from repstats.config import paths
from repstats.report import notebook_files

EXPECTED = ["01_data_quality", "02_cases_vs_instability", "03_sentences_vs_minimums"]


def test_expected_notebooks_exist():
    assert [p.stem for p in notebook_files(paths().notebooks)] == EXPECTED


@pytest.mark.mirror
@pytest.mark.slow
def test_all_notebooks_execute_against_the_mirror(reports_built, mirror):
    p, written = reports_built  # built and executed once per test run (tests/conftest.py)
    tmp_path = p.processed.parent
    for name in EXPECTED:
        html = p.reports / f"{name}.html"
        assert html.is_file() and html.stat().st_size > 10_000, name
        text = html.read_text(encoding="utf-8")
        assert "Traceback" not in text, name
        assert any(w.name.startswith(f"{name}_fig") and w.suffix == ".png" for w in written), \
            f"{name} shows no figure"
        # a report for readers: no code cell, no absolute path of this machine
        cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', text)
        assert all("jp-mod-noInput" in c for c in cells), name
        for local in (str(tmp_path), str(mirror), str(Path(__file__).resolve().parents[1])):
            assert local not in text, (name, local)

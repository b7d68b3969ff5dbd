"""A source yielding less than its codebook promises is an error (issue 14 item 3)."""
from __future__ import annotations

import os
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from repstats.build import run_build
from repstats.config import paths
from repstats.errors import InputError
from repstats.instability import stage as istage
from repstats.instability.epu import EPU_COLUMNS, read_epu
from repstats.instability.layout import _has_formula_element, uncached_formulas
from repstats.instability.levada import read_levada
from repstats.instability.panel import promised_indicators


def test_header_only_levada_csv_is_an_error(tmp_path):
    path = tmp_path / "Levada_putin_approval_monthly.csv"
    path.write_text("Date,Approve,Disapprove,No_answer\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no data rows.*Levada_putin_approval_monthly"):
        read_levada(path, "approval")


def test_source_missing_a_promised_indicator_names_the_file(tmp_path):
    rows = pd.DataFrame({"indicator": ["levada_approve"], "value": [80.0]})
    with pytest.raises(InputError, match=r"levada_disapprove.*approval\.csv"):
        promised_indicators("levada_approval", rows, tmp_path / "approval.csv")
    both = pd.DataFrame({"indicator": ["levada_approve", "levada_disapprove"],
                         "value": [80.0, 15.0]})
    assert promised_indicators("levada_approval", both, "x") is both


def _epu_book(path, formula_without_value: bool):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Russian News-Based Index"
    ws.append(EPU_COLUMNS)
    for m in range(1, 7):
        ws.append([2022, m, 100.0 + m])
    if formula_without_value:  # openpyxl stores the formula with no cached value
        ws["C5"] = "=C4*2"
    wb.save(path)
    return path


def test_xlsx_formula_without_cached_value_is_an_error(tmp_path):
    good = read_epu(_epu_book(tmp_path / "good.xlsx", False))
    assert len(good) == 6
    path = _epu_book(tmp_path / "bad.xlsx", True)
    assert uncached_formulas(path, "Russian News-Based Index") == ["C5"]
    with pytest.raises(InputError, match=r"C5.*no cached value.*bad\.xlsx"):
        read_epu(path)


def test_formula_prefilter_skips_value_only_workbooks_and_sees_prefixed_formulas(tmp_path):
    assert not _has_formula_element(_epu_book(tmp_path / "good.xlsx", False))
    assert _has_formula_element(_epu_book(tmp_path / "bad.xlsx", True))
    # a writer using a namespace prefix (<x:f>) and a shared formula (<f t="shared" .../>)
    for xml in (b'<x:c r="C5"><x:f>C4*2</x:f></x:c>', b'<c r="C5"><f t="shared" si="0"/></c>'):
        path = tmp_path / "prefixed.xlsx"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><fill/>" + xml
                       + b"</sheetData></worksheet>")
        assert _has_formula_element(path), xml
    # a chart's series naming its cells (<c:f>) is not a cell formula
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData/></worksheet>")
        z.writestr("xl/charts/chart1.xml", b"<c:tx><c:strRef><c:f>'F2'!$B$1</c:f></c:strRef>")
    assert not _has_formula_element(path)
    # not a zip at all: unsure, so the full check runs (and reports the unreadable file)
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    assert _has_formula_element(tmp_path / "junk.xlsx")


def test_bad_levada_file_keeps_good_outputs(built, mirror, tmp_path):
    # the raw folder: links to the mirror's files (the courts and the code are not read)
    raw = tmp_path / "raw"
    shutil.copytree(mirror, raw, ignore=shutil.ignore_patterns("cdep", "criminal_code"),
                    copy_function=os.symlink)
    p = paths(root=tmp_path, raw=raw, processed=tmp_path / "processed", mirror=mirror)
    # the good outputs: a plain copy of the run's shared build of this stage
    p.processed.mkdir()
    for name in istage.OUTPUTS:
        shutil.copyfile(built.processed / name, p.processed / name)
    before = {f.name: f.read_bytes() for f in p.processed.iterdir()
              if not f.name.startswith(".")}
    assert set(before) == set(istage.OUTPUTS)
    levada = raw / "instability/levada/Levada_putin_approval_monthly.csv"
    header = levada.read_text(encoding="utf-8").splitlines()[0]
    levada.unlink()  # a link into the mirror: replace it, never write through it
    levada.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="Levada_putin_approval_monthly"):
        run_build(p, ["instability"], log=lambda m: None)
    after = {f.name: f.read_bytes() for f in p.processed.iterdir()
             if not f.name.startswith(".")}
    assert after == before

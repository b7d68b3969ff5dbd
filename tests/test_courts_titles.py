"""Tests for repstats.courts.titles: unit tests on built workbooks, one mirror check."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from repstats.courts.titles import form_from_name, title_inventory


@pytest.mark.parametrize("name, form", [
    ("forma_10_3_1-2012_g.xls", "10.3.1"),
    ("forma_10_3-2011_god.xls", "10.3"),
    ("10.3-svod-2016.xls", "10.3"),
    ("10.3.1-svod-2016.xls", "10.3.1"),
    ("forma_10-a-2012_g.xls", "10-a"),
    ("ф.10-а (k3rwsqgv)-2009.xls", "10-a"),
    ("10.1-svod-2016.xls", None),
    ("k7rwsqgv-svod-2010 (05.04.2011).xls", None),
    ("110.3-x.xls", None),
])
def test_form_from_name(name, form):
    assert form_from_name(name) == form


def test_form_from_name_misuse():
    with pytest.raises(ValueError, match="string"):
        form_from_name(None)


def _workbook(form_code: str, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Титул"
    ws["A1"] = f"Форма № {form_code}"
    ws["A2"] = f"за 12 месяцев {year} г."
    wb.create_sheet("Раздел 1")["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_title_inventory_flags_a_swapped_name(tmp_path):
    (tmp_path / "cdep").mkdir()
    with zipfile.ZipFile(tmp_path / "cdep" / "2012.zip", "w") as zf:
        zf.writestr("forma_10_3_1-2012.xlsx", _workbook("10.3", 2012))
        zf.writestr("forma_10_1-2012.xlsx", _workbook("10.1", 2012))
        zf.writestr("other-2012.xlsx", _workbook("10-а", 2012))
    out = title_inventory(tmp_path)
    assert out["member"].tolist() == ["forma_10_3_1-2012.xlsx", "forma_10_1-2012.xlsx",
                                      "other-2012.xlsx"]
    assert out["title_form"].tolist() == ["10.3", "10.1", "10-a"]
    assert out["name_matches_title"].tolist()[0] is False
    assert out["name_matches_title"].isna().tolist() == [False, True, True]
    assert out["read"].tolist() == [True, False, True]
    assert out["title_year"].tolist() == [2012, 2012, 2012]
    assert out["n_sheets"].tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match="years \\[2013\\]"):
        title_inventory(tmp_path, years=[2013])


def test_title_inventory_real_2012_swap(mirror):
    out = title_inventory(mirror, years=[2012])
    swapped = out[out["name_matches_title"] == False]  # noqa: E712
    pairs = dict(zip(swapped["member"], zip(swapped["name_form"], swapped["title_form"])))
    assert pairs == {"forma_10_3_1-2012_g.xls": ("10.3.1", "10.3"),
                     "forma_10_3-2012_g.xls": ("10.3", "10.3.1")}

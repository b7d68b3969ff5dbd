"""Build stage "statutes" (repstats.statutes.stage)."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from repstats.config import paths
from repstats.errors import InputError
from repstats.statutes import stage


@pytest.mark.mirror
def test_build_and_validate(mirror, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(mirror / "criminal_code", raw / "criminal_code")
    p = paths(root=tmp_path, raw=raw, processed=tmp_path / "processed")
    files = stage.build(p)
    assert [f.name for f in files] == ["sanctions.parquet", "statutes_check.csv"]
    check = pd.read_csv(files[1], dtype=str)
    assert (check["status"] == "agree").sum() >= 70
    report = stage.validate(p)
    assert list(report.columns) == ["stage", "check", "status", "detail"]
    assert not (report["status"] == "fail").any(), report.to_string()
    # a changed table row must make the validation fail
    bad = check.copy()
    bad.loc[bad["status"] == "agree", "status"] = "disagree"
    bad.to_csv(files[1], index=False)
    assert (stage.validate(p)["status"] == "fail").any()


def test_build_without_code_texts(tmp_path):
    p = paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "processed")
    with pytest.raises(InputError, match="Criminal Code texts are missing"):
        stage.build(p)
    assert not (tmp_path / "processed").exists()


def test_validate_without_outputs(tmp_path):
    p = paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "processed")
    report = stage.validate(p)
    assert (report["status"] == "fail").sum() == 2

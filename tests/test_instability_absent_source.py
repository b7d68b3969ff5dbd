"""A manual-only source (ACLED aggregates) may be absent: the build says so, never hides it."""
from __future__ import annotations

import os

import pytest

from repstats.config import paths
from repstats.instability import stage


def _raw_without(mirror, tmp_path, skip: str):
    raw = tmp_path / "raw"
    for f in mirror.rglob("*"):
        if f.is_file() and skip not in str(f.relative_to(mirror)):
            target = raw / f.relative_to(mirror)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(f, target)
    return raw


def test_absent_manual_source_is_reported(mirror, tmp_path):
    raw = _raw_without(mirror, tmp_path, "acled")
    p = paths(raw=raw, processed=tmp_path / "out", mirror=mirror)
    stage.build(p)
    status = stage.source_status(raw).set_index("source")["status"]
    assert status["acled_russia_monthly"] == "absent" and (status.drop("acled_russia_monthly")
                                                           == "read").all()
    panel = stage.read_panel(p.processed / "instability_panel.parquet")
    assert "acled_demonstrations" not in set(panel["indicator"])
    checks = stage.validate(p).set_index("check")
    assert checks.loc["sources_present", "status"] == "warn"
    assert "acled_russia_monthly" in checks.loc["sources_present", "detail"]
    assert (checks["status"] != "fail").all()


def test_absent_downloadable_source_is_an_error(mirror, tmp_path):
    raw = _raw_without(mirror, tmp_path, "wgi")
    p = paths(raw=raw, processed=tmp_path / "out", mirror=mirror)
    with pytest.raises(Exception, match="WGIData|wgi"):
        stage.build(p)
    assert not (tmp_path / "out" / "instability_panel.parquet").exists()

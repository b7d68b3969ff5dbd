"""Build stage ``cases``: outputs, optional OVD-Info input, validation."""
from __future__ import annotations

import json

import pandas as pd

from repstats.cases import stage
from repstats.config import paths


def _paths(tmp_path):
    return paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "processed")


def test_build_without_ovdinfo(tmp_path):
    p = _paths(tmp_path)
    files = stage.build(p)
    assert [f.name for f in files] == ["notable_cases.parquet"]
    df = pd.read_parquet(files[0])
    assert len(df) == 75 and "name_ru" in df.columns  # processed data stays local, named
    checks = stage.validate(p).set_index("check")
    assert checks.loc["notable_cases rows", "status"] == "pass"
    assert checks.loc["notable_cases people", "status"] == "pass"
    assert checks.loc["notable_cases matches package data", "status"] == "pass"
    assert checks.loc["ovdinfo export present", "status"] == "warn"
    assert not (checks["status"] == "fail").any()


def test_build_with_ovdinfo_export(tmp_path):
    p = _paths(tmp_path)
    folder = p.raw / "ovdinfo_prosecutions"
    folder.mkdir(parents=True)
    records = [
        {"id": "a", "persecution_started": "2022-03-01", "case_group_en": "Anti-war case",
         "persecution_article_and_part_en": ["207.3 Part 2"], "verdict_imprisonment_term": 12},
        {"id": "b", "persecution_started": "2022-05-11", "case_group_en": "Anti-war case",
         "persecution_article_and_part_en": ["280.3 Part 1"],
         "verdict_imprisonment_term": 99999},
        {"id": "b", "persecution_started": "2022-05-11"},
    ]
    (folder / "page1.json").write_text(json.dumps({"results": records, "next": None}))
    files = {f.name for f in stage.build(p)}
    assert {"ovdinfo_prosecutions.parquet", "ovdinfo_monthly_by_group.parquet",
            "ovdinfo_monthly_by_article.parquet",
            "ovdinfo_prosecutions_rejects.parquet"} <= files
    monthly = pd.read_parquet(p.processed / "ovdinfo_monthly_by_group.parquet")
    assert monthly["prosecutions"].tolist() == [1, 0, 1]
    checks = stage.validate(p).set_index("check")
    assert checks.loc["ovdinfo every input row accounted for", "status"] == "pass"
    assert checks.loc["ovdinfo imprisonment terms", "status"] == "warn"
    assert checks.loc["ovdinfo monthly counts add up", "status"] == "pass"
    assert checks.loc["ovdinfo schema", "status"] == "pass", checks.loc["ovdinfo schema",
                                                                        "detail"]
    assert not (checks["status"] == "fail").any()


def test_validate_reports_missing_outputs(tmp_path):
    checks = stage.validate(_paths(tmp_path))
    assert (checks["status"] == "fail").any()
    assert set(checks.columns) == {"stage", "check", "status", "detail"}

"""Hostile OVD-Info exports: separators, ragged rows, local paths (issue 14 items 5, 11)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from repstats.cases import read_ovdinfo_prosecutions
from repstats.cases import stage
from repstats.config import paths
from repstats.errors import InputError

HEADER = ["id", "persecution_started", "case_group_en", "persecution_article_and_part_en",
          "verdict_imprisonment_term"]
ROWS = [["a1", "2022-03-05", "Anti-war case", '["207.3 Part 2"]', "84"],
        ["a2", "2022-04-01", "Anti-war case", '["280.3 Part 1"]', "36"],
        ["a3", "2022-05-02", "Network case", '["205.4 Part 2"]', "120"]]


def _write(path, rows, sep=","):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=sep).writerows([HEADER, *rows])
    return path


@pytest.mark.parametrize("sep", [";", "\t", "|", ","])
def test_separator_detected(tmp_path, sep):
    clean = read_ovdinfo_prosecutions(_write(tmp_path / "x.csv", ROWS, sep))
    assert clean["prosecution_id"].tolist() == ["a1", "a2", "a3"]
    assert clean["case_group_en"].notna().all()
    assert clean["articles"].tolist() == ["207.3(2)", "280.3(1)", "205.4(2)"]
    assert clean["verdict_imprisonment_term"].tolist() == [84, 36, 120]


def test_unknown_layout_refused_naming_the_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("foo;bar\n1;2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no OVD-Info column.*x\.csv"):
        read_ovdinfo_prosecutions(path)
    (tmp_path / "d.csv").write_text("id;id;case_group_en\n1;2;x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\['id'\] appear more than once.*d\.csv"):
        read_ovdinfo_prosecutions(tmp_path / "d.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty CSV"):
        read_ovdinfo_prosecutions(empty)


def test_ragged_rows_rejected_with_reason(tmp_path):
    rows = [ROWS[0], ["a2", "2022-04-01", "Anti-war case"],  # short: lost articles, term
            ROWS[2] + ["extra"], ROWS[1][:0] + ["a4", "2022-06-01", "x", "[]", "12"]]
    clean, rejects = read_ovdinfo_prosecutions(_write(tmp_path / "x.csv", rows),
                                               return_rejects=True)
    assert clean["prosecution_id"].tolist() == ["a1", "a4"]
    assert len(clean) + len(rejects) == 4
    assert rejects["source_row"].tolist() == [2, 3]
    assert rejects["reason"].tolist() == [
        "row has 3 fields where the header has 5 (separator ','); not read",
        "row has 6 fields where the header has 5 (separator ','); not read"]


def test_outputs_hold_paths_relative_to_raw(tmp_path):
    p = paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "processed")
    folder = p.raw / "ovdinfo_prosecutions"
    folder.mkdir(parents=True)
    _write(folder / "export.csv", ROWS + [["", "2022-01-01", "x", "[]", "1"]])
    (folder / "page.json").write_text(json.dumps([{"persecution_started": "2022-02-02"}]))
    stage.build(p)
    for name in ("ovdinfo_prosecutions.parquet", "ovdinfo_prosecutions_rejects.parquet"):
        df = pd.read_parquet(p.processed / name)
        text = df.astype(str).to_csv()
        assert str(tmp_path) not in text, name
    clean = pd.read_parquet(p.processed / "ovdinfo_prosecutions.parquet")
    assert set(clean["source"]) == {"ovdinfo_prosecutions/export.csv",
                                    "ovdinfo_prosecutions/page.json"}
    assert "ovdinfo_prosecutions/export.csv#4" in set(clean["prosecution_id"])
    assert (stage.validate(p)["status"] != "fail").all()

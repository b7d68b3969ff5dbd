"""Tests for repstats.privacy: keyed pseudonyms, small-cell suppression, safe export."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hyp import examples

from repstats import privacy
from repstats.privacy import (normalize_person_name, pseudonymize, safe_export,
                              suppress_small_cells)

# test-only keys (32 bytes each, hex and base64), not secrets of any real export
KEY = "6f1c0a9e4b7d2f8a3c5e1b0d9f7a2c4e8b6d0f1a3c5e7b9d2f4a6c8e0b1d3f5a"
OTHER_KEY = "q8N3vZ1xW5mK0pR7tY2uB9cE4fH6jL3nA5sD8gJ1kQ0="


@pytest.fixture
def people():
    return pd.DataFrame({
        "name_ru": ["Иванов Пётр", "  иванов   петр ", "Сидорова Анна", None],
        "region": ["RU-MOW", "RU-MOW", "RU-SPE", "RU-PNZ"],
        "months": [24, 24, 36, 12],
    })


# ----------------------------------------------------------------------- pseudonymize
def test_normalize_person_name_merges_spellings():
    assert normalize_person_name("Ковалёв  Иван") == normalize_person_name("КОВАЛЕВ иван ")
    assert normalize_person_name("Римский - Корсаков") == "римский-корсаков"
    assert normalize_person_name("   ") is None
    assert normalize_person_name(np.nan) is None


def test_pseudonymize_is_deterministic_and_merges_spellings(people):
    a = pseudonymize(people, "name_ru", key=KEY)
    b = pseudonymize(people, ["name_ru"], key=KEY)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, "name_ru"] == a.loc[1, "name_ru"]
    assert a.loc[0, "name_ru"] != a.loc[2, "name_ru"]
    assert a.loc[0, "name_ru"].startswith("P-") and len(a.loc[0, "name_ru"]) == 2 + 16
    assert pd.isna(a.loc[3, "name_ru"])
    # other columns untouched, input not mutated
    assert a["months"].tolist() == [24, 24, 36, 12]
    assert people.loc[0, "name_ru"] == "Иванов Пётр"


def test_pseudonym_depends_on_key(people):
    a = pseudonymize(people, "name_ru", key=KEY)
    b = pseudonymize(people, "name_ru", key=OTHER_KEY)
    assert (a["name_ru"].dropna() != b["name_ru"].dropna()).all()


def test_pseudonymize_reads_env_and_explains_missing_key(people, monkeypatch):
    monkeypatch.delenv("REPSTATS_PSEUDONYM_KEY", raising=False)
    with pytest.raises(ValueError, match="REPSTATS_PSEUDONYM_KEY"):
        pseudonymize(people, "name_ru")
    monkeypatch.setenv("REPSTATS_PSEUDONYM_KEY", KEY)
    pd.testing.assert_frame_equal(pseudonymize(people, "name_ru"),
                                  pseudonymize(people, "name_ru", key=KEY))


def test_pseudonymize_misuse(people):
    with pytest.raises(ValueError, match="at least 32 random bytes"):
        pseudonymize(people, "name_ru", key="short")
    with pytest.raises(ValueError, match="not in the table"):
        pseudonymize(people, "nom", key=KEY)
    with pytest.raises(ValueError, match="digits"):
        pseudonymize(people, "name_ru", key=KEY, digits=4)


def test_key_never_in_output_files(people, tmp_path):
    pseudo = pseudonymize(people, "name_ru", key=KEY)
    files = [safe_export(pseudo, tmp_path / "out.csv", drop_names=False),
             safe_export(pseudo, tmp_path / "out.xlsx", drop_names=False)]
    pseudo.to_parquet(tmp_path / "out.parquet")
    files.append(tmp_path / "out.parquet")
    for f in files:
        blob = f.read_bytes()
        assert KEY.encode() not in blob
        assert "Иванов".encode() not in blob
    assert pseudo.loc[0, "name_ru"] in (tmp_path / "out.csv").read_text()


# -------------------------------------------------------------------------- suppression
def test_primary_suppression_keeps_zeros_and_flags():
    df = pd.DataFrame({"a": [0, 3, 10, 12], "b": [7, 8, 9, 2]}, index=list("wxyz"))
    out = suppress_small_cells(df, ["a", "b"], threshold=5, margins="none")
    assert out["a"].tolist()[0] == 0
    assert pd.isna(out.loc["x", "a"]) and pd.isna(out.loc["z", "b"])
    assert out.loc["x", "a_suppression"] == "primary"
    assert out.loc["w", "a_suppression"] == "published"
    assert str(out["a"].dtype) == "Int64"
    assert df.loc["x", "a"] == 3  # input untouched
    zeros = suppress_small_cells(df, ["a", "b"], margins="none", suppress_zeros=True)
    assert zeros.loc["w", "a_suppression"] == "primary"


def _recoverable(out, cols):
    """Cells an attacker recovers by one subtraction from a published or in-table total."""
    hidden = out[cols].isna().to_numpy()
    lines = [hidden[i, :] for i in range(hidden.shape[0])]
    lines += [hidden[:, j] for j in range(hidden.shape[1])]
    return [line for line in lines if line.sum() == 1]


def test_secondary_suppression_protects_against_subtraction():
    df = pd.DataFrame({"a": [2, 20, 30], "b": [15, 25, 35], "c": [40, 6, 50]})
    out = suppress_small_cells(df, ["a", "b", "c"], threshold=5)
    assert out.loc[0, "a_suppression"] == "primary"
    flags = out[["a_suppression", "b_suppression", "c_suppression"]]
    assert (flags == "secondary").sum().sum() >= 1
    assert _recoverable(out, ["a", "b", "c"]) == []
    # the smallest published non-zero count of the line is the one sacrificed
    assert out.loc[0, "b_suppression"] == "secondary"


def test_solver_prints_nothing_to_standard_output():
    """HiGHS announces itself on descriptor 1 at its first model; a script's (or a
    build's, or a report cell's) output must hold only what the script printed."""
    script = ("import pandas as pd\n"
              "from repstats.privacy import suppress_small_cells\n"
              "df = pd.DataFrame({'a': [2, 20, 30], 'b': [15, 25, 35], 'c': [40, 6, 50]})\n"
              "print('before')\n"
              "out = suppress_small_cells(df, ['a', 'b', 'c'], threshold=5)\n"
              "assert (out[['a_suppression', 'b_suppression', 'c_suppression']]\n"
              "        == 'secondary').any().any()\n"
              "print('after')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "before\nafter\n"


def test_secondary_suppression_uses_total_column_and_row():
    df = pd.DataFrame({"a": [3, 20, 23], "b": [10, 30, 40], "total": [13, 50, 63]},
                      index=["g1", "g2", "all"])
    out = suppress_small_cells(df, ["a", "b"], total_col="total", total_rows="all",
                               margins="none")
    hidden = out[["a", "b", "total"]].isna()
    # every row and column equation holds at least two hidden cells or none
    for i in out.index:
        assert hidden.loc[i].sum() != 1, i
    for c in ["a", "b", "total"]:
        assert hidden.loc[["g1", "g2", "all"], c].sum() != 1, c
    assert out.loc["g1", "a_suppression"] == "primary"


def test_margins_none_means_no_secondary():
    df = pd.DataFrame({"a": [2, 20], "b": [15, 25]})
    out = suppress_small_cells(df, ["a", "b"], margins="none")
    assert (out[["a_suppression", "b_suppression"]] == "secondary").sum().sum() == 0


def test_single_cell_line_warns():
    df = pd.DataFrame({"a": [2, 20]})
    with pytest.warns(UserWarning, match="do not publish"):
        suppress_small_cells(df, ["a"], margins="rows")


def test_no_warning_when_the_audit_protects_every_hidden_cell():
    """A cell the search gives up on early can be protected by cells hidden later for
    others: the final audit decides, and a warning names only cells it finds exposed
    (this table once warned about an empty list of cells)."""
    import warnings

    rows = [[0, 28, 30, 8], [2, 16, 2, 1], [4, 28, 21, 2], [2, 22, 2, 4], [4, 0, 28, 22]]
    cols = ["c0", "c1", "c2", "c3"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress_small_cells(pd.DataFrame(rows, columns=cols), cols, threshold=5)
    audit = out.attrs["suppression_audit"]
    assert len(audit) == out[cols].isna().to_numpy().sum() and audit["protected"].all()


def test_suppression_misuse():
    df = pd.DataFrame({"a": [1, -2], "s": ["x", "y"]})
    with pytest.raises(ValueError, match="non-negative"):
        suppress_small_cells(df, ["a"])
    with pytest.raises(ValueError, match="non-numeric"):
        suppress_small_cells(df, ["s"])
    with pytest.raises(ValueError, match="not in the table"):
        suppress_small_cells(df, ["zz"])
    with pytest.raises(ValueError, match="margins"):
        suppress_small_cells(pd.DataFrame({"a": [1]}), ["a"], margins="diagonal")


# ------------------------------------------------------------------------- safe export
@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_prefixes_are_escaped(prefix, tmp_path):
    value = prefix + "HYPERLINK(\"http://x\")"
    df = pd.DataFrame({"note": [value, "plain"], "n": [-3, 4]})
    path = safe_export(df, tmp_path / "x.csv", keep="note")
    back = pd.read_csv(path, keep_default_na=False)
    assert back.loc[0, "note"] == "'" + value
    assert back.loc[1, "note"] == "plain"
    assert back["n"].tolist() == [-3, 4]  # real negative numbers stay numbers


def test_escape_leaves_numeric_text_and_escapes_header(tmp_path):
    df = pd.DataFrame({"=cmd": ["-5", "-2+3", "+7.5", "@x"]})
    out = privacy.escape_formulas(df)
    assert out.columns[0] == "'=cmd"
    assert out.iloc[:, 0].tolist() == ["-5", "'-2+3", "+7.5", "'@x"]


def test_xlsx_export_writes_no_formulas(tmp_path):
    df = pd.DataFrame({"note": ["=1+1", "ok"], "n": [-1.5, 2.0]})
    path = safe_export(df, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == -1.5


def test_safe_export_drops_names(people, tmp_path):
    df = people.assign(defendant_name=["a", "b", "c", "d"])
    path = safe_export(df, tmp_path / "p.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == ["region", "months"]
    kept = pd.read_csv(safe_export(df, tmp_path / "k.csv", drop_names=False))
    assert "name_ru" in kept.columns
    only = pd.read_csv(safe_export(df, tmp_path / "o.csv", name_columns=["region"]))
    assert "region" not in only.columns and "name_ru" in only.columns
    with pytest.raises(ValueError, match="not in the table"):
        safe_export(df, tmp_path / "z.csv", name_columns=["nope"])
    with pytest.raises(ValueError, match=".csv or .xlsx"):
        safe_export(df, tmp_path / "z.json")


def test_failing_write_leaves_no_file(tmp_path, monkeypatch):
    class Boom(RuntimeError):
        pass

    def half_csv(self, path=None, *args, **kwargs):
        if path is not None:  # written to a file: a partial file, then the disk fills up
            with open(path, "w") as fh:
                fh.write("a\n1")
        raise Boom("disk full")  # (rendered in memory: fails before anything is written)

    target = tmp_path / "never.csv"
    monkeypatch.setattr(pd.DataFrame, "to_csv", half_csv)
    with pytest.raises(Boom):
        safe_export(pd.DataFrame({"a": [1]}), target)
    assert list(tmp_path.iterdir()) == []

    real_write = type(tmp_path).write_bytes

    def half_bytes(self, data):
        real_write(self, data[: len(data) // 2])
        raise Boom("disk full")

    existing = tmp_path / "kept.xlsx"
    existing.write_bytes(b"old content")
    monkeypatch.setattr(type(tmp_path), "write_bytes", half_bytes)
    with pytest.raises(Boom):
        safe_export(pd.DataFrame({"a": [1]}), tmp_path / "never.xlsx")
    with pytest.raises(Boom):
        safe_export(pd.DataFrame({"a": [1]}), existing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.xlsx"]
    assert existing.read_bytes() == b"old content"


@settings(max_examples=examples(60), deadline=None)
# the width drawn first, then rows of that width (filtering rows of random widths rejected most
# draws: generating cost ~4 times the test's own work)
@given(st.integers(2, 4).flatmap(lambda width: st.lists(
    st.lists(st.integers(0, 30), min_size=width, max_size=width), min_size=2, max_size=5)))
def test_suppression_properties(rows):
    cols = [f"c{j}" for j in range(len(rows[0]))]
    df = pd.DataFrame(rows, columns=cols)
    out = suppress_small_cells(df, cols, threshold=5)
    hidden = out[cols].isna().to_numpy()
    small = ((df[cols] > 0) & (df[cols] < 5)).to_numpy()
    assert (hidden >= small).all()  # every small count hidden
    shown = ~hidden
    assert (out[cols].to_numpy()[shown] == df[cols].to_numpy()[shown]).all()
    assert all(line.sum() != 1 for line in hidden)  # no row recoverable by subtraction
    assert all(line.sum() != 1 for line in hidden.T)  # nor any column

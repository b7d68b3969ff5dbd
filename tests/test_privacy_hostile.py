"""Hostile input for repstats.privacy (issue 14 items 6, 7, 8, 10)."""
from __future__ import annotations

import base64
import csv
import re
import warnings

import highspy
import numpy as np
import pandas as pd
import pytest

from repstats import privacy
from repstats.privacy import (audit_suppression, escape_formulas, pseudonymize, safe_export,
                              suppress_small_cells)

KEY = "6f1c0a9e4b7d2f8a3c5e1b0d9f7a2c4e8b6d0f1a3c5e7b9d2f4a6c8e0b1d3f5a"  # test only


# ------------------------------------------------------------------- item 6: formulas
def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x85", text)


def test_carriage_return_inside_a_value_never_starts_a_row(tmp_path):
    payload = "ok\r=cmd|' /C calc'!A0"
    df = pd.DataFrame({"n": [1, 2], "v": [payload, "x\n+SUM(A1)"]})
    path = safe_export(df, tmp_path / "x.csv", keep="v")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 3  # header + 2: the CR stayed inside its quoted field
    assert rows[1] == ["1", "ok\r'=cmd|' /C calc'!A0"]
    assert rows[2] == ["2", "x\n'+SUM(A1)"]
    assert len(pd.read_csv(path)) == 2
    # a reader that splits physical lines sees no line starting with a formula
    for line in _lines(path.read_text(encoding="utf-8")):
        assert not line.lstrip('"').startswith(("=", "+", "-", "@")), line


@pytest.mark.parametrize("value, expected", [
    ("＝1+1", "'＝1+1"), ("＋cmd", "'＋cmd"), ("－2+3", "'－2+3"), ("＠SUM(A1)", "'＠SUM(A1)"),
    ("﹦1+1", "'﹦1+1"), ("﹢1", "'﹢1"), ("  =1+1", "'  =1+1"), ("\u00a0@x", "'\u00a0@x"),
    ("\u200b=HYPERLINK(1)", "'\u200b=HYPERLINK(1)"), ("\ufeff=1+1", "'\ufeff=1+1"),
    ("\u2060-1+1", "'\u2060-1+1"), ("a\r\n=1", "a\r\n'=1"), ("a\u2028@x", "a\u2028'@x"),
    ("ok\r\t=1", "ok\r'\t=1"), ("\r=1", "'\r'=1"),
    ("-5", "-5"), ("+3.5", "+3.5"), ("plain = text", "plain = text"), ("5 - 3", "5 - 3"),
])
def test_formula_lookalikes_escaped_on_every_line(value, expected):
    out = escape_formulas(pd.DataFrame({"v": [value]}))
    assert out.loc[0, "v"] == expected


def test_xlsx_escapes_every_line(tmp_path):
    import openpyxl

    df = pd.DataFrame({"n": [1], "v": ["ok\n=1+1"]})
    ws = openpyxl.load_workbook(safe_export(df, tmp_path / "x.xlsx")).active
    assert ws["B2"].value == "ok\n'=1+1" and ws["B2"].data_type == "s"


# --------------------------------------------------------- item 7: nothing that names
@pytest.fixture
def named():
    return pd.DataFrame({
        "person_id": ["mikhail-kulkov", "anna-ivanova"],
        "name_en": ["Mikhail Kulkov", "Anna Ivanova"],
        "sentence_note": ["Mikhail Kulkov, to 10 years", "fine"],
        "comment": ["Kulkov appealed", "none"],
        "source_url": ["https://ovd.info/persons/mikhail-kulkov", "https://example.org/a"],
        "region": ["RU-MOW", "RU-SPE"],
        "case_group_en": ["Anti-war case", "Anti-war case"],
        "charges": ["205.4(1); 222(1)", "207.3(2)"],
        "months": [120, 0],
    })


def test_safe_export_drops_name_slugs_and_free_text(named, tmp_path):
    with pytest.warns(UserWarning, match="person_id") as record:
        path = safe_export(named, tmp_path / "x.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == ["region", "case_group_en", "charges", "months"]
    blob = path.read_bytes().lower()
    assert b"kulkov" not in blob and b"ivanova" not in blob
    message = str(record[0].message)
    assert "free text" in message and "sentence_note" in message and "comment" in message


def test_safe_export_pseudonymises_slugs_with_a_key_and_keeps_by_name(named, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        path = safe_export(named, tmp_path / "x.csv", key=KEY, keep=["case_group_en"])
        kept = pd.read_csv(safe_export(named, tmp_path / "k.csv", keep=["comment"]))
    back = pd.read_csv(path)
    assert back["person_id"].str.fullmatch(r"P-[0-9a-f]{16}").all()
    assert b"kulkov" not in path.read_bytes().lower()
    assert kept["comment"].tolist() == ["Kulkov appealed", "none"]
    with pytest.raises(ValueError, match="not in the table"):
        safe_export(named, tmp_path / "z.csv", keep=["nope"])
    # ids pseudonymised beforehand are kept as they are
    pre = pseudonymize(named[["person_id", "months"]], "person_id", key=KEY)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        again = pd.read_csv(safe_export(pre, tmp_path / "p.csv"))
    assert again["person_id"].tolist() == pre["person_id"].tolist()


def test_slug_in_any_id_column_is_detected(tmp_path):
    df = pd.DataFrame({"defendant_ref_id": ["ivan-petrov"], "case_id": ["2022-17"],
                       "n": [1]})
    with pytest.warns(UserWarning, match="defendant_ref_id"):
        back = pd.read_csv(safe_export(df, tmp_path / "x.csv"))
    assert list(back.columns) == ["case_id", "n"]


# ---------------------------------------------------- item 8: suppression vs. an LP attack
def _attack(original: pd.DataFrame, published: pd.DataFrame, cols, attacked=None) -> dict:
    """Independent LP attack: bounds of each hidden cell from both margins and >= 0
    (of the hidden cells ``attacked(i, j)`` accepts; all by default)."""
    arr = original[cols].to_numpy(dtype=float)
    hidden = published[cols].isna().to_numpy()
    cells = list(zip(*np.nonzero(hidden)))
    idx = {c: k for k, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for axis in (0, 1):
        for line in range(arr.shape[1 - axis]):
            members = [(i, line) if axis == 0 else (line, i) for i in range(arr.shape[axis])]
            row = np.zeros(len(cells))
            rhs = arr.sum(axis=axis)[line]
            for c in members:
                if c in idx:
                    row[idx[c]] = 1
                else:
                    rhs -= arr[c]
            a_eq.append(row)
            b_eq.append(rhs)
    # one HiGHS model per table (written here, apart from privacy.py's), re-solved for
    # each objective
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")
    n = len(cells)
    h.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
    for row, rhs in zip(a_eq, b_eq):
        nz = np.flatnonzero(row).astype(np.int32)
        h.addRow(rhs, rhs, len(nz), nz, row[nz])
    out = {}
    for c, k in idx.items():
        if attacked is not None and not attacked(*c):
            continue
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeColsCost(n, np.arange(n, dtype=np.int32), np.eye(n)[k])
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            assert status in (highspy.HighsModelStatus.kOptimal,
                              highspy.HighsModelStatus.kUnbounded), status
            bounds.append(np.inf if status == highspy.HighsModelStatus.kUnbounded
                          else h.getInfo().objective_function_value)
        out[c] = tuple(bounds)
    return out


def test_secondary_suppression_survives_linear_programming_attack():
    rng = np.random.default_rng(14)
    cols = ["a", "b", "c"]
    checked = 0
    for _ in range(50):
        df = pd.DataFrame(rng.integers(0, 15, size=(3, 3)), columns=cols)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            out = suppress_small_cells(df, cols, threshold=5)
        # a cell whose published row or column total is itself <= 5 cannot be wider:
        # attack the others
        rows, columns = df.sum(axis=1).to_numpy(), df.sum(axis=0).to_numpy()
        for (i, j), (lo, hi) in _attack(df, out, cols,
                                         lambda i, j: min(rows[i], columns[j]) > 5).items():
            checked += 1
            assert hi - lo > 5, (df, out, (i, j), lo, hi)
        audit = out.attrs["suppression_audit"]
        assert len(audit) == int(out[cols].isna().sum().sum())
    assert checked > 100


def test_unprotectable_cells_are_named_in_a_warning():
    df = pd.DataFrame({"a": [3, 20, 30], "b": [0, 25, 35]})
    with pytest.warns(UserWarning, match="cannot be protected"):
        out = suppress_small_cells(df, ["a", "b"], threshold=5)
    audit = audit_suppression(df, out, ["a", "b"], 5)
    assert not audit.loc[audit["row"] == 0, "protected"].any()  # row total 3 is published


def test_suppression_flags_not_exported_by_default(tmp_path):
    df = pd.DataFrame({"region": list("wxyz"), "a": [2, 20, 30, 40], "b": [15, 25, 35, 45]})
    out = suppress_small_cells(df, ["a", "b"], threshold=5)
    assert "a_suppression" in out.columns
    with pytest.warns(UserWarning, match="suppression flag"):
        back = pd.read_csv(safe_export(out, tmp_path / "x.csv"))
    assert list(back.columns) == ["region", "a", "b"]


# ---------------------------------------------------------------- item 10: real keys
@pytest.mark.parametrize("key", [
    "0" * 16, " " * 32, "0000000000000000000000000000000000000000000000000000000000000000",
    "correct horse battery staple correct horse battery staple",
    "kkkkkkkk0123456789abcdef", b"\0" * 32, b"secret" * 8,
    base64.b64encode(b"a" * 40).decode(),
])
def test_weak_keys_refused_with_how_to(key):
    df = pd.DataFrame({"name": ["Иванов Пётр"]})
    with pytest.raises(ValueError, match=r"secrets\.token_hex\(32\)"):
        pseudonymize(df, "name", key=key)


def test_strong_keys_accepted_hex_base64_bytes():
    df = pd.DataFrame({"name": ["Иванов Пётр"]})
    raw = bytes.fromhex(KEY)
    by_hex = pseudonymize(df, "name", key=KEY)
    assert pseudonymize(df, "name", key=base64.b64encode(raw).decode()).equals(by_hex)
    assert pseudonymize(df, "name", key=base64.urlsafe_b64encode(raw).decode()
                        .rstrip("=")).equals(by_hex)
    assert pseudonymize(df, "name", key=raw).equals(by_hex)
    assert privacy._resolve_key(" " + KEY + "\n", "X") == raw


def test_readme_privacy_snippet_runs(built, monkeypatch, tmp_path):
    """The README's privacy example runs as written and its export names nobody."""
    import pathlib

    from repstats.cases import notable_cases

    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    block = next(b for b in blocks if "safe_export(" in b)
    monkeypatch.setenv("REPSTATS_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("REPSTATS_PROCESSED", str(built.processed))  # the run's shared build
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exec(compile(block, "README.md", "exec"), {})
    written = list(tmp_path.glob("*.csv"))
    assert written
    people = notable_cases()
    for path in written:
        text = path.read_text(encoding="utf-8").casefold()
        for full in pd.concat([people["name_ru"], people["name_en"]]).dropna():
            assert full.casefold() not in text, (path.name, full)
        for slug in people["person_id"]:
            assert slug not in text, (path.name, slug)

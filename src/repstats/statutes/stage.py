"""Build stage "statutes": the sanctions table and its check against the Code's text.

Outputs in ``paths.processed``:

- ``sanctions.parquet``: the validated sanctions table (package data,
  :func:`repstats.statutes.sanctions_table`).
- ``statutes_check.csv``: the current rows compared with the current text of the Code
  read from ``paths.raw / "criminal_code"`` (:func:`repstats.statutes.check.compare_with_text`).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import Paths
from ..errors import InputError, ValidationError
from ..io import write_csv, write_parquet
from .check import PROBLEM_STATUSES, compare_with_text
from .codetext import read_code_dir
from .table import sanctions_table, validate_sanctions

__all__ = ["build", "validate", "code_dir"]

STAGE = "statutes"
SANCTIONS_FILE = "sanctions.parquet"
CHECK_FILE = "statutes_check.csv"


def code_dir(paths: Paths) -> Path:
    """``paths.raw / "criminal_code"``; InputError naming it when it is missing."""
    folder = paths.raw / "criminal_code"
    if not folder.is_dir():
        raise InputError("the Criminal Code texts are missing; run `repstats fetch` for "
                         "the criminal_code group", file=folder)
    return folder


def build(paths: Paths) -> list[Path]:
    """Write ``sanctions.parquet`` and ``statutes_check.csv``; return their paths."""
    table = sanctions_table()
    check = compare_with_text(table, read_code_dir(code_dir(paths)))
    out_table = paths.processed / SANCTIONS_FILE
    out_check = paths.processed / CHECK_FILE
    write_parquet(table, out_table)
    write_csv(check, out_check)
    return [out_table, out_check]


def _row(check: str, status: str, detail: str) -> dict:
    return {"stage": STAGE, "check": check, "status": status, "detail": detail}


def validate(paths: Paths) -> pd.DataFrame:
    """Re-read the outputs and check them.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage``, ``check``, ``status`` ("pass", "fail", "warn"), ``detail``.
    """
    rows = []
    table_path = paths.processed / SANCTIONS_FILE
    check_path = paths.processed / CHECK_FILE
    if not table_path.is_file():
        rows.append(_row("sanctions.parquet exists", "fail", f"{table_path} missing"))
    else:
        df = pd.read_parquet(table_path)
        try:
            validate_sanctions(df, what=str(table_path))
            rows.append(_row("sanctions schema", "pass", f"{len(df)} rows"))
        except ValidationError as exc:
            rows.append(_row("sanctions schema", "fail", str(exc)))
        try:
            pd.testing.assert_frame_equal(df.reset_index(drop=True), sanctions_table(),
                                          check_dtype=False)
            rows.append(_row("sanctions.parquet matches package data", "pass",
                             f"{len(df)} rows identical"))
        except AssertionError as exc:
            rows.append(_row("sanctions.parquet matches package data", "fail",
                             str(exc).splitlines()[0]))
        unknown = df["min_months"].isna() | df["max_months"].isna()
        unknown &= df["imprisonment"].ne(False).fillna(True).astype(bool)
        rows.append(_row("versions with an unestablished range",
                         "warn" if unknown.any() else "pass",
                         f"{int(unknown.sum())} of {len(df)} versions: "
                         + ", ".join(sorted({f'{a} ч.{p}' for a, p in
                                             df.loc[unknown, ['article', 'part']].values}))))
        counts = df["confidence"].value_counts().to_dict()
        rows.append(_row("confidence of versions", "pass", str(counts)))
    if not check_path.is_file():
        rows.append(_row("statutes_check.csv exists", "fail", f"{check_path} missing"))
    else:
        check = pd.read_csv(check_path, dtype=str)
        bad = check[check["status"].isin(PROBLEM_STATUSES)]
        rows.append(_row("current rows agree with the Code text",
                         "fail" if len(bad) else "pass",
                         "; ".join(f"{r.article} ч.{r.part}: {r.status} ({r.detail})"
                                   for r in bad.itertuples()) or
                         f"{int((check['status'] == 'agree').sum())} parts agree"))
        laws = check[check["law_in_table"].eq("False")]
        rows.append(_row("last amending law of the sanction named in the table",
                         "warn" if len(laws) else "pass",
                         ", ".join(f"{r.article} ч.{r.part} ({r.text_laws})"
                                   for r in laws.itertuples()) or "all named"))
    return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])

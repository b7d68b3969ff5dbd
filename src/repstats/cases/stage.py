"""Build stage ``cases``: notable cases and (when present) OVD-Info prosecutions.

Outputs in ``paths.processed`` (local working data: names are kept; publish only through
:func:`repstats.privacy.safe_export`):

``notable_cases.parquet``
    the package's curated notable cases (one row per verdict for one defendant).
``ovdinfo_prosecutions.parquet``, ``ovdinfo_prosecutions_rejects.parquet``,
``ovdinfo_monthly_by_group.parquet``, ``ovdinfo_monthly_by_article.parquet``
    only when an OVD-Info export is in ``paths.raw / "ovdinfo_prosecutions"`` (a folder of
    ``.csv``/``.json`` exports, or that name with a ``.csv``/``.json`` suffix). One row of
    the prosecutions table is one prosecution of one person. In the monthly tables
    ``month`` is the first day of the month.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import Paths
from ..errors import ValidationError
from ..io import write_parquet
from .notable import METHOD_COLUMNS, coerce_notable, notable_cases, validate_notable
from .ovdinfo import PROSECUTIONS_SCHEMA, monthly_prosecutions, read_ovdinfo_prosecutions

STAGE = "cases"
NOTABLE_OUT = "notable_cases.parquet"
OVD_OUT = "ovdinfo_prosecutions.parquet"
OVD_REJECTS = "ovdinfo_prosecutions_rejects.parquet"
OVD_MONTHLY = {"group": ("ovdinfo_monthly_by_group.parquet", ("case_group_en",)),
               "article": ("ovdinfo_monthly_by_article.parquet", ("article",))}
EXPECTED_ROWS, EXPECTED_PEOPLE = 75, 72


def ovdinfo_input(p: Paths) -> Path | None:
    """The OVD-Info export under ``paths.raw``, or ``None`` when there is none."""
    base = p.raw / "ovdinfo_prosecutions"
    if base.is_dir() and any(f.suffix.lower() in (".csv", ".json") for f in base.iterdir()):
        return base
    for suffix in (".csv", ".json"):
        if base.with_suffix(suffix).is_file():
            return base.with_suffix(suffix)
    return None


def _monthly_for_parquet(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["month"] = out["month"].dt.to_timestamp()
    return out


def build(p: Paths) -> list[Path]:
    """Write the stage's tables into ``paths.processed``; return the files written."""
    written = [write_parquet(notable_cases(), p.processed / NOTABLE_OUT)]
    source = ovdinfo_input(p)
    if source is None:
        return written
    clean, rejects = read_ovdinfo_prosecutions(source, return_rejects=True)
    tables = {OVD_OUT: clean, OVD_REJECTS: rejects.astype("string")}
    with warnings.catch_warnings():  # the excluded count is kept in the table attrs
        warnings.simplefilter("ignore", UserWarning)
        for name, by in OVD_MONTHLY.values():
            tables[name] = _monthly_for_parquet(monthly_prosecutions(clean, by=by))
    for name, table in tables.items():
        written.append(write_parquet(table, p.processed / name))
    return written


def _check(rows, check, ok, detail, warn=False):
    rows.append((STAGE, check, "pass" if ok else ("warn" if warn else "fail"), detail))


def validate(p: Paths) -> pd.DataFrame:
    """Re-read the stage's outputs; one row per check (stage, check, status, detail)."""
    rows: list[tuple] = []
    path = p.processed / NOTABLE_OUT
    if not path.is_file():
        _check(rows, "notable_cases exists", False, f"{path} missing; run repstats build "
               "--stage cases")
    else:
        df = coerce_notable(pd.read_parquet(path))
        try:
            validate_notable(df)
            _check(rows, "notable_cases schema", True, f"{len(df)} rows")
        except ValidationError as exc:
            _check(rows, "notable_cases schema", False, str(exc)[:500])
        _check(rows, "notable_cases rows", len(df) == EXPECTED_ROWS,
               f"{len(df)} rows (expected {EXPECTED_ROWS} defendant-verdicts)")
        people = df["person_id"].nunique()
        _check(rows, "notable_cases people", people == EXPECTED_PEOPLE,
               f"{people} distinct people (expected {EXPECTED_PEOPLE})")
        _check(rows, "notable_cases sources", bool(df["source_url"].notna().all()),
               f"{int(df['source_url'].isna().sum())} rows without a source")
        package = notable_cases()  # the package file, read and validated once per process
        same = package.drop(columns=[f"{c}_method" for c in METHOD_COLUMNS]).equals(
            df.drop(columns=[f"{c}_method" for c in METHOD_COLUMNS]))
        _check(rows, "notable_cases matches package data", same,
               "processed copy equals repstats/data/notable_cases.csv" if same else
               "processed copy differs from the package data; rebuild the stage")
        parser_fields = ("region", "charges", "sentence_kind", "months", "regime",
                         "probation_months", "fine_rub", "appeal_outcome")
        hand = {f: int((~df[f"{f}_method"].eq("parsed")).sum()) for f in parser_fields}
        _check(rows, "notable_cases parsed by package parsers", sum(hand.values()) == 0,
               "values set by hand (parser missing or disagreeing): "
               + ", ".join(f"{k} {v}" for k, v in hand.items() if v), warn=True)

    source = ovdinfo_input(p)
    out = p.processed / OVD_OUT
    if source is None:
        _check(rows, "ovdinfo export present", False, "no OVD-Info export in "
               f"{p.raw / 'ovdinfo_prosecutions'} (optional input); tables not built",
               warn=True)
        return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])
    if not out.is_file():
        _check(rows, "ovdinfo_prosecutions exists", False, f"{out} missing; rebuild")
        return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])
    clean = pd.read_parquet(out)
    rejects = pd.read_parquet(p.processed / OVD_REJECTS)
    try:
        PROSECUTIONS_SCHEMA.validate(clean, lazy=True)
        _check(rows, "ovdinfo schema", True, f"{len(clean)} prosecutions")
    except pa.errors.SchemaErrors as exc:
        _check(rows, "ovdinfo schema", False, str(exc.failure_cases)[:500])
    fresh, fresh_rejects = read_ovdinfo_prosecutions(source, return_rejects=True)
    _check(rows, "ovdinfo every input row accounted for",
           len(clean) + len(rejects) == len(fresh) + len(fresh_rejects),
           f"{len(clean)} clean + {len(rejects)} rejected")
    flagged = clean["term_flag"].isin(["placeholder_large", "placeholder_small", "unparsed"])
    _check(rows, "ovdinfo imprisonment terms", not flagged.any(),
           f"{int(flagged.sum())} placeholder or unreadable terms set missing (raw kept)",
           warn=True)
    monthly = pd.read_parquet(p.processed / OVD_MONTHLY["group"][0])
    dated = int(clean["persecution_started_precision"].isin(["day", "month"]).sum())
    _check(rows, "ovdinfo monthly counts add up", int(monthly["prosecutions"].sum()) == dated,
           f"{int(monthly['prosecutions'].sum())} counted vs {dated} month-dated prosecutions")
    return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])

"""Build stage ``courts``: raw zips -> court_stats.parquet, quality table, codebook."""
from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from ..io import csv_bytes, parquet_bytes, write_bytes
from .codebook import codebook
from .reader import read_court_stats_table
from .reconcile import QUALITY_COLUMNS, reconcile, working_frame
from .schema import validate_coded, validate_court_stats

OUTPUTS = {
    "table": "court_stats.parquet",
    "quality": "court_stats_quality.csv",
    "codebook": "court_stats_codebook.csv",
}


def build(paths) -> list[Path]:
    """Read every yearly zip, validate, reconcile and write the three outputs.

    Everything is computed before anything is written, so bad input (an
    :class:`~repstats.errors.InputError` or a schema failure) leaves no output behind.
    Writes are atomic and deterministic (two builds give byte-identical files).

    Returns
    -------
    list of Path
        ``court_stats.parquet``, ``court_stats_quality.csv``, ``court_stats_codebook.csv``
        in ``paths.processed``.
    """
    read = read_court_stats_table(paths.raw)
    coded = read.coded()  # the string columns as categoricals: the reader's codes
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the table's strings are taken and the table encoded (Arrow, outside the GIL)
        # while it is validated and reconciled on the codes; nothing is written before
        # everything is computed. The context carries the stage's parquet metadata
        # (repstats.io.parquet_metadata) into the worker.
        table = pool.submit(contextvars.copy_context().run, _parquet, read)
        # validated on the codes: the checks test each distinct string once; the
        # table's own dtypes are checked on its empty frame
        validate_coded(coded, read.empty())
        work = working_frame(coded)
        quality = reconcile(work)
        book = codebook(work)  # the same values, coded
        # rendered while the worker finishes the table; written once all is computed
        texts = {"quality": csv_bytes(quality), "codebook": csv_bytes(book)}
        table = table.result()
    out = Path(paths.processed)
    return [write_bytes(out / OUTPUTS["table"], table),
            write_bytes(out / OUTPUTS["quality"], texts["quality"]),
            write_bytes(out / OUTPUTS["codebook"], texts["codebook"])]


def _parquet(read) -> bytes:
    return parquet_bytes(read.arrow())


def read_quality(path) -> pd.DataFrame:
    """Read ``court_stats_quality.csv`` with its documented types.

    A plain ``pandas.read_csv`` would turn article labels into floats ("228" -> 228.0) and
    counts with gaps into floats; this keeps labels as text and counts as ``Int64``.
    ``path`` is the CSV file or the processed folder holding it.
    """
    path = Path(path)
    if path.is_dir():
        path = path / OUTPUTS["quality"]
    text_cols = {"article": str, "part": str, "redaction": str}
    df = pd.read_csv(path, dtype=text_cols, low_memory=False)
    for col in ("expected", "observed", "difference", "row"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col]).round().astype("Int64")
    return df


def validate(paths) -> pd.DataFrame:
    """Re-read the outputs and check them.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage`` ("courts"), ``check``, ``status`` ("pass", "fail", "warn"),
        ``detail``. Disagreements inside the official data are ``warn`` (reported,
        not ours to fix); missing or malformed outputs are ``fail``.
    """
    out = Path(paths.processed)
    rows = []

    def add(check, ok, detail, warn=False):
        rows.append(("courts", check, "pass" if ok else ("warn" if warn else "fail"),
                     detail))

    files = {k: out / v for k, v in OUTPUTS.items()}
    for key, path in files.items():
        add(f"exists:{path.name}", path.is_file(), str(path))
    if not all(p.is_file() for p in files.values()):
        return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])
    df = pd.read_parquet(files["table"])
    try:
        validate_court_stats(df)
        add("schema", True, f"{len(df)} rows valid")
    except Exception as exc:  # report, do not raise
        add("schema", False, str(exc)[:2000])
    years = sorted(df["year"].unique().tolist())
    add("years", years == list(range(years[0], years[-1] + 1)) if years else False,
        f"years {years[:1]}..{years[-1:]}")
    quality = read_quality(files["quality"])
    add("quality_columns", list(quality.columns) == QUALITY_COLUMNS,
        "quality table has the documented columns")
    for check, grp in quality.groupby("check"):
        counts = grp["status"].value_counts().sort_index()
        n_bad = int(len(grp) - counts.get("pass", 0))
        add(f"reconcile:{check}", n_bad == 0,
            f"{len(grp)} comparisons: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            + " (official data; see court_stats_quality.csv)", warn=True)
    book = pd.read_csv(files["codebook"])
    # the distinct measures (a set of the 1M-row column itself iterates every cell: ~1 s)
    measures = set(df["measure"].unique())
    missing = sorted(measures - set(book.loc[book["kind"] == "measure", "name"]))
    add("codebook_covers_measures", not missing, f"undocumented: {missing}")
    missing_cols = sorted(set(df.columns) - set(book.loc[book["kind"] == "column", "name"]))
    add("codebook_covers_columns", not missing_cols, f"undocumented: {missing_cols}")
    return pd.DataFrame(rows, columns=["stage", "check", "status", "detail"])

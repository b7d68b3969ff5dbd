"""Time the full 13-year court-statistics build against plain reading with pandas' default
Excel engine (xlrd for .xls) of the same sheets.

Usage: ``python benchmarks/bench_courts.py [RAW_DIR]`` (default: the mirror). Prints the
build time, the pandas-default read time and their ratio. The build writes into a
temporary folder, never into data/processed.
"""
from __future__ import annotations

import io
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from repstats.config import paths
from repstats.courts import stage
from repstats.courts.archive import read_members
from repstats.courts.excel import read_sheets
from repstats.courts.forms import identify_workbook


def _form_members(raw: Path):
    """(zip, member bytes) of every 10-а/10.3/10.3.1 workbook; identification not timed."""
    out = []
    for z in sorted((raw / "cdep").glob("*.zip")):
        for m in read_members(z):
            if identify_workbook(read_sheets(m.data)).known:
                out.append(m.data)
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    base = paths()
    raw = Path(argv[0]) if argv else (base.mirror or base.raw)
    with tempfile.TemporaryDirectory() as tmp:
        p = paths(raw=raw, processed=tmp)
        t0 = time.perf_counter()
        files = stage.build(p)
        t_build = time.perf_counter() - t0
    data = _form_members(raw)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecates xlrd; it is still the default
        for blob in data:
            pd.read_excel(io.BytesIO(blob), sheet_name=None, header=None)
    t_pandas = time.perf_counter() - t0
    t0 = time.perf_counter()
    for blob in data:
        read_sheets(blob)
    t_calamine = time.perf_counter() - t0
    print(f"python-calamine (the reader's engine), same workbooks, read only: "
          f"{t_calamine:.2f} s (xlrd/calamine read ratio {t_pandas / t_calamine:.1f}x)")
    print(f"full 13-year build (read+validate+reconcile+write {len(files)} files): "
          f"{t_build:.2f} s")
    print(f"pandas.read_excel default engine, same {len(data)} workbooks, read only: "
          f"{t_pandas:.2f} s")
    print(f"ratio pandas-default-read / full-build: {t_pandas / t_build:.2f}")
    print("target: build < 15 s:", "met" if t_build < 15 else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

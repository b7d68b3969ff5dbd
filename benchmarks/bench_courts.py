"""The court-statistics build (all years, 2009-2024) against bare reads of the same sheets.

Usage::

    python benchmarks/bench_courts.py [RAW_DIR] [--runs N]

(default: the mirror, 3 runs). Baselines, measured in the same run, on the same
workbooks (forms 10-а, 10.3 and 10.3.1 of every year, zipped or loose; identification by
title sheet is not timed):

- ``pandas``: ``pandas.read_excel(sheet_name=None, header=None)`` with pandas' default
  engine (xlrd for ``.xls``), every sheet of every workbook;
- ``calamine``: python-calamine opening each workbook and converting every sheet to Python
  values (``to_python``), nothing else.

The build is ``repstats build --stage courts`` (read, validate, reconcile, write the three
outputs into a temporary folder, never into data/processed). Each run times the three in
turn; the script prints min/median/max of each time and of the ratios build/pandas and
build/calamine (per run), then the same ratios of CPU time (``time.process_time``: every
thread of the process, so the build's worker threads count), which a shared machine's load
disturbs less than wall time, and its split: system time (``os.times``; page faults on the
memory the build first touches) and the ratio of user times. Targets (issue 16, on wall
time): build <= 1.0x pandas, on the way to <= 10x calamine.

Peak memory: the build runs once more in a fresh subprocess that records its resident set
after the imports and its high-water mark after the build; the increase is compared with
the finished table's in-memory size (``DataFrame.memory_usage(deep=True)``). Target: <= 2x.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from repstats.config import paths
from repstats.courts import labels, measures, schema, stage
from repstats.courts.excel import read_sheets
from repstats.courts.forms import identify_workbook
from repstats.courts.workbooks import workbooks_of, year_sources


def form_workbooks(raw: Path) -> list[bytes]:
    """Bytes of every 10-а/10.3/10.3.1 workbook of every year (zip or folder)."""
    out = []
    for _year, src in sorted(year_sources(raw).items()):
        for wb in workbooks_of(src):
            if identify_workbook(read_sheets(wb.data)).known:
                out.append(wb.data)
    return out


def read_pandas(blobs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecates xlrd; it is still the default
        for blob in blobs:
            pd.read_excel(io.BytesIO(blob), sheet_name=None, header=None)


def read_calamine(blobs):
    from python_calamine import CalamineWorkbook

    for blob in blobs:
        book = CalamineWorkbook.from_filelike(io.BytesIO(blob))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def build(raw: Path):
    # each run starts cold: the parsers' per-text caches are emptied, as in a fresh process
    for module, name in ((labels, "normalize_redaction"), (labels, "classify_total"),
                         (measures, "_measure_name"), (schema, "_coded_schema")):
        clear = getattr(getattr(module, name, None), "cache_clear", None)
        if clear is not None:  # (absent from older versions: run them as they are)
            clear()
    with tempfile.TemporaryDirectory() as tmp:
        stage.build(paths(raw=raw, processed=tmp))


_MEMORY_CHILD = r"""
import json, resource, sys, tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet
from repstats.config import paths
from repstats.courts import stage

def rss_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

base = rss_kib()
with tempfile.TemporaryDirectory() as tmp:
    stage.build(paths(raw=sys.argv[1], processed=tmp))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    table = pd.read_parquet(Path(tmp) / stage.OUTPUTS["table"])
print(json.dumps({"base_kib": base, "peak_kib": peak,
                  "table_bytes": int(table.memory_usage(deep=True).sum()),
                  "rows": len(table), "years": int(table["year"].nunique())}))
"""


def memory(raw: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(raw)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mmm(values, fmt="{:.2f}"):
    return (f"min {fmt.format(min(values))}, median {fmt.format(statistics.median(values))}, "
            f"max {fmt.format(max(values))}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    base = paths()
    raw = Path(args.raw) if args.raw else (base.mirror or base.raw)
    years = sorted(year_sources(raw))
    blobs = form_workbooks(raw)
    times = {"build": [], "pandas": [], "calamine": []}
    cpu = {"build": [], "pandas": [], "calamine": []}
    system = {"build": [], "pandas": [], "calamine": []}
    for _ in range(args.runs):
        for name, fn in (("calamine", read_calamine), ("pandas", read_pandas),
                         ("build", build)):
            t0, c0, s0 = time.perf_counter(), time.process_time(), os.times().system
            fn(blobs if name != "build" else raw)
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
            system[name].append(os.times().system - s0)
    print(f"court build benchmark: {len(years)} years ({years[0]}-{years[-1]}), "
          f"{len(blobs)} workbooks, {args.runs} runs")
    print(f"  calamine read (to_python, every sheet):  {_mmm(times['calamine'])} s")
    print(f"  pandas.read_excel (default engine, xlrd): {_mmm(times['pandas'])} s")
    print(f"  repstats build --stage courts:            {_mmm(times['build'])} s")
    vs_pandas = [b / p for b, p in zip(times["build"], times["pandas"])]
    vs_calamine = [b / c for b, c in zip(times["build"], times["calamine"])]
    print(f"  ratio build / pandas read:   {_mmm(vs_pandas)}  (target <= 1.0: "
          f"{'met' if statistics.median(vs_pandas) <= 1.0 else 'NOT met'})")
    print(f"  ratio build / calamine read: {_mmm(vs_calamine, '{:.1f}')}  (target <= 10: "
          f"{'met' if statistics.median(vs_calamine) <= 10 else 'NOT met'})")
    cpu_pandas = [b / p for b, p in zip(cpu["build"], cpu["pandas"])]
    cpu_calamine = [b / c for b, c in zip(cpu["build"], cpu["calamine"])]
    print(f"  CPU time (all threads of the process), less sensitive to a shared machine's "
          f"load: build / pandas {_mmm(cpu_pandas)}; build / calamine "
          f"{_mmm(cpu_calamine, '{:.1f}')}")
    # the kernel's share of that CPU time: mostly page faults on the memory the build's
    # million-row table first touches (costly on a virtual machine); the reads allocate
    # little
    user_pandas = [(b - bs) / (p - ps) for b, bs, p, ps in
                   zip(cpu["build"], system["build"], cpu["pandas"], system["pandas"])]
    print(f"  of which system time: build {_mmm(system['build'])} s, pandas read "
          f"{_mmm(system['pandas'])} s; user time build / pandas {_mmm(user_pandas)}")
    mem = memory(raw)
    grown = (mem["peak_kib"] - mem["base_kib"]) * 1024
    ratio = grown / mem["table_bytes"]
    print(f"  peak memory of the build above its imports: {grown / 2**20:.0f} MiB; finished "
          f"table {mem['table_bytes'] / 2**20:.0f} MiB ({mem['rows']:,} rows, "
          f"{mem['years']} years); ratio {ratio:.2f} (target <= 2: "
          f"{'met' if ratio <= 2 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

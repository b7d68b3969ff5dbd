"""Benchmark the dask scale-out path (repstats.scale) against one process.

The same pipeline (read the CSV in partitions, parse or clean each partition, write one
parquet file per partition with an explicit schema) runs twice per run:

* baseline: dask's ``synchronous`` scheduler, i.e. one process doing all partitions;
* scale-out: a ``distributed`` local cluster of ``--workers`` worker processes, one
  thread each (started once, outside the timings).

It prints the speed-up (baseline time / cluster time) as min / median / max of ``--runs``
paired runs (target, issue 16: >= 1.7x on 2 worker processes for all-distinct text).

Data (generated, nothing real): 10 M rows by default (``--quick``: 1 M). Text columns are
all distinct: ``--base`` distinct cells from benchmarks/textdata.py, each written in
several spellings (case, spacing) until there are enough rows; the OVD-Info export has
distinct ids, article lists, dates and terms.

Usage::

    python benchmarks/bench_dask.py --quick
    python benchmarks/bench_dask.py --parsers parse_charges --runs 3      # 10 M rows
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
import textdata  # noqa: E402

from repstats.scale import (clean_ovdinfo_to_parquet, local_cluster,  # noqa: E402
                            parse_text_to_parquet)

SPELLINGS = [lambda s: s, lambda s: s.str.upper(), lambda s: " " + s,
             lambda s: s.str.replace(" ", "  ", n=1, regex=False), lambda s: s + " ",
             lambda s: s.str.lower(), lambda s: "  " + s, lambda s: s.str.replace(
                 ",", " ,", n=1, regex=False), lambda s: s.str.upper() + " ",
             lambda s: " " + s.str.lower()]


def text_csv(parser: str, rows: int, base: int, folder: Path) -> Path:
    path = folder / f"{parser}-{rows}.csv"
    if path.exists():
        return path
    seed = textdata.column(parser, base, None)
    parts, total, i = [], 0, 0
    while total < rows:
        part = SPELLINGS[i % len(SPELLINGS)](seed)
        if i >= len(SPELLINGS):
            part = part + f" #{i}"
        parts.append(part)
        total += len(part)
        i += 1
    col = pd.concat(parts, ignore_index=True).iloc[:rows]
    col = col.sample(frac=1, random_state=1).reset_index(drop=True)
    table = pa.table({"case_id": pa.array(np.arange(rows).astype(str)),
                      "text": pa.array(col.to_numpy(dtype=object), type=pa.string())})
    pacsv.write_csv(table, path)
    return path


def ovdinfo_csv(rows: int, folder: Path) -> Path:
    path = folder / f"ovdinfo-{rows}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(7)
    arts = np.array(['["207.3(2)"]', '["280.3(1)", "207.3(2)"]', '["205.2(2)"]',
                     '["275"]', '["20.3.3(1)"]', '["212.1"]', '[]'], dtype=object)
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 4000, rows), "D")
    table = pd.DataFrame({
        "prosecution_id": np.char.add("p", np.arange(rows).astype(str)),
        "persecution_started": start.strftime("%Y-%m-%d"),
        "persecution_started_year": start.year.astype(str),
        "persecution_region_iso": rng.choice(["RU-MOW", "RU-SPE", "RU-KDA", "ru-bash"], rows),
        "persecution_city_en": rng.choice(["Moscow", "St Petersburg", ""], rows),
        "persecution_article_and_part_en": rng.choice(arts, rows),
        "case_group_en": rng.choice(["Anti-war case", "Jehovah's Witnesses", ""], rows),
        "first_verdict_date": (start + pd.Timedelta(days=300)).strftime("%Y-%m-%d"),
        "verdict_imprisonment_term": rng.choice(["36", "12.5", "", "9999", "0", "x"], rows),
    })
    pacsv.write_csv(pa.Table.from_pandas(table, preserve_index=False), path)
    return path


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="1 M rows")
    ap.add_argument("--base", type=int, default=1_000_000, help="distinct generated cells")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blocksize", default="4MB", help="CSV bytes per partition (many "
                    "partitions per worker keep the workers evenly loaded)")
    ap.add_argument("--parsers", nargs="*", default=["parse_charges", "parse_sentence",
                                                     "parse_date", "normalize_region",
                                                     "ovdinfo"])
    ap.add_argument("--data", default=str(textdata.CACHE / "dask"))
    args = ap.parse_args(argv)
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("bench_dask skipped: needs the 'dask' extra (pip install 'repstats[dask]')")
        return
    rows = 1_000_000 if args.quick else args.rows
    base = min(args.base, rows)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    inputs = {p: (ovdinfo_csv(rows, data) if p == "ovdinfo" else text_csv(p, rows, base, data))
              for p in args.parsers}
    out = Path(tempfile.mkdtemp(prefix="repstats-bench-dask-"))
    print(f"baseline: the same pipeline on dask's synchronous scheduler (one process); "
          f"scale-out: distributed LocalCluster, {args.workers} worker processes x 1 thread; "
          f"{rows:,} rows, blocksize {args.blocksize}, {args.runs} paired runs")
    print(f"{'job':<18}{'rows':>11}{'1 proc s':>10}{'cluster s':>10}{'speed-up min':>14}"
          f"{'median':>8}{'max':>8}{'rows/s cluster':>16}")
    try:
        with local_cluster(n_workers=args.workers):
            for name, path in inputs.items():
                if name == "ovdinfo":
                    def job(target, path=path):
                        clean_ovdinfo_to_parquet(path, target, blocksize=args.blocksize)
                else:
                    def job(target, path=path, name=name):
                        parse_text_to_parquet(path, "text", name, target, keep=["case_id"],
                                              blocksize=args.blocksize)
                singles, clusters = [], []
                for _ in range(args.runs):
                    with dask.config.set(scheduler="synchronous"):
                        singles.append(_timed(lambda: job(out / "single")))
                    clusters.append(_timed(lambda: job(out / "cluster")))
                ratios = [s / c for s, c in zip(singles, clusters)]
                print(f"{name:<18}{rows:>11,}{statistics.median(singles):>10.1f}"
                      f"{statistics.median(clusters):>10.1f}{min(ratios):>13.2f}x"
                      f"{statistics.median(ratios):>7.2f}x{max(ratios):>7.2f}x"
                      f"{rows / statistics.median(clusters):>16,.0f}", flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()

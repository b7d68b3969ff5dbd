"""Benchmark ``repstats.load`` against a plain ``pd.read_parquet`` of the same file.

For every built parquet table (default: the processed folder of ``repstats.config.paths``;
``--processed DIR`` to choose), prints, over several runs measured in this run:

* the memory of the loaded table (``DataFrame.memory_usage(deep=True)``) for the plain read
  and for ``repstats.load`` (categories, nullable integers, periods), and their ratio;
* the load time (min / median / max of ``--runs`` runs) of both, and the ratio of medians.

Usage::

    python benchmarks/bench_load.py              # needs `repstats build` first
    python benchmarks/bench_load.py --runs 5 --processed data/processed
"""
from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

import repstats


def _timed(fn, runs: int):
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processed", help="processed folder (default: repstats.config)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    listed = repstats.tables(processed=args.processed)
    built = listed[listed["built"] & listed["file"].str.endswith(".parquet")]
    if built.empty:
        raise SystemExit("no parquet table built; run `repstats build` first")
    print(f"{'table':28s} {'plain MB':>9s} {'load MB':>8s} {'ratio':>6s}   "
          f"{'plain s (min/med/max)':>22s} {'load s (min/med/max)':>22s} {'ratio':>6s}")
    for row in built.itertuples():
        plain, t_plain = _timed(lambda: pd.read_parquet(row.path), args.runs)
        loaded, t_load = _timed(lambda: repstats.load(row.table, processed=args.processed),
                                args.runs)
        mb_plain = plain.memory_usage(deep=True).sum() / 1e6
        mb_load = loaded.memory_usage(deep=True).sum() / 1e6

        def fmt(ts):
            return f"{min(ts):.2f}/{statistics.median(ts):.2f}/{max(ts):.2f}"

        print(f"{row.table:28s} {mb_plain:9.1f} {mb_load:8.1f} {mb_load / mb_plain:6.2f}   "
              f"{fmt(t_plain):>22s} {fmt(t_load):>22s} "
              f"{statistics.median(t_load) / statistics.median(t_plain):6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

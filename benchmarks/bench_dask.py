"""Benchmark the dask scale-out path (repstats.scale) against one process.

One job = read a CSV in partitions, parse (or clean) each partition, write one parquet file
per partition with an explicit schema (``repstats.scale.parse_text_to_parquet`` or
``clean_ovdinfo_to_parquet``). Each job runs on both sides, alternately, ``--runs`` times:

* baseline (named ``1 proc``): the same dask graph on dask's ``synchronous`` scheduler, i.e.
  the same per-partition function (read, parse, write) run serially in one plain process
  (a child started before the cluster: the cluster's scheduler and nannies run in the
  driver and would take CPU and the GIL from it), same input, same partitions, same
  output files;
* scale-out (named ``cluster``): a ``distributed`` LocalCluster of ``--workers`` worker
  processes with one thread each (``repstats.scale.local_cluster``, started and warmed up
  once, outside the timings).

Only the compute and the writing are timed: the input is generated first (cached in
``--data``), the output folder is emptied before each timing, and both sides run once on
a small input first (imports, regex compilation, worker start-up). The speed-up is
``1 proc`` time / ``cluster`` time of the same run, printed as min / median / max over the
runs (target, issue 16: >= 1.7x on 2 worker processes). ``tasks/worker`` and ``busy``
show whether the scheduler spread the partitions and how much of the cluster's wall time
the workers spent in tasks (the rest is scheduling, the driver and the tail). A second
line gives CPU seconds: the 1-proc run's, the workers' sum (more than the 1-proc run's
means work added by the cluster) and the driver's; its ratio, 1-proc CPU over the
busiest worker's CPU, estimates the speed-up on idle cores and is robust to other jobs'
load on a shared machine (the wall-clock ratio is the measure; this is a check).

Text (generated, nothing real; benchmarks/textdata.py): *distinct*, every cell unique
(``--base`` distinct cells, each written in several spellings until there are ``--rows``);
*repeated*, cells drawn Zipf-like from 3,000 distinct values. The OVD-Info export has
distinct ids, varied article lists, dates and terms.

Usage::

    python benchmarks/bench_dask.py                       # 10 M rows: the documented run
    python benchmarks/bench_dask.py --rows 1000000 --runs 3 --parsers parse_charges ovdinfo
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
import textdata  # noqa: E402

from repstats.scale import (auto_blocksize, clean_ovdinfo_to_parquet,  # noqa: E402
                            local_cluster, parse_text_to_parquet)

SPELLINGS = [lambda s: s, lambda s: s.str.upper(), lambda s: " " + s,
             lambda s: s.str.replace(" ", "  ", n=1, regex=False), lambda s: s + " ",
             lambda s: s.str.lower(), lambda s: "  " + s, lambda s: s.str.replace(
                 ",", " ,", n=1, regex=False), lambda s: s.str.upper() + " ",
             lambda s: " " + s.str.lower()]
TEXT_PARSERS = ["parse_charges", "parse_sentence", "parse_date", "normalize_region"]
WARMUP_ROWS = 20_000


def _write_csv(path: Path, text: pd.Series) -> Path:
    table = pa.table({"case_id": pa.array(np.arange(len(text)).astype(str)),
                      "text": pa.array(text.to_numpy(dtype=object), type=pa.string())})
    tmp = path.with_suffix(".part")
    pacsv.write_csv(table, tmp)
    tmp.replace(path)
    return path


def text_csv(parser: str, kind: str, rows: int, base: int, folder: Path) -> Path:
    """The input CSV (``case_id``, ``text``) of one parser and kind, generated once."""
    path = folder / f"{parser}-{kind}-{rows}.csv"
    if path.exists():
        return path
    if kind == "repeated":
        return _write_csv(path, textdata.column(parser, rows, 3000))
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
    return _write_csv(path, col)


def ovdinfo_csv(rows: int, folder: Path) -> Path:
    """A generated OVD-Info export: distinct ids, varied article lists, dates and terms."""
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
    tmp = path.with_suffix(".part")
    pacsv.write_csv(pa.Table.from_pandas(table, preserve_index=False), tmp)
    tmp.replace(path)
    return path


def head_csv(path: Path, rows: int) -> Path:
    """The first ``rows`` rows of a CSV (the warm-up input)."""
    small = path.with_name(f"warmup-{path.name}")
    if not small.exists():
        with open(path, encoding="utf-8") as src, open(small, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i > rows:
                    break
                dst.write(line)
    return small


def _job(name: str, blocksize):
    if name == "ovdinfo":
        return lambda path, target: clean_ovdinfo_to_parquet(path, target,
                                                            blocksize=blocksize)
    return lambda path, target: parse_text_to_parquet(path, "text", name, target,
                                                      keep=["case_id"], blocksize=blocksize)


def _written(target: Path) -> tuple[int, int]:
    """(files, rows) of the parquet files under ``target`` (read from their footers)."""
    files = sorted(target.rglob("*.parquet"))
    return len(files), sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _timed_single(job, path, target) -> tuple[float, float]:
    """(wall, CPU) seconds of the job in this process."""
    shutil.rmtree(target, ignore_errors=True)
    with dask.config.set(scheduler="synchronous"):
        c0, t0 = time.process_time(), time.perf_counter()
        job(path, target)
        return time.perf_counter() - t0, time.process_time() - c0


def _single_server(conn) -> None:
    """The baseline's plain process: runs jobs sent as (name, blocksize, path, target) and
    answers (wall, CPU) seconds, or the error's text."""
    while (msg := conn.recv()) is not None:
        name, blocksize, path, target = msg
        try:
            conn.send(_timed_single(_job(name, blocksize), path, Path(target)))
        except Exception as exc:                                  # noqa: BLE001
            conn.send(f"{type(exc).__name__}: {exc}")


class SingleProcess:
    """A plain Python process (spawned, no dask cluster in it) running the baseline."""

    def __init__(self):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_single_server, args=(child,), daemon=True)
        self.proc.start()

    def run(self, name, blocksize, path, target) -> tuple[float, float]:
        self.conn.send((name, blocksize, str(path), str(target)))
        answer = self.conn.recv()
        if isinstance(answer, str):
            raise RuntimeError(f"baseline process failed: {answer}")
        return answer

    def close(self) -> None:
        self.conn.send(None)
        self.proc.join(timeout=30)


def _timed_cluster(client, job, path, target) -> dict:
    """Wall seconds, tasks per worker, workers' busy seconds, CPU seconds of each worker
    process and of this process (the driver, with the scheduler)."""
    from distributed import get_task_stream
    shutil.rmtree(target, ignore_errors=True)
    cpu0 = client.run(time.process_time)
    with get_task_stream(client) as ts:
        c0, t0 = time.process_time(), time.perf_counter()
        job(path, target)
        wall, driver = time.perf_counter() - t0, time.process_time() - c0
    cpu1 = client.run(time.process_time)
    per_worker: Counter = Counter()
    busy = 0.0
    for task in ts.data:
        per_worker[task["worker"]] += 1
        busy += sum(s["stop"] - s["start"] for s in task["startstops"]
                    if s["action"] == "compute")
    return {"wall": wall, "spread": per_worker, "busy": busy, "driver": driver,
            "workers": [cpu1[w] - cpu0[w] for w in cpu0]}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="same as --rows 1000000")
    ap.add_argument("--base", type=int, default=1_000_000, help="distinct generated cells")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blocksize", default="auto",
                    help="CSV bytes per partition, the same on both sides (default auto: "
                         "repstats.scale.auto_blocksize for --workers, as the library's "
                         "default picks it: 16 MB, or less so that each worker gets 12 "
                         "partitions)")
    ap.add_argument("--parsers", nargs="*", default=[*TEXT_PARSERS, "ovdinfo"],
                    help=f"among {TEXT_PARSERS} and ovdinfo")
    ap.add_argument("--kinds", nargs="*", default=["distinct", "repeated"])
    ap.add_argument("--data", default=str(textdata.CACHE / "dask"),
                    help="where generated inputs are kept between runs")
    args = ap.parse_args(argv)
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("bench_dask skipped: needs the 'dask' extra (pip install 'repstats[dask]')")
        return
    unknown = set(args.parsers) - {*TEXT_PARSERS, "ovdinfo"}
    if unknown:
        ap.error(f"unknown parsers: {sorted(unknown)}")
    rows = 1_000_000 if args.quick else args.rows
    base = min(args.base, rows)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    jobs = []
    t0 = time.perf_counter()
    for name in args.parsers:
        if name == "ovdinfo":
            jobs.append((name, "distinct", ovdinfo_csv(rows, data)))
        else:
            jobs += [(name, kind, text_csv(name, kind, rows, base, data))
                     for kind in args.kinds]
    print(f"inputs ready in {time.perf_counter() - t0:.0f} s (not timed), {data}")
    out = Path(tempfile.mkdtemp(prefix="repstats-bench-dask-"))
    print(f"baseline '1 proc': the same per-partition read-parse-write, serially in one "
          f"plain process (dask synchronous scheduler); 'cluster': distributed LocalCluster of "
          f"{args.workers} worker processes x 1 thread; both write the same parquet files; "
          f"{rows:,} rows, blocksize {args.blocksize}, {args.runs} alternating runs; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    if os.getloadavg()[0] > 0.5:
        print("warning: the machine is not idle; Linux shares CPU time between sessions "
              "(autogroup), so the cluster may get no more CPU than one process and the "
              "wall-clock speed-up is depressed: read the CPU line, re-run when idle")
    print(f"{'job':<17}{'text':<10}{'rows':>11}{'parts':>7}{'1 proc s':>10}{'cluster s':>10}"
          f"{'speed-up min':>14}{'median':>8}{'max':>8}{'rows/s cluster':>16}"
          f"{'tasks/worker':>14}{'busy':>6}")
    single = SingleProcess()          # before the cluster: nothing of it in that process
    try:
        with local_cluster(n_workers=args.workers) as client:
            for name, kind, path in jobs:
                blocksize = (auto_blocksize(path, args.workers) if args.blocksize == "auto"
                             else args.blocksize)
                job = _job(name, blocksize)
                warm = head_csv(path, WARMUP_ROWS)
                single.run(name, blocksize, warm, out / "single")
                _timed_cluster(client, job, warm, out / "cluster")
                singles, clusters = [], []
                for run in range(args.runs):
                    sides = ["single", "cluster"] if run % 2 == 0 else ["cluster", "single"]
                    for side in sides:
                        if side == "single":
                            singles.append(single.run(name, blocksize, path,
                                                      out / "single"))
                        else:
                            clusters.append(_timed_cluster(client, job, path,
                                                           out / "cluster"))
                same = _written(out / "single") == _written(out / "cluster")
                files = _written(out / "cluster")[0]
                ratios = [s[0] / c["wall"] for s, c in zip(singles, clusters)]
                # on a shared machine wall times depend on the others' load; CPU seconds
                # do not: 1-proc CPU over the busiest worker's CPU is the speed-up the
                # same run would give on idle cores (I/O waits aside)
                idle = [s[1] / max(c["workers"]) for s, c in zip(singles, clusters)]
                med = statistics.median
                spread = "/".join(str(n) for n in sorted(clusters[-1]["spread"].values(),
                                                         reverse=True))
                print(f"{name:<17}{kind:<10}{rows:>11,}{files:>7}"
                      f"{med(s[0] for s in singles):>10.1f}"
                      f"{med(c['wall'] for c in clusters):>10.1f}{min(ratios):>13.2f}x"
                      f"{med(ratios):>7.2f}x{max(ratios):>7.2f}x"
                      f"{rows / med(c['wall'] for c in clusters):>16,.0f}{spread:>14}"
                      f"{med(c['busy'] / (c['wall'] * args.workers) for c in clusters):>6.0%}"
                      f"{'' if same else '  OUTPUTS DIFFER'}", flush=True)
                print(f"{'':<17}{'CPU s':<10}{'':>18}{med(s[1] for s in singles):>10.1f}"
                      f"{med(sum(c['workers']) for c in clusters):>10.1f}{min(idle):>13.2f}x"
                      f"{med(idle):>7.2f}x{max(idle):>7.2f}x   (workers' sum; driver "
                      f"{med(c['driver'] for c in clusters):.1f} s; ratio = idle-core "
                      f"estimate)", flush=True)
    finally:
        single.close()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()

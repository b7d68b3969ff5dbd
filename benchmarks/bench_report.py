"""Benchmark ``repstats report`` against the empty-kernel floor, measured in the same run.

Two commands are timed, alternately, ``--runs`` times each (wall clock of the whole
command, as a user runs it; min / median / max printed):

* **report**: ``repstats report`` on the project's notebooks (or the ``--names`` given),
  reading the built tables (default: the processed folder of ``repstats.config.paths``;
  ``--processed DIR`` to choose);
* **floor**: the same command, same ``--jobs``, on as many notebooks that do nothing
  (one empty code cell each): process start, kernel start, the runner's injected set-up
  cell, HTML export. This is the least any report of that many notebooks can cost.

The ratio of medians report / floor is the figure of issue 16 (target <= 2.0). The CPU
seconds (user + system) of each command and of everything it started (the kernels) are
printed too, with their ratio: other work on the machine disturbs them much less than the
wall clock.
``--jobs 1`` measures notebooks executed one after another (the runner's behaviour before
notebooks ran in parallel).

Usage::

    python benchmarks/bench_report.py                       # needs `repstats build` first
    python benchmarks/bench_report.py --runs 3 --jobs 1 --processed /tmp/x/processed \
        --raw ../shared/data
    python benchmarks/bench_report.py --names 01_data_quality 02_cases_vs_instability
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from repstats.config import paths
from repstats.report import notebook_files


def _empty_notebooks(folder: Path, names) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.cells.append(nbformat.v4.new_code_cell("pass"))
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _cpu_children() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _time_report(notebooks: Path, names, out: Path, jobs, env) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the command and the kernels it started)."""
    cmd = [sys.executable, "-m", "repstats.cli", "report", *names, "--notebooks",
           str(notebooks), "--out", str(out)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    cpu0, t0 = _cpu_children(), time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    took, cpu = time.perf_counter() - t0, _cpu_children() - cpu0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return took, cpu


def _line(label: str, times, unit: str = "s") -> str:
    return (f"{label:8s} min {min(times):6.1f} {unit}  median {statistics.median(times):6.1f} "
            f"{unit}  max {max(times):6.1f} {unit}  ({len(times)} runs)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processed", help="processed folder (default: repstats.config)")
    parser.add_argument("--raw", help="raw folder the notebooks read (default: repstats.config;"
                        " the mirror works too)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None,
                        help="passed to `repstats report --jobs` (default: its default)")
    parser.add_argument("--names", nargs="*", default=None,
                        help="notebooks to run (default: all)")
    args = parser.parse_args(argv)
    p = paths(raw=args.raw, processed=args.processed)
    if not any(p.processed.glob("*.parquet")):
        raise SystemExit(f"no built tables in {p.processed}: run `repstats build` first")
    files = notebook_files(p.notebooks, args.names)
    names = [f.stem for f in files]
    env = {**os.environ, "REPSTATS_PROCESSED": str(p.processed), "REPSTATS_RAW": str(p.raw)}
    times = {"report": [], "floor": []}
    cpu = {"report": [], "floor": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = _empty_notebooks(tmp / "empty", names)
        for run in range(args.runs):  # alternate, so load on the machine hits both alike
            for what, folder, which in (("floor", empty, []),
                                        ("report", p.notebooks, names)):
                took, used = _time_report(folder, which, tmp / f"{what}{run}", args.jobs,
                                          env)
                times[what].append(took)
                cpu[what].append(used)
    print(f"repstats report: {len(names)} notebook(s) ({', '.join(names)}), "
          f"jobs={args.jobs or 'default'}, {os.cpu_count()} CPU(s)")
    print(_line("floor", times["floor"]))
    print(_line("report", times["report"]))
    ratio = statistics.median(times["report"]) / statistics.median(times["floor"])
    print(f"ratio report / floor (medians): {ratio:.2f}x  (target <= 2.0x)")
    print("CPU seconds (user + system, the command and its kernels):")
    print(_line("floor", cpu["floor"], "CPU-s"))
    print(_line("report", cpu["report"], "CPU-s"))
    print(f"CPU ratio report / floor (medians): "
          f"{statistics.median(cpu['report']) / statistics.median(cpu['floor']):.2f}x; "
          f"the notebooks' own work: "
          f"{statistics.median(cpu['report']) - statistics.median(cpu['floor']):.1f} CPU-s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

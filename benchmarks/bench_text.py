"""Benchmark the text parsers against a per-row ``Series.apply`` of the same logic.

Baseline, measured in the same run: ``Series.apply`` of the parser's own per-cell Python
function (the one the parser falls back to), building the same output frame. For each
parser and two kinds of column (benchmarks/textdata.py, pandas' default string dtype):

* ``distinct``: every cell unique (a national case list, an API export with timestamps,
  addresses), 1 M rows by default;
* ``repeated``: cells drawn Zipf-like from 3,000 distinct values, as in court records;

it prints the speed ratio (apply time / parser time) as min / median / max of ``--runs``
paired runs, the parser's rows per second, and the peak memory of the parser call relative
to the input column (peak resident memory of a fresh process during the call, minus its
memory before it, over the column's ``memory_usage(deep=True)`` in the string dtype), with
the size of the output itself over the input (``out/in``: each shared string counted once;
the peak includes the output, so ``out/in`` is its floor).

The per-row apply costs the same for every row whatever the repetition, so it is timed on
the first ``--apply-rows`` rows (a random sample: columns are shuffled) and scaled to the
column; the parser is always timed on the whole column. Both outputs are compared on
those rows, and a difference is printed.

Targets (issue 16): distinct >= 5x, repeated >= 50x, peak/input <= 3.

Usage::

    python benchmarks/bench_text.py                      # 1 M rows, 3 runs
    python benchmarks/bench_text.py --rows 200000 --runs 3
    python benchmarks/bench_text.py --parsers parse_date --kinds distinct
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import textdata  # noqa: E402

from repstats.text import (charges, dates, normalize_region, parse_charges,  # noqa: E402
                           parse_date, parse_sentence, regions, sentences)

BASELINE = "per-row Series.apply of the parser's per-cell function"


def apply_charges(s):
    rows = s.apply(charges._parse_cell)
    lengths = rows.map(len).to_numpy()
    flat = [r for cell in rows for r in cell]
    out = pd.DataFrame.from_records(flat, columns=list(charges.CHARGE_COLUMNS))
    out.insert(0, "row", np.repeat(s.index.to_numpy(), lengths))
    return out.astype(charges.CHARGE_COLUMNS)


def apply_aligned(fn, dtypes):
    def run(s):
        return pd.DataFrame(s.apply(fn).tolist(), columns=list(dtypes),
                            index=s.index).astype(dtypes)
    return run


PARSERS = {
    "parse_charges": (parse_charges, apply_charges),
    "parse_sentence": (parse_sentence, apply_aligned(sentences._parse_one,
                                                     sentences.SENTENCE_COLUMNS)),
    "parse_date": (parse_date, apply_aligned(
        lambda v: dates._parse_one(v, True),
        {"date": "datetime64[ns]", "precision": "object", "reason": "object"})),
    "normalize_region": (normalize_region, apply_aligned(
        lambda v: regions._parse_one(v, "separate", 90.0), regions._COLUMNS)),
}


def _column(name, kind, rows, distinct):
    return textdata.column(name, rows, None if kind == "distinct" else distinct)


def _timed(fn, s):
    gc.collect()
    t0 = time.perf_counter()
    out = fn(s)
    return time.perf_counter() - t0, out


def _same(fast: pd.DataFrame, ref: pd.DataFrame) -> bool:
    ref = ref.astype(fast.dtypes.to_dict())
    ref.index = fast.index
    return fast.equals(ref)


def _status() -> dict[str, int]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":")
            out[key] = int(value.split()[0]) * 1024
    return out


def output_bytes(out: pd.DataFrame) -> int:
    """Memory the output really holds: ``memory_usage(deep=True)`` counts a string shared
    by a million object cells a million times; here each object is counted once."""
    total, seen = int(out.index.memory_usage()), set()
    for name in out.columns:
        col = out[name]
        if col.dtype != object:
            total += int(col.memory_usage(index=False, deep=True))
            continue
        total += 8 * len(col)
        for v in col.to_numpy():
            if v is not None and id(v) not in seen:
                seen.add(id(v))
                total += sys.getsizeof(v)
    return total


def _trim() -> None:
    """Give freed heap memory back to the system, so that the peak counts only what the
    parser call itself allocates (glibc; a no-op elsewhere)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def memory_child(name, kind, rows, distinct) -> None:
    """In a fresh process: peak resident memory of one parser call over the input size."""
    s = _column(name, kind, rows, distinct)
    fast = PARSERS[name][0]
    fast(s.iloc[:1000])                          # imports, tables, compiled patterns
    _trim()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
    before = _status()["VmRSS"]
    out = fast(s)
    peak = _status()["VmHWM"]
    print(json.dumps({"input": int(s.memory_usage(deep=True)), "extra": peak - before,
                      "output": output_bytes(out)}))


def _memory(name, kind, rows, distinct):
    cmd = [sys.executable, __file__, "--memory-child", name, kind, str(rows), str(distinct)]
    got = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(got.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--distinct", type=int, default=3000, help="distinct values (repeated)")
    ap.add_argument("--apply-rows", type=int, default=100_000)
    ap.add_argument("--parsers", nargs="*", default=list(PARSERS))
    ap.add_argument("--kinds", nargs="*", default=["distinct", "repeated"])
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--memory-child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_child:
        name, kind, rows, distinct = args.memory_child
        memory_child(name, kind, int(rows), int(distinct))
        return
    print(f"baseline: {BASELINE}; {args.runs} paired runs; pandas {pd.__version__}, "
          f"input dtype {pd.Series(['x']).dtype} (pandas' default string dtype)")
    print(f"{'parser':<17}{'column':<10}{'rows':>10}{'ratio min':>10}{'median':>8}{'max':>8}"
          f"{'rows/s':>11}{'apply/s':>10}{'in MB':>7}{'peak/in':>8}{'out/in':>7}{'same':>6}")
    for name in args.parsers:
        fast, slow = PARSERS[name]
        for kind in args.kinds:
            s = _column(name, kind, args.rows, args.distinct)
            head = s.iloc[:args.apply_rows]
            ratios, rates, apply_rates = [], [], []
            same = True
            for _ in range(args.runs):
                t_fast, out = _timed(fast, s)
                del out
                t_head, ref = _timed(slow, head)
                t_apply = t_head * len(s) / len(head)
                ratios.append(t_apply / t_fast)
                rates.append(len(s) / t_fast)
                apply_rates.append(len(head) / t_head)
            same = _same(fast(head), ref)
            mem = None if args.no_memory else _memory(name, kind, args.rows, args.distinct)
            size = s.memory_usage(deep=True)
            print(f"{name:<17}{kind:<10}{len(s):>10,}{min(ratios):>9.1f}x"
                  f"{statistics.median(ratios):>7.1f}x{max(ratios):>7.1f}x"
                  f"{statistics.median(rates):>11,.0f}{statistics.median(apply_rates):>10,.0f}"
                  f"{size / 2**20:>7.0f}"
                  f"{'' if mem is None else format(mem['extra'] / mem['input'], '.2f'):>8}"
                  f"{'' if mem is None else format(mem['output'] / mem['input'], '.2f'):>7}"
                  f"{'yes' if same else 'NO':>6}", flush=True)
            del s, head, ref
            gc.collect()


if __name__ == "__main__":
    main()

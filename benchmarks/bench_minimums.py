"""Time the analysis behind notebook 03 against plain pandas work on the same rows.

Usage: ``python benchmarks/bench_minimums.py [PROCESSED_DIR] [--runs N]`` (default:
``data/processed``; run ``repstats build --stage courts`` first). Prints, over several runs
(min / median / max), the time of ``repstats.stats.bracket_shares`` for every politically
used article (window of sanction versions, intervals, effective ranges) and of
``claim_table`` and ``classify_sentences``, next to a baseline measured in the same run:
plain pandas selecting the same court rows and summing them per article-part-year. The
ratio says how much the analysis costs beyond merely reading the rows it needs.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from repstats.cases import notable_charges
from repstats.config import paths
from repstats.statutes import taxonomy
from repstats.stats import assess_charges, bracket_shares, classify_sentences
from repstats.stats.minimums import claim_table


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def _show(label: str, times: list[float], base: list[float] | None = None) -> None:
    line = (f"{label}: min {min(times):.3f} s, median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s")
    if base:
        line += f" (ratio to baseline, medians: {statistics.median(times) / statistics.median(base):.1f}x)"
    print(line)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    runs = 5
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    processed = Path(argv[0]) if argv else paths().processed
    cs = pd.read_parquet(processed / "court_stats.parquet")
    articles = sorted(taxonomy()["article"].unique())

    def baseline():
        rows = cs[cs["form"].isin(["10.3", "10.3.1"]) & (cs["row_type"] == "article")
                  & cs["article"].isin(articles)]
        return rows.groupby(["year", "article", "part", "form", "measure"],
                            dropna=False)["value"].sum()

    bracket_shares(cs, articles=articles)  # warm caches (sanctions table, imports)
    t_base, _ = _timed(baseline, runs)
    t_shares, shares = _timed(lambda: bracket_shares(cs, articles=articles), runs)
    t_claim, _ = _timed(lambda: claim_table(shares), runs)
    charges = notable_charges()
    t_persons, _ = _timed(lambda: classify_sentences(assess_charges(charges)), runs)
    print(f"{len(cs):,} court rows; {len(shares)} article-part-years; {runs} runs each")
    _show("baseline: pandas select + groupby-sum of the same rows", t_base)
    _show("bracket_shares (all political articles)", t_shares, t_base)
    _show("claim_table", t_claim, t_base)
    _show("assess_charges + classify_sentences (106 charges)", t_persons, t_base)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

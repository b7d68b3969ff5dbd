"""Benchmark the text parsers against a plain per-row ``Series.apply`` of the same logic.

Generates realistic messy columns (a few thousand distinct strings repeated, as in court
records: varied spacing, quoting, abbreviations, languages) of 1 million rows, and by
default also 10 million rows, then for each parser prints

* rows per second of the parser (distinct values parsed once, mapped back);
* rows per second of ``Series.apply`` with the very same per-cell function, building the
  same DataFrame from its results;
* the speed ratio (target: >= 20x at 1M rows);
* peak memory traced while the parser runs (tracemalloc), relative to the input column's
  size (``Series.memory_usage(deep=True)``; target: < 3x).

For 10M rows the per-row apply is not run again: its time is extrapolated from the 1M
rows-per-second measured in the same run, and the output says so.

Usage::

    python benchmarks/bench_text.py            # 1M and 10M rows
    python benchmarks/bench_text.py --quick    # 1M rows only
    python benchmarks/bench_text.py --rows 200000 --quick
    REPSTATS_BENCH_10M=0 python benchmarks/bench_text.py   # same as --quick
"""
from __future__ import annotations

import argparse
import gc
import os
import time
import tracemalloc

import numpy as np
import pandas as pd

from repstats.text import charges, dates, normalize_region, parse_charges, parse_date, \
    parse_sentence, regions, sentences

RNG = np.random.default_rng(20240501)


# -- generators of distinct messy values -------------------------------------------------
def _pick(seq, n):
    return [seq[i] for i in RNG.integers(0, len(seq), n)]


def charge_pool(n: int) -> list[str]:
    arts = ["205.2", "205.4", "205.5", "207.3", "212", "212.1", "213", "228.1", "222",
            "275", "280", "280.3", "282", "282.1", "282.2", "284.1", "318", "354.1", "105",
            "158", "159", "20.2", "20.3.3", "19.3"]
    styles = [
        "ч. {p} ст. {a} УК РФ", "ч.{p} ст.{a} УК", "п. «{l}» ч. {p} ст. {a} УК",
        "{a} ч. {p}", "{a}ч.{p} ", "ст. {a} ч. {p}", "Art. {a} part {p}",
        "Article {a}, Part {p}({l})", "{a}({p})", "ч.1 ст.30, п. «{l}» ч.{p} ст.{a}",
        "ст.ст. {a} ч.{p}, 222 ч.1 УК", "части {p} статьи {a} УК", "articles {a} and 207.3",
        "'ч. {p} ст. {a} УК РФ' (source)", "ст. {a} КоАП", "обвинение по ст. {a}",
        "found guilty (article not stated)", "",
    ]
    out = set()
    while len(out) < n:
        s = _pick(styles, 1)[0].format(a=_pick(arts, 1)[0], p=RNG.integers(1, 5),
                                       l="абвгд"[RNG.integers(0, 5)])
        if RNG.random() < 0.2:
            s = "  " + s.upper()
        out.add(s)
    return sorted(out)


def sentence_pool(n: int) -> list[str]:
    words = ["одному", "двум", "трем", "четырем", "пяти", "шести", "семи", "восьми",
             "двух с половиной", "полутора"]
    regimes = ["общего режима", "строгого режима", "особого режима", "", "колонии-поселения"]
    styles = [
        "{y} лет {m} месяцев лишения свободы в колонии {r}", "{w} годам колонии {r}",
        "{y},5 лет {r}", "{y} лет условно с испытательным сроком {p} года",
        "штраф {f}00 тыс. руб.", "штрафу в размере {f}00 000 рублей",
        "{y} года принудительных работ", "{y} years in a maximum-security colony",
        "{y}y{m}m", "{y}.5 years", "life imprisonment", "пожизненное лишение свободы",
        "'{w} годам колонии {r}' (source); 'запрет на {p} года' (other)",
        "к {y} годам колонии {r} и штрафу в {f}00 тысяч рублей", "приговор не оглашен",
    ]
    out = set()
    while len(out) < n:
        s = _pick(styles, 1)[0].format(y=RNG.integers(1, 25), m=RNG.integers(1, 12),
                                       p=RNG.integers(1, 5), f=RNG.integers(1, 20),
                                       w=_pick(words, 1)[0], r=_pick(regimes, 1)[0])
        out.add(s if RNG.random() > 0.1 else s.upper())
    return sorted(out)


def date_pool(n: int) -> list[str]:
    ru = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря"]
    out = set()
    while len(out) < n:
        y, m, d = RNG.integers(1995, 2025), RNG.integers(1, 13), RNG.integers(1, 29)
        style = RNG.integers(0, 8)
        s = [f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}", f"{d} {ru[m - 1]} {y} г.",
             f"{ru[m - 1]} {y}", f"{m:02d}.{y}", f"{y}", f"{d} March {y}",
             f"дата: {d:02d}.{m:02d}.{y}?"][style]
        out.add(s)
    return sorted(out)


def region_pool(n: int) -> list[str]:
    table = regions.regions_table(include_former=True)
    names = []
    for row in table.itertuples(index=False):
        names += [row.name_ru, row.name_en] + (row.aliases or "").split("|")
        if row.capital_ru:
            names.append(row.capital_ru)
    names = [x for x in names if x]
    out = set()
    while len(out) < n:
        s = _pick(names, 1)[0]
        r = RNG.random()
        if r < 0.2:
            s = s.replace("область", "обл.").replace("Республика", "Респ.")
        elif r < 0.3:
            s = f"г. {s}"
        elif r < 0.4:
            s = s.upper()
        elif r < 0.5:
            s = f"{s} (место заседания)"
        elif r < 0.55:
            s = s[:-1] + "x"                    # typos
        elif r < 0.6:
            s = f"Unknown place {RNG.integers(0, 10_000)}"
        out.add("  " * int(RNG.random() < 0.1) + s)
    return sorted(out)


def make_column(pool: list[str], rows: int) -> pd.Series:
    """``rows`` cells drawn (Zipf-like) from ``pool``, each cell its own string object."""
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.8
    idx = RNG.choice(len(pool), size=rows, p=weights / weights.sum())
    pool_arr = np.array(pool, dtype=object)
    values = [(s + " ")[:-1] for s in pool_arr[idx]]   # distinct objects, as read from disk
    return pd.Series(values, dtype=object, name="text")


# -- the same per-cell logic, applied per row --------------------------------------------
def apply_charges(s):
    rows = s.apply(charges._parse_cell)
    lengths = rows.map(len).to_numpy()
    flat = [r for cell in rows for r in cell]
    out = pd.DataFrame.from_records(flat, columns=list(charges.CHARGE_COLUMNS))
    out.insert(0, "row", np.repeat(s.index.to_numpy(), lengths))
    return out


def apply_aligned(fn, columns):
    def run(s):
        return pd.DataFrame(s.apply(fn).tolist(), columns=columns, index=s.index)
    return run


CASES = [
    ("parse_charges", parse_charges, apply_charges, charge_pool),
    ("parse_sentence", parse_sentence,
     apply_aligned(sentences._parse_one, list(sentences.SENTENCE_COLUMNS)), sentence_pool),
    ("parse_date", parse_date,
     apply_aligned(lambda v: dates._parse_one(v, True), ["date", "precision", "reason"]),
     date_pool),
    ("normalize_region", normalize_region,
     apply_aligned(lambda v: regions._parse_one(v, "separate", 90.0),
                   list(regions._COLUMNS)), region_pool),
]


def _timed(fn, s):
    gc.collect()
    t0 = time.perf_counter()
    out = fn(s)
    return time.perf_counter() - t0, out


def _peak(fn, s):
    gc.collect()
    tracemalloc.start()
    fn(s)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run(rows: int, distinct: int, apply_rates: dict[str, float] | None) -> dict[str, float]:
    print(f"\n=== {rows:,} rows, ~{distinct:,} distinct values per column ===")
    print(f"{'parser':<17}{'distinct':>9}{'fast s':>9}{'fast rows/s':>14}{'apply s':>10}"
          f"{'apply rows/s':>14}{'ratio':>8}{'input MB':>10}{'peak MB':>9}{'peak/in':>8}")
    rates = {}
    for name, fast, slow, pool_fn in CASES:
        s = make_column(pool_fn(distinct), rows)
        size = s.memory_usage(deep=True, index=True)
        t_fast, out = _timed(fast, s)
        if apply_rates is None:
            t_slow, ref = _timed(slow, s)
            ok = _same(out, ref)
            rates[name] = rows / t_slow
            note = "" if ok else "  RESULTS DIFFER"
        else:
            t_slow = rows / apply_rates[name]
            note = "  (apply time extrapolated from the 1M run)"
        peak = _peak(fast, s)
        print(f"{name:<17}{s.nunique():>9,}{t_fast:>9.2f}{rows / t_fast:>14,.0f}"
              f"{t_slow:>10.1f}{rows / t_slow:>14,.0f}{t_slow / t_fast:>7.0f}x"
              f"{size / 2**20:>10.0f}{peak / 2**20:>9.0f}{peak / size:>8.2f}{note}")
        del s, out
        gc.collect()
    return rates


def _same(fast: pd.DataFrame, ref: pd.DataFrame) -> bool:
    ref = ref.astype(fast.dtypes.to_dict())
    ref.index = fast.index
    return fast.equals(ref)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10M-row run")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the first run")
    parser.add_argument("--distinct", type=int, default=3000, help="distinct values")
    args = parser.parse_args(argv)
    big = not args.quick and os.environ.get("REPSTATS_BENCH_10M", "1") != "0"
    rates = run(args.rows, args.distinct, None)
    if big:
        run(10 * args.rows, args.distinct, rates)


if __name__ == "__main__":
    main()

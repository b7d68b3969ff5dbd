"""Realistic text columns for the benchmarks: repeated (a few thousand distinct values, as in
court records) and all-distinct (every cell unique, as in a national case list, an API
export with timestamps or a corpus of court decisions).

Everything is generated here (no real data); seeded, so every run sees the same columns.
"""
from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ARTICLES = ["205.2", "205.4", "205.5", "207.3", "212", "212.1", "213", "228.1", "222",
            "275", "275.1", "280", "280.3", "280.4", "282", "282.1", "282.2", "284.1",
            "318", "319", "354.1", "105", "111", "158", "159", "163", "205", "205.1",
            "206", "208", "210", "317", "321", "330.1", "20.2", "20.3.3", "19.3", "20.3.1"]
RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
NUMBER_WORDS = ["одному", "двум", "трем", "четырем", "пяти", "шести", "семи", "восьми",
                "девяти", "десяти", "двух с половиной", "полутора", "шестнадцати"]
REGIMES = ["общего режима", "строгого режима", "особого режима", "", "колонии-поселения"]


class _Rng:
    """numpy-like ``integers``/``random``/``shuffle`` on Python's fast scalar generator."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def integers(self, lo, hi=None):
        return self.r.randrange(lo) if hi is None else self.r.randrange(lo, hi)

    def random(self):
        return self.r.random()

    def choice(self, seq):
        return self.r.choice(seq)

    def shuffle(self, seq):
        self.r.shuffle(seq)


def _rng(seed):
    return _Rng(seed)


# ------------------------------------------------------------------- repeated (pools)
_CHARGE_STYLES = [
    "ч. {p} ст. {a} УК РФ", "ч.{p} ст.{a} УК", "п. «{l}» ч. {p} ст. {a} УК РФ", "{a} ч. {p}",
    "ст. {a} ч. {p}", "Art. {a} part {p}", "Article {a}, Part {p}", "{a}({p})",
    "ч. {p} ст. {a}", "части {p} статьи {a} УК РФ", "ст. {a} УК РФ", "п. «{l}» ч. {p} ст. {a}",
]


def charge_one(rng) -> str:
    return rng.choice(_CHARGE_STYLES).format(a=rng.choice(ARTICLES), p=rng.integers(1, 5),
                                             l=rng.choice("абвгд"))


def charge_cell(rng) -> str:
    """One cell of a case list: one to three charges, sometimes with a qualifier or text."""
    k = rng.choice([1, 1, 2, 2, 3])
    text = rng.choice([", ", "; ", " и "]).join(charge_one(rng) for _ in range(k))
    r = rng.random()
    if r < 0.05:
        text = "ч. 3 ст. 30, " + text
    elif r < 0.08:
        text = f"обвинение по {text}"
    elif r < 0.10:
        text = f"{text} (дело № 1-{rng.integers(1, 999)}/{rng.integers(2010, 2025)})"
    if rng.random() < 0.05:
        text = text.upper()
    return text


_SENTENCE_STYLES = [
    "{y} лет {m} месяцев лишения свободы в колонии {r}",
    "{y} лет лишения свободы с отбыванием в исправительной колонии {r}",
    "{w} годам колонии {r}", "{y},5 года колонии {r}",
    "{y} лет условно с испытательным сроком {p} года", "штраф {fs} руб.",
    "штраф в размере {f} рублей", "{y} лет {m} месяцев колонии {r} и штраф {f} рублей",
    "{y} года принудительных работ", "{y} years in a maximum-security colony",
    "{y} years {m} months in a general-regime colony", "{y}y{m}m",
    "к {y} годам колонии {r} и штрафу в {fk} тысяч рублей",
    "пожизненное лишение свободы", "приговор не оглашен",
]


def sentence_cell(rng) -> str:
    fine = rng.integers(5, 3000) * 1000
    return rng.choice(_SENTENCE_STYLES).format(
        y=rng.integers(1, 25), m=rng.integers(0, 12), w=rng.choice(NUMBER_WORDS),
        r=rng.choice(REGIMES), f=fine, fs=f"{fine:,}".replace(",", " "), fk=fine // 1000,
        p=rng.integers(1, 6))


_DATE_STYLES = [
    "{y}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}", "{y}-{mo:02d}-{d:02d}",
    "{d:02d}.{mo:02d}.{y} {hh:02d}:{mm:02d}", "{d:02d}.{mo:02d}.{y}",
    "от {d:02d}.{mo:02d}.{y} по делу № 1-{k}/{y}", "{d} {ru} {y} г.",
    "{d} {ru} {y} г., дело № {kk}", "{ru} {y}", "{mo:02d}.{y}", "{y}", "{en} {d}, {y}",
    "{d} {en} {y}",
]


def date_cell(rng) -> str:
    mo = rng.integers(1, 13)
    return rng.choice(_DATE_STYLES).format(
        y=rng.integers(1995, 2025), mo=mo, d=rng.integers(1, 29), hh=rng.integers(0, 24),
        mm=rng.integers(0, 60), ss=rng.integers(0, 60), k=rng.integers(1, 2000),
        kk=rng.integers(1, 100000), ru=RU_MONTHS[mo - 1], en=EN_MONTHS[mo - 1])


def region_cell(rng, names) -> str:
    s = names[rng.integers(len(names))]
    r = rng.random()
    if r < 0.5:            # an address: the region first, then the rest
        s = (f"{s}, г. {['Ленинск', 'Заречный', 'Октябрьский', 'Советск'][rng.integers(4)]}, "
             f"ул. {['Ленина', 'Мира', 'Гагарина', 'Садовая'][rng.integers(4)]}, "
             f"д. {rng.integers(1, 300)}, кв. {rng.integers(1, 500)}")
    elif r < 0.6:
        s = s.replace("область", "обл.").replace("Республика", "Респ.")
    elif r < 0.7:
        s = f"г. {s}"
    elif r < 0.8:
        s = s.upper()
    elif r < 0.85:
        s = f"{s} (место заседания)"
    elif r < 0.9:
        s = f"Unknown place {rng.integers(0, 10_000)}"
    return s


def region_names() -> list[str]:
    from repstats.text import regions_table
    table = regions_table(include_former=True)
    out = []
    for row in table.itertuples(index=False):
        out += [row.name_ru, row.name_en] + (row.aliases or "").split("|")
        if row.capital_ru:
            out.append(row.capital_ru)
    return [x for x in out if x]


CELLS = {"parse_charges": charge_cell, "parse_sentence": sentence_cell,
         "parse_date": date_cell, "normalize_region": region_cell}


def distinct_values(parser: str, n: int, seed: int = 1) -> list[str]:
    """``n`` distinct cells for ``parser`` (shuffled)."""
    rng = _rng(seed)
    cell = CELLS[parser]
    extra = (region_names(),) if parser == "normalize_region" else ()
    out: set[str] = set()
    tries = 0
    while len(out) < n:
        out.add(cell(rng, *extra))
        tries += 1
        if tries > 30 * n:
            raise RuntimeError(f"cannot make {n:,} distinct values for {parser}")
    values = sorted(out)
    rng.shuffle(values)
    return values


CACHE = Path(os.environ.get("REPSTATS_BENCH_CACHE", Path(tempfile.gettempdir()) /
                           "repstats-bench"))


def column(parser: str, rows: int, distinct: int | None, seed: int = 1) -> pd.Series:
    """A column in pandas' default string dtype: all distinct (``distinct=None``) or
    ``rows`` cells drawn Zipf-like from ``distinct`` values (cached as parquet in
    :data:`CACHE`, since generating a million distinct strings takes a while)."""
    path = CACHE / f"{parser}-{rows}-{distinct}-{seed}.parquet"
    if path.exists():
        return pd.read_parquet(path)["text"]
    s = _column(parser, rows, distinct, seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    s.to_frame().to_parquet(tmp)
    tmp.replace(path)
    return s


def _column(parser: str, rows: int, distinct: int | None, seed: int) -> pd.Series:
    if distinct is None:
        return pd.Series(distinct_values(parser, rows, seed), name="text")
    pool = np.array(distinct_values(parser, distinct, seed), dtype=object)
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.8
    idx = np.random.default_rng(seed + 1).choice(len(pool), size=rows,
                                                  p=weights / weights.sum())
    return pd.Series(pool[idx], name="text").astype("str")

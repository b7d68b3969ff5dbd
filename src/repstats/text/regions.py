"""Regions: the federal subjects of Russia, their ISO 3166-2 codes and every way to write them.

The package table ``repstats/data/regions.csv`` (see :func:`regions_table`) lists the 89
federal subjects as Russia counts them: the 83 subjects of ISO 3166-2:RU, plus the Republic
of Crimea and Sevastopol (annexed 2014) and the Donetsk and Luhansk "people's republics",
Zaporizhzhia and Kherson oblasts (annexed 2022). The annexations are not recognised
internationally and ISO 3166-2 lists these territories under Ukraine only; how they are
coded is an explicit choice of the caller (the ``crimea`` option of
:func:`normalize_region`), never a silent default. Nine former subjects merged between
2005 and 2008 are kept as rows with ``status == "former"`` and a ``successor_iso``.

Matching is by a normalised key: abbreviations expanded ("Респ.", "обл.", "г.", "АО",
"край", "oblast", "kray"), the type words dropped, adjective endings stemmed (so
"Пензенской области" and "Penzenskaya oblast" both match), and every spelling folded to
the :func:`repstats.text.names.name_key` skeleton (so Cyrillic, English and common
transliterations meet). Administrative centres (e.g. "Нижний Новгород") are matched too,
reported in ``matched``.
"""
from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from repstats.config import PACKAGE_DATA
from repstats.text._distinct import (CACHE_MAX, as_text, check_series, map_distinct,
                                     plain_text, raise_first, typed_frame)
from repstats.text.names import _key_one
from repstats.text.numbers import fold

__all__ = ["normalize_region", "regions_table", "CRIMEA_OPTIONS"]

CRIMEA_OPTIONS = ("separate", "ukraine", "russia")
#: Longest cell read (characters): no region name is longer; longer cells get a reason.
MAX_CHARS = 500
REGIONS_FILE = PACKAGE_DATA / "regions.csv"

# type words and the tag they leave in the typed key
_TYPES = [
    ("aobl", r"автономн\w*\s+област\w*|autonomous\s+oblast|avtonomn\w*\s+oblast\w*'?"),
    ("ao", r"автономн\w*\s+округ\w*|авт\.?\s*окр\.?|а\.\s*о\.|ао|"
           r"autonomous\s+(?:okrug|district|area)|avtonomn\w*\s+okrug\w*|"
           r"okrug|aok?"),
    ("resp", r"республик\w*|респ\.?|republic(?:\s+of)?|respublik\w*|resp\.?"),
    ("obl", r"област\w*|обл\.?|oblast'?|obl\.?|region|province"),
    ("krai", r"кра[йяюе]|краем|kra[iyj]|territory"),
    ("", r"в|во|in|г\.|гор\.|город\w*|федерального\s+значения|народн\w*|city(?:\s+of)?|"
         r"federal\s+city|"
         r"people'?s|the|of"),
]
_TYPE_RE = re.compile("|".join(f"(?P<t{i}>(?<![а-яa-z])(?:{rx})(?![а-яa-z]))"
                               for i, (_, rx) in enumerate(_TYPES)))
_ADJ = re.compile(r"(?<=[sc])k(?:aa|a|oi|oe|u|i|ogo|omu|om|e|ih|imi|im)$")
_PAREN = re.compile(r"\([^()]*\)")


def _region_key(text: str) -> tuple[str | None, str | None]:
    """``(typed, untyped)`` keys: the core name with and without its type tag."""
    t = re.sub(r"[—–]", " ", fold(text))
    tags = []

    def drop(m):
        tag = _TYPES[int(m.lastgroup[1:])][0]
        if tag:
            tags.append(tag)
        return " "

    t = _TYPE_RE.sub(drop, t)
    key = _key_one(t)
    if not key:
        return None, None
    words = []
    for w in key.split():
        w = _ADJ.sub("k", w)
        if len(w) > 3:
            w = re.sub(r"[aeiou]$", "", w)
        words.append(w)
    core = " ".join(words)
    typed = core + "".join(f" #{tag}" for tag in sorted(set(tags)))
    return typed, core


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    table = pd.read_csv(REGIONS_FILE, dtype=str, keep_default_na=False)
    return table.astype(object).where(table != "", None)


def regions_table(*, include_former: bool = False) -> pd.DataFrame:
    """The table of federal subjects shipped with the package.

    Parameters
    ----------
    include_former : bool, default False
        Also return the nine subjects merged in 2005-2008 (``status == "former"``).

    Returns
    -------
    pandas.DataFrame
        One row per subject (89, or 98 with former ones), columns:

        * ``iso``: ISO 3166-2:RU code; for the annexed territories the package code used
          under ``crimea="russia"`` (``RU-CR``, ``RU-SEV``, ``RU-DPR``, ``RU-LPR``,
          ``RU-ZAP``, ``RU-KHE``; **not ISO codes**); for former subjects their old ISO
          code (RU-PER and RU-KAM were reused by the merged krais).
        * ``iso_ua``: ISO 3166-2:UA code of an annexed territory (``UA-43`` Crimea,
          ``UA-40`` Sevastopol, ``UA-14`` Donetsk, ``UA-09`` Luhansk, ``UA-23``
          Zaporizhzhia, ``UA-65`` Kherson), else missing.
        * ``status``: ``member``, ``annexed_2014``, ``annexed_2022`` or ``former``.
        * ``type``: ``republic``, ``krai``, ``oblast``, ``federal_city``,
          ``autonomous_oblast`` or ``autonomous_okrug``.
        * ``name_ru``, ``name_en``: official Russian and common English names.
        * ``capital_ru``, ``capital_en``: administrative centre.
        * ``aliases``: other names, abbreviations and spellings, ``|``-separated.
        * ``successor_iso``: for former subjects, the subject they merged into.
        * ``valid_to``: for former subjects, their last day (ISO date).
        * ``source``: where the row's facts come from.
    """
    table = _table()
    if not include_former:
        table = table[table["status"] != "former"]
    return table.reset_index(drop=True).copy()


_RANKS = {"name": 0, "alias": 1, "former": 2, "capital": 3}


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[int, str]], dict[str, list[tuple[int, str]]], list[str]]:
    """typed key -> (row position, how matched); untyped key -> candidates; typed keys."""
    table = _table()
    typed: dict[str, tuple[int, str]] = {}
    untyped: dict[str, list[tuple[int, str]]] = {}

    def add(text, pos, how):
        if not text:
            return
        tkey, ukey = _region_key(text)
        if not tkey:
            return
        if tkey not in typed or _RANKS[how] < _RANKS[typed[tkey][1]]:
            typed[tkey] = (pos, how)
        untyped.setdefault(ukey, []).append((pos, how))

    for pos, row in enumerate(table.itertuples(index=False)):
        how_name = "former" if row.status == "former" else "name"
        how_alias = "former" if row.status == "former" else "alias"
        add(row.name_ru, pos, how_name)
        add(row.name_en, pos, how_name)
        for alias in (row.aliases or "").split("|"):
            add(alias.strip(), pos, how_alias)
        if row.status != "former":
            add(row.capital_ru, pos, "capital")
            add(row.capital_en, pos, "capital")
    return typed, untyped, list(typed)


@functools.lru_cache(maxsize=1)
def _rows() -> list[dict]:
    """The table's rows as dicts (looked up by position, without ``iloc``)."""
    return _table().to_dict("records")


def _current_iso(pos: int) -> str:
    row = _rows()[pos]
    return row["successor_iso"] if row["status"] == "former" else row["iso"]


_COLUMNS = {"iso": "object", "name_en": "object", "name_ru": "object", "country": "object",
            "status": "object", "matched": "object", "reason": "object"}


@functools.lru_cache(maxsize=4096)
def _resolve(pos: int, how: str, crimea: str) -> tuple:
    rows = _rows()
    row = rows[pos]
    matched = how
    if row["status"] == "former":
        successor = next(r for r in rows if r["iso"] == row["successor_iso"]
                         and r["status"] != "former")
        matched = (f"former subject {row['name_en']!s} (to {row['valid_to']}), merged into "
                   f"{successor['name_en']}")
        row = successor
    country, iso = "RU", row["iso"]
    if row["status"].startswith("annexed"):
        if crimea == "ukraine":
            country, iso = "UA", row["iso_ua"]
        elif crimea == "separate":
            country, iso = "disputed", row["iso_ua"]
    return (iso, row["name_en"], row["name_ru"], country, row["status"], matched, None)


def _lookup(text: str, crimea: str, keys: tuple | None = None) -> tuple | None:
    """Match one text by its keys (computed here unless given)."""
    typed, untyped, _ = _index()
    tkey, ukey = keys if keys is not None else _region_key(text)
    if tkey is None:
        return None
    if tkey in typed:
        return _resolve(*typed[tkey], crimea)
    cands = untyped.get(ukey, [])
    if not cands:
        return None
    isos = {_current_iso(pos) for pos, _ in cands}
    if len(isos) > 1:
        rows = _rows()
        names = sorted({rows[pos]["name_en"] for pos, _ in cands})
        return (None, None, None, None, None, None,
                f"ambiguous region {text.strip()[:60]!r}: " + " | ".join(names))
    pos, how = min(cands, key=lambda c: _RANKS[c[1]])
    return _resolve(pos, how, crimea)


_PIECES = re.compile(r"[;,/]|\s++и\s++|\s++and\s++", re.IGNORECASE)


def _parse_one(value, crimea: str, fuzzy: float) -> tuple:
    text, reason = as_text(value, MAX_CHARS)
    empty = (None, None, None, None, None, None)
    if text is None:
        return empty + (reason,)
    keys = _region_key(text)                 # computed once per distinct text
    if keys[0] is None:
        return empty + ("empty text",)
    found = _lookup(text, crimea, keys)
    if found is not None:
        return found
    # "Свердловская область (суд); эпизод в ИК-17, Кировская область": the first name
    stripped = _PAREN.sub(" ", text)
    for piece in _PIECES.split(stripped):
        part = _lookup(piece, crimea) if piece.strip() else None
        if part is not None and part[0] is not None:
            return part[:5] + (f"first of several names ({part[5]})", None)
    if fuzzy < 100:
        typed, _, names = _index()
        best = process.extractOne(keys[0], names, scorer=fuzz.ratio, score_cutoff=fuzzy)
        if best is not None:
            hit = _resolve(*typed[best[0]], crimea)
            return hit[:5] + (f"fuzzy {best[1]:.0f} ({hit[5]})", None)
    return empty + (f"unknown region: {text.strip()[:80]!r}",)


def _fast(values: pa.Array, crimea: str, fuzzy: float, forms: dict | None = None):
    """Read values through their digit-free, lower-case, single-spaced form.

    A region's match never depends on digits, case or runs of spaces: the key drops
    digits (each run becomes "0", keeping word boundaries), folds case and splits on
    whitespace, and the pieces are split at the same punctuation. So an address column
    ("Пензенская обл., г. Заречный, ул. Мира, д. 5, кв. 12") has few distinct forms; each
    is matched once in Python. Values whose form finds no region (their ``reason`` quotes
    the text as written) are left to :func:`_parse_one`.
    """
    idx = np.flatnonzero(plain_text(values, MAX_CHARS))
    form = pc.utf8_lower(values.take(pa.array(idx)))
    form = pc.replace_substring_regex(form, r"\d+", "0")
    form = pc.utf8_trim(pc.replace_substring_regex(form, " +", " "), " ")
    enc = pc.dictionary_encode(form)
    forms = {} if forms is None else forms          # form -> result, for one call
    found = []
    for f in enc.dictionary.to_pylist():
        if f not in forms:
            if len(forms) >= CACHE_MAX:                 # bounded, like the engine's cache
                forms.clear()
            forms[f] = _parse_one(f, crimea, fuzzy)
        found.append(forms[f])
    good = np.array([r[6] is None for r in found], dtype=bool)
    codes = enc.indices.to_numpy(zero_copy_only=False)
    read = good[codes] if len(codes) else np.zeros(0, dtype=bool)
    mask = np.zeros(len(values), dtype=bool)
    mask[idx[read]] = True
    table = np.empty((len(found), len(_COLUMNS)), dtype=object)
    for i, r in enumerate(found):
        table[i] = r
    rows = table[codes[read]] if len(found) else table
    frame = typed_frame({c: rows[:, j] for j, c in enumerate(_COLUMNS)}, _COLUMNS)
    return mask, frame


def normalize_region(series: pd.Series, *, crimea: str = "separate", fuzzy: float = 90.0,
                     strict: bool = False) -> pd.DataFrame:
    """Map region names, in any script and spelling, to federal subjects and ISO codes.

    Parameters
    ----------
    series : pandas.Series
        Region names: "Респ. Татарстан", "Пензенской обл.", "г. Москва", "Permskiy kray",
        "Yakutia", "ХМАО", "Читинская область" (former), "Нижний Новгород" (centre).
    crimea : {"separate", "ukraine", "russia"}, default "separate"
        How to code Crimea, Sevastopol and the four regions annexed in 2022:

        * ``"separate"``: their ISO 3166-2:UA code (the only ISO code that exists) with
          ``country == "disputed"``, so they can be analysed or excluded on their own;
        * ``"ukraine"``: their ISO 3166-2:UA code with ``country == "UA"``;
        * ``"russia"``: the package's own codes ``RU-CR``, ``RU-SEV``, ``RU-DPR``,
          ``RU-LPR``, ``RU-ZAP``, ``RU-KHE`` (not ISO codes) with ``country == "RU"``, as
          Russian court statistics count them.
    fuzzy : float, default 90
        Minimum rapidfuzz ratio (0-100) for a fuzzy match of the normalised key when no
        exact key matches; 100 disables fuzzy matching.
    strict : bool, default False
        Raise :class:`~repstats.errors.InputError` (a ValueError) naming the first row
        whose region is unknown.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``series`` (same index), columns:

        * ``iso`` (object): ISO 3166-2 code (see ``crimea``), missing if unknown.
        * ``name_en``, ``name_ru`` (object): names of the current subject.
        * ``country`` (object): ``RU``, ``UA`` or ``disputed`` (see ``crimea``).
        * ``status`` (object): ``member``, ``annexed_2014`` or ``annexed_2022``.
        * ``matched`` (object): how the name was recognised: ``name``, ``alias``,
          ``capital`` (administrative centre), ``former subject ... merged into ...``,
          ``first of several names (...)``, ``fuzzy <score> (...)``.
        * ``reason`` (object): why no region was found ("unknown region: '...'",
          "ambiguous region 'Altai': Altai Krai | Altai Republic", "missing"), else None.
    """
    check_series(series, "normalize_region")
    if crimea not in CRIMEA_OPTIONS:
        raise ValueError(f"crimea must be one of {CRIMEA_OPTIONS}, got {crimea!r}")
    if not 0 <= fuzzy <= 100:
        raise ValueError(f"fuzzy must be between 0 and 100, got {fuzzy!r}")
    forms: dict = {}                                # shared by the chunks of this call
    out = map_distinct(series, lambda v: _parse_one(v, crimea, fuzzy), list(_COLUMNS),
                       _COLUMNS, fast=lambda values: _fast(values, crimea, fuzzy, forms))
    if strict:
        raise_first(series, out["reason"].notna().to_numpy(), "normalize_region",
                    out["reason"].to_numpy())
    return out

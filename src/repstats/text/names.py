"""Names: transliteration, normalised keys and candidate matching of people across sources.

Transliteration systems (Cyrillic → Latin):

* ``"icao"`` (default): ICAO Doc 9303 (7th ed., 2015, Part 3, Appendix 6 to Section 6),
  the table used in Russian international passports since 2013 (FMS order No. 320 of
  15.10.2012): ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ъ ie, ы y, ь omitted, э e,
  ю iu, я ia, й i, ё e.
* ``"bgn"``: BGN/PCGN 1947 for Russian, in its common simplified form without diacritics
  or apostrophes (as used by English-language media: "Yashin", "Navalny"): е → ye at the
  start of a word and after a vowel, й, ъ, ь (else e); ё → yo;
  й y, ы y, ю yu, я ya; ъ and ь omitted.

The reverse direction (Latin → Cyrillic) is a best-effort reading for matching only: Latin
spellings are ambiguous (y = ы or й), so match on :func:`name_key`, which maps every
spelling of a name (either script, any common system) to the same loose skeleton.
:func:`match_people` proposes candidate pairs with scores; it never merges anything.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from repstats.text._distinct import as_text, check_series, map_distinct

__all__ = ["transliterate", "name_key", "match_people", "SYSTEMS"]

SYSTEMS = ("icao", "bgn")
#: Longest cell read (characters); longer cells give a missing value, in bounded time.
MAX_CHARS = 10_000

_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # Ukrainian and Belarusian letters met in the same lists (ICAO 9303 table)
    "і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}
_BGN = dict(_ICAO, **{"ё": "yo", "й": "y", "ъ": "", "ю": "yu", "я": "ya", "є": "ye",
                      "ї": "yi"})
_VOWELS = set("аеёиоуыэюяєії")
_REVERSE = [  # longest first; only for matching
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tz", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("iu", "ю"), ("ju", "ю"), ("ya", "я"),
    ("ia", "я"), ("ja", "я"), ("yo", "ё"), ("ye", "е"), ("ie", "ие"), ("a", "а"),
    ("b", "б"), ("v", "в"), ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"),
    ("c", "к"), ("x", "кс"), ("q", "к"), ("y", "ы"),
]
_REVERSE_RE = re.compile("|".join(re.escape(a) for a, _ in _REVERSE))
_REVERSE_MAP = dict(_REVERSE)


def _translit_one(text: str, system: str) -> str:
    table = _ICAO if system == "icao" else _BGN
    out = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in table:
            lat = table[low]
            if system == "bgn" and low == "е" and (not prev.isalpha() or prev in _VOWELS
                                                   or prev in "йъь"):
                lat = "ye"
            if ch != low and lat:
                lat = lat.capitalize() if len(lat) > 1 else lat.upper()
            out.append(lat)
        else:
            out.append(ch)
        prev = low
    return "".join(out)


def _translit_text(text: str, system: str) -> str:
    """Transliterate word by word; ALL-CAPS words stay all caps ("ЩУКИН" -> "SHCHUKIN")."""
    def word(m):
        w = m.group(0)
        lat = _translit_one(w, system)
        return lat.upper() if len(w) > 1 and w.isupper() else lat
    return re.sub(r"\w+", word, text)


def _reverse_one(text: str) -> str:
    def repl(m):
        return _REVERSE_MAP[m.group(0)]
    out = []
    for word in re.split(r"(\W+)", text):
        low = word.lower()
        cyr = _REVERSE_RE.sub(repl, low)
        cyr = re.sub(r"(?<=[аеиоуыэюя])ы(?=\W|$)", "й", cyr)     # "Sergey" -> "Сергей"
        cyr = re.sub(r"ыы$|ыи$|ии$", "ий", cyr)                  # "Dmitrii" -> "Дмитрий"
        if word[:1].isupper():
            cyr = cyr[:1].upper() + cyr[1:]
        out.append(cyr)
    return "".join(out)


def transliterate(series: pd.Series, *, system: str = "icao",
                  reverse: bool = False) -> pd.Series:
    """Transliterate names between Cyrillic and Latin.

    Parameters
    ----------
    series : pandas.Series
        Names or other text. Characters without a rule (digits, punctuation, Latin in
        forward mode) are kept.
    system : {"icao", "bgn"}, default "icao"
        ``"icao"``: ICAO Doc 9303, as in Russian passports since 2013. ``"bgn"``:
        simplified BGN/PCGN (no diacritics). See the module docstring for the tables.
    reverse : bool, default False
        Latin → Cyrillic best-effort reading (for matching only; ambiguous by nature).

    Returns
    -------
    pandas.Series
        Aligned to ``series`` (same index and name), object dtype; missing and
        non-text cells stay missing.
    """
    check_series(series, "transliterate")
    if system not in SYSTEMS:
        raise ValueError(f"system must be one of {SYSTEMS}, got {system!r}")

    def one(value):
        text, _ = as_text(value, MAX_CHARS)
        if text is None:
            return (None,)
        return (_reverse_one(text) if reverse else _translit_text(text, system),)

    out = map_distinct(series, one, ["text"], {"text": "object"})["text"]
    out.name = series.name
    return out


_SKELETON = [
    (r"[ъь'’ʹʼ`\"]", ""), (r"shch|sch|shh", "s"), (r"iy|yi|ii|ij|ji|yy", "i"),
    (r"ju|yu|iu", "u"), (r"ja|ya|ia", "a"), (r"jo|yo|io", "o"), (r"je|ye|ie", "e"),
    (r"ei|ey|ej", "i"),
    (r"(?<=[aeiou])j", "i"), (r"j", "i"), (r"y", "i"),
    (r"tch|ch", "c"), (r"zh", "z"), (r"sh", "s"), (r"kh", "h"), (r"ts|tz|cz", "c"),
    (r"x", "ks"), (r"w", "v"), (r"ph", "f"), (r"ck", "k"), (r"(.)\1+", r"\1"),
]
_SKELETON = [(re.compile(a), b) for a, b in _SKELETON]


def _key_one(text: str) -> str | None:
    latin = _translit_one(text, "icao").lower()
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(c for c in latin if not unicodedata.combining(c))
    latin = re.sub(r"[^a-z'’ʹʼ`\" -]+", " ", latin).replace("-", " ")
    words = []
    for word in latin.split():
        for pat, rep in _SKELETON:
            word = pat.sub(rep, word)
        if word:
            words.append(word)
    return " ".join(words) or None


def name_key(series: pd.Series) -> pd.Series:
    """Normalised matching key of each name, the same for Cyrillic and Latin spellings.

    The key is lower-case Latin with transliteration variants folded to one skeleton
    ("ya/ia/ja" → a, "yu/iu/ju" → u, "kh" → h, "ts" → c, "y/j" → i, doubled letters
    single, soft and hard signs and apostrophes dropped), words kept in order. So
    "Зейтуллаев", "Zeytullaev" and "Zeitullaev" share one key, as do "Сергей" and
    "Sergey". Keys are for blocking and fuzzy matching, not for display.

    Parameters
    ----------
    series : pandas.Series
        Names in Cyrillic or Latin script.

    Returns
    -------
    pandas.Series
        Aligned to ``series`` (same index and name), object dtype; missing for missing
        or empty names.
    """
    check_series(series, "name_key")

    def one(value):
        text, _ = as_text(value, MAX_CHARS)
        return (_key_one(text) if text else None,)

    out = map_distinct(series, one, ["key"], {"key": "object"})["key"]
    out.name = series.name
    return out


_SCORERS = {"token_set_ratio": fuzz.token_set_ratio, "token_sort_ratio": fuzz.token_sort_ratio,
            "ratio": fuzz.ratio, "WRatio": fuzz.WRatio}


def match_people(left: pd.DataFrame, right: pd.DataFrame, *, left_on: str = "name",
                 right_on: str = "name", by: str | list[str] | None = None,
                 threshold: float = 85.0, limit: int = 3,
                 scorer: str = "token_set_ratio") -> pd.DataFrame:
    """Propose pairs of rows that may be the same person, with a similarity score.

    Names are compared by :func:`name_key` (script- and spelling-independent) with a
    rapidfuzz scorer. Nothing is merged: the result lists candidates for a human or a
    later rule to accept, and flags ties.

    Parameters
    ----------
    left, right : pandas.DataFrame
        Tables with a name column each.
    left_on, right_on : str, default "name"
        Name columns.
    by : str or list of str, optional
        Columns present in both tables that must be equal for a pair (blocking), e.g. a
        verdict year or region.
    threshold : float, default 85
        Minimum score (0-100) for a pair to be listed.
    limit : int, default 3
        At most this many candidates per left row, best first.
    scorer : {"token_set_ratio", "token_sort_ratio", "ratio", "WRatio"}
        rapidfuzz scorer. ``token_set_ratio`` tolerates a missing patronymic and any
        word order.

    Returns
    -------
    pandas.DataFrame
        One row per candidate pair, columns:

        * ``left_index``, ``right_index``: index labels of the two rows.
        * ``left_name``, ``right_name`` (object): the names as written.
        * ``left_key``, ``right_key`` (object): their :func:`name_key` keys.
        * ``score`` (float64): similarity 0-100 (100 = same key).
        * ``rank`` (int64): 1 for the best candidate of the left row, 2 next, ...
        * ``exact_key`` (bool): both keys are identical.
        * ``ambiguous`` (bool): another candidate of the same left row has the same
          score, or the right row is also the best candidate of another left row.
    """
    for label, frame, col in (("left", left, left_on), ("right", right, right_on)):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"match_people: {label} must be a DataFrame, "
                             f"got {type(frame).__name__}")
        if col not in frame.columns:
            raise ValueError(f"match_people: {label} has no column {col!r}")
    if scorer not in _SCORERS:
        raise ValueError(f"scorer must be one of {sorted(_SCORERS)}, got {scorer!r}")
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold must be between 0 and 100, got {threshold!r}")
    if not isinstance(limit, (int, np.integer)) or limit < 1:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    by = [by] if isinstance(by, str) else list(by or [])
    for col in by:
        if col not in left.columns or col not in right.columns:
            raise ValueError(f"match_people: blocking column {col!r} must be in both tables")
    lk = name_key(left[left_on])
    rk = name_key(right[right_on])
    fn = _SCORERS[scorer]
    columns = ["left_index", "right_index", "left_name", "right_name", "left_key",
               "right_key", "score", "rank", "exact_key", "ambiguous"]
    pieces = []
    lgroups = left.groupby(by, sort=False, dropna=False).indices if by else {(): np.arange(
        len(left))}
    rgroups = right.groupby(by, sort=False, dropna=False).indices if by else {(): np.arange(
        len(right))}
    for block, lpos in lgroups.items():
        rpos = rgroups.get(block)
        if rpos is None or len(lpos) == 0:
            continue
        lpos = lpos[lk.iloc[lpos].notna().to_numpy()]
        rpos = rpos[rk.iloc[rpos].notna().to_numpy()]
        if len(lpos) == 0 or len(rpos) == 0:
            continue
        lkeys, rkeys = lk.iloc[lpos].tolist(), rk.iloc[rpos].tolist()
        scores = process.cdist(lkeys, rkeys, scorer=fn, score_cutoff=threshold,
                               dtype=np.float32)
        for i, row in enumerate(scores):
            hits = np.flatnonzero(row >= threshold)
            if hits.size == 0:
                continue
            order = hits[np.lexsort((hits, -row[hits]))][:limit]
            for rank, j in enumerate(order, start=1):
                pieces.append((left.index[lpos[i]], right.index[rpos[j]],
                               left[left_on].iloc[lpos[i]], right[right_on].iloc[rpos[j]],
                               lkeys[i], rkeys[j], float(row[j]), rank,
                               lkeys[i] == rkeys[j], False))
    out = pd.DataFrame(pieces, columns=columns)
    out = out.astype({"score": "float64", "rank": "int64", "exact_key": "bool",
                      "ambiguous": "bool"})
    if len(out):
        tie = out.groupby("left_index", sort=False)["score"].transform(
            lambda s: s.duplicated(keep=False))
        best = out[out["rank"] == 1]
        shared = best["right_index"].duplicated(keep=False)
        shared_right = set(best.loc[shared, "right_index"])
        out["ambiguous"] = tie.to_numpy() | (
            (out["rank"] == 1) & out["right_index"].isin(shared_right)).to_numpy()
    return out

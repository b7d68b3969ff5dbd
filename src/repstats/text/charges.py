"""Charges: criminal-code and administrative-code article references in free text.

:func:`parse_charges` finds every article reference in a cell, with its part, paragraph
letter(s) and the art. 30 (preparation/attempt) and art. 33 (complicity) qualifiers, in the
Russian legal style ("п. «а» ч. 2 ст. 205.5 УК РФ", "ст.ст. 205.4 ч.1, 222 ч.1 УК"), the
court-statistics style ("205.2 ч. 2", "229.1 ч. 2 п. <<а>>") and English ("Article 207.3,
Part 2(d)", "part 2 of article 205.4"). :func:`render_charge` writes one charge back in the
canonical Russian form, which parses to the same values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from repstats.text._distinct import (as_text, check_series, explode_distinct, fold_arrow,
                                     raise_first, strings, typed_frame)
from repstats.text.numbers import fold

__all__ = ["parse_charges", "render_charge", "CHARGE_COLUMNS"]

UK, KOAP = "УК", "КоАП"
#: Longest cell read (characters); longer cells get a reason, in bounded time.
MAX_CHARS = 5_000
_L = r"(?<![а-яa-z0-9])"        # left word boundary for Cyrillic and Latin
_R = r"(?![а-яa-z])"            # right word boundary
_ORDINALS = {"перв": "1", "втор": "2", "трет": "3", "четверт": "4", "пят": "5", "шест": "6",
             "седьм": "7", "восьм": "8", "first": "1", "second": "2", "third": "3",
             "fourth": "4", "fifth": "5", "sixth": "6"}
# English texts transliterate the Cyrillic paragraph letters ("clause d" = п. «д»)
_LATIN_PARA = {"a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з",
               "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о"}
_LATIN_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "k": "к", "m": "м", "h": "н", "b": "в",
                    "c": "с", "p": "р", "x": "х"}

_TOKEN_SPECS = [
    ("ANNOT", r"\((?=[^()]*(?:фз|ред\.|редакц|утратил|утр\.|введ|включая))[^()]*\)"),
    ("CODE_KOAP", _L + r"(?:коап(?:\s*рф)?|кодекс\w*\s+(?:российской\s+федерации\s+)?об\s+"
     r"административных\s+правонарушениях|code\s+of\s+administrative\s+offen[cs]es|"
     r"administrative\s+(?:offen[cs]es\s+)?code)" + _R),
    ("CODE_UK", _L + r"(?:ук(?:\s*рф)?|уголовн\w*\s+кодекс\w*(?:\s+рф)?|(?:russian\s+)?"
     r"criminal\s+code|cc(?:\s+rf)?|rf\s+cc)" + _R),
    ("ORDPART", _L + r"(" + "|".join(_ORDINALS) + r")\w*\s+част\w*" + _R),
    ("ARTNUM", r"(\d{1,3}(?:\.\d{1,2}){0,2})\s*-\s*(?:й|я|ой|ая|ей|ю|го|му|ом)" + _R
     + r"\s*(?:стать\w*|ст\.?)" + _R),
    ("ART", _L + r"(?:ст\.?\s*ст\.?|стст\.?|стать\w*|ст\.?|st\.?|arts?\.?|articles?|арт\.?)"
     r"(?![а-яa-z])"),
    ("PART", r"(?<![а-яa-z])(?:ч\.?\s*ч\.?|част\w*|ч\.?|parts?|pt\.?|ch\.?)(?![а-яa-z])"),
    ("PARA", _L + r"(?:п\.?\s*п\.?|пп\.?|пункт\w*|п\.?|paragraphs?|para\.?|clauses?|items?|"
     r"subparagraphs?|points?|sub-paragraphs?)(?![а-яa-z])"),
    ("RANGE", r"(?<![\d.])(\d{1,3}(?:\.\d{1,2})?)\s*[-–]\s*(\d{1,3}(?:\.\d{1,2})?)(?![\d.])"),
    ("PNUM", r"\(\s*(\d{1,2}(?:\.\d)?)\s*\)"),
    ("PLET", r"\(\s*([а-яa-z])\s*\)"),
    ("QLET", r"(?:<<|[«\"“„'‘`])\s*([а-яa-z])\s*(?:>>|[»\"”’'`])"),
    ("NUM", r"(?<!\d)(\d+(?:\.\d+)*)(?![\d])"),
    ("CONJ", _L + r"(?:и|and|or|или|&)" + _R + r"|[,/+]"),
    ("SEP", r"[;\n]"),
    ("FILL", _L + r"(?:of|the|рф|russian|federation|under|по|под|in|of\s+the|of\s+rf|rf|"
     r"российской|федерации)" + _R + r"|[:.()\[\]«»\"“”„'‘’<>–—-]"),
    ("WORD", r"[^\s\d,;/+:.()\[\]«»\"“”„'‘’<>–—-]+"),
    ("SPACE", r"\s+"),
]
_TOKEN_RE = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in _TOKEN_SPECS))
_GROUPS = {name: _TOKEN_RE.groupindex[name] for name, _ in _TOKEN_SPECS}


@dataclass
class _Tok:
    kind: str
    text: str
    start: int
    end: int
    value: str | None = None


def _tokenize(text: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "SPACE":
            continue
        value = None
        if kind in ("ARTNUM", "PNUM", "PLET", "QLET", "NUM"):
            value = m.group(_GROUPS[kind] + 1)
        elif kind == "ORDPART":
            value = _ORDINALS[m.group(_GROUPS[kind] + 1)]
        elif kind == "RANGE":
            value = f"{m.group(_GROUPS[kind] + 1)}-{m.group(_GROUPS[kind] + 2)}"
        toks.append(_Tok(kind, m.group(0), m.start(), m.end(), value))
    return toks


@dataclass
class _Charge:
    article: str
    parts: list[str] = field(default_factory=list)
    paras: list[str] = field(default_factory=list)
    code: str | None = None
    modifiers: list[tuple[str, str | None]] = field(default_factory=list)  # (30|33, part)
    note: list[str] = field(default_factory=list)


def _letter(raw: str, notes: list[str]) -> str:
    if "а" <= raw <= "я":
        return raw
    if raw in _LATIN_PARA:
        return _LATIN_PARA[raw]
    notes.append(f"paragraph letter {raw!r} kept as written")
    return raw


def _is_article_number(num: str, bare: bool = False) -> bool:
    """Criminal Code 30, 33 (qualifiers) and 105-361, or a dotted КоАП article (1.1-32.x).

    Other general-part articles (64, 69, 73 ...) are not charges. A ``bare`` number (no
    "ст." before it) must be a special-part or dotted article.
    """
    head, *rest = num.split(".")
    if len(head) > 3 or not head.isdigit() or len(rest) > 2 or any(r.startswith("0") for r in rest):
        return False
    n = int(head)
    if 105 <= n <= 361:
        return True
    if "." in num:
        return 1 <= n <= 32
    return not bare and num in ("30", "33")


class _Parser:
    """Left-to-right reader of one cell's tokens."""

    def __init__(self, toks: list[_Tok]):
        self.toks, self.i = toks, 0
        self.used = [False] * len(toks)
        self.charges: list[_Charge] = []
        self.open_group: list[_Charge] = []      # charges still waiting for a code token
        self.pending_mods: list[tuple[str, str | None]] = []
        self.ranges: list[str] = []
        self.prefix_notes: list[str] = []

    # -- helpers --------------------------------------------------------------------
    def peek(self, k: int = 0) -> _Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def kind(self, k: int = 0) -> str | None:
        t = self.peek(k)
        return t.kind if t else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.used[self.i] = True
        self.i += 1
        return t

    def skip_fill(self) -> None:
        while self.kind() == "FILL":
            self.take()

    # -- grammar --------------------------------------------------------------------
    def letters(self, notes: list[str]) -> list[str]:
        """QLET/PLET letters (and bare one-letter words after PARA) joined by CONJ."""
        out = []
        while True:
            k = self.kind()
            if k in ("QLET", "PLET"):
                out.append(_letter(self.take().value, notes))
            elif k == "WORD" and len(self.peek().text) == 1 and out == [] and \
                    self.kind(-1) == "PARA":
                out.append(_letter(self.peek().text, notes))
                self.take()
            elif k == "CONJ" and self.kind(1) in ("QLET", "PLET"):
                self.take()
            else:
                return out

    def part_numbers(self) -> list[str]:
        """After PART: "2", "1.1", "1 и 2"; ORDPART carries its own value."""
        out = []
        while self.kind() == "NUM" and re.fullmatch(r"\d{1,2}(?:\.\d)?", self.peek().value):
            out.append(self.take().value)
            if self.kind() == "CONJ" and self.kind(1) == "NUM" and self.kind(2) not in (
                    "PART", "PNUM") and re.fullmatch(r"\d{1,2}", self.peek(1).value or ""):
                self.take()
                continue
            break
        return out

    def prefix(self, notes: list[str]) -> tuple[list[str], list[str]] | None:
        """Paragraph and part qualifiers written before the article, or None."""
        start = self.i
        paras: list[str] = []
        parts: list[str] = []
        if self.kind() == "PARA":
            self.take()
            paras = self.letters(notes)
            if not paras:
                self.i = start
                return None
            while self.kind() in ("CONJ", "FILL"):
                self.take()
        while self.kind() in ("PART", "ORDPART"):
            t = self.take()
            got = [t.value] if t.kind == "ORDPART" else self.part_numbers()
            if t.kind == "PART" and self.kind() in ("PLET", "QLET"):
                paras += self.letters(notes)
            if not got:
                break
            parts += got
            if self.kind() == "CONJ" and self.kind(1) in ("PART", "ORDPART"):
                self.take()
                continue
            break
        self.skip_fill()
        if (paras or parts) and self.kind() in ("ART", "ARTNUM"):
            return paras, parts
        self._unuse(start)
        self.i = start
        return None

    def _unuse(self, start: int) -> None:
        for j in range(start, self.i):
            self.used[j] = False

    def suffix(self, charge: _Charge) -> None:
        """Part/paragraph written after the article: "205.2 ч.2", "205.2(2)", "Part 2(d)"."""
        while True:
            save = self.i
            k = self.kind()
            if k == "PNUM" and not charge.parts:
                charge.parts.append(self.take().value)
            elif k in ("PLET", "QLET"):
                charge.paras += self.letters(charge.note)
            elif k == "PART" or (k == "CONJ" and self.kind(1) == "PART"):
                if k == "CONJ":
                    self.take()
                self.take()
                got = self.part_numbers()
                if not got:
                    self.i = save
                    self._unuse(save)
                    return
                # "ст. 205.4, ч. 2 ст. 222": a part followed by an article is its prefix;
                # not across a "," or "и" ("ст. 205.4 ч.1, ст. 222 ч.1" keeps part 1)
                look = self.i
                while look < len(self.toks) and self.toks[look].kind in (
                        "PARA", "QLET", "PLET", "FILL"):
                    look += 1
                if look < len(self.toks) and self.toks[look].kind in ("ART", "ARTNUM"):
                    self._unuse(save)
                    self.i = save
                    return
                charge.parts += got
            elif k == "PARA" and self.kind(1) in ("QLET", "PLET", "WORD"):
                self.take()
                got = self.letters(charge.note)
                if not got:
                    self._unuse(save)
                    self.i = save
                    return
                charge.paras += got
            elif k == "FILL" and self.kind(1) in ("PART", "PNUM", "PLET", "QLET"):
                self.take()
            else:
                return

    def new_charge(self, number: str, paras: list[str], parts: list[str]) -> _Charge | None:
        if not _is_article_number(number):
            return None
        charge = _Charge(article=number, parts=list(parts), paras=list(paras),
                         note=list(self.prefix_notes) if paras else [])
        self.prefix_notes = []
        self.suffix(charge)
        if number in ("30", "33"):
            part = charge.parts[0] if charge.parts else None
            self.pending_mods.append((number, part))
            return charge
        charge.modifiers, self.pending_mods = self.pending_mods, []
        self.charges.append(charge)
        self.open_group.append(charge)
        return charge

    def article_list(self, paras: list[str], parts: list[str]) -> None:
        """After ART: "205.4 ч.1, 222 ч.1", "280.3 and 207.3"."""
        self.skip_fill()
        first = True
        while self.kind() == "NUM":
            tok = self.peek()
            if not _is_article_number(tok.value):
                return
            self.take()
            self.new_charge(tok.value, paras if first else [], parts if first else [])
            first = False
            if self.kind() == "CONJ" and self.kind(1) == "NUM" and _is_article_number(
                    self.peek(1).value):
                self.take()
                continue
            if self.kind() == "CONJ" and self.kind(1) in ("ART",):
                self.take()
                self.take()
                self.skip_fill()
                continue
            return

    def close_code(self, code: str) -> None:
        for c in self.open_group:
            if c.code is None:
                c.code = code
        self.open_group = []

    def run(self) -> list[_Charge]:
        n = len(self.toks)
        while self.i < n:
            k = self.kind()
            if k in ("PARA", "PART", "ORDPART"):
                self.prefix_notes = []
                got = self.prefix(self.prefix_notes)
                if got is None:
                    self.i += 1
                    continue
                paras, parts = got
                if self.kind() == "ARTNUM":
                    self.new_charge(self.take().value, paras, parts)
                else:
                    self.take()                      # ART
                    self.article_list(paras, parts)
            elif k == "ART":
                self.take()
                self.article_list([], [])
            elif k == "ARTNUM":
                self.new_charge(self.take().value, [], [])
            elif k == "NUM" and self._court_label_start():
                tok = self.take()
                self.new_charge(tok.value, [], [])
                while self.kind() == "CONJ" and self.kind(1) == "NUM" and \
                        _is_article_number(self.peek(1).value) and self.kind(2) in (
                            "PART", "PNUM", None, "SEP"):
                    self.take()
                    self.new_charge(self.take().value, [], [])
            elif k == "RANGE" and self._at_cell_start():
                self.ranges.append(self.peek().value)
                self.take()
            elif k == "CODE_UK":
                self.take()
                self.close_code(UK)
            elif k == "CODE_KOAP":
                self.take()
                self.close_code(KOAP)
            elif k == "ANNOT":
                self.i += 1
            else:
                self.i += 1
        return self.charges

    def _at_cell_start(self) -> bool:
        j = self.i - 1
        while j >= 0 and self.toks[j].kind in ("FILL",):
            j -= 1
        return j < 0 or self.toks[j].kind == "SEP"

    def _court_label_start(self) -> bool:
        """A bare number is an article when written "205.2 ч.2", "205.2(2)" or alone."""
        tok = self.peek()
        if not _is_article_number(tok.value, bare=True):
            return False
        nxt = self.kind(1)
        if nxt in ("PART", "PNUM"):
            if nxt == "PART":
                after = self.peek(2)
                return after is not None and after.kind == "NUM"
            return True
        return self._at_cell_start() and nxt in (None, "SEP", "ANNOT", "CODE_UK",
                                                 "CODE_KOAP")


#: Output columns of :func:`parse_charges`, in order, with their dtypes.
CHARGE_COLUMNS = {
    "position": "Int64", "code": "object", "article": "object", "part": "object",
    "paragraph": "object", "attempt": "boolean", "preparation": "boolean",
    "complicity": "object", "unparsed": "object", "reason": "object",
}
_COMPLICITY = {"3": "organiser", "4": "instigator", "5": "accessory"}


def _leftover(text: str, folded: str, toks: list[_Tok], used: list[bool]) -> str | None:
    """Tokens no charge used, cut from the original text (folding keeps positions)."""
    src = text if len(text) == len(folded) else folded
    pieces = [src[t.start:t.end] for t, u in zip(toks, used)
              if not u and t.kind not in ("FILL", "SEP", "CONJ")]
    left = " ".join(pieces).strip()
    return left or None


def _infer_code(charge: _Charge, cell_code: str | None) -> str:
    if charge.code:
        return charge.code
    if cell_code:
        return cell_code
    head = int(charge.article.split(".")[0])
    # КоАП articles are chapter-numbered (1.1 ... 32.x); the Criminal Code's special part
    # starts at art. 105 and its general-part articles are never charges.
    return KOAP if head < 105 and "." in charge.article else UK


def _parse_cell(value) -> list[tuple]:
    empty = (pd.NA, None, None, None, None, pd.NA, pd.NA, None)
    text, reason = as_text(value, MAX_CHARS)
    if text is None:
        return [empty + (None, reason)]
    folded = fold(text)
    if not folded.strip():
        return [empty + (None, "empty text")]
    toks = _tokenize(folded)
    parser = _Parser(toks)
    charges = parser.run()
    leftover = _leftover(text, folded, toks, parser.used)
    if not charges:
        if parser.ranges:
            why = f"article range {parser.ranges[0]} (a heading, not a charge)"
        elif parser.pending_mods:
            why = f"art. {parser.pending_mods[0][0]} qualifier without the article it qualifies"
        else:
            why = "no article number found"
        return [empty + (leftover, why)]
    codes = {c.code for c in charges if c.code}
    cell_code = codes.pop() if len(codes) == 1 else None
    rows = []
    for pos, c in enumerate(charges):
        code = _infer_code(c, cell_code)
        parts = c.parts or [None]
        notes = list(c.note)
        attempt = preparation = False
        complicity = None
        for art, mpart in c.modifiers:
            if art == "30":
                preparation, attempt = mpart == "1", mpart == "3"
                if mpart not in ("1", "3"):
                    notes.append("art. 30 without part 1 or 3: stage not stated")
            else:
                complicity = _COMPLICITY.get(mpart or "", None)
                if complicity is None:
                    notes.append("art. 33 without part 3, 4 or 5")
        paragraph = ",".join(sorted(dict.fromkeys(c.paras))) if c.paras else None
        for part in parts:
            rows.append((pos, code, c.article, part, paragraph, attempt, preparation,
                         complicity, leftover, "; ".join(notes) or None))
    # renumber positions after parts were expanded
    return [(i,) + r[1:] for i, r in enumerate(rows)]


# -- vectorised reading of the common shapes ---------------------------------------------
# A cell that is a plain list of up to four charges in the usual styles ("п. «а» ч. 2 ст.
# 205.2 УК РФ", "ч.1 ст.222 УК", "части 1 статьи 280.3", "205.2 ч. 2", "205.2(2)",
# "ст. 212.1 ч. 4", "Art. 207.3 part 2", "Article 280.3, Part 1"), separated by ",", ";"
# or "и", is read at once by Arrow's RE2 (the same result as the Python reader, checked
# by tests/test_text_fast.py); every other cell goes to the Python reader.
_FA = (r"(?:(?:1(?:0[5-9]|[1-9]\d)|2\d\d|3[0-5]\d|36[01])(?:\.[1-9]\d?){0,2}"
       r"|(?:[1-9]|[12]\d|3[0-2])\.[1-9]\d?(?:\.[1-9]\d?)?)")
_FP = r"\d{1,2}(?:\.\d)?"
_FART = r"(?:ст\.?|статьи|статье|статья|art\.?|article)"
_FPART = r"(?:ч\.?|части|part)"
_FCODE = r"(?:ук(?: *рф)?|коап(?: *рф)?)"


def _fast_charge(k: int | str = "") -> str:
    """RE2 for one charge, groups suffixed with ``k``."""
    prefix = (rf"(?:п\. *«(?P<l{k}>[а-я])» *)?(?:{_FPART} *(?P<p{k}>{_FP}) +)?"
              rf"(?P<art{k}>{_FART}) *(?P<a{k}>{_FA})"
              rf"(?:(?P<sp{k}> *,? *{_FPART} *)(?P<q{k}>{_FP})|(?P<pn{k}>\( *{_FP} *\)))?")
    label = (rf"(?P<b{k}>{_FA})(?:(?P<bsp{k}> *{_FPART} *)(?P<bq{k}>{_FP})"
             rf"|(?P<bpn{k}>\( *{_FP} *\)))")
    return rf"(?:{prefix}|{label})(?: +(?P<c{k}>{_FCODE}))?"


_FAST_MAX = 4
_SEP = r"(?: *[,;] *| +и +)"
# the whole cell (a DFA match, fast) ...
# "ч. 3 ст. 30, ..." (attempt) or "ч. 1 ст. 30, ..." (preparation) before the first charge
_FAST_MOD = r"(?:ч\. *(?P<mod>[13]) +ст\. *30 *, *)?"
_FAST_RE = (r"^ *" + _FAST_MOD + _fast_charge(0) + "".join(
    rf"(?:{_SEP}{_fast_charge(k)})?" for k in range(1, _FAST_MAX)) + r" *$")
# ... then its charges one at a time (few groups each: RE2 extracts them quickly)
_FAST_ONE = rf"^ *{_fast_charge()}(?P<sep>{_SEP}| *$)(?P<rest>.*)$"
_FAST_FIRST = rf"^ *{_FAST_MOD}{_fast_charge()}(?P<sep>{_SEP}| *$)(?P<rest>.*)$"
# Words around the charges that no charge uses (the Python reader returns them in
# ``unparsed``, cut from the original text in token order): a leading "обвинение по" and a
# trailing "(дело № 1-30/2015)" (``unparsed`` "дело № 1-30 2015"). Matched on the folded
# text, then cut out; the words themselves are read from the original (its case).
_FAST_PRE = r"^ *обвинение +по +"
_FAST_SUF = r" +\( *дело +№ *\d{1,3}-\d{1,3}/\d{4} *\) *$"
_ORIG_PRE = r"^ *(?P<w>\S+)"
_ORIG_SUF = r"\( *(?P<w>\S+) +№ *(?P<n>\d{1,3}-\d{1,3})/(?P<y>\d{4}) *\) *$"


def _around(values: pa.Array, text: pa.Array, idx: np.ndarray):
    """``(text without the words around the charges, their unparsed text per value)``."""
    pre = pc.match_substring_regex(text, _FAST_PRE).to_numpy(zero_copy_only=False)
    suf = pc.match_substring_regex(text, _FAST_SUF).to_numpy(zero_copy_only=False)
    unparsed = np.full(len(idx), None, dtype=object)
    if not (pre.any() or suf.any()):
        return text, unparsed
    text = pc.replace_substring_regex(pc.replace_substring_regex(text, _FAST_PRE, ""),
                                      _FAST_SUF, "")
    if pre.any():
        orig = values.take(pa.array(idx[pre]))
        unparsed[pre] = _col(pc.extract_regex(orig, _ORIG_PRE), "w")
    if suf.any():
        got = pc.extract_regex(values.take(pa.array(idx[suf])), _ORIG_SUF)
        tail = [f"{w} № {n} {y}" for w, n, y in zip(_col(got, "w"), _col(got, "n"),
                                                    _col(got, "y"))]
        head = unparsed[suf]
        unparsed[suf] = [t if h is None else f"{h} {t}" for h, t in zip(head, tail)]
    return text, unparsed


def _col(struct, name: str) -> np.ndarray:
    return strings(struct.field(name))


def _fast(values: pa.Array):
    """Vectorised :func:`_parse_cell` for plain lists of charges; ``(mask, frame, counts)``."""
    idx, text = fold_arrow(values, MAX_CHARS)
    text, unparsed = _around(values, text, idx)
    hit = pc.match_substring_regex(text, _FAST_RE).to_numpy(zero_copy_only=False)
    idx, rest, unparsed = idx[hit], text.filter(pa.array(hit)), unparsed[hit]
    m = len(idx)
    ok = np.ones(m, dtype=bool)
    shape = (_FAST_MAX, m)
    present = np.zeros(shape, dtype=bool)
    article, part, para, code = (np.full(shape, None, dtype=object) for _ in range(4))
    alive = np.arange(m)
    attempt, preparation = np.zeros(m, dtype=bool), np.zeros(m, dtype=bool)
    for k in range(_FAST_MAX):
        if alive.size == 0:
            break
        got = pc.extract_regex(rest, _FAST_FIRST if k == 0 else _FAST_ONE)
        matched = got.is_valid().to_numpy(zero_copy_only=False)
        ok[alive[~matched]] = False                 # cannot happen: the cell matched
        got, alive = got.filter(pa.array(matched)), alive[matched]
        a, b = _col(got, "a"), _col(got, "b")
        present[k, alive] = True
        article[k, alive] = np.where(a != None, a, b)               # noqa: E711
        pre = _col(got, "p")
        q, bq = _col(got, "q"), _col(got, "bq")
        pn, bpn = _col(got, "pn"), _col(got, "bpn")
        suffix = np.where(q != None, q, bq)                         # noqa: E711
        pnum = np.where(pn != None, pn, bpn)                        # noqa: E711
        inner = {x: x.strip("() ") for x in set(pnum) if x is not None}
        pnum = np.array([None if x is None else inner[x] for x in pnum], dtype=object)
        suffix = np.where(suffix != None, suffix, pnum)             # noqa: E711
        # a part both before and after the article (two parts): left to Python
        ok[alive[(pre != None) & (suffix != None)]] = False         # noqa: E711
        part[k, alive] = np.where(pre != None, pre, suffix)         # noqa: E711
        para[k, alive] = _col(got, "l")
        if k == 0:                                  # the art. 30 qualifier: first charge
            mod = _col(got, "mod")
            attempt[alive], preparation[alive] = mod == "3", mod == "1"
        code[k, alive] = _col(got, "c")
        more = pc.not_equal(got.field("rest"), "").to_numpy(zero_copy_only=False)
        rest, alive = got.field("rest").filter(pa.array(more)), alive[more]
    ok[alive] = False                               # more than _FAST_MAX charges
    names = {c: (None if c is None else UK if c.startswith("ук") else KOAP)
             for c in set(code.ravel())}
    codes = np.array([names[c] for c in code.ravel()], dtype=object).reshape(code.shape)
    # a charge takes the next code written at or after it (codes close open groups)
    nxt = np.full(m, None, dtype=object)
    for k in range(_FAST_MAX - 1, -1, -1):
        nxt = np.where(present[k] & (codes[k] != None), codes[k], nxt)  # noqa: E711
        codes[k] = np.where(present[k], nxt, None)
    # one code in the cell fills the rest; else dotted articles below 105 are КоАП
    has_uk = ((codes == UK) & present).any(axis=0)
    has_koap = ((codes == KOAP) & present).any(axis=0)
    cell = np.where(has_uk & ~has_koap, UK, np.where(has_koap & ~has_uk, KOAP, None))
    koap_like = {a: a is not None and "." in a and int(a.split(".")[0]) < 105
                 for a in set(article.ravel())}
    for k in range(_FAST_MAX):
        inferred = np.where([koap_like[a] for a in article[k]], KOAP, UK)
        codes[k] = np.where(codes[k] != None, codes[k],             # noqa: E711
                            np.where(cell != None, cell, inferred))  # noqa: E711
    keep = np.flatnonzero(ok)
    mask = np.zeros(len(values), dtype=bool)
    mask[idx[keep]] = True
    sel = present[:, keep].T.ravel()            # value by value, charge slots in order

    def flat(a):
        return a[:, keep].T.ravel()[sel]

    n_rows = int(sel.sum())
    first = np.zeros((_FAST_MAX, len(keep)), dtype=bool)
    first[0] = True
    stage = first.T.ravel()[sel]                # only the first charge carries it
    none = np.full(n_rows, None, dtype=object)
    per_value = present[:, keep].sum(axis=0)    # charges per value read
    frame = typed_frame({
        "position": np.tile(np.arange(_FAST_MAX), len(keep))[sel],
        "code": flat(codes), "article": flat(article), "part": flat(part),
        "paragraph": flat(para),
        "attempt": stage & np.repeat(attempt[keep], per_value),
        "preparation": stage & np.repeat(preparation[keep], per_value), "complicity": none,
        "unparsed": np.repeat(unparsed[keep], per_value), "reason": none}, CHARGE_COLUMNS)
    return mask, frame, per_value


def parse_charges(series: pd.Series, *, dedupe: bool = False,
                  strict: bool = False) -> pd.DataFrame:
    """Find every article reference (charge) in each cell.

    A cell can hold several charges ("ст.ст. 205.4 ч.1, 222 ч.1 УК"); one article with two
    parts ("ч. 1 и ч. 2 ст. 280") gives two charges. The art. 30 qualifier before a charge
    sets ``preparation`` (part 1) or ``attempt`` (part 3) on it; the art. 33 qualifier sets
    ``complicity``. Court-form headings such as "205-274" are not charges.

    Parameters
    ----------
    series : pandas.Series
        Free text. Missing and non-text cells are kept, with a ``reason``.
    dedupe : bool, default False
        Drop a charge that repeats an earlier charge of the same cell (same code, article,
        part, paragraph and qualifiers), as when several sources are quoted in one cell.
    strict : bool, default False
        Raise :class:`~repstats.errors.InputError` (a ValueError) naming the first input
        row in which no charge was found.

    Returns
    -------
    pandas.DataFrame
        One row per charge, in input order, with a fresh RangeIndex. An input row without
        any charge still gets one row, with missing charge columns and a ``reason``, so
        no input row is lost. Columns:

        * ``row``: index label of the input cell.
        * ``position`` (Int64): 0-based order of the charge within its cell.
        * ``code`` (object): ``"УК"`` (Criminal Code) or ``"КоАП"`` (Code of
          Administrative Offences); taken from the text, else inferred (dotted articles
          below 105, like 20.3.3, are КоАП).
        * ``article`` (object): article number as text, e.g. ``"205.2"``.
        * ``part`` (object): part number as text (``"2"``, ``"1.1"``), None if not stated.
        * ``paragraph`` (object): paragraph letter(s) in Cyrillic, comma-joined
          (``"а"``, ``"а,б,д"``); Latin letters of English texts are mapped phonetically
          ("d" → "д"). None if not stated.
        * ``attempt`` (boolean): charged with art. 30 part 3 (attempt).
        * ``preparation`` (boolean): charged with art. 30 part 1 (preparation).
        * ``complicity`` (object): art. 33 role: ``"organiser"`` (part 3), ``"instigator"``
          (part 4), ``"accessory"`` (part 5), else None.
        * ``unparsed`` (object): text of the cell not understood as part of any charge
          (the same on every row of a cell), None when everything was used.
        * ``reason`` (object): why no charge was found (on the single row of such a
          cell), or a note on an incomplete qualifier; None otherwise.

    Notes
    -----
    Works per partition with dask:
    ``ddf["col"].map_partitions(parse_charges, meta=parse_charges(ddf["col"]._meta))``
    (``row`` then holds the partition's index labels).
    """
    check_series(series, "parse_charges")
    columns = list(CHARGE_COLUMNS)
    if dedupe or strict:                     # input positions of the output rows
        out, pos = explode_distinct(series, _parse_cell, columns, CHARGE_COLUMNS,
                                    with_positions=True, fast=_fast)
    else:
        out = explode_distinct(series, _parse_cell, columns, CHARGE_COLUMNS, fast=_fast)
    if dedupe and len(out):
        key = ["row", "code", "article", "part", "paragraph", "attempt", "preparation",
               "complicity"]
        dup = out[key].astype(str).duplicated() & out["article"].notna()
        keep = ~dup.to_numpy()
        out, pos = out.loc[keep].reset_index(drop=True), pos[keep]
        out["position"] = out.groupby("row", sort=False).cumcount().astype("Int64")
        out.loc[out["article"].isna(), "position"] = pd.NA
    if strict:
        failed = (out["article"].isna() & out["reason"].notna()).to_numpy()
        bad = np.zeros(len(series), dtype=bool)
        bad[pos[failed]] = True
        reasons = np.empty(len(series), dtype=object)
        reasons[pos[failed]] = out["reason"].to_numpy()[failed]
        raise_first(series, bad, "parse_charges", reasons)
    return out


def render_charge(code: str = UK, article: str = "", part: str | None = None,
                  paragraph: str | None = None, attempt: bool = False,
                  preparation: bool = False, complicity: str | None = None) -> str:
    """Write one charge in the canonical Russian form, which :func:`parse_charges` reads back.

    >>> render_charge("УК", "228.1", "3", "б", preparation=True)
    'ч. 1 ст. 30, п. «б» ч. 3 ст. 228.1 УК РФ'
    """
    if code not in (UK, KOAP):
        raise ValueError(f"code must be {UK!r} or {KOAP!r}, got {code!r}")
    if not isinstance(article, str) or not re.fullmatch(r"\d{1,3}(?:\.\d{1,2}){0,2}", article):
        raise ValueError(f"article must look like '205.2', got {article!r}")
    if attempt and preparation:
        raise ValueError("a charge cannot be both attempt and preparation")
    bits = []
    if paragraph:
        letters = [p.strip() for p in str(paragraph).split(",") if p.strip()]
        bits.append("п. " + ", ".join(f"«{p}»" for p in letters))
    if part:
        bits.append(f"ч. {part}")
    bits.append(f"ст. {article}")
    text = " ".join(bits) + (" УК РФ" if code == UK else " КоАП РФ")
    roles = {v: k for k, v in _COMPLICITY.items()}
    if complicity is not None:
        if complicity not in roles:
            raise ValueError(f"complicity must be one of {sorted(roles)}, got {complicity!r}")
        text = f"ч. {roles[complicity]} ст. 33, " + text
    if attempt:
        text = "ч. 3 ст. 30, " + text
    if preparation:
        text = "ч. 1 ст. 30, " + text
    return text

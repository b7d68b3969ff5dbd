"""Row labels: article, part, paragraph and redaction, and the kind of row.

Article labels vary in spacing and punctuation (``205.2 ч.2``, ``205.2 ч. 2``,
``205.2ч.2 ``, ``ч1.1``, ``174-1 ч. 1`` for 174.1, ``204.1.``), articles without parts
(``275``; numeric cells such as ``106.0``) and annotations that are part of the row's
identity (``134 ч. 1 (в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ)``). Non-article rows
are recognised by their text: the grand total, chapter and section totals, the military
aggregate of form 10.3, gravity summaries, reserve rows and the rows headed
"Составы преступлений, введенные в УК РФ в <year> году". Anything else is an error.

Row types
---------
``article``            one article (and part / redaction) of the Criminal Code
``article_group``      one row pooling several different articles ("Декриминализация", new
                       articles listed
                       together, e.g. ``222 ч. 5; 222 ч. 6; 222.1 ч. 4``); article is None
``paragraph``          form 10-а section 21 (from 2017): a paragraph (``п. «а»``) of an
                       article part, a breakdown of an ``article`` row (never add both)
``grand_total``        ``Всего по составам УК РФ`` / ``ВСЕГО ПО РАЗДЕЛАМ``
``chapter_total``      ``ВСЕГО ПО ГЛАВЕ …`` / ``ИТОГО ПО РАЗДЕЛУ …`` and range labels (105-125)
``military_aggregate`` ``Воинские преступления`` (form 10.3 and 10.3.1: not by article)
``summary``            gravity summaries, "introduced in <year>" rows, reserve rows
``subset``             form 10-а sections 22-23 (2022-2023): article (or paragraph) rows
                       repeated for a subset of the convicted (crimes committed using the
                       internet; crimes against minors); set by the reader from the
                       section title, never added to article rows
``rejected``           a garbled article label (:class:`LabelShapeError`) read without
                       ``strict``: kept with its raw label and counts, no article, listed
                       in the quality table (check ``label_rejected``), never summed

An ``article_group`` row is a *combined* row: it lumps several articles together (2022:
``264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, 275.1``) and is never split nor assigned to one of
them; its ``lumped`` attribute lists the article-parts (:func:`lumped_parts`). An article
row pooling several parts of one article (``159 ч. 5, ч. 6, ч. 7``) keeps its article,
has no part, and lists the parts in ``lumped`` too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError
from .excel import cell_text

ROW_TYPES = ("article", "article_group", "paragraph", "grand_total", "chapter_total",
             "military_aggregate", "summary", "subset", "rejected")


@dataclass(frozen=True)
class Label:
    """A parsed row label (see the module docstring for ``row_type``)."""

    row_type: str
    article: str | None = None
    part: str | None = None
    paragraph: str | None = None
    redaction: str | None = None
    #: the article-parts a combined row lumps together, ``"264.3 ч.1; 275.1"`` (see
    #: :func:`lumped_parts`); None on rows that stand for one article-part
    lumped: str | None = None


_TOTAL_PATTERNS = (
    ("grand_total", re.compile(r"^всего по (составам|разделам)")),
    ("chapter_total", re.compile(r"^(итого|всего) по (разделу|главе)")),
    ("military_aggregate", re.compile(r"^воинские преступления")),
    ("summary", re.compile(r"^(небольшой тяжести|средней тяжести|тяжкие|особо тяжкие)$")),
    ("summary", re.compile(r"^(составы )?преступлени[яй],? введенные в ук")),
    ("summary", re.compile(r"^(резерв|пустая\b|итого:? по резервн)")),
    ("summary", re.compile(r"^сумма стр")),
    ("article_group", re.compile(r"^декриминализаци")),
)
_ART = r"(\d{3})(?:[.\-](\d{1,2}))?\.?"
_PART = r"ч\.?\s*(\d{1,2}(?:\.\d{1,2})?)\.?"
_HEAD = re.compile(rf"^{_ART}(?:\s*,?\s*{_PART}(?!\s*-\s*\d))?(?![\d])")
_RANGE = re.compile(r"^(\d{3}(?:\.\d{1,2})?)\s*-\s*(\d{3}(?:\.\d{1,2})?)\b")
#: a quoted paragraph letter: «а», <<а>> (as the .xls stores it) or "а" (sections 22-23)
_QL = r'(?:<<|«|")\s*([а-я])\s*(?:>>|»|")'
_QLN = r'(?:<<|«|")\s*[а-я]\s*(?:>>|»|")'
_PARAGRAPH = re.compile(rf"^(?:п\.\s*)*{_QL}|^п\.\s*([а-я](?:\.\s*\d)?)\b")
_LAW_CITE = re.compile(r"(№|N)\s*\d+(-фз)?|\d+-фз|фз\s*№?\s*\d+|\d{1,2}\.\d{2}\.\d{2,4}г?\.?"
                       r"|от\.?\s*\d", re.IGNORECASE)
_OTHER_ARTICLE = re.compile(r"(?:^|[\s,;(])(\d{3}(?:\.\d{1,2})?)(?=$|[\s,;)]|\s*ч)")
_PARTS_ONLY = re.compile(r"^[,;\s]*(?:(?:ч\.?\s*)?\d{1,2}(?:\.\d)?(?:\s*-\s*\d{1,2})?"
                         r"[,;\s]*)+$")
_ABBREV = tuple((re.compile(p, re.IGNORECASE), r) for p, r in (
    (r"\bстар\.\s*ред\.?", "старой редакции"), (r"\bнов\.\s*ред\.?", "новой редакции"),
    (r"\bред\.(?=\s|$|[,)])", "редакции"), (r"\bред(?=\s+фз)", "редакции"),
    (r"\bвкл\.", "включая"), (r"\bN\s*(?=\d)", "№ "), (r"№(?=\d)", "№ ")))
_OPEN_SPACE = re.compile(r"\(\s+")
#: the patterns parse_label applies to every article label, compiled once
_ARTICLE_WORD = re.compile(r"^(ст\.?\s*|статья\s+)(?=\d)")
_PART_HEAD = re.compile(rf"^{_PART}")
_PARAGRAPHS = re.compile(rf"^\s*(?:п\.\s*)*{_QL}((?:\s*,\s*(?:п\.\s*)?{_QLN})*)")
_LISTED_ARTICLE = re.compile(r"[,;]\s*(\d{3}(?:\.\d{1,2})?)")
_SPACE_CLOSE = re.compile(r"\s+\)")


class LabelShapeError(InputError):
    """An article label whose shape is garbled (``205.2 ч.2x``, ``205,2 ч.2``,
    ``205.2x ч.2``, ``205.2 ч.2 ч.3``, ``201. 3``): never guessed. The reader raises it
    with ``strict=True`` and otherwise keeps the row as a documented ``rejected`` row."""


#: what may follow an article head (article and part) directly
_AFTER_HEAD = re.compile(r"^(?:$|[\s(,;\-<«\"])")
#: what the rest of an article label may not start with: a bare number ("201. 3"), a
#: second part without a separator ("ч.2 ч.3", "ч. часть 2"), a decimal comma ("205,2")
_BAD_REST = re.compile(r"^(?:\d|ч(?:\.|\s|\d)|,\d)")
#: a range of parts right after the article ("148 ч.1-4") is a pooled row, not garbled
_PART_RANGE = re.compile(r"^\s*ч\.?\s*\d{1,2}(?:\.\d)?\s*-\s*\d")


def _check_shape(head: str, rest: str, text: str, where: dict) -> None:
    if _PART_RANGE.match(rest):
        return
    if not _AFTER_HEAD.match(rest) or _BAD_REST.match(rest.strip()):
        raise LabelShapeError(
            f"garbled article label {text!r}: {head.strip()!r} is followed by "
            f"{rest.strip()[:20]!r}", **where,
            expected="'ARTICLE', 'ARTICLE ч. PART' or either followed by a separated "
            "annotation, e.g. '205.2 ч. 2 (в редакции …)'")


def label_text(value) -> str:
    """A label cell as text: numeric cells as articles (``106.0`` -> ``"106"``)."""
    return cell_text(value)


@lru_cache(maxsize=65536)
def normalize_redaction(text: str) -> str | None:
    """Clean an annotation: outer brackets/commas stripped, common abbreviations
    expanded, whitespace collapsed; ``None`` when nothing is left (computed once per
    distinct text)."""
    text = " ".join(text.split()).strip(" ,;.")
    while text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip(" ,;.")
    for pattern, repl in _ABBREV:
        text = pattern.sub(repl, text)
    text = _OPEN_SPACE.sub("(", text)
    text = _SPACE_CLOSE.sub(")", text)
    text = " ".join(text.split()).strip(" ,;.")
    if not text:
        return None
    return text[0].lower() + text[1:]


_LIST_ITEM = re.compile(r"(?:ст\.?\s*)?(\d{3}(?:\.\d{1,2})?)?\s*(?:ч\.?\s*(\d{1,2}(?:\.\d{1,2})?)"
                        r"(?:\s*-\s*(\d{1,2}))?)?")


def lumped_parts(text: str) -> str | None:
    """The article-parts a combined label lists, canonically joined, or None.

    ``"264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, 275.1"`` -> ``"264.3 ч.1; 264.3 ч.2; 274.2 ч.1;
    275.1"``; ``"159 ч. 5, ч. 6, ч.7"`` -> ``"159 ч.5; 159 ч.6; 159 ч.7"``; ``"148
    ч.1-4"`` -> parts 1 to 4. A label that is not a plain list of at least two
    article-parts (``"Декриминализация"``, a described pool) gives None.
    """
    items, current = [], None
    for piece in re.split(r"[,;]", text):
        piece = piece.strip(" .")
        if not piece:
            continue
        m = _LIST_ITEM.fullmatch(piece)
        if not m or not (m.group(1) or m.group(2)):
            return None
        article = m.group(1) or current
        if article is None:
            return None
        current = article
        if m.group(2) and m.group(3) and m.group(2).isdigit():
            items += [f"{article} ч.{p}" for p in range(int(m.group(2)), int(m.group(3)) + 1)]
        elif m.group(2):
            items.append(f"{article} ч.{m.group(2)}")
        else:
            items.append(article)
    return "; ".join(items) if len(items) > 1 else None


def lumped_pairs(lumped: str | None) -> list[tuple[str, str | None]]:
    """``"264.3 ч.1; 275.1"`` -> ``[("264.3", "1"), ("275.1", None)]`` (``[]`` for None)."""
    if not isinstance(lumped, str) or not lumped:
        return []
    out = []
    for item in lumped.split("; "):
        article, _, part = item.partition(" ч.")
        out.append((article, part or None))
    return out


def _article(num: str, sub: str | None) -> str:
    return f"{num}.{sub}" if sub else num


@lru_cache(maxsize=65536)
def classify_total(text: str) -> str | None:
    """The row type of a total/summary text, or None if it is none of those (computed
    once per distinct text)."""
    low = " ".join(text.lower().replace("ё", "е").split())
    for row_type, pattern in _TOTAL_PATTERNS:
        if pattern.match(low):
            return row_type
    return None


def parse_label(value, description=None, *, previous: Label | None = None, file=None,
                member=None, sheet=None, row=None, column=None) -> Label:
    """Parse a row's label (and, for form 10-а, its description).

    Parameters
    ----------
    value
        The article-column cell.
    description : str, optional
        The 10-а "Виды преступлений" cell; totals are recognised from it.
    previous : Label, optional
        The label of the row above, inherited by 10-а paragraph rows (``п. «б»``).

    Returns
    -------
    Label

    Raises
    ------
    LabelShapeError
        An article label of a garbled shape (see :class:`LabelShapeError`), naming file,
        member, sheet, row and cell (``column``: the label cell's letter).
    InputError
        An unknown label, naming file, member, sheet and row.
    """
    where = dict(file=file, member=member, sheet=sheet, row=row, column=column)
    text = label_text(value)
    desc = cell_text(description) if description is not None else ""
    for candidate in (desc, text):
        kind = classify_total(candidate) if candidate else None
        if kind == "summary" and candidate is desc and text:
            # a heading such as "Составы преступлений, введенные в УК РФ в 2019 году"
            # in the description, with a real article in the article cell
            continue
        if kind:
            return Label(kind)
    low = text.replace("ё", "е")
    if not low and not desc:
        return Label("summary")
    if _RANGE.match(low):
        return Label("chapter_total")
    para = _PARAGRAPH.match(low)
    if para and previous is not None and previous.article:
        letter = (para.group(1) or para.group(2)).replace(" ", "")
        return Label("paragraph", previous.article, previous.part, letter,
                     normalize_redaction(low[para.end():]))
    low = _ARTICLE_WORD.sub("", low)
    m = _HEAD.match(low)
    if not m:
        # "ч1.1" without an article: a part of the previous row's article
        if re.search(r"\bст\.?\s*\d{3}", low):
            # a described article ("Клевета … ст. 298.1") or a described pool of
            # articles ("Мошенничество … ст. 159.1-159.6", "ст. 283.1; 303 ч.4")
            tail = low[re.search(r"\bст\.?\s*\d{3}", low).start():]
            one = re.fullmatch(rf"ст\.?\s*{_ART}(?:\s*{_PART})?\s*", tail)
            if one:
                return Label("article", _article(one.group(1), one.group(2)),
                             one.group(3), None, normalize_redaction(text))
            return Label("article_group", None, None, None, normalize_redaction(text),
                         lumped_parts(tail))
        pm = _PART_HEAD.match(low)
        if pm and previous is not None and previous.article:
            _check_shape(low[:pm.end()], low[pm.end():], text, where)
            return Label("article", previous.article, pm.group(1), None,
                         normalize_redaction(low[pm.end():]))
        raise InputError(f"unknown row label {text!r}" + (f" ({desc!r})" if desc else ""),
                         file=file, member=member, sheet=sheet, row=row,
                         expected="an article label such as '205.2 ч. 2' or a known "
                         "total/summary row")
    article = _article(m.group(1), m.group(2))
    part = m.group(3)
    rest = low[m.end():]
    _check_shape(low[:m.end()], rest, text, where)
    para = _PARAGRAPHS.match(rest)
    if para:
        # "п. «а»" or pooled paragraphs "«а», «б», «в»" (joined as "а,б,в")
        letters = [para.group(1)] + re.findall(_QL, para.group(2))
        return Label("paragraph", article, part, ",".join(letters),
                     normalize_redaction(rest[para.end():]))
    cleaned = _LAW_CITE.sub(" ", rest)
    others = {a for a in _OTHER_ARTICLE.findall(cleaned) if a != article}
    listed = set(_LISTED_ARTICLE.findall(cleaned))
    if others & listed and not re.search(r"вкл", rest):
        # a combined row: several articles in one row, never split (e.g. 2022 "264.3 ч. 1,
        # 264.3 ч. 2, 274.2 ч. 1, 275.1")
        return Label("article_group", None, None, None, normalize_redaction(text),
                     lumped_parts(low))
    if _PARTS_ONLY.match(rest) and re.search(r"\d", rest):
        # several parts of one article pooled ("159 ч. 5, ч. 6, ч. 7", "148 ч.1-4")
        parts = re.sub(r"\s+", " ", (f"ч. {part}" if part else "") + rest).strip(" ,;")
        return Label("article", article, None, None, normalize_redaction(parts),
                     lumped_parts(low))
    return Label("article", article, part, None, normalize_redaction(rest))


_DESC_NOTE = re.compile(r"\(([^()]*(?:редакц|ред\.|фз|утратил|введ|включая|вкл\.)[^()]*)\)",
                        re.IGNORECASE)


def with_description_note(label: Label, description: str | None) -> Label:
    """Form 10-а puts some annotations in the description, not the article cell
    (``… (в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ)``): add them to ``redaction``
    so that the old and new redaction of an article-part stay distinct rows."""
    if not description or label.row_type not in ("article", "paragraph"):
        return label
    notes = [normalize_redaction(n) for n in _DESC_NOTE.findall(description)]
    notes = [n for n in notes if n]
    if not notes:
        return label
    joined = "; ".join(([label.redaction] if label.redaction else []) + notes)
    return Label(label.row_type, label.article, label.part, label.paragraph, joined,
                 label.lumped)

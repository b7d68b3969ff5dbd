"""Article texts of the Criminal Code: split into parts and read each part's sanction.

The texts come from the pravo.gov.ru consolidated redaction as kept in the
jacklivebot-web/uk-rf-knowledge-graph repository (one Markdown file per article,
``ст.<number>.md``, with YAML front matter). Superscripts are flattened there:
"2052" in the text means 205.2, and a part that starts "11." is part 1¹ (1.1). A part
label is read as a superscript part when it is not the next whole number but starts with
the current whole part number ("11." after "1.", "12." after "1.1", "21." after "2.").
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .clauses import has_sanction, parse_sanction, sanction_clause

__all__ = ["split_parts", "read_article", "read_code_dir", "article_from_filename",
           "NO_PARTS", "article_key", "part_key"]

#: The part label used for an article that has no parts (e.g. 275, 276).
NO_PARTS = "—"

_PART_START = re.compile(r"^(\d{1,3})\.\s+(?=[А-ЯЁ\[(])", re.MULTILINE)
_NOTES_START = re.compile(r"^Примечани[ея]\.", re.MULTILINE)
_LAW_RE = re.compile(r"№\s*(\d+)-ФЗ")
_FILENAME_RE = re.compile(r"^ст\.(\d+(?:\.\d+)?)\.md$")


def article_from_filename(name: str) -> str:
    """``"ст.205.2.md"`` -> ``"205.2"``; ``ValueError`` for any other name."""
    m = _FILENAME_RE.match(name)
    if m is None:
        raise ValueError(f"{name!r} is not an article file name like 'ст.205.2.md'")
    return m.group(1)


def _body(text: str) -> str:
    """Drop YAML front matter, the heading block and links; cut at the notes."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            text = text[end + 4:]
    text = re.split(r"^## Ссылки", text, maxsplit=1, flags=re.MULTILINE)[0]
    text = re.sub(r"^\[Condensed[^\n]*$", "", text, flags=re.MULTILINE)
    m = _NOTES_START.search(text)
    return text[: m.start()] if m else text


def _part_label(raw: str, current_whole: str | None, previous: str | None) -> str:
    """Read a flattened part number ("11" after part 1 is 1.1)."""
    if previous is None:
        return raw
    prev_whole = int(previous.split(".")[0])
    if int(raw) == prev_whole + 1:
        return raw
    if current_whole is not None and raw.startswith(current_whole) and \
            len(raw) > len(current_whole):
        return f"{current_whole}.{raw[len(current_whole):]}"
    return raw


def split_parts(text: str) -> pd.DataFrame:
    """Split an article's text into its parts.

    Parameters
    ----------
    text : str
        The article file's content (front matter and heading allowed).

    Returns
    -------
    pandas.DataFrame
        One row per part, in text order:

        - ``part`` (str): "1", "1.1", "2", ...; :data:`NO_PARTS` ("—") when the article
          has no numbered parts.
        - ``text`` (str): the part's text, editorial notes included.
        - ``repealed`` (bool): the part reads "(Часть утратила силу ...)".
    """
    body = _body(text)
    # drop the heading lines ("# Статья ...", "> Раздел ...") before the first part
    starts = list(_PART_START.finditer(body))
    rows = []
    if not starts:
        lines = [ln for ln in body.splitlines()
                 if not ln.startswith("#") and not ln.startswith(">")]
        rows.append({"part": NO_PARTS, "text": "\n".join(lines).strip(), "repealed": False})
    else:
        previous = current_whole = None
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
            label = _part_label(m.group(1), current_whole, previous)
            current_whole = label.split(".")[0]
            previous = label
            chunk = body[m.end():end].strip()
            rows.append({"part": label, "text": chunk,
                         "repealed": bool(re.match(r"\(Часть утратила силу", chunk))})
    out = pd.DataFrame(rows, columns=["part", "text", "repealed"])
    if out["part"].duplicated().any():
        dup = sorted(out.loc[out["part"].duplicated(), "part"])
        raise ValueError(f"part numbers repeat in the article text: {dup}")
    return out


def _sanction_laws(part_text: str) -> str:
    """Amending laws named in the note right after the sanction sentence."""
    flat = re.sub(r"\s+", " ", re.sub(r"\.{3}", "…", part_text))
    m = re.search(r"наказыва(?:ется|ются)", flat)
    if m is None:
        return ""
    rest = flat[m.start():]
    # the sentence ends at the first full stop outside parentheses
    depth, end = 0, len(rest)
    for i, ch in enumerate(rest):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "." and depth == 0 and (i + 1 == len(rest) or rest[i + 1] == " "):
            end = i + 1
            break
    note = re.match(r"\s*(\((?:[^()]|\([^()]*\))*\))", rest[end:])
    laws = _LAW_RE.findall(note.group(1)) if note else []
    return ";".join(f"{n}-ФЗ" for n in laws)


_COLUMNS = ["article", "part", "repealed", "has_sanction", "imprisonment", "min_months",
            "max_months", "general_floor", "life", "main", "sanction_laws", "sanction",
            "part_text"]


def read_article(text: str, article: str) -> pd.DataFrame:
    """Parse every part of one article and its sanction.

    Parameters
    ----------
    text : str
        The article file's content.
    article : str
        The article number ("205.2").

    Returns
    -------
    pandas.DataFrame
        One row per part:

        - ``article``, ``part`` (str)
        - ``repealed`` (bool): the part was repealed.
        - ``has_sanction`` (bool): the part has a "наказывается" clause (general-part
          articles such as 56 do not).
        - ``imprisonment`` (boolean): fixed-term imprisonment is in the sanction.
        - ``min_months``, ``max_months`` (Int64): imprisonment range in months.
        - ``general_floor`` (boolean): the minimum is art. 56's two months.
        - ``life`` (boolean): life imprisonment is in the sanction.
        - ``main`` (str): main punishments, ";"-joined codes.
        - ``sanction_laws`` (str): amending laws in the note after the sanction.
        - ``sanction`` (str): the sanction sentence.
        - ``part_text`` (str): the part's whole text.
    """
    parts = split_parts(text)
    rows = []
    for part, part_text, repealed in parts.itertuples(index=False):
        row = {"article": article, "part": part, "repealed": repealed,
               "has_sanction": False, "imprisonment": pd.NA, "min_months": pd.NA,
               "max_months": pd.NA, "general_floor": pd.NA, "life": pd.NA, "main": "",
               "sanction_laws": "", "sanction": "", "part_text": part_text}
        if not repealed and has_sanction(part_text):
            s = parse_sanction(part_text)
            row.update(has_sanction=True, imprisonment=s.imprisonment,
                       min_months=s.min_months, max_months=s.max_months,
                       general_floor=s.general_floor if s.imprisonment else pd.NA,
                       life=s.life, main=";".join(s.main),
                       sanction_laws=_sanction_laws(part_text),
                       sanction=sanction_clause(part_text))
        rows.append(row)
    out = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("min_months", "max_months"):
        out[col] = out[col].astype("Int64")
    for col in ("imprisonment", "general_floor", "life"):
        out[col] = out[col].astype("boolean")
    return out


def read_code_dir(directory: str | Path) -> pd.DataFrame:
    """Parse every ``ст.<number>.md`` file in ``directory`` (see :func:`read_article`).

    Returns
    -------
    pandas.DataFrame
        The :func:`read_article` columns plus ``file`` (the file name), sorted by article
        number and part.

    Raises
    ------
    ValueError
        When the folder does not exist or holds no article file.
    InputError
        When a file's text cannot be parsed (names the file).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"criminal code folder {directory} does not exist")
    frames = []
    for path in sorted(directory.glob("ст.*.md")):
        article = article_from_filename(path.name)
        try:
            df = read_article(path.read_text(encoding="utf-8"), article)
        except ValueError as exc:
            raise InputError(f"cannot parse the article text: {exc}", file=path) from exc
        frames.append(df.assign(file=path.name))
    if not frames:
        raise ValueError(f"no article files (ст.<number>.md) in {directory}")
    out = pd.concat(frames, ignore_index=True)
    key = out["article"].map(article_key)
    pkey = out["part"].map(part_key)
    return out.assign(_k=key, _p=pkey).sort_values(["_k", "_p"]).drop(
        columns=["_k", "_p"]).reset_index(drop=True)


def article_key(article: str) -> tuple:
    """Sort key of an article number ("205.10" after "205.9")."""
    return tuple(int(x) for x in str(article).split("."))


def part_key(part: str) -> tuple:
    """Sort key of a part ("—" first, "1.1" between "1" and "2")."""
    if part == NO_PARTS:
        return (0,)
    return tuple(int(x) for x in str(part).split("."))

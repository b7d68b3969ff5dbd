"""Field parsers shared by the case-level readers (OVD-Info, notable cases).

* :func:`parse_iso_dates` — ISO dates of mixed precision (``YYYY-MM-DD``, ``YYYY-MM``,
  ``YYYY``, optionally with a time part) to a timestamp and a precision label.
* :func:`parse_list_field` — a list-valued field as exported to CSV: a JSON array, a
  Python-style list with quoted items, or a ``;``/``|``-separated string. Parsed with
  :func:`json.loads` or a tokenizer, never ``eval``.
* :func:`charges_string` / :func:`article_part_pairs` — the canonical charge string
  ``"205.4(1); 222(1)"`` (article, part in brackets when known, ``;``-separated).
* :func:`coerce_to_schema` / :func:`validate_lazily` — a package-data CSV read as strings
  given its schema's dtypes, and validated reporting every failure.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

__all__ = ["parse_iso_dates", "parse_list_field", "article_part_pairs", "charges_string",
           "coerce_to_schema", "validate_lazily", "read_schema_csv", "DATE_PRECISIONS"]

DATE_PRECISIONS = ("day", "month", "year")

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.+\-Z]*)?\s*$")
_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")
_ARTICLE = re.compile(
    r"(?:art(?:icle)?\.?|ст(?:атья|\.)?)?\s*(?<![\d.])(?P<article>\d{2,3}(?:\.\d{1,2})?)(?![\d])"
    r"(?:\s*(?:,|\s)\s*(?:part|p\.|ч\.?|часть)\s*(?P<part>\d{1,2}(?:\.\d)?)"
    r"|\s*\((?P<part2>\d{1,2}(?:\.\d)?)\))?",
    re.IGNORECASE)
_PART_FIRST = re.compile(
    r"(?:part|ч\.?|часть)\s*(?P<part>\d{1,2}(?:\.\d)?)\s*(?:of\s+)?"
    r"(?:art(?:icle)?\.?|ст(?:атьи|\.)?)\s*(?P<article>\d{2,3}(?:\.\d{1,2})?)",
    re.IGNORECASE)


def parse_iso_dates(values: pd.Series) -> pd.DataFrame:
    """Parse ISO dates of mixed precision.

    Parameters
    ----------
    values : pandas.Series
        Text such as ``"2020-02-10"``, ``"2019-01"``, ``"2014"`` or
        ``"2022-03-05T00:00:00"``; blanks and missing values are allowed.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``values``: ``date`` (datetime64, the first day of the stated period),
        ``precision`` ("day", "month", "year" or missing) and ``ok`` (False where a
        non-blank value could not be parsed; its date is then missing).
    """
    cells = values.to_numpy(dtype=object)
    missing = pd.isna(cells)
    # each distinct text read once (a case list repeats its dates); keyed by the text, as
    # the text is what is read (2014 and 2014.0 are equal keys but not equal texts)
    codes = np.full(len(cells), -1, dtype=np.intp)  # -1: missing
    codes[~missing], uniques = pd.factorize(np.array([str(v) for v in cells[~missing]],
                                                     dtype=object))
    dates = np.empty(len(uniques) + 1, dtype="datetime64[ns]")
    dates[-1] = np.datetime64("NaT")
    precs = np.full(len(uniques) + 1, None, dtype=object)
    ok = np.ones(len(uniques) + 1, dtype=bool)
    for k, v in enumerate(uniques):
        dates[k], precs[k], ok[k] = _iso_date(v)
    return pd.DataFrame({
        "date": pd.Series(dates[codes], index=values.index),
        "precision": pd.Series(precs[codes], index=values.index, dtype="string"),
        "ok": pd.Series(ok[codes], index=values.index, dtype=bool),
    })


def _iso_date(text: str) -> tuple:
    """``(datetime64[ns] or NaT, precision or None, ok)`` of one value's text."""
    if text.strip() == "":
        return np.datetime64("NaT"), None, True
    m = _ISO.match(text)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        try:
            # as_unit: a year such as 1019 or 9999 (a typo) is a valid Timestamp but
            # outside the datetime64[ns] column: unreadable, not an error for the file
            ts = pd.Timestamp(int(y), int(mo or 1), int(d or 1)).as_unit("ns")
        except ValueError:  # includes OutOfBoundsDatetime
            return np.datetime64("NaT"), None, False
        return ts.to_datetime64(), "day" if d else "month" if mo else "year", True
    return np.datetime64("NaT"), None, False


def parse_list_field(value) -> list[str] | None:
    """Parse a list-valued field; ``None`` when the text is not a readable list.

    Accepts a list (returned with its items as stripped strings), a JSON array, a
    Python-style list of quoted strings (``"['a', 'b']"``, tokenized, not evaluated),
    or plain text split on ``;`` or ``|``. Blank or missing input gives ``[]``.
    """
    if isinstance(value, (list, tuple)):
        return [str(x).strip() for x in value if x is not None and str(x).strip()]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    text = str(value).strip()
    if not text or text in ("[]", "null", "None"):
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            inner = text[1:-1] if text.endswith("]") else None
            if inner is None:
                return None
            items = [a if a else b for a, b in _QUOTED.findall(inner)]
            rest = _QUOTED.sub("", inner).replace(",", "").strip()
            if rest:  # unquoted tokens: not a list we can read safely
                return None
            return [i.strip() for i in items if i.strip()]
        if not isinstance(parsed, list):
            return None
        return [str(x).strip() for x in parsed if x is not None and str(x).strip()]
    return [p.strip() for p in re.split(r"[;|]", text) if p.strip()]


def article_part_pairs(text: str) -> list[tuple[str, str | None]]:
    """Article and part numbers named in one charge label.

    Understands ``"207.3 Part 2"``, ``"Article 207.3, part 2"``, ``"Part 2 of Article
    207.3"``, ``"ч. 2 ст. 207.3"``, ``"207.3(2)"`` and a bare ``"275"`` (part ``None``).
    Returns ``[]`` when no article number is found.
    """
    if not isinstance(text, str):
        return []
    m = _PART_FIRST.search(text)
    if m:
        return [(m.group("article"), m.group("part"))]
    out = []
    for m in _ARTICLE.finditer(text):
        out.append((m.group("article"), m.group("part") or m.group("part2")))
    return out


def charges_string(pairs) -> str | None:
    """``[("205.4", "1"), ("222", None)]`` → ``"205.4(1); 222"``; ``None`` when empty.

    Duplicates are dropped, order is kept.
    """
    seen, parts = set(), []
    for article, part in pairs:
        if not article:
            continue
        label = f"{article}({part})" if part else str(article)
        if label not in seen:
            seen.add(label)
            parts.append(label)
    return "; ".join(parts) if parts else None


def coerce_to_schema(df: pd.DataFrame, schema, *, date_format: str = "ISO8601") -> pd.DataFrame:
    """A table read from CSV as strings, given the dtypes its pandera ``schema`` declares.

    Int64 columns are parsed as numbers (an unreadable value raises), datetime columns
    with ``date_format``, boolean columns from "true"/"false", everything else as pandas
    strings. Columns absent from ``schema`` stay strings; the input is not modified.
    """
    out = df.copy()
    for col in out.columns:
        spec = schema.columns.get(col)
        dtype = str(spec.dtype) if spec is not None else "string"
        if dtype == "Int64":
            out[col] = pd.to_numeric(out[col], errors="raise").astype("Int64")
        elif dtype.startswith("datetime64"):
            out[col] = pd.to_datetime(out[col], format=date_format).astype("datetime64[ns]")
        elif dtype == "boolean":
            out[col] = out[col].map({"true": True, "false": False, True: True, False: False},
                                    na_action="ignore").astype("boolean")
        else:
            out[col] = out[col].astype("string")
    return out


def validate_lazily(df: pd.DataFrame, schema, what: str) -> pd.DataFrame:
    """Validate against ``schema`` reporting every failure; raise ``ValidationError``."""
    import pandera.pandas as pa

    from ..errors import ValidationError

    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValidationError(f"{what} fail their schema:\n{exc.failure_cases}") from exc


def read_schema_csv(path, schema, what: str, *, tool: str,
                    date_format: str = "ISO8601") -> pd.DataFrame:
    """Read a package-data CSV, give it the dtypes of ``schema`` and validate it.

    A file lacking a column raises ``ValidationError`` naming the columns and the
    maintainer tool (``tools/<tool>.py``) that regenerates it.
    """
    from ..errors import ValidationError

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    columns = list(schema.columns)
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise ValidationError(f"{path}: columns {missing} missing; regenerate it with "
                              f"`python tools/{tool}.py` in a checkout")
    return validate_lazily(coerce_to_schema(raw[columns], schema, date_format=date_format),
                           schema, what)

"""OVD-Info's database of politically motivated prosecutions: read, fetch, count.

**Unit: one row is one prosecution of one person** (a person prosecuted twice has two
rows; a case with five defendants has five). Counts derived here are counts of
prosecutions, not of people or of cases.

Sources
-------
* the database as exported to CSV (list fields such as
  ``persecution_article_and_part_en`` are JSON arrays or ``;``-separated text there);
* the public JSON API, paginated either with ``{"results": [...], "next": url}`` or with
  ``page``/``page_size`` parameters (see :mod:`repstats.cases.pages`).

Published fields used here (every other field is kept unchanged):
``persecution_started`` (date), ``persecution_started_year``, ``persecution_region_iso``,
``persecution_city_en``, ``persecution_article_and_part_en`` (list of article labels),
``case_group_en`` (e.g. "Anti-war case"), ``first_verdict_date``,
``verdict_imprisonment_term`` (months). Very large terms (>= 9000 by default) and terms
below one month are placeholders in the published data, not terms: they are flagged in
``term_flag``, the term is set missing and the raw value kept.
"""
from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..config import paths as _paths
from ..errors import FetchError, InputError, ValidationError
from ..io import write_json
from .fields import article_part_pairs, charges_string, parse_iso_dates, parse_list_field
from .pages import ConnectError, PageCache, walk_pages

__all__ = ["read_ovdinfo_prosecutions", "clean_prosecutions", "fetch_ovdinfo",
           "download_ovdinfo", "monthly_prosecutions", "PROSECUTIONS_SCHEMA", "TERM_FLAGS"]

UNIT = "one prosecution of one person"
ARTICLES = "persecution_article_and_part_en"
ID_CANDIDATES = ("prosecution_id", "persecution_id", "id")
YEAR_RANGE = (1990, 2100)
PRE_REJECT = "_reject_reason"  # set by a reader for rows it could not split into fields
DELIMITERS = (",", ";", "\t", "|")
KNOWN_COLUMNS = frozenset({*ID_CANDIDATES, "persecution_started", "persecution_started_year",
                           "persecution_region_iso", "persecution_city_en",
                           "persecution_article_and_part_en", "case_group_en",
                           "first_verdict_date", "verdict_imprisonment_term"})
TERM_FLAGS = ("ok", "missing", "unparsed", "placeholder_large", "placeholder_small")

PROSECUTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "prosecution_id": pa.Column(str, unique=True, nullable=False),
        "persecution_started": pa.Column("datetime64[ns]", nullable=True),
        "persecution_started_precision": pa.Column(
            "string", pa.Check.isin(["day", "month", "year"]), nullable=True),
        "persecution_started_year": pa.Column(
            "Int64", pa.Check.in_range(*YEAR_RANGE), nullable=True),
        "persecution_region_iso": pa.Column(
            "string", pa.Check.str_matches(r"^[A-Z]{2}-[A-Z0-9]{1,3}$"), nullable=True),
        "persecution_city_en": pa.Column("string", nullable=True),
        ARTICLES: pa.Column(object, nullable=False),
        "articles": pa.Column("string", nullable=True),
        "case_group_en": pa.Column("string", nullable=True),
        "first_verdict_date": pa.Column("datetime64[ns]", nullable=True),
        "first_verdict_precision": pa.Column(
            "string", pa.Check.isin(["day", "month", "year"]), nullable=True),
        "verdict_imprisonment_term": pa.Column("Float64", pa.Check.gt(0), nullable=True),
        "verdict_imprisonment_term_raw": pa.Column("string", nullable=True),
        "term_flag": pa.Column("string", pa.Check.isin(list(TERM_FLAGS))),
        "issues": pa.Column("string", nullable=True),
        "source": pa.Column("string"),
        "source_row": pa.Column("Int64", pa.Check.ge(1)),
    },
    strict=False,
    coerce=False,
    name="ovdinfo_prosecutions",
)


# ----------------------------------------------------------------------------- reading
def _text(s: pd.Series) -> pd.Series:
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def _blank_rows(raw: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is :func:`_blank`, column by column over the rows still
    blank so far (a record's first non-blank cell settles it: one test per row for most
    exports, not one per cell)."""
    blank = np.ones(len(raw), dtype=bool)
    for j in range(raw.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        cells = raw.iloc[:, j].to_numpy(dtype=object)[rows]
        blank[rows] = np.fromiter(map(_blank, cells), dtype=bool, count=len(rows))
    return blank


def _blank(value) -> bool:
    """True for a missing value, blank text or an empty list."""
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return value is None or (isinstance(value, str) and not value.strip()) or (
        not isinstance(value, str) and bool(pd.isna(value)))


def _article_fields(values: pd.Series) -> tuple[list, list, np.ndarray]:
    """The article-list column read once per distinct value.

    Returns, per row: the parsed list (the original text as its one item when it is not a
    readable list; each row gets its own list object), the canonical charges string
    (``None`` when no article number is found) and whether the list was unreadable.
    Anything but text (lists from JSON records, numbers) is read row by row.
    """
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    else:
        codes, uniques = np.arange(len(values)), values.to_numpy(dtype=object)
    parsed = [parse_list_field(v) for v in uniques]
    unread = np.array([x is None for x in parsed], dtype=bool)
    lists = [x if x is not None else [str(o)] for x, o in zip(parsed, uniques)]
    charges = [charges_string(p for item in x for p in article_part_pairs(item))
               for x in lists]
    return [list(lists[c]) for c in codes], [charges[c] for c in codes], unread[codes]


def _terms(raw: pd.Series, placeholder_min: float, min_months: float):
    text = _text(raw)
    num = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    flag = pd.Series("ok", index=raw.index, dtype="string")
    flag[text.isna()] = "missing"
    flag[text.notna() & num.isna()] = "unparsed"
    flag[num >= placeholder_min] = "placeholder_large"
    flag[num < min_months] = "placeholder_small"
    term = num.astype("Float64").where(flag == "ok")
    return term, flag, text


def clean_prosecutions(raw: pd.DataFrame, source: str = "<memory>", *,
                       placeholder_min: float = 9000, min_term_months: float = 1,
                       return_rejects: bool = False):
    """Clean OVD-Info prosecution records (one row = one prosecution of one person).

    Parameters
    ----------
    raw : pandas.DataFrame
        Records as published (text or native JSON values); not modified.
    source : str
        File or URL the records came from (copied to ``source``).
    placeholder_min : float
        Terms at or above this many months are placeholders (default 9000).
    min_term_months : float
        Terms below this are placeholders (default 1 month; 0 included).
    return_rejects : bool
        Also return the rejected rows.

    Returns
    -------
    pandas.DataFrame or (DataFrame, DataFrame)
        Every column of ``raw`` plus, cleaned or added:

        - ``prosecution_id`` (str): the record's ``prosecution_id``/``persecution_id``/
          ``id``; ``"<source>#<row>"`` when the export has none.
        - ``persecution_started`` (datetime64): start of the prosecution (first day of the
          period when only a month or year is given);
          ``persecution_started_precision`` ("day" | "month" | "year").
        - ``persecution_started_year`` (Int64): as published, else from the date.
        - ``persecution_region_iso`` (str, upper case ISO 3166-2),
          ``persecution_city_en``, ``case_group_en`` (str).
        - ``persecution_article_and_part_en`` (list of str): parsed list.
        - ``articles`` (str): canonical charges, e.g. ``"207.3(2); 280.3(1)"``.
        - ``first_verdict_date`` (datetime64), ``first_verdict_precision``.
        - ``verdict_imprisonment_term`` (Float64 months; missing for placeholders),
          ``verdict_imprisonment_term_raw`` (str, as published), ``term_flag``
          (one of :data:`TERM_FLAGS`).
        - ``issues`` (str): ``;``-separated notes on values that could not be read.
        - ``source`` (str), ``source_row`` (1-based row or record number).

        Rejects (when asked): the raw rows with ``source``, ``source_row`` and
        ``reason`` (an empty record, or a ``prosecution_id`` seen before).
    """
    if not isinstance(raw, pd.DataFrame):
        raise ValueError(f"raw must be a DataFrame, got {type(raw).__name__}")
    pre_reason = raw[PRE_REJECT].reset_index(drop=True) if PRE_REJECT in raw.columns \
        else pd.Series(pd.NA, index=range(len(raw)), dtype=object)
    raw = raw.drop(columns=[PRE_REJECT], errors="ignore")
    df = raw.copy().reset_index(drop=True)
    df["source"] = pd.Series([source] * len(df), dtype="string")
    df["source_row"] = pd.array(range(1, len(df) + 1), dtype="Int64")
    issues = [[] for _ in range(len(df))]

    def note(mask, text):
        for i in mask[mask].index:
            issues[i].append(text)

    id_col = next((c for c in ID_CANDIDATES if c in df.columns), None)
    ids = _text(df[id_col]) if id_col else pd.Series(pd.NA, index=df.index, dtype="string")
    fallback = source + "#" + df["source_row"].astype(str)
    df["prosecution_id"] = ids.fillna(fallback).astype(str)

    for col in ("persecution_region_iso", "persecution_city_en", "case_group_en"):
        df[col] = _text(df[col]) if col in df.columns else pd.Series(
            pd.NA, index=df.index, dtype="string")
    df["persecution_region_iso"] = df["persecution_region_iso"].str.upper()
    bad_iso = df["persecution_region_iso"].notna() & ~df["persecution_region_iso"].str.match(
        r"^[A-Z]{2}-[A-Z0-9]{1,3}$").fillna(False)
    note(bad_iso, "region_iso not ISO 3166-2 (set missing)")
    df.loc[bad_iso, "persecution_region_iso"] = pd.NA

    for col, prec in (("persecution_started", "persecution_started_precision"),
                      ("first_verdict_date", "first_verdict_precision")):
        vals = df[col] if col in df.columns else pd.Series(None, index=df.index, dtype=object)
        parsed = parse_iso_dates(vals.astype(object))
        note(~parsed["ok"], f"{col} unreadable: kept missing")
        df[col] = parsed["date"]
        df[prec] = parsed["precision"]

    year_pub = pd.to_numeric(df["persecution_started_year"], errors="coerce") \
        if "persecution_started_year" in df.columns else pd.Series(float("nan"), index=df.index)
    implausible = year_pub.notna() & ~year_pub.between(YEAR_RANGE[0], YEAR_RANGE[1])
    note(implausible, f"persecution_started_year outside {YEAR_RANGE} (set missing)")
    year_pub = year_pub.mask(implausible)
    year_date = df["persecution_started"].dt.year
    mismatch = year_pub.notna() & year_date.notna() & (year_pub != year_date)
    note(mismatch, "persecution_started_year disagrees with persecution_started")
    df["persecution_started_year"] = year_pub.fillna(year_date).round().astype("Int64")

    originals = df[ARTICLES] if ARTICLES in df.columns else pd.Series(
        [None] * len(df), index=df.index, dtype=object)
    lists, articles, unread = _article_fields(originals)
    note(pd.Series(unread, index=df.index), f"{ARTICLES} not a readable list (kept as one item)")
    df[ARTICLES] = pd.Series(lists, index=df.index, dtype=object)
    df["articles"] = pd.Series(articles, index=df.index, dtype="string")
    no_article = pd.Series([bool(x) for x in lists], index=df.index) & df["articles"].isna()
    note(no_article, "no article number found in the article list")

    raw_term = df["verdict_imprisonment_term"] if "verdict_imprisonment_term" in df.columns \
        else pd.Series(None, index=df.index, dtype=object)
    term, flag, raw_text = _terms(raw_term.astype(object).map(
        lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)),
        placeholder_min, min_term_months)
    df["verdict_imprisonment_term"] = term
    df["verdict_imprisonment_term_raw"] = raw_text
    df["term_flag"] = flag
    df["issues"] = pd.Series(["; ".join(x) or None for x in issues], index=df.index,
                             dtype="string")

    empty = pd.Series(_blank_rows(raw), index=df.index)
    dup = df["prosecution_id"].duplicated(keep="first") & ~empty
    reason = pd.Series(pd.NA, index=df.index, dtype="string")
    reason[dup] = "prosecution_id seen before in this source"
    reason[empty] = "empty record"
    pre = pre_reason.notna().to_numpy()
    reason[pre] = pre_reason[pre].astype(str).to_numpy()
    rejected = reason.notna()
    clean = df[~rejected].reset_index(drop=True)
    clean = clean[["prosecution_id"] + [c for c in clean.columns if c != "prosecution_id"]]
    try:
        clean = PROSECUTIONS_SCHEMA.validate(clean, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValidationError(f"{source}: cleaned prosecutions fail their schema:\n"
                              f"{exc.failure_cases}") from exc
    clean.attrs["unit"] = UNIT
    if not return_rejects:
        if rejected.any():
            warnings.warn(f"{int(rejected.sum())} record(s) rejected from {source}; use "
                          "return_rejects=True to see them", UserWarning, stacklevel=2)
        return clean
    rejects = raw.reset_index(drop=True)[rejected.to_numpy()].copy()
    rejects["source"] = source
    rejects["source_row"] = df.loc[rejected, "source_row"].to_numpy()
    rejects["reason"] = reason[rejected].to_numpy()
    return clean, rejects.reset_index(drop=True)


def _read_json_records(path: Path) -> pd.DataFrame:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON file: {exc}", file=str(path)) from exc
    except RecursionError:
        raise InputError("JSON nested too deeply to read", file=str(path)) from None
    pages = payload if isinstance(payload, list) and payload and all(
        isinstance(p, dict) and "results" in p for p in payload) else [payload]
    records = []
    for page in pages:
        if isinstance(page, list):
            records.extend(page)
        elif isinstance(page, dict):
            for key in ("results", "data", "items", "records"):
                if isinstance(page.get(key), list):
                    records.extend(page[key])
                    break
            else:
                raise InputError("JSON holds no list of records", file=str(path),
                                 expected="a list, or an object with 'results'")
    if not all(isinstance(r, dict) for r in records):
        raise InputError("JSON records must be objects", file=str(path))
    return pd.DataFrame.from_records(records)


def _read_csv_records(path: Path) -> pd.DataFrame:
    """Every record of a CSV export as text; ragged rows carry a reject reason."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"unreadable CSV (not UTF-8: {exc.reason} at byte {exc.start})",
                         file=str(path)) from exc
    if not text.strip():
        raise InputError("empty CSV: no header row", file=str(path))
    first = text[: text.find("\n") + 1 or len(text)]
    best = None
    for delim in DELIMITERS:
        header = next(csv.reader(io.StringIO(first), delimiter=delim))
        known = len(KNOWN_COLUMNS & {h.strip() for h in header})
        if known and (best is None or known > best[0]):
            best = (known, delim)
    if best is None:
        raise InputError("no OVD-Info column in the header with any of the separators "
                         f"{list(DELIMITERS)}: header starts {first[:120]!r}", file=str(path),
                         row=1, expected="columns such as " + ", ".join(sorted(KNOWN_COLUMNS)))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=best[1]))
    except csv.Error as exc:
        raise InputError(f"unreadable CSV: {exc}", file=str(path)) from exc
    header = [h.strip() for h in rows[0]]
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise InputError(f"column(s) {dup} appear more than once in the header",
                         file=str(path), row=1)
    width = len(header)
    records, reasons = [], []
    for fields in rows[1:]:
        if not fields:
            continue  # a blank line between records
        reason = None if len(fields) == width else (
            f"row has {len(fields)} fields where the header has {width} (separator "
            f"{best[1]!r}); not read")
        records.append((fields + [""] * width)[:width])
        reasons.append(reason)
    raw = pd.DataFrame(records, columns=header, dtype=object)
    raw[PRE_REJECT] = pd.Series(reasons, dtype=object)
    return raw


def read_ovdinfo_prosecutions(path_or_url, *, cache_dir=None, return_rejects: bool = False,
                              relative_to=None, **kwargs):
    """Read OVD-Info prosecutions from a CSV/JSON export, a folder of them, or the API.

    Unit: one row is one prosecution of one person.

    Parameters
    ----------
    path_or_url : str or path-like
        A ``.csv`` export, a ``.json`` file (a list of records, one API page, or a list of
        pages), a folder holding such files (read in name order and concatenated), or an
        ``http(s)://`` API URL (fetched with :func:`fetch_ovdinfo`).
    cache_dir : path-like, optional
        Page cache for URLs (default ``<raw>/ovdinfo_prosecutions/.cache``).
    return_rejects : bool
        Also return the rejected rows (see :func:`clean_prosecutions`).
    relative_to : path-like, optional
        Folder that ``source`` (and the fallback ``prosecution_id``) is written relative
        to, so outputs hold no absolute local path; default the folder holding
        ``path_or_url`` (the build stage passes the raw folder). A file outside it is
        named by its file name.
    **kwargs
        Passed on to :func:`clean_prosecutions` (files) or :func:`fetch_ovdinfo` (URLs).

    A CSV export may use ``,``, ``;``, tab or ``|`` between fields: the separator is the
    one that splits the header into known OVD-Info columns; a header in which none
    yields a known column is an :class:`~repstats.errors.InputError`. A row with more
    or fewer fields than the header goes to the rejects with the reason.

    Returns
    -------
    pandas.DataFrame
        The columns listed in :func:`clean_prosecutions`.
    """
    text = str(path_or_url)
    if text.startswith(("http://", "https://")):
        cache_dir = cache_dir or _paths().raw / "ovdinfo_prosecutions" / ".cache"
        return fetch_ovdinfo(text, cache_dir, return_rejects=return_rejects, **kwargs)
    path = Path(path_or_url)
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.suffix.lower() in (".csv", ".json") and not p.name.startswith("."))
        if not files:
            raise InputError("no .csv or .json export in the folder", file=str(path))
        base = relative_to if relative_to is not None else path.parent
        parts = [read_ovdinfo_prosecutions(f, return_rejects=True, relative_to=base,
                                           **kwargs) for f in files]
        clean = pd.concat([p[0] for p in parts], ignore_index=True)
        rejects = pd.concat([p[1] for p in parts], ignore_index=True)
        dup = clean["prosecution_id"].duplicated(keep="first")
        if dup.any():
            extra = clean[dup].assign(reason="prosecution_id seen before in another file")
            rejects = pd.concat([rejects, extra], ignore_index=True)
            clean = clean[~dup].reset_index(drop=True)
        clean.attrs["unit"] = UNIT
        return (clean, rejects) if return_rejects else clean
    if not path.is_file():
        raise FileNotFoundError(f"OVD-Info export not found: {path}")
    if path.suffix.lower() == ".csv":
        raw = _read_csv_records(path)
    elif path.suffix.lower() == ".json":
        raw = _read_json_records(path)
    else:
        raise InputError("unsupported file type", file=str(path), expected=".csv or .json")
    base = Path(relative_to) if relative_to is not None else path.parent
    try:
        source = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        source = path.name
    return clean_prosecutions(raw, source=source, return_rejects=return_rejects, **kwargs)


# ---------------------------------------------------------------------------- fetching
def fetch_ovdinfo(url: str, cache_dir, *, style: str = "auto", page_size: int | None = None,
                  timeout: float = 30.0, retries: int = 4, backoff: float = 1.0,
                  max_pages: int = 10_000, max_page_bytes: int = 50 * 2**20,
                  refresh: bool = False, return_rejects: bool = False, **clean_kwargs):
    """Fetch every page of the OVD-Info prosecutions API and clean the records.

    Unit: one row is one prosecution of one person.

    Parameters
    ----------
    url : str
        First page of the API.
    cache_dir : path-like or None
        Page cache: every response body is stored under its URL's hash, and a rerun reads
        it instead of the network (``refresh=True`` refetches). ``None`` disables it.
    style, page_size, max_pages, max_page_bytes : see :func:`repstats.cases.pages.walk_pages`
    timeout : float
        Total deadline per request attempt, in seconds (connecting and reading the whole
        body: a server dripping bytes is cut off).
    retries : int
        Attempts per page (connection errors and HTTP 5xx are retried).
    backoff : float
        Base of the exponential backoff between attempts, in seconds.
    refresh : bool
        Ignore the cache.
    return_rejects : bool, **clean_kwargs
        Passed to :func:`clean_prosecutions`.

    Returns
    -------
    pandas.DataFrame
        The columns listed in :func:`clean_prosecutions`, plus ``page`` (1-based page
        number the record came from). ``source`` holds the page URL.

    Raises
    ------
    FetchError
        The API is unreachable (for example offline) after ``retries`` attempts, answers
        an HTTP 4xx, returns something other than JSON records, or exceeds a guard.
    """
    raw = _fetch_records(url, cache_dir, style=style, page_size=page_size, timeout=timeout,
                         retries=retries, backoff=backoff, max_pages=max_pages,
                         max_page_bytes=max_page_bytes, refresh=refresh)
    page_urls = raw.pop("_page_url") if len(raw) else pd.Series(dtype=str)
    result = clean_prosecutions(raw, source=url, return_rejects=return_rejects, **clean_kwargs)
    clean = result[0] if return_rejects else result
    if len(clean):
        clean["source"] = page_urls.iloc[(clean["source_row"] - 1).to_numpy()].astype(
            "string").to_numpy()
    return result


def _fetch_records(url: str, cache_dir, **walk_kwargs) -> pd.DataFrame:
    """Every record of every page, with ``_page_url`` and ``page`` columns added."""
    cache = PageCache(Path(cache_dir) if cache_dir is not None else None)
    frames = []
    try:
        for page in walk_pages(url, cache=cache, **walk_kwargs):
            frame = pd.DataFrame.from_records(page.records)
            frame["_page_url"], frame["page"] = page.url, page.number
            frames.append(frame)
    except FetchError as exc:
        have = f"; {len(frames)} page(s) fetched so far are cached in {cache_dir}" \
            if frames and cache_dir is not None else ""
        hint = (" If you are offline, rerun when online (cached pages are not fetched "
                "again) or read a downloaded CSV export with read_ovdinfo_prosecutions(path)."
                if isinstance(exc, ConnectError) else "")
        raise type(exc)(f"OVD-Info API: {exc}{have}.{hint}") from exc
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def download_ovdinfo(url: str, raw_dir, *, name: str = "api.json", **walk_kwargs) -> Path:
    """Fetch every page and save the raw records where the ``cases`` stage reads them.

    Writes ``raw_dir / "ovdinfo_prosecutions" / name`` (a JSON list of the records as
    published, atomically), caching pages in ``raw_dir / "ovdinfo_prosecutions" /
    ".cache"``. ``walk_kwargs`` are those of :func:`fetch_ovdinfo` (``style``,
    ``page_size``, ``timeout``, ``retries``, ``backoff``, ``max_pages``,
    ``max_page_bytes``, ``refresh``). Returns the file written. Meant for a
    ``repstats fetch`` command; the file holds names, so it stays in ``data/raw``.
    """
    folder = Path(raw_dir) / "ovdinfo_prosecutions"
    raw = _fetch_records(url, folder / ".cache", **walk_kwargs)
    records = raw.drop(columns=["_page_url", "page"], errors="ignore")
    records = records.astype(object).where(records.notna(), None).to_dict(orient="records")
    return write_json(records, folder / name)


# ---------------------------------------------------------------------------- counting
def monthly_prosecutions(df: pd.DataFrame, by=("case_group_en",), *,
                         date: str = "persecution_started",
                         precision: str = "persecution_started_precision",
                         fill: bool = True) -> pd.DataFrame:
    """Monthly counts of prosecutions started, by group.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`read_ovdinfo_prosecutions` (one row per prosecution of a person).
    by : sequence of str
        Grouping columns. The pseudo-column ``"article"`` explodes the canonical
        ``articles`` list, so a prosecution under two articles counts once under each
        (counts by article then add up to more than the number of prosecutions).
    date, precision : str
        Date column and its precision column. Rows dated only to the year, or not dated,
        cannot be placed in a month: they are left out and counted in
        ``result.attrs["excluded"]`` (with a warning).
    fill : bool
        Add zero rows for every group and every month between the first and the last
        month in the data, so that months without prosecutions are explicit zeros.

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (pandas Period, monthly), one column per ``by`` entry,
        ``prosecutions`` (int, number started that month) and ``unit`` ("prosecutions",
        or "prosecution-articles" when grouped by article). Groups with a missing value
        are shown as ``"(missing)"``.
    """
    by = [by] if isinstance(by, str) else list(by)
    needed = [date] + [c for c in by if c != "article"] + (["articles"] if "article" in by else [])
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table; pass the output of "
                         "read_ovdinfo_prosecutions")
    data = df.copy()
    monthly = data[date].notna()
    if precision in data.columns:
        monthly &= data[precision].isin(["day", "month"]).fillna(False).astype(bool)
    excluded = int((~monthly).sum())
    if excluded:
        warnings.warn(f"{excluded} prosecution(s) without a month-precise start date left "
                      "out of the monthly counts", UserWarning, stacklevel=2)
    data = data[monthly]
    data["month"] = pd.to_datetime(data[date]).dt.to_period("M")
    unit = "prosecutions"
    if "article" in by:
        data["article"] = data["articles"].fillna("(missing)").str.split("; ")
        data = data.explode("article")
        unit = "prosecution-articles"
    for c in by:
        data[c] = data[c].astype("string").fillna("(missing)")
    counts = data.groupby(["month"] + by, observed=True).size().rename("prosecutions")
    if fill and len(counts):
        months = pd.period_range(data["month"].min(), data["month"].max(), freq="M")
        groups = counts.reset_index()[by].drop_duplicates()
        grid = groups.merge(pd.DataFrame({"month": months}), how="cross")
        counts = grid.set_index(["month"] + by).join(counts).fillna({"prosecutions": 0})[
            "prosecutions"]
    out = counts.reset_index()
    out["prosecutions"] = out["prosecutions"].astype(int)
    out["unit"] = unit
    out = out.sort_values(["month"] + by, kind="stable").reset_index(drop=True)
    out.attrs["excluded"] = excluded
    return out[["month"] + by + ["prosecutions", "unit"]]

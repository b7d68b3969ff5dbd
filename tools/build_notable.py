"""Regenerate ``repstats/data/notable_cases.csv`` from the cited reference table.

A maintainer's tool, not part of the library: run it from a checkout with
``python tools/build_notable.py [--reference PATH] [--out PATH]`` after the reference
table changes, then commit the regenerated package data.

Inputs
------
``../shared/reference/notable_cases.csv``
    75 cited rows (defendant x verdict) with free-text fields quoted from sources.
``repstats/data/notable_cases_hand.csv``
    the curated reading of every row (charges, sentence, appeal outcome, combined
    sentence), each with the reason it was read that way. It is the expected value.

How each cleaned field is obtained
----------------------------------
The package's parsers are run on the reference text first (``repstats.text``:
``parse_date``, ``normalize_region``, ``parse_charges``, ``parse_sentence``; plus the
ISO-date parser and the appeal and conflict readers below). When a parser is available
and its value equals the curated value, the field's method is ``"parsed"``. When the
parser is missing, fails, or gives a different value, the curated value is used and the
method is ``"hand: <why>"`` (which parser, what it gave, and the row's reason). A field
with no parser (``combined_sentence``, ``governing_charge``, ``charges_basis``) is always
``"hand: ..."``. The builder prints how many values of each field were parsed.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

from repstats.config import PACKAGE_DATA, reference_dir
from repstats.errors import InputError
from repstats.io import csv_frame, write_csv
from repstats.cases.fields import charges_string, parse_iso_dates
from repstats.cases.notable import (APPEAL_OUTCOMES, DATA_FILE, NOTABLE_COLUMNS, coerce_notable,
                      validate_notable)

__all__ = ["build_notable", "classify_appeal", "extract_conflicts", "main"]

HAND_FILE = PACKAGE_DATA / "notable_cases_hand.csv"
REFERENCE_COLUMNS = ("case", "name_ru", "name_en", "court", "region", "verdict_date",
                     "articles_as_written", "sentence_as_written", "sentence_kind",
                     "appeal_note", "source_url", "source_title", "note")

#: Court regions that occur in the reference, for when ``repstats.text.normalize_region``
#: is unavailable or disagrees (ISO 3166-2:RU codes).
REGIONS = {
    "Москва": ("RU-MOW", "Moscow"),
    "Санкт-Петербург": ("RU-SPE", "Saint Petersburg"),
    "Пензенская область": ("RU-PNZ", "Penza Oblast"),
    "Свердловская область": ("RU-SVE", "Sverdlovsk Oblast"),
    "Владимирская область": ("RU-VLA", "Vladimir Oblast"),
    "Ростовская область": ("RU-ROS", "Rostov Oblast"),
    "Краснодарский край": ("RU-KDA", "Krasnodar Krai"),
    "Алтайский край": ("RU-ALT", "Altai Krai"),
    "Калининградская область": ("RU-KGD", "Kaliningrad Oblast"),
    "Вологодская область": ("RU-VLG", "Vologda Oblast"),
    "Тульская область": ("RU-TUL", "Tula Oblast"),
    "Псковская область": ("RU-PSK", "Pskov Oblast"),
    "Республика Коми": ("RU-KO", "Komi Republic"),
    "Республика Башкортостан": ("RU-BA", "Republic of Bashkortostan"),
    "Орловская область": ("RU-ORL", "Oryol Oblast"),
}

KIND_ALIASES = {"custodial": "custodial", "imprisonment": "custodial", "prison": "custodial",
                "real": "custodial", "suspended": "suspended", "conditional": "suspended",
                "probation": "suspended", "fine": "fine"}
REGIME_ALIASES = {"general": "general", "strict": "strict", "special": "special",
                  "maximum": "strict", "prison_then_strict": "prison_then_strict",
                  "prison+strict": "prison_then_strict"}

# ----------------------------------------------------------------- the package's readers
_APPEAL_RULES = (
    ("none_found", re.compile(r"^\s*$|no appeal change found", re.I)),
    ("conflicting", re.compile(r"CONFLICT")),
    ("increased", re.compile(r"увелич|replaced (the )?fine with|добавил|increased|raised", re.I)),
    ("reduced", re.compile(r"сократ|смягч|снизил|reduced|\bcut\b|до полутора", re.I)),
    ("retrial_ordered", re.compile(r"retrial|annulled|returned (the )?case|отменил", re.I)),
    ("upheld", re.compile(r"upheld|без изменени|в силе|left (the )?(verdict|appeal ruling)? ?"
                          r"(in force|unchanged)|left unchanged|refused|rejected|"
                          r"остались прежними|утвердил", re.I)),
    ("unknown", re.compile(r".")),
)
_CONFLICT_MARK = re.compile(r"(?:CONFLICT|LOW CONFIDENCE)[^:]*:|misnames", re.I)


def classify_appeal(note) -> str:
    """Read an appeal note into one of :data:`~repstats.cases.notable.APPEAL_OUTCOMES`.

    Rules, first match wins: blank or "no appeal change found" → ``none_found``; a
    ``CONFLICT`` marker → ``conflicting``; words for a harsher result → ``increased``;
    for a lighter one → ``reduced``; annulment or retrial → ``retrial_ordered``; words
    for confirmation → ``upheld``; anything else (an appeal reported without its
    outcome) → ``unknown``. The final appellate result counts, so "upheld, later
    reduced" is ``reduced``.
    """
    text = "" if note is None or (not isinstance(note, str) and pd.isna(note)) else str(note)
    for outcome, pattern in _APPEAL_RULES:
        if pattern.search(text):
            return outcome
    return "unknown"  # pragma: no cover (the last rule matches any text)


def extract_conflicts(*texts) -> str | None:
    """Sentences of the notes that the reference marks as a conflict between sources.

    A sentence counts when it carries a ``CONFLICT`` or ``LOW CONFIDENCE`` marker or says
    a source "misnames" something. Sentences are joined with ``" | "``.
    """
    found = []
    for text in texts:
        if not isinstance(text, str):
            continue
        for sentence in re.split(r"(?<=\.)\s+(?=[A-ZА-Я])", text):
            if _CONFLICT_MARK.search(sentence):
                found.append(sentence.strip())
    return " | ".join(found) if found else None


# ------------------------------------------------------------------------ parser access
_PARSER_MODULES = {"parse_charges": "charges", "parse_sentence": "sentences",
                   "parse_date": "dates", "normalize_region": "regions"}


def _parser(name: str):
    """``(callable, None)`` for ``repstats.text.<name>``, or ``(None, why)``.

    The public ``repstats.text`` namespace is tried first, then the submodule that
    defines the parser (while the package's ``__init__`` does not export it yet).
    """
    for module in ("repstats.text", f"repstats.text.{_PARSER_MODULES[name]}"):
        try:
            return getattr(importlib.import_module(module), name), None
        except (ImportError, AttributeError):
            continue
    return None, f"repstats.text.{name} not available"


def _run(name: str, *args, **kwargs):
    """Run ``repstats.text.<name>``; ``(result, None)`` or ``(None, why)``."""
    fn, why = _parser(name)
    if fn is None:
        return None, why
    try:
        return fn(*args, **kwargs), None
    except Exception as exc:  # a parser bug must not stop the build; it is reported
        return None, f"repstats.text.{name} failed ({type(exc).__name__}: {exc})"


def _missing(v) -> bool:
    return v is None or (not isinstance(v, (list, tuple, set)) and pd.isna(v))


def _same(a, b) -> bool:
    if _missing(a) and _missing(b):
        return True
    if _missing(a) or _missing(b):
        return False
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return str(a) == str(b)


def _choose(parsed, parse_problem, hand, reason):
    """The value and its method for one field of one row."""
    if parse_problem is None and _same(parsed, hand):
        return hand, "parsed"
    shown = "no value" if _missing(parsed) else repr(
        parsed.item() if hasattr(parsed, "item") else parsed)
    why = parse_problem or f"parser gave {shown}"
    return hand, f"hand: {why}; {reason}" if reason else f"hand: {why}"


# ------------------------------------------------------------------------ field readers
def _court_region(text) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    return re.split(r"\s*[(;]", text, maxsplit=1)[0].strip() or None


def _regions(ref: pd.DataFrame) -> pd.DataFrame:
    court_region = ref["region"].map(_court_region)
    result, why = _run("normalize_region", court_region.astype("string"))
    rows = []
    for i, name in court_region.items():
        name = None if _missing(name) else name
        hand_iso, hand_en = REGIONS.get(name, (None, None)) if name else (None, None)
        if name and hand_iso is None:
            raise InputError(f"region {name!r} has no curated ISO code; add it to REGIONS",
                             file=str(HAND_FILE), row=i + 2, column="region")
        parsed_iso = None if result is None else result.loc[i, "iso"]
        reason = ("the reference names no region (court disputed)" if not name
                  else "curated ISO 3166-2 code of the court's region")
        iso, method = _choose(parsed_iso, why, hand_iso, reason)
        rows.append((name, iso, hand_en, method))
    return pd.DataFrame(rows, columns=["region", "region_iso", "region_en", "region_method"],
                        index=ref.index)


def _dates(ref: pd.DataFrame) -> pd.DataFrame:
    iso = parse_iso_dates(ref["verdict_date"])
    bad = ~iso["ok"]
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"verdict_date {ref.loc[i, 'verdict_date']!r} is not ISO",
                         row=i + 2, column="verdict_date", expected="YYYY-MM-DD or YYYY-MM")
    # ISO dates are read by the package's ISO parser (repstats.cases.fields); the text
    # parser, when present, is only cross-checked and a disagreement is reported
    text, _ = _run("parse_date", ref["verdict_date"].astype("string"))
    if text is not None:
        differ = [i for i in ref.index if not _same(text.loc[i, "date"], iso.loc[i, "date"])]
        if differ:
            warnings.warn(f"repstats.text.parse_date disagrees with the ISO parser on rows "
                          f"{[i + 1 for i in differ]}; the ISO reading is kept", UserWarning,
                          stacklevel=2)
    methods = ["parsed"] * len(ref)
    return pd.DataFrame({"verdict_date": iso["date"], "verdict_date_precision": iso["precision"],
                         "verdict_date_method": methods}, index=ref.index)


def _charges(ref: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    result, why = _run("parse_charges", ref["articles_as_written"].astype("string"))
    parsed = {}
    if result is not None:
        uk = result[result["code"].isna() | (result["code"] == "УК")] \
            if "code" in result.columns else result
        for row, grp in uk.groupby("row", sort=False):
            pairs = [(a, None if pd.isna(p) else str(p)) for a, p in
                     zip(grp["article"], grp["part"]) if isinstance(a, str)]
            # a bare mention of an article is subsumed by the same article with a part
            with_part = {a for a, p in pairs if p}
            parsed[row] = charges_string((a, p) for a, p in pairs if p or a not in with_part)
    values, methods = [], []
    for i in ref.index:
        want = hand.loc[i, "charges"]
        got = parsed.get(i) if result is not None else None
        same_set = (not _missing(got) and not _missing(want)
                    and set(got.split("; ")) == set(want.split("; ")))
        value, method = _choose(want if same_set else got, why, want,
                                hand.loc[i, "charges_reason"])
        values.append(value), methods.append(method)
    return pd.DataFrame({"charges": values, "charges_method": methods}, index=ref.index)


def _sentences(ref: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    result, why = _run("parse_sentence", ref["sentence_as_written"].astype("string"))
    fields = {"sentence_kind": ("kind", KIND_ALIASES), "months": ("months", None),
              "regime": ("regime", REGIME_ALIASES),
              "probation_months": ("probation_months", None), "fine_rub": ("fine_rub", None)}
    out = {}
    for field, (col, aliases) in fields.items():
        values, methods = [], []
        for i in ref.index:
            got = None
            if result is not None and col in result.columns:
                got = result.loc[i, col]
                if aliases is not None and isinstance(got, str):
                    got = aliases.get(got.casefold(), got)
                if col == "regime" and got in ("strict", "prison") and not _missing(
                        result.loc[i].get("prison_months")):
                    got = "prison_then_strict"  # first part in a prison, then a colony
            problem = why
            if result is not None and col not in result.columns:
                problem = f"repstats.text.parse_sentence has no {col!r} column"
            value, method = _choose(got, problem, hand.loc[i, field],
                                    hand.loc[i, "sentence_reason"])
            values.append(value), methods.append(method)
        out[field], out[f"{field}_method"] = values, methods
    return pd.DataFrame(out, index=ref.index)


def _appeals(ref: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    values, methods = [], []
    for i in ref.index:
        got = classify_appeal(ref.loc[i, "appeal_note"])
        value, method = _choose(got, None, hand.loc[i, "appeal_outcome"],
                                hand.loc[i, "appeal_reason"])
        values.append(value), methods.append(method)
    return pd.DataFrame({"appeal_outcome": values, "appeal_outcome_method": methods},
                        index=ref.index)


def _conflicts(ref: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    values, methods = [], []
    for i in ref.index:
        got = extract_conflicts(ref.loc[i, "note"], ref.loc[i, "appeal_note"])
        extra = hand.loc[i, "conflicts_extra"]
        if _missing(extra):
            values.append(got), methods.append("parsed")
        else:
            values.append(" | ".join(x for x in (got, extra) if x))
            methods.append("hand: added from the conflicts listed in notable_cases_NOTES.md"
                           + ("; row-note markers parsed" if got else
                              " (the row note carries no conflict marker)"))
    return pd.DataFrame({"conflicts": values, "conflicts_method": methods}, index=ref.index)


def _slug(name: str) -> str:
    text = re.sub(r"\(.*?\)", " ", name).casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ------------------------------------------------------------------------------- build
def _read(path: Path, columns, what: str) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{what} not found: {path}")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{what} lacks columns {missing}", file=str(path))
    return df.map(lambda v: v.strip() if isinstance(v, str) else v).replace("", None)


def build_notable(reference=None, hand=None) -> pd.DataFrame:
    """Derive the notable-cases table from the reference and the curated hand reading.

    Parameters
    ----------
    reference : path-like, optional
        The reference CSV (default ``reference_dir() / "notable_cases.csv"``).
    hand : path-like, optional
        The curated reading (default the package's ``notable_cases_hand.csv``).

    Returns
    -------
    pandas.DataFrame
        The validated table described in :func:`repstats.cases.notable.notable_cases`.
    """
    if reference is None:
        ref_dir = reference_dir()
        if ref_dir is None:
            raise FileNotFoundError("reference folder not found; pass reference=PATH or set "
                                    "REPSTATS_REFERENCE")
        reference = ref_dir / "notable_cases.csv"
    ref = _read(Path(reference), REFERENCE_COLUMNS, "reference table")
    cur = _read(Path(hand or HAND_FILE), ("row", "name_ru", "charges", "appeal_outcome"),
                "hand reading")
    if len(cur) != len(ref) or list(cur["name_ru"]) != list(ref["name_ru"]):
        bad = next((k for k, (a, b) in enumerate(zip(cur["name_ru"], ref["name_ru"]))
                    if a != b), min(len(cur), len(ref)))
        raise InputError("hand reading is not aligned with the reference (same rows, same "
                         "order expected)", file=str(hand or HAND_FILE), row=bad + 2,
                         column="name_ru")
    unknown = set(cur["appeal_outcome"].dropna()) - set(APPEAL_OUTCOMES)
    if unknown:
        raise InputError(f"unknown appeal outcomes {sorted(unknown)}", file=str(HAND_FILE),
                         column="appeal_outcome", expected=str(APPEAL_OUTCOMES))
    cur.index = ref.index

    out = pd.DataFrame(index=ref.index)
    out["row_id"] = ref.index + 1
    out["case"] = ref["case"]
    out["person_id"] = ref["name_en"].map(_slug)
    out["name_ru"], out["name_en"], out["court"] = ref["name_ru"], ref["name_en"], ref["court"]
    out["region_raw"] = ref["region"]
    out = out.join(_regions(ref)).join(_dates(ref))
    out["articles_as_written"] = ref["articles_as_written"]
    out = out.join(_charges(ref, cur))
    out["charges_basis"] = cur["charges_basis"]
    out["charges_basis_method"] = "hand: curated reading of articles_as_written and note"
    out["charges_note"] = cur["charges_reason"]
    out["sentence_as_written"] = ref["sentence_as_written"]
    out = out.join(_sentences(ref, cur))
    out["sentence_note"] = cur["sentence_reason"]
    out["appeal_note"] = ref["appeal_note"]
    out = out.join(_appeals(ref, cur))
    out["combined_sentence"] = cur["combined_sentence"]
    out["combined_sentence_method"] = "hand: " + cur["combined_reason"].fillna("not stated")
    out["governing_charge"] = cur["governing_charge"]
    out["governing_charge_method"] = "hand: " + cur["combined_reason"].fillna("not stated")
    out = out.join(_conflicts(ref, cur))
    out["source_url"], out["source_title"] = ref["source_url"], ref["source_title"]
    out["n_sources"] = ref["source_url"].fillna("").map(
        lambda s: len([u for u in s.split(" | ") if u.strip()]))
    out["note"] = ref["note"]
    out = coerce_notable(out[list(NOTABLE_COLUMNS)].reset_index(drop=True))
    return validate_notable(out)


def method_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per cleaned field: rows parsed, rows set by hand."""
    rows = []
    for col in [c for c in df.columns if c.endswith("_method")]:
        parsed = int((df[col] == "parsed").sum())
        rows.append((col[: -len("_method")], parsed, len(df) - parsed))
    return pd.DataFrame(rows, columns=["field", "parsed", "hand"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", help="reference CSV (default ../shared/reference/...)")
    parser.add_argument("--out", default=str(DATA_FILE), help="output CSV")
    args = parser.parse_args(argv)
    df = build_notable(args.reference)
    write_csv(csv_frame(df), args.out)
    print(f"wrote {len(df)} rows, {df['person_id'].nunique()} people to {args.out}")
    print(method_summary(df).to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

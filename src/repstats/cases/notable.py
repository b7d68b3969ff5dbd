"""Curated notable politically motivated criminal cases (package data).

**Unit: one row is one verdict for one defendant** (75 rows, 72 people: Zeytullaev has
the 2016 verdict and the 2017 retrial, Miftakhov the 2021 and 2024 cases, Navalny the
2022 and 2023 cases).

The table ``repstats/data/notable_cases.csv`` is derived from the cited reference table
``../shared/reference/notable_cases.csv`` by the maintainer tool ``tools/build_notable.py``. Every
cleaned field has a ``<field>_method`` column: ``"parsed"`` when the package's parsers
produced the value (and it matched the curated value), or ``"hand: <reason>"`` when it
was set by hand from the reference text (the reason says why: parser missing, parser
disagreed, fact not stated, ...). Sentences are the **first-instance** sentences; what
appeals changed is in ``appeal_outcome`` and ``appeal_note``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import PACKAGE_DATA
from .fields import coerce_to_schema, read_schema_csv, validate_lazily

__all__ = ["notable_cases", "NOTABLE_SCHEMA", "NOTABLE_COLUMNS", "METHOD_COLUMNS",
           "SENTENCE_KINDS", "REGIMES", "APPEAL_OUTCOMES", "CHARGES_BASES", "DATA_FILE"]

DATA_FILE = PACKAGE_DATA / "notable_cases.csv"

SENTENCE_KINDS = ("custodial", "suspended", "fine")
REGIMES = ("general", "strict", "special", "prison_then_strict")
APPEAL_OUTCOMES = ("upheld", "reduced", "increased", "retrial_ordered", "conflicting",
                   "unknown", "none_found")
CHARGES_BASES = ("verdict", "indictment", "case", "partial", "not_stated")
_CHARGE = r"\d{2,3}(\.\d{1,2})?(\(\d{1,2}(\.\d)?\))?"  # "205.4(1)", "275"
_CHARGES_RE = rf"^{_CHARGE}(; {_CHARGE})*$"
_METHOD_RE = r"^(parsed|hand: .+)$"

#: Cleaned fields, each with a ``<field>_method`` column.
METHOD_COLUMNS = ("verdict_date", "region", "charges", "charges_basis", "sentence_kind",
                  "months", "regime", "probation_months", "fine_rub", "appeal_outcome",
                  "combined_sentence", "governing_charge", "conflicts")


def _method(field: str) -> tuple[str, pa.Column]:
    return f"{field}_method", pa.Column("string", pa.Check.str_matches(_METHOD_RE))


NOTABLE_SCHEMA = pa.DataFrameSchema(
    {
        "row_id": pa.Column("Int64", pa.Check.in_range(1, 10_000), unique=True),
        "case": pa.Column("string"),
        "person_id": pa.Column("string", pa.Check.str_matches(r"^[a-z0-9-]+$")),
        "name_ru": pa.Column("string"),
        "name_en": pa.Column("string"),
        "court": pa.Column("string", nullable=True),
        "region_raw": pa.Column("string", nullable=True),
        "region": pa.Column("string", nullable=True),
        "region_iso": pa.Column("string", pa.Check.str_matches(r"^[A-Z]{2}-[A-Z0-9]{1,3}$"),
                                nullable=True),
        "region_en": pa.Column("string", nullable=True),
        "verdict_date": pa.Column("datetime64[ns]", nullable=True),
        "verdict_date_precision": pa.Column("string", pa.Check.isin(["day", "month", "year"]),
                                            nullable=True),
        "articles_as_written": pa.Column("string", nullable=True),
        "charges": pa.Column("string", pa.Check.str_matches(_CHARGES_RE), nullable=True),
        "charges_basis": pa.Column("string", pa.Check.isin(list(CHARGES_BASES))),
        "charges_note": pa.Column("string", nullable=True),
        "sentence_as_written": pa.Column("string"),
        "sentence_kind": pa.Column("string", pa.Check.isin(list(SENTENCE_KINDS))),
        "months": pa.Column("Int64", pa.Check.in_range(1, 600), nullable=True),
        "regime": pa.Column("string", pa.Check.isin(list(REGIMES)), nullable=True),
        "probation_months": pa.Column("Int64", pa.Check.in_range(1, 120), nullable=True),
        "fine_rub": pa.Column("Int64", pa.Check.gt(0), nullable=True),
        "sentence_note": pa.Column("string", nullable=True),
        "appeal_note": pa.Column("string", nullable=True),
        "appeal_outcome": pa.Column("string", pa.Check.isin(list(APPEAL_OUTCOMES))),
        "combined_sentence": pa.Column("boolean", nullable=True),
        "governing_charge": pa.Column("string", pa.Check.str_matches(_CHARGES_RE),
                                      nullable=True),
        "conflicts": pa.Column("string", nullable=True),
        "source_url": pa.Column("string", pa.Check.str_matches(r"^https?://")),
        "source_title": pa.Column("string", nullable=True),
        "n_sources": pa.Column("Int64", pa.Check.ge(1)),
        "note": pa.Column("string", nullable=True),
        **dict(_method(f) for f in METHOD_COLUMNS),
    },
    checks=[
        # months are stated for custodial and suspended terms, never for fines only
        pa.Check(lambda d: ~((d["sentence_kind"] == "fine") & d["months"].notna()),
                 element_wise=False, name="fine_has_no_term"),
        pa.Check(lambda d: ~((d["sentence_kind"] == "suspended") & d["regime"].notna()),
                 element_wise=False, name="suspended_has_no_regime"),
        pa.Check(lambda d: ~(d["governing_charge"].notna()
                             & (d["combined_sentence"] != True)),  # noqa: E712
                 element_wise=False, name="governing_charge_only_when_combined"),
    ],
    strict=True,
    ordered=True,
    name="notable_cases",
)

NOTABLE_COLUMNS = tuple(NOTABLE_SCHEMA.columns)

def coerce_notable(df: pd.DataFrame) -> pd.DataFrame:
    """Give a notable-cases table read from CSV its declared dtypes (returns a copy)."""
    return coerce_to_schema(df, NOTABLE_SCHEMA, date_format="%Y-%m-%d")


def validate_notable(df: pd.DataFrame) -> pd.DataFrame:
    """Validate against :data:`NOTABLE_SCHEMA` (lazily); raise :class:`ValidationError`."""
    return validate_lazily(df, NOTABLE_SCHEMA, "notable cases")


def notable_cases(path: str | Path | None = None) -> pd.DataFrame:
    """Load the curated notable cases, one row per verdict for one defendant.

    Parameters
    ----------
    path : path-like, optional
        CSV to read; defaults to the package data file.

    Returns
    -------
    pandas.DataFrame
        Validated against :data:`NOTABLE_SCHEMA`. Columns:

        - ``row_id``: row number in the reference table (1-based).
        - ``case``: case name (Russian, as in the reference).
        - ``person_id``: slug of ``name_en``; equal for one person's several verdicts.
        - ``name_ru``, ``name_en``: the defendant (see :func:`repstats.privacy.safe_export`
          before sharing).
        - ``court``: court as written.
        - ``region_raw``: region as written; ``region``, ``region_iso``, ``region_en``:
          the court's region normalised (missing when the reference gives none).
        - ``verdict_date`` (datetime, first day of the period when imprecise),
          ``verdict_date_precision`` ("day" | "month").
        - ``articles_as_written``: charges as quoted in the sources.
        - ``charges``: normalised charges, ``"212(2); 318(1)"`` (article, part in brackets
          when stated); missing when no article number is stated.
        - ``charges_basis``: "verdict", "indictment" (as charged or sent to court),
          "case" (the case's article stated for a co-defendant), "partial" (some article
          or part numbers missing) or "not_stated"; ``charges_note`` explains.
        - ``sentence_as_written``: first-instance sentence as quoted.
        - ``sentence_kind``: "custodial", "suspended" or "fine" (main penalty).
        - ``months``: term in months (custodial or suspended), missing for fines.
        - ``regime``: colony regime ("general", "strict", "special",
          "prison_then_strict"); missing when not stated or not custodial.
        - ``probation_months``: probation of a suspended term, when stated.
        - ``fine_rub``: fine in roubles (main or additional).
        - ``sentence_note``: how the sentence fields were read.
        - ``appeal_note``: appeal history as written; ``appeal_outcome``: "upheld",
          "reduced", "increased", "retrial_ordered", "conflicting" (sources disagree),
          "unknown" (an appeal is reported, its outcome is not in the sources) or
          "none_found".
        - ``combined_sentence``: True when the term combines several counts or verdicts
          (art. 69/70 UK RF), missing when not established; ``governing_charge``: the
          count whose statutory range governs the combined term, when sources establish
          it (see ``combined_sentence_method`` for why).
        - ``conflicts``: disagreements between sources, as the reference notes them.
        - ``source_url``, ``source_title``: ``" | "``-separated sources, in the same order;
          ``n_sources``: how many.
        - ``note``: the reference's note (statutory ranges prefixed "Range").
        - ``<field>_method`` for each field in :data:`METHOD_COLUMNS`: ``"parsed"`` or
          ``"hand: <reason>"``.
    """
    if path is None:  # the package's file: read and validated once per process
        return _package_notable().copy()
    return _read_notable(Path(path))


def _read_notable(path: Path) -> pd.DataFrame:
    df = read_schema_csv(path, NOTABLE_SCHEMA, "notable cases", tool="build_notable",
                         date_format="%Y-%m-%d")
    df.attrs["unit"] = "one verdict for one defendant"
    return df


@functools.lru_cache(maxsize=1)
def _package_notable() -> pd.DataFrame:
    return _read_notable(DATA_FILE)

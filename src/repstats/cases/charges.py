"""Per-charge facts of the notable cases (package data).

**Unit: one row is one charge of one defendant in one verdict** (106 rows, 75
person-verdicts). It joins :func:`repstats.cases.notable_cases` on ``person_id`` and the
verdict year (the per-charge reference corrects or completes four verdict dates).

The table ``repstats/data/notable_charges.csv`` is derived from the cited reference
``../shared/reference/notable_cases_charges.csv`` by the maintainer tool
``tools/build_notable_charges.py``. Every fact keeps how it is known (a ``*_status``
column), the text as written and the sources the reference labels for it (``*_source``):

- a fact the reference marks "not found" is missing (never filled in);
- a part the reference only *derived* from wording ("участие" -> ч.2) is in
  ``part_derived``, never in ``part``;
- a fact the reference marks "unsourced-memory" is not used at all (article and part
  missing; ``charge_status`` says so).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import PACKAGE_DATA
from .fields import coerce_to_schema, read_schema_csv, validate_lazily

__all__ = ["notable_charges", "CHARGES_SCHEMA", "CHARGES_COLUMNS", "DATA_FILE", "STAGES",
           "coerce_charges", "validate_charges"]

DATA_FILE = PACKAGE_DATA / "notable_charges.csv"
STAGES = ("completed", "attempt", "preparation")
_ART = r"^\d{2,3}(\.\d{1,2})?$"
_PART = r"^(—|\d+(\.\d)?)$"


def _s(*checks, nullable=True):
    return pa.Column("string", list(checks), nullable=nullable)


def _b(nullable=True):
    return pa.Column("boolean", nullable=nullable)


def _i(lo=0, hi=10**9):
    return pa.Column("Int64", pa.Check.in_range(lo, hi), nullable=True)


def _status(*allowed):
    return pa.Column("string", pa.Check.str_matches(rf"^({'|'.join(allowed)})"))


CHARGES_SCHEMA = pa.DataFrameSchema(
    {
        "charge_id": pa.Column("Int64", pa.Check.ge(1), unique=True),
        "person_id": _s(pa.Check.str_matches(r"^[a-z0-9-]+$"), nullable=False),
        "name_en": _s(nullable=False),
        "verdict_date": pa.Column("datetime64[ns]"),
        "article": _s(pa.Check.str_matches(_ART)),
        "part": _s(pa.Check.str_matches(_PART)),
        "point": _s(pa.Check.str_matches(r"^[а-я](,[а-я])*$")),
        "part_derived": _s(pa.Check.str_matches(_PART)),
        "episodes": pa.Column("Int64", pa.Check.in_range(1, 50)),
        "charge_status": _status("confirmed", "not found", "unsourced-memory"),
        "convicted": _b(),
        "charge_basis": _s(pa.Check.isin(["verdict", "charge"]), nullable=False),
        "article_as_written": _s(nullable=False),
        "part_as_written": _s(nullable=False),
        "charge_note": _s(),
        "stage": _s(pa.Check.isin(list(STAGES)), nullable=False),
        "charge_source": _s(),
        "offence_from": pa.Column("datetime64[ns]", nullable=True),
        "offence_to": pa.Column("datetime64[ns]", nullable=True),
        "offence_status": _status("sourced", "bounded", "not found"),
        "offence_as_written": _s(nullable=False),
        "offence_source": _s(),
        "age_min": _i(10, 100),
        "age_max": _i(10, 100),
        "minor": _b(),
        "age_status": _status("sourced", "derived", "not found"),
        "age_as_written": _s(nullable=False),
        "age_source": _s(),
        "special_procedure": _b(),
        "special_procedure_status": _status("sourced", "not found"),
        "special_procedure_as_written": _s(nullable=False),
        "cooperation": _b(),
        "cooperation_status": _status("sourced", "derived", "not found"),
        "cooperation_as_written": _s(nullable=False),
        "procedure_source": _s(),
        "art64": _b(),
        "art64_status": _status("sourced", "derived", "not found"),
        "art64_as_written": _s(nullable=False),
        "suspended": _b(nullable=False),
        "charge_term_months": _i(1, 600),
        "charge_term_status": _status("sourced", "partly confirmed", "not found"),
        "charge_fine_rub": _i(1),
        "final_kind": _s(pa.Check.isin(["custodial", "suspended", "fine"]), nullable=False),
        "final_term_months": _i(1, 600),
        "art70": _b(nullable=False),
        "final_as_written": _s(nullable=False),
        "appeal_date": _s(pa.Check.str_matches(r"^\d{4}-\d{2}(-\d{2})?$")),
        "appeal_kind": _s(pa.Check.isin(["custodial", "suspended", "fine"])),
        "appeal_term_months": _i(1, 600),
        "appeal_status": _status("sourced", "not found", "retrial", "conflict"),
        "appeal_as_written": _s(nullable=False),
        "art64_source": _s(),
        "terms_source": _s(),
        "appeal_source": _s(),
        "source_url": _s(pa.Check.str_contains("http"), nullable=False),
        "quote": _s(nullable=False),
        "reference_status": _s(pa.Check.isin(["confirmed", "not found", "unsourced-memory"]),
                               nullable=False),
    },
    checks=[
        pa.Check(lambda d: ~(d["reference_status"].eq("unsourced-memory")
                             & (d["article"].notna() | d["part"].notna()
                                | d["part_derived"].notna())),
                 element_wise=False, name="unsourced_memory_never_used"),
        pa.Check(lambda d: ~(d["reference_status"].eq("not found") & d["part"].notna()),
                 element_wise=False, name="not_found_part_stays_missing"),
        pa.Check(lambda d: d["offence_from"].isna() | d["offence_to"].isna()
                 | (d["offence_from"] <= d["offence_to"]), element_wise=False,
                 name="offence_period_ordered"),
        pa.Check(lambda d: d["age_min"].isna() | (d["age_min"] <= d["age_max"]),
                 element_wise=False, name="age_range_ordered"),
    ],
    strict=True,
    ordered=True,
    name="notable_charges",
)

CHARGES_COLUMNS = tuple(CHARGES_SCHEMA.columns)


def coerce_charges(df: pd.DataFrame) -> pd.DataFrame:
    """Give a per-charge table read from CSV its declared dtypes (returns a copy)."""
    return coerce_to_schema(df, CHARGES_SCHEMA)


def validate_charges(df: pd.DataFrame) -> pd.DataFrame:
    """Validate against :data:`CHARGES_SCHEMA` (lazily); raise :class:`ValidationError`."""
    return validate_lazily(df, CHARGES_SCHEMA, "notable charges")


def notable_charges(path: str | Path | None = None) -> pd.DataFrame:
    """Load the per-charge facts of the notable cases, one row per charge.

    Parameters
    ----------
    path : path-like, optional
        CSV to read; defaults to the package data file.

    Returns
    -------
    pandas.DataFrame
        Validated against :data:`CHARGES_SCHEMA`. Columns:

        - ``charge_id``: row number in the reference table (1-based).
        - ``person_id``, ``name_en``, ``verdict_date``: the person-verdict (joins
          :func:`repstats.cases.notable_cases`).
        - ``article``, ``part`` ("—" for an article without parts), ``point`` (пункт
          letters, "а,б,д"): the charge, missing unless sourced; ``part_derived``: a part
          the reference only derived from wording (a hypothesis, not a fact);
          ``episodes``: counts of the offence in this row (2 = "two episodes", each a
          separate offence under art. 69);
          ``charge_status`` ("confirmed", "not found: ...", "unsourced-memory: ...");
          ``convicted`` (False when the conviction on this count is not confirmed);
          ``charge_basis`` ("verdict", or "charge" when the part is stated only in charge
          or indictment descriptions); ``article_as_written``, ``part_as_written``,
          ``charge_note``; ``stage`` ("completed", "attempt" = art. 30 ч.3,
          "preparation" = art. 30 ч.1); ``charge_source``.
        - ``offence_from``, ``offence_to``: the offence date or period (missing = open
          end); ``offence_status`` ("sourced", "bounded", "not found"),
          ``offence_as_written``, ``offence_source``.
        - ``age_min``, ``age_max``: age at the offence; ``minor`` (under 18 at the
          offence; missing when not established); ``age_status``, ``age_as_written``,
          ``age_source``.
        - ``special_procedure``, ``cooperation`` (pre-trial cooperation agreement), each
          with ``*_status`` and ``*_as_written``; ``procedure_source``.
        - ``art64`` (True when a source states art. 64, else missing), ``art64_status``,
          ``art64_as_written``, ``art64_source``.
        - ``suspended`` (art. 73 at first instance), ``charge_term_months`` (the term for
          this count, when sources give it), ``charge_term_status``,
          ``charge_fine_rub``.
        - ``final_kind`` ("custodial", "suspended", "fine"), ``final_term_months``
          (first-instance final term), ``art70`` (the final term aggregates sentences,
          art. 70), ``final_as_written``, ``terms_source``.
        - ``appeal_date`` ("YYYY-MM" or "YYYY-MM-DD"), ``appeal_kind``,
          ``appeal_term_months``, ``appeal_status`` ("sourced", "not found", "retrial",
          "conflict"), ``appeal_as_written``, ``appeal_source``.
        - ``source_url``, ``quote``: the reference's labelled sources and quotes;
          ``reference_status``: its status of article + part.
    """
    path = Path(path) if path is not None else DATA_FILE
    df = read_schema_csv(path, CHARGES_SCHEMA, "notable charges",
                         tool="build_notable_charges")
    df.attrs["unit"] = "one charge of one defendant in one verdict"
    return df

"""The sanctions table: one row per article-part-version, as package data.

``src/repstats/data/sanctions.csv`` holds, for each article and part of the Criminal Code
that repstats tracks, every version of its imprisonment range since 2009-01-01 (the
window start), with the law that set it, where the value was read and how sure it is.
It was converted from the compiled reference ``sanctions_history.csv`` with
:func:`from_reference` (years -> months exactly; blank ranges stay blank) and then
checked against the current text of the Code (:mod:`repstats.statutes.stage`).

Columns (schema :class:`SanctionsSchema`):

- ``article`` (str): "205.2"; ``part`` (str): "1", "1.1", or "—" for an article without
  parts.
- ``valid_from`` (datetime64): first day the version applies (2009-01-01 = window start:
  the version was already in force then); ``valid_to`` (datetime64, NaT = still in force):
  last day, inclusive.
- ``min_months``, ``max_months`` (Int64): imprisonment range in months; missing = not
  established (the reason is in ``note``) or no imprisonment in the sanction.
- ``life`` (bool): life imprisonment is in the sanction.
- ``imprisonment`` (boolean): fixed-term imprisonment is in the sanction (missing when the
  text of that version was not seen).
- ``alternatives``, ``amending_law``, ``source``, ``note`` (str).
- ``confidence``: "confirmed_text" (read in statutory text), "secondary" (news,
  prosecutors, translations) or "inferred" (boundary known, value missing or reasoned).
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import PACKAGE_DATA
from ..errors import ValidationError
from ..io import csv_frame

__all__ = ["SanctionsSchema", "sanctions_table", "load_sanctions", "validate_sanctions",
           "from_reference", "years_to_months", "WINDOW_START", "CONFIDENCE_LEVELS",
           "SANCTIONS_CSV", "COLUMNS", "validate_frame"]

SANCTIONS_CSV = PACKAGE_DATA / "sanctions.csv"
#: First day covered by the table; a version with this ``valid_from`` was already in force.
WINDOW_START = pd.Timestamp("2009-01-01")
CONFIDENCE_LEVELS = ("confirmed_text", "secondary", "inferred")
COLUMNS = ["article", "part", "valid_from", "valid_to", "min_months", "max_months", "life",
           "imprisonment", "alternatives", "amending_law", "source", "confidence", "note"]


def _dates_ordered(df: pd.DataFrame) -> pd.Series:
    return df["valid_to"].isna() | (df["valid_from"] <= df["valid_to"])


def _range_ordered(df: pd.DataFrame) -> pd.Series:
    ok = df["min_months"].isna() | df["max_months"].isna() | \
        (df["min_months"] <= df["max_months"])
    return ok.astype(bool)


def _no_prison_no_range(df: pd.DataFrame) -> pd.Series:
    no_prison = df["imprisonment"].eq(False).fillna(False).astype(bool)
    return ~no_prison | (df["min_months"].isna() & df["max_months"].isna())


def _range_means_prison(df: pd.DataFrame) -> pd.Series:
    has_range = df["min_months"].notna() | df["max_months"].notna()
    return (~has_range | df["imprisonment"].eq(True).fillna(False)).astype(bool)


def _unknown_has_reason(df: pd.DataFrame) -> pd.Series:
    unknown = df["min_months"].isna() | df["max_months"].isna()
    return (~unknown | df["note"].fillna("").str.len().gt(0)).astype(bool)


def _no_overlap(df: pd.DataFrame) -> pd.Series:
    # versions of one article-part in date order: each must start after the previous
    # one ended; an open-ended (NaT) earlier version overlaps everything after it
    order = df.sort_values(["article", "part", "valid_from"], kind="stable")
    same = (order["article"].eq(order["article"].shift())
            & order["part"].eq(order["part"].shift())).fillna(False).astype(bool)
    prev_to = order["valid_to"].shift()
    bad = same & (prev_to.isna() | (order["valid_from"] <= prev_to))
    return ~bad.reindex(df.index)


#: Schema of the sanctions table (package data and ``sanctions.parquet``). (An object
#: schema, not a ``DataFrameModel``: pandera's model annotations import dask on first use,
#: ~1.5 s in every process that reads the table.)
SanctionsSchema = pa.DataFrameSchema(
    {"article": pa.Column(str, pa.Check.str_matches(r"^\d+(\.\d+)?$")),
     "part": pa.Column(str, pa.Check.str_matches(r"^(—|\d+(\.\d+)?)$")),
     "valid_from": pa.Column(pd.Timestamp, pa.Check.ge(WINDOW_START)),
     "valid_to": pa.Column(pd.Timestamp, nullable=True),
     "min_months": pa.Column(pd.Int64Dtype, [pa.Check.ge(2), pa.Check.le(240)], nullable=True),
     "max_months": pa.Column(pd.Int64Dtype, [pa.Check.ge(2), pa.Check.le(240)], nullable=True),
     "life": pa.Column(bool),
     "imprisonment": pa.Column(pd.BooleanDtype, nullable=True),
     "alternatives": pa.Column(str, nullable=True),
     "amending_law": pa.Column(str, nullable=True),
     "source": pa.Column(str),
     "confidence": pa.Column(str, pa.Check.isin(list(CONFIDENCE_LEVELS))),
     "note": pa.Column(str, nullable=True)},
    checks=[pa.Check(rule, name=rule.__name__, error=error) for rule, error in (
        (_dates_ordered, "valid_to is before valid_from"),
        (_range_ordered, "min_months is above max_months"),
        (_no_prison_no_range, "a row without imprisonment has an imprisonment range"),
        (_range_means_prison, "a row with a range must have imprisonment = true"),
        (_unknown_has_reason,
         "a range that is not (fully) established needs a note giving the reason"),
        (_no_overlap, "versions of the same article and part overlap in time"))],
    strict=True, ordered=True, name="SanctionsSchema")


def validate_frame(schema, df: pd.DataFrame, what: str) -> pd.DataFrame:
    """Validate ``df`` with a pandera ``schema`` lazily; ValidationError lists every
    failing column, check and row (the first 50)."""
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"{what} failed validation ({len(cases)} failure(s)):"]
        for row in cases.head(50).itertuples(index=False):
            lines.append(f"  column {row.column!r}, check {row.check!r}, index {row.index}, "
                         f"value {row.failure_case!r}")
        raise ValidationError("\n".join(lines)) from exc


def validate_sanctions(df: pd.DataFrame, what: str = "sanctions table") -> pd.DataFrame:
    """Validate ``df`` against :class:`SanctionsSchema` lazily (every failure reported).

    Raises
    ------
    repstats.errors.ValidationError
        Listing every failing column, check and row.
    """
    return validate_frame(SanctionsSchema, df, what)


def _coerce(raw: pd.DataFrame) -> pd.DataFrame:
    df = raw.copy()
    for col in ("valid_from", "valid_to"):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
    for col in ("min_months", "max_months"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    df["life"] = df["life"].map({"true": True, "false": False, True: True, False: False})
    df["imprisonment"] = df["imprisonment"].map(
        {"true": True, "false": False, True: True, False: False}).astype("boolean")
    return df


def load_sanctions(path: str | Path = SANCTIONS_CSV) -> pd.DataFrame:
    """Read and validate a sanctions CSV (by default the package's own).

    Returns
    -------
    pandas.DataFrame
        The columns listed in the module docstring, typed and validated.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValidationError(f"{path}: missing column(s) {missing}; expected {COLUMNS}")
    try:
        df = _coerce(raw[COLUMNS])
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"{path}: cannot read the values: {exc}") from exc
    return validate_sanctions(df, what=str(path))


@functools.lru_cache(maxsize=1)
def _cached() -> pd.DataFrame:
    return load_sanctions(SANCTIONS_CSV)


def sanctions_table() -> pd.DataFrame:
    """The package's sanctions table (a fresh copy; see the module docstring for columns)."""
    return _cached().copy()


def years_to_months(years) -> "pd.Series":
    """Convert years (decimals, e.g. 0.1667 = 2 months) to whole months exactly.

    Raises
    ------
    ValueError
        When a value is not within 0.01 month of a whole number of months.
    """
    s = pd.to_numeric(pd.Series(years), errors="raise") * 12
    rounded = s.round()
    bad = (s - rounded).abs() > 0.01
    if bad.any():
        raise ValueError(f"years that are not a whole number of months: "
                         f"{(s[bad] / 12).tolist()}")
    return rounded.astype("Int64")


def from_reference(ref: pd.DataFrame) -> pd.DataFrame:
    """Convert the compiled reference table (``sanctions_history.csv``) to this table.

    ``min_years``/``max_years`` become months (exact); blank stays blank. ``imprisonment``
    is true where a range is given, false where the reference says the sanction had no
    imprisonment ("NO imprisonment" in ``alternatives``), otherwise missing (not seen).

    Parameters
    ----------
    ref : pandas.DataFrame
        The reference CSV read with ``dtype=str``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, validated.
    """
    need = {"article", "part", "valid_from", "valid_to", "min_years", "max_years", "life",
            "alternatives", "amending_law", "source", "confidence", "note"}
    missing = sorted(need - set(ref.columns))
    if missing:
        raise ValueError(f"reference table lacks column(s) {missing}")
    df = ref.copy()
    df["min_months"] = years_to_months(df["min_years"]).to_numpy()
    df["max_months"] = years_to_months(df["max_years"]).to_numpy()
    has_range = df["min_months"].notna() | df["max_months"].notna()
    no_prison = df["alternatives"].fillna("").str.contains("NO imprisonment", case=False)
    df["imprisonment"] = pd.array(
        [True if r else (False if n else pd.NA) for r, n in zip(has_range, no_prison)],
        dtype="boolean")
    df["life"] = df["life"].astype(str).str.lower()
    df = _coerce(df[COLUMNS])
    return validate_sanctions(df, what="converted reference table")


def to_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The table as written to CSV: ISO dates, lower-case booleans, blanks for missing."""
    return csv_frame(df)

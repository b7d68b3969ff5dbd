"""Input schemas of the analysis layer, declared once.

The analysis functions read the long court-statistics table (contract 1,
``repstats.courts.read_court_stats``) and tables of ranges. Only the columns the analysis
uses are declared; extra columns pass through. Validation is lazy: every failing check is
reported in one :class:`repstats.errors.InputError` (a ValueError).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from repstats.errors import InputError

FORMS = ("10-a", "10.3", "10.3.1")
#: Row types the analysis reads; others (chapter totals, paragraphs, ...) are skipped.
USED_ROW_TYPES = ("article", "grand_total")

COURT_STATS = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(1990, 2100), coerce=True),
        # coerced: ``repstats.load`` returns these as categories
        "form": pa.Column(str, pa.Check.isin(FORMS), coerce=True),
        "article": pa.Column(None, nullable=True),
        "part": pa.Column(None, nullable=True),
        "row_type": pa.Column(str, coerce=True),
        "measure": pa.Column(str, coerce=True),
        "value": pa.Column(float, pa.Check.ge(0), coerce=True),
    },
    name="court_stats (analysis input)",
    strict=False,
)

TAXONOMY = pa.DataFrameSchema(
    {
        "article": pa.Column(str),
        "part": pa.Column(None, nullable=True),
        "category": pa.Column(str),
    },
    name="taxonomy (analysis input)",
    strict=False,
)

RANGES = pa.DataFrameSchema(
    {
        "min_months": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "max_months": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "range_status": pa.Column(str),
    },
    name="ranges (analysis input)",
    strict=False,
)


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Validate lazily and return a coerced copy; raise InputError listing every failure.

    Tables from :func:`repstats.load` hold repeated text as categories and text as
    ``string``: those columns are read as plain text (object) first, so the analysis
    takes the loaded tables as they come."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{schema.name} must be a pandas DataFrame, "
                         f"got {type(df).__name__}")
    text = {c: object for c, t in df.dtypes.items()
            if isinstance(t, (pd.CategoricalDtype, pd.StringDtype))}
    try:
        # the frame validated is already this function's own (astype or copy; under
        # copy-on-write the caller's frame never changes): pandera coerces it in place
        # instead of copying it again (on the 1M-row court table, ~0.5-0.9 s per call)
        return schema.validate(df.astype(text) if text else df.copy(), lazy=True,
                               inplace=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"{r.column}: {r.check} (failure case {r.failure_case!r}, index {r.index})"
                 for r in cases.head(20).itertuples()]
        more = "" if len(cases) <= 20 else f"; and {len(cases) - 20} more"
        raise InputError(f"{schema.name} failed {len(cases)} check(s): "
                         + "; ".join(lines) + more) from None


def norm_part(value) -> str | None:
    """Canonical part label: None for missing/empty, else the stripped string ('1.1')."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def norm_parts(series: pd.Series) -> pd.Series:
    """:func:`norm_part` over a Series, as object dtype holding ``None`` for missing parts.

    (pandas' string dtype would turn ``None`` back into NaN, which breaks ``is None``
    tests and dictionary look-ups.)
    """
    # computed once per distinct value (a court table repeats a dozen part labels over
    # hundreds of thousands of rows); missing values (code -1) take the last slot, None
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    normed = np.array([norm_part(v) for v in uniques] + [None], dtype=object)
    return pd.Series(normed[codes], index=series.index, dtype=object, name=series.name)


def flag(value) -> bool:
    """A missing-aware boolean: NA/None/NaN count as False."""
    return False if value is None or pd.isna(value) else bool(value)


def has_range(status, min_months) -> bool:
    """True when a range status is established AND a minimum prison term is known.

    ("established: the sanction has no imprisonment" has no minimum to compare with.)
    """
    return (isinstance(status, str) and status.startswith("established")
            and min_months is not None and not pd.isna(min_months))

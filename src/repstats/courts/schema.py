"""The pandera schema of the long court-statistics table, declared once."""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import ValidationError
from .forms import FORMS
from .keys import duplicated
from .labels import ROW_TYPES
from .longtable import in_values
from .measures import MEASURE_NAMES

def _matches(pattern: str) -> pa.Check:
    """``str_matches`` evaluated once per distinct value (the long table repeats a few
    thousand distinct strings a million times)."""
    rx = re.compile(pattern)

    def check(s: pd.Series) -> pd.Series:
        if isinstance(s.dtype, pd.CategoricalDtype):
            # a test per category, taken by code (-1, missing: passes)
            hit = np.array([isinstance(v, str) and rx.match(v) is not None
                            for v in s.cat.categories] + [True], dtype=bool)
            return pd.Series(hit[s.cat.codes.to_numpy()], index=s.index)
        ok = [v for v in s.unique() if isinstance(v, str) and rx.match(v)]
        return s.isna() | s.isin(ok)

    return pa.Check(check, name=f"str_matches('{pattern}')",
                    error=f"does not match {pattern}")


def _isin(allowed) -> pa.Check:
    """``Check.isin(allowed)`` (same name and message) tested once per category of a
    categorical column (:func:`repstats.courts.longtable.in_values`)."""
    allowed = list(allowed)
    return pa.Check(lambda s: pd.Series(in_values(s, allowed), index=s.index),
                    name="isin", error=f"isin({allowed})")


def _unique_within_row(column: str):
    """Check: ``column`` is not repeated within one spreadsheet row (source_file, member,
    sheet, row): one ``duplicated`` on an integer key of the columns' codes
    (:func:`repstats.courts.keys.duplicated`), not a hash of five string columns per
    row."""
    def check(d: pd.DataFrame) -> pd.Series:
        return pd.Series(~duplicated(d, ["source_file", "member", "sheet", "row", column]),
                         index=d.index)

    return check


_NO_ARTICLE = ("grand_total", "chapter_total", "military_aggregate", "summary",
               "article_group")

COURT_STATS_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "form": pa.Column(str, _isin(sorted(FORMS))),
        "article": pa.Column(str, _matches(r"^\d{3}(\.\d{1,2})?$"),
                             nullable=True),
        "part": pa.Column(str, _matches(r"^\d{1,2}(\.\d{1,2})?$"),
                          nullable=True),
        "paragraph": pa.Column(str, nullable=True),
        "redaction": pa.Column(str, nullable=True),
        "row_type": pa.Column(str, _isin(ROW_TYPES)),
        "label": pa.Column(str, nullable=True),
        "description": pa.Column(str, nullable=True),
        "measure": pa.Column(str, _isin(sorted(MEASURE_NAMES))),
        "value": pa.Column(int, pa.Check.ge(0)),
        "source_file": pa.Column(str),
        "member": pa.Column(str),
        "sheet": pa.Column(str),
        "row": pa.Column(int, pa.Check.ge(1)),
        "column": pa.Column(str, _matches(r"^[A-Z]{1,3}$")),
        "line": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "lumped_parts": pa.Column(str, _matches(
            r"^\d{3}(\.\d{1,2})?( ч\.\d{1,2}(\.\d{1,2})?)?(; \d{3}(\.\d{1,2})?"
            r"( ч\.\d{1,2}(\.\d{1,2})?)?)+$"), nullable=True),
        "subset": pa.Column(str, _isin(["internet", "minors"]), nullable=True),
        "source_sha256": pa.Column(str, _matches(r"^[0-9a-f]{64}$")),
    },
    # the table-level checks decide missing values themselves (ignore_na=False): pandera
    # would otherwise scan the whole table for all-missing rows after each of them
    checks=[
        pa.Check(lambda d: d["article"].notna() == in_values(
            d["row_type"], ["article", "paragraph", "subset"]),
            name="article_iff_article_row", ignore_na=False,
            error="article is set exactly on article, paragraph and subset rows"),
        pa.Check(lambda d: d["paragraph"].isna() | in_values(
            d["row_type"], ["paragraph", "subset"]),
            name="paragraph_only_on_paragraph_rows", ignore_na=False),
        pa.Check(lambda d: d["subset"].notna() == (d["row_type"] == "subset"),
                 name="subset_iff_subset_row", ignore_na=False),
        pa.Check(lambda d: d["lumped_parts"].isna() | in_values(
            d["row_type"], ["article", "article_group"]),
            name="lumped_only_on_article_or_group_rows", ignore_na=False),
        pa.Check(_unique_within_row("column"), name="one_value_per_cell", ignore_na=False),
        pa.Check(_unique_within_row("measure"), name="one_measure_per_row",
                 ignore_na=False),
    ],
    strict=True,
    ordered=True,
    name="court_stats",
)


def validate_court_stats(df: pd.DataFrame, coded: dict | None = None) -> pd.DataFrame:
    """Validate the long table lazily; return it unchanged or raise listing every failure.

    Parameters
    ----------
    df : pandas.DataFrame
        The long table.
    coded : dict, optional
        ``{column: pandas.Categorical}`` (or categorical Series) holding string columns
        of ``df`` with the same values, encoded (e.g. the ``strings`` of a
        :class:`repstats.courts.longtable.LongTable`): the value checks of those
        columns run on the categoricals (a test per category and the integer codes, not a
        million strings hashed per check). ``df``'s own columns, names, order and dtypes
        are still checked against :data:`COURT_STATS_SCHEMA`.

    Raises
    ------
    repstats.errors.ValidationError
        With every failed check (column, check, failure case) in the message.
    """
    coded = {c: v.array if isinstance(v, pd.Series) else v
             for c, v in (coded or {}).items() if c in df.columns}
    if not coded:
        _validate(COURT_STATS_SCHEMA, df)
        return df
    for col, cat in coded.items():
        if not isinstance(cat, pd.Categorical) or len(cat) != len(df) or \
                not pd.api.types.is_string_dtype(cat.categories):
            raise ValueError(f"coded[{col!r}] is not a string categorical of the table's "
                             "length")
    validate_coded(df.assign(**coded), df.iloc[:0])
    return df


def validate_coded(values: pd.DataFrame, dtypes: pd.DataFrame) -> None:
    """Validate the long table given with string columns as categoricals, lazily.

    Parameters
    ----------
    values : pandas.DataFrame
        The long table, any of its string columns as string categoricals (same values;
        e.g. :meth:`repstats.courts.longtable.LongTable.coded`): the value checks of
        those columns run on a test per category and the integer codes.
    dtypes : pandas.DataFrame
        The table's own columns, names, order and dtypes (its rows are not read; e.g.
        :meth:`repstats.courts.longtable.LongTable.empty`), checked against
        :data:`COURT_STATS_SCHEMA`.

    Raises
    ------
    repstats.errors.ValidationError
        With every failed check (column, check, failure case) in the message.
    """
    # structure and dtypes: the declared schema on no rows; values: the same checks on
    # the coded frame, the coded columns declared categorical
    _validate(COURT_STATS_SCHEMA, dtypes.iloc[:0])
    coded = frozenset(c for c in values.columns
                      if isinstance(values[c].dtype, pd.CategoricalDtype))
    _validate(_coded_schema(coded), values)


@lru_cache(maxsize=8)
def _coded_schema(columns: frozenset) -> pa.DataFrameSchema:
    """:data:`COURT_STATS_SCHEMA` with ``columns`` declared categorical (same checks)."""
    return COURT_STATS_SCHEMA.update_columns({c: {"dtype": "category"} for c in columns})


def _validate(schema: pa.DataFrameSchema, df: pd.DataFrame) -> None:
    try:
        # inplace: the schema coerces nothing, so pandera's copy of the table is saved
        schema.validate(df, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"{r.column}: {r.check} (e.g. {r.failure_case!r})"
                 for r in cases.drop_duplicates(["column", "check"]).itertuples()]
        raise ValidationError(f"court_stats failed {len(cases)} check(s):\n"
                              + "\n".join(lines)) from exc

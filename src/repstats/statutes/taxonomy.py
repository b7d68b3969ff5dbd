"""A political taxonomy of Criminal Code articles: article and part -> category.

The package mapping (``src/repstats/data/taxonomy.csv``) gives one category per article
(blank ``part`` = every part) or per part (a part row wins over the article row), with a
rationale and a ``specificity``:

- ``core``: the article is used almost only against speech, association, protest or
  loyalty, so nearly every conviction is politically relevant (e.g. 280, 282.2, 205.2);
- ``mixed``: political and ordinary (or genuinely violent) use are both substantial
  (205.1, 205.4, 205.5, 212);
- ``broad``: mostly ordinary crime, political cases being a small unmeasured share (213
  hooliganism, 318 violence against officials).

Counts of ``broad`` articles mostly measure ordinary crime: analyses should report them
apart from ``core`` ones. Users may pass their own mapping with the same columns.
"""
from __future__ import annotations

import functools

import pandas as pd
import pandera.pandas as pa

from ..config import PACKAGE_DATA
from ..errors import ValidationError
from .ranges import normalize_article, normalize_part
from .table import validate_frame

__all__ = ["CATEGORIES", "SPECIFICITY", "TaxonomySchema", "taxonomy", "categorize", "TAXONOMY_CSV"]

TAXONOMY_CSV = PACKAGE_DATA / "taxonomy.csv"
#: The categories of the package mapping.
CATEGORIES = (
    "terrorism-related speech", "terrorist organisations", "extremist speech",
    "extremist organisations", "separatism", "anti-war speech", "treason and espionage",
    "protest and public order", "undesirable organisations", '"rehabilitation of Nazism"',
    "violence against officials", "terrorist acts and sabotage", "foreign-influence laws",
)

#: How exclusively an article is used politically (see the module docstring).
SPECIFICITY = ("core", "mixed", "broad")


def _unique(df: pd.DataFrame) -> pd.Series:
    return ~df[["article", "part"]].fillna("").duplicated(keep=False)


#: Schema of a mapping: one row per article (``part`` missing) or article-part. (An object
#: schema, not a ``DataFrameModel``: pandera's model annotations import dask on first use,
#: ~1.5 s in every process that loads the taxonomy.)
TaxonomySchema = pa.DataFrameSchema(
    {"article": pa.Column(str, pa.Check.str_matches(r"^\d+(\.\d+)?$")),
     "part": pa.Column(str, pa.Check.str_matches(r"^(—|\d+(\.\d+)?)$"), nullable=True),
     "category": pa.Column(str, pa.Check.str_length(min_value=1)),
     "rationale": pa.Column(str, nullable=True),
     "specificity": pa.Column(str, pa.Check.isin(list(SPECIFICITY)), nullable=True,
                              required=False),
     "specificity_note": pa.Column(str, nullable=True, required=False)},
    checks=[pa.Check(_unique, name="_unique", error="article/part appears more than once")],
    strict="filter", name="TaxonomySchema")


def _validate(df: pd.DataFrame, what: str) -> pd.DataFrame:
    return validate_frame(TaxonomySchema, df, what)


def taxonomy(specificity=None) -> pd.DataFrame:
    """The package's political taxonomy.

    Parameters
    ----------
    specificity : str or sequence of str, optional
        Keep only rows of these specificities (``"core"``, ``"mixed"``, ``"broad"``);
        all rows when omitted.

    Returns
    -------
    pandas.DataFrame
        - ``article`` (str)
        - ``part`` (str or missing = every part of the article)
        - ``category`` (str): one of :data:`CATEGORIES`
        - ``rationale`` (str): why the article belongs there
        - ``specificity`` (str): ``core``, ``mixed`` or ``broad``
        - ``specificity_note`` (str): what that specificity means for counts

    Raises
    ------
    ValueError
        If ``specificity`` names a value outside :data:`SPECIFICITY`.
    """
    wanted = None
    if specificity is not None:
        wanted = [specificity] if isinstance(specificity, str) else list(specificity)
        bad = sorted(set(wanted) - set(SPECIFICITY))
        if bad:
            raise ValueError(f"specificity must be among {SPECIFICITY}, got {bad}")
    df = _package_taxonomy()
    if wanted is not None:
        df = df[df["specificity"].isin(wanted)]
    return df.reset_index(drop=True)  # a new frame: the cached one is never handed out


@functools.lru_cache(maxsize=1)
def _package_taxonomy() -> pd.DataFrame:
    """The package mapping, read and validated once per process (as the sanctions table)."""
    df = pd.read_csv(TAXONOMY_CSV, dtype=str, keep_default_na=False, na_values=[""])
    df = _validate(df, str(TAXONOMY_CSV))
    unknown = sorted(set(df["category"]) - set(CATEGORIES))
    if unknown:
        raise ValidationError(f"{TAXONOMY_CSV}: unknown categories {unknown}")
    return df


def _prepare_mapping(mapping) -> pd.DataFrame:
    if mapping is None:
        return taxonomy()
    if not isinstance(mapping, pd.DataFrame):
        raise ValueError("mapping must be a DataFrame with columns article, part, category "
                         f"(and optionally rationale), got {type(mapping).__name__}")
    missing = [c for c in ("article", "category") if c not in mapping.columns]
    if missing:
        raise ValueError(f"mapping lacks column(s) {missing}; expected article, part, "
                         "category[, rationale]")
    m = mapping.copy()
    if "part" not in m.columns:
        m["part"] = pd.NA
    if "rationale" not in m.columns:
        m["rationale"] = pd.NA
    m["article"] = m["article"].map(normalize_article)
    m["part"] = m["part"].map(normalize_part).astype("object")
    m = m[["article", "part", "category", "rationale"]].astype(
        {"article": str, "category": str})
    m["part"] = m["part"].where(m["part"].notna(), None)
    return _validate(m, "mapping")


def categorize(df: pd.DataFrame, mapping: pd.DataFrame | None = None, *,
               article: str = "article", part: str = "part") -> pd.DataFrame:
    """Add the political category of each row's article and part.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows with an article column (and optionally a part column); not modified.
    mapping : pandas.DataFrame, optional
        Columns ``article``, ``part`` (missing = every part), ``category`` and optionally
        ``rationale``; the package's :func:`taxonomy` when omitted.
    article, part : str
        Column names in ``df``; ``part`` may be absent from ``df``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with:

        - ``category`` (str or missing when the article is not in the mapping; a
          part-level mapping row wins over the article-level row).
        - ``category_rationale`` (str or missing).

    Raises
    ------
    ValueError
        Missing ``article`` column, a bad mapping, unreadable article or part values, or
        ``df`` already having the output columns.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"categorize expects a DataFrame, got {type(df).__name__}")
    if article not in df.columns:
        raise ValueError(f"column {article!r} not in the DataFrame (columns: "
                         f"{list(df.columns)})")
    clash = [c for c in ("category", "category_rationale") if c in df.columns]
    if clash:
        raise ValueError(f"the DataFrame already has column(s) {clash}; rename them first")
    m = _prepare_mapping(mapping)
    arts = df[article].map(lambda a: None if a is None or (not isinstance(a, str)
                                                          and pd.isna(a))
                           else normalize_article(a))
    parts = df[part].map(normalize_part) if part in df.columns else \
        pd.Series(None, index=df.index, dtype="object")
    by_part = {(r.article, r.part): (r.category, r.rationale)
               for r in m[m["part"].notna()].itertuples(index=False)}
    by_article = {r.article: (r.category, r.rationale)
                  for r in m[m["part"].isna()].itertuples(index=False)}
    hits = [by_part.get((a, p)) or by_article.get(a) or (pd.NA, pd.NA)
            for a, p in zip(arts, parts)]
    out = df.copy()
    out["category"] = pd.Series([h[0] for h in hits], index=df.index, dtype="string")
    out["category_rationale"] = pd.Series([h[1] for h in hits], index=df.index,
                                          dtype="string")
    return out

"""Outcome series for claim (a): separate yearly conviction series, never silently pooled.

Each series is a fixed set of taxonomy article-parts (``repstats.statutes.taxonomy``):

- ``core``: articles of ``specificity == "core"`` only (speech, organisation, treason,
  anti-war articles ...);
- ``mixed terrorism``: ``mixed`` articles of the two terrorism categories (205, 205.1,
  205.3-205.6, 281), used both politically and against genuine violence;
- ``mixed riots``: the other ``mixed`` articles (art. 212, mass riots);
- ``broad``: mostly ordinary crime (213, 318);
- ``core + mixed terrorism``: the pooled definition an earlier version used, kept only as
  an alternative in the specification curve;
- ``art. N``: one series per *wartime* article, those whose taxonomy rationale dates their
  creation or their wartime use to 2022 (207.3, 280.3, 280.4, 275, 275.1, ...).

Each series is computed on two bases of form 10-a: ``main`` (persons by main article) and
``additional`` (persons for whom the article was an additional qualification: a 207.3 count
added to another charge is a political case too; category sums count person-article pairs).
The two are never added together.

Missing is not zero. The court forms sometimes report several article-parts in one
*combined* row (``lumped_parts`` lists them: an ``article_group`` row such as
``280.4 ч.1; ...; 282.4 ч.2`` in 2022, or a pooled ``article`` row); such a row is never
split. Counting follows :func:`repstats.stats.counts.political_counts` with the series as
one category: a combined row whose lumped article-parts all belong to the series is counted
in full, a combined row of 0 persons is 0 for each article-part it lumps, and a combined
row of persons that mixes series and non-series article-parts makes the series-year
incomplete: ``persons`` missing with the reason (file, sheet, row), a lower bound
``persons_low`` (the separately reported rows) and an upper bound ``persons_high`` (plus
the whole combined rows).
"""
from __future__ import annotations

import pandas as pd

from repstats.courts.labels import lumped_pairs
from repstats.stats.counts import (ADDITIONAL_MEASURE, MAIN_MEASURE, UNITS, _category_of,
                                   _count_many, _lookup, _prepare)
from repstats.stats.inputs import COURT_STATS, TAXONOMY, norm_part, norm_parts, validate

#: Categories whose ``mixed`` articles form the "mixed terrorism" series.
TERRORISM_CATEGORIES = ("terrorist organisations", "terrorist acts and sabotage")
#: Year marking an article as wartime when its taxonomy rationale mentions it.
WARTIME_YEAR = "2022"
_MEASURES = {MAIN_MEASURE["10-a"]: "main", ADDITIONAL_MEASURE: "additional"}
#: Columns of the court table that :func:`outcome_series` and :func:`combined_rows` read
#: (``repstats.load("court_stats", columns=COURT_COLUMNS)`` reads no more).
COURT_COLUMNS = ["year", "form", "article", "part", "redaction", "row_type", "measure",
                 "value", "lumped_parts", "sheet", "row"]
COLUMNS = ["year", "series", "basis", "persons", "persons_low", "persons_high",
           "total_convicted", "rate_per_100k", "rate_low", "rate_high", "n_articles",
           "missing_reason", "unit"]


def series_definitions(taxonomy: pd.DataFrame) -> pd.DataFrame:
    """Which article-parts make each outcome series.

    Parameters
    ----------
    taxonomy : DataFrame
        ``article``, ``part``, ``category``, ``specificity`` (``rationale`` used to find
        wartime articles); not modified.

    Returns
    -------
    DataFrame
        One row per series x article-part: ``series``, ``kind`` ("specificity" or
        "wartime article"), ``article``, ``part`` (None = every part), ``category``,
        ``specificity``.
    """
    need = ["article", "part", "category", "specificity", "rationale"]
    missing = [c for c in need if c not in taxonomy.columns]
    if missing:
        raise ValueError(f"taxonomy lacks column(s) {missing}; use repstats.statutes."
                         "taxonomy()")
    tax = taxonomy.assign(article=taxonomy["article"].astype(str).str.strip(),
                          part=norm_parts(taxonomy["part"]))
    spec, cat = tax["specificity"], tax["category"]
    groups = {
        "core": spec == "core",
        "mixed terrorism": (spec == "mixed") & cat.isin(TERRORISM_CATEGORIES),
        "mixed riots": (spec == "mixed") & ~cat.isin(TERRORISM_CATEGORIES),
        "broad": spec == "broad",
        # the old, pooled definition: shown in the specification curve only
        "core + mixed terrorism": (spec == "core") | ((spec == "mixed")
                                                     & cat.isin(TERRORISM_CATEGORIES)),
    }
    parts = [tax[m].assign(series=name, kind="specificity") for name, m in groups.items()]
    war = tax[tax["rationale"].fillna("").str.contains(WARTIME_YEAR)]
    for art in sorted(war["article"].unique(), key=lambda a: tuple(map(int, a.split(".")))):
        parts.append(tax[tax["article"] == art].assign(series=f"art. {art}",
                                                       kind="wartime article"))
    out = pd.concat(parts, ignore_index=True)
    return out[["series", "kind", "article", "part", "category", "specificity"]]


def _series_taxonomy(d: pd.DataFrame, series: str) -> pd.DataFrame:
    """The series' article-parts as a taxonomy whose one category is the series."""
    return (d[["article", "part"]].drop_duplicates()
            .assign(category=series).reset_index(drop=True))


def _series_lookups(defs: pd.DataFrame) -> dict:
    """``{series: (exact, whole, parts_only)}``: every series' article-parts as a taxonomy
    whose one category is the series, validated once for all series."""
    series_tax = validate(pd.concat([_series_taxonomy(d, series) for series, d
                                     in defs.groupby("series", sort=False)],
                                    ignore_index=True), TAXONOMY)
    return {series: _lookup(t) for series, t in series_tax.groupby("category", sort=False)}


#: How a combined row enters a series (``combined_rows`` column ``treatment``).
TREATMENTS = {
    "zero": "0 persons: 0 for each article-part it lumps",
    "counted": "counted in full: every article-part it lumps is in the series",
    "pooled": "a pooled row of a series article: counted as that article",
    "hidden": "not separable: lumped with articles outside the series (series-year "
              "incomplete, bounds)",
}
COMBINED_COLUMNS = ["year", "basis", "series", "row_type", "lumped_parts",
                    "series_parts", "persons", "treatment"]


def _combined(cs: pd.DataFrame, defs: pd.DataFrame, measures: dict,
              lookups: dict) -> pd.DataFrame:
    rows = cs[cs["lumped_parts"].notna() & cs["measure"].isin(measures)
              & cs["row_type"].isin(["article", "article_group"])] \
        if "lumped_parts" in cs.columns else cs.iloc[:0]
    out = []
    for series, d in defs.groupby("series", sort=False):
        exact, whole, _ = lookups[series]
        for rec in rows.itertuples(index=False):
            pairs = lumped_pairs(rec.lumped_parts)
            inside = [_category_of(a, p, exact, whole) is not None for a, p in pairs]
            if not any(inside):
                continue
            direct = rec.row_type == "article" and _category_of(
                str(rec.article).strip(), norm_part(rec.part), exact, whole) is not None
            treatment = ("pooled" if direct else "zero" if rec.value == 0 else
                         "counted" if all(inside) else "hidden")
            parts = "; ".join(f"{a} ч.{p}" if p else a
                              for (a, p), i in zip(pairs, inside) if i)
            out.append((int(rec.year), measures[rec.measure], series, rec.row_type,
                        rec.lumped_parts, parts, float(rec.value), TREATMENTS[treatment]))
    return (pd.DataFrame(out, columns=COMBINED_COLUMNS)
            .sort_values(["year", "series", "basis"], kind="stable").reset_index(drop=True))


def combined_rows(court_stats: pd.DataFrame, taxonomy: pd.DataFrame) -> pd.DataFrame:
    """The combined rows of form 10-a that lump an article-part of an outcome series, and
    how each enters the series (what :func:`outcome_series` does with them, shown).

    Parameters
    ----------
    court_stats : DataFrame
        The long court table (``repstats.load("court_stats")``); rows with
        ``lumped_parts`` of form 10-a, measures of persons by main article and by
        additional qualification, are read. Not modified.
    taxonomy : DataFrame
        ``repstats.statutes.taxonomy()`` or a mapping with the same columns.

    Returns
    -------
    DataFrame
        One row per combined row x series whose article-parts it lumps:

        - ``year`` (int), ``basis`` ("main" or "additional"), ``series``
        - ``row_type``: "article_group" (several articles) or "article" (parts of one
          article pooled)
        - ``lumped_parts``: the article-parts the row lumps, as the court table lists them
        - ``series_parts``: those that belong to the series
        - ``persons``: the row's count
        - ``treatment``: one of :data:`TREATMENTS`' texts (0 for each article-part;
          counted in full; pooled row counted as its article; not separable)

    Raises
    ------
    ValueError
        The taxonomy lacks a needed column, or the court table has no 10-a rows.
    """
    defs = series_definitions(taxonomy)
    return _combined(_series_input(court_stats), defs, _MEASURES, _series_lookups(defs))


def _series_input(court_stats: pd.DataFrame) -> pd.DataFrame:
    """The 10-a rows the series need, validated (loaded categories and Int64 as plain
    columns)."""
    # compared as they come (categories of the loaded table): no text copy of ~1M rows
    form = (court_stats["form"] == "10-a").to_numpy(bool)
    if not form.any():
        raise ValueError("court_stats has no rows of form '10-a'")
    cs = court_stats[form & court_stats["measure"].isin(list(_MEASURES)).to_numpy(bool)
                     & court_stats["row_type"].isin(
                         ["article", "article_group", "grand_total"]).to_numpy(bool)]
    keep = [c for c in COURT_COLUMNS if c in cs.columns]
    return validate(cs[keep], COURT_STATS)


def outcome_series(court_stats: pd.DataFrame, taxonomy: pd.DataFrame) -> pd.DataFrame:
    """Yearly conviction counts and rates for every outcome series (see the module doc).

    Parameters
    ----------
    court_stats : DataFrame
        The long court table (``repstats.load("court_stats")`` or
        ``repstats.courts.read_court_stats``); form 10-a rows are used, combined rows
        (``lumped_parts``) as the module docstring says. Not modified.
    taxonomy : DataFrame
        ``repstats.statutes.taxonomy()`` or a mapping with the same columns.

    Returns
    -------
    DataFrame
        One row per year x series x basis:

        - ``year`` (int), ``series`` (str), ``basis`` ("main" or "additional")
        - ``persons``: persons (main) or person-article pairs (additional); missing when
          part of the series is hidden in a combined row with other articles
        - ``persons_low``, ``persons_high``: bounds (equal to ``persons`` when complete;
          ``persons_low`` counts the article-parts reported separately, ``persons_high``
          adds the whole combined rows)
        - ``total_convicted``: all persons convicted that year (10-a grand total)
        - ``rate_per_100k``, ``rate_low``, ``rate_high``: the above per 100,000
          convictions
        - ``n_articles``: article-parts in the series definition
        - ``missing_reason``: why ``persons`` is missing ("" when complete), naming the
          combined row and where it stands in the source
        - ``unit``: counting unit in words

    Raises
    ------
    ValueError
        The taxonomy lacks a needed column, or the court table has no 10-a rows.
    """
    defs = series_definitions(taxonomy)
    cs = _series_input(court_stats)
    lookups = _series_lookups(defs)
    hidden = _combined(cs, defs, _MEASURES, lookups)
    hidden = (hidden[hidden["treatment"] == TREATMENTS["hidden"]]
              .groupby(["series", "year", "basis"], as_index=False)["persons"].sum()
              .rename(columns={"persons": "hidden"}))
    frames = []
    prepared = _prepare(cs, "10-a", include_additional=True)  # once for every series
    # one grouped pass over the rows for all series
    wholes = _count_many(prepared, lookups, by="category")
    all_parts = _count_many(prepared, lookups, by="article_part")
    by_series = list(defs.groupby("series", sort=False))
    for series, d in by_series:
        f = wholes[series][["year", "basis", "persons", "total_convicted", "missing_reason"]]
        if f.empty:  # no row of the series in any year: zeros over the form's years
            years = sorted(cs.loc[cs["row_type"] == "grand_total", "year"].astype(int)
                           .unique())
            f = pd.DataFrame([(y, b) for y in years for b in ("main", "additional")],
                             columns=["year", "basis"]).assign(persons=0.0,
                                                               missing_reason=None)
            grand = cs[(cs["row_type"] == "grand_total")
                       & (cs["measure"] == MAIN_MEASURE["10-a"])]
            f["total_convicted"] = f["year"].map(grand.groupby("year")["value"].first())
        frames.append(f.assign(series=series, n_articles=len(d)))
    # the bounds of every series at once: the article-parts reported separately (low)
    # and the combined rows hiding part of a series (added to the high bound)
    keys = ["series", "year", "basis"]
    parts = pd.concat([all_parts[series][["year", "basis", "persons"]].assign(series=series)
                       for series, _ in by_series], ignore_index=True)
    low = (parts.assign(persons=parts["persons"].astype(float))
           .groupby(keys, as_index=False)["persons"].sum()
           .rename(columns={"persons": "_low"}))
    out = (pd.concat(frames, ignore_index=True)
           .merge(hidden, on=keys, how="left").merge(low, on=keys, how="left"))
    out["persons"] = out["persons"].astype(float)
    missing = out["persons"].isna()
    out["persons_low"] = out["persons"].where(~missing, out["_low"].astype(float))
    out["persons_high"] = out["persons"].where(~missing, out["persons_low"]
                                               + out["hidden"].fillna(0.0))
    out["missing_reason"] = out["missing_reason"].where(missing, "").fillna(
        "count not separable (no reason given)")
    out["year"] = out["year"].astype(int)
    out["unit"] = out["basis"].map(UNITS)
    for c, src in (("rate_per_100k", "persons"), ("rate_low", "persons_low"),
                   ("rate_high", "persons_high")):
        out[c] = out[src] / out["total_convicted"] * 1e5
    return out[COLUMNS].reset_index(drop=True)

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
                                   _taxonomy_lookup, political_counts)
from repstats.stats.inputs import COURT_STATS, norm_part, norm_parts, validate

#: Categories whose ``mixed`` articles form the "mixed terrorism" series.
TERRORISM_CATEGORIES = ("terrorist organisations", "terrorist acts and sabotage")
#: Year marking an article as wartime when its taxonomy rationale mentions it.
WARTIME_YEAR = "2022"
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


def _hidden(cs: pd.DataFrame, tax: pd.DataFrame, measures: dict) -> pd.DataFrame:
    """Persons in combined rows (``lumped_parts``) that lump a series article-part and
    cannot be counted for the series (they also lump others): the upper bound's addition.
    Columns year, basis, hidden."""
    if "lumped_parts" not in cs.columns:
        return pd.DataFrame(columns=["year", "basis", "hidden"])
    exact, whole, _ = _taxonomy_lookup(tax)
    rows = cs[cs["lumped_parts"].notna() & cs["measure"].isin(measures)
              & cs["row_type"].isin(["article", "article_group"]) & (cs["value"] > 0)]
    out = []
    for year, measure, row_type, art, part, lumped, value in zip(
            rows["year"], rows["measure"], rows["row_type"], rows["article"],
            rows["part"], rows["lumped_parts"], rows["value"]):
        if row_type == "article" and _category_of(str(art).strip(), norm_part(part),
                                                  exact, whole) is not None:
            continue  # a pooled row of a series article: counted directly
        inside = [_category_of(a, p, exact, whole) is not None
                  for a, p in lumped_pairs(lumped)]
        if any(inside) and not all(inside):
            out.append((int(year), measures[measure], float(value)))
    out = pd.DataFrame(out, columns=["year", "basis", "hidden"])
    return out.groupby(["year", "basis"], as_index=False)["hidden"].sum()


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
    measures = {MAIN_MEASURE["10-a"]: "main", ADDITIONAL_MEASURE: "additional"}
    form = court_stats["form"].astype(str) == "10-a"
    if not form.any():
        raise ValueError("court_stats has no rows of form '10-a'")
    # only what the series need: one validation of a small frame per series
    cs = court_stats[form & court_stats["measure"].astype(str).isin(measures)
                     & court_stats["row_type"].astype(str).isin(
                         ["article", "article_group", "grand_total"])]
    cs = validate(cs, COURT_STATS)  # loaded categories and Int64 as plain columns
    frames = []
    for series, d in defs.groupby("series", sort=False):
        tax = _series_taxonomy(d, series)
        whole = political_counts(cs, tax, by="category", include_additional=True)
        parts = political_counts(cs, tax, by="article_part", include_additional=True)
        low = (parts.assign(persons=parts["persons"].astype(float))
               .groupby(["year", "basis"])["persons"].sum())
        f = whole[["year", "basis", "persons", "total_convicted", "missing_reason"]]
        if f.empty:  # no row of the series in any year: zeros over the form's years
            years = sorted(cs.loc[cs["row_type"] == "grand_total", "year"].astype(int)
                           .unique())
            f = pd.DataFrame([(y, b) for y in years for b in ("main", "additional")],
                             columns=["year", "basis"]).assign(persons=0.0,
                                                               missing_reason=None)
            grand = cs[(cs["row_type"] == "grand_total")
                       & (cs["measure"] == MAIN_MEASURE["10-a"])]
            f["total_convicted"] = f["year"].map(grand.groupby("year")["value"].first())
        f = f.merge(_hidden(cs, tax, measures), on=["year", "basis"], how="left")
        f["persons"] = f["persons"].astype(float)
        missing = f["persons"].isna()
        f["persons_low"] = f["persons"].where(~missing, pd.Series(
            list(zip(f["year"], f["basis"]))).map(low).astype(float))
        f["persons_high"] = f["persons"].where(~missing, f["persons_low"]
                                               + f["hidden"].fillna(0.0))
        f["missing_reason"] = f["missing_reason"].where(missing, "").fillna(
            "count not separable (no reason given)")
        frames.append(f.assign(series=series, n_articles=len(d)))
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["unit"] = out["basis"].map(UNITS)
    for c, src in (("rate_per_100k", "persons"), ("rate_low", "persons_low"),
                   ("rate_high", "persons_high")):
        out[c] = out[src] / out["total_convicted"] * 1e5
    return out[COLUMNS].reset_index(drop=True)

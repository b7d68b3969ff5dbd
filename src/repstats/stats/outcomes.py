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

Missing is not zero. From 2022 some new article-parts stand in *combined* rows that lump
several articles (``row_type == "combined"``), and the long table may hold rows whose value
is missing (with a reason). A series touching such a row gets ``persons`` missing, a lower
bound ``persons_low`` (the rows known) and an upper bound ``persons_high`` (plus the whole
combined rows), and ``missing_reason`` says why.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from repstats.stats.counts import ADDITIONAL_MEASURE, MAIN_MEASURE, UNITS, political_counts
from repstats.stats.inputs import norm_parts

#: Categories whose ``mixed`` articles form the "mixed terrorism" series.
TERRORISM_CATEGORIES = ("terrorist organisations", "terrorist acts and sabotage")
#: Year marking an article as wartime when its taxonomy rationale mentions it.
WARTIME_YEAR = "2022"
COLUMNS = ["year", "series", "basis", "persons", "persons_low", "persons_high",
           "total_convicted", "rate_per_100k", "rate_low", "rate_high", "n_articles",
           "missing_reason", "unit"]
_ARTICLE_RE = re.compile(r"(?<![\d.])(\d{3}(?:\.\d{1,2})?)(?![\d])")


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


def _label_articles(label) -> set[str]:
    return set(_ARTICLE_RE.findall(str(label))) if isinstance(label, str) else set()


def _gaps(court_stats: pd.DataFrame, defs: pd.DataFrame, measures: dict) -> pd.DataFrame:
    """Rows that hide counts of series articles: combined rows naming one of them, and
    series-article rows whose value is missing. Columns year, basis, series, value, reason."""
    cs = court_stats[(court_stats["form"] == "10-a") & court_stats["measure"].isin(measures)]
    out = []
    articles = defs.groupby("series")["article"].agg(set)
    if "row_type" in cs.columns:
        comb = cs[cs["row_type"] == "combined"]
        label = comb["label"] if "label" in comb.columns else comb["article"]
        for (year, measure, text, value) in zip(comb["year"], comb["measure"], label,
                                               comb["value"]):
            inside = _label_articles(text)
            for series, arts in articles.items():
                hit = sorted(inside & arts)
                if hit:
                    out.append((year, measures[measure], series, value,
                                f"{year}: art. {', '.join(hit)} counted only in a combined "
                                f"row '{text}'"))
    art = cs[(cs["row_type"] == "article") & cs["value"].isna()]
    reason = art["reason"] if "reason" in art.columns else pd.Series(
        "value missing in the source table", index=art.index)
    for (year, measure, a, why) in zip(art["year"], art["measure"],
                                       art["article"].astype(str).str.strip(), reason):
        for series, arts in articles.items():
            if a in arts:
                out.append((year, measures[measure], series, 0.0,
                            f"{year}: art. {a} missing ({why})"))
    return pd.DataFrame(out, columns=["year", "basis", "series", "value", "reason"])


def outcome_series(court_stats: pd.DataFrame, taxonomy: pd.DataFrame) -> pd.DataFrame:
    """Yearly conviction counts and rates for every outcome series (see the module doc).

    Parameters
    ----------
    court_stats : DataFrame
        The long court table (``repstats.courts.read_court_stats``); form 10-a rows are
        used. Rows with a missing ``value`` and ``row_type == "combined"`` rows are never
        read as zero. Not modified.
    taxonomy : DataFrame
        ``repstats.statutes.taxonomy()`` or a mapping with the same columns.

    Returns
    -------
    DataFrame
        One row per year x series x basis:

        - ``year`` (int), ``series`` (str), ``basis`` ("main" or "additional")
        - ``persons``: persons (main) or person-article pairs (additional); missing when
          part of the series is hidden in a combined row or a missing value
        - ``persons_low``, ``persons_high``: bounds (equal to ``persons`` when complete;
          ``persons_high`` adds the whole combined rows, missing when a hidden value has
          no bound)
        - ``total_convicted``: all persons convicted that year (10-a grand total)
        - ``rate_per_100k``, ``rate_low``, ``rate_high``: the above per 100,000
          convictions
        - ``n_articles``: article-parts in the series definition
        - ``missing_reason``: why ``persons`` is missing ("" when complete)
        - ``unit``: counting unit in words

    Raises
    ------
    ValueError
        The taxonomy lacks a needed column, or the court table has no 10-a rows.
    """
    defs = series_definitions(taxonomy)
    measures = {MAIN_MEASURE["10-a"]: "main", ADDITIONAL_MEASURE: "additional"}
    known = court_stats[court_stats["value"].notna()]
    if "row_type" in known.columns:
        known = known[known["row_type"] != "combined"]
    tax = defs.drop_duplicates(["article", "part"])[["article", "part", "category"]]
    counts = political_counts(known, tax.assign(category=tax["article"] + "|"
                                                + tax["part"].fillna("")),
                              by="category", include_additional=True)
    if counts.empty:  # no article row with a value (e.g. every count hidden)
        counts = pd.DataFrame({c: pd.Series(dtype=object)
                               for c in ("year", "basis", "category", "persons")})
    counts = counts.assign(article=counts["category"].map(lambda c: c.split("|")[0]),
                           part=counts["category"].map(lambda c: c.split("|")[1]))
    grand = court_stats[(court_stats["form"] == "10-a")
                        & (court_stats["row_type"] == "grand_total")
                        & (court_stats["measure"] == MAIN_MEASURE["10-a"])]
    totals = grand.groupby("year")["value"].first()
    gaps = _gaps(court_stats, defs, measures)
    rows = []
    years = sorted(set(counts["year"]) | set(totals.index) | set(gaps["year"]))
    for series, d in defs.groupby("series", sort=False):
        members = set(zip(d["article"], d["part"].fillna("")))
        sel = counts.loc[np.array([(a, p) in members for a, p in
                                   zip(counts["article"], counts["part"])], dtype=bool)]
        for basis in ("main", "additional"):
            b = sel[sel["basis"] == basis]
            s = b.groupby("year")["persons"].sum()  # known rows (NaN skipped here ...)
            nan = b[b["persons"].isna()]            # ... and reported as hidden below
            g = gaps[(gaps["series"] == series) & (gaps["basis"] == basis)]
            for year in years:
                low = float(s.get(year, 0.0))
                gy = g[g["year"] == year]
                lost = nan[(nan["year"] == year)
                           & ~nan["article"].isin(_label_articles(" ".join(gy["reason"])))]
                if len(lost):  # a count returned missing by political_counts
                    why = next((c for c in ("missing_reason", "reason") if c in lost), None)
                    gy = pd.concat([gy, pd.DataFrame({
                        "value": np.nan, "reason": [
                            f"{year}: art. {a} count missing"
                            + (f" ({r})" if why and isinstance(r, str) and r else "")
                            for a, r in zip(lost["article"], lost[why] if why else
                                            [None] * len(lost))]})], ignore_index=True)
                hidden = gy["value"].sum(min_count=1) if len(gy) else 0.0
                if len(gy) and gy["value"].isna().any():
                    hidden = np.nan
                complete = gy.empty
                rows.append(dict(year=int(year), series=series, basis=basis,
                                 persons=low if complete else np.nan, persons_low=low,
                                 persons_high=low + hidden,
                                 total_convicted=totals.get(year, np.nan),
                                 n_articles=len(d),
                                 missing_reason="" if complete else "; ".join(
                                     dict.fromkeys(gy["reason"])),
                                 unit=UNITS[basis]))
    out = pd.DataFrame(rows)
    for c, src in (("rate_per_100k", "persons"), ("rate_low", "persons_low"),
                   ("rate_high", "persons_high")):
        out[c] = out[src] / out["total_convicted"] * 1e5
    return out[COLUMNS]

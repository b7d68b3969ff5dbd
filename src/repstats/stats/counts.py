"""Yearly counts of persons convicted under politically used articles.

Counts come from the long court-statistics table (contract 1) and a taxonomy of
politically used article-parts (contract 2, ``repstats.statutes.taxonomy``). The unit is
stated in every output row because the Judicial Department counts *persons by their main
(most serious) article*, not prosecutions, cases or distinct people over time.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from repstats.courts.labels import lumped_pairs
from repstats.stats.inputs import COURT_STATS, TAXONOMY, norm_parts, validate

#: Measure holding persons convicted by main article, per form.
MAIN_MEASURE = {"10-a": "convicted_main", "10.3": "convicted_total"}
#: Measure holding persons with the article as an additional qualification (form 10-a).
ADDITIONAL_MEASURE = "additional_persons"
UNITS = {
    "main": "persons convicted, by main (most serious) article",
    "additional": ("persons convicted with the article as an additional (not the most "
                   "serious) qualification; category sums count person-article pairs"),
}
_BY = ("category", "article_part")


def _taxonomy_lookup(taxonomy: pd.DataFrame):
    return _lookup(validate(taxonomy, TAXONOMY))


def _lookup(tax: pd.DataFrame):
    """``(exact, whole, parts_only)`` of a validated taxonomy."""
    tax = tax.assign(article=tax["article"].str.strip(), part=norm_parts(tax["part"]))
    dup = tax.duplicated(["article", "part"], keep=False)
    if dup.any():
        pairs = tax.loc[dup, ["article", "part"]].drop_duplicates().to_records(index=False)
        raise ValueError(f"taxonomy maps article-part(s) {list(map(tuple, pairs))[:5]} to "
                         "several rows; each article-part needs one category")
    triples = list(zip(tax["article"], tax["part"], tax["category"]))
    exact = {(a, p): c for a, p, c in triples if p is not None}
    whole = {a: c for a, p, c in triples if p is None}
    parts_only = set(a for a, _ in exact) - set(whole)
    return exact, whole, parts_only


def _classify(pairs, exact, whole, parts_only) -> tuple[list, list]:
    """Category of each distinct (article, part) pair (None when out of scope) and an
    exclusion reason (None when there is none)."""
    cats, reasons = [], []
    for a, p in pairs:
        if (a, p) in exact:
            cats.append(exact[(a, p)])
            reasons.append(None)
        elif a in whole:
            cats.append(whole[a])
            reasons.append(None)
        else:
            cats.append(None)
            reasons.append("row without a part, but the taxonomy classifies only some "
                           f"parts of article {a}" if p is None and a in parts_only
                           else None)
    return cats, reasons


def _pairs(rows: pd.DataFrame):
    """``(codes, pairs)``: each row's index into the distinct (article, part) pairs."""
    keys = list(zip(rows["article"].tolist(), rows["part"].tolist()))
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object))
    return codes, list(uniques)


def _category_of(article, part, exact, whole):
    if (article, part) in exact:
        return exact[(article, part)]
    return whole.get(article)


def _lumped(records, exact, whole, by: str):
    """Combined rows (``lumped_parts``, records of :func:`_combined_records`): what can be
    counted and what cannot.

    A combined row is never split. Its persons are counted for a category only when every
    article-part it lumps belongs to that category (``by="category"``); a combined row of
    0 persons means 0 for each article-part it lists. Otherwise each politically used
    article-part it lumps makes its category (article-part) not separable that year.

    Returns ``(assigned, blocked)``: the rows counted, with their ``category`` (and, for
    ``by="article_part"``, never any), and one row per (year, basis, key) that cannot be
    counted, with a ``missing_reason``.
    """
    assigned, blocked = [], []
    for rec in records:
        pairs = lumped_pairs(rec.lumped_parts)
        cats = [_category_of(a, p, exact, whole) for a, p in pairs]
        political = [(a, p, c) for (a, p), c in zip(pairs, cats) if c is not None]
        if not political:
            continue
        if rec.value == 0:
            continue  # 0 persons in the combined row: 0 for each lumped article-part
        if by == "category" and len(set(cats)) == 1:
            assigned.append(rec._replace(category=cats[0]))
            continue
        where = (f"form {rec.form}, sheet {rec.sheet!r} row {rec.row}"
                 if hasattr(rec, "sheet") and hasattr(rec, "row") else f"form {rec.form}")
        reason = (f"not separable in {rec.year}: {int(rec.value)} persons stand in one "
                  f"combined row '{rec.lumped_parts}' ({where}) that lumps this "
                  "article-part with others; the row is never split")
        for a, p, c in political:
            blocked.append({"year": rec.year, "basis": rec.basis, "category": c,
                            "article": a, "part": p, "missing_reason": reason})
    return assigned, blocked


def _superseded_totals(rows: pd.DataFrame) -> pd.Series:
    """True for part-less rows of an article that also has part rows (the article total)."""
    has_parts = (rows.assign(_has=rows["part"].notna())
                 .groupby(["year", "article", "_red", "measure"])["_has"].transform("any"))
    return rows["part"].isna() & has_parts


def political_counts(court_stats: pd.DataFrame, taxonomy: pd.DataFrame,
                     by: str = "category", include_additional: bool = False,
                     form: str = "10-a", return_excluded: bool = False):
    """Yearly persons convicted under politically used articles, with shares and rates.

    Parameters
    ----------
    court_stats : DataFrame
        Long court table (``repstats.courts.read_court_stats``): year, form, article,
        part, redaction, row_type, measure, value (and ``lumped_parts`` when present).
        ``row_type == "article"`` rows are counted, and combined rows (``lumped_parts``)
        as described under ``persons``; the ``grand_total`` row of the same form and
        year is the denominator.
    taxonomy : DataFrame
        article, part, category (``repstats.statutes.taxonomy``). A missing ``part``
        classifies every part of the article; a specific part takes precedence.
    by : {"category", "article_part"}
        Aggregate to taxonomy categories, or keep each article-part.
    include_additional : bool
        Also return rows with ``basis == "additional"``: persons for whom the article was
        an additional qualification (form 10-a ``additional_persons``). They are counted
        separately and never added to the main-article counts, since the same person
        appears under the main article too.
    form : {"10-a", "10.3"}
        Main-article measure: 10-a ``convicted_main`` (default) or 10.3
        ``convicted_total``.
    return_excluded : bool
        Also return the politically used rows left out (see below).

    Returns
    -------
    DataFrame
        One row per year x basis x category (x article x part when
        ``by="article_part"``); a category (article-part) seen for a basis in any year is
        zero-filled, for that basis, in the other years for which the form has data.
        Columns:

        - ``year`` (int), ``form`` (str)
        - ``basis``: "main" or "additional"
        - ``category``; with ``by="article_part"`` also ``article`` and ``part``
        - ``persons`` (Int64): count of persons (see ``unit``); missing (never 0) when
          the year's figure cannot be separated: the form reports the article-part only
          inside a combined row with other articles (2022 10.3: ``264.3 ч. 1, 264.3
          ч. 2, 274.2 ч. 1, 275.1``); see ``missing_reason``
        - ``share_of_political``: persons / all politically used persons of the same year
          and basis (NaN when that total is 0)
        - ``total_convicted``: persons convicted under any article that year (grand-total
          row; NaN when the year has none)
        - ``rate_per_100k``: persons per 100,000 convictions (persons / total_convicted *
          1e5)
        - ``n_source_rows``: number of court-table rows summed (several when an
          article-part appears in two redactions)
        - ``unit``: the counting unit in words
        - ``missing_reason``: why ``persons`` is missing (None when it is not);
          ``share_of_political`` is then missing for every row of that year and basis

    excluded : DataFrame, only with ``return_excluded=True``
        The court-table rows of politically used articles left out, with a ``reason``
        column (article totals superseded by their part rows, part-less rows the taxonomy
        cannot classify). Returned as ``(counts, excluded)``.
    """
    if by not in _BY:
        raise ValueError(f"by must be one of {_BY}, got {by!r}")
    if form not in MAIN_MEASURE:
        raise ValueError(f"form must be one of {tuple(MAIN_MEASURE)}, got {form!r}")
    if include_additional and form != "10-a":
        raise ValueError("additional qualifications are reported only in form 10-a; "
                         "use form='10-a' with include_additional=True")
    prepared = _prepare(validate(court_stats, COURT_STATS), form, include_additional)
    return _count(prepared, _taxonomy_lookup(taxonomy), by, return_excluded)


class _Prepared(NamedTuple):
    """What every count over one validated court table shares, whatever the taxonomy."""
    cs: pd.DataFrame  # rows of the form
    form: str
    total_by_year: pd.Series
    measures: dict
    rows: pd.DataFrame  # article rows of the measures, article stripped, part normalised
    lumped_col: pd.Series
    pairs: tuple  # (codes, distinct (article, part) pairs) of ``rows``
    groups: list  # combined article_group rows of the measures, as records for _lumped
    total_row: pd.Series  # True for part-less rows of an article that also has part rows


def _prepare(cs: pd.DataFrame, form: str, include_additional: bool) -> _Prepared:
    """The taxonomy-independent part of :func:`political_counts`, on a validated table
    (done once when several taxonomies are counted, as in ``outcome_series``)."""
    cs = cs[cs["form"] == form].reset_index(drop=True)
    main = MAIN_MEASURE[form]
    if cs.empty:
        raise ValueError(f"court_stats has no rows of form {form!r}")

    totals = cs[(cs["row_type"] == "grand_total") & (cs["measure"] == main)]
    clash = totals.groupby("year")["value"].nunique()
    if (clash > 1).any():
        raise ValueError(f"form {form!r} has conflicting grand-total {main} values in "
                         f"year(s) {clash[clash > 1].index.tolist()}")
    total_by_year = totals.groupby("year")["value"].first()

    measures = {main: "main"} | ({ADDITIONAL_MEASURE: "additional"}
                                 if include_additional else {})
    rows = cs[(cs["row_type"] == "article") & cs["measure"].isin(measures)].copy()
    rows["article"] = rows["article"].astype(str).str.strip()
    rows["part"] = norm_parts(rows["part"])
    red = rows["redaction"] if "redaction" in rows.columns else pd.Series("", index=rows.index)
    rows["_red"] = red.fillna("").astype(str)
    lumped_col = (cs["lumped_parts"] if "lumped_parts" in cs.columns
                  else pd.Series(None, index=cs.index, dtype=object))
    groups = cs[(cs["row_type"] == "article_group") & cs["measure"].isin(measures)
                & lumped_col.notna()]
    return _Prepared(cs, form, total_by_year, measures, rows, lumped_col, _pairs(rows),
                     _combined_records(groups, measures, lumped_col),
                     _superseded_totals(rows))


def _combined_records(rows: pd.DataFrame, measures: dict, lumped_col: pd.Series) -> list:
    """Combined rows as the records :func:`_lumped` reads (basis, no category yet)."""
    rows = rows.assign(basis=rows["measure"].map(measures), category=None,
                       lumped_parts=lumped_col.loc[rows.index])
    return list(rows.itertuples(index=False))


def _count(prepared: _Prepared, lookup, by: str, return_excluded: bool = False):
    """:func:`political_counts` from a prepared table and a taxonomy look-up."""
    return _count_many(prepared, {0: lookup}, by, return_excluded)[0]


def _count_many(prepared: _Prepared, lookups: dict, by: str,
                return_excluded: bool = False) -> dict:
    """:func:`_count` for several taxonomy look-ups (``{key: lookup}``) in one grouped
    pass over the rows; ``{key: result}`` in the order of ``lookups``."""
    keys_of = list(lookups)
    x, reason, pooled = _classified_rows(prepared, [lookups[k] for k in keys_of])
    assigned, blocked, excluded = [], [], {}
    for k, key in enumerate(keys_of):
        exact, whole, _ = lookups[key]
        mine = (x["_tax"] == k).to_numpy()
        own = x.index[mine & pooled.to_numpy()]
        # most taxonomies have no pooled row of their own: no frame built for none
        records = prepared.groups + (_combined_records(prepared.cs.loc[own],
                                                       prepared.measures,
                                                       prepared.lumped_col)
                                     if len(own) else [])
        got, stop = _lumped(records, exact, whole, by)
        assigned += [dict(r._asdict(), _tax=k) for r in got]
        blocked += [dict(b, _tax=k) for b in stop]
        if return_excluded:
            out = mine & (reason.notna() & ~pooled).to_numpy()
            excluded[key] = (x[out].drop(columns=["_red", "_tax"])
                             .assign(reason=reason[out]).reset_index(drop=True))
    x = x[x["category"].notna().to_numpy() & reason.isna().to_numpy()]
    x["basis"] = x["measure"].map(prepared.measures)
    if assigned:
        extra = pd.DataFrame(assigned)
        x = pd.concat([x, extra[x.columns.intersection(extra.columns)]], ignore_index=True)
    keys = ["category"] + (["article", "part"] if by == "article_part" else [])
    out, cols = _counts_grid(x, blocked, keys, prepared, len(keys_of))
    split = dict(list(out.groupby("_tax", sort=False)))
    result = {}
    for k, key in enumerate(keys_of):
        one = (split[k][cols] if k in split else out.iloc[:0][cols]).reset_index(drop=True)
        result[key] = (one, excluded[key]) if return_excluded else one
    return result


def _classified_rows(prepared: _Prepared, lookups: list):
    """Every article row once per taxonomy that classifies (or refuses) its article-part:
    the rows (``_tax``: the taxonomy's position, ``category``), why a row is left out
    (``reason``, missing when counted; an article total superseded by its part rows says
    so), and which are pooled rows a taxonomy cannot classify as a whole."""
    rows, (codes, pairs) = prepared.rows, prepared.pairs
    # which taxonomy classifies (or refuses) which distinct article-part: once per pair
    tax_i, pair_i, cats, reasons = [], [], [], []
    for k, lookup in enumerate(lookups):
        cat, reason = _classify(pairs, *lookup)
        hit = [i for i, (c, r) in enumerate(zip(cat, reason))
               if c is not None or r is not None]
        tax_i += [k] * len(hit)
        pair_i += hit
        cats += [cat[i] for i in hit]
        reasons += [reason[i] for i in hit]
    # every row once per taxonomy that knows its article-part (entry e: tax_i[e], pair_i[e])
    positions = pd.Series(np.arange(len(rows)), dtype="int64").groupby(codes).indices
    take = [np.asarray(positions[c], dtype="int64") for c in pair_i]
    entry = [np.full(len(p), e, dtype="int64") for e, p in enumerate(take)]
    take = np.concatenate(take) if take else np.array([], dtype="int64")
    entry = np.concatenate(entry) if entry else np.array([], dtype="int64")
    tax_of = np.array(tax_i, dtype="int64")[entry]
    # grouped by taxonomy, rows of one taxonomy in the table's order
    sort = np.lexsort((take, tax_of))
    take, entry, tax_of = take[sort], entry[sort], tax_of[sort]
    x = rows.iloc[take].copy()
    x["_tax"] = tax_of
    x["category"] = pd.Series(np.array(cats + [None], dtype=object)[entry], index=x.index,
                              dtype=object)
    reason = pd.Series(np.array(reasons + [None], dtype=object)[entry], index=x.index,
                       dtype=object)

    superseded = (prepared.total_row.loc[x.index].to_numpy()
                  & x["category"].notna().to_numpy())
    reason = reason.where(~superseded, "article total row; its part rows are counted "
                                       "instead")
    # pooled article rows the taxonomy cannot classify as a whole, and combined rows
    pooled = (reason.notna() & ~superseded
              & prepared.lumped_col.reindex(x.index).notna().to_numpy())
    return x, reason, pooled


def _counts_grid(x: pd.DataFrame, blocked: list, keys: list, prepared: _Prepared,
                 n_tax: int):
    """The counted rows ``x`` and the blocked counts summed per taxonomy, year, basis and
    key, on the full grid (every year of the form, or of its counts, by every key a
    taxonomy counts), with shares, totals and rates; and the output columns."""
    total_by_year = prepared.total_by_year
    agg = (x.assign(part=x["part"].fillna(""))
           .groupby(["_tax", "year", "basis"] + keys, sort=True)
           .agg(persons=("value", "sum"), n_source_rows=("value", "size"))
           .reset_index())
    blocked = pd.DataFrame(blocked, columns=["year", "basis", "category", "article",
                                             "part", "missing_reason", "_tax"])
    blocked["part"] = blocked["part"].fillna("")
    blocked = (blocked.groupby(["_tax", "year", "basis"] + keys, sort=True)["missing_reason"]
               .agg(lambda r: "; ".join(dict.fromkeys(r))).reset_index())
    # per taxonomy: every year of the form (or of its counts) x every key it counts
    years = pd.concat([f for f in [pd.DataFrame({"_tax": t, "year": list(total_by_year.index)})
                                   for t in range(n_tax)]
                       + [agg[["_tax", "year"]], blocked[["_tax", "year"]]] if len(f)])
    years = years.drop_duplicates().sort_values(["_tax", "year"])
    key_frame = pd.concat([agg[["_tax", "basis"] + keys], blocked[["_tax", "basis"] + keys]]
                          ).drop_duplicates()
    on = ["_tax", "year", "basis"] + keys
    out = years.merge(key_frame, on="_tax")
    out = out.merge(agg, on=on, how="left")
    out = out.merge(blocked, on=on, how="left")
    out["missing_reason"] = out["missing_reason"].astype(object).where(
        out["missing_reason"].notna(), None)
    out["persons"] = pd.array(out["persons"].fillna(0).astype("int64"), dtype="Int64")
    out.loc[out["missing_reason"].notna(), "persons"] = pd.NA
    out["n_source_rows"] = out["n_source_rows"].fillna(0).astype("int64")
    if "part" in keys:
        out["part"] = out["part"].replace("", None)
    # the year's political total; missing when one of its counts is missing
    year_basis = [out["_tax"], out["year"], out["basis"]]
    political = out["persons"].groupby(year_basis).transform("sum").mask(
        out["persons"].isna().groupby(year_basis).transform("any"))
    share = out["persons"].astype("Float64") / political.astype("Float64")
    out["share_of_political"] = share.astype(float).where(political.fillna(0) > 0)
    out["total_convicted"] = out["year"].map(total_by_year).astype(float)
    out["rate_per_100k"] = out["persons"].astype(float) / out["total_convicted"] * 1e5
    out["form"] = prepared.form
    out["unit"] = out["basis"].map(UNITS)
    cols = (["year", "form", "basis"] + keys + ["persons", "share_of_political",
            "total_convicted", "rate_per_100k", "n_source_rows", "unit", "missing_reason"])
    out = out.sort_values(["_tax", "basis", "year"] + keys, kind="stable",
                          na_position="first")
    return out, cols

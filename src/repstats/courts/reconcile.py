"""Reconciliation of the official figures with themselves; nothing is fixed or dropped.

Checks (one output row per comparison):

``article_sum``
    per form, year and measure: the article rows (plus ``article_group`` rows and, in
    10.3/10.3.1, the ``military_aggregate`` row) sum to the form's own grand-total row;
``bracket_sum``
    per row of the form holding the brackets (10.3 to 2010, 10.3.1 from 2011): the term
    brackets sum to that row's imprisonment total;
``imprisonment_10.3_vs_10.3.1``
    from 2011, row by row: 10.3 ``imprisonment`` equals 10.3.1 ``imprisonment`` (rows
    paired by :func:`repstats.courts.crosswalk.form_crosswalk`; rows present in only one
    form are ``unmatched``; rows one form lumps into a combined row are compared by
    their sum);
``convicted_10-a_vs_10.3``
    every year, row by row: 10-а ``convicted_main`` equals 10.3 ``convicted_total`` (same
    pairing);
``military_10-a_vs_10.3``
    every year: 10.3's aggregate row "Воинские преступления" (``convicted_total``)
    against 10-а's military crimes: the sum of its chapter-33 article rows (arts.
    332-352) when it lists them, else (2009, and from 2022, when 10-а has no sheet and no
    row for chapter 33 but its grand total includes those persons) the gap between its
    grand total and its article rows;
``label_alias``
    a row two forms label differently, paired by line number or by figures (2020: 10-а
    ``168 ч.1`` is 10.3 ``168``; 2023: 10.3 ``201. 3`` is 10.3.1 ``201.3``);
``label_rejected``
    a row whose article label is garbled (``row_type == "rejected"``), with the row of
    the sibling form it aliases, if any;
``duplicate_key``
    an (article, part, paragraph, redaction) key repeated within one form, year and
    measure.

In the years when 10-а lists no chapter-33 rows, its ``article_sum`` gaps that equal the
10.3 military aggregate of the same measure are ``explained`` (the figure is in
``detail``), not failed and not hidden.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .brackets import BRACKET_MEASURES
from .crosswalk import join_forms
from .keys import duplicated_keys, row_keys
from .longtable import in_values, object_values

QUALITY_COLUMNS = ["check", "status", "year", "form", "measure", "article", "part",
                   "redaction", "source_file", "member", "sheet", "row", "column",
                   "expected", "observed", "difference", "detail"]
_SUMMED = {"10-a": ("article", "article_group"),
           "10.3": ("article", "article_group", "military_aggregate"),
           "10.3.1": ("article", "article_group", "military_aggregate")}
_KEY = ["article", "part", "paragraph", "redaction"]
#: string columns handled as categoricals inside :func:`reconcile` (see
#: :func:`working_frame`)
CATEGORICAL = {"form", "article", "part", "paragraph", "redaction", "row_type", "label",
                "lumped_parts", "measure", "source_file", "member", "sheet", "column"}
#: the long table's columns reconciliation reads (the others are never copied)
_USED = {"year", "form", "article", "part", "paragraph", "redaction", "row_type", "label",
         "lumped_parts", "measure", "value", "source_file", "member", "sheet", "row",
         "column", "line"}


#: 10.3 measure matching a 10-а measure on the military aggregate row
_MILITARY_MEASURE = {"convicted_main": "convicted_total", "acquitted": "acquitted",
                     "dismissed_no_crime": "dismissed_no_crime"}


def _is_military(article: pd.Series) -> pd.Series:
    """Chapter 33 (crimes against military service): arts. 331-352 (each distinct
    article parsed once)."""
    if isinstance(article.dtype, pd.CategoricalDtype):
        # one test per category, taken by code (-1, missing: not military)
        hit = np.append(_military_articles(article.cat.categories), False)
        return pd.Series(hit[article.cat.codes.to_numpy()], index=article.index)
    values = article.astype(object)
    distinct = pd.unique(values)
    lookup = dict(zip(distinct, _military_articles(distinct)))
    return values.map(lookup).astype(bool)


def _military_articles(distinct) -> np.ndarray:
    """Per distinct article label: in chapter 33 (arts. 331-352)?"""
    num = pd.to_numeric(pd.Series([a.split(".")[0] if isinstance(a, str) else None
                                   for a in distinct], dtype=object), errors="coerce")
    return num.between(331, 352).to_numpy(dtype=bool)


def _military(df):
    """Per year: 10.3 military aggregate by measure, and whether 10-а lists chapter 33."""
    agg = df[(df["form"] == "10.3") & (df["row_type"] == "military_aggregate")]
    agg = agg.drop_duplicates(["year", "measure"])
    art = df.loc[(df["form"] == "10-a") & (df["row_type"] == "article"),
                 ["year", "article"]]
    listed = set(art.loc[_is_military(art["article"]), "year"])
    return agg, listed


def _article_sums(df, military=None):
    out = []
    agg, listed = military or _military(df)
    # one integer per (year, measure): the sums are counted per key, not grouped
    keys = row_keys(df, ["year", "measure"])
    df = df.assign(_ym=keys)
    values = df["value"].to_numpy(dtype=np.int64)
    size = int(keys.max()) + 1 if len(keys) else 0
    for form, types in _SUMMED.items():
        in_form = df["form"] == form
        if not in_form.any():
            continue
        totals = (df[in_form & (df["row_type"] == "grand_total")]
                  .drop_duplicates(["year", "measure"], keep="first")
                  .reset_index(drop=True))
        summed = in_form.to_numpy() & in_values(df["row_type"], types)
        sums = _sum_by(keys[summed], values[summed], size)
        merged = totals.assign(observed=sums[totals["_ym"].to_numpy()])
        merged["expected"] = merged["value"]
        merged["detail"] = "sum of " + "+".join(types) + " rows vs the grand-total row"
        merged["_status"] = ""
        if form == "10-a":
            mil = agg.assign(_m=agg["measure"])[["year", "_m", "value"]].rename(
                columns={"value": "_military"})
            key = merged["measure"].map(_MILITARY_MEASURE)
            merged = merged.assign(_m=key).merge(mil, on=["year", "_m"], how="left")
            gap = merged["observed"] - merged["expected"]
            explained = (~merged["year"].isin(listed) & merged["_military"].notna()
                         & (gap == -merged["_military"]) & (gap != 0))
            merged.loc[explained, "_status"] = "explained"
            merged.loc[explained, "detail"] = (
                "10-а lists no chapter-33 (military) rows this year, yet its grand total "
                "includes those persons: the gap " + gap[explained].astype(str)
                + " equals 10.3 'Воинские преступления' (" + merged.loc[
                    explained, "_military"].astype("int64").astype(str) + ")")
            unlisted = ~merged["year"].isin(listed) & ~explained & (gap != 0)
            merged.loc[unlisted, "detail"] = (merged.loc[unlisted, "detail"]
                                              + "; 10-а lists no chapter-33 (military) "
                                              "rows this year")
            merged = merged.drop(columns=["_m", "_military"])
        # a person convicted with several additional articles is counted in each of
        # their rows but once in the total: such person counts are not additive
        not_additive = merged["measure"].str.match(r"^additional_.*persons$")
        merged.loc[not_additive, "_status"] = "not_additive"
        merged.loc[not_additive, "detail"] = (
            "not additive: persons with several additional articles appear in each "
            "article row but once in the total (observed >= expected is expected)")
        out.append(merged)
    if not out:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    res = pd.concat(out, ignore_index=True)
    res["check"] = "article_sum"
    return res


def _sum_by(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """``values`` summed per integer key in ``[0, size)`` (exact int64): ``out[k]`` is the
    sum over ``keys == k``, 0 for a key with no value."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, keys, values)
    return out


def _military_check(df, military=None):
    """10.3 military aggregate vs 10-а chapter 33 (rows, or the total's gap)."""
    agg, listed = military or _military(df)
    agg = agg[agg["measure"] == "convicted_total"]
    a = df.loc[(df["form"] == "10-a") & (df["measure"] == "convicted_main"),
               ["year", "row_type", "article", "sheet", "value"]]
    by_year = dict(tuple(a.groupby("year", sort=False)))
    rows = []
    for rec in agg.itertuples(index=False):
        y = rec.year
        ay = by_year.get(y)
        if ay is None or ay.empty:
            continue
        if y in listed:
            arts = ay[(ay["row_type"] == "article") & _is_military(ay["article"])]
            observed = int(arts["value"].sum())
            detail = (f"10-а chapter-33 article rows ({len(arts)} rows, sheet(s) "
                      f"{', '.join(sorted(arts['sheet'].unique()))}) vs 10.3 "
                      "'Воинские преступления'")
        else:
            total = ay.loc[ay["row_type"] == "grand_total", "value"]
            arts = ay.loc[ay["row_type"].isin(_SUMMED["10-a"]), "value"].sum()
            observed = int(total.iloc[0] - arts) if len(total) else None
            detail = ("10-а has no chapter-33 rows; its grand total minus its article "
                      f"rows ({observed:,} persons convicted of military crimes) vs 10.3 "
                      "'Воинские преступления'") if observed is not None else \
                "10-а has neither chapter-33 rows nor a grand total"
        rows.append(dict(year=y, form="10.3", measure="convicted_total",
                         source_file=rec.source_file, member=rec.member, sheet=rec.sheet,
                         row=rec.row, column=rec.column, expected=rec.value,
                         observed=observed, detail=detail, _status=""))
    res = pd.DataFrame(rows, columns=["year", "form", "measure", "source_file", "member",
                                      "sheet", "row", "column", "expected", "observed",
                                      "detail", "_status"])
    res["check"] = "military_10-a_vs_10.3"
    return res


def _bracket_sums(df):
    held = (((df["form"] == "10.3") & (df["year"] <= 2010))
            | ((df["form"] == "10.3.1") & (df["year"] >= 2011)))
    keys = ["year", "form", "source_file", "member", "sheet", "row"]
    total = df[held & (df["measure"] == "imprisonment")]
    brackets = (df.loc[held & in_values(df["measure"], BRACKET_MEASURES), keys + ["value"]]
                .groupby(keys)["value"].sum().rename("observed"))
    res = total.merge(brackets, left_on=keys, right_index=True, how="inner")
    res["expected"] = res["value"]
    res["check"] = "bracket_sum"
    res["detail"] = "sum of term brackets vs imprisonment on the same row"
    return res


_CELL = ["source_file", "member", "sheet", "row", "column"]


def _cross(df, left, right, lmeasure, rmeasure, check, min_year=None):
    wanted = (in_values(df["form"], [left, right])
              & in_values(df["measure"], [lmeasure, rmeasure]))
    sub = df[wanted if min_year is None else wanted & (df["year"] >= min_year).to_numpy()]
    if sub.empty:
        return pd.DataFrame(columns=QUALITY_COLUMNS), pd.DataFrame(columns=QUALITY_COLUMNS)
    j = join_forms(sub, left, right, lmeasure, rmeasure)
    comb = (j["match"] == "in_combined").to_numpy()
    combined = bool(comb.any())
    single = j[~comb] if combined else j
    rows = []
    # rows lumped into a combined row: one comparison per combined row, by their sum
    for side in ("left", "right") if combined else ():
        other = "right" if side == "left" else "left"
        part = j[comb & (j["combined_side"] == side)]
        for _, grp in part.groupby([f"{side}_source_file", f"{side}_sheet", f"{side}_row"]):
            c = grp.iloc[0]
            summed = int(grp[f"{other}_value"].sum())
            listed = ", ".join(map(str, grp[f"{other}_label"]))
            text = (f"{(left, right)[side == 'right']} combined row {c[f'{side}_label']!r} "
                    f"vs the sum of the {len(grp)} {(left, right)[other == 'right']} "
                    f"row(s) it lumps: {listed}")
            rows.append(dict(year=c["year"], form=left if side == "left" else right,
                             measure=lmeasure if side == "left" else rmeasure,
                             article=None, part=None, redaction=c[f"{side}_label"],
                             **{k: c[f"{side}_{k}"] for k in _CELL},
                             expected=c["left_value"] if side == "left" else summed,
                             observed=summed if side == "left" else c["right_value"],
                             detail=text, _status=""))
    only_r = single["match"] == "right_only"
    res = pd.DataFrame({
        "year": single["year"],
        "form": np.where(only_r, right, left),
        "measure": np.where(only_r, rmeasure, lmeasure),
        "article": single["article"], "part": single["part"],
        "redaction": single["left_redaction"].where(~only_r, single["right_redaction"]),
        **{c: single[f"left_{c}"].where(~only_r, single[f"right_{c}"]) for c in _CELL},
        "expected": single["left_value"], "observed": single["right_value"],
    })
    # one text per row, composed in Python (the rows are few; no full-length string
    # column per branch). str() of each value, as Series.astype(str) gives it; the
    # columns read as lists (iterating the Series themselves took three times longer)
    vs = f"{left} {lmeasure} (expected) vs {right} {rmeasure} (observed; {right} "
    res["detail"] = [
        f"{vs}{sheet} row {row} column {column})" if match == "exact"
        else f"{vs}{sheet} row {row} column {column}), rows labelled differently "
             f"({match}: {llabel} / {rlabel})" if match.startswith("alias")
        else f"row only in {left}" if match == "left_only" else f"row only in {right}"
        for match, sheet, row, column, llabel, rlabel in zip(*(
            single[c].astype(object).tolist() for c in ("match", "right_sheet", "right_row",
                                                        "right_column", "left_label",
                                                        "right_label")))]
    res["_status"] = np.where(single["match"].isin(["left_only", "right_only"]),
                              "unmatched", "")
    out = pd.concat([res, pd.DataFrame(rows, columns=list(res.columns))],
                    ignore_index=True) if rows else res
    out["check"] = check
    alias = j[j["match"].str.startswith("alias").to_numpy()]
    how = {"alias_line": "same line number", "alias_figures": "same figures"}
    al = pd.DataFrame({
        "year": alias["year"], "form": left, "measure": lmeasure,
        "article": alias["article"], "part": alias["part"],
        "redaction": alias["left_redaction"],
        **{c: alias[f"left_{c}"] for c in _CELL},
        "expected": alias["left_value"], "observed": alias["right_value"],
        # a pair: both sides present (sheet and row never missing)
        "detail": [f"{how[match]}: {left} {llabel!r} is {right} {rlabel!r} ({right} "
                   f"{sheet} row {row})" for match, llabel, rlabel, sheet, row in zip(*(
                       alias[c].astype(object).tolist() for c in (
                           "match", "left_label", "right_label", "right_sheet",
                           "right_row")))],
        "_status": "alias"})
    al["check"] = "label_alias"
    return out, al


def _rejected(df):
    rej = df[df["row_type"] == "rejected"].drop_duplicates(
        ["source_file", "member", "sheet", "row"])
    if rej.empty:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    res = rej.copy()
    res["measure"] = None
    res["column"] = None
    res["expected"] = pd.NA
    res["observed"] = pd.NA
    res["detail"] = ("garbled article label " + res["label"].astype(object).map(repr)
                     + " (cell of the article column); kept with row_type 'rejected', "
                     "never assigned to an article; see label_alias for the row of the "
                     "sibling form with the same line number or figures")
    res["_status"] = "rejected"
    res["check"] = "label_rejected"
    return res


def _duplicates(df):
    # the measure last: the keys come nearly sorted in row order (sheets list the
    # articles in order), which the stable sort of duplicated_keys runs through faster
    keys = ["year", "form"] + _KEY + ["measure"]
    rows = np.flatnonzero(in_values(df["row_type"], ["article", "paragraph"]))
    repeated = duplicated_keys(row_keys(df, keys, rows), keep=False)
    dup = df.take(rows[repeated])
    if dup.empty:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    res = dup.copy()
    res["check"] = "duplicate_key"
    res["expected"] = pd.NA
    res["observed"] = res["value"]
    res["detail"] = "article/part/paragraph/redaction repeated within form-year-measure"
    res["_status"] = "fail"
    return res


def working_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The slim working copy :func:`reconcile` filters: the columns it uses, the string
    columns :data:`CATEGORICAL` as categoricals, so that every filter takes integer codes
    instead of copying Arrow strings.

    Columns already categorical are kept (e.g. the reader's codes,
    :meth:`repstats.courts.longtable.LongTable.coded`); the others are encoded here.
    ``df`` is not modified.
    """
    df = df[[c for c in df.columns if c in _USED]]
    todo = {c: "category" for c in df.columns if c in CATEGORICAL
            and not isinstance(df[c].dtype, pd.CategoricalDtype)}
    return df.astype(todo) if todo else df


def reconcile(df: pd.DataFrame) -> pd.DataFrame:
    """Check the long table against its own totals and across forms.

    Parameters
    ----------
    df : pandas.DataFrame
        The long table of :func:`repstats.courts.read_court_stats` (not modified).

    Returns
    -------
    pandas.DataFrame
        One row per comparison, columns:

        - ``check``: ``article_sum``, ``bracket_sum``, ``imprisonment_10.3_vs_10.3.1``,
          ``convicted_10-a_vs_10.3``, ``military_10-a_vs_10.3``, ``label_alias``,
          ``label_rejected`` or ``duplicate_key`` (see the module docstring);
        - ``status``: ``pass`` (equal), ``fail`` (the official data disagree),
          ``unmatched`` (no counterpart row in the other form), ``not_additive``
          (10-а person counts of additional qualifications, which cannot sum to the
          total), ``explained`` (a 10-а gap equal to the military aggregate, see the
          module docstring), ``alias`` (a pair of rows labelled differently) or
          ``rejected`` (a garbled label);
        - ``year``, ``form``, ``measure``, ``article``, ``part``, ``redaction``: what
          was compared;
        - ``source_file``, ``member``, ``sheet``, ``row``, ``column``: where the expected
          figure sits (the grand-total cell, the imprisonment cell, the 10.3 cell);
        - ``expected``, ``observed``: the two figures (nullable integers);
        - ``difference``: ``observed - expected``;
        - ``detail``: what the figures are and, for cross-form checks, where the
          observed one sits.
    """
    needed = {"year", "form", "row_type", "measure", "value", "source_file", "member",
              "sheet", "row", "column", *_KEY}
    missing = needed - set(df.columns)
    if missing:
        raise ValueError(f"reconcile needs the long table; missing columns "
                         f"{sorted(missing)}")
    df = working_frame(df)
    imp, imp_alias = _cross(df, "10.3", "10.3.1", "imprisonment", "imprisonment",
                            "imprisonment_10.3_vs_10.3.1", min_year=2011)
    conv, conv_alias = _cross(df, "10-a", "10.3", "convicted_main", "convicted_total",
                              "convicted_10-a_vs_10.3")
    military = _military(df)
    frames = [_article_sums(df, military), _bracket_sums(df), imp, conv,
              _military_check(df, military),
              imp_alias, conv_alias, _rejected(df), _duplicates(df)]
    return _quality_table(frames)


#: order of the checks in the quality table
_CHECK_ORDER = {"article_sum": 0, "bracket_sum": 1, "imprisonment_10.3_vs_10.3.1": 2,
                "convicted_10-a_vs_10.3": 3, "military_10-a_vs_10.3": 4, "label_alias": 5,
                "label_rejected": 6, "duplicate_key": 7}
#: the quality table's sort keys after the check (missing values last)
_SORT = ["year", "form", "sheet", "row", "measure", "article", "part", "redaction"]
_COUNTS = ("row", "expected", "observed")


def _quality_table(frames) -> pd.DataFrame:
    """The checks' frames stacked into :data:`QUALITY_COLUMNS`: ``difference`` and
    ``status`` computed (``pass``/``fail`` unless a check set its own ``_status``),
    ordered by check, then :data:`_SORT` (stable, missing last), text as objects
    (None where missing), counts as ``Int64``.

    Column by column on plain arrays (the frames differ in dtypes and columns; stacking
    them as frames converted and sorted every column several times)."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    cols = {}
    for c in QUALITY_COLUMNS:
        if c in ("status", "difference"):
            continue
        if c == "year":
            cols[c] = np.concatenate([f[c].to_numpy(dtype=np.int64) for f in frames])
        elif c in _COUNTS:
            parts = [pd.array(f[c], dtype="Int64") if c in f else
                     pd.array([None] * len(f), dtype="Int64") for f in frames]
            cols[c] = pd.arrays.IntegerArray(
                np.concatenate([a.to_numpy(dtype=np.int64, na_value=0) for a in parts]),
                np.concatenate([a.isna() for a in parts]))
        else:
            cols[c] = np.concatenate([object_values(f[c], None) if c in f else
                                      np.full(len(f), None, dtype=object)
                                      for f in frames])
    given = np.concatenate([object_values(f["_status"], None) if "_status" in f else
                            np.full(len(f), None, dtype=object) for f in frames])
    cols["difference"] = cols["observed"] - cols["expected"]
    status = np.where(cols["difference"].to_numpy(dtype=np.int64, na_value=1) == 0,
                      "pass", "fail").astype(object)
    own = pd.notna(given) & (given != "")
    status[own] = given[own]
    cols["status"] = status
    check, checks = pd.factorize(cols["check"])
    keys = [np.array([_CHECK_ORDER[c] for c in checks])[check]]
    for c in _SORT:
        values = cols[c]
        if c == "year":
            keys.append(values)
        elif c in _COUNTS:
            # missing last (also when every value is missing)
            keys.append(values.to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).max))
        else:
            codes, uniques = pd.factorize(values, sort=True)
            keys.append(np.where(codes < 0, len(uniques), codes))
    order = np.lexsort(keys[::-1])   # stable: ties keep the checks' own order
    out = {}
    for c in QUALITY_COLUMNS:
        values = cols[c][order]
        out[c] = (pd.Series(values, dtype="str") if c in ("check", "status") else
                  pd.Series(values, dtype=object) if values.dtype == object else
                  pd.Series(values))
    return pd.DataFrame(out, columns=QUALITY_COLUMNS, copy=False)

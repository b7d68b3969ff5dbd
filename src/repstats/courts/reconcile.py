"""Reconciliation of the official figures with themselves; nothing is fixed or dropped.

Checks (one output row per comparison):

``article_sum``
    per form, year and measure: the article rows (plus ``article_group`` rows and, in
    10.3/10.3.1, the ``military_aggregate`` row) sum to the form's own grand-total row;
``bracket_sum``
    per row of the form holding the brackets (10.3 to 2010, 10.3.1 from 2011): the term
    brackets sum to that row's imprisonment total;
``imprisonment_10.3_vs_10.3.1``
    from 2011, per article, part and redaction: 10.3 ``imprisonment`` equals 10.3.1
    ``imprisonment`` (rows present in only one form are reported as ``unmatched``);
``duplicate_key``
    an (article, part, paragraph, redaction) key repeated within one form, year and
    measure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .brackets import BRACKET_MEASURES

QUALITY_COLUMNS = ["check", "status", "year", "form", "measure", "article", "part",
                   "redaction", "source_file", "member", "sheet", "row", "column",
                   "expected", "observed", "difference", "detail"]
_SUMMED = {"10-a": ("article", "article_group"),
           "10.3": ("article", "article_group", "military_aggregate"),
           "10.3.1": ("article", "article_group", "military_aggregate")}
_KEY = ["article", "part", "paragraph", "redaction"]


def _article_sums(df):
    out = []
    for form, types in _SUMMED.items():
        sub = df[df["form"] == form]
        if sub.empty:
            continue
        totals = (sub[sub["row_type"] == "grand_total"]
                  .drop_duplicates(["year", "measure"], keep="first"))
        parts = (sub[sub["row_type"].isin(types)]
                 .groupby(["year", "measure"])["value"].sum().rename("observed"))
        merged = totals.merge(parts, left_on=["year", "measure"], right_index=True,
                              how="left")
        merged["observed"] = merged["observed"].fillna(0).astype("int64")
        merged["expected"] = merged["value"]
        merged["detail"] = "sum of " + "+".join(types) + " rows vs the grand-total row"
        # a person convicted with several additional articles is counted in each of
        # their rows but once in the total: such person counts are not additive
        not_additive = merged["measure"].str.match(r"^additional_.*persons$")
        merged["_status"] = np.where(not_additive, "not_additive", "")
        merged.loc[not_additive, "detail"] = (
            "not additive: persons with several additional articles appear in each "
            "article row but once in the total (observed >= expected is expected)")
        out.append(merged)
    if not out:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    res = pd.concat(out, ignore_index=True)
    res["check"] = "article_sum"
    return res


def _bracket_sums(df):
    held = df[((df["form"] == "10.3") & (df["year"] <= 2010))
              | ((df["form"] == "10.3.1") & (df["year"] >= 2011))]
    keys = ["year", "form", "source_file", "member", "sheet", "row"]
    total = held[held["measure"] == "imprisonment"]
    brackets = (held[held["measure"].isin(BRACKET_MEASURES)]
                .groupby(keys)["value"].sum().rename("observed"))
    res = total.merge(brackets, left_on=keys, right_index=True, how="inner")
    res["expected"] = res["value"]
    res["check"] = "bracket_sum"
    res["detail"] = "sum of term brackets vs imprisonment on the same row"
    return res


def _imprisonment_match(df):
    sub = df[(df["year"] >= 2011) & (df["measure"] == "imprisonment")
             & (df["row_type"].isin(["article", "grand_total"]))
             & df["form"].isin(["10.3", "10.3.1"])].copy()
    if sub.empty:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    # article, part and paragraph, then the order of appearance: the two forms word
    # their annotations differently, but list an article-part's rows in the same order
    key = sub["row_type"].astype(str)
    for col in ("article", "part", "paragraph"):
        key = key + "|" + sub[col].astype(object).where(sub[col].notna(), "None").map(str)
    sub["_key"] = key
    sub["_n"] = sub.groupby(["year", "form", "_key"]).cumcount()
    a = sub[sub["form"] == "10.3"]
    b = sub[sub["form"] == "10.3.1"]
    m = a.merge(b[["year", "_key", "_n", "value", "source_file", "member", "sheet", "row",
                   "column", "redaction"]], on=["year", "_key", "_n"], how="outer",
                suffixes=("", "_31"), indicator=True)
    both = m["_merge"] == "both"
    res = m.copy()
    only_b = m["_merge"] == "right_only"
    for col in ("source_file", "member", "sheet", "row", "column"):
        res.loc[only_b, col] = m.loc[only_b, f"{col}_31"]
    key_parts = res["_key"].str.split("|", expand=True)
    for i, col in enumerate(["row_type", "article", "part", "paragraph"]):
        res[col] = key_parts[i].where(key_parts[i] != "None", None)
    res["redaction"] = res["redaction"].where(~only_b, m["redaction_31"])
    res["form"] = np.where(only_b, "10.3.1", "10.3")
    res["expected"] = m["value"]
    res["observed"] = m["value_31"]
    res["check"] = "imprisonment_10.3_vs_10.3.1"
    res["detail"] = np.where(
        both, "10.3 imprisonment (expected) vs 10.3.1 imprisonment (observed; "
        + m["sheet_31"].astype(str) + " row " + m["row_31"].astype(str) + " column "
        + m["column_31"].astype(str) + ")",
        np.where(only_b, "row only in 10.3.1", "row only in 10.3"))
    res["_status"] = np.where(both, "", "unmatched")
    return res


def _duplicates(df):
    sub = df[df["row_type"].isin(["article", "paragraph"])]
    dup = sub[sub.duplicated(["year", "form", "measure"] + _KEY, keep=False)]
    if dup.empty:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    res = dup.copy()
    res["check"] = "duplicate_key"
    res["expected"] = pd.NA
    res["observed"] = res["value"]
    res["detail"] = "article/part/paragraph/redaction repeated within form-year-measure"
    res["_status"] = "fail"
    return res


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

        - ``check``: ``article_sum``, ``bracket_sum``, ``imprisonment_10.3_vs_10.3.1``
          or ``duplicate_key`` (see the module docstring);
        - ``status``: ``pass`` (equal), ``fail`` (the official data disagree),
          ``unmatched`` (no counterpart row in the other form) or ``not_additive``
          (10-а person counts of additional qualifications, which cannot sum to the
          total);
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
    frames = [_article_sums(df), _bracket_sums(df), _imprisonment_match(df),
              _duplicates(df)]
    out = []
    for f in frames:
        if f.empty:
            continue
        f = f.copy()
        f["expected"] = pd.array(f["expected"], dtype="Int64")
        f["observed"] = pd.array(f["observed"], dtype="Int64")
        f["difference"] = f["observed"] - f["expected"]
        status = pd.Series(np.where(f["difference"].fillna(1) == 0, "pass", "fail"),
                           index=f.index)
        if "_status" in f:
            status = status.where(f["_status"].isin(["", None]) | f["_status"].isna(),
                                  f["_status"])
        f["status"] = status
        out.append(f.reindex(columns=QUALITY_COLUMNS))
    if not out:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    res = pd.concat(out, ignore_index=True)
    res["year"] = res["year"].astype("int64")
    res["row"] = pd.array(res["row"], dtype="Int64")
    order = {"article_sum": 0, "bracket_sum": 1, "imprisonment_10.3_vs_10.3.1": 2,
             "duplicate_key": 3}
    res["_o"] = res["check"].map(order)
    res = (res.sort_values(["_o", "year", "form", "sheet", "row", "measure", "article",
                            "part", "redaction"], kind="stable", na_position="last")
           .drop(columns="_o").reset_index(drop=True))
    for col in ("article", "part", "redaction", "source_file", "member", "sheet",
                "column", "measure", "detail"):
        res[col] = res[col].astype("object").where(res[col].notna(), None)
    return res

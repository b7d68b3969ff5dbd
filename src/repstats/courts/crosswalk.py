"""Joining two forms row by row, keeping the rows they label differently.

Forms 10-а, 10.3 and 10.3.1 list the same article-parts, but not always under the same
label: in 2020 the 10-а row ``136`` is the 10.3 row ``136 ч.2``, the 10-а row ``168 ч.1``
the 10.3 row ``168``; in 2023 the 10.3 row ``201. 3`` is the 10.3.1 row ``201.3``. A join on
(article, part) silently drops such rows. :func:`form_crosswalk` pairs the rows of two
forms of each year in three passes:

1. ``exact``: same row type, article, part and paragraph, and the same order of appearance
   among the rows sharing them (the forms word annotations differently but list an
   article-part's redactions in the same order);
2. ``alias_line``: rows left unpaired with the same line number (``№ п/п``); only between
   10.3 and 10.3.1, which number their rows alike (10-а numbers each section anew);
3. ``alias_figures``: rows still unpaired, of the same base article (``136`` for ``136
   ч.2``), whose compared figures are equal, when exactly one candidate on each side has
   that (positive) figure, or when they are the only unpaired rows of that base article
   on each side;
4. ``in_combined``: rows of one form listed in a combined row of the other
   (``lumped_parts``): several rows pair with the one combined row, to be compared by
   their sum (2022: 10-а lists 264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1 and 275.1 apart, 10.3 in
   one row).

Anything else is ``left_only`` / ``right_only``. :func:`join_forms` puts the two forms'
values of one measure side by side on that crosswalk: the documented way to join forms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["form_crosswalk", "join_forms", "CROSSWALK_COLUMNS", "JOINABLE_ROW_TYPES"]

#: Row types paired across forms (one spreadsheet row each).
JOINABLE_ROW_TYPES = ("article", "article_group", "military_aggregate", "grand_total",
                      "rejected")
_SIDE = ["row_type", "article", "part", "paragraph", "redaction", "label", "lumped_parts",
         "source_file", "member", "sheet", "row", "column", "line", "value"]
#: Columns of :func:`form_crosswalk`.
CROSSWALK_COLUMNS = (["year", "left_form", "right_form", "match", "combined_side"]
                     + [f"left_{c}" for c in _SIDE] + [f"right_{c}" for c in _SIDE])
_KEY = ["row_type", "article", "part", "paragraph"]
#: columns the pairing passes of :func:`form_crosswalk` read
_PASS = ["_id", "year", "_key", "_n", "line", "_base", "value", "row_type", "article",
         "part", "lumped_parts"]


def _side(df, form, measure):
    sub = df.loc[(df["form"] == form) & (df["measure"] == measure)
                 & df["row_type"].isin(JOINABLE_ROW_TYPES), ["year"] + _SIDE]
    # the side is small (one row per spreadsheet row): plain objects from here on
    sub = sub.astype({c: object for c in sub.columns
                      if c in _KEY or isinstance(sub[c].dtype, pd.CategoricalDtype)})
    sub = sub.reset_index(drop=True)
    for c in _KEY:
        sub[c] = sub[c].where(sub[c].notna(), None)
    # the pairing key, as text (one f-string per row: the side is small). Combined rows
    # pair exactly only when they lump the same article-parts; rejected rows never pair
    # exactly (their article is unknown)
    sub["_key"] = [
        f"article_group|{lumped}|{redaction}" if row_type == "article_group"
        else f"rejected|{i}" if row_type == "rejected"
        else f"{row_type}|{article}|{part}|{paragraph}"
        for i, (row_type, article, part, paragraph, lumped, redaction) in enumerate(zip(
            *(sub[c].tolist() for c in _KEY + ["lumped_parts", "redaction"])))]
    sub["_n"] = sub.groupby(["year", "_key"]).cumcount()
    # the base article ("136" for "136 ч.2"), computed once per distinct text
    source = sub["article"].where(sub["article"].notna(), sub["label"])
    codes, distinct = pd.factorize(source.to_numpy(dtype=object), use_na_sentinel=False)
    base = pd.Series(distinct, dtype=object).map(
        lambda a: a.split(".")[0].split()[0][:3] if isinstance(a, str) and a else None)
    sub["_base"] = base.take(codes).set_axis(sub.index)
    return sub


def form_crosswalk(df: pd.DataFrame, left: str = "10.3", right: str = "10.3.1", *,
                   left_measure: str = "imprisonment",
                   right_measure: str = "imprisonment") -> pd.DataFrame:
    """Pair the rows of two forms, year by year (see the module docstring).

    Parameters
    ----------
    df : pandas.DataFrame
        The long court table (:func:`repstats.courts.read_court_stats`); not modified.
    left, right : str
        The forms, e.g. ``"10-a"`` and ``"10.3"``.
    left_measure, right_measure : str
        The measure read from each form: it selects the rows (a row appears when it has
        that measure) and gives the figures compared by the ``alias_figures`` pass.

    Returns
    -------
    pandas.DataFrame
        One row per pair or unpaired row, columns :data:`CROSSWALK_COLUMNS`:

        - ``year`` (int64), ``left_form``, ``right_form``;
        - ``match``: ``exact``, ``alias_line``, ``alias_figures``, ``in_combined``,
          ``left_only`` or ``right_only``;
        - ``combined_side``: on ``in_combined`` rows, the side holding the combined row
          (``left`` / ``right``), else missing;
        - ``left_*`` / ``right_*``: each side's ``row_type``, ``article``, ``part``,
          ``paragraph``, ``redaction``, ``label``, ``lumped_parts``, ``source_file``,
          ``member``, ``sheet``, ``row``, ``column`` (of the compared cell), ``line``
          and ``value`` (of ``left_measure`` / ``right_measure``); missing on the absent
          side.

    Raises
    ------
    ValueError
        ``df`` lacks a column of the long table.
    """
    needed = {"year", "form", "measure", *_SIDE}
    missing = needed - set(df.columns)
    if missing:
        raise ValueError(f"form_crosswalk needs the long table; missing {sorted(missing)}")
    a = _side(df, left, left_measure)
    b = _side(df, right, right_measure)
    a["_id"] = np.arange(len(a))
    b["_id"] = np.arange(len(b))
    # the pairing passes filter and merge only the columns they read (each filter or
    # merge of the full sides copied some thirty columns); the sides are joined back last
    ka, kb = a[_PASS], b[_PASS]
    pairs = []
    exact = ka.merge(kb, on=["year", "_key", "_n"], suffixes=("_l", "_r"))
    pairs.append(exact[["_id_l", "_id_r"]].assign(match="exact"))
    used_a, used_b = set(exact["_id_l"]), set(exact["_id_r"])
    if {left, right} == {"10.3", "10.3.1"}:
        ra = ka[~ka["_id"].isin(used_a) & ka["line"].notna()]
        rb = kb[~kb["_id"].isin(used_b) & kb["line"].notna()]
        ra = ra[~ra.duplicated(["year", "line"], keep=False)]
        rb = rb[~rb.duplicated(["year", "line"], keep=False)]
        by_line = ra.merge(rb, on=["year", "line"], suffixes=("_l", "_r"))
        pairs.append(by_line[["_id_l", "_id_r"]].assign(match="alias_line"))
        used_a |= set(by_line["_id_l"])
        used_b |= set(by_line["_id_r"])
    single_a = ka["row_type"] != "article_group"
    single_b = kb["row_type"] != "article_group"
    ra = ka[~ka["_id"].isin(used_a) & (ka["value"] > 0) & ka["_base"].notna() & single_a]
    rb = kb[~kb["_id"].isin(used_b) & (kb["value"] > 0) & kb["_base"].notna() & single_b]
    ra = ra[~ra.duplicated(["year", "_base", "value"], keep=False)]
    rb = rb[~rb.duplicated(["year", "_base", "value"], keep=False)]
    by_fig = ra.merge(rb, on=["year", "_base", "value"], suffixes=("_l", "_r"))
    pairs.append(by_fig[["_id_l", "_id_r"]].assign(match="alias_figures"))
    used_a |= set(by_fig["_id_l"])
    used_b |= set(by_fig["_id_r"])
    # the only unpaired row of a base article on each side, with equal figures (zero
    # included: 2020 10-а '136; 136 ч. 2 стар. ред.' / 10.3 '136 ч. 2, 136 (в новой ...)')
    ra = ka[~ka["_id"].isin(used_a) & ka["_base"].notna() & single_a]
    rb = kb[~kb["_id"].isin(used_b) & kb["_base"].notna() & single_b]
    ra = ra[~ra.duplicated(["year", "_base"], keep=False)]
    rb = rb[~rb.duplicated(["year", "_base"], keep=False)]
    by_one = ra.merge(rb, on=["year", "_base", "value"], suffixes=("_l", "_r"))
    pairs.append(by_one[["_id_l", "_id_r"]].assign(match="alias_figures"))
    used_a |= set(by_one["_id_l"])
    used_b |= set(by_one["_id_r"])
    # rows of one form that another form lumps into a combined row (2022: 10-а lists
    # 264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1 and 275.1 apart; 10.3 in one row)
    for this, other, used_this, used_other, flip in ((ka, kb, used_a, used_b, False),
                                                     (kb, ka, used_b, used_a, True)):
        combined = this[~this["_id"].isin(used_this) & this["lumped_parts"].notna()]
        if combined.empty:
            continue
        items = []
        for cid, year, lumped in zip(combined["_id"], combined["year"],
                                     combined["lumped_parts"]):
            for item in lumped.split("; "):
                art, _, part = item.partition(" ч.")
                items.append((cid, year, art, part or None))
        items = pd.DataFrame(items, columns=["_cid", "year", "article", "part"])
        free = other[~other["_id"].isin(used_other) & (other["row_type"] == "article")]
        free = free.assign(part=free["part"].where(free["part"].notna(), None))
        hit = free.merge(items, on=["year", "article", "part"])[["_id", "_cid"]]
        # a (smaller) combined or pooled row whose article-parts all lie in this one
        lumps = {cid: (year, set(lumped.split("; "))) for cid, year, lumped in
                 zip(combined["_id"], combined["year"], combined["lumped_parts"])}
        groups = other[~other["_id"].isin(used_other) & other["lumped_parts"].notna()]
        sub_hits = [(gid, cid) for gid, gyear, glump in
                    zip(groups["_id"], groups["year"], groups["lumped_parts"])
                    for cid, (year, parts) in lumps.items()
                    if year == gyear and set(glump.split("; ")) <= parts]
        if sub_hits:
            hit = pd.concat([hit, pd.DataFrame(sub_hits, columns=["_id", "_cid"])],
                            ignore_index=True)
        hit = hit.drop_duplicates("_id")
        if hit.empty:
            continue
        lumped_pairs = pd.DataFrame({"_id_l": hit["_cid"] if not flip else hit["_id"],
                                     "_id_r": hit["_id"] if not flip else hit["_cid"],
                                     "match": "in_combined",
                                     "combined_side": "right" if flip else "left"})
        pairs.append(lumped_pairs)
        used_this |= set(hit["_cid"])
        used_other |= set(hit["_id"])
    pairs.append(pd.DataFrame({"_id_l": sorted(set(ka["_id"]) - used_a), "_id_r": np.nan,
                               "match": "left_only"}))
    pairs.append(pd.DataFrame({"_id_l": np.nan, "_id_r": sorted(set(kb["_id"]) - used_b),
                               "match": "right_only"}))
    p = pd.concat([x for x in pairs if len(x)], ignore_index=True)
    la = a.set_index("_id")[["year"] + _SIDE].add_prefix("left_")
    lb = b.set_index("_id")[["year"] + _SIDE].add_prefix("right_")
    out = p.join(la, on="_id_l").join(lb, on="_id_r")
    out["year"] = out["left_year"].fillna(out["right_year"]).astype("int64")
    out["left_form"], out["right_form"] = left, right
    if "combined_side" not in out:
        out["combined_side"] = None
    for side in ("left", "right"):
        for c in ("row", "line", "value"):
            out[f"{side}_{c}"] = pd.array(out[f"{side}_{c}"], dtype="Int64")
    order = {"exact": 0, "alias_line": 1, "alias_figures": 2, "in_combined": 3,
             "left_only": 4, "right_only": 5}
    out["_o"] = out["match"].map(order)
    out["_r"] = out["left_row"].fillna(out["right_row"])
    out = out.sort_values(["year", "_r", "_o"], kind="stable").reset_index(drop=True)
    return out[CROSSWALK_COLUMNS]


def join_forms(df: pd.DataFrame, left: str, right: str, left_measure: str,
               right_measure: str) -> pd.DataFrame:
    """The values of one measure of two forms side by side, rows paired by
    :func:`form_crosswalk` (aliases kept, unpaired rows kept with a missing value).

    Examples
    --------
    Persons convicted by main article in 10-а vs in 10.3::

        join_forms(df, "10-a", "10.3", "convicted_main", "convicted_total")

    Returns
    -------
    pandas.DataFrame
        :func:`form_crosswalk`'s columns, ``left_value`` / ``right_value`` holding the
        two measures, plus ``article``, ``part`` (the left side's, else the right's) and
        ``difference`` (``right_value - left_value``, nullable).
    """
    out = form_crosswalk(df, left, right, left_measure=left_measure,
                         right_measure=right_measure)
    out["article"] = out["left_article"].where(out["left_article"].notna(),
                                               out["right_article"])
    out["part"] = out["left_part"].where(out["left_article"].notna(), out["right_part"])
    out["difference"] = out["right_value"] - out["left_value"]
    return out

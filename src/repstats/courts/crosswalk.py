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

from .keys import duplicated_keys, row_keys
from .longtable import in_values, object_values

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
#: columns the pairing passes of :func:`form_crosswalk` read (as integer keys)
_PASS = ["year", *_KEY, "lumped_parts", "redaction", "line", "_base", "value"]


def _side(df, form, measure):
    sub = df.loc[((df["form"] == form) & (df["measure"] == measure)).to_numpy()
                 & in_values(df["row_type"], JOINABLE_ROW_TYPES), ["year"] + _SIDE]
    # the side is small (one row per spreadsheet row): plain objects from here on, the
    # pairing key's missing values None
    sub = sub.reset_index(drop=True)
    for c in sub.columns:
        if c in _KEY or isinstance(sub[c].dtype, pd.CategoricalDtype):
            sub[c] = pd.Series(object_values(sub[c], None if c in _KEY else np.nan),
                               dtype=object)
    # the base article ("136" for "136 ч.2"), computed once per distinct text
    source = sub["article"].where(sub["article"].notna(), sub["label"])
    codes, distinct = pd.factorize(source.to_numpy(dtype=object), use_na_sentinel=False)
    base = pd.Series(distinct, dtype=object).map(
        lambda a: a.split(".")[0].split()[0][:3] if isinstance(a, str) and a else None)
    sub["_base"] = base.take(codes).set_axis(sub.index)
    return sub


class _Passes:
    """The pairing passes on integer keys: both sides' rows stacked (left first), one
    ``int64`` per row and combination of columns (:func:`repstats.courts.keys.row_keys`,
    equal across the sides for equal values), and the rows each side has paired."""

    def __init__(self, a: pd.DataFrame, b: pd.DataFrame):
        self.n = len(a)
        self.rows = pd.concat([a[_PASS], b[_PASS]], ignore_index=True)
        self.used = (np.zeros(len(a), dtype=bool), np.zeros(len(b), dtype=bool))

    def key(self, columns) -> np.ndarray:
        return row_keys(self.rows, columns)

    def sides(self, values: np.ndarray):
        return values[:self.n], values[self.n:]

    def pair(self, key, ok, unique=None) -> tuple[np.ndarray, np.ndarray]:
        """Rows still unpaired where ``ok``, dropping those whose ``unique`` key repeats
        on their side, paired by equal ``key`` (distinct on each side), in left order;
        marked as used."""
        picked = []
        for used, keys, okay, once in zip(self.used, self.sides(key), self.sides(ok),
                                          self.sides(unique if unique is not None
                                                     else key)):
            at = np.flatnonzero(okay & ~used)
            if unique is not None:
                at = at[~duplicated_keys(once[at], keep=False)]
            picked.append((at, keys[at]))
        (ia, ka), (ib, kb) = picked
        _, i, j = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
        order = np.argsort(i, kind="stable")
        ia, ib = ia[i[order]], ib[j[order]]
        self.used[0][ia] = True
        self.used[1][ib] = True
        return ia, ib


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
    passes = _Passes(a, b)
    rows = passes.rows
    row_type = rows["row_type"].to_numpy(dtype=object)
    group, rejected = row_type == "article_group", row_type == "rejected"
    pairs = []
    # exact: same key and the same rank among the rows of that key. Combined rows pair
    # exactly only when they lump the same article-parts (and share the annotation);
    # rejected rows never pair exactly (their article is unknown)
    key = np.where(group, 2 * passes.key(["lumped_parts", "redaction"]) + 1,
                   2 * passes.key(_KEY))
    rows["_key"] = key
    year_key = passes.key(["year", "_key"])
    rank = np.concatenate([pd.Series(k).groupby(k).cumcount().to_numpy()
                           for k in passes.sides(year_key)])
    exact = row_keys(pd.DataFrame({"k": year_key, "n": rank}), ["k", "n"])
    pairs.append(("exact", passes.pair(exact, ~rejected)))
    if {left, right} == {"10.3", "10.3.1"}:
        has_line = rows["line"].notna().to_numpy()
        by_line = passes.key(["year", "line"])
        pairs.append(("alias_line", passes.pair(by_line, has_line, unique=by_line)))
    has_base = rows["_base"].notna().to_numpy() & ~group
    figures = passes.key(["year", "_base", "value"])
    positive = (rows["value"] > 0).to_numpy()
    pairs.append(("alias_figures", passes.pair(figures, has_base & positive,
                                               unique=figures)))
    # the only unpaired row of a base article on each side, with equal figures (zero
    # included: 2020 10-а '136; 136 ч. 2 стар. ред.' / 10.3 '136 ч. 2, 136 (в новой ...)')
    pairs.append(("alias_figures", passes.pair(figures, has_base,
                                               unique=passes.key(["year", "_base"]))))
    pairs = [(match, ia, ib, None) for match, (ia, ib) in pairs]
    used_a, used_b = passes.used
    # rows of one form that another form lumps into a combined row (2022: 10-а lists
    # 264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1 and 275.1 apart; 10.3 in one row)
    for this, other, used_this, used_other, flip in ((a, b, used_a, used_b, False),
                                                     (b, a, used_b, used_a, True)):
        combined = this[~used_this & this["lumped_parts"].notna().to_numpy()]
        if combined.empty:
            continue
        items = []
        for cid, year, lumped in zip(combined["_id"], combined["year"],
                                     combined["lumped_parts"]):
            for item in lumped.split("; "):
                art, _, part = item.partition(" ч.")
                items.append((cid, year, art, part or None))
        items = pd.DataFrame(items, columns=["_cid", "year", "article", "part"])
        free = other[~used_other & (other["row_type"] == "article").to_numpy()]
        free = free.assign(part=free["part"].where(free["part"].notna(), None))
        hit = free.merge(items, on=["year", "article", "part"])[["_id", "_cid"]]
        # a (smaller) combined or pooled row whose article-parts all lie in this one
        lumps = {cid: (year, set(lumped.split("; "))) for cid, year, lumped in
                 zip(combined["_id"], combined["year"], combined["lumped_parts"])}
        groups = other[~used_other & other["lumped_parts"].notna().to_numpy()]
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
        cid, oid = hit["_cid"].to_numpy(), hit["_id"].to_numpy()
        pairs.append(("in_combined", oid if flip else cid, cid if flip else oid,
                      "right" if flip else "left"))
        used_this[hit["_cid"].to_numpy()] = True
        used_other[hit["_id"].to_numpy()] = True
    none = np.zeros(0, dtype=np.int64)
    pairs.append(("left_only", np.flatnonzero(~used_a), none, None))
    pairs.append(("right_only", none, np.flatnonzero(~used_b), None))
    return _assemble(a, b, pairs, left, right)


#: order of the passes among the rows of one year and spreadsheet row
_PASS_ORDER = {"exact": 0, "alias_line": 1, "alias_figures": 2, "in_combined": 3,
               "left_only": 4, "right_only": 5}


def _at(column: pd.Series, ids: np.ndarray):
    """``column``'s values at positions ``ids`` (-1: missing, as a join leaves it)."""
    values = column.array if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) \
        else column.to_numpy()
    return pd.api.extensions.take(values, ids, allow_fill=True)


def _assemble(a, b, pairs, left, right) -> pd.DataFrame:
    """The crosswalk's table: ``pairs`` (pass, left positions, right positions, side of
    the combined row), an absent side as -1, ordered by year, spreadsheet row (the
    left's, else the right's) and pass, with both sides' columns."""
    def ids(values, n):
        return values if len(values) else np.full(n, -1, dtype=np.int64)

    idl = np.concatenate([ids(ia, len(ib)) for _, ia, ib, _ in pairs]).astype(np.int64)
    idr = np.concatenate([ids(ib, len(ia)) for _, ia, ib, _ in pairs]).astype(np.int64)
    match = np.concatenate([np.full(max(len(ia), len(ib)), m, dtype=object)
                            for m, ia, ib, _ in pairs])
    year = np.where(idl >= 0, _at(a["year"], idl), _at(b["year"], idr))
    row = np.where(idl >= 0, _at(a["row"], idl), _at(b["row"], idr))
    rank = np.array([_PASS_ORDER[m] for m, ia, ib, _ in pairs for _ in
                     range(max(len(ia), len(ib)))], dtype=np.int64)
    order = np.lexsort((rank, row, year))   # stable, missing rows last
    idl, idr = idl[order], idr[order]
    cols = {"year": pd.Series(year[order].astype(np.int64)),
            "left_form": pd.Series([left] * len(order)),
            "right_form": pd.Series([right] * len(order)),
            "match": pd.Series(match[order])}
    if any(side for *_, side in pairs):
        cols["combined_side"] = pd.Series(np.concatenate([
            np.full(max(len(ia), len(ib)), side or np.nan, dtype=object)
            for _, ia, ib, side in pairs])[order])
    else:
        cols["combined_side"] = pd.Series([None] * len(order), dtype=object)
    for prefix, side, at in (("left_", a, idl), ("right_", b, idr)):
        for c in _SIDE:
            values = _at(side[c], at)
            cols[prefix + c] = pd.Series(
                pd.array(values, dtype="Int64") if c in ("row", "line", "value")
                else values, dtype=object if getattr(values, "dtype", None) == object
                else None)
    return pd.DataFrame(cols, columns=CROSSWALK_COLUMNS)


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

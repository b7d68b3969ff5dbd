"""Prison terms versus statutory minimums, from the official term brackets.

Forms 10.3 (until 2010) and 10.3.1 (from 2011) do not give individual terms, only counts
per bracket of term length (``imprisonment_1_2y`` ...); life imprisonment is counted
separately and is not among the N bracketed terms. Whether a term is below the minimum of the sanction is
therefore known only as an interval. Bracket semantics follow ``repstats.courts.
bracket_bounds``: a bracket holds terms ``t`` with ``lower_months < t <= upper_months``
(lower bound exclusive, upper inclusive). With statutory minimum ``m`` (months):

- ``upper < m``: every term is strictly below the minimum ("certainly below");
- ``lower >= m``: every term is strictly above it ("certainly above");
- ``lower < m <= upper``: the bracket *contains the minimum*; its terms may be below,
  at or (when ``upper > m``) above it. When ``upper == m`` the bracket is entirely at or
  below the minimum: e.g. for ``m = 60``, (36, 60] is at-or-below and (60, 96] is
  certainly above.

Bounds over N terms in brackets, with B certainly below, M in the minimum's bracket and A
certainly above:

- below:        [B, B + M] / N
- at or below:  [B + M, B + M] / N if ``upper == m`` else [B, B + M] / N
- above:        [A, A + M] / N if ``upper > m`` else [A, A] / N

Which sanction applies? Courts apply the law in force when the offence was committed
(art. 9-10 of the Criminal Code; a harsher law is not retroactive), and a year's
convictions carry no offence dates. The applicable version is therefore **bounded**, not
known: every version of the article-part in force on some day of a window before the
verdict year (from 1 January ``window_years`` years before it to 31 December of the
verdict year; default 3) may have applied. Every share is bounded over those versions:
because the shares are monotone in the minimum, the bounds over all versions are the
lower bounds under the lowest minimum and the upper bounds under the highest one, so an
interval widens exactly where the sanction changed. A row annotated "в старой редакции
до ФЗ от DD.MM.YYYY" convicts under the version before that law: its window ends the day
before it.

Combined rows. Some years report several article-parts in one row that cannot be split
(``lumped_parts``: e.g. 2022's "280.4 ч.1; ...; 282.4 ч.1; 282.4 ч.2; ..." for articles
created that year, or 2021's "284.1 ч.2; 284.1 ч.3"). No share is computed for an
article-part counted only in such a row: it gets a row with ``combined_row`` naming the
combined row, ``n_terms`` NaN (0 when the combined row has no prison term at all, which is
0 for each part it lists) and a warning saying why.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from repstats.courts.labels import lumped_pairs
from repstats.stats._series import require_columns
from repstats.stats.inputs import (COURT_STATS, RANGES, flag, has_range, norm_part,
                                   norm_parts, validate)

DEFAULT_SCENARIOS = ("special_procedure", "cooperation", "attempt", "preparation", "minor")
_OLD_REDACTION = re.compile(r"до\s+(?:ФЗ|федерального закона)\s+от\s+(\d{1,2})\.(\d{1,2})\."
                            r"(\d{4})", re.IGNORECASE)
KEYS = ["year", "article", "part", "redaction"]
BRACKET_FORMS = ("10.3", "10.3.1")
#: Columns of the court table that :func:`bracket_shares` and
#: :func:`repstats.stats.minimums.bracket_plot_inputs` read
#: (``repstats.load("court_stats", columns=COURT_COLUMNS)`` reads no more).
COURT_COLUMNS = ["year", "form", "article", "part", "redaction", "row_type", "measure",
                 "value", "lumped_parts"]
COLUMNS = KEYS + [
    "window_start", "window_end", "n_versions", "min_months", "min_months_low",
    "min_months_high", "max_months", "life", "range_status", "sanction_changed_in_window",
    "change_dates",
    "bracket_form", "combined_row", "n_terms", "imprisonment", "life_imprisonment",
    "min_bracket",
    "n_below_certain", "n_min_bracket", "n_above_certain", "share_below_low", "share_below_high",
    "share_at_or_below_low", "share_at_or_below_high", "share_min_bracket",
    "share_above_low", "share_above_high", "official_below_minimum", "official_vs_bounds",
    "effective_min_months", "below_min_allowed_by", "share_below_effective_low",
    "share_below_effective_high", "warning"]


# ----------------------------------------------------------------------------- intervals
def bracket_interval(brackets: pd.DataFrame, min_months: float) -> dict:
    """Interval bounds on terms below / at-or-below / above ``min_months``.

    Parameters
    ----------
    brackets : DataFrame
        One row per bracket: ``lower_months`` (exclusive), ``upper_months`` (inclusive;
        NaN or inf for an open top bracket), ``count``. Brackets must not overlap.
    min_months : float
        The minimum (months). NaN gives NaN shares.

    Returns
    -------
    dict
        ``n_terms``, ``n_below_certain``, ``n_min_bracket``, ``n_above_certain``,
        ``min_bracket`` (label of the bracket containing the minimum, None if none),
        ``share_below_low``/``_high``, ``share_at_or_below_low``/``_high``,
        ``share_min_bracket``, ``share_above_low``/``_high`` (see the module docstring).
    """
    require_columns(brackets, ["lower_months", "upper_months", "count"], "brackets")
    b = brackets.sort_values("lower_months")
    lo = b["lower_months"].to_numpy(float)
    hi = b["upper_months"].fillna(np.inf).to_numpy(float)
    count = b["count"].fillna(0).to_numpy(float)
    if (hi <= lo).any():
        raise ValueError("every bracket needs lower_months < upper_months")
    if (lo[1:] < hi[:-1]).any():
        raise ValueError("brackets overlap; pass one bracket scheme (e.g. 1-3y or 1-2y and "
                         "2-3y, not both)")
    n = float(count.sum())
    out = dict(n_terms=n, n_below_certain=math.nan, n_min_bracket=math.nan,
               n_above_certain=math.nan, min_bracket=None)
    shares = ["share_below_low", "share_below_high", "share_at_or_below_low",
              "share_at_or_below_high", "share_min_bracket", "share_above_low",
              "share_above_high"]
    out |= dict.fromkeys(shares, math.nan)
    if min_months is None or pd.isna(min_months):
        return out
    m = float(min_months)
    below = float(count[hi < m].sum())
    above = float(count[lo >= m].sum())
    holds = (lo < m) & (m <= hi)
    mid = float(count[holds].sum())
    upper_edge = bool(holds.any() and hi[holds][0] == m)
    labels = b["measure"].to_numpy() if "measure" in b.columns else b.index.to_numpy()
    out |= dict(n_below_certain=below, n_min_bracket=mid, n_above_certain=above,
                min_bracket=str(labels[holds][0]) if holds.any() else None)
    if n == 0:
        return out
    out |= dict(
        share_below_low=below / n, share_below_high=(below + mid) / n,
        share_at_or_below_low=(below + (mid if upper_edge else 0)) / n,
        share_at_or_below_high=(below + mid) / n,
        share_min_bracket=mid / n,
        share_above_low=above / n,
        share_above_high=(above + (0 if upper_edge or not holds.any() else mid)) / n,
    )
    return out


# ------------------------------------------------------------------------ sanctions
def window_bounds(year: int, window_years: int = 3,
                  redaction: str | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of the window whose versions may apply to ``year``'s verdicts.

    ``[1 January (year - window_years), 31 December year]``; for a row annotated as an
    older redaction ("в старой редакции до ФЗ от DD.MM.YYYY") the window ends the day
    before that law.
    """
    if isinstance(window_years, bool) or not isinstance(window_years, int) or \
            window_years < 0:
        raise ValueError(f"window_years must be an integer >= 0, got {window_years!r}")
    start, end = dt.date(int(year) - window_years, 1, 1), dt.date(int(year), 12, 31)
    if redaction:
        hit = _OLD_REDACTION.search(str(redaction))
        if hit:
            d, mth, y = map(int, hit.groups())
            end = min(end, dt.date(y, mth, d) - dt.timedelta(days=1))
            start = min(start, end)
    return start, end


def sanctions_in_force(keys: pd.DataFrame, *, window_years: int = 3,
                       table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Bounds of the sanction over the versions that may apply to each article-part-year.

    Parameters
    ----------
    keys : DataFrame
        Columns year, article, part (optional redaction).
    window_years : int
        Years before the verdict year whose versions may apply (see the module
        docstring); 0 reads only the verdict year itself.
    table : DataFrame, optional
        Sanctions table (default :func:`repstats.statutes.sanctions_table`).

    Returns
    -------
    DataFrame
        ``keys`` columns plus ``window_start``, ``window_end`` (dates), ``n_versions``,
        ``min_months`` (the minimum when every version in the window has the same one,
        else NaN), ``min_months_low``, ``min_months_high``, ``max_months`` (highest),
        ``life`` (life in some version), ``range_status`` ("established", "unknown:
        ...", "unmatched: ..."), ``sanction_changed_in_window`` (the prison range or
        life option changed inside the window), ``change_dates``, ``versions``.
    """
    require_columns(keys, ["year", "article", "part"], "keys")
    from repstats.statutes import applicable_ranges

    red = keys["redaction"] if "redaction" in keys.columns else pd.Series(None,
                                                                          index=keys.index)
    distinct = pd.DataFrame({"year": keys["year"].astype(int).to_numpy(),
                             "redaction": red.to_numpy(object)}).drop_duplicates()
    windows = {(y, r if isinstance(r, str) else None): window_bounds(y, window_years,
                                                                     r if isinstance(r, str)
                                                                     else None)
               for y, r in distinct.itertuples(index=False)}
    wk = [windows[(int(y), r if isinstance(r, str) else None)]
          for y, r in zip(keys["year"], red)]
    probe = pd.DataFrame({"year": keys["year"].astype(int).to_numpy(),
                          "article": keys["article"].to_numpy(object),
                          "part": [norm_part(p) for p in keys["part"]],
                          "redaction": red.to_numpy(object),
                          "window_start": pd.to_datetime([w[0] for w in wk]),
                          "window_end": pd.to_datetime([w[1] for w in wk])})
    got = applicable_ranges(probe, start="window_start", end="window_end", table=table)
    same = got["min_months_low"] == got["min_months_high"]
    return got.assign(min_months=got["min_months_low"].where(same),
                      max_months=got["max_months_high"], life=got["life_any"],
                      sanction_changed_in_window=got["sanction_changed"]).drop(
        columns=["max_months_low", "max_months_high", "life_any", "life_all",
                 "sanction_changed"])


def _bracket_table(cs: pd.DataFrame, bracket_measures: list[str]) -> pd.DataFrame:
    """One row per year x article x part x redaction, each measure read from one form.

    Until 2010 form 10.3 holds the brackets; from 2011 form 10.3.1 holds the brackets,
    ``imprisonment`` and ``below_minimum`` while 10.3 keeps ``imprisonment`` too, so
    summing over forms would double count. Brackets, ``imprisonment`` and
    ``below_minimum`` come from the latest form holding brackets (a note says when
    several do); ``life_imprisonment`` (10.3 only) from wherever it is.
    """
    keys = KEYS + ["form"]
    flat = cs.assign(part=cs["part"].fillna(""), redaction=cs["redaction"].fillna(""))
    wide = flat.groupby(keys + ["measure"], sort=False)["value"].sum(min_count=1) \
        .unstack("measure")
    for m in bracket_measures + ["imprisonment", "below_minimum", "life_imprisonment"]:
        if m not in wide.columns:
            wide[m] = np.nan
    wide = wide.reset_index()
    has = wide[bracket_measures].notna().any(axis=1)
    wide["_rank"] = has.astype(int) * 10 + wide["form"].map({"10.3": 1, "10.3.1": 2}) \
        .fillna(0)
    n_forms = wide[has].groupby(KEYS)["form"].agg(lambda f: sorted(set(f)))
    life = wide.groupby(KEYS)["life_imprisonment"].max()
    best = wide.sort_values("_rank", kind="stable").groupby(KEYS, sort=False).tail(1)
    best = best.set_index(KEYS)
    out = best[bracket_measures + ["imprisonment", "below_minimum"]].copy()
    out["life_imprisonment"] = life.reindex(out.index)
    out["bracket_form"] = best["form"].where(best["_rank"] >= 10)
    out["form_note"] = None
    multi = n_forms[n_forms.map(len) > 1]
    out.loc[multi.index, "form_note"] = [f"brackets in forms {f}; {f[-1]} used"
                                         for f in multi]
    none = out["bracket_form"].isna()
    out.loc[none, "form_note"] = "no bracket rows"
    out = out.reset_index()
    out["part"] = out["part"].replace("", None)
    out["redaction"] = out["redaction"].replace("", None)
    return out


def _combined_rows(court_stats: pd.DataFrame, bracket_measures: list[str], articles,
                   present: pd.DataFrame) -> pd.DataFrame:
    """One row per article-part counted only in a combined row (``lumped_parts``).

    Rows of ``court_stats`` (forms 10.3/10.3.1, row types "article" or "article_group")
    that lump several article-parts are never split. Each politically used article-part
    they list (``articles``; all when None) that has no row of its own that year
    (``present``: year, article, part) gets a row of :func:`_bracket_table`'s shape with
    no counts, ``combined_row`` = the lumped parts, and a ``form_note`` giving the row's
    prison terms in all; a combined row with no prison term gives 0 terms.
    """
    cols = list(_bracket_table_columns(bracket_measures))
    if "lumped_parts" not in court_stats.columns:
        return pd.DataFrame(columns=cols)
    mask = (court_stats["form"].isin(BRACKET_FORMS)
            & court_stats["row_type"].isin(["article", "article_group"])
            & court_stats["lumped_parts"].notna()
            & court_stats["measure"].isin(bracket_measures))
    rows = court_stats.loc[mask.to_numpy(bool), ["year", "form", "lumped_parts", "measure",
                                                 "value"]]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(lumped_parts=rows["lumped_parts"].astype(str),
                       form=rows["form"].astype(str),
                       value=pd.to_numeric(rows["value"], errors="coerce"))
    # brackets from the latest form holding them (10.3 until 2010, 10.3.1 from 2011)
    latest = rows.groupby("year")["form"].transform("max")
    terms = rows[rows["form"] == latest].groupby(["year", "form", "lumped_parts"])[
        "value"].sum(min_count=1)
    wanted = None if articles is None else set(articles)
    own = set(zip(present["year"].astype(int), present["article"], present["part"]))
    out = []
    for (year, form, lumped), n in terms.items():
        for article, part in lumped_pairs(lumped):
            part = norm_part(part)
            if (wanted is not None and article not in wanted) or \
                    (int(year), article, part) in own:
                continue
            total = "unknown" if pd.isna(n) else f"{n:g}"
            note = (f"counted only in the combined row '{lumped}' (form {form}), which "
                    "has no prison term: none for this article-part" if n == 0 else
                    f"counted only in the combined row '{lumped}' (form {form}, {total} "
                    "prison terms in all): not separable")
            row = dict.fromkeys(cols)
            row |= dict(year=int(year), article=article, part=part, redaction=None,
                        combined_row=lumped, form_note=note)
            if n == 0:  # no prison term in the row: none for each part it lists
                row |= dict.fromkeys(bracket_measures, 0.0) | dict(bracket_form=form)
            out.append(row)
    frame = pd.DataFrame(out, columns=cols)
    return frame.drop_duplicates(KEYS)


def _bracket_table_columns(bracket_measures: list[str]) -> list[str]:
    return KEYS + bracket_measures + ["imprisonment", "below_minimum", "life_imprisonment",
                                      "bracket_form", "form_note", "combined_row"]


def _count_where(counts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return (counts * mask).sum(axis=1)


def _interval_arrays(counts, lo, hi, m_low, m_high) -> dict:
    """Vectorised :func:`bracket_interval` bounds over minimums in [m_low, m_high].

    ``counts`` is keys x brackets (NaN = bracket absent in the key's form).
    """
    present = ~np.isnan(counts)
    c = np.where(present, counts, 0.0)
    n = c.sum(axis=1)
    ml, mh = m_low[:, None], m_high[:, None]
    below_certain = _count_where(c, hi[None, :] < ml)          # under every version
    lt_high = _count_where(c, lo[None, :] < mh)                # possibly below
    le_low = _count_where(c, hi[None, :] <= ml)                # certainly at or below
    above_certain = _count_where(c, lo[None, :] >= mh)
    gt_low = _count_where(c, hi[None, :] > ml)                 # possibly above
    with np.errstate(invalid="ignore", divide="ignore"):
        share = lambda x: np.where(n > 0, x / n, np.nan)  # noqa: E731
        out = dict(n_terms=n, n_below_certain=below_certain,
                   n_min_bracket=lt_high - below_certain, n_above_certain=above_certain,
                   share_below_low=share(below_certain), share_below_high=share(lt_high),
                   share_at_or_below_low=share(le_low), share_at_or_below_high=share(lt_high),
                   share_min_bracket=share(lt_high - below_certain),
                   share_above_low=share(above_certain), share_above_high=share(gt_low))
    unknown = np.isnan(m_low) | np.isnan(m_high)
    for k in list(out):
        if k != "n_terms":
            out[k] = np.where(unknown, np.nan, out[k])
    return out


def _holding(labels, counts, lo, hi, m) -> list:
    """Label of the present bracket holding each minimum (None when none)."""
    present = ~np.isnan(counts)
    holds = present & (lo[None, :] < m[:, None]) & (m[:, None] <= hi[None, :])
    idx = np.where(holds.any(axis=1), holds.argmax(axis=1), -1)
    return [labels[i] if i >= 0 else None for i in idx]


def _effective_min(ranges: pd.DataFrame, scenarios, effective) -> pd.DataFrame:
    """Lowest minimum reachable under the scenarios, per distinct sanction."""
    rows = {}
    for key in set(zip(ranges["min_months_low"], ranges["max_months"], ranges["life"])):
        lo, hi, life = key
        best, allowed = math.nan, []
        if not (pd.isna(lo) or pd.isna(hi)) and lo > 0:
            for scenario in scenarios:
                flags = (scenario,) if isinstance(scenario, str) else tuple(scenario)
                try:
                    er = effective(lo, hi, life=flag(life), **dict.fromkeys(flags, True))
                except ValueError:  # impossible for this offence (e.g. art. 30 ч.2)
                    continue
                if er.min_months is not None and not pd.isna(er.min_months):
                    best = er.min_months if math.isnan(best) else min(best, er.min_months)
                if er.below_minimum_allowed:
                    allowed.append("+".join(flags))
        rows[key] = (best, ", ".join(allowed) or None)
    keys = list(zip(ranges["min_months_low"], ranges["max_months"], ranges["life"]))
    return pd.DataFrame([rows[k] for k in keys], index=ranges.index,
                        columns=["effective_min_months", "below_min_allowed_by"])


def bracket_shares(court_stats: pd.DataFrame, ranges: pd.DataFrame | None = None, *,
                   window_years: int = 3, table: pd.DataFrame | None = None,
                   bounds: pd.DataFrame | None = None,
                   articles: Iterable[str] | None = None,
                   scenarios: Iterable = DEFAULT_SCENARIOS,
                   effective: Callable | None = None) -> pd.DataFrame:
    """Bounds on the share of prison terms below, around and above the applicable minimum.

    Parameters
    ----------
    court_stats : DataFrame
        Long court table (contract 1), any years. Forms 10.3 and 10.3.1
        ``row_type == "article"`` rows with the bracket measures of ``bounds``,
        ``imprisonment``, ``life_imprisonment`` and ``below_minimum`` are used, each
        measure from one form (brackets sit in 10.3 until 2010 and in 10.3.1 from 2011).
    ranges : DataFrame, optional
        Already-attached sanctions: year, article, part (optional redaction),
        ``min_months`` or ``min_months_low`` and ``min_months_high``, ``max_months``,
        ``life``, ``range_status`` (optional ``sanction_changed_in_window``). Default:
        :func:`sanctions_in_force` with ``window_years`` and ``table``.
    window_years : int
        Years before the verdict year whose sanction versions may apply (default 3; see
        the module docstring).
    table : DataFrame, optional
        Sanctions table passed to :func:`sanctions_in_force`.
    bounds : DataFrame, optional
        measure, lower_months (exclusive), upper_months (inclusive); default
        ``repstats.courts.bracket_bounds()``.
    articles : iterable of str, optional
        Restrict to these articles.
    scenarios : iterable of str or tuples of str
        Flags of ``effective_range`` tried, alone or combined ("attempt", ("attempt",
        "minor"), ...), to find the lowest minimum reachable without art. 64.
    effective : callable, optional
        ``effective_range(min, max, *, <flags>, life=)``; default
        ``repstats.statutes.effective_range`` (skipped, with a warning in the rows, when
        that module is not importable).

    Returns
    -------
    DataFrame
        One row per year x article x part x redaction:

        - ``year``, ``article``, ``part``, ``redaction``
        - ``window_start``, ``window_end``, ``n_versions``: the window read and the
          sanction versions in force in it
        - ``min_months`` (when every version has the same minimum, else NaN),
          ``min_months_low``, ``min_months_high``, ``max_months``, ``life`` (life
          imprisonment in some version), ``range_status`` ("established" or why not),
          ``sanction_changed_in_window``, ``change_dates``
        - ``bracket_form``: form the brackets were read from (None when there are none)
        - ``combined_row``: for an article-part counted only in a combined row that
          cannot be split (``lumped_parts`` of the court table), the article-parts that
          row lumps; its shares are NaN and ``n_terms`` is NaN (0 when the combined row
          has no prison term). None otherwise
        - ``n_terms``: terms in brackets (the denominator of every share);
          ``imprisonment``: official count of real imprisonment; ``life_imprisonment``
          (not in ``n_terms``)
        - ``min_bracket``: bracket(s) holding the minimum (" / "-joined when the
          minimum changed in the window)
        - ``n_below_certain`` (below every applicable minimum), ``n_min_bracket``
          (possibly below, at or above), ``n_above_certain``
        - ``share_below_low``, ``share_below_high``, ``share_at_or_below_low``,
          ``share_at_or_below_high``, ``share_min_bracket``, ``share_above_low``,
          ``share_above_high``: interval bounds over the brackets and over the versions
        - ``official_below_minimum``: form 10.3 count of punishments below the minimum
          (art. 64; it may include milder kinds of punishment, not only prison terms)
        - ``official_vs_bounds``: "within bounds", "below lower bound" (terms certainly
          below the minimum exceed the art. 64 count: other legal routes), "above upper
          bound" (art. 64 also used for non-custodial punishments), None when not
          comparable
        - ``effective_min_months``: lowest minimum reachable under ``scenarios`` (under
          the lowest-minimum version); ``below_min_allowed_by``: scenarios whose
          effective range allows going below the statutory minimum
        - ``share_below_effective_low``, ``share_below_effective_high``: bounds on terms
          below even ``effective_min_months``
        - ``warning``: notes or None
    """
    if bounds is None:
        from repstats.courts import bracket_bounds
        bounds = bracket_bounds()
    require_columns(bounds, ["measure", "lower_months", "upper_months"], "bounds")
    require_columns(court_stats, ["year", "form", "article", "part", "row_type", "measure",
                                  "value"], "court_stats")
    wanted = list(bounds["measure"]) + ["imprisonment", "life_imprisonment", "below_minimum"]
    # one combined mask, then one take of the few columns used (the full table is large)
    mask = (court_stats["form"].isin(BRACKET_FORMS) & (court_stats["row_type"] == "article")
            & court_stats["measure"].isin(wanted))
    if "lumped_parts" in court_stats.columns:  # combined rows: see _combined_rows
        mask &= court_stats["lumped_parts"].isna()
    if articles is not None:
        mask &= court_stats["article"].isin(list(articles))
    used = [c for c in COURT_COLUMNS if c != "lumped_parts" and c in court_stats.columns]
    cs = court_stats.loc[mask.to_numpy(bool), used]
    # a missing value is an absent measure (not a zero): it never enters a bracket sum
    cs = cs[pd.to_numeric(cs["value"], errors="coerce").notna().to_numpy(bool)]
    b = bounds.sort_values("lower_months")
    measures = list(b["measure"])
    if cs.empty:
        wide = pd.DataFrame(columns=_bracket_table_columns(measures))
    else:
        cs = validate(cs, COURT_STATS)  # only the rows used: fast on the full table
        # normalise each distinct part / redaction once
        parts = {v: norm_part(v) for v in cs["part"].drop_duplicates()}
        red = cs["redaction"] if "redaction" in cs.columns else pd.Series(None,
                                                                          index=cs.index)
        reds = {v: (None if v is None or pd.isna(v) or not str(v).strip() else str(v))
                for v in red.drop_duplicates()}
        cs = cs.assign(part=cs["part"].map(parts).astype(object),
                       redaction=red.map(reds).astype(object))
        wide = _bracket_table(cs, measures).assign(combined_row=None)
    combined = _combined_rows(court_stats, measures, articles, wide[["year", "article",
                                                                     "part"]])
    if wide.empty and combined.empty:
        raise ValueError("court_stats has no form 10.3/10.3.1 article rows (for these "
                         "articles)")
    if len(combined):
        wide = pd.concat([df for df in (wide, combined.astype({"year": int})) if len(df)],
                         ignore_index=True)

    if ranges is None:
        ranges = sanctions_in_force(wide[KEYS], window_years=window_years, table=table)
    require_columns(ranges, ["year", "article", "part", "max_months", "life",
                             "range_status"], "ranges")
    ranges = validate(ranges, RANGES).assign(part=lambda d: norm_parts(d["part"]))
    if "min_months_low" not in ranges.columns:
        require_columns(ranges, ["min_months"], "ranges")
        ranges = ranges.assign(min_months_low=ranges["min_months"],
                               min_months_high=ranges["min_months"])
    join = ["year", "article", "part"] + (["redaction"] if "redaction" in ranges.columns
                                          else [])
    if ranges.duplicated(join).any():
        raise ValueError(f"ranges has several rows per {join}")
    extra = ["window_start", "window_end", "n_versions", "min_months", "change_dates",
             "sanction_changed_in_window"]
    keep = join + ["min_months_low", "min_months_high", "max_months", "life",
                   "range_status"] + [c for c in extra if c in ranges.columns]
    out = wide.merge(ranges[keep], on=join, how="left")
    for col in extra:
        if col not in out.columns:
            out[col] = pd.NA
    out["range_status"] = out["range_status"].fillna("unmatched: no range row")
    established = np.array([has_range(s, m) for s, m in zip(out["range_status"],
                                                            out["min_months_low"])])
    m_low = np.where(established, pd.to_numeric(out["min_months_low"]).to_numpy(float),
                     np.nan)
    m_high = np.where(established, pd.to_numeric(out["min_months_high"]).to_numpy(float),
                      np.nan)
    out["min_months"] = np.where(m_low == m_high, m_low, np.nan)
    counts = out[measures].to_numpy(float)
    lo = b["lower_months"].to_numpy(float)
    hi = b["upper_months"].fillna(np.inf).to_numpy(float)
    res = _interval_arrays(counts, lo, hi, m_low, m_high)
    for k, v in res.items():
        out[k] = v
    lumped_only = out["combined_row"].notna() & out["bracket_form"].isna()
    out.loc[lumped_only, "n_terms"] = np.nan
    h_low, h_high = _holding(measures, counts, lo, hi, m_low), \
        _holding(measures, counts, lo, hi, m_high)
    out["min_bracket"] = [None if a is None and c is None else
                          a if a == c or c is None else c if a is None else f"{a} / {c}"
                          for a, c in zip(h_low, h_high)]
    off = pd.to_numeric(out["below_minimum"], errors="coerce")
    lo_b, hi_b = out["n_below_certain"], out["n_below_certain"] + out["n_min_bracket"]
    out["official_below_minimum"] = off
    out["official_vs_bounds"] = np.select(
        [off.isna() | lo_b.isna(), off < lo_b, off > hi_b],
        [None, "below lower bound", "above upper bound"], "within bounds")
    out["official_vs_bounds"] = out["official_vs_bounds"].where(
        out["official_vs_bounds"].astype(str) != "None", None)

    notes = [[n] if isinstance(n, str) else [] for n in out["form_note"]]
    if effective is None:
        try:
            from repstats.statutes import effective_range as effective
        except ImportError:
            effective = None
    scenarios = tuple(scenarios)
    eff = pd.DataFrame({"effective_min_months": np.nan, "below_min_allowed_by": None},
                       index=out.index)
    if effective is not None and scenarios:
        sub = out[established]
        if len(sub):
            eff.loc[sub.index] = _effective_min(sub, scenarios, effective).to_numpy(object)
    out = out.join(eff)
    out["effective_min_months"] = pd.to_numeric(out["effective_min_months"])
    e = out["effective_min_months"].to_numpy(float)
    eff_res = _interval_arrays(counts, lo, hi, e, e)
    out["share_below_effective_low"] = eff_res["share_below_low"]
    out["share_below_effective_high"] = eff_res["share_below_high"]
    imp = pd.to_numeric(out["imprisonment"], errors="coerce")
    for i, (n, st, ok, im) in enumerate(zip(out["n_terms"], out["range_status"],
                                            established, imp)):
        if n == 0:
            notes[i].append("no prison terms in brackets")
        if pd.isna(n):
            continue  # counted only in a combined row: the note says so
        if not ok:
            notes[i].append(f"sanction not established ({st})")
        elif effective is None:
            notes[i].append("effective ranges not computed: repstats.statutes unavailable")
        if not pd.isna(im) and n != im:
            notes[i].append(f"bracket sum {n:g} differs from imprisonment {im:g}")
    out["warning"] = ["; ".join(n) or None for n in notes]
    out = out[COLUMNS]
    return out.sort_values(["article", "part", "redaction", "year"], na_position="first",
                           kind="stable").reset_index(drop=True)

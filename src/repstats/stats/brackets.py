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
(art. 9-10 of the Criminal Code; a harsher law is not retroactive), and offences precede
verdicts by months or years, so the law in force for most of a year's convictions is
usually *older* than the verdict year. The default representative date is therefore
``on="year_start"`` (1 January of the verdict year); ``"year_mid"`` (1 July) and a
callable ``year -> date`` are offered. A row annotated "в старой редакции до ФЗ от
DD.MM.YYYY" is evaluated the day before that date. ``sanction_changed_in_window`` flags
sanctions that changed between 1 January ``window_years`` before the verdict year and
31 December of it: for those rows the convictions mix two sanctions.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from repstats.stats._series import require_columns
from repstats.stats.inputs import (COURT_STATS, RANGES, flag, has_range, norm_part,
                                   norm_parts, validate)

ON_RULES = ("year_start", "year_mid")
DEFAULT_SCENARIOS = ("special_procedure", "cooperation", "attempt", "preparation", "minor")
_OLD_REDACTION = re.compile(r"до\s+(?:ФЗ|федерального закона)\s+от\s+(\d{1,2})\.(\d{1,2})\."
                            r"(\d{4})", re.IGNORECASE)
KEYS = ["year", "article", "part", "redaction"]
BRACKET_FORMS = ("10.3", "10.3.1")
COLUMNS = KEYS + [
    "min_months", "max_months", "life", "range_status", "sanction_changed_in_window",
    "bracket_form", "n_terms", "imprisonment", "life_imprisonment", "min_bracket",
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
def representative_date(year: int, on: str | Callable = "year_start",
                        redaction: str | None = None) -> tuple[dt.date, str]:
    """Date on which to read the sanction for convictions of ``year``, and the rule used."""
    if redaction:
        hit = _OLD_REDACTION.search(str(redaction))
        if hit:
            d, mth, y = map(int, hit.groups())
            return dt.date(y, mth, d) - dt.timedelta(days=1), "old redaction: day before law"
    if callable(on):
        value = on(int(year))
        return pd.Timestamp(value).date(), "callable"
    if on == "year_start":
        return dt.date(int(year), 1, 1), on
    if on == "year_mid":
        return dt.date(int(year), 7, 1), on
    raise ValueError(f"on must be one of {ON_RULES} or a callable year -> date, got {on!r}")


def _changed(valid_from, valid_to, year: int, window_years: int):
    if valid_from is None and valid_to is None:
        return pd.NA
    start, end = pd.Timestamp(int(year) - window_years, 1, 1), pd.Timestamp(int(year), 12, 31)
    vf = pd.Timestamp(valid_from) if valid_from is not None and not pd.isna(valid_from) \
        else None
    vt = pd.Timestamp(valid_to) if valid_to is not None and not pd.isna(valid_to) else None
    return bool((vf is not None and vf > start) or (vt is not None and vt < end))


def sanctions_in_force(keys: pd.DataFrame, on: str | Callable = "year_start", *,
                       window_years: int = 2, lookup: Callable | None = None) -> pd.DataFrame:
    """The sanction in force for each article-part-year (``repstats.statutes``).

    Parameters
    ----------
    keys : DataFrame
        Columns year, article, part (optional redaction).
    on : {"year_start", "year_mid"} or callable
        Representative date rule (see the module docstring).
    window_years : int
        Years before the verdict year searched for a change of sanction.
    lookup : callable, optional
        ``lookup(article, part, on=date)`` returning a StatutoryRange; default
        ``repstats.statutes.statutory_range``.

    Returns
    -------
    DataFrame
        ``keys`` columns plus ``on`` (date used), ``date_rule``, ``min_months``,
        ``max_months``, ``life``, ``range_status``, ``valid_from``, ``valid_to``,
        ``sanction_changed_in_window`` (bool; NA when validity dates are unknown).
    """
    require_columns(keys, ["year", "article", "part"], "keys")
    if lookup is None:
        from repstats.statutes import statutory_range as lookup
    rows = []
    red = keys["redaction"] if "redaction" in keys.columns else [None] * len(keys)
    for (year, article, part), redaction in zip(
            keys[["year", "article", "part"]].itertuples(index=False), red):
        date, rule = representative_date(year, on, redaction)
        try:
            rng = lookup(article, norm_part(part), on=date)
        except ValueError as exc:  # unknown article/part, date outside its life
            rows.append(dict(year=int(year), article=article, part=norm_part(part),
                             redaction=redaction, on=date, date_rule=rule,
                             min_months=None, max_months=None, life=None,
                             range_status=f"unmatched: {exc}", valid_from=None,
                             valid_to=None, sanction_changed_in_window=pd.NA))
            continue
        status = rng.status if rng.status.startswith("established") or not rng.reason \
            else f"{rng.status}: {rng.reason}"
        rows.append(dict(year=int(year), article=article, part=norm_part(part),
                         redaction=redaction, on=date, date_rule=rule,
                         min_months=rng.min_months, max_months=rng.max_months,
                         life=rng.life, range_status=status, valid_from=rng.valid_from,
                         valid_to=rng.valid_to,
                         sanction_changed_in_window=_changed(rng.valid_from, rng.valid_to,
                                                             year, window_years)))
    return pd.DataFrame(rows)


def _form_values(group, bracket_measures) -> tuple[pd.Series, str | None, str | None]:
    """Measures of one article-part-year, each read from the right form.

    Until 2010 form 10.3 holds the brackets; from 2011 form 10.3.1 holds the brackets,
    ``imprisonment`` and ``below_minimum`` while 10.3 keeps ``imprisonment`` too, so
    summing over forms would double count. Brackets, ``imprisonment`` and
    ``below_minimum`` come from the form holding the brackets; ``life_imprisonment``
    (10.3 only) from wherever it is.
    """
    if group is None or group.empty:
        return pd.Series(dtype=float), None, "no court rows"
    table = group.groupby(["form", "measure"])["value"].sum()
    forms = sorted({f for f, m in table.index if m in bracket_measures})
    note = None
    if not forms:
        form, note = ("10.3" if "10.3" in table.index.get_level_values(0) else
                      table.index[0][0]), "no bracket rows"
    else:
        form = forms[-1]
        if len(forms) > 1:
            note = f"brackets in forms {forms}; {form} used"
    values = table.loc[form].copy()
    life = table[table.index.get_level_values(1) == "life_imprisonment"]
    values["life_imprisonment"] = life.max() if len(life) else math.nan
    return values, (form if forms else None), note


def _effective(row, scenarios, effective) -> dict:
    """Lowest minimum reachable under the scenarios, and which allow going below it."""
    best, allowed = math.nan, []
    for scenario in scenarios:
        flags = (scenario,) if isinstance(scenario, str) else tuple(scenario)
        try:
            er = effective(row["min_months"], row["max_months"], life=flag(row["life"]),
                           **dict.fromkeys(flags, True))
        except ValueError:  # scenario impossible for this offence (e.g. art. 30 part 2)
            continue
        if er.min_months is not None and not pd.isna(er.min_months):
            best = er.min_months if math.isnan(best) else min(best, er.min_months)
        if er.below_minimum_allowed:
            allowed.append("+".join(flags))
    return dict(effective_min_months=best, below_min_allowed_by=", ".join(allowed) or None)


def _official_vs(off, res) -> str | None:
    if off is None or pd.isna(off) or pd.isna(res["n_below_certain"]):
        return None
    if off < res["n_below_certain"]:
        return "below lower bound"
    if off > res["n_below_certain"] + res["n_min_bracket"]:
        return "above upper bound"
    return "within bounds"


def bracket_shares(court_stats: pd.DataFrame, ranges: pd.DataFrame | None = None, *,
                   on: str | Callable = "year_start", window_years: int = 2,
                   bounds: pd.DataFrame | None = None,
                   articles: Iterable[str] | None = None,
                   scenarios: Iterable = DEFAULT_SCENARIOS,
                   effective: Callable | None = None,
                   lookup: Callable | None = None) -> pd.DataFrame:
    """Bounds on the share of prison terms below, around and above the minimum.

    Parameters
    ----------
    court_stats : DataFrame
        Long court table (contract 1). Forms 10.3 and 10.3.1 ``row_type == "article"``
        rows with the bracket measures of ``bounds``, ``imprisonment``,
        ``life_imprisonment`` and ``below_minimum`` are used, each measure from one form
        (brackets sit in 10.3 until 2010 and in 10.3.1 from 2011).
    ranges : DataFrame, optional
        Already-attached sanctions: year, article, part (optional redaction),
        min_months, max_months, life, range_status (optional valid_from, valid_to,
        sanction_changed_in_window). Default: :func:`sanctions_in_force` with ``on``.
    on, window_years, lookup
        Passed to :func:`sanctions_in_force` when ``ranges`` is None.
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
        - ``min_months``, ``max_months``, ``life`` (life imprisonment in the sanction),
          ``range_status`` ("established" or why not), ``sanction_changed_in_window``
        - ``bracket_form``: form the brackets were read from (None when there are none)
        - ``n_terms``: terms in brackets (the denominator of every share);
          ``imprisonment``: official count of real imprisonment; ``life_imprisonment``
          (not in ``n_terms``)
        - ``min_bracket``: measure of the bracket containing the minimum
        - ``n_below_certain``, ``n_min_bracket``, ``n_above_certain``
        - ``share_below_low``, ``share_below_high``, ``share_at_or_below_low``,
          ``share_at_or_below_high``, ``share_min_bracket``, ``share_above_low``,
          ``share_above_high``: interval bounds (module docstring)
        - ``official_below_minimum``: form 10.3 count of punishments below the minimum
          (art. 64; it may include milder kinds of punishment, not only prison terms)
        - ``official_vs_bounds``: "within bounds", "below lower bound" (terms certainly
          below the minimum exceed the art. 64 count: other legal routes, or a wrong
          sanction), "above upper bound" (art. 64 also used for non-custodial
          punishments), None when not comparable
        - ``effective_min_months``: lowest minimum reachable under ``scenarios``;
          ``below_min_allowed_by``: scenarios whose effective range allows going below
          the statutory minimum
        - ``share_below_effective_low``, ``share_below_effective_high``: bounds on terms
          below even ``effective_min_months``
        - ``warning``: notes or None
    """
    cs = validate(court_stats, COURT_STATS)
    if bounds is None:
        from repstats.courts import bracket_bounds
        bounds = bracket_bounds()
    require_columns(bounds, ["measure", "lower_months", "upper_months"], "bounds")
    cs = cs[cs["form"].isin(BRACKET_FORMS) & (cs["row_type"] == "article")].copy()
    if articles is not None:
        cs = cs[cs["article"].isin(list(articles))]
    if cs.empty:
        raise ValueError("court_stats has no form 10.3/10.3.1 article rows (for these "
                         "articles)")
    cs["part"] = norm_parts(cs["part"])
    red = cs["redaction"] if "redaction" in cs.columns else pd.Series(None, index=cs.index)
    cs["redaction"] = pd.Series([None if pd.isna(v) or not str(v).strip() else str(v)
                                 for v in red], index=cs.index, dtype=object)
    wanted = set(bounds["measure"]) | {"imprisonment", "life_imprisonment", "below_minimum"}
    cs = cs[cs["measure"].isin(wanted)]
    keys = cs[KEYS].drop_duplicates().reset_index(drop=True)

    if ranges is None:
        ranges = sanctions_in_force(keys, on, window_years=window_years, lookup=lookup)
    require_columns(ranges, ["year", "article", "part", "min_months", "max_months", "life",
                             "range_status"], "ranges")
    ranges = validate(ranges, RANGES).assign(part=lambda d: norm_parts(d["part"]))
    join = ["year", "article", "part"] + (["redaction"] if "redaction" in ranges.columns
                                          else [])
    if ranges.duplicated(join).any():
        raise ValueError(f"ranges has several rows per {join}")
    keep = join + [c for c in ("min_months", "max_months", "life", "range_status",
                               "sanction_changed_in_window") if c in ranges.columns]
    keys = keys.merge(ranges[keep], on=join, how="left")
    keys["range_status"] = keys["range_status"].fillna("unmatched: no range row")
    if "sanction_changed_in_window" not in keys.columns:
        keys["sanction_changed_in_window"] = pd.NA

    if effective is None:
        try:
            from repstats.statutes import effective_range as effective
        except ImportError:
            effective = None
    scenarios = tuple(scenarios)

    def _key(year, article, part, redaction):
        return (int(year), article, part or "", redaction or "")

    cs["_key"] = [_key(*t) for t in cs[KEYS].itertuples(index=False)]
    grouped = dict(tuple(cs.groupby("_key", sort=False)))
    rows = []
    for key in keys.itertuples(index=False):
        k = key._asdict()
        group = grouped.get(_key(*(k[c] for c in KEYS)))
        values, bracket_form, form_note = _form_values(group, set(bounds["measure"]))
        br = bounds.assign(count=bounds["measure"].map(values)).dropna(subset=["count"])
        notes = [form_note] if form_note else []
        established = has_range(k["range_status"], k["min_months"])
        m = k["min_months"] if established else math.nan
        res = bracket_interval(br, m)
        if res["n_terms"] == 0:
            notes.append("no prison terms in brackets")
        if not established:
            notes.append(f"sanction not established ({k['range_status']})")
        imprisonment = values.get("imprisonment", math.nan)
        if not pd.isna(imprisonment) and res["n_terms"] != imprisonment:
            notes.append(f"bracket sum {res['n_terms']:g} differs from imprisonment "
                         f"{imprisonment:g}")
        official = values.get("below_minimum", math.nan)
        eff = dict(effective_min_months=math.nan, below_min_allowed_by=None)
        eff_res = dict(share_below_low=math.nan, share_below_high=math.nan)
        if established and effective is not None and scenarios:
            eff = _effective(k, scenarios, effective)
            eff_res = bracket_interval(br, eff["effective_min_months"])
        elif established and effective is None:
            notes.append("effective ranges not computed: repstats.statutes unavailable")
        rows.append(k | dict(bracket_form=bracket_form, n_terms=res["n_terms"],
                             imprisonment=imprisonment,
                             life_imprisonment=values.get("life_imprisonment", math.nan))
                    | {c: res[c] for c in res if c != "n_terms"}
                    | dict(official_below_minimum=official,
                           official_vs_bounds=_official_vs(official, res))
                    | eff
                    | dict(share_below_effective_low=eff_res["share_below_low"],
                           share_below_effective_high=eff_res["share_below_high"],
                           warning="; ".join(notes) or None))
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["article", "part", "redaction", "year"], na_position="first",
                           kind="stable").reset_index(drop=True)

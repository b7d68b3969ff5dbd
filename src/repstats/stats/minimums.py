"""Summaries around sentences versus statutory minimums, for reports.

- :func:`pool_bracket_shares` - bounds of :func:`repstats.stats.bracket_shares` pooled over
  years (per article-part or overall), with how many terms fall in years whose sanction
  is not established (so unknowns stay visible).
- :func:`claim_table` - the claim's article-parts (205.4 ч.1/ч.2) and the wartime ones
  (207.3, 275, 280.3, 282.4) for every year, shown even where there are no data (with
  the reason), with interval shares at or below the applicable minimum and the official
  art. 64 count beside them.
- :func:`range_status_grid` - article-part x year grid of the sanction status.
- :func:`bracket_plot_inputs` - one article-part's court rows and yearly minimum, ready for
  :func:`repstats.plots.bracket_bars`.
- :func:`assess_notable` - the curated notable cases (``repstats.cases.notable_cases``)
  through :func:`repstats.stats.assess_sentences`, with an optional shift of the date
  on which the sanction is read.
- :func:`candidate_ranges` - for sentences whose article is known but whose part is not,
  the range of every part in force on the date (hypotheses, never attached as facts).
- :func:`compare_assessments` - how the range of each sentence changes with the date on
  which the sanction is read.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from repstats.stats._series import require_columns
from repstats.statutes.clauses import GENERAL_MIN_MONTHS
from repstats.stats.brackets import BRACKET_FORMS
from repstats.stats.inputs import has_range, norm_parts

#: Short codes of :func:`range_status_grid`.
STATUS_CODES = {"established": "E", "unknown": "U", "unmatched": "X", "none": "."}

_COUNT_PAIRS = (("below", "share_below_low", "share_below_high"),
                ("at_or_below", "share_at_or_below_low", "share_at_or_below_high"),
                ("above", "share_above_low", "share_above_high"),
                ("below_effective", "share_below_effective_low",
                 "share_below_effective_high"))

POOLED_COLUMNS = [
    "n_rows", "n_rows_established", "first_year", "last_year", "n_terms_all",
    "n_terms", "share_terms_established", "share_below_low", "share_below_high",
    "share_at_or_below_low", "share_at_or_below_high", "share_above_low",
    "share_above_high", "share_below_effective_low", "share_below_effective_high",
    "official_below_minimum", "official_share", "rows_official_below_lower_bound",
    "rows_official_above_upper_bound", "rows_sanction_changed"]


def _status_kind(status) -> str:
    if status is None or (not isinstance(status, str) and pd.isna(status)):
        return "none"
    text = str(status)
    for kind in ("established", "unknown", "unmatched"):
        if text.startswith(kind):
            return kind
    return "unknown"


def _by_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def pool_bracket_shares(shares: pd.DataFrame, by=("article", "part")) -> pd.DataFrame:
    """Pool the yearly bracket bounds over years (sums of counts, not means of shares).

    Each yearly bound is a count of terms (share x ``n_terms``) computed with that year's
    own minimum, so sums of lower (upper) counts are valid lower (upper) bounds for the
    pooled terms even when the minimum changed between years. Only rows whose sanction is
    established and that have terms enter the shares; the other rows are counted in
    ``n_terms_all`` and ``share_terms_established``.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`repstats.stats.bracket_shares`.
    by : str, list of str or None
        Grouping columns; None pools everything into one row.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns and

        - ``n_rows``: article-part-years; ``n_rows_established``: of which with an
          established sanction and at least one term
        - ``first_year``, ``last_year``: span of the established rows (NA if none)
        - ``n_terms_all``: prison terms in brackets in every row; ``n_terms``: in
          established rows (the denominator of the shares);
          ``share_terms_established`` = ``n_terms / n_terms_all``
        - ``share_below_low``/``_high``, ``share_at_or_below_low``/``_high``,
          ``share_above_low``/``_high``, ``share_below_effective_low``/``_high``:
          pooled bounds (NaN when ``n_terms`` is 0; effective bounds pool only the rows
          where the effective minimum was computed)
        - ``official_below_minimum``: sum of the official art. 64 counts over established
          rows; ``official_share`` = that / ``n_terms`` (the art. 64 count may include
          non-custodial punishments, so it can exceed the prison-term bounds)
        - ``rows_official_below_lower_bound``, ``rows_official_above_upper_bound``:
          established rows whose official count falls outside the bracket bounds
        - ``rows_sanction_changed``: established rows whose sanction changed in the
          look-back window (convictions mix two sanctions)
    """
    need = ["year", "n_terms", "range_status", "min_months", "official_below_minimum",
            "official_vs_bounds", "sanction_changed_in_window"] + \
        [c for _, lo, hi in _COUNT_PAIRS for c in (lo, hi)]
    keys = _by_list(by)
    require_columns(shares, need + keys, "shares")
    if shares.empty:
        raise ValueError("shares has no rows to pool")
    frame = shares.copy()
    frame["_n"] = pd.to_numeric(frame["n_terms"], errors="coerce").fillna(0.0)
    # a minimum bounded over several versions (min_months NaN) is still established
    low = frame["min_months_low"] if "min_months_low" in frame.columns else frame["min_months"]
    frame["_ok"] = [has_range(s, m) and n > 0 for s, m, n in
                    zip(frame["range_status"], low, frame["_n"])]
    for name, lo, hi in _COUNT_PAIRS:
        for col, tag in ((lo, "lo"), (hi, "hi")):
            frame[f"_{name}_{tag}"] = (pd.to_numeric(frame[col], errors="coerce")
                                       * frame["_n"]).where(frame["_ok"])
    groups = [((), frame)] if not keys else [
        ((k,) if not isinstance(k, tuple) else k, g)
        for k, g in frame.groupby(keys, sort=True, dropna=False)]
    rows = []
    for key, g in groups:
        ok = g[g["_ok"]]
        n = float(ok["_n"].sum())
        row = dict(zip(keys, key)) | dict(
            n_rows=len(g), n_rows_established=len(ok),
            first_year=int(ok["year"].min()) if len(ok) else pd.NA,
            last_year=int(ok["year"].max()) if len(ok) else pd.NA,
            n_terms_all=float(g["_n"].sum()), n_terms=n,
            share_terms_established=n / float(g["_n"].sum()) if g["_n"].sum() else math.nan)
        for name, lo, hi in _COUNT_PAIRS:
            if name == "below_effective":
                eff = ok.dropna(subset=[f"_{name}_lo"])
                denom = float(eff["_n"].sum())
                row[lo] = eff[f"_{name}_lo"].sum() / denom if denom else math.nan
                row[hi] = eff[f"_{name}_hi"].sum() / denom if denom else math.nan
            else:
                row[lo] = ok[f"_{name}_lo"].sum() / n if n else math.nan
                row[hi] = ok[f"_{name}_hi"].sum() / n if n else math.nan
        official = pd.to_numeric(ok["official_below_minimum"], errors="coerce")
        row |= dict(
            official_below_minimum=float(official.sum()) if official.notna().any()
            else math.nan,
            official_share=float(official.sum()) / n if n and official.notna().any()
            else math.nan,
            rows_official_below_lower_bound=int((ok["official_vs_bounds"]
                                                 == "below lower bound").sum()),
            rows_official_above_upper_bound=int((ok["official_vs_bounds"]
                                                 == "above upper bound").sum()),
            rows_sanction_changed=int(ok["sanction_changed_in_window"]
                                      .fillna(False).astype(bool).sum()))
        rows.append(row)
    out = pd.DataFrame(rows, columns=keys + POOLED_COLUMNS)
    for col in ("first_year", "last_year"):
        out[col] = out[col].astype("Int64")
    return out


#: Article-parts always shown: the claim's (205.4 ч.1/ч.2) and the wartime articles
#: (None = every part present in the data, or the article itself when it has none).
CLAIM_PARTS = (("205.4", "1"), ("205.4", "2"), ("207.3", "1"), ("207.3", "2"),
               ("207.3", "3"), ("275", None), ("280.3", "1"), ("280.3", "2"),
               ("282.4", None))
CLAIM_COLUMNS = ["article", "part", "article_part", "year", "status", "reason", "n_terms",
                 "small_n", "min_months_low", "min_months_high", "general_minimum",
                 "min_bracket",
                 "share_at_or_below_low", "share_at_or_below_high", "share_below_low",
                 "share_below_high", "official_below_minimum", "official_share",
                 "sanction_changed_in_window", "change_dates", "combined_row"]


def _one_row_per_part_year(sh: pd.DataFrame) -> pd.DataFrame:
    """One row per article-part-year when a year reports several redactions.

    The row without annotation is preferred; then a row that *includes* the older
    version ("включая ..."); a row of an older redaction only ("в старой редакции до
    ФЗ ...") is used only when it is the sole row of its article-part-year.
    """
    if "redaction" not in sh.columns:
        return sh
    red = sh["redaction"]
    old = red.astype(str).str.contains(r"в\s+старой\s+редакции|утратил", case=False,
                                       regex=True) & red.notna()
    rank = np.where(red.isna(), 0, np.where(old, 2, 1))
    return (sh.assign(_rank=rank).sort_values("_rank", kind="stable")
            .drop_duplicates(["article", "part", "year"]).drop(columns="_rank"))


def claim_table(shares: pd.DataFrame, parts=CLAIM_PARTS, years=range(2009, 2025), *,
                min_terms: int = 10, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim article-part x year, computed where the data allow, else the reason.

    Parameters
    ----------
    shares : DataFrame
        :func:`repstats.stats.bracket_shares` output (any years; the years present are
        taken as the years the court table covers).
    parts : iterable of (article, part or None)
        Article-parts always shown (default :data:`CLAIM_PARTS`); ``None`` expands to
        every part of the article present in ``shares`` (or the article itself).
    years : iterable of int
        Years always shown (default 2009-2024).
    min_terms : int
        Years with fewer prison terms are flagged ``small_n`` (shown, greyed in charts).
    table : DataFrame, optional
        Sanctions table used to tell why a row is missing (default
        :func:`repstats.statutes.sanctions_table`).

    Returns
    -------
    DataFrame
        One row per article-part x year (shares of each article-part are never pooled
        with another's):

        - ``article``, ``part``, ``article_part`` ("205.4 ч.1"), ``year``
        - ``status``: "computed" or "missing"; ``reason``: why missing (no court data for
          the year, the article did not exist yet, not in the sanctions table, counted
          only in a combined court row, no prison terms, sanction not established, no
          court row) or None
        - ``n_terms``: prison terms in brackets; ``small_n``: ``n_terms < min_terms``
        - ``min_months_low``, ``min_months_high``: the applicable minimum, bounded over
          the versions in force in the window; ``general_minimum``: True when no
          version in the window names a minimum prison term ("up to N years": only the
          general two-month floor of art. 56 ч.2 applies, so "at the minimum" says
          nothing about the claim), NA when the sanction is not known; ``min_bracket``
        - ``share_at_or_below_low``/``_high``, ``share_below_low``/``_high``: interval
          shares of prison terms at or below / below the applicable minimum
        - ``official_below_minimum``: the official art. 64 count; ``official_share``:
          that / ``n_terms`` (it may include non-custodial punishments)
        - ``sanction_changed_in_window``, ``change_dates``
        - ``combined_row``: the article-parts of the combined court row the
          article-part is counted in that year (its share cannot be computed), else None
    """
    require_columns(shares, ["year", "article", "part", "range_status", "n_terms",
                             "min_months_low", "min_months_high", "min_bracket",
                             "share_at_or_below_low", "share_at_or_below_high",
                             "share_below_low", "share_below_high",
                             "official_below_minimum", "sanction_changed_in_window",
                             "change_dates"], "shares")
    if table is None:
        from repstats.statutes import sanctions_table
        table = sanctions_table()
    sh = _one_row_per_part_year(shares.assign(part=norm_parts(shares["part"])))
    if "combined_row" not in sh.columns:
        sh = sh.assign(combined_row=None)
    court_years = set(int(y) for y in sh["year"].unique())
    wanted = []
    for article, part in parts:
        if part is None:
            mine = sh.loc[sh["article"] == article, "part"]
            present = sorted({p for p in mine if p is not None}, key=lambda x: float(x))
            # the article as a whole too when some years report it without parts
            whole = [(article, None)] if mine.isna().any() or not present else []
            wanted += whole + [(article, p) for p in present]
        else:
            wanted.append((article, str(part)))
    wanted = list(dict.fromkeys(wanted))
    cols = ["n_terms", "range_status", "min_months_low", "min_months_high", "min_bracket",
            "share_at_or_below_low", "share_at_or_below_high", "share_below_low",
            "share_below_high", "official_below_minimum", "sanction_changed_in_window",
            "change_dates", "combined_row"]
    lookup = {(a, p, int(y)): vals for a, p, y, *vals in
              zip(sh["article"], sh["part"], sh["year"], *(sh[c] for c in cols))}
    first_version = table.groupby(["article", "part"])["valid_from"].min().to_dict()
    first_article = table.groupby("article")["valid_from"].min().to_dict()
    rows = []
    for article, part in wanted:
        first = first_version.get((article, part or "—"), first_article.get(article)) \
            if part else first_article.get(article)
        for year in years:
            base = dict(article=article, part=part,
                        article_part=f"{article}" + (f" ч.{part}" if part else ""),
                        year=int(year))
            vals = lookup.get((article, part, int(year)))
            if vals is None:
                if int(year) not in court_years:
                    reason = f"no court data for {year} in the table"
                elif first is None:
                    reason = "not in the package sanctions table, and no court row"
                elif first.year > int(year):
                    reason = f"did not exist in {year} (in force from {first.date()})"
                else:
                    reason = "no court row (no conviction reported under it)"
                rows.append(base | dict(status="missing", reason=reason, n_terms=math.nan))
                continue
            hit = dict(zip(cols, vals))
            n = float(hit["n_terms"])
            combined = hit["combined_row"] if isinstance(hit["combined_row"], str) else None
            known = has_range(hit["range_status"], hit["min_months_low"])
            reason = None
            if combined and math.isnan(n):
                reason = (f"counted only in a combined court row with other article-parts "
                          f"({combined}): not separable")
            elif n == 0:
                reason = "no prison terms in the brackets" + (
                    f" (the combined row {combined} has none)" if combined else "")
            elif not known:
                reason = f"sanction not established: {hit['range_status']}"
            off = pd.to_numeric(hit["official_below_minimum"], errors="coerce")
            general = (pd.NA if not known else
                       bool(hit["min_months_high"] <= GENERAL_MIN_MONTHS))
            rows.append(base | {c: hit[c] for c in cols if c != "range_status"} | dict(
                status="missing" if reason else "computed", reason=reason, n_terms=n,
                general_minimum=general, official_below_minimum=off,
                official_share=off / n if n and not math.isnan(n) else math.nan))
    out = pd.DataFrame(rows).reindex(columns=CLAIM_COLUMNS)
    out["small_n"] = out["n_terms"].fillna(0) < min_terms
    for col in ("share_at_or_below_low", "share_at_or_below_high", "share_below_low",
                "share_below_high", "official_share", "min_months_low", "min_months_high",
                "official_below_minimum", "n_terms"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out["general_minimum"] = out["general_minimum"].astype("boolean")
    return out


def short_reason(reason) -> str | None:
    """A :func:`claim_table` ``reason`` in a few words (for chart notes and prose).

    "counted only in a combined ..." -> "only in a combined court row"; a sanction absent
    from the package table -> "sanction not in the package table"; then "article-part not
    yet in force", "no court data", "sanction not established", "no prison terms", "no
    court row". None for None.
    """
    if not isinstance(reason, str):
        return None
    if reason.startswith("counted only in a combined"):
        return "only in a combined court row"
    if "not in the package sanctions table" in reason:
        return "sanction not in the package table"
    if reason.startswith("did not exist"):
        return "article-part not yet in force"
    if reason.startswith("no court data"):
        return "no court data"
    if reason.startswith("sanction not established"):
        return "sanction not established"
    if reason.startswith("no prison terms"):
        return "no prison terms" + (" (in a combined row)" if "combined row" in reason else "")
    return "no court row"


def range_status_grid(shares: pd.DataFrame, *, codes: dict | None = None) -> pd.DataFrame:
    """Article-part x year grid of sanction status codes.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`repstats.stats.bracket_shares` (columns year, article, part,
        range_status, n_terms; redaction optional).
    codes : dict, optional
        Codes for "established", "unknown", "unmatched" and "none" (no row); default
        :data:`STATUS_CODES`.

    Returns
    -------
    DataFrame
        Index ``article_part`` ("205.2 ч.2"; "[old redaction]" appended for rows
        annotated as an old redaction), one column per year holding the status code
        (several redactions in a year give several codes joined by "/"), and
        ``n_terms`` (prison terms over all years) as the last column.
    """
    require_columns(shares, ["year", "article", "part", "range_status", "n_terms"], "shares")
    codes = STATUS_CODES | (codes or {})
    frame = shares.assign(part=norm_parts(shares["part"]))
    red = frame["redaction"] if "redaction" in frame.columns else pd.Series(None,
                                                                           index=frame.index)
    frame["article_part"] = [
        f"{a}" + (f" ч.{p}" if p else "") + (" [old redaction]" if isinstance(r, str) and r
                                             else "")
        for a, p, r in zip(frame["article"], frame["part"], red)]
    frame["code"] = [codes[_status_kind(s)] for s in frame["range_status"]]
    grid = frame.groupby(["article_part", "year"])["code"].agg(
        lambda s: "/".join(sorted(set(s)))).unstack("year").fillna(codes["none"])
    grid["n_terms"] = frame.groupby("article_part")["n_terms"].sum()
    order = sorted(grid.index, key=lambda s: (tuple(float(x) if x.replace(".", "").isdigit()
                                                    else 0.0 for x in
                                                    s.split(" ")[0].split(".")), s))
    grid.columns.name = None
    return grid.loc[order]


def bracket_plot_inputs(court_stats: pd.DataFrame, shares: pd.DataFrame, article: str,
                        part: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Court rows and yearly minimum of one article-part for ``plots.bracket_bars``.

    Parameters
    ----------
    court_stats : DataFrame
        Long court table (contract 1).
    shares : DataFrame
        :func:`repstats.stats.bracket_shares` output covering the article-part.
    article, part : str
        The article-part ("205.2", "2"; part None for an article without parts).

    Returns
    -------
    (DataFrame, DataFrame)
        ``data``: the article rows of forms 10.3/10.3.1 for the article-part, with each
        year's rows taken from the form that holds its brackets (``bracket_form`` of
        ``shares``), all redactions summed: columns year, measure, value.
        ``minimum``: one row per year: ``min_months`` (NaN when the sanction is not
        established or the minimum is bounded, not known), ``min_months_low``,
        ``min_months_high`` (bounds over the versions in the window and the
        redactions of the year).
    """
    require_columns(court_stats, ["year", "form", "article", "part", "row_type", "measure",
                                  "value"], "court_stats")
    require_columns(shares, ["year", "article", "part", "bracket_form", "min_months_low",
                             "min_months_high", "range_status"], "shares")
    part = norm_parts(pd.Series([part]))[0]
    def same_part(parts: pd.Series) -> pd.Series:  # None == None for an article without parts
        normed = norm_parts(parts)
        return normed.isna() if part is None else normed == part

    sel = shares[(shares["article"] == article) & same_part(shares["part"])]
    if sel.empty:
        raise ValueError(f"shares has no rows for article {article} part {part}")
    form_by_year = sel.dropna(subset=["bracket_form"]).groupby("year")["bracket_form"].first()
    # select the article first: the long table has ~750k rows; parts are normalised on
    # the few rows left
    mask = ((court_stats["article"] == article) & (court_stats["row_type"] == "article")
            & court_stats["form"].isin(BRACKET_FORMS))
    if "lumped_parts" in court_stats.columns:  # a combined row is never one article-part
        mask &= court_stats["lumped_parts"].isna()
    cs = court_stats.loc[mask.to_numpy(bool),
                         ["year", "form", "article", "part", "measure", "value"]]
    cs = cs[same_part(cs["part"]).to_numpy(bool)]
    cs = cs[cs["form"] == cs["year"].map(form_by_year)]
    data = cs.groupby(["year", "measure"], as_index=False)["value"].sum()
    ok = [has_range(s, m) for s, m in zip(sel["range_status"], sel["min_months_low"])]
    mins = sel.assign(_lo=sel["min_months_low"].where(ok), _hi=sel["min_months_high"].where(ok))
    minimum = mins.groupby("year").agg(min_months_low=("_lo", "min"),
                                       min_months_high=("_hi", "max")).reset_index()
    minimum["min_months"] = minimum["min_months_low"].where(
        minimum["min_months_low"] == minimum["min_months_high"])
    return data, minimum[["year", "min_months", "min_months_low", "min_months_high"]]


def _parse_charges():
    from repstats.text import parse_charges
    return parse_charges


def assess_notable(notable: pd.DataFrame, *, date_shift_years: float = 0,
                   parse: Callable | None = None, **kwargs) -> pd.DataFrame:
    """Assess every notable-case sentence against its statutory and effective range.

    Reads the sanction on the verdict date (shifted); for the law on the offence dates,
    per charge, with art. 69 limits, use :func:`repstats.stats.assess_charges` and
    :func:`repstats.stats.classify_sentences`.

    Parameters
    ----------
    notable : DataFrame
        :func:`repstats.cases.notable_cases` table (columns charges, governing_charge,
        combined_sentence, sentence_kind, months, verdict_date).
    date_shift_years : float
        The sanction is read on ``verdict_date - date_shift_years`` (offence dates are
        not in the table; a positive shift approximates the offence date). 0 reads it on
        the verdict date.
    parse : callable, optional
        Charge parser (default :func:`repstats.text.parse_charges`).
    **kwargs
        Passed to :func:`repstats.stats.assess_sentences`.

    Returns
    -------
    DataFrame
        A copy of ``notable`` plus ``sentence_months`` (the term of custodial and
        suspended sentences, NaN for fines), ``date`` (date the sanction is read on),
        ``life_sentence`` (False: no notable case has one), ``governing_article``,
        ``governing_part`` (parsed ``governing_charge``), ``cumulative_sentence`` (the
        ``combined_sentence`` flag, missing read as False) and every column that
        :func:`repstats.stats.assess_sentences` adds.
    """
    from repstats.stats.cases import assess_sentences

    require_columns(notable, ["charges", "governing_charge", "combined_sentence",
                              "sentence_kind", "months", "verdict_date"], "notable")
    if not np.isfinite(date_shift_years) or date_shift_years < 0:
        raise ValueError(f"date_shift_years must be a finite number >= 0, "
                         f"got {date_shift_years}")
    parse = parse or _parse_charges()
    term = pd.to_numeric(notable["months"], errors="coerce").astype(float)
    custodial = notable["sentence_kind"].isin(["custodial", "suspended"])
    gov = parse(notable["governing_charge"]).dropna(subset=["article"]) \
        .drop_duplicates("row").set_index("row")
    date = pd.to_datetime(notable["verdict_date"], errors="coerce")
    if date_shift_years:
        date = date - pd.DateOffset(months=int(round(12 * date_shift_years)))
    cases = notable.assign(
        sentence_months=term.where(custodial),
        date=date,
        life_sentence=False,
        governing_article=gov["article"].reindex(notable.index),
        governing_part=gov["part"].reindex(notable.index),
        cumulative_sentence=notable["combined_sentence"].astype("boolean").fillna(False)
        .astype(bool))
    charges = parse(cases["charges"])
    charges = charges[charges["article"].notna()]
    return assess_sentences(cases, charges, sentence="sentence_months", date="date",
                            cumulative="cumulative_sentence", **kwargs)


def candidate_ranges(assessed: pd.DataFrame, *, date: str = "date",
                     sentence: str = "sentence_months",
                     table: pd.DataFrame | None = None,
                     lookup: Callable | None = None) -> pd.DataFrame:
    """Ranges of every part of the article, for sentences whose part is not stated.

    These are hypotheses ("if the governing charge was part 1 ..."), not the range of the
    sentence: use them to show what each possible part would imply, never as a fact.

    Parameters
    ----------
    assessed : DataFrame
        Output of :func:`assess_notable` / :func:`repstats.stats.assess_sentences`
        (columns compared_article, compared_part, range_status, ``date``, ``sentence``).
    table : DataFrame, optional
        Sanctions table (article, part, valid_from, valid_to); default
        :func:`repstats.statutes.sanctions_table`.
    lookup : callable, optional
        ``lookup(article, part, on=date)``; default
        :func:`repstats.statutes.statutory_range`.

    Returns
    -------
    DataFrame
        One row per such sentence x part in force on its date: ``row`` (index label in
        ``assessed``), ``article``, ``part``, ``on`` (date), ``sentence_months``,
        ``min_months``, ``max_months``, ``life``, ``range_status``, ``position``
        ("below minimum", "at minimum", "within range", "above maximum"; None when the
        range is not established), ``combined`` (the sentence combines several charges
        or verdicts, art. 69/70: it may legitimately exceed one part's maximum).
    """
    require_columns(assessed, ["compared_article", "compared_part", "range_status", date,
                               sentence], "assessed")
    if table is None or lookup is None:
        from repstats.statutes import sanctions_table, statutory_range
        table = sanctions_table() if table is None else table
        lookup = statutory_range if lookup is None else lookup
    require_columns(table, ["article", "part", "valid_from", "valid_to"], "table")
    min_col = assessed["min_months"] if "min_months" in assessed.columns else \
        pd.Series(math.nan, index=assessed.index)
    known = pd.Series([has_range(s, m) for s, m in zip(assessed["range_status"], min_col)],
                      index=assessed.index, dtype=bool)
    todo = assessed[assessed["compared_article"].notna()
                    & norm_parts(assessed["compared_part"]).isna() & ~known]
    rows = []
    for label, r in todo.iterrows():
        on = pd.Timestamp(r[date])
        if pd.isna(on):
            continue
        t = table[(table["article"] == r["compared_article"])
                  & (pd.to_datetime(table["valid_from"]) <= on)
                  & (pd.to_datetime(table["valid_to"]).isna()
                     | (pd.to_datetime(table["valid_to"]) >= on))]
        for part in sorted(set(norm_parts(t["part"]).dropna()), key=float):
            rng = lookup(r["compared_article"], part, on=on.date())
            term = float(r[sentence]) if pd.notna(r[sentence]) else math.nan
            established = has_range(rng.status, rng.min_months)
            position = None
            if established and np.isfinite(term):
                position = ("below minimum" if term < rng.min_months else
                            "at minimum" if term == rng.min_months else
                            "above maximum" if rng.max_months is not None
                            and not pd.isna(rng.max_months) and term > rng.max_months
                            else "within range")
            rows.append(dict(row=label, article=r["compared_article"], part=part,
                             on=on.date(), sentence_months=term,
                             min_months=rng.min_months, max_months=rng.max_months,
                             life=rng.life, range_status=rng.status, position=position,
                             combined=bool(r["combined"]) if "combined" in r.index
                             and pd.notna(r["combined"]) else pd.NA))
    return pd.DataFrame(rows, columns=["row", "article", "part", "on", "sentence_months",
                                       "min_months", "max_months", "life", "range_status",
                                       "position", "combined"])


def compare_assessments(base: pd.DataFrame, alternative: pd.DataFrame) -> pd.DataFrame:
    """Row-by-row change between two assessments of the same sentences.

    Typical use: the sanction read on the verdict date (``base``) versus on an earlier
    date approximating the offence (``alternative``, :func:`assess_notable` with
    ``date_shift_years``).

    Parameters
    ----------
    base, alternative : DataFrame
        Outputs of :func:`repstats.stats.assess_sentences` on the same index.

    Returns
    -------
    DataFrame
        Index of ``base``; columns ``min_base``, ``max_base``, ``min_alt``, ``max_alt``
        (months), ``below_base``, ``below_alt`` (sentence below the minimum, nullable),
        ``change``: "same range", "different range", "range only at base date",
        "range only at alternative date" or "no range at either date".
    """
    cols = ["min_months", "max_months", "range_status", "below_minimum", "compared"]
    require_columns(base, cols, "base")
    require_columns(alternative, cols, "alternative")
    if not base.index.equals(alternative.index):
        raise ValueError("base and alternative must have the same index (same sentences)")
    ok_b = base["compared"].fillna(False).astype(bool)
    ok_a = alternative["compared"].fillna(False).astype(bool)
    same = ((base["min_months"] == alternative["min_months"])
            & (base["max_months"] == alternative["max_months"])).fillna(False)
    change = np.select([ok_b & ok_a & same, ok_b & ok_a, ok_b, ok_a],
                       ["same range", "different range", "range only at base date",
                        "range only at alternative date"], "no range at either date")
    return pd.DataFrame({
        "min_base": pd.to_numeric(base["min_months"], errors="coerce").where(ok_b),
        "max_base": pd.to_numeric(base["max_months"], errors="coerce").where(ok_b),
        "min_alt": pd.to_numeric(alternative["min_months"], errors="coerce").where(ok_a),
        "max_alt": pd.to_numeric(alternative["max_months"], errors="coerce").where(ok_a),
        "below_base": base["below_minimum"].astype("boolean").where(ok_b),
        "below_alt": alternative["below_minimum"].astype("boolean").where(ok_a),
        "change": change}, index=base.index)


__all__ = ["claim_table", "short_reason", "CLAIM_PARTS", "CLAIM_COLUMNS", "pool_bracket_shares",
           "range_status_grid", "bracket_plot_inputs",
           "assess_notable", "candidate_ranges", "compare_assessments", "STATUS_CODES", "POOLED_COLUMNS"]

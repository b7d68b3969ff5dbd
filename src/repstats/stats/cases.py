"""Case-level sentences against statutory and effective ranges.

A sentence can be compared with an article's minimum only when it was imposed for that
article alone. A sentence for several charges (art. 69: aggregate of offences) or for
several verdicts (art. 70: aggregate of sentences) is *combined*: it is not compared with
any single article's minimum unless a governing charge is named, and then only as an
upper bound on that charge's own term (the combined term is at least the term for each
charge, so a combined term below the governing minimum proves the charge term was below
it, but not conversely).

The statutes layer (contract 2) supplies ranges and severity; every function also accepts
tables with ranges already attached (columns ``min_months``, ``max_months``, ``life``,
``range_status``) and the statutes callables as arguments, so it can be used and tested
without it.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from repstats.stats._series import require_columns
from repstats.stats.inputs import flag, has_range, norm_parts

#: Case columns read as flags of ``effective_range`` when present.
EFFECTIVE_FLAGS = ("special_procedure", "cooperation", "attempt", "preparation", "minor")
RANGE_COLUMNS = ("min_months", "max_months", "life", "range_status")
SEVERITY_COLUMNS = ("months_above_min", "ratio_to_min", "position_in_range", "at_minimum",
                    "below_minimum")
ADDED_COLUMNS = ["n_charges", "combined", "compared_article", "compared_part",
                 *RANGE_COLUMNS, "eff_min_months", "eff_max_months", "below_minimum_allowed",
                 "effective_rules", *SEVERITY_COLUMNS, "compared", "comparison"]


def _charges_by_case(cases: pd.DataFrame, charges: pd.DataFrame | None) -> pd.DataFrame:
    """n_charges and the single charge (article, part, attempt, preparation) per case."""
    if charges is None:
        require_columns(cases, ["article"], "cases (without a charges table)")
        out = pd.DataFrame({
            "n_charges": (cases["n_charges"] if "n_charges" in cases.columns else 1),
            "article": cases["article"],
            "part": cases["part"] if "part" in cases.columns else None,
        }, index=cases.index)
        return out
    require_columns(charges, ["row", "article", "part"], "charges")
    ch = charges
    if "code" in ch.columns:
        ch = ch[ch["code"].fillna("УК") == "УК"]
    ch = ch.dropna(subset=["article"]).assign(part=lambda d: norm_parts(d["part"]))
    unknown = set(ch["row"]) - set(cases.index)
    if unknown:
        raise ValueError(f"charges refer to rows not in cases: {sorted(map(str, unknown))[:5]}")
    ch = ch.drop_duplicates(["row", "article", "part"])
    n = ch.groupby("row").size()
    first = ch.groupby("row").first()
    out = pd.DataFrame(index=cases.index)
    out["n_charges"] = n.reindex(cases.index).fillna(0).astype(int)
    for col in ("article", "part", "attempt", "preparation"):
        if col in first.columns:
            single = first[col].where(n.reindex(first.index) == 1)
            out[col] = single.reindex(cases.index)
    return out


def _governing(cases, governing):
    art_col, part_col = governing
    art = cases[art_col] if art_col in cases.columns else pd.Series(None, index=cases.index)
    part = cases[part_col] if part_col in cases.columns else pd.Series(None, index=cases.index)
    return art, norm_parts(part)


def _effective_columns(frame, flags, effective) -> pd.DataFrame:
    rows = []
    for _, r in frame.iterrows():
        if not has_range(r["range_status"], r["min_months"]):
            rows.append((math.nan, math.nan, pd.NA, None))
            continue
        kw = {f: flag(r[f]) for f in flags if f in r.index}
        er = effective(r["min_months"], r["max_months"], life=flag(r["life"]), **kw)
        rows.append((er.min_months, er.max_months, er.below_minimum_allowed,
                     "; ".join(er.rules) if not isinstance(er.rules, str) else er.rules))
    return pd.DataFrame(rows, index=frame.index, columns=["eff_min_months", "eff_max_months",
                                                          "below_minimum_allowed",
                                                          "effective_rules"])


def assess_sentences(cases: pd.DataFrame, charges: pd.DataFrame | None = None, *,
                     sentence: str = "sentence_months", date: str = "date",
                     life_sentence: str = "life_sentence",
                     governing: Sequence[str] = ("governing_article", "governing_part"),
                     cumulative: str = "cumulative_sentence",
                     flags: Iterable[str] = EFFECTIVE_FLAGS, tolerance_months: float = 0,
                     attach: Callable | None = None, effective: Callable | None = None,
                     severity: Callable | None = None) -> pd.DataFrame:
    """Attach statutory and effective ranges and severity measures to sentences.

    Parameters
    ----------
    cases : DataFrame
        One row per defendant-verdict. Columns: ``sentence`` (custodial term in months,
        NaN when none), ``date`` (offence date preferred, else verdict date; used to pick
        the sanction in force), optional ``life_sentence`` (bool), ``cumulative`` (bool,
        art. 70), governing-charge columns, effective-range flags
        (``special_procedure``, ``cooperation``, ``attempt``, ``preparation``,
        ``minor``). Without ``charges``: ``article``, optional ``part`` and
        ``n_charges``. Columns ``min_months``, ``max_months``, ``life`` and
        ``range_status`` present in ``cases`` are taken as already-attached ranges of the
        compared charge.
    charges : DataFrame, optional
        ``repstats.text.parse_charges`` output (row = index label in ``cases``, code,
        article, part, attempt, preparation); only criminal-code (УК) charges count.
    governing : (str, str)
        Columns naming the governing article and part of a combined sentence.
    tolerance_months : float
        Passed to ``severity``.
    attach, effective, severity : callable, optional
        Default ``repstats.statutes.attach_ranges``, ``effective_range``, ``severity``.

    Returns
    -------
    DataFrame
        A copy of ``cases`` (index kept) plus:

        - ``n_charges``: distinct criminal-code article-parts charged
        - ``combined``: several charges or an art. 70 aggregate
        - ``compared_article``, ``compared_part``: charge whose range is used (the single
          charge, or the governing charge of a combined sentence; None otherwise)
        - ``min_months``, ``max_months``, ``life`` (life in the sanction),
          ``range_status``
        - ``eff_min_months``, ``eff_max_months``, ``below_minimum_allowed``,
          ``effective_rules``: effective range under the case's flags (art. 62/66/88)
        - ``months_above_min``, ``ratio_to_min``, ``position_in_range``, ``at_minimum``,
          ``below_minimum``: severity measures (``repstats.statutes.severity``) for
          compared custodial terms, NaN/NA otherwise
        - ``compared``: True when the sentence is compared with the range
        - ``comparison``: how (or why not) the sentence is compared
    """
    if not isinstance(cases, pd.DataFrame):
        raise ValueError(f"cases must be a DataFrame, got {type(cases).__name__}")
    require_columns(cases, [sentence], "cases")
    if cases.index.has_duplicates:
        raise ValueError("cases has a duplicated index; charges refer to index labels")
    flags = tuple(flags)
    out = cases.copy()
    ch = _charges_by_case(cases, charges)
    out["n_charges"] = ch["n_charges"].astype(int)
    arts70 = (cases[cumulative].fillna(False).astype(bool) if cumulative in cases.columns
              else pd.Series(False, index=cases.index))
    out["combined"] = (out["n_charges"] > 1) | arts70
    gov_art, gov_part = _governing(cases, governing)
    use_gov = out["combined"] & gov_art.notna()
    out["compared_article"] = ch["article"].where(~out["combined"], gov_art.where(use_gov))
    out["compared_article"] = out["compared_article"].where(out["compared_article"].notna(),
                                                            None)
    out["compared_part"] = norm_parts(ch["part"]).where(~out["combined"],
                                                           gov_part.where(use_gov))
    out["compared_part"] = norm_parts(out["compared_part"])
    for stage in ("attempt", "preparation"):
        if stage in ch.columns and stage not in cases.columns:
            out[stage] = ch[stage]

    if all(c in cases.columns for c in RANGE_COLUMNS):
        pass  # ranges already attached to the compared charge
    else:
        require_columns(cases, [date], "cases (to attach ranges)")
        if attach is None:
            from repstats.statutes import attach_ranges as attach
        target = out["compared_article"].notna()
        probe = pd.DataFrame({"article": out.loc[target, "compared_article"],
                              "part": out.loc[target, "compared_part"],
                              "date": pd.to_datetime(out.loc[target, date])})
        attached = attach(probe, article="article", part="part", date="date")
        for col in RANGE_COLUMNS:
            out[col] = attached[col].reindex(out.index)
        out["range_status"] = out["range_status"].where(target, "not looked up: no single "
                                                        "or governing charge")

    if effective is None:
        from repstats.statutes import effective_range as effective
    out = out.join(_effective_columns(out, flags, effective))

    life = (cases[life_sentence].fillna(False).astype(bool) if life_sentence in cases.columns
            else pd.Series(False, index=cases.index))
    term = pd.to_numeric(out[sentence], errors="coerce")
    reason = pd.Series("single charge", index=out.index, dtype=object)
    reason[out["combined"] & use_gov] = ("governing charge of a combined sentence (art. "
                                         "69/70): the combined term bounds the charge term "
                                         "from above")
    reason[out["combined"] & ~use_gov] = ("not compared: combined sentence (art. 69/70) "
                                          "without a governing charge")
    reason[out["n_charges"] == 0] = "not compared: no criminal-code charge"
    established = pd.Series([has_range(s, m) for s, m in zip(out["range_status"],
                                                              out["min_months"])],
                            index=out.index, dtype=bool)
    reason[~established & reason.str.startswith(("single", "governing"))] = \
        "not compared: range " + out["range_status"].astype(str)
    comparable = reason.str.startswith(("single", "governing"))
    reason[comparable & life] = "life sentence: above every term of the range"
    reason[comparable & ~life & term.isna()] = "not compared: no custodial term"
    out["compared"] = comparable & ~life & term.notna()
    out["comparison"] = reason

    if severity is None:
        from repstats.statutes import severity
    sev = pd.DataFrame(index=out.index, columns=list(SEVERITY_COLUMNS), dtype=object)
    idx = out.index[out["compared"]]
    if len(idx):
        got = severity(term[idx].to_numpy(float), out.loc[idx, "min_months"].to_numpy(float),
                       out.loc[idx, "max_months"].to_numpy(float),
                       tolerance_months=tolerance_months)
        got.index = idx
        for col in SEVERITY_COLUMNS:
            sev.loc[idx, col] = got[col].to_numpy()
    for col in ("months_above_min", "ratio_to_min", "position_in_range"):
        out[col] = pd.to_numeric(sev[col], errors="coerce")
    for col in ("at_minimum", "below_minimum"):
        out[col] = sev[col].astype("boolean")
    return out


def _groups(frame: pd.DataFrame, by):
    if by is None:
        return [((), frame)]
    by = [by] if isinstance(by, str) else list(by)
    require_columns(frame, by, "assessed")
    return [((k,) if not isinstance(k, tuple) else k, g)
            for k, g in frame.groupby(by, sort=True, dropna=False)]


def _by_list(by):
    return [] if by is None else ([by] if isinstance(by, str) else list(by))


def _bootstrap_ci(values: np.ndarray, func, confidence, n_boot, rng):
    if len(values) < 3 or np.ptp(values) == 0:
        return math.nan, math.nan, "not computed (n < 3 or constant)"
    res = stats.bootstrap((values,), func, n_resamples=n_boot, confidence_level=confidence,
                          method="BCa", rng=rng, vectorized=True)
    low, high = res.confidence_interval
    if np.isfinite(low) and np.isfinite(high):
        return float(low), float(high), "bootstrap BCa"
    res = stats.bootstrap((values,), func, n_resamples=n_boot, confidence_level=confidence,
                          method="percentile", rng=rng, vectorized=True)
    low, high = res.confidence_interval
    return float(low), float(high), "bootstrap percentile"


def summarise_severity(assessed: pd.DataFrame, by=None,
                       measures: Iterable[str] = SEVERITY_COLUMNS, *, n_boot: int = 2000,
                       confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Means and medians (bootstrap intervals) and proportions (Wilson intervals).

    Only rows with ``compared == True`` (when that column exists) enter.

    Parameters
    ----------
    assessed : DataFrame
        Output of :func:`assess_sentences` (or any table with the measure columns).
    by : str or list of str, optional
        Grouping columns.
    measures : iterable of str
        Numeric measures get ``mean`` and ``median``; boolean ones get ``proportion``.
    n_boot, confidence, seed
        Bootstrap resamples (scipy.stats.bootstrap, BCa, percentile as fallback),
        confidence level, random seed.

    Returns
    -------
    DataFrame
        One row per group x measure x statistic: the ``by`` columns, ``measure``,
        ``statistic`` ("mean", "median", "proportion"), ``estimate``, ``ci_low``,
        ``ci_high``, ``n`` (non-missing values), ``ci_method``.
    """
    measures = list(measures)
    require_columns(assessed, measures, "assessed")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    frame = assessed[assessed["compared"].fillna(False).astype(bool)] \
        if "compared" in assessed.columns else assessed
    rng = np.random.default_rng(seed)
    keys = _by_list(by)
    rows = []
    for key, g in _groups(frame, by):
        base = dict(zip(keys, key))
        for m in measures:
            col = g[m].dropna()
            is_bool = pd.api.types.is_bool_dtype(col) or (
                len(col) and col.map(lambda v: isinstance(v, (bool, np.bool_))).all())
            if is_bool:
                k, n = int(col.astype(bool).sum()), len(col)
                low, high = (proportion_confint(k, n, alpha=1 - confidence,
                                                method="wilson")
                             if n else (math.nan, math.nan))
                low = 0.0 if k == 0 else float(low)  # exact limits, no rounding residue
                high = 1.0 if n and k == n else float(high)
                rows.append(base | dict(measure=m, statistic="proportion",
                                        estimate=k / n if n else math.nan, ci_low=low,
                                        ci_high=high, n=n, ci_method="Wilson score"))
                continue
            values = col.to_numpy(float)
            for name, func in (("mean", np.mean), ("median", np.median)):
                low, high, how = _bootstrap_ci(values, lambda x, axis=-1, f=func:
                                               f(x, axis=axis), confidence, n_boot, rng)
                rows.append(base | dict(measure=m, statistic=name,
                                        estimate=float(func(values)) if len(values)
                                        else math.nan,
                                        ci_low=low, ci_high=high, n=len(values),
                                        ci_method=how))
    return pd.DataFrame(rows, columns=keys + ["measure", "statistic", "estimate", "ci_low",
                                              "ci_high", "n", "ci_method"])


def test_against_minimum(assessed: pd.DataFrame, by=None, *, against: str = "min_months",
                         sentence: str = "sentence_months",
                         life_sentence: str = "life_sentence", include_life: bool = True,
                         alternative: str = "two-sided") -> pd.DataFrame:
    """Wilcoxon signed-rank test of sentence - minimum (scipy.stats.wilcoxon).

    Only for a random sample of sentences: a hand-picked selection (such as the notable
    cases) supports description, not inference, so the reports do not run it there.

    Differences of zero (sentences exactly at the minimum) are dropped before ranking
    (Wilcoxon's convention, ``zero_method="wilcox"``) and counted in ``n_zero``. Life
    sentences, when ``include_life``, enter as differences larger than every finite one
    (a rank test needs only their order). The exact null distribution is used when at
    most 50 non-zero differences remain and their absolute values have no ties;
    otherwise the normal approximation with tie correction.

    Parameters
    ----------
    assessed : DataFrame
        Output of :func:`assess_sentences`; rows with ``compared`` (and, when
        ``include_life``, life sentences whose charge has an established range) enter.
    by : str or list of str, optional
        Grouping columns.
    against : str
        Column holding the reference minimum ("min_months" or "eff_min_months").
    alternative : {"two-sided", "greater", "less"}
        "greater": sentences tend to exceed the minimum.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``against``, ``n`` (differences used,
        zeros excluded), ``n_zero``, ``n_life``, ``median_difference`` (months, finite
        differences incl. zeros), ``w_plus``, ``w_minus`` (rank sums of positive and
        negative differences), ``statistic`` (scipy's), ``p``, ``method`` ("exact" or
        "approx"), ``effect_size`` (matched-pairs rank-biserial correlation
        ``(w_plus - w_minus) / (w_plus + w_minus)``, in [-1, 1]), ``alternative``,
        ``warning``.
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be 'two-sided', 'greater' or 'less', "
                         f"got {alternative!r}")
    require_columns(assessed, [sentence, against], "assessed")
    keys = _by_list(by)
    rows = []
    for key, g in _groups(assessed, by):
        compared = g["compared"].fillna(False).astype(bool) if "compared" in g.columns \
            else pd.Series(True, index=g.index)
        d = (pd.to_numeric(g[sentence], errors="coerce") - g[against])[compared].dropna()
        life = pd.Series(False, index=g.index)
        if include_life and life_sentence in g.columns:
            life = (g[life_sentence].fillna(False).astype(bool) & g[against].notna()
                    & pd.Series([has_range(s, m) for s, m in zip(
                        g.get("range_status", pd.Series("established", index=g.index)),
                        g[against])], index=g.index, dtype=bool))
        n_zero, n_life = int((d == 0).sum()), int(life.sum())
        nonzero = d[d != 0].to_numpy(float)
        big = (np.abs(nonzero).max() if len(nonzero) else 0.0) + 1.0
        diffs = np.concatenate([nonzero, np.full(n_life, big)])
        row = dict(zip(keys, key)) | dict(against=against, n=len(diffs), n_zero=n_zero,
                                          n_life=n_life,
                                          median_difference=float(d.median()) if len(d)
                                          else math.nan,
                                          alternative=alternative)
        if len(diffs) < 1:
            rows.append(row | dict(w_plus=math.nan, w_minus=math.nan, statistic=math.nan,
                                   p=math.nan, method=None, effect_size=math.nan,
                                   warning="no non-zero differences"))
            continue
        ranks = stats.rankdata(np.abs(diffs))
        w_plus, w_minus = float(ranks[diffs > 0].sum()), float(ranks[diffs < 0].sum())
        ties = len(np.unique(np.abs(diffs))) < len(diffs)
        method = "exact" if len(diffs) <= 50 and not ties else "approx"
        res = stats.wilcoxon(diffs, zero_method="wilcox", alternative=alternative,
                             method=method)
        notes = [f"n = {len(diffs)}: little power"] if len(diffs) < 6 else []
        if ties and len(diffs) <= 50:
            notes.append("tied differences: normal approximation")
        rows.append(row | dict(w_plus=w_plus, w_minus=w_minus,
                               statistic=float(res.statistic), p=float(res.pvalue),
                               method=method,
                               effect_size=(w_plus - w_minus) / (w_plus + w_minus),
                               warning="; ".join(notes) or None))
    return pd.DataFrame(rows, columns=keys + [
        "against", "n", "n_zero", "n_life", "median_difference", "w_plus", "w_minus",
        "statistic", "p", "method", "effect_size", "alternative", "warning"])


test_against_minimum.__test__ = False  # not a pytest test despite its name

"""The primary analyses of claim (a), tested on known data against statsmodels/scipy:
simulated series with a known break and effect must be recovered; inputs never mutated;
each misuse raises a precise ValueError."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from repstats.stats.its import interrupted_time_series, simulate_its
from repstats.stats.monthly import lead_lag_profile, monthly_association
from repstats.stats.outcomes import (TREATMENTS, combined_rows, outcome_series,
                                     series_definitions)
from repstats.stats.speccurve import curve_summary, specification_curve

# --- interrupted time series ------------------------------------------------------------

BREAKS = {"A": 2012, "B": 2018}


def _sim(seed=1, n=20, rr=(2.0, 0.5), exposure=None):
    return simulate_its(n, BREAKS, rate_ratios=dict(zip(BREAKS, rr)), trend=1.06,
                        baseline=300.0, exposure=exposure, nb_alpha=0.01, seed=seed,
                        start=2005)


def test_its_recovers_known_breaks_and_trend():
    y = _sim()
    out = interrupted_time_series(y, BREAKS).set_index("term")
    for term, truth in (("level: A", 2.0), ("level: B", 0.5), ("trend", 1.06)):
        assert out.loc[term, "ci_low"] < truth < out.loc[term, "ci_high"], term
    assert out.loc["level: A", "rate_ratio"] == pytest.approx(2.0, rel=0.25)
    assert out.loc["level: B", "rate_ratio"] == pytest.approx(0.5, rel=0.25)
    assert out.loc["level: A", "n_after"] == 13 and out.loc["level: B", "break_period"] == "2018"


def test_its_coverage_over_many_simulations():
    hits = 0
    for seed in range(40):
        out = interrupted_time_series(_sim(seed), BREAKS).set_index("term")
        hits += out.loc["level: A", "ci_low"] < 2.0 < out.loc["level: A", "ci_high"]
    assert hits >= 32  # nominal 95%: 38 of 40 expected; far fewer means a broken interval


def test_its_equals_statsmodels_with_offset():
    import statsmodels.api as sm  # here: at module level every worker's collection pays

    rng = np.random.default_rng(3)
    expo = rng.uniform(5e5, 9e5, 16)
    y = _sim(seed=4, n=16, exposure=expo / 1e5)
    years = y.index
    out = interrupted_time_series(y, BREAKS, exposure=pd.Series(expo, index=years))
    X = pd.DataFrame({"const": 1.0, "t": years - years[0], "A": (years >= 2012) * 1.0,
                      "B": (years >= 2018) * 1.0})
    ref = sm.NegativeBinomial(y.to_numpy(), X, offset=np.log(expo)).fit(disp=0, maxiter=500)
    got = out.set_index("term")["rate_ratio"]
    assert got["level: A"] == pytest.approx(np.exp(ref.params["A"]), rel=1e-4)
    assert got["trend"] == pytest.approx(np.exp(ref.params["t"]), rel=1e-4)
    assert out["nb_alpha"].iloc[0] == pytest.approx(ref.params["alpha"], rel=1e-3)


def test_its_poisson_equals_glm_and_dispersion():
    import statsmodels.api as sm  # here: at module level every worker's collection pays

    y = _sim(seed=5)
    out = interrupted_time_series(y, BREAKS, family="poisson").set_index("term")
    X = pd.DataFrame({"c": 1.0, "t": y.index - y.index[0], "A": (y.index >= 2012) * 1.0,
                      "B": (y.index >= 2018) * 1.0})
    ref = sm.GLM(y.to_numpy(), X, family=sm.families.Poisson()).fit()
    assert out.loc["level: B", "p"] == pytest.approx(ref.pvalues["B"], rel=1e-6)
    assert out["dispersion"].iloc[0] == pytest.approx(ref.pearson_chi2 / ref.df_resid)


def test_its_drops_break_without_data_and_keeps_input():
    y = _sim(n=13)  # 2005-2017: break B (2018) has no data after it
    before = y.copy()
    out, fitted = interrupted_time_series(y, BREAKS, return_fitted=True)
    assert "level: B" not in set(out["term"]) and "break B (2018) dropped" in out["warning"][0]
    pd.testing.assert_series_equal(y, before)
    assert len(fitted) == 13 and (fitted["fitted_low"] <= fitted["fitted"]).all()
    assert fitted["segment"].tolist()[:7] == [""] * 7 and fitted["segment"].iloc[-1] == "A"


def test_its_missing_counts_left_out_not_zero():
    y = _sim()
    y.iloc[3] = np.nan
    out = interrupted_time_series(y, BREAKS)
    assert out["n"].iloc[0] == 19


@pytest.mark.parametrize("kwargs, match", [
    (dict(breaks={}), "non-empty dict"),
    (dict(breaks={"a": 2010, "b": 2010}), "share a period"),
    (dict(breaks={"a": "soon"}), "cannot read"),
    (dict(breaks=BREAKS, family="ols"), "family"),
    (dict(breaks=BREAKS, alpha=1.5), "alpha"),
    (dict(breaks=BREAKS, min_post=0), "min_post"),
])
def test_its_misuse(kwargs, match):
    with pytest.raises(ValueError, match=match):
        interrupted_time_series(_sim(), **kwargs)


def test_its_bad_counts_and_exposure():
    y = _sim()
    with pytest.raises(ValueError, match="whole numbers"):
        interrupted_time_series(y + 0.5, BREAKS)
    with pytest.raises(ValueError, match="exposure must be positive"):
        interrupted_time_series(y, BREAKS, exposure=pd.Series(0.0, index=y.index))
    with pytest.raises(ValueError, match="coefficients"):
        interrupted_time_series(y.iloc[:5], {"A": 2007, "B": 2008}, min_post=1)


# --- monthly HAC --------------------------------------------------------------------------

def _monthly(seed=0, effect=0.2, lag=2, n=204):
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2003-01", periods=n, freq="M")
    x = pd.Series(np.convolve(rng.normal(size=n + 5), np.ones(3) / 3, "same")[:n],
                  index=idx, name="stress")
    t = np.arange(n)
    season = 0.3 * np.sin(2 * np.pi * idx.month / 12)
    brk = np.where(idx >= pd.Period("2015-01", "M"), np.log(0.5), 0.0)
    z = ((x.shift(lag) - x.shift(lag).mean()) / x.shift(lag).std()).fillna(0).to_numpy()
    mu = np.exp(np.log(60) + 0.004 * t + season + brk + effect * z)
    y = pd.Series(rng.poisson(mu).astype(float), index=idx, name="count")
    return y, x


def test_monthly_recovers_effect_and_break_against_glm():
    import statsmodels.api as sm  # here: at module level every worker's collection pays

    y, x = _monthly()
    out = monthly_association(y, x, lag=2, breaks={"new rules": "2015-01"}, maxlags=6)
    r = out.iloc[0]
    assert r["ci_low"] < np.exp(0.2) < r["ci_high"] and r["p"] < 1e-6
    assert r["n"] == 202 and r["breaks"] == "new rules" and r["indicator"] == "stress"
    # same point estimate as a Poisson GLM of the same design; HAC se from statsmodels
    t = np.arange(len(y))
    frame = pd.DataFrame({"y": y, "x": x.shift(2)}).dropna()
    u = 2 * (t[2:] - 2) / (len(frame) - 1) - 1
    X = pd.DataFrame({"c": 1.0}, index=frame.index)
    for d in (1, 2, 3):
        X[f"P{d}"] = np.polynomial.legendre.Legendre.basis(d)(u)
    for m in range(2, 13):
        X[f"m{m}"] = (frame.index.month == m) * 1.0
    X["b"] = (frame.index >= pd.Period("2015-01", "M")) * 1.0
    X["x"] = (frame["x"] - frame["x"].mean()) / frame["x"].std()
    ref = sm.GLM(frame["y"], X, family=sm.families.Poisson()).fit(
        cov_type="HAC", cov_kwds={"maxlags": 6})
    assert r["rate_ratio"] == pytest.approx(np.exp(ref.params["x"]), rel=1e-8)
    assert r["p"] == pytest.approx(ref.pvalues["x"], rel=1e-6)


def test_monthly_null_effect_interval_covers_one_and_lead_lag_peaks_at_truth():
    covered = 0
    for seed in range(30):
        y, x = _monthly(seed=seed, effect=0.0)
        r = monthly_association(y, x, lag=2, breaks={"b": "2015-01"}).iloc[0]
        covered += r["ci_low"] < 1 < r["ci_high"]
    assert covered >= 24  # nominal 95% (28.5 of 30); HAC is a little liberal at n=204
    y, x = _monthly(seed=3, effect=0.25, lag=3)
    prof = lead_lag_profile(y, x, lags=range(-4, 8), breaks={"b": "2015-01"})
    assert prof.loc[prof["rate_ratio"].idxmax(), "lag"] == 3
    assert set(prof["direction"]) == {"indicator leads", "indicator follows", "same month"}


def test_monthly_misuse():
    y, x = _monthly()
    with pytest.raises(ValueError, match="monthly"):
        monthly_association(pd.Series([1.0] * 30, index=range(1990, 2020)), x)
    with pytest.raises(ValueError, match="integer number of months"):
        monthly_association(y, x, lag=1.5)
    with pytest.raises(ValueError, match="at least 24"):
        monthly_association(y.iloc[:20], x)
    with pytest.raises(ValueError, match="constant"):
        monthly_association(y, x * 0 + 1)
    with pytest.raises(ValueError, match="maxlags"):
        monthly_association(y, x, maxlags=-1)
    with pytest.raises(ValueError, match="lags must not be empty"):
        lead_lag_profile(y, x, lags=[])


# --- outcome series -----------------------------------------------------------------------

def _tax():
    return pd.DataFrame({
        "article": ["280", "207.3", "205.5", "213"],
        "part": [None, None, None, None],
        "category": ["extremist speech", "anti-war speech", "terrorist organisations",
                     "protest and public order"],
        "rationale": ["speech", "created 2022", "org", "hooliganism"],
        "specificity": ["core", "core", "mixed", "broad"]})


def _court(rows):
    base = dict(form="10-a", part=None, redaction=None, label=None, lumped_parts=None)
    return pd.DataFrame([base | r for r in rows])


def _grand(years, value=500_000.0):
    return [dict(year=y, article=None, row_type="grand_total", measure="convicted_main",
                 value=value) for y in years]


def test_outcomes_separate_series_combined_row_is_not_zero():
    """A combined row (``lumped_parts``, as the court reader writes it) that lumps a series
    article with others makes the year incomplete, with bounds and the row named."""
    cs = _court([
        *_grand([2021]), *_grand([2022], 400_000.0),
        *[dict(year=y, article="280", row_type="article", measure=m, value=v)
          for y in (2021, 2022) for m, v in (("convicted_main", 10.0),
                                             ("additional_persons", 3.0))],
        dict(year=2021, article="205.5", row_type="article", measure="convicted_main",
             value=40.0),
        dict(year=2022, article="205.5", row_type="article", measure="convicted_main",
             value=50.0),
        dict(year=2021, article="213", row_type="article", measure="convicted_main",
             value=900.0),
        dict(year=2022, article=None, row_type="article_group", measure="convicted_main",
             value=16.0, label="264.3 ч. 1, 207.3 ч. 2, 274.2 ч. 1",
             lumped_parts="264.3 ч.1; 207.3 ч.2; 274.2 ч.1", sheet="s", row=7),
    ])
    before = cs.copy()
    out = outcome_series(cs, _tax())
    pd.testing.assert_frame_equal(cs, before)
    m = out[out["basis"] == "main"].set_index(["series", "year"])
    assert m.loc[("core", 2021), "persons"] == 10  # 205.5 is not core
    assert m.loc[("mixed terrorism", 2022), "persons"] == 50
    assert np.isnan(m.loc[("core", 2022), "persons"])
    assert (m.loc[("core", 2022), "persons_low"], m.loc[("core", 2022), "persons_high"]) \
        == (10, 26)
    assert "264.3 ч.1; 207.3 ч.2; 274.2 ч.1" in m.loc[("core", 2022), "missing_reason"]
    assert "row 7" in m.loc[("core", 2022), "missing_reason"]
    assert np.isnan(m.loc[("art. 207.3", 2022), "persons"])
    assert m.loc[("art. 207.3", 2022), "persons_high"] == 16
    # only the series touching the lumped article lose the year
    assert m.loc[("mixed terrorism", 2022), "missing_reason"] == ""
    assert m.loc[("broad", 2022), "persons"] == 0  # absent row of an existing article
    assert m.loc[("core", 2021), "rate_per_100k"] == pytest.approx(2.0)
    a = out[out["basis"] == "additional"].set_index(["series", "year"])
    assert a.loc[("core", 2021), "persons"] == 3
    assert a.loc[("core", 2022), "persons"] == 3  # the combined row is main-only
    d = series_definitions(_tax())
    assert d.loc[d["series"] == "art. 207.3", "kind"].tolist() == ["wartime article"]


def test_outcomes_combined_row_inside_one_series_or_zero_is_counted():
    """A combined row lumping only core articles counts in full for core (but not for one
    article); a combined row of 0 persons is 0 for every article it lumps (2022 form 10-a:
    280.4 and 282.4 in one row)."""
    tax = pd.concat([_tax(), pd.DataFrame({
        "article": ["280.4", "282.4"], "part": [None, None],
        "category": ["anti-war speech", "extremist speech"],
        "rationale": ["created 2022", "created 2022"], "specificity": ["core", "core"]})],
        ignore_index=True)
    lump = "280.4 ч.1; 282.4 ч.1"
    cs = _court([
        *_grand([2022, 2023]),
        dict(year=2022, article=None, row_type="article_group", measure="convicted_main",
             value=0.0, lumped_parts=lump),
        dict(year=2023, article=None, row_type="article_group", measure="convicted_main",
             value=5.0, lumped_parts=lump),
        *[dict(year=y, article="280", row_type="article", measure="convicted_main",
               value=2.0) for y in (2022, 2023)],
    ])
    m = outcome_series(cs, tax).query("basis == 'main'").set_index(["series", "year"])
    assert m.loc[("core", 2022), "persons"] == 2
    assert m.loc[("core", 2023), "persons"] == 7
    assert m.loc[("art. 280.4", 2022), "persons"] == 0
    assert m.loc[("art. 282.4", 2022), "missing_reason"] == ""
    assert np.isnan(m.loc[("art. 280.4", 2023), "persons"])
    assert (m.loc[("art. 280.4", 2023), "persons_low"],
            m.loc[("art. 280.4", 2023), "persons_high"]) == (0, 5)


def test_combined_rows_says_how_each_enters_each_series():
    tax = pd.concat([_tax(), pd.DataFrame({
        "article": ["280.4", "282.4"], "part": [None, None],
        "category": ["anti-war speech", "extremist speech"],
        "rationale": ["created 2022", "created 2022"], "specificity": ["core", "core"]})],
        ignore_index=True)
    cs = _court([
        *_grand([2022, 2023]),
        dict(year=2022, article=None, row_type="article_group", measure="convicted_main",
             value=0.0, lumped_parts="280.4 ч.1; 282.4 ч.1"),
        dict(year=2023, article=None, row_type="article_group", measure="convicted_main",
             value=5.0, lumped_parts="280.4 ч.1; 282.4 ч.1"),
        dict(year=2023, article=None, row_type="article_group",
             measure="additional_persons", value=2.0, lumped_parts="264.3 ч.1; 207.3"),
        dict(year=2023, article=None, row_type="article_group", measure="convicted_main",
             value=9.0, lumped_parts="264.3 ч.1; 264.3 ч.2"),  # no series article
    ])
    before = cs.copy()
    c = combined_rows(cs, tax).set_index(["year", "basis", "series"])
    pd.testing.assert_frame_equal(cs, before)
    assert c.loc[(2022, "main", "core"), "treatment"] == TREATMENTS["zero"]
    assert c.loc[(2023, "main", "core"), "treatment"] == TREATMENTS["counted"]
    assert c.loc[(2023, "main", "art. 280.4"), "treatment"] == TREATMENTS["hidden"]
    assert c.loc[(2023, "main", "art. 280.4"), "series_parts"] == "280.4 ч.1"
    assert c.loc[(2023, "additional", "art. 207.3"), "persons"] == 2
    assert not c["lumped_parts"].str.contains("264.3 ч.2").any()
    out = outcome_series(cs, tax).set_index(["series", "year", "basis"])
    assert out.loc[("art. 207.3", 2023, "additional"), "persons_high"] == 2


def test_outcomes_take_loaded_dtypes():
    """Tables from repstats.load hold categories, strings and Int64."""
    cs = _court([*_grand([2021]), dict(year=2021, article="280", row_type="article",
                                       measure="convicted_main", value=4.0)])
    loaded = cs.astype({"form": "category", "row_type": "category", "measure": "category",
                        "article": "category", "year": "Int64", "value": "Int64",
                        "lumped_parts": "string"})
    pd.testing.assert_frame_equal(outcome_series(loaded, _tax()),
                                  outcome_series(cs, _tax()))


def test_outcomes_misuse():
    with pytest.raises(ValueError, match="specificity"):
        outcome_series(_court([]), _tax().drop(columns="specificity"))


# --- specification curve --------------------------------------------------------------------

def _curve_inputs():
    years = np.arange(2009, 2022)
    rng = np.random.default_rng(0)
    x = rng.normal(size=len(years)).cumsum()
    rows = []
    for s, k in (("core", 1.0), ("broad", -1.0)):
        persons = np.round(100 + 10 * k * x + rng.normal(size=len(years)))
        rows.append(pd.DataFrame({"year": years, "series": s, "basis": "main",
                                  "persons": persons, "rate_per_100k": persons / 7}))
    outcomes = pd.concat(rows, ignore_index=True)
    ind = pd.DataFrame({"indicator": "stress", "period": pd.PeriodIndex(
        years.astype(str), freq="Y"), "value": x, "direction": 1})
    ind2 = ind.assign(indicator="approval", value=-x, direction=-1)
    return outcomes, pd.concat([ind, ind2], ignore_index=True)


def test_specification_curve_aligns_direction_and_marks_primary():
    outcomes, ind = _curve_inputs()
    primary = [dict(series="core", indicator="stress", transform="level", lag=0,
                    normalisation="count")]
    curve = specification_curve(outcomes, ind, series=["core", "broad"], lags=[0, 1],
                                primary=primary, n_perm=500)
    assert len(curve) == 2 * 2 * 2 * 2 * 2
    lvl = curve[(curve["transform"] == "level") & (curve["lag"] == 0)
                & (curve["normalisation"] == "count")].set_index(["series", "indicator"])
    # approval is reversed: its aligned coefficient equals that of stress
    assert lvl.loc[("core", "approval"), "r_aligned"] == pytest.approx(
        lvl.loc[("core", "stress"), "r_aligned"])
    assert lvl.loc[("core", "stress"), "r_aligned"] > 0.8
    assert lvl.loc[("broad", "stress"), "r_aligned"] < -0.8
    assert curve["primary"].sum() == 1 and curve["rank"].is_monotonic_increasing
    s = curve_summary(curve)
    assert s["n_specifications"].iloc[0] == len(curve)
    assert 0.5 < s["primary_percentile"].iloc[0] <= 1


def test_specification_curve_misuse():
    outcomes, ind = _curve_inputs()
    with pytest.raises(ValueError, match="unknown series"):
        specification_curve(outcomes, ind, series=["nope"])
    with pytest.raises(ValueError, match="normalisations"):
        specification_curve(outcomes, ind, series=["core"], normalisations=["log"])
    with pytest.raises(ValueError, match="not among the combinations"):
        specification_curve(outcomes, ind, series=["core"], lags=[0],
                            primary=[dict(series="core", lag=5)])
    with pytest.raises(ValueError, match="several directions"):
        specification_curve(outcomes, ind.assign(indicator="one"), series=["core"])

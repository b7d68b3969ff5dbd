"""count_regression(): compared with statsmodels fitted directly."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from repstats.stats import count_regression
from repstats.stats.regression import COLUMNS

YEARS = np.arange(2000, 2024)


def data(overdispersed=False, seed=7):
    rng = np.random.default_rng(seed)
    x = pd.Series(rng.normal(size=len(YEARS)), index=YEARS, name="unrest")
    mu = np.exp(3.0 + 0.4 * x.to_numpy() + 0.03 * np.arange(len(YEARS)))
    y = (rng.negative_binomial(2, 2 / (2 + mu)) if overdispersed else rng.poisson(mu))
    return pd.Series(y, index=YEARS, name="persons"), x


def design(x):
    return pd.DataFrame({"intercept": 1.0, "unrest": x.to_numpy(),
                         "trend": np.arange(len(x), dtype=float)})


def test_poisson_matches_statsmodels_glm():
    import statsmodels.api as sm  # here: at module level every worker's collection pays

    y, x = data()
    out = count_regression(y, x, family="poisson")
    assert list(out.columns) == COLUMNS
    ref = sm.GLM(y.to_numpy(float), design(x), family=sm.families.Poisson()).fit()
    ci = ref.conf_int()
    np.testing.assert_allclose(out["irr"], np.exp(ref.params), rtol=1e-6)
    np.testing.assert_allclose(out["ci_low"], np.exp(ci[0]), rtol=1e-6)
    np.testing.assert_allclose(out["ci_high"], np.exp(ci[1]), rtol=1e-6)
    np.testing.assert_allclose(out["p"], ref.pvalues, rtol=1e-5)
    assert out["dispersion"].iloc[0] == pytest.approx(ref.pearson_chi2 / ref.df_resid)
    assert out["aic"].iloc[0] == pytest.approx(ref.aic)
    assert (out["family"] == "poisson").all() and out["n"].iloc[0] == len(YEARS)
    assert out["term"].tolist() == ["intercept", "unrest", "trend"]


def test_negbin_matches_statsmodels_negativebinomial():
    import statsmodels.api as sm  # here: at module level every worker's collection pays

    y, x = data(overdispersed=True)
    out = count_regression(y, x, family="negbin")
    ref = sm.NegativeBinomial(y.to_numpy(float), design(x), loglike_method="nb2").fit(
        disp=0, maxiter=500)
    np.testing.assert_allclose(out["irr"], np.exp(ref.params[:3]), rtol=1e-4)
    np.testing.assert_allclose(out["ci_low"], np.exp(ref.conf_int().iloc[:3, 0]), rtol=1e-4)
    np.testing.assert_allclose(out["p"], ref.pvalues[:3], rtol=1e-3)
    assert out["nb_alpha"].iloc[0] == pytest.approx(ref.params["alpha"], rel=1e-4)
    assert out["aic"].iloc[0] == pytest.approx(ref.aic)
    assert (out["family"] == "negbin").all()


def test_overdispersion_warns_or_switches():
    y, x = data(overdispersed=True)
    with pytest.warns(RuntimeWarning, match="dispersion"):
        pois = count_regression(y, x, family="poisson")
    assert pois["dispersion"].iloc[0] > 1.5
    assert "dispersion" in pois["warning"].iloc[0]
    auto = count_regression(y, x, family="auto")
    assert (auto["family"] == "negbin").all()
    assert "switched" in auto["warning"].iloc[0]
    # NB intervals are wider than the (too narrow) Poisson ones
    width = lambda t: np.log(t["ci_high"]) - np.log(t["ci_low"])  # noqa: E731
    assert (width(auto).iloc[1] > width(pois).iloc[1])
    calm, xc = data(overdispersed=False)
    assert (count_regression(calm, xc, family="auto")["family"] == "poisson").all()


def test_exposure_offset_and_lag_and_no_trend():
    import statsmodels.api as sm  # here: at module level every worker's collection pays

    y, x = data()
    exposure = pd.Series(np.linspace(5e5, 9e5, len(YEARS)), index=YEARS)
    with pytest.warns(RuntimeWarning, match="dispersion"):  # the trend is left out
        out = count_regression(y, x, family="poisson", exposure=exposure, lag=1,
                               trend=False)
    X = pd.DataFrame({"intercept": 1.0, "unrest": x.shift(1).to_numpy()}).iloc[1:]
    ref = sm.GLM(y.to_numpy(float)[1:], X, family=sm.families.Poisson(),
                 offset=np.log(exposure.to_numpy()[1:])).fit()
    np.testing.assert_allclose(out["irr"], np.exp(ref.params), rtol=1e-6)
    assert out["n"].iloc[0] == len(YEARS) - 1
    assert out["term"].tolist() == ["intercept", "unrest"]


def test_misuse_raises():
    y, x = data()
    with pytest.raises(ValueError, match="family"):
        count_regression(y, x, family="gaussian")
    with pytest.raises(ValueError, match="non-negative integers"):
        count_regression(y * 0.5 + 0.25, x)
    with pytest.raises(ValueError, match="usable periods"):
        count_regression(y.iloc[:4], x)
    panel = pd.DataFrame({"indicator": ["a", "b"], "period": [2000, 2000],
                          "value": [1.0, 2.0]})
    with pytest.raises(ValueError, match="one indicator"):
        count_regression(y, panel)

"""associate(): checked against scipy on series built in code."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from repstats.stats import associate
from repstats.stats.association import COLUMNS, block_bootstrap_indices

YEARS = np.arange(2005, 2025)


def series(seed=3):
    rng = np.random.default_rng(seed)
    x = pd.Series(np.cumsum(rng.normal(size=len(YEARS))), index=YEARS, name="unrest")
    y = pd.Series(rng.poisson(np.exp(2.5 + 0.3 * x.to_numpy())), index=YEARS,
                  name="persons")
    return y, x


def test_r_and_parametric_p_match_scipy_at_every_lag_and_transform():
    y, x = series()
    out = associate(y, x, n_boot=200, n_perm=200)
    assert list(out.columns) == COLUMNS
    assert len(out) == 2 * 5 * 2
    for row in out.itertuples():
        yy = y.diff() if row.transform == "diff" else y
        xx = (x.diff() if row.transform == "diff" else x).shift(row.lag)
        pair = pd.concat([yy, xx], axis=1).dropna()
        ref = (stats.spearmanr if row.method == "spearman" else stats.pearsonr)(
            pair.iloc[:, 0], pair.iloc[:, 1])
        assert row.r == pytest.approx(ref.statistic, abs=1e-12)
        assert row.p_parametric == pytest.approx(ref.pvalue, rel=1e-9)
        assert row.n == len(pair)
        assert row.overlap_start == str(pair.index.min())
        assert row.overlap_end == str(pair.index.max())
        assert row.ci_low <= row.ci_high


def test_without_interval_the_permutation_p_values_are_those_with_it():
    """``interval=False`` skips the bootstrap statistics but still draws the resamples,
    so every later permutation, and every p_perm, is that of the run with the interval."""
    y, x = series(seed=8)
    kw = dict(lags=[-1, 0, 1, 2], n_boot=300, n_perm=500, seed=4)
    full = associate(y, x, **kw)
    bare = associate(y, x, interval=False, **kw)
    assert full[["ci_low", "ci_high"]].notna().all().all()
    assert bare[["ci_low", "ci_high"]].isna().all().all()
    pd.testing.assert_frame_equal(bare.drop(columns=["ci_low", "ci_high"]),
                                  full.drop(columns=["ci_low", "ci_high"]), check_exact=True)
    # the p-values do depend on the draws: another seed moves them
    other = associate(y, x, interval=False, **(kw | {"seed": 5}))
    assert not np.array_equal(other["p_perm"].to_numpy(), bare["p_perm"].to_numpy())


def test_lag_direction_indicator_leads():
    x = pd.Series(np.sin(np.arange(30) * 0.7) + np.arange(30) * 0.01,
                  index=np.arange(1990, 2020))
    y = x.shift(1).dropna() * 3 + 1     # y_t = 3 x_{t-1} + 1
    out = associate(y, x, lags=[1, -1], methods=["pearson"], transform="level",
                    n_boot=200, n_perm=200)
    assert out.set_index("lag").loc[1, "r"] == pytest.approx(1.0)
    assert abs(out.set_index("lag").loc[-1, "r"]) < 0.9


def _exact_two_sided(x, y, corr):
    """Two-sided permutation p by enumerating all n! pairings (scipy's definition:
    twice the smaller tail, capped at 1)."""
    observed = corr(x, y)
    null = np.array([corr(x, np.asarray(p)) for p in itertools.permutations(y)])
    eps = 1e-14 * max(1.0, abs(observed))
    greater = np.mean(null >= observed - eps)
    less = np.mean(null <= observed + eps)
    return min(1.0, 2 * min(greater, less))


def test_permutation_p_is_exact_for_small_n():
    # 6 pairs: 720 pairings <= n_perm, so every pairing is enumerated (exact test)
    y = pd.Series([3, 5, 4, 8, 9, 12], index=range(2010, 2016))
    x = pd.Series([0.1, 0.3, 0.2, 0.5, 0.4, 0.9], index=range(2010, 2016))
    out = associate(y, x, lags=[0], transform="level", n_boot=200, n_perm=1000)
    got = out.set_index("method")["p_perm"]
    xs, ys = x.to_numpy(), y.to_numpy(float)
    assert got["pearson"] == pytest.approx(
        _exact_two_sided(xs, ys, lambda a, b: stats.pearsonr(a, b).statistic))
    assert got["spearman"] == pytest.approx(
        _exact_two_sided(xs, ys, lambda a, b: stats.spearmanr(a, b).statistic))
    assert out["warning"].str.contains("n < 10").all()


def test_block_length_one_agrees_with_scipy_paired_bootstrap():
    rng = np.random.default_rng(11)
    x = rng.normal(size=60)
    y = 0.5 * x + rng.normal(size=60)
    out = associate(pd.Series(y, index=range(1900, 1960)),
                    pd.Series(x, index=range(1900, 1960)), lags=[0], transform="level",
                    methods=["pearson"], n_boot=4000, n_perm=200, block_length=1)
    # the statistic over all resamples at once (the same resamples and interval as one
    # call per resample: 1.7 CPU-s less)
    ref = stats.bootstrap((x, y), lambda a, b, axis: stats.pearsonr(a, b, axis=axis).statistic,
                          paired=True, vectorized=True, n_resamples=4000,
                          method="percentile", rng=np.random.default_rng(5))
    assert out["ci_low"].iloc[0] == pytest.approx(ref.confidence_interval.low, abs=0.04)
    assert out["ci_high"].iloc[0] == pytest.approx(ref.confidence_interval.high, abs=0.04)
    assert out["block_length"].iloc[0] == 1


def test_block_bootstrap_indices_are_consecutive_blocks():
    idx = block_bootstrap_indices(10, 3, 50, np.random.default_rng(0))
    assert idx.shape == (50, 10)
    assert idx.min() >= 0 and idx.max() <= 9
    # inside each block of 3 the indices step by one
    blocks = idx[:, :9].reshape(50, 3, 3)
    assert (np.diff(blocks, axis=2) == 1).all()
    with pytest.raises(ValueError, match="block_length"):
        block_bootstrap_indices(5, 6, 10, np.random.default_rng(0))


def test_reproducible_with_seed_and_different_otherwise():
    y, x = series()
    a = associate(y, x, lags=[0], n_boot=300, n_perm=300, seed=1)
    b = associate(y, x, lags=[0], n_boot=300, n_perm=300, seed=1)
    c = associate(y, x, lags=[0], n_boot=300, n_perm=300, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])


def test_warnings_for_small_n_and_little_overlap():
    y = pd.Series(np.arange(20.0) ** 1.5, index=range(2000, 2020))
    x = pd.Series([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 9.5],
                  index=range(2017, 2027))
    out = associate(y, x, lags=[0, 2], methods=["pearson"], transform="level",
                    n_boot=200, n_perm=200)
    lag0 = out.set_index("lag").loc[0]
    assert lag0["n"] == 3 and lag0["overlap_start"] == "2017" and lag0["overlap_end"] == "2019"
    assert "n < 10" in lag0["warning"] and "little overlap" in lag0["warning"]
    far = pd.Series([1.0, 2.0, 3.0], index=range(2018, 2021))
    out = associate(y, far, lags=[0], methods=["pearson"], transform="diff",
                    n_boot=200, n_perm=200)
    assert out["n"].iloc[0] == 1
    assert "too few points" in out["warning"].iloc[0]
    assert math.isnan(out["r"].iloc[0])


def test_panel_with_two_indicators_and_frequency_check():
    y, x = series()
    periods = [pd.Period(year=int(v), freq="Y") for v in YEARS]
    panel = pd.concat([
        pd.DataFrame({"indicator": "unrest", "period": periods, "value": x.to_numpy(),
                      "freq": "Y"}),
        pd.DataFrame({"indicator": "protests", "period": periods,
                      "value": x.to_numpy()[::-1], "freq": "Y"}),
    ])
    out = associate(y.rename_axis("year").reset_index(), panel, lags=[0], n_boot=200,
                    n_perm=200)
    assert sorted(out["indicator"].unique()) == ["protests", "unrest"]
    single = associate(y, x, lags=[0], n_boot=200, n_perm=200)
    pd.testing.assert_series_equal(out[out["indicator"] == "unrest"]["r"].reset_index(
        drop=True), single["r"], check_names=False)
    monthly = pd.Series(np.arange(24.0), index=pd.period_range("2010-01", periods=24,
                                                                freq="M"))
    with pytest.raises(ValueError, match="different frequencies"):
        associate(y, monthly, n_boot=200, n_perm=200)


@pytest.mark.parametrize("kwargs, match", [
    (dict(transform="log"), "transform"),
    (dict(methods=["kendall"]), "methods"),
    (dict(lags=[0.5]), "lags"),
    (dict(n_boot=10), "n_boot"),
])
def test_misuse_raises(kwargs, match):
    y, x = series()
    with pytest.raises(ValueError, match=match):
        associate(y, x, **kwargs)


def test_duplicated_periods_raise():
    y = pd.Series([1.0, 2.0, 3.0], index=[2010, 2010, 2011])
    with pytest.raises(ValueError, match="several values"):
        associate(y, y, n_boot=200, n_perm=200)


def test_tiny_n_gets_r_but_no_interval():
    import pandas as pd
    from repstats.stats import associate
    from repstats.stats.association import MIN_CI_N

    years = pd.period_range("2018", periods=4, freq="Y")
    counts = pd.Series([10.0, 20.0, 15.0, 30.0], index=years)
    ind = pd.Series([1.0, 2.0, 1.5, 3.5], index=years)
    out = associate(counts, ind, lags=[0], transform="level", n_boot=200, n_perm=200)
    assert (out["n"] == 4).all() and 4 < MIN_CI_N
    assert out["r"].notna().all() and out["ci_low"].isna().all() and out["ci_high"].isna().all()
    assert out["warning"].str.contains("no bootstrap interval").all()


@pytest.mark.parametrize("n, n_perm", [(12, 500), (5, 200)])  # random draws; exact (5! < 200)
def test_permutation_pvalue_same_as_scipy(n, n_perm):
    from repstats.stats.association import _ranks, _statistic, permutation_pvalue

    gen = np.random.default_rng(7)
    x = gen.integers(0, 6, n).astype(float)  # ties
    y = x + gen.normal(0, 2, n)
    pearson = _statistic("pearson")
    for seed in range(5):
        ours = permutation_pvalue(_ranks(x), _ranks(y), pearson, n_perm,
                                  np.random.default_rng(seed))
        theirs = stats.permutation_test(
            (_ranks(y),), lambda yy, axis=-1: pearson(np.broadcast_to(_ranks(x), yy.shape),
                                                      yy, axis=axis),
            permutation_type="pairings", vectorized=True, n_resamples=n_perm,
            alternative="two-sided", rng=np.random.default_rng(seed)).pvalue
        assert ours == theirs


def test_ranks_same_as_scipy_rankdata():
    from repstats.stats.association import _ranks

    a = np.random.default_rng(3).integers(0, 5, size=(50, 9)).astype(float)
    assert np.array_equal(_ranks(a), stats.rankdata(a, axis=-1))
    assert np.array_equal(_ranks(a[0]), stats.rankdata(a[0]))

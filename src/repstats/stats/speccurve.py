"""Specification curve: one association per combination of analytic choices.

Claim (a) can be tested in many defensible ways: which articles count (series), which
indicator stands for instability, levels or first differences, which lag, counts or rates
per 100,000 convictions. :func:`specification_curve` runs every combination through
:func:`repstats.stats.associate` (Spearman, permutation p-value) and returns them with the
coefficient *aligned* so that a positive value always means "more instability or stress
goes with more convictions" (the indicator's codebook direction). The declared primary
specifications are marked, so a reader sees at once where they sit among the
alternatives. The table is descriptive: it is not a count of significant results.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from repstats.stats._series import require_columns
from repstats.stats.association import associate

CHOICES = ["series", "indicator", "transform", "lag", "normalisation"]
COLUMNS = [*CHOICES, "r", "r_aligned", "p_perm", "n", "direction", "primary", "rank",
           "warning"]
NORMALISATIONS = {"count": "persons", "rate": "rate_per_100k"}


def specification_curve(outcomes: pd.DataFrame, indicators: pd.DataFrame, *,
                        series, lags=(0, 1, 2), transforms=("level", "diff"),
                        normalisations=("count", "rate"), primary=None,
                        n_perm: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Spearman association of every series x indicator x transform x lag x normalisation.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`repstats.stats.outcomes.outcome_series` output (``year``, ``series``,
        ``basis``, ``persons``, ``rate_per_100k``); main-basis rows are used. Not modified.
    indicators : DataFrame
        Yearly long panel: ``indicator``, ``period`` (yearly Periods or years), ``value``,
        ``direction`` (+1 higher = more instability, -1 otherwise). Not modified.
    series : list of str
        Outcome series to use (values of ``outcomes["series"]``).
    lags, transforms, normalisations
        Choices to cross; a lag k pairs the count in year t with the indicator in t - k.
        Normalisations: "count" (persons) and/or "rate" (per 100,000 convictions).
    primary : list of dict, optional
        Specifications to mark, each a dict over the five choice names.
    n_perm : int
        Permutations per specification (``scipy.stats.permutation_test``).
    seed : int
        Seed of the resampling.

    Returns
    -------
    DataFrame
        One row per specification:

        - ``series``, ``indicator``, ``transform``, ``lag``, ``normalisation``
        - ``r``: Spearman coefficient; ``r_aligned``: ``r * direction`` (positive = more
          instability with more convictions)
        - ``p_perm``: two-sided permutation p-value; ``n``: years used
        - ``direction``: the indicator's direction
        - ``primary``: True for the declared primary specification(s)
        - ``rank``: 1 = most negative ``r_aligned`` (the curve's x axis); NaN when not
          computed
        - ``warning``: notes from :func:`associate` (e.g. "n < 10") or None

    Raises
    ------
    ValueError
        Missing columns, an unknown series, normalisation or primary choice, or an
        indicator without a single direction.
    """
    require_columns(outcomes, ["year", "series", "basis", *NORMALISATIONS.values()],
                    "outcomes")
    require_columns(indicators, ["indicator", "period", "value", "direction"], "indicators")
    series = list(series)
    unknown = sorted(set(series) - set(outcomes["series"]))
    if unknown:
        raise ValueError(f"unknown series {unknown}; have {sorted(outcomes['series'].unique())}")
    bad = sorted(set(normalisations) - set(NORMALISATIONS))
    if bad:
        raise ValueError(f"normalisations must be among {tuple(NORMALISATIONS)}, got {bad}")
    dirs = indicators.groupby("indicator")["direction"].nunique()
    if (dirs > 1).any():
        raise ValueError(f"indicators with several directions: {dirs[dirs > 1].index.tolist()}")
    direction = indicators.groupby("indicator")["direction"].first()
    main = outcomes[outcomes["basis"] == "main"]
    rows = []
    rng_seed = seed
    for s, norm in itertools.product(series, normalisations):
        y = main[main["series"] == s].set_index("year")[NORMALISATIONS[norm]].dropna()
        res = associate(y, indicators[["indicator", "period", "value"]], lags=list(lags),
                        methods=("spearman",), transform=list(transforms), n_boot=100,
                        n_perm=n_perm, seed=rng_seed, interval=False)  # r, p_perm only
        rng_seed += 1
        rows.append(res.assign(series=s, normalisation=norm))
    out = pd.concat(rows, ignore_index=True)
    out["direction"] = out["indicator"].map(direction).astype("int64")
    out["r_aligned"] = out["r"] * out["direction"]
    out["primary"] = False
    for spec in primary or []:
        extra = sorted(set(spec) - set(CHOICES))
        if extra:
            raise ValueError(f"primary specification keys must be among {CHOICES}, "
                             f"got {extra}")
        hit = np.logical_and.reduce([out[k] == v for k, v in spec.items()])
        if not hit.any():
            raise ValueError(f"primary specification {spec} is not among the combinations")
        out.loc[hit, "primary"] = True
    out["rank"] = out["r_aligned"].rank(method="first")
    return out[COLUMNS].sort_values("rank", na_position="last").reset_index(drop=True)


def curve_summary(curve: pd.DataFrame) -> pd.DataFrame:
    """Where the primary specifications sit in the curve.

    Parameters
    ----------
    curve : DataFrame
        :func:`specification_curve` output; not modified.

    Returns
    -------
    DataFrame
        One row: ``n_specifications`` (computed), ``median_r_aligned``,
        ``q10_r_aligned``, ``q90_r_aligned`` (10th and 90th percentiles),
        ``share_positive`` (share with ``r_aligned`` > 0, a description of the curve's
        location, not a test), ``primary_percentile`` (mean percentile of the primary
        specifications among all, NaN when none is marked).
    """
    require_columns(curve, ["r_aligned", "primary"], "curve")
    ok = curve[curve["r_aligned"].notna()]
    r = ok["r_aligned"]
    pct = r.rank(pct=True)
    return pd.DataFrame([dict(
        n_specifications=len(ok), median_r_aligned=r.median(),
        q10_r_aligned=r.quantile(0.1), q90_r_aligned=r.quantile(0.9),
        share_positive=float((r > 0).mean()) if len(ok) else np.nan,
        primary_percentile=float(pct[ok["primary"]].mean()) if ok["primary"].any()
        else np.nan)])

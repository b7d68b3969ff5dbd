"""Analysis layer: counts, association with instability, count regression, change points,
sentences versus statutory minimums (from official brackets and from cases); for claim (a)
the outcome series, interrupted time series, monthly HAC model and specification curve.

Every function takes and returns tidy DataFrames; see each function's docstring for its
output columns.
"""
from repstats._lazy import lazy_names as _lazy_names

# names resolved on first use (PEP 562): importing one analysis (e.g. the sentence brackets)
# does not import scipy.stats and statsmodels for all the others
_LAZY = {
    "associate": "association",
    "bracket_interval": "brackets",
    "bracket_shares": "brackets",
    "sanctions_in_force": "brackets",
    "assess_sentences": "cases",
    "summarise_severity": "cases",
    "test_against_minimum": "cases",
    "change_points": "changepoints",
    "political_counts": "counts",
    "interrupted_time_series": "its",
    "lead_lag_profile": "monthly",
    "monthly_association": "monthly",
    "combined_rows": "outcomes",
    "outcome_series": "outcomes",
    "assess_charges": "persons",
    "classify_sentences": "persons",
    "count_regression": "regression",
    "specification_curve": "speccurve",
}

__all__ = list(_LAZY)  # every lazily resolved name is public


__getattr__, __dir__ = _lazy_names(__name__, _LAZY, __all__)

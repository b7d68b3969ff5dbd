"""Analysis layer: counts, association with instability, count regression, change points,
sentences versus statutory minimums (from official brackets and from cases); for claim (a)
the outcome series, interrupted time series, monthly HAC model and specification curve.

Every function takes and returns tidy DataFrames; see each function's docstring for its
output columns.
"""
from repstats.stats.association import associate
from repstats.stats.brackets import bracket_interval, bracket_shares, sanctions_in_force
from repstats.stats.cases import assess_sentences, summarise_severity, test_against_minimum
from repstats.stats.changepoints import change_points
from repstats.stats.counts import political_counts
from repstats.stats.its import interrupted_time_series
from repstats.stats.monthly import lead_lag_profile, monthly_association
from repstats.stats.outcomes import combined_rows, outcome_series
from repstats.stats.persons import assess_charges, classify_sentences
from repstats.stats.regression import count_regression
from repstats.stats.speccurve import specification_curve

__all__ = ["political_counts", "associate", "count_regression", "change_points",
           "bracket_shares", "bracket_interval", "sanctions_in_force", "assess_sentences",
           "summarise_severity", "test_against_minimum", "outcome_series", "combined_rows",
           "interrupted_time_series", "monthly_association", "lead_lag_profile",
           "specification_curve", "assess_charges", "classify_sentences"]

"""Official court statistics (Judicial Department forms 10-а, 10.3, 10.3.1, 2009–2024).

Public API::

    from repstats.courts import read_court_stats, bracket_bounds, reconcile, codebook

See :mod:`repstats.courts.reader` for the long table's columns.
"""
from .brackets import bracket_bounds, harmonize_brackets
from .codebook import codebook
from .reader import read_court_stats, read_year
from .reconcile import reconcile
from .schema import COURT_STATS_SCHEMA, validate_court_stats

__all__ = ["read_court_stats", "read_year", "bracket_bounds", "harmonize_brackets",
           "reconcile", "codebook", "COURT_STATS_SCHEMA", "validate_court_stats"]

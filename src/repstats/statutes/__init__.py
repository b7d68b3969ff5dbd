"""Statutes: the Criminal Code's sanctions on any date, and sentence-versus-minimum
arithmetic.

- :func:`statutory_range` / :func:`attach_ranges` - the imprisonment range in force on the
  offence date (art. 9), from the package's sanctions table (:func:`sanctions_table`).
- :func:`applicable_ranges` - the sanction bounded over every version in force across an
  offence period (or a window of years).
- :func:`effective_range` - floor and ceiling after arts. 57, 62, 66 and 88.
- :func:`combined_limits` - floor and ceiling of a combined term (arts. 69, 70, 56 ч.4).
- :func:`severity` - a sentence against its range.
- :func:`taxonomy` / :func:`categorize` - a political taxonomy of articles.
- :func:`parse_sanction` - the parser of sanction clauses used to check the table against
  the Code's text.
"""
from __future__ import annotations

from .aggregation import CombinedLimits, aggregation_cap, combined_limits
from .applicable import applicable_ranges
from .clauses import Sanction, parse_sanction
from .ranges import StatutoryRange, attach_ranges, statutory_range
from .reductions import EffectiveRange, effective_range
from .severity import severity
from .table import sanctions_table
from .taxonomy import categorize, taxonomy

__all__ = ["statutory_range", "attach_ranges", "effective_range", "severity", "taxonomy",
           "categorize", "sanctions_table", "parse_sanction", "StatutoryRange",
           "EffectiveRange", "Sanction", "applicable_ranges", "combined_limits",
           "aggregation_cap", "CombinedLimits"]

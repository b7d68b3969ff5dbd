"""Deprecated alias of :mod:`repstats.quality` (the data-quality summaries)."""
import warnings as _warnings

from repstats.quality import *  # noqa: F401,F403
from repstats.quality import __all__  # noqa: F401

_warnings.warn("repstats.tables.quality is now repstats.quality; import from there",
               DeprecationWarning, stacklevel=2)

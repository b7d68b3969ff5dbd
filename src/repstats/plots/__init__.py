"""Charts for the analysis layer, in one consistent style (see :mod:`.style`).

Every function accepts ``ax=`` (``axes=`` for multi-panel charts) and returns the Axes
(or Figure for multi-panel charts); labels are in English with units.
"""
from repstats._lazy import lazy_names as _lazy_names

# names resolved on first use (PEP 562): a chart drawn with matplotlib alone does not
# import seaborn (and through it scipy.stats and statsmodels)
_LAZY = {
    "bracket_bars": "brackets", "case_chart": "claim", "claim_intervals": "claim",
    "category_heatmap": "heatmap", "range_chart": "ranges", "scatter_fit": "scatter",
    "COLORS": "style", "PALETTE": "style", "add_source": "style", "add_title": "style",
    "use_style": "style", "timeseries_panels": "timeseries",
}

__all__ = list(_LAZY)  # every lazily resolved name is public


__getattr__, __dir__ = _lazy_names(__name__, _LAZY, __all__)

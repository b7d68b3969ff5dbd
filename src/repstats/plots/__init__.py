"""Charts for the analysis layer, in one consistent style (see :mod:`.style`).

Every function accepts ``ax=`` (``axes=`` for multi-panel charts) and returns the Axes
(or Figure for multi-panel charts); labels are in English with units.
"""
from repstats.plots.brackets import bracket_bars
from repstats.plots.claim import case_chart, claim_intervals
from repstats.plots.heatmap import category_heatmap
from repstats.plots.ranges import range_chart
from repstats.plots.scatter import scatter_fit
from repstats.plots.style import COLORS, PALETTE, add_source, use_style
from repstats.plots.timeseries import timeseries_panels

__all__ = ["use_style", "add_source", "timeseries_panels", "scatter_fit", "bracket_bars",
           "range_chart", "category_heatmap", "claim_intervals", "case_chart", "PALETTE", "COLORS"]

"""Notebook 02 declares its primary analyses in a markdown cell before any result, opens
with the quoted claim and holds no typed-in result numbers in its prose."""
from __future__ import annotations

import re

from repstats.config import paths

NB = paths().notebooks / "02_cases_vs_instability.ipynb"
#: Calls that produce a result of the analysis.
RESULT_CALLS = ("interrupted_time_series(", "associate(", "monthly_association(",
                "lead_lag_profile(", "specification_curve(")


def _cells():
    import nbformat  # here: at module level every worker's collection pays

    return nbformat.read(NB, as_version=4).cells


def test_primary_family_declared_before_any_result():
    cells = _cells()
    first_result = next(i for i, c in enumerate(cells) if c.cell_type == "code"
                        and any(k in c.source for k in RESULT_CALLS))
    declared = [i for i, c in enumerate(cells) if c.cell_type == "markdown"
                and "Primary analyses" in c.source]
    assert declared and declared[0] < first_result
    text = cells[declared[0]].source
    for must in ("interrupted time series", "first differences", "Monthly", "HAC",
                 "2012", "2014", "2022", "WGI", "EPU", "Levada", "GPR",
                 "rouble volatility"):
        assert must.lower() in text.lower(), must
    assert len(re.findall(r"^\d\. ", text, flags=re.M)) <= 3  # at most three primaries


def test_opens_with_the_quote_then_the_computed_answer():
    cells = _cells()
    assert cells[0].cell_type == "markdown" and cells[0].source.lstrip().startswith("#")
    assert "> *\"The more unstable" in cells[0].source
    answer = next(i for i, c in enumerate(cells) if "**Answer.**" in c.source)
    assert cells[answer].cell_type == "code" and "display(Markdown(" in cells[answer].source
    # right after the quote, the declaration, parameters, set-up and the primary fits
    assert answer <= 5
    # and moved to the report's first screen, right under the quote
    assert "summary" in cells[answer].metadata.get("tags", [])
    assert "Primary analyses" not in cells[0].source  # the quote stands alone on top


def test_no_outputs_committed_and_no_removed_methods():
    cells = _cells()
    assert all(not c.get("outputs") for c in cells if c.cell_type == "code")
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    for gone in ("change_points", "composite(", "summarise_association", "protests_monthly"):
        assert gone not in code, gone


def test_markdown_prose_states_no_result_numbers():
    """Markdown cells may name years, breaks and settings, but no estimates (r, rate
    ratios, p-values), which must come from computed f-strings."""
    for c in _cells():
        if c.cell_type != "markdown":
            continue
        assert not re.search(r"\b(r|p|RR|rate ratio)\s*=\s*[-+]?\d", c.source), c.source[:80]

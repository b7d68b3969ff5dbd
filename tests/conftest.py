"""Shared fixtures.

Tests that need the real-data mirror (``../shared/data``) use the ``mirror`` fixture: it
skips with a clear reason when the mirror is absent, except under CI (``CI=true``), where
its absence is a failure. Unit tests build their own small inputs in code.
"""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

# CI runs are reproducible: the same examples every run (locally, hypothesis explores).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")

matplotlib.use("Agg")

from repstats.config import paths, reference_dir  # noqa: E402


def _need(path: Path | None, what: str) -> Path:
    if path is not None and path.is_dir():
        return path
    msg = (f"{what} not found (looked for ../shared beside the project root; set "
           "REPSTATS_MIRROR / REPSTATS_REFERENCE to point elsewhere)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}: under CI the mirror is required")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The raw-data mirror; its layout is the same as ``data/raw``."""
    return _need(paths().mirror, "raw-data mirror")


@pytest.fixture(scope="session")
def reference() -> Path:
    """``../shared/reference`` (facts compiled with their sources)."""
    return _need(reference_dir(), "reference folder")


@pytest.fixture(scope="session")
def court_stats_real(mirror):
    """The long court-statistics table read from the mirror (all 13 years), once per session."""
    from repstats.courts import read_court_stats

    return read_court_stats(mirror)

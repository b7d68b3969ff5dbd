"""Timeline of political events in Russia, for annotating charts.

The package data file ``repstats/data/events.csv`` is built from the compiled reference
table ``../shared/reference/events.csv`` by :func:`build_events_data`; every row keeps its
source URL, source title and confidence.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import PACKAGE_DATA
from ..errors import InputError
from ..io import write_csv

EVENTS_FILE = PACKAGE_DATA / "events.csv"
REFERENCE_COLUMNS = ["date_start", "date_end", "date_precision", "category", "event_en",
                     "event_ru", "source_url", "source_title", "confidence", "note"]
EVENT_COLUMNS = ["date", "date_end", "date_precision", "event", "event_ru", "category",
                 "source", "source_title", "confidence", "note"]


def _tidy(raw: pd.DataFrame, file) -> pd.DataFrame:
    missing = [c for c in REFERENCE_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError("expected column not found", file=str(file), column=missing[0],
                         expected=str(REFERENCE_COLUMNS))
    for col in ("date_start", "date_end"):
        parsed = pd.to_datetime(raw[col].where(raw[col].str.strip() != ""), format="%Y-%m-%d",
                                errors="coerce")
        bad = parsed.isna() & raw[col].str.strip().ne("")
        if col == "date_start":
            bad |= parsed.isna()
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(f"bad date {raw[col].iloc[pos]!r}", file=str(file), column=col,
                             row=pos + 2, expected="YYYY-MM-DD")
    nosource = raw["source_url"].str.strip().eq("")
    if nosource.any():
        pos = int(nosource.to_numpy().nonzero()[0][0])
        raise InputError("event without a source", file=str(file), column="source_url",
                         row=pos + 2, expected="a source URL on every row")
    out = raw.rename(columns={"date_start": "date", "event_en": "event",
                              "source_url": "source"})
    return out[EVENT_COLUMNS]


def build_events_data(reference_csv, target=EVENTS_FILE) -> Path:
    """Write the package events file from the reference table (atomically); returns it."""
    raw = pd.read_csv(reference_csv, dtype=str, keep_default_na=False)
    tidy = _tidy(raw, reference_csv).sort_values(["date", "event"], kind="stable")
    return write_csv(tidy, target)


def events(path=EVENTS_FILE) -> pd.DataFrame:
    """The events timeline.

    Returns
    -------
    DataFrame
        ``date`` (Timestamp, start), ``date_end`` (Timestamp or NaT for one-day events),
        ``date_precision``, ``event`` (English), ``event_ru``, ``category`` (election,
        protest, war, terror, repression, law, ...), ``source`` (URL), ``source_title``,
        ``confidence`` ("confirmed", "corrected", ...), ``note``.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in EVENT_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError("expected column not found", file=str(path), column=missing[0])
    out = raw[EVENT_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"], format="%Y-%m-%d")
    out["date_end"] = pd.to_datetime(out["date_end"].where(out["date_end"] != ""),
                                     format="%Y-%m-%d")
    return out

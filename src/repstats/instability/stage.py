"""Build stage ``instability``: raw files -> panel, codebook and protest counts.

Outputs in ``paths.processed``:

``instability_panel.parquet``
    The panel (:func:`repstats.instability.panel`) with ``period`` stored as text
    ("2022", "2022Q1", "2022-02"; :func:`read_panel` restores pandas Periods) and
    ``period_start`` (first day of the period).
``instability_codebook.csv``
    :func:`repstats.instability.codebook` with coverage from the panel.
``protests_monthly.parquet``
    :func:`protests_monthly` by region (``period`` as text "YYYY-MM").
``protests_rejects.csv`` / ``protests_overlaps.csv``
    Unparseable list records with the reason; pairs of events matched between the two
    2011-12 lists (and pairs below the threshold) with their counts.
``protests_flow.csv``
    :func:`protests_flow`: per list, records in the raw file, events out, records merged
    as duplicates and rejected (so notebook 01 accounts for every record without
    re-reading the lists).
``instability_sources.csv``
    One row per panel source: ``source`` (manifest id), ``status`` ("read" or "absent")
    and ``detail``. Only a source with no direct download URL (obtained by hand, e.g.
    the ACLED aggregates) may be absent; any other missing file is an error.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalog import to_periods
from ..config import Paths
from ..errors import RepstatsError
from ..io import write_csv, write_parquet
from ..sources import raw_path, read_manifest
from .codebook import codebook
from .mvd import MVD_BREAKS, check_published_totals
from .panel import READERS, panel, protest_rows
from .protests import protests_flow, protests_monthly, read_protests
from .schema import validate_panel

STAGE = "instability"
OUTPUTS = ["instability_panel.parquet", "instability_codebook.csv",
           "protests_monthly.parquet", "protests_rejects.csv", "protests_overlaps.csv",
           "instability_sources.csv", "protests_flow.csv"]


def source_status(raw) -> pd.DataFrame:
    """Which panel sources are present in ``raw``; only manual-only ones may be absent."""
    manifest = read_manifest().set_index("id")
    rows = []
    for sid in READERS:
        present = raw_path(sid, raw).is_file()
        manual = sid in manifest.index and not manifest.loc[sid, "url"]
        if present or not manual:  # a missing downloadable file fails in its reader
            rows.append((sid, "read", ""))
        else:
            rows.append((sid, "absent", "no direct URL and not fetched; "
                         + str(manifest.loc[sid, "note"])))
    return pd.DataFrame(rows, columns=["source", "status", "detail"])


def _period_text(periods: pd.Series) -> pd.Series:
    return periods.map(str)


def read_panel(path) -> pd.DataFrame:
    """Read ``instability_panel.parquet`` back with ``period`` as pandas Periods."""
    df = pd.read_parquet(path)
    # one frequency per row: each frequency's rows converted at once
    df["period"] = to_periods(df["period"], df["freq"].astype(str).tolist())
    return df.drop(columns="period_start")


def build(paths: Paths) -> list[Path]:
    """Read ``paths.raw``, then write every output (each atomically) into ``paths.processed``.

    Everything is computed and validated before the first file is written.
    """
    protests = read_protests(paths.raw)
    status = source_status(paths.raw)
    p = panel(paths.raw, sources=status.loc[status["status"] == "read", "source"].tolist())
    p = validate_panel(pd.concat([p, protest_rows(protests)], ignore_index=True))
    book = codebook(p)
    monthly = protests_monthly(protests.events, by_region=True)
    flow = protests_flow(protests, paths.raw)
    stored = p.assign(period_start=p["period"].map(lambda x: x.start_time.normalize()),
                      period=_period_text(p["period"]))
    out = paths.processed
    written = [
        write_parquet(stored, out / OUTPUTS[0]),
        write_csv(book, out / OUTPUTS[1]),
        write_parquet(monthly.assign(period=_period_text(monthly["period"])), out / OUTPUTS[2]),
        write_csv(protests.rejects, out / OUTPUTS[3]),
        write_csv(protests.overlaps, out / OUTPUTS[4]),
        write_csv(status, out / OUTPUTS[5]),
        write_csv(flow, out / OUTPUTS[6]),
    ]
    return written


def validate(paths: Paths) -> pd.DataFrame:
    """Re-read the outputs and check them.

    Returns
    -------
    DataFrame
        ``stage`` ("instability"), ``check``, ``status`` ("pass", "fail", "warn"),
        ``detail``.
    """
    results = []

    def add(check, ok, detail, caveat=False):
        """ok False -> fail; ok True with a caveat to read -> warn; else pass."""
        status = "fail" if not ok else ("warn" if caveat else "pass")
        results.append((STAGE, check, status, detail))

    out = paths.processed
    missing = [f for f in OUTPUTS if not (out / f).is_file()]
    add("outputs_exist", not missing, f"missing: {missing}" if missing else "all present")
    if missing:
        return pd.DataFrame(results, columns=["stage", "check", "status", "detail"])
    try:
        p = validate_panel(read_panel(out / OUTPUTS[0]))
        add("panel_schema", True, f"{len(p)} rows, {p['indicator'].nunique()} indicators")
    except (RepstatsError, ValueError) as exc:
        add("panel_schema", False, str(exc)[:500])
        return pd.DataFrame(results, columns=["stage", "check", "status", "detail"])
    book = pd.read_csv(out / OUTPUTS[1])
    status = pd.read_csv(out / OUTPUTS[5], keep_default_na=False)
    skipped = status.loc[status["status"] == "absent", "source"].tolist()
    add("sources_present", True, f"absent (manual-only, not fetched): {skipped}" if skipped
        else f"all {len(status)} sources read", caveat=bool(skipped))
    expected = book[~book["source"].isin(skipped)]
    absent = sorted(set(expected["indicator"]) - set(p["indicator"]))
    add("every_codebook_indicator_in_panel", not absent, f"absent: {absent}" if absent
        else f"{len(book)} indicators")
    pv = p[(p["indicator"] == "wgi_pv") & (p["country"] == "RUS")]
    add("wgi_pv_years", len(pv) == 24, f"{len(pv)} yearly estimates (expected 24: "
        "1996-2022 without 1997, 1999, 2001)")
    band = p["low"].notna() & p["high"].notna()
    add("bands_where_published", set(p.loc[band, "indicator"]) >=
        {"wgi_pv", "vdem_polyarchy"}, f"{band.sum()} rows with low/high")
    cf = p["flag"].str.contains("carried_forward")
    add("levada_carried_forward", True, f"{int(cf.sum())} indicator-months repeat the "
        "previous month (flagged, kept)", caveat=bool(cf.any()))
    drop = p["flag"].str.contains("coverage_drop")
    add("acled_coverage_drop", True, f"{int(drop.sum())} ACLED months from 2022-03 flagged "
        "coverage_drop", caveat=bool(drop.any()))
    if "mvd_crime_monthly" not in skipped:
        tot = check_published_totals(p)
        bad = tot[~tot["match"]]
        add("mvd_published_totals", bad.empty, "; ".join(
            f"{r.indicator} {r.year}: file {r.computed:,.0f} vs published {r.published:,}"
            for r in (bad if len(bad) else tot).itertuples()))
        flagged = p.loc[p["flag"].str.contains("definition_break"), ["indicator", "period"]]
        got = {(i, str(x)) for i, x in zip(flagged["indicator"], flagged["period"])}
        want = set(zip(MVD_BREAKS["indicator"], MVD_BREAKS["period"]))
        add("mvd_definition_breaks", got == want, f"flagged {sorted(got)} (expected "
            f"{sorted(want)}); model them as level shifts, not trends", caveat=True)
    rej = pd.read_csv(out / OUTPUTS[3])
    add("protests_rejects", True, f"{len(rej)} list records rejected (see "
        "protests_rejects.csv)", caveat=not rej.empty)
    ov = pd.read_csv(out / OUTPUTS[4])
    conflicts = int((ov["status"] == "match_count_conflict").sum())
    below = int((ov["status"] == "below_threshold").sum())
    add("protests_overlaps", True, f"{int(ov['status'].str.startswith('match').sum())} events "
        f"in both 2011-12 lists counted once; {conflicts} with different counts (band "
        f"low/high); {below} same-day pairs below the threshold kept as two events",
        caveat=bool(conflicts or below))
    from ..quality import row_flow

    flow = row_flow(pd.read_csv(out / OUTPUTS[6], keep_default_na=False))
    add("protests_records_accounted", bool(flow["balanced"].all()), "; ".join(
        f"{r.step}: {r.rows_in} in = {r.rows_out} events + {r.merged} merged + "
        f"{r.rejected} rejected" + ("" if r.balanced else f" ({r.unaccounted} unaccounted)")
        for r in flow.itertuples()))
    monthly = pd.read_parquet(out / OUTPUTS[2])
    neg = (monthly[["events", "detainees"]] < 0).any().any()
    add("protests_monthly_nonnegative", not neg, f"{len(monthly)} region-months")
    return pd.DataFrame(results, columns=["stage", "check", "status", "detail"])

"""The tidy instability panel: every reader's rows in one long table."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from ..config import paths as _paths
from ..errors import InputError
from ..sources import raw_path
from .acled import read_acled
from .cbr import read_cbr
from .epu import read_epu
from .gpr import read_gpr
from .layout import PANEL_COLUMNS, rows
from .levada import read_levada
from .mvd import read_mvd
from .protests import protests_monthly, read_protests
from .schema import validate_panel
from .ucdp import read_ucdp
from .vdem import read_vdem_demspaces, read_vdem_ert
from .wgi import read_wgi
from .wui import read_wui

#: manifest id of a raw file -> the reader of its panel rows.
READERS = {
    "wgi": read_wgi,
    "vdem_ert": read_vdem_ert,
    "vdem_demspaces": read_vdem_demspaces,
    "epu_russia": read_epu,
    "gpr": read_gpr,
    "wui": read_wui,
    "levada_approval": partial(read_levada, kind="approval"),
    "levada_direction": partial(read_levada, kind="direction"),
    "cbr_usdrub": read_cbr,
    "acled_russia_monthly": read_acled,
    "ucdp_acd": read_ucdp,
    "mvd_crime_monthly": read_mvd,
}


def promised_indicators(source: str, rows_read: pd.DataFrame, file) -> pd.DataFrame:
    """Return ``rows_read`` when it holds every indicator the codebook lists for ``source``.

    A source that yields no row for an indicator its codebook entry promises (e.g. a
    header-only CSV, or a sheet whose values are all missing) is an
    :class:`~repstats.errors.InputError` naming the file: never a silently shorter panel.
    """
    from .codebook import codebook

    book = codebook()
    promised = book.loc[book["source"] == source, "indicator"].tolist()
    have = set(rows_read.loc[rows_read["value"].notna(), "indicator"])
    absent = [i for i in promised if i not in have]
    if absent:
        raise InputError(f"source {source} yields no values for {absent}, which the "
                         f"codebook promises ({len(rows_read)} rows read)", file=str(file),
                         expected=f"rows for {promised}")
    return rows_read


def protest_rows(protests) -> pd.DataFrame:
    """Panel rows for Moscow protest events and detainees from :func:`read_protests`.

    ``ovdinfo_moscow_detainees`` has ``low``/``high`` = the monthly sum using the lower /
    higher count where the two 2011-12 lists disagree.
    """
    m = protests_monthly(protests.events, by_region=True)
    m = m[m["region"] == "RU-MOW"]
    return pd.concat([
        rows("ovdinfo_moscow_events", m["period"], m["events"], freq="M"),
        rows("ovdinfo_moscow_detainees", m["period"], m["detainees"], freq="M",
             low=m["detainees_low"], high=m["detainees_high"]),
    ], ignore_index=True)


def panel(raw_dir=None, sources=None) -> pd.DataFrame:
    """Read every instability source and return the validated tidy panel.

    Parameters
    ----------
    raw_dir : path-like, optional
        Folder with the raw files in the manifest layout (e.g. the mirror
        ``../shared/data``); default ``paths().raw``.
    sources : list of str, optional
        Manifest ids to read (keys of :data:`READERS` plus "ovdinfo"); default all.

    Returns
    -------
    DataFrame
        ``indicator``, ``country`` (ISO3), ``period`` (pandas Period of ``freq``),
        ``freq`` ("Y", "Q", "M"), ``value``, ``low``/``high`` (uncertainty band where
        the source gives one: WGI est -/+ 1.96 SE, V-Dem code bands, OVD-Info list
        disagreement; else missing), ``unit``, ``direction`` (+1 higher = more
        instability or stress, -1 otherwise), ``source`` (manifest id), ``flag`` (""
        or e.g. "carried_forward", "coverage_drop", "few_days", "censored"). One row per
        indicator, country and period; missing values are absent rows. See
        :func:`repstats.instability.codebook` for every indicator.

    Raises
    ------
    InputError
        A raw file is missing, its layout differs (names file, sheet and column), or it
        yields no values for an indicator the codebook promises from it.
    ValidationError
        The assembled panel fails :data:`repstats.instability.schema.PANEL_SCHEMA`.
    """
    raw = Path(raw_dir) if raw_dir is not None else _paths().raw
    wanted = list(READERS) + ["ovdinfo"] if sources is None else list(sources)
    unknown = sorted(set(wanted) - set(READERS) - {"ovdinfo"})
    if unknown:
        raise ValueError(f"unknown sources {unknown}; known: {sorted(READERS)} + ['ovdinfo']")
    parts = [promised_indicators(s, READERS[s](raw_path(s, raw))[PANEL_COLUMNS],
                                 raw_path(s, raw)) for s in wanted if s in READERS]
    if "ovdinfo" in wanted:
        parts.append(protest_rows(read_protests(raw)))
    out = pd.concat(parts, ignore_index=True)
    out["flag"] = out["flag"].fillna("").astype(str)
    for c in ("indicator", "country", "freq", "unit", "source"):
        out[c] = out[c].astype(str)
    out["direction"] = out["direction"].astype("int64")
    out["period"] = out["period"].astype(object)  # one dtype whatever the freqs read
    out = out.sort_values(["indicator", "country", "period"], key=_sort_key) \
        .reset_index(drop=True)
    return validate_panel(out)


def _sort_key(col: pd.Series) -> pd.Series:
    if col.name == "period":
        return col.map(lambda p: p.start_time)
    return col

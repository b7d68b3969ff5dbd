"""UCDP/PRIO Armed Conflict Dataset: conflict-years with a given state as a party."""
from __future__ import annotations

import pandas as pd

from .layout import (
    check_range, existing_file, read_csv_text, require_columns, rows, to_number)

#: Gleditsch-Ward number of Russia (the Soviet Union before 1992).
GW_RUSSIA = 365
PARTY_COLUMNS = ["gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"]
UCDP_COLUMNS = ["conflict_id", "location", "side_a", "side_b", "year", "intensity_level",
                "type_of_conflict", "gwno_loc", *PARTY_COLUMNS]


def _lists(cell: pd.Series, code: int) -> pd.Series:
    """True where a comma-separated list of GW numbers contains ``code``."""
    return cell.fillna("").astype(str).str.split(",").map(
        lambda items: str(code) in [i.strip() for i in items])


def ucdp_conflict_years(path, gwno: int = GW_RUSSIA) -> pd.DataFrame:
    """Conflict-years in which state ``gwno`` is a primary or secondary party.

    Parameters
    ----------
    path : path-like
        ``ucdp-prio-acd-201.csv`` (one row per conflict-year; ``gwno_*`` cells hold
        comma-separated Gleditsch-Ward numbers).
    gwno : int
        Gleditsch-Ward number (365 = Russia).

    Returns
    -------
    DataFrame
        ``conflict_id``, ``year``, ``location``, ``side_a``, ``side_b``,
        ``intensity_level`` (1 minor, 2 war), ``type_of_conflict`` (1 extrasystemic,
        2 interstate, 3 internal, 4 internationalised internal), ``role`` ("primary_a",
        "secondary_a", "primary_b", "secondary_b"; the first that applies),
        ``domestic`` (primary side A and ``gwno_loc`` includes the state).

    Raises
    ------
    InputError
        Missing columns, a year outside 1946-2100 or an intensity outside 1-2.
    """
    p = existing_file(path, "UCDP/PRIO ACD")
    df = read_csv_text(p, what="UCDP/PRIO ACD")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, UCDP_COLUMNS, file=p)
    year = to_number(df["year"], file=p, column="year", allow_missing=False)
    check_range(year, 1946, 2100, file=p, column="year")
    intensity = to_number(df["intensity_level"], file=p, column="intensity_level",
                          allow_missing=False)
    check_range(intensity, 1, 2, file=p, column="intensity_level")
    roles = pd.DataFrame({c: _lists(df[c], gwno) for c in PARTY_COLUMNS})
    party = roles.any(axis=1)
    role = pd.Series(pd.NA, index=df.index, dtype="string")
    for c, label in zip(reversed(PARTY_COLUMNS),
                        ["secondary_b", "primary_b", "secondary_a", "primary_a"]):
        role = role.mask(roles[c], label)
    out = pd.DataFrame({
        "conflict_id": df["conflict_id"], "year": year.astype("int64"),
        "location": df["location"], "side_a": df["side_a"], "side_b": df["side_b"],
        "intensity_level": intensity.astype("int64"),
        "type_of_conflict": pd.to_numeric(df["type_of_conflict"], errors="coerce")
        .astype("Int64"),
        "role": role, "domestic": roles["gwno_a"] & _lists(df["gwno_loc"], gwno),
    })
    out = out[party.to_numpy()].sort_values(["year", "conflict_id"]).reset_index(drop=True)
    out.attrs["years"] = (int(year.min()), int(year.max()))
    return out


def read_ucdp(path, gwno: int = GW_RUSSIA, country: str = "RUS") -> pd.DataFrame:
    """Yearly conflict indicators for one state, over every year the dataset covers.

    Returns
    -------
    DataFrame
        Panel columns for ``ucdp_conflicts`` (conflicts with the state as any party),
        ``ucdp_domestic_conflicts`` (government as primary side A, fought on its own
        territory) and ``ucdp_max_intensity`` (0 none, 1 minor, 2 war), yearly from the
        dataset's first to last year; years without a conflict are 0.

    Raises
    ------
    InputError
        See :func:`ucdp_conflict_years`.
    """
    cy = ucdp_conflict_years(path, gwno)
    first, last = cy.attrs["years"]
    years = pd.RangeIndex(first, last + 1)
    g = cy.groupby("year")
    total = g["conflict_id"].nunique().reindex(years, fill_value=0)
    domestic = cy[cy["domestic"]].groupby("year")["conflict_id"].nunique() \
        .reindex(years, fill_value=0)
    intensity = g["intensity_level"].max().reindex(years, fill_value=0)
    labels = [str(y) for y in years]
    return pd.concat([rows("ucdp_conflicts", labels, total, freq="Y", country=country),
                      rows("ucdp_domestic_conflicts", labels, domestic, freq="Y",
                           country=country),
                      rows("ucdp_max_intensity", labels, intensity, freq="Y",
                           country=country)], ignore_index=True)

"""V-Dem: Episodes of Regime Transformation (ERT v15) and the demspaces indices (v14)."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .layout import existing_file, read_csv_text, require_columns, rows, to_number

#: demspaces column -> panel indicator.
DEMSPACES_COLUMNS = {
    "v2xcs_ccsi": "vdem_civil_society",
    "v2x_freexp_altinf": "vdem_free_expression",
    "v2xcl_rol": "vdem_rule_of_law",
    "v2x_veracc_osp": "vdem_vertical_accountability",
    "v2x_horacc_osp": "vdem_horizontal_accountability",
    "v2x_pubcorr": "vdem_public_corruption_reversed",
}


def _country_rows(path, country: str, columns, what: str) -> tuple[pd.DataFrame, list]:
    p = existing_file(path, what)
    df = read_csv_text(p, what=what)
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, ["country_text_id", "year", *columns], file=p)
    sub = df[df["country_text_id"].str.strip() == country]
    if sub.empty:
        raise InputError(f"country {country!r} not found", file=str(p),
                         column="country_text_id")
    lines = (sub.index + 2).tolist()
    year = to_number(sub["year"], file=p, column="year", allow_missing=False)
    if year.duplicated().any():
        dup = year[year.duplicated()].iloc[0]
        raise InputError(f"duplicated year {int(dup)} for {country}", file=str(p),
                         column="year", expected="one row per country-year")
    sub = sub.assign(year=year.astype("int64").to_numpy())
    return sub.reset_index(drop=True), lines


def _numeric(sub, column, lo, hi, p, lines):
    values = to_number(sub[column], file=p, column=column)
    bad = values.notna() & ((values < lo) | (values > hi))
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"implausible value {values.iloc[pos]!r}", file=str(p),
                         row=lines[pos], column=column, expected=f"values in [{lo}, {hi}]")
    return values


def read_vdem_ert(path, country: str = "RUS") -> pd.DataFrame:
    """Read V-Dem ERT: electoral democracy with its bands, regime type, autocratisation.

    Parameters
    ----------
    path : path-like
        ``ert_v15.csv`` (one row per country-year).
    country : str
        ``country_text_id`` (ISO3-like V-Dem code; ``RUS`` for Russia).

    Returns
    -------
    DataFrame
        Panel columns (see :data:`repstats.instability.layout.PANEL_COLUMNS`) for
        ``vdem_polyarchy`` (``low``/``high`` = ``v2x_polyarchy_codelow``/``_codehigh``),
        ``vdem_regime`` (``v2x_regime``, 0-3) and ``vdem_autocratization_episode``
        (``aut_ep``, 0/1; ``flag`` "censored" when ``aut_ep_censored`` is 1), yearly.
        Country-years with a missing value are omitted.

    Raises
    ------
    InputError
        Missing columns, unknown country, duplicated years, non-numeric cells, values
        outside [0, 1] (index, bands, episode) or [0, 3] (regime), or a band that does not
        contain its estimate.
    """
    cols = ["v2x_polyarchy", "v2x_polyarchy_codelow", "v2x_polyarchy_codehigh", "v2x_regime",
            "aut_ep", "aut_ep_censored"]
    p = existing_file(path, "V-Dem ERT")
    sub, lines = _country_rows(p, country, cols, "V-Dem ERT")
    est = _numeric(sub, "v2x_polyarchy", 0, 1, p, lines)
    lo = _numeric(sub, "v2x_polyarchy_codelow", 0, 1, p, lines)
    hi = _numeric(sub, "v2x_polyarchy_codehigh", 0, 1, p, lines)
    outside = est.notna() & ((lo > est + 1e-9) | (hi < est - 1e-9))
    if outside.any():
        pos = int(outside.to_numpy().nonzero()[0][0])
        raise InputError("estimate outside its code band", file=str(p), row=lines[pos],
                         column="v2x_polyarchy", expected="codelow <= estimate <= codehigh")
    regime = _numeric(sub, "v2x_regime", 0, 3, p, lines)
    episode = _numeric(sub, "aut_ep", 0, 1, p, lines)
    censored = _numeric(sub, "aut_ep_censored", 0, 1, p, lines)
    year = sub["year"].astype(str)
    parts = []
    k = est.notna()
    parts.append(rows("vdem_polyarchy", year[k], est[k], freq="Y", country=country,
                      low=lo[k], high=hi[k]))
    k = regime.notna()
    parts.append(rows("vdem_regime", year[k], regime[k], freq="Y", country=country))
    k = episode.notna()
    flag = censored[k].eq(1) & episode[k].eq(1)
    parts.append(rows("vdem_autocratization_episode", year[k], episode[k], freq="Y",
                      country=country, flag=flag.map({True: "censored", False: ""})))
    return pd.concat(parts, ignore_index=True)


def read_vdem_demspaces(path, country: str = "RUS") -> pd.DataFrame:
    """Read the V-Dem indices kept by the demspaces project (civil society, expression ...).

    Parameters
    ----------
    path : path-like
        ``demspaces_dv_data_1968_on.csv`` (one row per country-year, columns ``gwcode``,
        ``year``, ``country_name``, ``country_id``, ``country_text_id`` and the indices).
    country : str
        ``country_text_id``.

    Returns
    -------
    DataFrame
        Panel columns for the indicators in :data:`DEMSPACES_COLUMNS`, yearly; ``low`` and
        ``high`` are missing (the file has no bands). Missing values are omitted.

    Raises
    ------
    InputError
        Missing columns, unknown country, duplicated years, non-numeric cells or values
        outside [0, 1].
    """
    p = existing_file(path, "V-Dem demspaces")
    sub, lines = _country_rows(p, country, list(DEMSPACES_COLUMNS), "V-Dem demspaces")
    year = sub["year"].astype(str)
    parts = []
    for column, indicator in DEMSPACES_COLUMNS.items():
        values = _numeric(sub, column, 0, 1, p, lines)
        k = values.notna()
        parts.append(rows(indicator, year[k], values[k], freq="Y", country=country))
    return pd.concat(parts, ignore_index=True)

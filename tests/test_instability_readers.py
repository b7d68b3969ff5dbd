"""Instability readers on small inputs built in code: footnotes, gaps, duplicates,
carried-forward months and layouts that must fail with InputError naming where."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repstats.instability as inst
from repstats.errors import InputError
from repstats.instability.cbr import cbr_monthly, read_cbr_daily
from repstats.instability.ucdp import ucdp_conflict_years


def _xlsx(path, sheets: dict) -> str:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name, index=False)
    return str(path)


def _epu_frame(values=(100.0, 150.0, 200.0), months=(1, 2, 3), footnote=True):
    df = pd.DataFrame({"Year": [2022] * len(values), "Month": list(months),
                       "News-Based Policy Uncertainty Index": list(values)})
    if footnote:
        df = pd.concat([df, pd.DataFrame({"Year": ["Source: 'Measuring EPU' ..."]})],
                       ignore_index=True)
    return df


# --- EPU --------------------------------------------------------------------------------

def test_epu_footnote_dropped(tmp_path):
    f = _xlsx(tmp_path / "epu.xlsx", {"Russian News-Based Index": _epu_frame()})
    df = inst.read_epu(f)
    assert df["value"].tolist() == [100.0, 150.0, 200.0]
    assert df["period"].astype(str).tolist() == ["2022-01", "2022-02", "2022-03"]


def test_epu_missing_month_is_absent_not_filled(tmp_path):
    f = _xlsx(tmp_path / "epu.xlsx",
              {"Russian News-Based Index": _epu_frame((1.0, 3.0), (1, 3))})
    df = inst.read_epu(f)
    assert df["period"].astype(str).tolist() == ["2022-01", "2022-03"]
    y = inst.to_yearly(df)
    assert y.loc[0, "n_obs"] == 2 and y.loc[0, "n_expected"] == 12
    assert np.isnan(y.loc[0, "value"]) and y.loc[0, "flag"] == "low_coverage"


def test_epu_duplicated_month(tmp_path):
    f = _xlsx(tmp_path / "epu.xlsx",
              {"Russian News-Based Index": _epu_frame((1.0, 2.0), (2, 2))})
    with pytest.raises(InputError, match="duplicated") as e:
        inst.read_epu(f)
    assert e.value.sheet == "Russian News-Based Index" and e.value.column == "Year/Month"


def test_epu_text_between_rows(tmp_path):
    df = _epu_frame(footnote=False)
    df = pd.concat([df.iloc[:1], pd.DataFrame({"Year": ["note"]}), df.iloc[1:]],
                   ignore_index=True)
    f = _xlsx(tmp_path / "epu.xlsx", {"Russian News-Based Index": df})
    with pytest.raises(InputError, match="between data rows") as e:
        inst.read_epu(f)
    assert e.value.row == 3 and e.value.column == "Year"


def test_epu_wrong_layout_names_file_sheet_column(tmp_path):
    df = _epu_frame().rename(columns={"News-Based Policy Uncertainty Index": "EPU"})
    f = _xlsx(tmp_path / "epu.xlsx", {"Russian News-Based Index": df})
    with pytest.raises(InputError) as e:
        inst.read_epu(f)
    msg = str(e.value)
    assert "epu.xlsx" in msg and "'Russian News-Based Index'" in msg
    assert e.value.column == "News-Based Policy Uncertainty Index"


def test_epu_missing_sheet(tmp_path):
    f = _xlsx(tmp_path / "epu.xlsx", {"Sheet1": _epu_frame()})
    with pytest.raises(InputError, match="sheet") as e:
        inst.read_epu(f)
    assert e.value.sheet == "Russian News-Based Index" and e.value.file.endswith("epu.xlsx")


def test_epu_implausible_value(tmp_path):
    f = _xlsx(tmp_path / "epu.xlsx",
              {"Russian News-Based Index": _epu_frame((1.0, -5.0, 2.0))})
    with pytest.raises(InputError, match="implausible") as e:
        inst.read_epu(f)
    assert e.value.row == 3


# --- GPR and WUI ------------------------------------------------------------------------

def test_gpr_reads_country_columns_and_fails_without_them(tmp_path):
    months = pd.date_range("2022-01-01", periods=3, freq="MS")
    good = pd.DataFrame({"month": months, "GPR": [1, 2, 3], "GPRC_RUS": [np.nan, 2.5, 8.8],
                         "GPRHC_RUS": [1.0, 2.0, 3.0]})
    df = inst.read_gpr(_xlsx(tmp_path / "g.xlsx", {"Sheet1": good}))
    rc = df[df["indicator"] == "gpr_country"]
    assert rc["period"].astype(str).tolist() == ["2022-02", "2022-03"]  # blank start omitted
    bad = good.drop(columns="GPRHC_RUS")
    with pytest.raises(InputError) as e:
        inst.read_gpr(_xlsx(tmp_path / "g2.xlsx", {"Sheet1": bad}))
    assert e.value.column == "GPRHC_RUS" and e.value.sheet == "Sheet1"


def _wui_sheet(values):
    return pd.DataFrame({"year": ["2021q4", "2022q1", "2022q2"], "RUS": values,
                         "USA": [0.1, 0.2, 0.3]})


def test_wui_raw_and_smoothed(tmp_path):
    f = _xlsx(tmp_path / "w.xlsx", {"T2": _wui_sheet([0.3, np.nan, 0.6]),
                                    "T6": _wui_sheet([0.1, 0.1, 0.2])})
    df = inst.read_wui(f)
    raw = df[df["indicator"] == "wui"]
    assert raw["period"].astype(str).tolist() == ["2021Q4", "2022Q2"]
    assert (df["freq"] == "Q").all()


def test_wui_missing_sheet_and_bad_quarter(tmp_path):
    f = _xlsx(tmp_path / "w.xlsx", {"T2": _wui_sheet([0.3, 0.4, 0.6])})
    with pytest.raises(InputError) as e:
        inst.read_wui(f)
    assert e.value.sheet == "T6"
    bad = _wui_sheet([0.3, 0.4, 0.6]).assign(year=["2021q4", "2022-1", "2022q2"])
    f = _xlsx(tmp_path / "w2.xlsx", {"T2": bad, "T6": bad})
    with pytest.raises(InputError, match="quarter") as e:
        inst.read_wui(f)
    assert (e.value.sheet, e.value.column, e.value.row) == ("T2", "year", 3)


# --- WGI and V-Dem ------------------------------------------------------------------------

def _wgi_csv(path, drop=None, pv_2000="-1.2"):
    header = '"Country Name","Country Code","Indicator Name","Indicator Code","1998","2000",'
    lines = [header]
    for code in ("PV", "VA", "GE", "RQ", "RL", "CC"):
        for suffix, vals in (("EST", ["-1.0", pv_2000 if code == "PV" else "0.1"]),
                             ("STD.ERR", ["0.3", "0.2"])):
            full = f"{code}.{suffix}"
            if full == drop:
                continue
            lines.append(f'"Russian Federation","RUS","x","{full}",' +
                         ",".join(f'"{v}"' for v in vals) + ",")
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_wgi_band_rule(tmp_path):
    df = inst.read_wgi(_wgi_csv(tmp_path / "w.csv"))
    r = df[(df["indicator"] == "wgi_pv") & (df["period"].astype(str) == "2000")].iloc[0]
    assert (r["low"], r["value"], r["high"]) == pytest.approx((-1.2 - 0.392, -1.2,
                                                               -1.2 + 0.392))


def test_wgi_missing_standard_error_row(tmp_path):
    with pytest.raises(InputError, match="0 rows for RUS PV.STD.ERR") as e:
        inst.read_wgi(_wgi_csv(tmp_path / "w.csv", drop="PV.STD.ERR"))
    assert e.value.column == "Indicator Code" and e.value.file.endswith("w.csv")


def test_wgi_implausible_estimate(tmp_path):
    with pytest.raises(InputError, match="implausible") as e:
        inst.read_wgi(_wgi_csv(tmp_path / "w.csv", pv_2000="9"))
    assert e.value.column == "2000"


def test_vdem_band_must_contain_estimate(tmp_path):
    f = tmp_path / "ert.csv"
    pd.DataFrame({"country_text_id": ["RUS"], "year": [2020], "v2x_polyarchy": [0.3],
                  "v2x_polyarchy_codelow": [0.31], "v2x_polyarchy_codehigh": [0.4],
                  "v2x_regime": [1], "aut_ep": [0], "aut_ep_censored": [0]}).to_csv(f,
                                                                                  index=False)
    with pytest.raises(InputError, match="band") as e:
        inst.read_vdem_ert(f)
    assert e.value.row == 2 and e.value.column == "v2x_polyarchy"


# --- Levada -------------------------------------------------------------------------------

def _levada(path, rows):
    pd.DataFrame(rows, columns=["Date", "Approve", "Disapprove", "No_answer"]).to_csv(
        path, index=False)
    return path


def test_levada_carried_forward_only_for_consecutive_repeats(tmp_path):
    f = _levada(tmp_path / "a.csv", [
        ("2020-01-01", 60, 30, 10), ("2020-02-01", 60, 30, 10),  # repeat -> flagged
        ("2020-03-01", 61, 30, 9), ("2020-05-01", 61, 30, 9),    # after a gap -> not
        ("2020-06-01", 61, 31, 8)])                              # one share differs
    df = inst.read_levada(f, "approval")
    flags = df[df["indicator"] == "levada_approve"].set_index("period")["flag"]
    assert flags.astype(str).tolist() == ["", "carried_forward", "", "", ""]
    y = inst.to_yearly(df[df["indicator"] == "levada_approve"], min_coverage=0.25)
    assert y.loc[0, "n_obs"] == 4  # the carried-forward month is left out


def test_levada_unsorted_input_is_sorted(tmp_path):
    f = _levada(tmp_path / "a.csv", [("2020-02-01", 60, 30, 10), ("2020-01-01", 60, 30, 10)])
    df = inst.read_levada(f, "approval")
    ap = df[df["indicator"] == "levada_approve"]
    assert ap["period"].astype(str).tolist() == ["2020-01", "2020-02"]
    assert ap["flag"].tolist() == ["", "carried_forward"]


def test_levada_duplicated_date_and_bad_sum(tmp_path):
    f = _levada(tmp_path / "a.csv", [("2020-01-01", 60, 30, 10), ("2020-01-01", 61, 30, 9)])
    with pytest.raises(InputError, match="duplicated") as e:
        inst.read_levada(f, "approval")
    assert e.value.column == "Date" and e.value.row == 3
    f = _levada(tmp_path / "b.csv", [("2020-01-01", 60, 60, 10)])
    with pytest.raises(InputError, match="sum to 130"):
        inst.read_levada(f, "approval")
    with pytest.raises(ValueError, match="kind"):
        inst.read_levada(f, "trust")


def test_levada_wrong_layout(tmp_path):
    f = tmp_path / "d.csv"
    pd.DataFrame({"Date": ["2020-01-01"], "Right": [50], "Wrong": [40]}).to_csv(f, index=False)
    with pytest.raises(InputError) as e:
        inst.read_levada(f, "direction")
    assert e.value.column == "In the right direction" and e.value.file.endswith("d.csv")


# --- CBR ----------------------------------------------------------------------------------

def _cbr(path, lines):
    path.write_text("date,rate\n" + "\n".join(lines) + "\n")
    return path


def test_cbr_blanks_duplicates_and_monthly_stats(tmp_path):
    f = _cbr(tmp_path / "c.csv", [
        "03/02/2022,110.0", "03/01/2022,100.0",                # newest first
        "02/03/2022,", "02/02/2022,80.0", "02/02/2022,80.0",   # blank and exact duplicate
        "02/01/2022,78.0", "01/31/2022,77.0", "12/30/2021,70.0"])
    daily = read_cbr_daily(f)
    assert daily["date"].is_monotonic_increasing and len(daily) == 6
    m = cbr_monthly(daily)
    m.index = m["period"].astype(str)
    assert m.loc["2022-02", "mean"] == pytest.approx(79.0)
    assert m.loc["2022-02", "n_days"] == 2
    assert m.loc["2022-02", "change_pct"] == pytest.approx(100 * (79 / 77 - 1))
    assert m.loc["2022-01", "change_pct"] == pytest.approx(10.0)  # 77 on 70
    assert np.isnan(m.loc["2021-12", "change_pct"])     # November absent
    r = np.log([78 / 77, 80 / 78])
    assert m.loc["2022-02", "volatility"] == pytest.approx(np.std(r, ddof=1))
    assert np.isnan(m.loc["2021-12", "volatility"])      # no return yet


def test_cbr_change_missing_after_gap(tmp_path):
    f = _cbr(tmp_path / "c.csv", ["03/01/2022,100.0", "01/31/2022,77.0"])
    m = cbr_monthly(read_cbr_daily(f))
    assert np.isnan(m.loc[m["period"].astype(str) == "2022-03", "change_pct"]).all()


def test_cbr_conflicting_duplicate_and_bad_date(tmp_path):
    f = _cbr(tmp_path / "c.csv", ["02/02/2022,80.0", "02/02/2022,81.0"])
    with pytest.raises(InputError, match="different rates") as e:
        read_cbr_daily(f)
    assert e.value.column == "rate"
    f = _cbr(tmp_path / "d.csv", ["2022-02-02,80.0"])
    with pytest.raises(InputError, match="MM/DD/YYYY") as e:
        read_cbr_daily(f)
    assert (e.value.column, e.value.row) == ("date", 2)


# --- ACLED and UCDP ---------------------------------------------------------------------------

def test_acled_missing_month_filled_and_duplicates(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("month,n_events_union\n2022-01,5\n2022-03,7\n")
    df = inst.read_acled(f)
    assert df["value"].tolist() == [5, 0, 7]
    assert df["flag"].tolist() == ["", "filled_zero", "coverage_drop"]
    f.write_text("month,n_events_union\n2022-01,5\n2022-01,7\n")
    with pytest.raises(InputError, match="duplicated"):
        inst.read_acled(f)
    f.write_text("month,events\n2022-01,5\n")
    with pytest.raises(InputError) as e:
        inst.read_acled(f)
    assert e.value.column == "n_events_union"


def test_ucdp_party_lists(tmp_path):
    cols = ["conflict_id", "location", "side_a", "side_b", "year", "intensity_level",
            "type_of_conflict", "gwno_loc", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"]
    rows = [
        (1, "Russia", "Gov RU", "Rebels", 2000, 2, 3, "365", "365", "", "", ""),
        (2, "Syria", "Gov SY", "IS", 2000, 1, 4, "652", "652", "365, 2", "", ""),
        (3, "Elsewhere", "Gov X", "Gov Y", 2000, 1, 2, "700", "700", "", "710", ""),
        (3, "Elsewhere", "Gov X", "Gov Y", 2002, 1, 2, "700", "700", "", "710", "3650"),
    ]
    f = tmp_path / "u.csv"
    pd.DataFrame(rows, columns=cols).to_csv(f, index=False)
    cy = ucdp_conflict_years(f)
    assert cy["conflict_id"].tolist() == ["1", "2"]          # "3650" is not 365
    assert cy["role"].tolist() == ["primary_a", "secondary_a"]
    df = inst.read_ucdp(f)
    v = df.assign(p=df["period"].astype(str)).set_index(["indicator", "p"])["value"]
    assert v["ucdp_conflicts", "2000"] == 2 and v["ucdp_domestic_conflicts", "2000"] == 1
    assert v["ucdp_conflicts", "2001"] == 0 and v["ucdp_max_intensity", "2002"] == 0

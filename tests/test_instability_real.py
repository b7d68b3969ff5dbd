"""Instability readers on the real files (mirror), against values read by hand in the raw
files (WGIData.csv rows 5774/5779, the EPU sheet, GPR/WUI cells, Levada and CBR lines)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repstats.instability as inst
from repstats.instability.cbr import read_cbr_daily

I = "instability"


def _one(df, indicator, period):
    sub = df[(df["indicator"] == indicator) & (df["period"].astype(str) == period)]
    assert len(sub) == 1, (indicator, period, len(sub))
    return sub.iloc[0]


@pytest.fixture(scope="module")
def full_panel(built):
    """``inst.panel`` of every source of the mirror, as the run's shared build computed it
    (the stage's build calls it on the mirror's raw files and writes it; read back here
    instead of reading every source a second time, ~2 CPU-s)."""
    from repstats.instability.stage import read_panel

    return read_panel(built.processed / "instability_panel.parquet")


@pytest.fixture(scope="module")
def wgi(mirror):
    """WGIData.csv read once for the tests below (tests only read it)."""
    return inst.read_wgi(mirror / I / "wgi/WGIData.csv")


@pytest.mark.parametrize("year,est,se", [
    ("1996", -1.17785394191742, 0.373912304639816),
    ("2012", -0.817712664604187, 0.21966552734375),
    ("2014", -0.943617463111877, 0.192247405648232),
    ("2022", -0.918995440006256, 0.233039766550064),
])
def test_wgi_pv_estimate_and_band(wgi, year, est, se):
    row = _one(wgi, "wgi_pv", year)
    assert row["value"] == pytest.approx(est, abs=1e-12)
    assert row["std_error"] == pytest.approx(se, abs=1e-12)
    assert row["low"] == pytest.approx(est - 1.96 * se)
    assert row["high"] == pytest.approx(est + 1.96 * se)
    assert row["direction"] == -1


def test_wgi_gap_years_absent(wgi):
    df = wgi
    years = set(df.loc[df["indicator"] == "wgi_pv", "period"].astype(str))
    assert {"1997", "1999", "2001"}.isdisjoint(years)
    assert len(years) == 24 and min(years) == "1996" and max(years) == "2022"
    assert set(df["indicator"]) == {"wgi_pv", "wgi_va", "wgi_ge", "wgi_rq", "wgi_rl",
                                    "wgi_cc"}


def test_vdem_ert_values_and_bands(mirror):
    df = inst.read_vdem_ert(mirror / I / "vdem/ert_v15.csv")
    r = _one(df, "vdem_polyarchy", "2012")
    assert (r["value"], r["low"], r["high"]) == pytest.approx((0.28, 0.251, 0.309))
    r = _one(df, "vdem_polyarchy", "2024")
    assert (r["value"], r["low"], r["high"]) == pytest.approx((0.172, 0.157, 0.182))
    assert _one(df, "vdem_regime", "1990")["value"] == 0
    assert _one(df, "vdem_regime", "1991")["value"] == 1
    ep = df[df["indicator"] == "vdem_autocratization_episode"].set_index(
        df.loc[df["indicator"] == "vdem_autocratization_episode", "period"].astype(str))
    assert ep.loc["1992", "value"] == 0 and ep.loc["1993", "value"] == 1
    assert ep.loc["2012", "value"] == 1 and ep.loc["2013", "value"] == 0


def test_vdem_demspaces_2022(mirror):
    df = inst.read_vdem_demspaces(mirror / I / "vdem/demspaces_dv_data_1968_on.csv")
    assert _one(df, "vdem_civil_society", "2022")["value"] == pytest.approx(0.127)
    assert _one(df, "vdem_free_expression", "2022")["value"] == pytest.approx(0.153)
    assert _one(df, "vdem_rule_of_law", "2022")["value"] == pytest.approx(0.318)
    assert df["low"].isna().all()


def test_epu_february_april_2022_and_footnote(mirror):
    df = inst.read_epu(mirror / I / "epu/Russia_Policy_Uncertainty_Data.xlsx")
    assert _one(df, "epu_news", "2022-02")["value"] == pytest.approx(702.574904, abs=1e-6)
    assert _one(df, "epu_news", "2022-04")["value"] == pytest.approx(964.140708, abs=1e-6)
    assert str(df["period"].min()) == "1994-01" and str(df["period"].max()) == "2026-01"
    assert len(df) == 385  # every month 1994-01..2026-01, footnote row dropped


def test_gpr_russia_march_2022(mirror):
    df = inst.read_gpr(mirror / I / "gpr/data_gpr_export.xls")
    assert _one(df, "gpr_country", "2022-03")["value"] == pytest.approx(8.801155, abs=1e-6)
    assert _one(df, "gpr_country_historical", "2022-03")["value"] == pytest.approx(
        5.584063, abs=1e-6)
    assert str(df.loc[df["indicator"] == "gpr_country", "period"].min()) == "1985-01"


def test_wui_quarters_and_published_smoothing(mirror):
    df = inst.read_wui(mirror / I / "wui/WUI_Data.xlsx")
    assert _one(df, "wui", "2022Q1")["value"] == pytest.approx(0.221887, abs=1e-6)
    assert _one(df, "wui", "2022Q2")["value"] == pytest.approx(0.289639, abs=1e-6)
    assert _one(df, "wui_smoothed", "2022Q2")["value"] == pytest.approx(0.0824067, abs=1e-7)
    # T6 follows the formula stated in sheet T0: (0.6 x_t + 0.3 x_t-1 + 0.1 x_t-2) / 3
    raw = df[df["indicator"] == "wui"].set_index("period")["value"]
    smooth = df[df["indicator"] == "wui_smoothed"].set_index("period")["value"]
    calc = (0.6 * raw + 0.3 * raw.shift(1) + 0.1 * raw.shift(2)) / 3
    assert np.allclose(calc.reindex(smooth.index), smooth, atol=1e-6)


def test_levada_months_and_carried_forward(mirror):
    ap = inst.read_levada(mirror / I / "levada/Levada_putin_approval_monthly.csv", "approval")
    assert _one(ap, "levada_approve", "2022-02")["value"] == 71
    assert _one(ap, "levada_approve", "2022-03")["value"] == 83
    assert _one(ap, "levada_disapprove", "2022-03")["value"] == 15
    # 2024-07 repeats 2024-06 (87, 11, 2) exactly; 2024-08 (85, 12, 4) does not
    assert _one(ap, "levada_approve", "2024-07")["flag"] == "carried_forward"
    assert _one(ap, "levada_approve", "2024-08")["flag"] == ""
    assert (ap.loc[ap["indicator"] == "levada_approve", "flag"] == "carried_forward").sum() == 20
    di = inst.read_levada(mirror / I / "levada/Levada_country_direction_monthly.csv",
                          "direction")
    assert _one(di, "levada_right_direction", "2022-03")["value"] == 69
    assert _one(di, "levada_wrong_track", "2022-03")["value"] == 22
    assert _one(di, "levada_right_direction", "2012-07")["flag"] == "carried_forward"
    # the last published month, 67 + 20 + 20 = 107, is flagged
    assert "shares_sum_off_100" in _one(di, "levada_right_direction", "2024-08")["flag"]


def test_cbr_february_2022_mean_by_hand(mirror):
    # 19 daily rows 02/01/2022..02/26/2022 in the file, summed by hand: mean 77.169374;
    # January 2022: 15 rows, mean 76.594747.
    df = inst.read_cbr(mirror / I / "cbr/usd_rub_cbr_daily.csv")
    feb = _one(df, "cbr_usdrub", "2022-02")
    assert feb["value"] == pytest.approx(77.169374, abs=1e-6)
    assert feb["n_days"] == 19
    assert _one(df, "cbr_usdrub", "2022-01")["value"] == pytest.approx(76.594747, abs=1e-6)
    assert _one(df, "cbr_usdrub_change", "2022-02")["value"] == pytest.approx(
        100 * (77.169374 / 76.594747 - 1), abs=1e-5)
    daily = read_cbr_daily(mirror / I / "cbr/usd_rub_cbr_daily.csv")
    # the first February return runs from the last January rate
    feb_days = daily[daily["date"] < "2022-03-01"].tail(19 + 1)
    assert feb_days["date"].iloc[0].month == 1
    manual = np.log(feb_days["rate"]).diff().iloc[1:].std(ddof=1)
    assert _one(df, "cbr_usdrub_volatility", "2022-02")["value"] == pytest.approx(manual)
    assert daily["date"].is_monotonic_increasing and len(daily) == 7350


def test_acled_counts_and_caveat_flag(mirror):
    df = inst.read_acled(mirror / I / "acled/acled_russia_monthly_counts.csv")
    assert _one(df, "acled_demonstrations", "2018-05")["value"] == 233
    last = _one(df, "acled_demonstrations", "2023-11")
    assert last["value"] == 9 and last["flag"] == "coverage_drop"
    assert _one(df, "acled_demonstrations", "2022-02")["flag"] == ""


def test_ucdp_years(mirror):
    df = inst.read_ucdp(mirror / I / "ucdp/ucdp-prio-acd-201.csv")
    assert _one(df, "ucdp_conflicts", "1992")["value"] == 0
    assert _one(df, "ucdp_domestic_conflicts", "2000")["value"] == 1  # Chechnya
    assert _one(df, "ucdp_max_intensity", "2000")["value"] == 2
    assert _one(df, "ucdp_conflicts", "2014")["value"] == 4  # Caucasus Emirate + 3 Ukraine
    assert _one(df, "ucdp_conflicts", "2015")["value"] == 5  # + IS in Russia, Syria x2 ...
    assert _one(df, "ucdp_domestic_conflicts", "2015")["value"] == 2
    assert str(df["period"].max()) == "2019"


def test_protests_merge_real_lists(mirror):
    res = inst.read_protests(mirror)
    assert res.rejects.empty
    ov = res.overlaps
    bolotnaya = ov[(ov["date"] == "2012-05-06") & (ov["detainees_report_data"] == 450)]
    assert len(bolotnaya) == 1 and bolotnaya.iloc[0]["detainees_list_2012"] == 449
    assert bolotnaya.iloc[0]["status"] == "match_count_conflict"
    # every record is kept once: 180 + 228 + 235 minus the report_data records matched
    matched = ov["status"].str.startswith("match").sum()
    assert len(res.events) == 180 + 228 + 235 - matched
    assert not res.events["event_id"].duplicated().any()
    m = inst.protests_monthly(res.events, by_region=True)
    mow = m[m["region"] == "RU-MOW"].set_index(m.loc[m["region"] == "RU-MOW", "period"]
                                              .astype(str))
    # counted by hand in detentions_2013.csv (region "Москва")
    assert (mow.loc["2013-01", "events"], mow.loc["2013-01", "detainees"]) == (17, 129)
    assert (mow.loc["2013-07", "events"], mow.loc["2013-07", "detainees"]) == (14, 263)
    assert (mow["detainees_low"] <= mow["detainees"]).all()
    assert (mow["detainees"] <= mow["detainees_high"]).all()


def test_full_panel_contract(full_panel):
    p = full_panel
    assert list(p.columns) == ["indicator", "country", "period", "freq", "value", "low",
                               "high", "unit", "direction", "source", "flag"]
    assert set(p["freq"]) == {"Y", "Q", "M"}
    assert all(isinstance(x, pd.Period) for x in p["period"].head(50))
    book = inst.codebook(full_panel)
    assert book["n_obs"].notna().all()  # every codebook indicator has data
    assert not p.duplicated(["indicator", "country", "period"]).any()


def test_panel_reads_the_protest_lists_as_the_build_stored_them(full_panel, mirror):
    """``panel()`` itself (its default sources add the OVD-Info protest lists, which the
    stage's build reads apart) gives the rows the build stored, sorted as it sorts."""
    own = inst.panel(mirror, sources=["ovdinfo"])
    assert len(own) and set(own["source"]) == {"ovdinfo"}
    stored = (full_panel[full_panel["source"] == "ovdinfo"]
              .sort_values(["indicator", "country", "period"]).reset_index(drop=True))
    pd.testing.assert_frame_equal(own.astype({"flag": object}),
                                  stored.astype({"flag": object}))

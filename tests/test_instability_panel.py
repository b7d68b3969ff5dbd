"""Panel schema, alignment, composite, codebook, events and the build stage."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import repstats.instability as inst
from repstats.config import paths
from repstats.errors import ValidationError
from repstats.instability import stage
from repstats.instability.events import EVENTS_FILE, build_events_data
from repstats.instability.layout import rows
from repstats.instability.schema import validate_panel


def _monthly(indicator, start, values, flags=None):
    periods = pd.period_range(start, periods=len(values), freq="M")
    return rows(indicator, periods, values, freq="M", flag=flags)


# --- schema --------------------------------------------------------------------------------

def test_schema_reports_every_failure():
    good = _monthly("epu_news", "2020-01", [1.0, 2.0])
    assert validate_panel(good) is not None
    bad = good.copy()
    bad.loc[0, "low"], bad.loc[0, "high"] = 5.0, 6.0        # band excludes the value
    bad.loc[1, "direction"] = 0                               # not +1/-1
    bad.loc[1, "country"] = "Russia"
    with pytest.raises(ValidationError) as e:
        validate_panel(bad)
    msg = str(e.value)
    assert "low <= value <= high" in msg and "direction" in msg and "country" in msg


def test_schema_rejects_period_of_wrong_freq_and_duplicates():
    p = _monthly("epu_news", "2020-01", [1.0, 2.0])
    p["freq"] = "Y"
    with pytest.raises(ValidationError, match="Period of the row's freq"):
        validate_panel(p)
    dup = pd.concat([_monthly("epu_news", "2020-01", [1.0])] * 2, ignore_index=True)
    with pytest.raises(ValidationError):
        validate_panel(dup)


# --- alignment -------------------------------------------------------------------------------

def test_to_yearly_rules_mean_sum_and_coverage():
    epu = _monthly("epu_news", "2020-01", list(range(1, 13)) + [5.0] * 9)  # 2021: 9 months
    acled = _monthly("acled_demonstrations", "2020-01", [1.0] * 12 + [2.0] * 11)
    y = inst.to_yearly(pd.concat([epu, acled], ignore_index=True))
    y.index = y["indicator"] + ":" + y["period"].astype(str)
    assert y.loc["epu_news:2020", "value"] == pytest.approx(6.5)       # mean
    assert y.loc["epu_news:2021", "value"] == 5.0                      # 9/12 >= 0.75
    assert y.loc["acled_demonstrations:2020", "value"] == 12           # sum
    assert np.isnan(y.loc["acled_demonstrations:2021", "value"])        # sums need all
    assert y.loc["acled_demonstrations:2021", "flag"] == "low_coverage"
    assert (y.loc["acled_demonstrations:2021", "n_obs"],
            y.loc["acled_demonstrations:2021", "n_expected"]) == (11, 12)
    strict = inst.to_yearly(epu, min_coverage=1.0)
    assert strict["value"].isna().tolist() == [False, True]
    with pytest.raises(ValueError, match="min_coverage"):
        inst.to_yearly(epu, min_coverage=0)


def test_to_yearly_does_not_mutate_and_rejects_unknown_indicator():
    epu = _monthly("epu_news", "2020-01", [1.0] * 12)
    before = epu.copy()
    inst.to_yearly(epu)
    pd.testing.assert_frame_equal(epu, before)
    with pytest.raises(ValueError, match="codebook"):
        inst.to_yearly(epu.assign(indicator="made_up"))


def test_to_monthly_expands_quarters_and_years():
    q = rows("wui", ["2020Q1"], [0.3], freq="Q")
    y = rows("wgi_pv", ["2020"], [-1.0], freq="Y", low=[-1.4], high=[-0.6])
    m = inst.to_monthly(pd.concat([q, y], ignore_index=True))
    assert (m["indicator"] == "wui").sum() == 3 and (m["indicator"] == "wgi_pv").sum() == 12
    assert set(m.loc[m["indicator"] == "wui", "flag"]) == {"expanded_from_Q"}
    assert (m.loc[m["indicator"] == "wgi_pv", "low"] == -1.4).all()
    assert m["period"].iloc[0].freqstr == "M"


# --- composite -------------------------------------------------------------------------------

def test_composite_aligns_directions_and_reports_components():
    years = [str(y) for y in range(2000, 2006)]
    up = np.arange(6.0)                      # EPU: +1 direction
    p = pd.concat([rows("wui", [f"{y}Q{q}" for y in years for q in range(1, 5)],
                        np.repeat(up, 4), freq="Q"),
                   rows("wgi_pv", years, -up, freq="Y")], ignore_index=True)
    c = inst.composite(p, ["wui", "wgi_pv"])
    comp = c[c["component"] == "composite"].set_index(c.loc[c["component"] == "composite",
                                                            "period"].astype(str))
    z = (up - up.mean()) / up.std(ddof=1)
    # a falling WGI (more instability) and a rising WUI agree exactly
    assert np.allclose(comp["value"], z)
    assert np.allclose(comp["high"] - comp["low"], 0)          # components agree
    assert (comp["n_components"] == 2).all()
    assert set(c["component"]) == {"wui", "wgi_pv", "composite"}


def test_composite_min_components_and_window():
    years = [str(y) for y in range(2000, 2006)]
    a = rows("wgi_pv", years, [0.0, 1.0, 0.5, 2.0, 1.0, 3.0], freq="Y")
    b = rows("wgi_rl", years[:4], [1.0, 0.0, 2.0, 1.0], freq="Y")
    c = inst.composite(pd.concat([a, b], ignore_index=True), ["wgi_pv", "wgi_rl"])
    comp = c[c["component"] == "composite"]
    assert comp["n_components"].tolist() == [2, 2, 2, 2, 1, 1]
    assert comp["value"].isna().tolist() == [False] * 4 + [True] * 2
    assert comp["in_window"].tolist() == [True] * 4 + [False] * 2
    c1 = inst.composite(pd.concat([a, b], ignore_index=True), ["wgi_pv", "wgi_rl"],
                        min_components=1)
    assert c1.loc[c1["component"] == "composite", "value"].notna().all()
    with pytest.raises(ValueError, match="at least two"):
        inst.composite(a, ["wgi_pv"])
    with pytest.raises(ValueError, match="not in the panel"):
        inst.composite(a, ["wgi_pv", "epu_news"])
    with pytest.raises(ValueError, match="common window"):
        inst.composite(pd.concat([a, b], ignore_index=True), ["wgi_pv", "wgi_rl"],
                       window=("2005", "2005"))


# --- codebook and events ------------------------------------------------------------------

def test_codebook_documents_every_indicator():
    book = inst.codebook()
    assert book["indicator"].is_unique
    for col in ("meaning", "scale", "unit", "citation", "licence", "aggregation"):
        assert (book[col].str.len() > 0).all(), col
    assert set(book["direction"]) == {-1, 1}
    assert set(book["aggregation"]) <= {"mean", "sum", "max"}
    assert book.set_index("indicator").loc["wgi_pv", "direction"] == -1


def test_events_package_data_matches_reference(reference, tmp_path):
    rebuilt = build_events_data(reference / "events.csv", tmp_path / "events.csv")
    assert rebuilt.read_text(encoding="utf-8") == EVENTS_FILE.read_text(encoding="utf-8")
    ev = inst.events()
    ref = pd.read_csv(reference / "events.csv", dtype=str, keep_default_na=False)
    assert len(ev) == len(ref)
    assert ev["source"].str.startswith("http").all()
    row = ev[ev["date"] == "2022-02-24"]
    assert len(row) == 1 and row.iloc[0]["category"] == "war"


# --- stage ------------------------------------------------------------------------------------

def test_stage_build_and_validate(built, mirror, tmp_path):
    # the stage's outputs from the run's shared build, copied (the test changes them)
    from repstats.publish import _published_manifest

    written = sorted(_published_manifest(built.processed, "instability")["files"])
    assert set(written) == set(stage.OUTPUTS)
    p = paths(raw=mirror, processed=tmp_path / "processed")
    p.processed.mkdir()
    for name in written:
        shutil.copyfile(built.processed / name, p.processed / name)
    checks = stage.validate(p)
    assert (checks["status"] != "fail").all(), checks
    back = stage.read_panel(tmp_path / "processed" / "instability_panel.parquet")
    assert isinstance(back["period"].iloc[0], pd.Period)
    assert back["indicator"].nunique() == len(inst.codebook())
    (tmp_path / "processed" / "protests_rejects.csv").unlink()
    assert (stage.validate(p)["status"] == "fail").any()


def test_to_yearly_carries_sub_period_flags():
    months = [1.0] * 12
    flags = [""] * 2 + ["coverage_drop"] * 10
    y = inst.to_yearly(_monthly("acled_demonstrations", "2022-01", months, flags))
    assert y.loc[0, "value"] == 12 and y.loc[0, "flag"] == "coverage_drop"


def test_panel_missing_raw_file_names_it(tmp_path):
    from repstats.errors import InputError
    with pytest.raises(InputError, match="not found") as e:
        inst.panel(tmp_path, sources=["wgi"])
    assert e.value.file.endswith("WGIData.csv")
    with pytest.raises(ValueError, match="unknown sources"):
        inst.panel(tmp_path, sources=["gdelt"])


def test_to_quarterly_aggregates_months_passes_quarters_drops_years():
    epu = _monthly("epu_news", "2020-01", [1.0, 2.0, 3.0, 4.0, 5.0])   # Q2 has 2 of 3 months
    acled = _monthly("acled_demonstrations", "2020-01", [1.0, 2.0, 3.0, 4.0, 5.0])
    wui = rows("wui", ["2020Q1", "2020Q2"], [0.3, 0.4], freq="Q")
    wgi = rows("wgi_pv", ["2020"], [-1.0], freq="Y")
    q = inst.to_quarterly(pd.concat([epu, acled, wui, wgi], ignore_index=True))
    q.index = q["indicator"] + ":" + q["period"].astype(str)
    assert (q["freq"] == "Q").all() and "wgi_pv:2020" not in q.index
    assert q.loc["epu_news:2020Q1", "value"] == pytest.approx(2.0)       # mean of 1, 2, 3
    assert np.isnan(q.loc["epu_news:2020Q2", "value"])                   # 2/3 < 0.75
    assert q.loc["epu_news:2020Q2", "flag"] == "low_coverage"
    assert q.loc["acled_demonstrations:2020Q1", "value"] == 6            # sum
    assert (q.loc["acled_demonstrations:2020Q2", "n_obs"],
            q.loc["acled_demonstrations:2020Q2", "n_expected"]) == (2, 3)
    assert q.loc["wui:2020Q2", "value"] == pytest.approx(0.4)            # passes through
    assert q.loc["wui:2020Q2", "n_expected"] == 1

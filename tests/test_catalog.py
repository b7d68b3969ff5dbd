"""repstats.tables(), repstats.load(), repstats.codebook(): registry, dtypes, errors."""
from __future__ import annotations

import pandas as pd
import pytest

import repstats
from repstats.catalog import DTYPES, TableNotBuiltError, apply_dtypes
from repstats.io import write_csv, write_parquet


def test_every_table_has_a_codebook_with_known_dtypes():
    listed = repstats.tables(processed="/nonexistent")
    assert not listed["built"].any()
    assert {"court_stats", "sanctions", "notable_cases", "protests_monthly",
            "instability_panel"} <= set(listed["table"])
    for name in listed["table"]:
        book = repstats.codebook(name)
        assert list(book.columns) == ["column", "dtype", "description"]
        assert len(book) and not book["column"].duplicated().any(), name
        assert set(book["dtype"]) <= set(DTYPES), name
        assert (book["description"].str.len() > 3).all(), name


def test_load_restores_dtypes_from_parquet_and_csv(tmp_path):
    panel = pd.DataFrame({
        "indicator": ["wgi_pv", "epu_news", "gpr_country"], "country": "RUS", "period": ["2022", "2022Q1", "2022-02"],
        "freq": ["Y", "Q", "M"], "value": [1.0, 2.0, None], "low": None, "high": None,
        "unit": "x", "direction": [1, 1, -1], "source": "s", "flag": "",
        "period_start": pd.to_datetime(["2022-01-01"] * 3)})
    write_parquet(panel, tmp_path / "instability_panel.parquet")
    monthly = pd.DataFrame({"period": ["2011-12", "2012-01"], "region": ["RU-MOW", "all"],
                            "events": [3, 0], "detainees": [10, 0], "detainees_low": [9, 0],
                            "detainees_high": [11, 0], "events_in_both_lists": [1, 0],
                            "lists": ["a", "a"]})
    write_parquet(monthly, tmp_path / "protests_monthly.parquet")
    quality = pd.DataFrame({"check": ["article_sum", "bracket_sum"], "status": ["pass", "fail"],
                            "year": [2009, 2010], "expected": [5.0, None],
                            "observed": [5.0, 3.0], "difference": [0.0, None]})
    write_csv(quality, tmp_path / "court_stats_quality.csv")

    p = repstats.load("instability_panel", processed=tmp_path)
    assert [type(x).__name__ for x in p["period"]] == ["Period"] * 3
    assert [x.freqstr for x in p["period"]] == ["Y-DEC", "Q-DEC", "M"]
    assert p["indicator"].dtype == "category" and p["direction"].dtype == "Int64"
    from repstats.instability import to_yearly
    yearly = to_yearly(p)  # the failing call: 'str' object has no attribute 'asfreq'
    assert {x.freqstr for x in yearly["period"]} == {"Y-DEC"}
    assert set(yearly["indicator"]) <= {"wgi_pv", "epu_news", "gpr_country"}

    m = repstats.load("protests_monthly.parquet", processed=tmp_path)
    assert m["period"].dtype == pd.PeriodDtype("M") and m["events"].dtype == "Int64"
    assert m["region"].dtype == "category"

    q = repstats.load("court_stats_quality", processed=tmp_path)
    assert q["expected"].dtype == "Int64" and q["expected"].isna().tolist() == [False, True]
    assert q["status"].dtype == "category"
    only = repstats.load("instability_panel", columns=["period"], processed=tmp_path)
    assert list(only.columns) == ["period"] and only["period"].iloc[1].freqstr == "Q-DEC"
    listed = repstats.tables(processed=tmp_path).set_index("table")["built"]
    assert listed["protests_monthly"] and not listed["court_stats"]


def test_load_errors_name_the_table_and_the_fix(tmp_path):
    with pytest.raises(ValueError, match="unknown table 'nope'.*court_stats"):
        repstats.load("nope", processed=tmp_path)
    with pytest.raises(TableNotBuiltError, match=r"court_stats.*repstats build --stage courts"):
        repstats.load("court_stats", processed=tmp_path)
    write_parquet(pd.DataFrame({"period": ["2011-12"], "events": [1]}),
                  tmp_path / "protests_monthly.parquet")
    with pytest.raises(ValueError, match=r"no column\(s\) \['nope'\]"):
        repstats.load("protests_monthly", columns=["nope"], processed=tmp_path)
    with pytest.raises(ValueError, match=r"column 'events' does not fit dtype Int64"):
        apply_dtypes(pd.DataFrame({"events": [1.5]}), "protests_monthly")


def test_package_namespace():
    names = dir(repstats)
    for n in ("load", "tables", "codebook", "courts", "stats", "plots", "quality"):
        assert n in names
    assert callable(repstats.tables) and "tables" in repstats.__doc__
    assert "importlib" not in names


@pytest.mark.mirror
@pytest.mark.slow
def test_codebooks_cover_every_built_table(built, court_stats_real):
    tmp_path = built.processed  # the run's one shared build (read only)
    listed = repstats.tables(processed=tmp_path)
    written = {f.name for f in tmp_path.iterdir() if not f.name.startswith(".")}
    assert written <= set(listed["file"]), written - set(listed["file"])
    frames = {}
    for name in listed.loc[listed["built"], "table"]:
        if name == "court_stats":  # pd.read_parquet of it, read once for the whole run
            raw = court_stats_real
        else:
            raw = (pd.read_parquet(tmp_path / f"{name}.parquet")
                   if (tmp_path / f"{name}.parquet").is_file()
                   else pd.read_csv(tmp_path / f"{name}.csv"))
        book = repstats.codebook(name)
        assert set(raw.columns) == set(book["column"]), name
        df = repstats.load(name, processed=tmp_path)
        assert len(df) == len(raw), name
        for col, code in zip(book["column"], book["dtype"]):
            if code in ("category", "Int64", "boolean", "string", "Float64"):
                assert str(df[col].dtype) == code, (name, col, df[col].dtype)
        if name == "court_stats":  # the big one: read once, checked below
            frames = {"court": df, "plain": raw}
    court, plain = frames["court"], frames["plain"]
    assert court.memory_usage(deep=True).sum() < plain.memory_usage(deep=True).sum() / 3
    assert (court["value"].astype("int64") == plain["value"]).all()


def test_old_quality_path_still_works_and_tables_stays_callable():
    import importlib
    import sys

    sys.modules.pop("repstats.tables.quality", None)
    with pytest.warns(DeprecationWarning, match="repstats.quality"):
        old = importlib.import_module("repstats.tables.quality")
    from repstats.quality import row_flow
    assert old.row_flow is row_flow
    listed = repstats.tables(processed="/nonexistent")  # the attribute is now the package
    assert "court_stats" in set(listed["table"])


def test_every_module_has_a_docstring_help_shows():
    import importlib
    import pkgutil

    missing = []
    for info in pkgutil.walk_packages(repstats.__path__, "repstats."):
        if info.name.endswith("__main__") or info.name == "repstats.tables.quality":
            continue  # running / deprecated-alias modules
        module = importlib.import_module(info.name)
        if not (module.__doc__ or "").strip():
            missing.append(info.name)
    assert not missing
    import pydoc
    text = pydoc.render_doc(repstats, renderer=pydoc.plaintext)
    assert "repstats.load(name)" in text and "courts" in text


def test_python_dash_m_repstats():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "repstats", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("repstats ")


def test_court_stats_codebook_matches_the_readers_column_docs():
    """The package codebook and the reader's COLUMN_DOCS describe the same columns alike."""
    from repstats.courts.codebook import COLUMN_DOCS

    book = repstats.codebook("court_stats")
    assert book["column"].tolist() == [name for name, _, _ in COLUMN_DOCS]
    assert book["description"].tolist() == [doc for _, _, doc in COLUMN_DOCS]


def test_to_periods_one_or_per_row_frequency():
    from repstats.catalog import to_periods

    text = pd.Series(["2022", None, "2023"], index=[5, 6, 7], name="period", dtype="string")
    before = text.copy()
    yearly = to_periods(text, "Y")
    assert str(yearly.dtype) == "period[Y-DEC]" and yearly.index.tolist() == [5, 6, 7]
    assert yearly[5] == pd.Period("2022", "Y") and pd.isna(yearly[6])
    pd.testing.assert_series_equal(text, before)
    dates = pd.Series(pd.to_datetime(["2022-03-15", "2024-01-01"]))
    assert to_periods(dates, "M").tolist() == [pd.Period("2022-03", "M"),
                                               pd.Period("2024-01", "M")]
    assert to_periods(to_periods(dates, "M"), "Y").tolist() == [pd.Period("2022", "Y"),
                                                                pd.Period("2024", "Y")]
    mixed = to_periods(pd.Series(["2022", "2022-03", None]), ["Y", "M", "M"])
    assert mixed.tolist()[:2] == [pd.Period("2022", "Y"), pd.Period("2022-03", "M")]
    assert pd.isna(mixed[2])

"""MVD monthly registered crimes: reader on small files built in code, breaks, published
totals, and (with the mirror) the real file."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from repstats.errors import InputError
from repstats.instability import codebook, read_mvd, to_yearly
from repstats.instability.mvd import MVD_BREAKS, MVD_COLUMNS, check_published_totals
from repstats.sources import read_manifest

OTHER = ["Serious", "Huge_damage", "Ecological", "Murder"]


def _write(tmp_path, months, total=None, ext=None, ter=None):
    n = len(months)
    df = pd.DataFrame({"month": months,
                       "Total_crimes": total or [1000.0] * n,
                       **{c: [1.0] * n for c in OTHER[:2]},
                       "Terrorism": ter or [5.0] * n,
                       "Extremism": ext or [3.0] * n})
    path = tmp_path / "crime.csv"
    df.to_csv(path, index=False)
    return path


def _months(start="2018-11", n=4):
    return [p.strftime("01.%m.%Y") for p in pd.period_range(start, periods=n, freq="M")]


def test_reads_three_indicators_with_break_flag(tmp_path):
    path = _write(tmp_path, _months(), ext=[10.0, 20.0, 5.0, 6.0])
    df = read_mvd(path)
    assert sorted(df["indicator"].unique()) == sorted(MVD_COLUMNS.values())
    ext = df[df["indicator"] == "mvd_extremism"]
    assert ext["value"].tolist() == [10.0, 20.0, 5.0, 6.0]
    assert ext["period"].astype(str).tolist() == ["2018-11", "2018-12", "2019-01", "2019-02"]
    assert ext["flag"].tolist() == ["", "", "definition_break", ""]
    assert (df.loc[df["indicator"] == "mvd_total", "flag"] == "").all()
    assert set(df["source"]) == {"mvd_crime_monthly"}


def test_partial_year_is_not_summed(tmp_path):
    df = read_mvd(_write(tmp_path, _months("2019-01", 13)))
    y = to_yearly(df[df["indicator"] == "mvd_extremism"])
    assert y["value"].tolist()[0] == 36.0
    assert np.isnan(y["value"].tolist()[1]) and "low_coverage" in y["flag"].iloc[1]


@pytest.mark.parametrize("months, match", [
    (["01.01.2019", "01.03.2019"], "follows"),
    (["01.01.2019", "01.01.2019"], "follows"),
    (["2019-01-01", "01.02.2019"], "bad month"),
    (["15.01.2019", "01.02.2019"], "bad month"),
])
def test_bad_months(tmp_path, months, match):
    with pytest.raises(InputError, match=match) as e:
        read_mvd(_write(tmp_path, months))
    assert e.value.column == "month"


def test_fractional_negative_and_oversized_counts(tmp_path):
    with pytest.raises(InputError, match="fractional") as e:
        read_mvd(_write(tmp_path, _months(n=2), ext=[1.5, 2.0]))
    assert e.value.column == "Extremism" and e.value.row == 2
    with pytest.raises(InputError, match="implausible"):
        read_mvd(_write(tmp_path, _months(n=2), ter=[-1.0, 2.0]))
    with pytest.raises(InputError, match="exceeds Total_crimes") as e:
        read_mvd(_write(tmp_path, _months(n=2), total=[10.0, 10.0], ext=[3.0, 11.0]))
    assert e.value.row == 3


def test_missing_column(tmp_path):
    path = _write(tmp_path, _months(n=2))
    pd.read_csv(path).drop(columns="Extremism").to_csv(path, index=False)
    with pytest.raises(InputError) as e:
        read_mvd(path)
    assert e.value.column == "Extremism"


def test_published_totals_mismatch_is_reported(tmp_path):
    df = read_mvd(_write(tmp_path, _months("2018-01", 12)))
    tot = check_published_totals(df)
    row = tot[(tot["indicator"] == "mvd_extremism") & (tot["year"] == 2018)].iloc[0]
    assert row["computed"] == 36.0 and not row["match"]
    assert np.isnan(tot.loc[tot["year"] == 2017, "computed"]).all()


def test_codebook_and_manifest_entries():
    book = codebook().set_index("indicator")
    for ind in MVD_COLUMNS.values():
        assert book.loc[ind, "source"] == "mvd_crime_monthly"
        assert book.loc[ind, "aggregation"] == "sum"
        assert "OUTCOME" in book.loc[ind, "caveats"]
    m = read_manifest().set_index("id").loc["mvd_crime_monthly"]
    assert m["url"] == ("https://raw.githubusercontent.com/ByloTonix/crime-stats/"
                        "e8c765228f8e1a1c56188336eb1bf1b2203494d1/data/crime.csv")
    assert "do not redistribute" in m["licence"]
    assert set(MVD_BREAKS["indicator"]) <= set(MVD_COLUMNS.values())


@pytest.mark.mirror
def test_real_file_matches_published_totals(mirror):
    df = read_mvd(mirror / "mvd" / "crime_monthly_2003_2020.csv")
    assert df.groupby("indicator").size().tolist() == [205, 205, 205]
    tot = check_published_totals(df)
    assert tot["match"].all(), tot
    y = to_yearly(df[df["indicator"] == "mvd_extremism"])
    y = y.set_index(y["period"].map(lambda p: p.year))
    assert y.loc[2019, "value"] < 0.5 * y.loc[2018, "value"]  # the art. 282 break

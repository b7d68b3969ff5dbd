"""parse_date: formats, precision, reasons, and the OVD-Info lists (mirror)."""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.errors import InputError
from repstats.text import parse_date


@pytest.mark.parametrize("text, date, precision", [
    ("2023-02-27", "2023-02-27", "day"),
    ("27.02.2023", "2023-02-27", "day"),
    ("27 февраля 2023 г.", "2023-02-27", "day"),
    ("1 марта 2014", "2014-03-01", "day"),
    ("6 мая 2012 года", "2012-05-06", "day"),
    ("February 27, 2023", "2023-02-27", "day"),
    ("27 Feb 2023", "2023-02-27", "day"),
    ("февраль 2023", "2023-02-01", "month"),
    ("в феврале 2023 года", "2023-02-01", "month"),
    ("в мае 2012", "2012-05-01", "month"),
    ("02.2023", "2023-02-01", "month"),
    ("2023-02", "2023-02-01", "month"),
    ("Feb 2023", "2023-02-01", "month"),
    ("September 2019", "2019-09-01", "month"),
    ("2023", "2023-01-01", "year"),
    ("2023 г.", "2023-01-01", "year"),
])
def test_formats(text, date, precision):
    out = parse_date(pd.Series([text]))
    assert out.loc[0, "date"] == pd.Timestamp(date)
    assert out.loc[0, "precision"] == precision
    assert pd.isna(out.loc[0, "reason"])


def test_slash_dates_follow_dayfirst():
    s = pd.Series(["03/04/2023"])
    assert parse_date(s).loc[0, "date"] == pd.Timestamp("2023-04-03")
    assert parse_date(s, dayfirst=False).loc[0, "date"] == pd.Timestamp("2023-03-04")
    with pytest.raises(ValueError, match="dayfirst"):
        parse_date(s, dayfirst="yes")


@pytest.mark.parametrize("text, reason", [
    ("31.02.2023", "invalid date"), ("hello", "no date found"), (None, "missing"),
    ("", "empty text"),
])
def test_reasons(text, reason):
    out = parse_date(pd.Series([text]))
    assert pd.isna(out.loc[0, "date"]) and reason in out.loc[0, "reason"]


def test_strict_and_alignment():
    s = pd.Series(["2023", "x"], index=[5, 7])
    out = parse_date(s)
    assert out.index.tolist() == [5, 7] and str(out["date"].dtype) == "datetime64[ns]"
    with pytest.raises(InputError, match=r"'x'.*7"):
        parse_date(s, strict=True)


@pytest.mark.mirror
@pytest.mark.parametrize("name, first_id, first_date", [
    ("detentions_2011_2012_report_data.csv", "1", "2011-12-04"),
    ("detentions_list_2012.csv", "1", "2011-12-04"),
    ("detentions_2013.csv", "1", "2013-01-12"),
])
def test_ovdinfo_dates(mirror, name, first_id, first_date):
    table = pd.read_csv(mirror / "ovdinfo" / name, dtype=str)
    out = parse_date(table["date"], strict=True)       # every date in the lists parses
    assert (out["precision"] == "day").all()
    id_col = "id" if "id" in table.columns else "Id"
    first = table.index[table[id_col] == first_id][0]
    assert out.loc[first, "date"] == pd.Timestamp(first_date)
    assert out["date"].between("2011-12-01", "2013-12-31").all()

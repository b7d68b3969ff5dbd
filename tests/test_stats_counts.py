"""political_counts on a court table built in code."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from repstats.errors import InputError
from repstats.stats import political_counts

YEARS = (2015, 2016, 2017)
TOTAL = {2015: 700_000, 2016: 650_000, 2017: 600_000}


def _row(year, article, part, measure, value, form="10-a", row_type="article",
         redaction=None):
    return dict(year=year, form=form, article=article, part=part, redaction=redaction,
                row_type=row_type, measure=measure, value=value, label="x",
                source_file="f", member="m", sheet="s", row=1)


def court_table():
    rows = []
    for i, y in enumerate(YEARS):
        rows.append(_row(y, None, None, "convicted_main", TOTAL[y], row_type="grand_total"))
        rows.append(_row(y, None, None, "convicted_total", TOTAL[y] + 1, form="10.3",
                         row_type="grand_total"))
        # 205.2 has part rows and an article-total row (which must not be double counted)
        rows.append(_row(y, "205.2", "1", "convicted_main", 10 + i))
        rows.append(_row(y, "205.2", "2", "convicted_main", 3))
        rows.append(_row(y, "205.2", None, "convicted_main", 13 + i))
        # 280 in two redactions (both counted)
        rows.append(_row(y, "280", "1", "convicted_main", 5))
        rows.append(_row(y, "280", "1", "convicted_main", 1,
                         redaction="в старой редакции до ФЗ от 28.06.2014 № 179-ФЗ"))
        rows.append(_row(y, "280", "1", "additional_persons", 2))
        # 318: only part 1 is political; a part-less row cannot be classified
        rows.append(_row(y, "318", "1", "convicted_main", 7))
        rows.append(_row(y, "318", "2", "convicted_main", 100))
        # a non-political article and a chapter total that must be ignored
        rows.append(_row(y, "158", "1", "convicted_main", 50_000))
        rows.append(_row(y, None, None, "convicted_main", 60_000, row_type="chapter_total"))
        rows.append(_row(y, "205.2", "1", "convicted_total", 99, form="10.3"))
    rows.append(_row(2017, "207.3", "1", "convicted_main", 4))
    return pd.DataFrame(rows)


def taxonomy():
    return pd.DataFrame({"article": ["205.2", "280", "318", "207.3"],
                         "part": [None, None, "1", None],
                         "category": ["terrorism speech", "extremism", "violence vs officials",
                                      "war censorship"],
                         "rationale": ["r"] * 4})


def test_category_counts_rates_and_shares():
    cs = court_table()
    before = cs.copy()
    out = political_counts(cs, taxonomy())
    pd.testing.assert_frame_equal(cs, before)  # input untouched
    assert set(out["basis"]) == {"main"}
    got = out.set_index(["year", "category"])["persons"]
    assert got[(2015, "terrorism speech")] == 13   # parts 10 + 3, article total excluded
    assert got[(2017, "terrorism speech")] == 15
    assert got[(2016, "extremism")] == 6           # both redactions
    assert got[(2016, "violence vs officials")] == 7
    assert got[(2015, "war censorship")] == 0      # zero-filled before the article existed
    assert got[(2017, "war censorship")] == 4
    row = out[(out["year"] == 2016) & (out["category"] == "extremism")].iloc[0]
    assert row["total_convicted"] == TOTAL[2016]
    assert row["rate_per_100k"] == pytest.approx(6 / TOTAL[2016] * 1e5)
    assert row["unit"] == "persons convicted, by main (most serious) article"
    assert out.groupby("year")["share_of_political"].sum().to_numpy() == pytest.approx(1.0)
    assert row["share_of_political"] == pytest.approx(6 / (14 + 6 + 7))


def test_excluded_rows_have_reasons():
    out, excluded = political_counts(court_table(), taxonomy(), return_excluded=True)
    assert not out.attrs  # nothing in attrs: pd.concat of results must stay plain
    pd.concat([out, out])
    assert len(excluded) == 3  # one 205.2 article total per year
    assert excluded["reason"].str.contains("article total").all()
    cs = pd.concat([court_table(), pd.DataFrame([_row(2015, "318", None, "convicted_main",
                                                      9)])])
    excluded = political_counts(cs, taxonomy(), return_excluded=True)[1]
    assert excluded["reason"].str.contains("classifies only some parts").sum() == 1


def test_article_part_and_additional():
    out = political_counts(court_table(), taxonomy(), by="article_part",
                           include_additional=True)
    add = out[out["basis"] == "additional"]
    assert set(zip(add["article"], add["part"])) == {("280", "1")}
    assert add["persons"].tolist() == [2, 2, 2]
    assert add["unit"].str.contains("additional").all()
    main = out[(out["basis"] == "main") & (out["year"] == 2015)].set_index(
        ["article", "part"])
    assert main.loc[("205.2", "1"), "persons"] == 10
    assert main.loc[("205.2", "2"), "persons"] == 3
    assert main.loc[("280", "1"), "n_source_rows"] == 2
    assert ("318", "2") not in main.index


def test_form_10_3_uses_convicted_total():
    out = political_counts(court_table(), taxonomy(), form="10.3")
    row = out[(out["year"] == 2015) & (out["category"] == "terrorism speech")].iloc[0]
    assert row["persons"] == 99
    assert row["total_convicted"] == TOTAL[2015] + 1


def test_misuse_raises():
    cs, tax = court_table(), taxonomy()
    with pytest.raises(ValueError, match="by must be"):
        political_counts(cs, tax, by="region")
    with pytest.raises(ValueError, match="only in form 10-a"):
        political_counts(cs, tax, form="10.3", include_additional=True)
    with pytest.raises(ValueError, match="several rows"):
        political_counts(cs, pd.concat([tax, tax.iloc[:1]]))
    clash = pd.concat([cs, pd.DataFrame([_row(2015, None, None, "convicted_main", 1,
                                              row_type="grand_total")])])
    with pytest.raises(ValueError, match="conflicting grand-total"):
        political_counts(clash, tax)


def test_schema_reports_every_failure():
    cs = court_table()
    cs.loc[0, "form"] = "10-b"
    cs.loc[1, "value"] = -5
    with pytest.raises(InputError) as err:
        political_counts(cs, taxonomy())
    assert "form" in str(err.value) and "value" in str(err.value)


@pytest.mark.parametrize("text", ["object", "str", "category"])
def test_validation_coerces_a_copy_never_the_input(text):
    """The analysis input schema coerces (year to int, value to float, text read as plain
    text) in a frame of its own: the caller's frame keeps its values and dtypes."""
    from repstats.stats.inputs import COURT_STATS, validate

    cs = court_table().astype({"year": "int32", "value": "int64", "form": text,
                               "measure": text})
    before = cs.copy()
    out = validate(cs, COURT_STATS)
    pd.testing.assert_frame_equal(cs, before)
    assert out["value"].dtype == float and out["year"].dtype == "int64"
    assert out["value"].tolist() == cs["value"].astype(float).tolist()


def test_missing_grand_total_gives_nan_rate():
    cs = court_table()
    cs = cs[~((cs["year"] == 2017) & (cs["row_type"] == "grand_total"))]
    out = political_counts(cs, taxonomy())
    rates = out[out["year"] == 2017]["rate_per_100k"]
    assert rates.isna().all()
    assert np.isfinite(out[out["year"] == 2015]["rate_per_100k"]).all()

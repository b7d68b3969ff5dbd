"""Political taxonomy (repstats.statutes.taxonomy / categorize)."""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.errors import ValidationError
from repstats.statutes import categorize, sanctions_table, taxonomy
from repstats.statutes.taxonomy import CATEGORIES


def test_taxonomy_covers_the_issue_categories():
    t = taxonomy()
    assert list(t.columns) == ["article", "part", "category", "rationale", "specificity",
                               "specificity_note"]
    assert set(t["category"]) == set(CATEGORIES)
    assert t["rationale"].notna().all()
    assert not t[["article", "part"]].fillna("").duplicated().any()


def test_every_political_article_of_the_sanctions_table_is_categorised():
    political = set(sanctions_table()["article"]) - {"56", "205", "222", "223", "228"}
    assert political <= set(taxonomy()["article"])


def test_categorize_part_row_wins_and_unmatched_stay_missing():
    df = pd.DataFrame({"article": ["205.2", "228", "ст. 354.1", "212"],
                       "part": ["2", "1", None, "3"]})
    mapping = pd.DataFrame({"article": ["212", "212"], "part": [None, "3"],
                            "category": ["protest and public order", "calls"]})
    out = categorize(df, mapping)
    assert out["category"].tolist()[3] == "calls"
    default = categorize(df)
    assert default.loc[0, "category"] == "terrorism-related speech"
    assert pd.isna(default.loc[1, "category"])
    assert default.loc[2, "category"] == '"rehabilitation of Nazism"'
    assert "category" not in df.columns  # input not mutated


def test_categorize_without_part_column():
    out = categorize(pd.DataFrame({"article": ["284.1"]}))
    assert out.loc[0, "category"] == "undesirable organisations"


def test_categorize_misuse():
    with pytest.raises(ValueError, match="column 'article'"):
        categorize(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="lacks column"):
        categorize(pd.DataFrame({"article": ["212"]}), pd.DataFrame({"article": ["212"]}))
    with pytest.raises(ValidationError, match="more than once"):
        categorize(pd.DataFrame({"article": ["212"]}),
                   pd.DataFrame({"article": ["212", "212"], "category": ["a", "b"]}))
    with pytest.raises(ValueError, match="already has"):
        categorize(pd.DataFrame({"article": ["212"], "category": ["x"]}))


def test_specificity_separates_core_from_ordinary_crime():
    from repstats.statutes import taxonomy as tax

    full = tax()
    assert set(full["specificity"]) == {"core", "mixed", "broad"}
    broad = tax("broad")
    assert set(broad["article"]) == {"213", "318"}
    core = tax(["core"])
    assert {"280", "282.2", "205.2", "207.3"} <= set(core["article"])
    assert not set(core["article"]) & {"213", "318", "212"}
    assert len(core) + len(tax(["mixed", "broad"])) == len(full)
    with pytest.raises(ValueError, match="specificity must be among"):
        tax("political")

"""Per-charge facts of the notable cases: package data, how facts are kept, the builder."""
from __future__ import annotations

import pandas as pd
import pytest
from tools_loader import load_tool

from repstats.cases import notable_cases, notable_charges
from repstats.cases.charges import CHARGES_COLUMNS
from repstats.errors import ValidationError


@pytest.fixture(scope="module")
def charges():
    return notable_charges()


def test_shape_and_join_with_the_cases(charges):
    assert len(charges) == 106 and list(charges.columns) == list(CHARGES_COLUMNS)
    cases = notable_cases()
    assert set(charges["person_id"]) == set(cases["person_id"])
    # the per-charge reference corrects or completes some verdict dates (Chanysheva,
    # Kagarlitsky, Rumyantsev, Surovtsev): the verdict year joins, or the case lacks a date
    years = set(zip(cases["person_id"], cases["verdict_date"].dt.year))
    undated = set(cases.loc[cases["verdict_date"].isna(), "person_id"])
    pairs = set(zip(charges["person_id"], charges["verdict_date"].dt.year))
    assert all(p in years or p[0] in undated for p in pairs)
    assert len(pairs) == len(cases)


def test_unsourced_memory_is_never_used_as_a_fact(charges):
    mem = charges[charges["reference_status"] == "unsourced-memory"]
    assert len(mem) >= 1  # Boyarshinov's explosives count
    assert mem[["article", "part", "part_derived"]].isna().all().all()
    assert mem["charge_status"].str.startswith("unsourced-memory").all()


def test_not_found_stays_missing_and_derived_parts_are_kept_apart(charges):
    nf = charges[charges["reference_status"] == "not found"]
    assert nf["part"].isna().all()
    shishkin = charges[charges["name_en"] == "Igor Shishkin"].iloc[0]
    assert pd.isna(shishkin["part"]) and shishkin["part_derived"] == "2"
    assert shishkin["cooperation"] and shishkin["special_procedure"]
    # "not found" in the reference becomes a missing value with its status, never False
    sp = charges[charges["special_procedure_as_written"] == "not found"]
    assert sp["special_procedure"].isna().all()
    assert (sp["special_procedure_status"] == "not found").all()


def test_key_facts(charges):
    boy = charges[charges["name_en"] == "Yuli Boyarshinov"]
    assert set(boy["final_term_months"]) == {66} and set(boy["appeal_term_months"]) == {63}
    pav = charges[charges["name_en"] == "Anna Pavlikova"].iloc[0]
    assert pav["minor"] and pav["age_max"] == 17 and pav["final_kind"] == "suspended"
    chernov = charges[(charges["name_en"] == "Andrei Chernov")].set_index("article")
    assert chernov.loc["228.1", "stage"] == "attempt"
    assert chernov.loc["205.4", "charge_term_months"] == 78
    km = charges[charges["name_en"] == "Vladimir Kara-Murza"]
    assert sorted(km["article"]) == ["207.3", "275", "284.1"]
    assert (km["final_term_months"] == 300).all()
    # every fact keeps its sources
    assert charges["source_url"].str.contains("http").all()
    assert charges["charge_source"].notna().mean() > 0.9


def test_reader_refuses_a_file_missing_columns(tmp_path):
    pd.read_csv(notable_charges.__globals__["DATA_FILE"], dtype=str).drop(
        columns="part").to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(ValidationError, match="part"):
        notable_charges(tmp_path / "short.csv")


def test_builder_reproduces_package_data(reference):
    builder = load_tool("build_notable_charges")
    rebuilt = builder.build_charges(reference / "notable_cases_charges.csv")
    pd.testing.assert_frame_equal(rebuilt.reset_index(drop=True),
                                  notable_charges().reset_index(drop=True))

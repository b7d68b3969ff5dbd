"""Integration with the other layers on the real court data read from the mirror."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from repstats.stats import (assess_sentences, bracket_shares, political_counts,
                            test_against_minimum)

matplotlib.use("Agg")


def _contract(module: str, *names: str):
    import importlib

    mod = importlib.import_module(module)
    return [getattr(mod, n) for n in names]


@pytest.fixture(scope="module")
def court_stats(court_stats_real) -> pd.DataFrame:
    return court_stats_real


def test_political_counts_on_processed_court_stats(court_stats):
    taxonomy = pd.DataFrame({"article": ["280", "282.2", "205.2"], "part": [None] * 3,
                             "category": ["extremism speech", "extremist organisation",
                                          "terrorism speech"]})
    out = political_counts(court_stats, taxonomy)
    direct = (court_stats[(court_stats["form"] == "10-a")
                          & (court_stats["row_type"] == "article")
                          & (court_stats["article"] == "280")
                          & (court_stats["measure"] == "convicted_main")]
              .groupby("year")["value"].sum())
    got = out[out["category"] == "extremism speech"].set_index("year")["persons"]
    pd.testing.assert_series_equal(got.loc[direct.index], direct, check_names=False,
                                   check_dtype=False)
    assert out["rate_per_100k"].notna().all() and (out["total_convicted"] > 1e5).all()
    assert out.groupby("year")["share_of_political"].sum().to_numpy() == pytest.approx(1)


def test_bracket_shares_on_processed_court_stats(court_stats):
    sanctions_table, effective_range = _contract("repstats.statutes", "sanctions_table",
                                                 "effective_range")
    (bracket_bounds,) = _contract("repstats.courts", "bracket_bounds")
    out = bracket_shares(court_stats, articles=["280", "282.2", "318"],
                         table=sanctions_table(), effective=effective_range,
                         bounds=bracket_bounds())
    assert set(out.loc[out["year"] <= 2010, "bracket_form"].dropna()) == {"10.3"}
    assert set(out.loc[out["year"] >= 2011, "bracket_form"].dropna()) == {"10.3.1"}
    ok = out.dropna(subset=["share_below_low"])
    assert len(ok) > 10
    assert ((0 <= ok["share_below_low"]) & (ok["share_below_low"] <= ok["share_below_high"])
            & (ok["share_below_high"] <= 1)).all()
    # brackets, read from one form, add up to that form's imprisonment count
    assert (ok["n_terms"] == ok["imprisonment"]).mean() > 0.9
    assert out["range_status"].notna().all()


def test_assess_notable_cases_with_statutes_and_text():
    (notable_cases,) = _contract("repstats.cases", "notable_cases")
    (parse_charges,) = _contract("repstats.text", "parse_charges")
    _contract("repstats.statutes", "attach_ranges", "effective_range", "severity")
    n = notable_cases()
    n = n[n["sentence_kind"].isin(["custodial", "suspended"])]
    gov = parse_charges(n["governing_charge"]).drop_duplicates("row").set_index("row")
    n = n.assign(governing_article=gov["article"].reindex(n.index),
                 governing_part=gov["part"].reindex(n.index),
                 date=pd.to_datetime(n["verdict_date"], errors="coerce"))
    out = assess_sentences(n, parse_charges(n["charges"]), sentence="months",
                           cumulative="combined_sentence")
    assert len(out) == len(n)
    combined_no_gov = out["combined"] & out["governing_article"].isna()
    assert not out.loc[combined_no_gov, "compared"].any()
    compared = out[out["compared"]]
    assert len(compared) > 5
    assert compared["range_status"].str.startswith("established").all()
    assert compared["months_above_min"].notna().all()
    res = test_against_minimum(out, sentence="months")
    assert res["n"].iloc[0] + res["n_zero"].iloc[0] == len(compared)
    assert 0 <= res["p"].iloc[0] <= 1

    from repstats.plots import add_source, range_chart
    network = out[out["case"].str.contains("Сети")].assign(
        label=lambda d: d["name_en"].fillna(d["name_ru"]))
    ax = range_chart(network, label="label", sentence="months",
                     title="Network case: sentences and statutory ranges")
    add_source(ax.figure, "repstats notable cases (sourced reference table); ranges from "
                          "repstats.statutes; no range where the charged part is unknown")
    out_dir = Path(os.environ.get("REPSTATS_PLOT_DIR", "/tmp/plots"))
    out_dir.mkdir(parents=True, exist_ok=True)
    ax.figure.savefig(out_dir / "range_chart_network.png")
    plt.close(ax.figure)
    assert np.isfinite([p.get_width() for p in ax.patches]).any()

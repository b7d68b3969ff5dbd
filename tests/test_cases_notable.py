"""Curated notable cases: package data, its derivation, and its readers."""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.cases import notable_cases
from repstats.cases.build_notable import (build_notable, classify_appeal, extract_conflicts,
                                          method_summary)
from repstats.cases.notable import METHOD_COLUMNS, NOTABLE_COLUMNS
from repstats.errors import InputError, ValidationError


@pytest.fixture(scope="module")
def cases():
    return notable_cases()


def _row(cases, name_en, year=None):
    hit = cases[cases["name_en"] == name_en]
    if year is not None:
        hit = hit[hit["verdict_date"].dt.year == year]
    assert len(hit) == 1, name_en
    return hit.iloc[0]


def test_shape_and_people(cases):
    assert len(cases) == 75
    assert cases["person_id"].nunique() == 72
    repeated = cases["person_id"].value_counts()
    assert sorted(repeated[repeated > 1].index) == ["alexei-navalny", "azat-miftakhov",
                                                    "ruslan-zeytullaev"]
    assert list(cases.columns) == list(NOTABLE_COLUMNS)
    assert cases.attrs["unit"] == "one verdict for one defendant"


def test_every_row_has_a_source(cases):
    assert cases["source_url"].notna().all()
    assert cases["source_url"].str.startswith("http").all()
    assert (cases["n_sources"] == cases["source_url"].str.count(r" \| ") + 1).all()


def test_network_case(cases):
    network = cases[cases["case"].str.contains("«Сети»")]
    assert len(network) == 10
    shakursky = _row(cases, "Ilya Shakursky")
    assert shakursky["months"] == 16 * 12 and shakursky["regime"] == "strict"
    assert shakursky["fine_rub"] == 50_000
    assert shakursky["verdict_date"] == pd.Timestamp("2020-02-10")
    assert shakursky["region_iso"] == "RU-PNZ"
    boyarshinov = _row(cases, "Yuli Boyarshinov")
    assert boyarshinov["months"] == 66 and boyarshinov["charges"] == "205.4(2)"
    assert boyarshinov["appeal_outcome"] == "reduced"
    assert bool(boyarshinov["combined_sentence"]) and boyarshinov["governing_charge"] == "205.4(2)"
    assert "восемь" in _row(cases, "Viktor Filinkov")["conflicts"]


def test_sentence_fields_are_consistent(cases):
    fines = cases[cases["sentence_kind"] == "fine"]
    assert fines["months"].isna().all() and fines["fine_rub"].notna().all()
    assert set(fines["name_en"]) == {"Pavel Novikov", "Svetlana Prokopyeva",
                                     "Boris Kagarlitsky"}
    suspended = cases[cases["sentence_kind"] == "suspended"]
    assert suspended["months"].notna().all() and suspended["regime"].isna().all()
    custodial = cases[cases["sentence_kind"] == "custodial"]
    assert custodial["months"].notna().all()
    assert _row(cases, "Alexei Navalny", 2023)["regime"] == "special"


def test_appeal_outcomes_match_the_reference_notes(cases):
    # notable_cases_NOTES.md: "Appeals changed terms for: Kotov, Ustinov, Podkopaev,
    # Boyarshinov, Kostylenkov, Karamzin, Gorinov, Simonov, Kagarlitsky, Berkovich,
    # Petriychuk, Zeytullaev, Krivov and Belousov."
    changed = cases[cases["appeal_outcome"].isin(["reduced", "increased"])]
    surnames = {n.split()[-1] for n in changed["name_en"]}
    assert surnames == {"Kotov", "Ustinov", "Podkopaev", "Boyarshinov", "Kostylenkov",
                        "Karamzin", "Gorinov", "Simonov", "Kagarlitsky", "Berkovich",
                        "Petriychuk", "Zeytullaev", "Krivov", "Belousov"}
    assert _row(cases, "Ruslan Zeytullaev", 2016)["appeal_outcome"] == "retrial_ordered"


def test_combined_sentences(cases):
    km = _row(cases, "Vladimir Kara-Murza")
    assert km["months"] == 300 and km["governing_charge"] == "275"
    assert km["charges"] == "275; 207.3(2); 284.1(1)"
    assert bool(_row(cases, "Ivan Safronov")["combined_sentence"])
    single = cases[cases["charges_basis"].eq("verdict") & ~cases["charges"].str.contains(";")
                   & cases["combined_sentence"].eq(False)]
    assert single["governing_charge"].isna().all()


def test_methods_are_explained(cases):
    for field in METHOD_COLUMNS:
        col = cases[f"{field}_method"]
        assert col.str.match(r"^(parsed|hand: .+)$").all(), field
    assert (cases["verdict_date_method"] == "parsed").all()
    summary = method_summary(cases)
    assert set(summary["field"]) == set(METHOD_COLUMNS)
    assert (summary["parsed"] + summary["hand"] == 75).all()


def test_conflicts_as_noted(cases):
    with_conflict = set(cases.loc[cases["conflicts"].notna(), "name_en"])
    for name in ["Andrei Chernov", "Viktor Filinkov", "Ivan Podkopaev", "Danila Beglets",
                 "Egor Zhukov", "Leonid Razvozzhaev", "Maria Dubovik", "Svetlana Prokopyeva",
                 "Evgenia Berkovich", "Svetlana Petriychuk", "Daniel Kholodny",
                 "Vladimir Kara-Murza", "Maria Ponomarenko", "Alexei Gorinov",
                 "Igor Shishkin"]:
        assert name in with_conflict, name


def test_classify_appeal():
    assert classify_appeal("") == "none_found"
    assert classify_appeal("Mosgorsud upheld; later reduced the term") == "reduced"
    assert classify_appeal("срок заключения увеличен до 15 лет") == "increased"
    assert classify_appeal("Supreme Court sent the case for retrial") == "retrial_ordered"
    assert classify_appeal("приговор оставлен в силе") == "upheld"
    assert classify_appeal("Appeal hearing set; outcome not in excerpts read.") == "unknown"
    assert classify_appeal("CONFLICT: A says unchanged; B says cut") == "conflicting"


def test_extract_conflicts():
    text = "Prosecutor asked 6. CONFLICT: A says 7; B says 8. Other note."
    assert extract_conflicts(text, None) == "CONFLICT: A says 7; B says 8."
    assert extract_conflicts("nothing here", "") is None


def test_loader_rejects_broken_data(tmp_path):
    good = pd.read_csv(notable_cases.__globals__["DATA_FILE"], dtype=str,
                       keep_default_na=False)
    bad = good.copy()
    bad.loc[0, "sentence_kind"] = "exile"
    bad.loc[1, "months"] = "-3"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValidationError) as err:
        notable_cases(tmp_path / "bad.csv")
    assert "exile" in str(err.value) and "-3" in str(err.value)  # lazy: both reported
    good.drop(columns=["conflicts"]).to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(ValidationError, match="conflicts"):
        notable_cases(tmp_path / "short.csv")


def test_builder_reproduces_package_data(reference):
    rebuilt = build_notable(reference / "notable_cases.csv")
    packaged = notable_cases()
    values = [c for c in NOTABLE_COLUMNS if not c.endswith("_method")]
    # values never depend on which parsers were available; only the methods may differ
    pd.testing.assert_frame_equal(rebuilt[values], packaged[values])


def test_builder_refuses_misaligned_hand_file(reference, tmp_path):
    from repstats.cases.build_notable import HAND_FILE

    hand = pd.read_csv(HAND_FILE, dtype=str, keep_default_na=False)
    hand.iloc[::-1].to_csv(tmp_path / "hand.csv", index=False)
    with pytest.raises(InputError, match="not aligned"):
        build_notable(reference / "notable_cases.csv", tmp_path / "hand.csv")


def test_builder_falls_back_to_hand_values(reference, monkeypatch):
    from repstats.cases import build_notable as builder

    monkeypatch.setattr(builder, "_parser", lambda name: (None, f"{name} switched off"))
    rebuilt = builder.build_notable(reference / "notable_cases.csv")
    values = [c for c in NOTABLE_COLUMNS if not c.endswith("_method")]
    pd.testing.assert_frame_equal(rebuilt[values], notable_cases()[values])
    for field in ("region", "charges", "sentence_kind", "months", "regime", "fine_rub"):
        assert rebuilt[f"{field}_method"].str.startswith(
            f"hand: {'normalize_region' if field == 'region' else 'parse_'}").all(), field


def test_builder_reports_parser_disagreement(reference, monkeypatch):
    from repstats.cases import build_notable as builder

    def fake_sentence(series):
        return pd.DataFrame({"kind": "fine", "months": float("nan"), "regime": None,
                             "probation_months": float("nan"), "fine_rub": 1.0},
                            index=series.index)

    real = builder._parser
    monkeypatch.setattr(builder, "_parser", lambda name: (fake_sentence, None)
                        if name == "parse_sentence" else real(name))
    rebuilt = builder.build_notable(reference / "notable_cases.csv")
    shak = rebuilt[rebuilt["name_en"] == "Ilya Shakursky"].iloc[0]
    assert shak["months"] == 192  # the curated value wins
    assert shak["sentence_kind_method"].startswith("hand: parser gave 'fine'")
    assert shak["fine_rub_method"].startswith("hand: parser gave 1.0")
    prok = rebuilt[rebuilt["name_en"] == "Svetlana Prokopyeva"].iloc[0]
    assert prok["sentence_kind_method"] == "parsed"

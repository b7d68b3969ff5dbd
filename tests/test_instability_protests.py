"""OVD-Info list merging on small lists built in code."""
from __future__ import annotations

import pandas as pd
import pytest

import repstats.instability as inst
from repstats.errors import InputError
from repstats.instability.protests import normalize_place, read_ovdinfo_list

A_COLS = ["date", "agreement", "type", "subject", "organizator", "comment", "place", "total",
          "id"]
B_COLS = ["Id", "date", "agreement", "agreement_eng", "event_type", "event_type_eng",
          "subject", "subject_eng", "organizer", "organizer_eng", "description",
          "description_eng", "place", "number_of_detentions", "links"]
C_COLS = ["Id", "date", "region", "agreement", "agreement_eng", "event_type",
          "event_type_eng", "subject", "subject_eng", "organizer", "organizer_eng",
          "description", "description_eng", "ovd", "place", "number_of_detentions", "links"]


def _a(date, subject, comment, place, total, i):
    return dict(zip(A_COLS, [date, "не согласовано", "митинг", subject, "x", comment, place,
                             total, i]))


def _b(i, date, subject, description, place, n):
    row = dict.fromkeys(B_COLS, "")
    row.update(Id=i, date=date, subject=subject, description=description, place=place,
               number_of_detentions=n)
    return row


@pytest.fixture
def lists(tmp_path):
    a = pd.DataFrame([
        _a("06.05.2012", "марш миллионов", "Марш", "Болотная", "450", "1"),
        _a("06.05.2012", "антиПутин", "", "Манежная, Тверская", "200", "2"),
        _a("19.12.2011", "другое", "", "попы", "3", "3"),              # only in this list
        _a("20.12.2011", "другое", "Верзилов-военкомат", "Верзилов", "1", "4"),
    ])
    b = pd.DataFrame([
        _b("1", "06.05.2012", "антиПутин", "Марш миллионов", "Болотная площадь", "449"),
        _b("2", "06.05.2012", "антиПутин", "Прогулка", "Манежная площадь", "202"),
        _b("3", "20.12.2011", "другое", "Задержание активистов",
           "Дом студента на Кравченко", "1"),                         # below threshold
        _b("4", "31.12.2012", "Стратегия-31", "Стратегия-31", "Триумфальная площадь", "28"),
        _b("5", "31.02.2012", "другое", "x", "Арбат", "2"),              # invalid date
        _b("6", "01.03.2012", "другое", "x", "Арбат", "много"),          # bad count
    ])
    c = pd.DataFrame([dict(zip(C_COLS, ["1", "12.01.2013", "Москва", "", "", "", "", "", "",
                                        "", "", "Акция,\nвторая строка", "", "ОВД", "Тверская",
                                        "5", ""])),
                      dict(zip(C_COLS, ["2", "12.12.2013", "Санкт-Петербург", "", "", "", "",
                                        "", "", "", "", "пикет", "", "", "Москва, Сенатская",
                                        "1", ""])),
                      dict(zip(C_COLS, ["3", "13.12.2013", "Казань", "", "", "", "", "", "",
                                        "", "", "пикет", "", "", "", "2", ""]))])
    files = {"report_data": tmp_path / "a.csv", "list_2012": tmp_path / "b.csv",
             "list_2013": tmp_path / "c.csv"}
    a.to_csv(files["report_data"], index=False)
    b.to_csv(files["list_2012"], index=False)
    c.to_csv(files["list_2013"], index=False)
    return files


def test_merge_counts_overlap_once_and_reports_conflicts(lists):
    res = inst.read_protests(files=lists)
    ov = res.overlaps.set_index("record_report_data")
    assert ov.loc[1, "status"] == "match_count_conflict"       # 450 vs 449
    assert ov.loc[2, "status"] == "match_count_conflict"       # 200 vs 202
    assert ov.loc[4, "status"] == "below_threshold"            # kept as two events
    ev = res.events
    may6 = ev[ev["date"] == "2012-05-06"]
    assert len(may6) == 2 and set(may6["list"]) == {"list_2012"}
    assert sorted(may6["detainees_other"].tolist()) == [200, 450]
    assert (ev["date"] == "2011-12-20").sum() == 2
    assert len(ev) == 4 - 2 + 4 + 3   # report_data minus matched, valid list_2012, list_2013


def test_rejects_carry_reasons(lists):
    rej = inst.read_protests(files=lists).rejects.set_index("source_id")
    assert rej.loc["5", "reason"].startswith("date is not a valid")
    assert rej.loc["6", "reason"].startswith("detainee count")
    assert set(rej["list"]) == {"list_2012"}


def test_regions_multiline_fields_and_notes(lists):
    ev = inst.read_protests(files=lists).events.set_index("event_id")
    assert ev.loc["list_2013:1", "description"] == "Акция,\nвторая строка"
    assert ev.loc["list_2013:1", "region_iso"] == "RU-MOW"
    assert ev.loc["list_2013:2", "region_iso"] == "RU-SPE"
    assert "москва" in ev.loc["list_2013:2", "note"]
    assert pd.isna(ev.loc["list_2013:3", "region_iso"])       # unknown region kept


def test_monthly_counts_with_band_and_zero_months(lists):
    res = inst.read_protests(files=lists)
    m = inst.protests_monthly(res.events)
    m.index = m["period"].astype(str)
    may = m.loc["2012-05"]
    assert (may["events"], may["detainees"]) == (2, 651)
    assert (may["detainees_low"], may["detainees_high"]) == (649, 652)
    assert m.loc["2012-06", "events"] == 0                      # a month without events
    assert m.index[0] == "2011-12" and m.index[-1] == "2013-12"
    by = inst.protests_monthly(res.events, by_region=True)
    assert set(by["region"]) == {"RU-MOW", "RU-SPE", "unknown"}
    assert by["events"].sum() == len(res.events)


def test_list_layout_and_arguments(tmp_path, lists):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"date": ["01.01.2012"], "place": ["x"]}).to_csv(bad, index=False)
    with pytest.raises(InputError) as e:
        read_ovdinfo_list(bad, "report_data")
    assert e.value.file.endswith("bad.csv") and e.value.column == "id"
    with pytest.raises(ValueError, match="list_id"):
        read_ovdinfo_list(bad, "list_2014")
    with pytest.raises(ValueError, match="keys"):
        inst.read_protests(files={"report_data": bad})


def test_normalize_place():
    out = normalize_place(pd.Series(["Пл. Революции", "м.Китай-город", "Ё-ул.  Тверская,14"]))
    assert out.tolist() == ["площадь революции", "метро китай-город", "е-улица тверская 14"]


def test_flow_accounts_for_every_record_of_each_list(lists):
    res = inst.read_protests(files=lists)
    flow = inst.protests_flow(res, files=lists).set_index("step")
    assert list(flow.index) == ["report_data", "list_2012", "list_2013"]
    assert flow["rows_in"].to_dict() == {"report_data": 4, "list_2012": 6, "list_2013": 3}
    # report_data: records 1 and 2 matched (folded into list_2012), 3 and 4 kept
    assert flow.loc["report_data", ["rows_out", "merged", "rejected"]].tolist() == [2, 2, 0]
    assert flow.loc["list_2012", ["rows_out", "merged", "rejected"]].tolist() == [4, 0, 2]
    assert flow.loc["list_2013", ["rows_out", "merged", "rejected"]].tolist() == [3, 0, 0]
    assert flow["source_id"].notna().all()
    # a record the reader lost would show as unaccounted
    lost = res.events[res.events["event_id"] != "list_2013:3"]
    short = inst.protests_flow(type(res)(events=lost, overlaps=res.overlaps,
                                         rejects=res.rejects), files=lists)
    gap = short["rows_in"] - short["rows_out"] - short["merged"] - short["rejected"]
    assert gap.tolist() == [0, 0, 1]

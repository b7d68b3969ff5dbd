"""parse_charges: unit cases, court-form labels, and golden tests on real strings.

The golden expectations were written after reading each ``articles_as_written`` string of
``notable_cases.csv``; they are keyed by defendant and the first words of the string, and
the source rows are read through the ``reference`` fixture (nothing copied here).
"""
from __future__ import annotations

import pandas as pd
import pytest

from repstats.errors import InputError
from repstats.text import parse_charges, render_charge


def _charges(text, **kw):
    out = parse_charges(pd.Series([text]), **kw)
    return [tuple(r) for r in out[["code", "article", "part", "paragraph"]]
            .astype(object).where(out[["code", "article", "part", "paragraph"]].notna(), None)
            .itertuples(index=False)]


@pytest.mark.parametrize("text, expected", [
    ("ч. 2 ст. 205.2 УК РФ", [("УК", "205.2", "2", None)]),
    ("п. «а» ч. 2 ст. 205.5 УК", [("УК", "205.5", "2", "а")]),
    ("ст.ст. 205.4 ч.1, 222 ч.1 УК", [("УК", "205.4", "1", None), ("УК", "222", "1", None)]),
    ("ч.1 ст.30, п. «б» ч.3 ст.228.1", [("УК", "228.1", "3", "б")]),
    ("ст. 20.3.3 КоАП", [("КоАП", "20.3.3", None, None)]),
    ("205.2(2)", [("УК", "205.2", "2", None)]),
    ("Art. 205.2 part 2", [("УК", "205.2", "2", None)]),
    ("Article 207.3, Part 2(d)", [("УК", "207.3", "2", "д")]),
    ("articles 280.3 and 207.3", [("УК", "280.3", None, None), ("УК", "207.3", None, None)]),
    ("ч. 1 и ч. 2 ст. 280 УК", [("УК", "280", "1", None), ("УК", "280", "2", None)]),
    ("п. «а», «б» и «в» ч. 2 ст. 151.2 УК", [("УК", "151.2", "2", "а,б,в")]),
    ("по второй части 280-й статьи", [("УК", "280", "2", None)]),
    ("ст.212 и 318 Уголовного кодекса", [("УК", "212", None, None), ("УК", "318", None, None)]),
    ("ст. 205.4 ч.1, ч. 2 ст. 222 УК", [("УК", "205.4", "1", None), ("УК", "222", "2", None)]),
    ("part 2 of article 205.4 of the criminal code", [("УК", "205.4", "2", None)]),
    ("ст. 20.2 ч. 8 КоАП РФ", [("КоАП", "20.2", "8", None)]),
    ("ст. 19.3", [("КоАП", "19.3", None, None)]),
])
def test_issue_examples(text, expected):
    assert _charges(text) == expected


def test_attempt_preparation_and_complicity_flags():
    out = parse_charges(pd.Series(["ч.1 ст.30, п. «б» ч.3 ст.228.1",
                                   "ч. 3 ст. 30, ч. 5 ст. 33, п. «г» ч. 4 ст. 228.1 УК РФ",
                                   "ч. 2 ст. 205.2 УК РФ"]))
    assert out[["attempt", "preparation"]].astype(bool).values.tolist() == [
        [False, True], [True, False], [False, False]]
    assert out["complicity"].tolist()[1] == "accessory"
    assert out["article"].tolist() == ["228.1", "228.1", "205.2"]


@pytest.mark.parametrize("label, expected", [
    # article labels as the court forms write them (typed here, not copied from files)
    ("205.2 ч.2", [("205.2", "2", None)]),
    ("205.2 ч. 2", [("205.2", "2", None)]),
    ("205.2ч.2 ", [("205.2", "2", None)]),
    ("212.1 ч1.1", [("212.1", "1.1", None)]),
    ("229.1 ч. 2 п. <<а>>", [("229.1", "2", "а")]),
    ("222.1 ч. 3  <<а>>, <<б>>, <<в>>", [("222.1", "3", "а,б,в")]),
    ("159 ч. 5, ч. 6, ч.7", [("159", "5", None), ("159", "6", None), ("159", "7", None)]),
    ("136;\n136 ч. 2 стар. ред.", [("136", None, None), ("136", "2", None)]),
    ("134 ч. 1 (в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ)", [("134", "1", None)]),
    ("118 ч. 3 (утратила силу - ФЗ от 08.12.2003 № 162-ФЗ)", [("118", "3", None)]),
    ("110 ч. 1, (включая ст. 110 старой редакции)", [("110", "1", None)]),
    ("210.1", [("210.1", None, None)]),
])
def test_court_form_labels(label, expected):
    got = [c[1:] for c in _charges(label)]
    assert got == expected


def test_annotation_kept_in_unparsed():
    out = parse_charges(pd.Series(["134 ч. 1 (в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ)"]))
    assert "29.02.2012" in out.loc[0, "unparsed"]


@pytest.mark.parametrize("label, why", [
    ("205-274", "article range"),
    ("ВСЕГО ПО ГЛАВЕ 24. ПРЕСТУПЛЕНИЯ ПРОТИВ ОБЩЕСТВЕННОЙ БЕЗОПАСНОСТИ", "no article"),
    ("found guilty of creating a terrorist group (2019)", "no article"),
    ("", "empty"),
    (None, "missing"),
    (3.0, "no article"),
])
def test_no_charge_keeps_the_row_with_a_reason(label, why):
    out = parse_charges(pd.Series([label], index=["x"]))
    assert len(out) == 1 and out.loc[0, "row"] == "x"
    assert pd.isna(out.loc[0, "article"]) and why in out.loc[0, "reason"]


def test_rows_in_input_order_and_labels_kept():
    s = pd.Series(["ст. 280.3 ч. 1", None, "ст.ст. 205.4 ч.1, 222 ч.1 УК", "ст. 280.3 ч. 1"],
                  index=[10, 20, 30, 40])
    before = s.copy()
    out = parse_charges(s)
    assert out["row"].tolist() == [10, 20, 30, 30, 40]
    assert out["position"].tolist()[2:4] == [0, 1]
    pd.testing.assert_series_equal(s, before)
    assert set(out["row"]) == set(s.index)


def test_dedupe_drops_repeated_mentions_only():
    s = pd.Series(["'ст. 282.2 (1) УК РФ' (blog); 'ч. 1 ст. 282.2 УК РФ' (same blog)"])
    assert len(parse_charges(s)) == 2
    assert len(parse_charges(s, dedupe=True)) == 1


def test_strict_names_first_bad_row():
    s = pd.Series(["ч. 2 ст. 205.2 УК РФ", "no article here", "also none"], index=["a", "b", "c"])
    with pytest.raises(InputError, match=r"'no article here'.*'b'"):
        parse_charges(s, strict=True)
    assert len(parse_charges(s.iloc[:1], strict=True)) == 1


def test_not_a_series_is_one_precise_error():
    with pytest.raises(ValueError, match="pandas Series"):
        parse_charges(["ч. 2 ст. 205.2"])


def test_render_charge_examples_and_errors():
    assert render_charge("УК", "228.1", "3", "б", preparation=True) == \
        "ч. 1 ст. 30, п. «б» ч. 3 ст. 228.1 УК РФ"
    assert render_charge("КоАП", "20.3.3") == "ст. 20.3.3 КоАП РФ"
    with pytest.raises(ValueError, match="article"):
        render_charge("УК", "abc")
    with pytest.raises(ValueError, match="code"):
        render_charge("GK", "205.2")


CHARGES = {
    ('Dmitry Pchelintsev', "MEMRI: 'mainly charged under"): [('205.4', None, None)],
    ('Ilya Shakursky', "MEMRI: 'mainly charged under"): [('205.4', None, None)],
    # no article number in the text: one row, reason set
    ('Andrei Chernov', "TASS: 'found guilty of"): [],
    ('Maxim Ivankin', "TASS: 'found guilty of"): [],
    ('Mikhail Kulkov', "TASS: 'found guilty of"): [],
    ('Vasily Kuksov', "Rupression: 'accused of involvement"): [],
    ('Arman Sagynbaev', "TASS: 'participating in a"): [],
    ('Viktor Filinkov', "'второй части статьи 205.4"): [('205.4', '2', None)],
    ('Yuli Boyarshinov', "'второй части статьи 205.4"): [('205.4', '2', None)],
    ('Igor Shishkin', "'статье «Участие в террористическом"): [],
    ('Azat Miftakhov', "'ч. 2 ст. 213"): [('213', '2', None)],
    ('Elena Gorban', "'хулиганство по предварительному сговору'"): [('213', '2', None)],
    ('Andrei Eikin', "'хулиганство по предварительному сговору'"): [('213', '2', None)],
    ('Azat Miftakhov', "'ч. 1 ст. 205.2"): [('205.2', '1', None)],
    ('Konstantin Kotov', "'статья 212.1 УК РФ'"): [('212.1', None, None)],
    ('Pavel Ustinov', "'ч. 2 ст. 318"): [('318', '2', None)],
    ('Egor Zhukov', "'ч.2 ст.280 УК РФ"): [('280', '2', None)],
    ('Kirill Zhukov', "'ч. 1 ст. 318"): [('318', '1', None)],
    ('Evgeny Kovalenko', "'по двум эпизодам ч."): [('318', '1', None)],
    ('Ivan Podkopaev', "'ч. 1 ст. 318"): [('318', '1', None)],
    # the second charge is the one he was requalified *from*; the parser cannot tell
    ('Danila Beglets', "'часть 1 статьи 318"): [('318', '1', None), ('212', '2', None)],
    ('Vladislav Sinitsa', "'пункт «а» части 2"): [('282', '2', 'а')],
    ('Nikita Chirtsov', "'ч. 1 ст. 318"): [('318', '1', None)],
    ('Pavel Novikov', "'ч. 1 ст. 318"): [('318', '1', None)],
    ('Egor Lesnykh', "'ч. 1 ст. 318"): [('318', '1', None)],
    ('Maxim Martintsov', "'ч. 1 ст. 318"): [('318', '1', None)],
    ('Alexander Mylnikov', "'ч. 1 ст. 318"): [('318', '1', None)],
    ('Sergei Surovtsev', "'применение насилия в отношении"): [],
    # indictment parts, then the verdict's bare articles: both are written, both are read
    ('Sergei Krivov', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Andrei Barabanov', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Stepan Zimin', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Denis Lutskevich', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Alexei Polikhovich', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Artyom Savelov', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Yaroslav Belousov', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Alexandra Naumova (Dukhanina)', "As charged: 'участие в"): [('212', '2', None), ('318', '1', None), ('212', None, None), ('318', None, None)],
    ('Sergei Udaltsov', "'признаны виновными в организации"): [],
    ('Leonid Razvozzhaev', "'организации массовых беспорядков ..."): [],
    ('Ruslan Kostylenkov', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Vyacheslav Kryukov', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Pyotr Karamzin', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Dmitry Poletaev', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Maxim Roshchin', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Maria Dubovik', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Anna Pavlikova', "'часть 1 статьи 282.1"): [('282.1', '1', None)],
    ('Alexei Gorinov', "'ч. 2 ст. 207.3"): [('207.3', '2', None), ('207.3', '2', 'а,б,д')],
    ('Ilya Yashin', "'п. «д» ч. 2"): [('207.3', '2', 'д')],
    ('Vladimir Kara-Murza', "'госизмене (ст. 275 УК),"): [('275', None, None), ('207.3', '2', 'д'), ('284.1', '1', None)],
    ('Alexandra (Sasha) Skochilenko', "'п. «д» ч. 2"): [('207.3', '2', 'д'), ('207.3', None, None)],
    ('Maria Ponomarenko', "'ч. 2 ст. 207.3"): [('207.3', '2', None)],
    ('Igor Baryshnikov', "'п. «д» ч. 2"): [('207.3', '2', 'д')],
    ('Dmitry Ivanov', '\'clause "d" part 2'): [('207.3', '2', 'д')],
    ('Mikhail Simonov', "'п. «д» ч. 2"): [('207.3', '2', 'д')],
    ('Oleg Orlov', "'ч. 1 ст. 280.3"): [('280.3', '1', None)],
    ('Alexei Moskalev', "'ч. 1 ст. 280.3"): [('280.3', '1', None)],
    ('Svetlana Prokopyeva', "'ч. 2 ст. 205.2"): [('205.2', '2', None)],
    ('Boris Kagarlitsky', "'ч. 2 ст. 205.2"): [('205.2', '2', None)],
    ('Evgenia Berkovich', "'ч. 2 ст. 205.2"): [('205.2', '2', None)],
    ('Svetlana Petriychuk', "'ч. 2 ст. 205.2"): [('205.2', '2', None)],
    ('Alexei Navalny', 'As sent to court'): [('282.1', '3', None), ('280', '1', None), ('280', '2', None), ('282.3', '2', None), ('151.2', '2', 'а,б,в'), ('239', '2', None), ('354.1', '3', None)],
    ('Daniel Kholodny', 'As sent to court'): [('282.1', '2', None), ('282.3', '2', None)],
    ('Alexei Navalny', "'виновным в особо крупном"): [],
    ('Liliya Chanysheva', "Charged Sept 2022: 'ч."): [('282.1', '3', None), ('280', '1', None), ('239', '3', None)],
    ('Andrei Pivovarov', "'ст. 284.1 УК РФ'"): [('284.1', None, None)],
    ('Dennis Christensen', "'ст. 282.2 (1) УК"): [('282.2', '1', None)],
    ('Alexander Ivshin', "'«Организация деятельности экстремистской организации»"): [('282.2', '1', None)],
    ('Ruslan Zeytullaev', "Charged 'части 1 статьи"): [('205.5', '1', None), ('205.5', '2', None)],
    ('Ruslan Zeytullaev', "'ч. 1 ст. 205.5"): [('205.5', '1', None)],
    ('Ferat Sayfullaev', 'OVD-Info: four men found'): [('205.5', None, None)],
    ('Rustem Vaitov', 'OVD-Info: four men found'): [('205.5', None, None)],
    ('Nuri Primov', 'OVD-Info: four men found'): [('205.5', None, None)],
    ('Ivan Safronov', "'госизмене (ст. 275 УК"): [('275', None, None)],
    ('Ksenia Karelina', "'по статье 275 («Государственная"): [('275', None, None)],
}


@pytest.mark.mirror
def test_golden_notable_cases(reference):
    cases = pd.read_csv(reference / "notable_cases.csv", dtype=str)
    out = parse_charges(cases["articles_as_written"], dedupe=True)
    seen = set()
    for label, row in cases.iterrows():
        text = row["articles_as_written"]
        if pd.isna(text):
            continue
        key = next((k for k in CHARGES if k[0] == row["name_en"] and text.startswith(k[1])),
                   None)
        assert key is not None, f"no expectation for {row['name_en']!r}: {text[:40]!r}"
        seen.add(key)
        got = out[(out["row"] == label) & out["article"].notna()]
        got = [(a, None if pd.isna(p) else p, None if pd.isna(q) else q)
               for a, p, q in got[["article", "part", "paragraph"]].itertuples(index=False)]
        assert got == CHARGES[key], (row["name_en"], text[:60])
        if not CHARGES[key]:
            assert out.loc[out["row"] == label, "reason"].iloc[0] == "no article number found"
    assert seen == set(CHARGES)
    assert (out.loc[out["article"].notna(), "code"] == "УК").all()

"""Number words, sanction clauses and article texts (repstats.statutes.numerals/clauses/
codetext); the mirror test checks every article of the Code text against the table."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from repstats.statutes import parse_sanction, sanctions_table
from repstats.statutes.check import PROBLEM_STATUSES, compare_with_text
from repstats.statutes.clauses import GENERAL_MIN_MONTHS, parse_term
from repstats.statutes.codetext import read_article, read_code_dir, split_parts
from repstats.statutes.numerals import words_to_number


@pytest.mark.parametrize("words, value", [
    ("один", 1), ("одного", 1), ("одной", 1), ("одну", 1), ("одним", 1),
    ("два", 2), ("две", 2), ("двух", 2), ("двумя", 2),
    ("трех", 3), ("трёх", 3), ("тремя", 3), ("четырех", 4), ("четырьмя", 4),
    ("пять", 5), ("пяти", 5), ("пятью", 5), ("шести", 6), ("семи", 7),
    ("восемь", 8), ("восьми", 8), ("восемью", 8), ("девяти", 9), ("десяти", 10),
    ("двенадцати", 12), ("пятнадцати", 15), ("восемнадцати", 18), ("двадцати", 20),
    ("двадцати пяти", 25), ("тридцати", 30), ("сорока", 40), ("шестидесяти", 60),
    ("восьмидесяти", 80), ("ста", 100), ("двухсот сорока", 240),
    ("трехсот шестидесяти", 360), ("четырехсот восьмидесяти", 480),
    ("полутора", Fraction(3, 2)), ("полтора", Fraction(3, 2)), ("12", 12),
])
def test_number_words(words, value):
    assert words_to_number(words) == value


@pytest.mark.parametrize("bad", ["пяти двадцати", "двадцати двадцати", "лет", "", "пятак"])
def test_number_words_reject(bad):
    with pytest.raises(ValueError):
        words_to_number(bad)


@given(st.integers(min_value=1, max_value=30))
def test_number_words_genitive_roundtrip(n):
    genitive = {1: "одного", 2: "двух", 3: "трех", 4: "четырех", 8: "восьми"}
    soft = {5: "пять", 6: "шесть", 7: "семь", 9: "девять", 10: "десять",
            11: "одиннадцать", 12: "двенадцать", 13: "тринадцать", 14: "четырнадцать",
            15: "пятнадцать", 16: "шестнадцать", 17: "семнадцать", 18: "восемнадцать",
            19: "девятнадцать", 20: "двадцать", 30: "тридцать"}
    if n in genitive:
        word = genitive[n]
    elif n in soft:
        word = soft[n][:-1] + "и"
    else:
        word = "двадцати " + (genitive.get(n - 20) or soft[n - 20][:-1] + "и")
    assert words_to_number(word) == n


@pytest.mark.parametrize("text, expected", [
    ("на срок от пятнадцати до двадцати лет", (180, 240, "months")),
    ("на срок от одного года до двух лет", (12, 24, "months")),
    ("на срок от шести месяцев до двух лет", (6, 24, "months")),
    ("на срок до полутора лет", (None, 18, "months")),
    ("на срок до одного года", (None, 12, "months")),
    ("на срок до восемнадцати месяцев", (None, 18, "months")),
    ("на срок от двух месяцев до двадцати лет", (2, 240, "months")),
    ("на срок до двадцати пяти лет", (None, 300, "months")),
    ("на срок до четырехсот восьмидесяти часов", (None, 480, "hours")),
])
def test_parse_term(text, expected):
    assert parse_term(text) == expected


def test_parse_term_without_term():
    with pytest.raises(ValueError, match="no term"):
        parse_term("наказывается пожизненным лишением свободы")


def test_sanction_with_life_and_additional_punishments():
    s = parse_sanction(
        "наказываются лишением свободы на срок от пятнадцати до двадцати лет со\n"
        "штрафом в размере до одного миллиона рублей либо без такового и с\n"
        "ограничением свободы на срок от одного года до двух лет или пожизненным лишением\n"
        "свободы. (В редакции Федерального закона от 05.05.2014 № 130-ФЗ)")
    assert (s.min_months, s.max_months, s.life, s.general_floor) == (180, 240, True, False)
    assert s.main == ("imprisonment", "life")
    assert s.additional == ("fine", "restriction_of_freedom")


def test_sanction_up_to_uses_general_minimum():
    s = parse_sanction("наказывается лишением свободы на срок до десяти лет.")
    assert (s.min_months, s.max_months) == (GENERAL_MIN_MONTHS, 120)
    assert s.general_floor


def test_sanction_same_term_refers_to_previous_punishment():
    s = parse_sanction("наказываются ограничением свободы на срок до двух лет, либо "
                       "принудительными работами на срок до трех лет, либо лишением свободы "
                       "на тот же срок.")
    assert (s.min_months, s.max_months) == (2, 36)
    assert s.main == ("restriction_of_freedom", "forced_labour", "imprisonment")


def test_disqualification_same_term_is_not_imprisonment():
    # "на тот же срок" after "лишением права" must not change the prison term
    s = parse_sanction("наказываются штрафом в размере от ста тысяч до трехсот тысяч рублей, "
                       "либо лишением свободы на срок до четырех лет с лишением права "
                       "занимать определенные должности на тот же срок.")
    assert (s.min_months, s.max_months) == (2, 48)
    assert s.additional == ("disqualification",)


def test_sanction_months_and_years_mixed():
    s = parse_sanction("наказывается лишением свободы на срок от шести месяцев до "
                       "полутора лет.")
    assert (s.min_months, s.max_months) == (6, 18)


def test_sanction_without_imprisonment():
    s = parse_sanction("наказываются штрафом в размере до трехсот тысяч рублей либо "
                       "обязательными работами на срок до трехсот шестидесяти часов, либо "
                       "исправительными работами на срок до одного года.")
    assert not s.imprisonment and s.min_months is None and s.max_months is None
    assert s.main == ("fine", "compulsory_work", "corrective_work")


def test_sanction_fine_period_in_months_is_not_prison():
    s = parse_sanction("наказывается штрафом в размере до двухсот тысяч рублей или в размере "
                       "заработной платы за период до восемнадцати месяцев, либо арестом на "
                       "срок до шести месяцев, либо лишением свободы на срок до пяти лет.")
    assert (s.min_months, s.max_months) == (2, 60)


def test_sanction_errors():
    with pytest.raises(ValueError, match="no sanction clause"):
        parse_sanction("Участие в массовых беспорядках")
    with pytest.raises(ValueError, match="expects a string"):
        parse_sanction(None)
    with pytest.raises(ValueError, match="without a readable term"):
        parse_sanction("наказывается лишением свободы.")


_ARTICLE = """---
номер: "999.1"
---
# Статья 9991. Пример

1. Первое деяние -

наказывается лишением свободы на срок от двух до пяти лет. (В
редакции Федерального закона от 06.07.2016 № 375-ФЗ)

11. Склонение к деянию, предусмотренному частью первой статьи 9991, -

наказываются лишением свободы на срок от пяти до десяти лет или пожизненным
лишением свободы.

(Дополнение частью - Федеральный закон от 05.05.2014 № 130-ФЗ)

2. (Часть утратила силу - Федеральный закон от 01.01.2020 № 1-ФЗ)

3. Деяния, предусмотренные частями первой или первой1, -

наказываются штрафом в размере до одного миллиона рублей.

Примечание. 1. Лицо освобождается.

11. Под склонением понимается ...
"""


def test_split_parts_reads_flattened_superscripts_and_stops_at_notes():
    parts = split_parts(_ARTICLE)
    assert parts["part"].tolist() == ["1", "1.1", "2", "3"]
    assert parts["repealed"].tolist() == [False, False, True, False]


def test_read_article():
    df = read_article(_ARTICLE, "999.1")
    first = df.set_index("part").loc["1"]
    assert (first.min_months, first.max_months, first.sanction_laws) == (24, 60, "375-ФЗ")
    sup = df.set_index("part").loc["1.1"]
    assert (sup.min_months, sup.max_months, bool(sup.life)) == (60, 120, True)
    third = df.set_index("part").loc["3"]
    assert third.has_sanction and not third.imprisonment


def test_article_without_parts():
    text = "# Статья 9. Деяние\n\nДеяние, -\n\nнаказывается лишением свободы на срок от " \
           "десяти до двадцати лет.\n"
    df = read_article(text, "9")
    assert df["part"].tolist() == ["—"]
    assert (df.loc[0, "min_months"], df.loc[0, "max_months"]) == (120, 240)


@pytest.mark.mirror
def test_every_article_in_the_mirror_agrees_with_the_table(mirror):
    parsed = read_code_dir(mirror / "criminal_code")
    check = compare_with_text(sanctions_table(), parsed)
    problems = check[check["status"].isin(PROBLEM_STATUSES)]
    assert problems.empty, problems[["article", "part", "status", "detail"]].to_string()
    # every article file was read and every sanction part was compared
    files = sorted(p.name for p in (mirror / "criminal_code").glob("ст.*.md"))
    assert sorted(parsed["file"].unique()) == files
    with_sanction = parsed[parsed["has_sanction"]]
    agreed = check[check["status"] == "agree"]
    assert len(agreed) >= len(with_sanction)
    assert {"205.4", "275", "282.2", "354.1"} <= set(agreed["article"])


@pytest.mark.mirror
def test_general_minimum_is_read_in_article_56(mirror):
    text = (mirror / "criminal_code" / "ст.56.md").read_text(encoding="utf-8")
    part2 = split_parts(text).set_index("part").loc["2", "text"]
    assert parse_term(part2)[:2] == (GENERAL_MIN_MONTHS, 240)


@pytest.mark.mirror
def test_mirror_parts_with_superscripts(mirror):
    parsed = read_code_dir(mirror / "criminal_code")
    parts = parsed.groupby("article")["part"].apply(list)
    assert parts["205.1"] == ["1", "1.1", "2", "3", "4"]
    assert parts["212"] == ["1", "1.1", "2", "3", "4"]
    assert parts["275"] == ["—"]
    row = parsed.set_index(["article", "part"]).loc[("205.1", "1.1")]
    assert (row.min_months, row.max_months, bool(row.life)) == (96, 180, True)


def test_part_labels_after_superscripts_and_two_digit_parts():
    body = "\n\n".join(
        f"{label}. Деяние -\n\nнаказывается лишением свободы на срок до {w} лет."
        for label, w in [("1", "двух"), ("11", "трех"), ("12", "четырех"), ("2", "пяти"),
                         ("21", "шести"), ("3", "семи"), ("4", "восьми"), ("5", "девяти"),
                         ("6", "десяти"), ("7", "двух"), ("8", "двух"), ("9", "двух"),
                         ("10", "двух"), ("11", "двух")])
    parts = read_article("# Статья 1\n\n" + body, "1")
    assert parts["part"].tolist() == ["1", "1.1", "1.2", "2", "2.1", "3", "4", "5", "6",
                                      "7", "8", "9", "10", "11"]
    assert parts.set_index("part").loc["1.2", "max_months"] == 48

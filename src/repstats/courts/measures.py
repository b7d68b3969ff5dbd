"""Canonical measure names and the header-text rules that assign them.

Every value column of forms 10-а, 10.3 and 10.3.1 is named from its header text (all
header levels joined with ``" | "``), never from its position. A rule names the measure,
the form, the patterns that must all occur in the normalised header text and the patterns
that must not; the first matching rule wins. A column no rule matches is an error, so a
new or renamed column is never silently dropped or mislabelled.

:data:`MEASURES` is the single table of measures: name, unit and an English description.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..errors import InputError


@dataclass(frozen=True)
class Measure:
    """A canonical measure: ``name``, ``unit`` ("persons", "offences" or "rubles") and an
    English ``description``."""

    name: str
    unit: str
    description: str


def _m(name, description, unit="persons"):
    return Measure(name, unit, description)


_BRACKETS = [
    ("imprisonment_upto_1y", "imprisonment of up to 1 year inclusive"),
    ("imprisonment_1_2y", "imprisonment over 1 and up to 2 years inclusive (from 2011)"),
    ("imprisonment_2_3y", "imprisonment over 2 and up to 3 years inclusive (from 2011)"),
    ("imprisonment_1_3y", "imprisonment over 1 and up to 3 years inclusive (2009–2010)"),
    ("imprisonment_3_5y", "imprisonment over 3 and up to 5 years inclusive"),
    ("imprisonment_5_8y", "imprisonment over 5 and up to 8 years inclusive"),
    ("imprisonment_8_10y", "imprisonment over 8 and up to 10 years inclusive"),
    ("imprisonment_10_15y", "imprisonment over 10 and up to 15 years inclusive"),
    ("imprisonment_15_20y", "imprisonment over 15 and up to 20 years inclusive"),
]
_FINE_SIZES = [
    ("upto_5k", "up to 5 thousand rubles"),
    ("5k_25k", "over 5 and up to 25 thousand rubles"),
    ("25k_100k", "over 25 and up to 100 thousand rubles (from 2014)"),
    ("25k_500k", "over 25 and up to 500 thousand rubles (2011–2013)"),
    ("100k_300k", "over 100 and up to 300 thousand rubles (from 2014)"),
    ("300k_500k", "over 300 and up to 500 thousand rubles (from 2014)"),
    ("500k_1m", "over 500 thousand and up to 1 million rubles"),
    ("over_1m", "over 1 million rubles"),
    ("over_100k", "over 100 thousand rubles (court fines only)"),
]
_FINE_KINDS = [
    ("fine_main", "persons fined as main punishment (10.3 'штраф'), by fine size: "),
    ("fine_additional", "persons fined as additional punishment, by fine size: "),
    ("court_fine", "persons given a court fine (art. 104.4 CC, case dismissed), by size: "),
]

#: Every measure the reader can produce.
MEASURES: tuple[Measure, ...] = tuple([
    # 10.3 and 10.3.1: imprisonment and brackets
    _m("convicted_total", "all persons convicted, by the most serious offence (10.3 "
       "'ВСЕГО ОСУЖДЕНО')"),
    _m("life_imprisonment", "life imprisonment"),
    _m("imprisonment", "imprisonment (real, not suspended) as main punishment; in 10.3.1 "
       "that form's own total 'Лишение свободы: всего'"),
    *[_m(n, d) for n, d in _BRACKETS],
    _m("below_minimum", "imprisonment imposed below the statutory minimum ('наказание "
       "назначено ниже низшего предела: лишение свободы'); part of imprisonment"),
    # 10.3 other main punishments
    _m("suspended_imprisonment", "suspended sentence of imprisonment"),
    _m("suspended_other", "suspended sentence of another punishment"),
    _m("disciplinary_military_unit", "detention in a disciplinary military unit"),
    _m("arrest", "arrest (never brought into force; normally zero)"),
    _m("restriction_of_liberty", "restriction of liberty as main punishment"),
    _m("restriction_liberty_military_combined", "2009 only: restriction of liberty, "
       "restriction in military service and disciplinary military unit in one column"),
    _m("military_service_restriction", "restriction in military service"),
    _m("correctional_labour", "correctional labour ('исправительные работы')"),
    _m("compulsory_labour", "compulsory labour ('обязательные работы')"),
    _m("forced_labour", "forced labour ('принудительные работы', from 2017 in force)"),
    _m("disqualification", "deprivation of the right to hold posts or engage in an "
       "activity, as main punishment"),
    _m("fine", "fine as main punishment"),
    # 10.3 released
    _m("released_amnesty", "convicted but released from punishment under amnesty "
       "(to 2018)"),
    _m("released_amnesty_from_imprisonment", "released under amnesty from imprisonment "
       "(from 2019)"),
    _m("released_amnesty_from_other", "released under amnesty from other punishments "
       "(from 2019)"),
    _m("released_other_from_imprisonment", "released from imprisonment on other grounds"),
    _m("released_other_from_other", "released from other punishments on other grounds, "
       "or no punishment imposed"),
    _m("released_time_served_from_imprisonment", "released from imprisonment because of "
       "time served in custody or house arrest (from 2019)"),
    _m("released_time_served_from_other", "released from other punishments because of "
       "time served in custody or house arrest (from 2019)"),
    # outcomes other than conviction (10.3)
    _m("acquitted", "persons acquitted (10.3 'Оправдано'; 10-а 'число оправданных по "
       "основной статье')"),
    _m("dismissed_no_crime", "cases dismissed for absence of a crime or of its elements "
       "or non-involvement"),
    _m("dismissed_amnesty", "cases dismissed under amnesty"),
    _m("dismissed_reconciliation", "cases dismissed after reconciliation with the victim"),
    _m("dismissed_active_repentance", "cases dismissed for active repentance"),
    _m("dismissed_article_notes", "of the dismissed, on the basis of notes to CC articles"),
    _m("dismissed_court_fine", "cases dismissed with a court fine (art. 25.1 CPC, from "
       "2017)"),
    _m("dismissed_other", "cases dismissed on other grounds"),
    _m("compulsory_medical_measures", "compulsory medical measures for the insane (10.3)"),
    # 10.3 additional punishments and attributes
    _m("additional_disqualification", "additional punishment: deprivation of the right to "
       "hold posts or engage in an activity"),
    _m("additional_fine", "additional punishment: fine"),
    _m("additional_deprivation_of_rank", "additional punishment: deprivation of a special, "
       "military or honorary title, class rank or state awards"),
    _m("additional_restriction_of_liberty", "additional punishment: restriction of liberty"),
    _m("corruption_motive", "of the convicted, with a corruption motive (2010–2012)"),
    _m("unfinished_offence", "offence not completed (preparation, attempt)"),
    _m("justified_self_defence", "act committed in necessary self-defence (art. 37 CC)"),
    _m("justified_necessity", "act committed in extreme necessity (art. 39 CC)"),
    _m("justified_other_circumstances", "act committed in circumstances of arts. 38, "
       "40–42 CC"),
    # 10.3.1 fines
    *[_m(f"{k}_{s}", d + sd) for k, d in _FINE_KINDS for s, sd in _FINE_SIZES],
    _m("fine_main_persons", "persons fined as main punishment, total (from 2018)"),
    _m("fine_main_amount_rub", "total amount of main-punishment fines (from 2018)",
       "rubles"),
    _m("fine_additional_persons", "persons fined as additional punishment, total "
       "(from 2018)"),
    _m("fine_additional_amount_rub", "total amount of additional-punishment fines "
       "(from 2018)", "rubles"),
    _m("court_fine_persons", "persons given a court fine (art. 104.4 CC), total "
       "(from 2018)"),
    _m("court_fine_amount_rub", "total amount of court fines (from 2018)", "rubles"),
    # 10-а
    _m("convicted_main", "persons convicted under this article as the main (most "
       "serious) qualification"),
    _m("additional_persons", "persons convicted with this article as an additional "
       "qualification (2009: the single column 'число осужденных по дополнительной "
       "квалификации')"),
    _m("additional_counts", "offences (counts) of this article in additional "
       "qualification of convictions", "offences"),
    _m("additional_acquitted_persons", "persons acquitted of this article as an "
       "additional qualification"),
    _m("additional_acquitted_counts", "counts of this article acquitted in additional "
       "qualification", "offences"),
    _m("additional_dismissed_no_crime_persons", "persons whose additional qualification "
       "was dismissed for absence of a crime (2015–2018 header just 'Прекращено', the "
       "column paired with the main-article 'no crime' dismissals)"),
    _m("additional_dismissed_no_crime_counts", "counts of additional qualification "
       "dismissed for absence of a crime", "offences"),
    _m("additional_dismissed_other_persons", "persons whose additional qualification was "
       "dismissed on other grounds"),
    _m("additional_dismissed_other_counts", "counts of additional qualification dismissed "
       "on other grounds", "offences"),
    _m("insane_persons", "persons found insane / given compulsory medical measures, by "
       "the main article (10-а, from 2015)"),
    _m("insane_counts", "counts of offences of persons found insane (2015–2018)",
       "offences"),
    _m("insane_additional_counts", "counts of offences in additional qualification of "
       "persons given compulsory medical measures (from 2019)", "offences"),
])
MEASURE_NAMES = frozenset(m.name for m in MEASURES)

_A = "10-a"
_P = "10.3"
_S = "10.3.1"
_ADD = r"дополнительн"
_PERS = r"по числу лиц"
_CNT = r"по количеству составов"
_REL = r"освобожден"
_DISM = r"прекращ"

#: Ordered rules ``(measure, forms, must-match patterns, must-not-match patterns)``.
RULES: tuple = (
    # ---------------- 10-а
    ("insane_additional_counts", {_A}, [r"невменяем", _ADD, _CNT], []),
    ("insane_counts", {_A}, [r"невменяем", _CNT], []),
    ("insane_persons", {_A}, [r"невменяем"], []),
    ("additional_acquitted_persons", {_A}, [r"оправд", _PERS], []),
    ("additional_acquitted_counts", {_A}, [r"оправд", _CNT], []),
    ("acquitted", {_A}, [r"оправд"], [_ADD]),
    ("additional_dismissed_other_persons", {_A}, [_DISM, r"ины[мх] основани", _PERS], []),
    ("additional_dismissed_other_counts", {_A}, [_DISM, r"ины[мх] основани", _CNT], []),
    ("dismissed_other", {_A}, [_DISM, r"ины[мх] основани"], [_ADD]),
    ("additional_dismissed_no_crime_persons", {_A}, [_DISM, _PERS], []),
    ("additional_dismissed_no_crime_counts", {_A}, [_DISM, _CNT], []),
    ("dismissed_no_crime", {_A}, [_DISM, r"отсутстви"], [_ADD]),
    ("additional_counts", {_A}, [_ADD, _CNT], []),
    ("additional_persons", {_A}, [_ADD], [_CNT]),
    ("convicted_main", {_A}, [r"осужденных по основной статье"], []),
    # ---------------- 10.3.1 fines (before generic 'штраф' rules)
    *[(f"{kind}_{size}", {_S}, [group, pattern], excl)
      for kind, group, excl in (
          ("court_fine", r"судебн\w* штраф|104\.4", []),
          ("fine_additional", r"дополнительное наказание", [r"судебн\w* штраф"]),
          ("fine_main", r"основное наказание", [r"судебн\w* штраф"]))
      for size, pattern in (
          ("upto_5k", r"до 5 тыс"), ("5k_25k", r"свыше 5 тыс\.? до 25 тыс"),
          ("25k_100k", r"свыше 25 тыс\.? до 100 тыс"),
          ("25k_500k", r"свыше 25 тыс\.? до 500 тыс"),
          ("100k_300k", r"свыше 100 тыс\.? до 300 тыс"),
          ("300k_500k", r"свыше 300 тыс\.? до 500 тыс"),
          ("500k_1m", r"свыше 500 тыс\.? до 1 млн"), ("over_1m", r"свыше 1 млн"),
          ("over_100k", r"свыше 100 тыс\.?$"))],
    *[(f"{kind}_{what}", {_S}, [group, pattern], excl)
      for kind, group, excl in (
          ("court_fine", r"судебн\w* штраф|104\.4", []),
          ("fine_additional", r"дополнительное наказание", [r"судебн\w* штраф"]),
          ("fine_main", r"основное наказание", [r"судебн\w* штраф"]))
      for what, pattern in (("persons", r"всего лиц"), ("amount_rub", r"всего руб"))],
    # ---------------- brackets and imprisonment (10.3 in 2009–2010, 10.3.1 from 2011)
    ("below_minimum", {_P, _S}, [r"ниже низшего предела"], []),
    ("imprisonment_upto_1y", {_P, _S}, [r"(^|\| )до 1 года"], []),
    ("imprisonment_1_2y", {_P, _S}, [r"свыше 1 до 2 лет"], []),
    ("imprisonment_2_3y", {_P, _S}, [r"свыше 2 до 3 лет"], []),
    ("imprisonment_1_3y", {_P, _S}, [r"свыше 1 до 3 лет"], []),
    ("imprisonment_3_5y", {_P, _S}, [r"свыше 3 до 5 лет"], []),
    ("imprisonment_5_8y", {_P, _S}, [r"свыше 5 до 8 лет"], []),
    ("imprisonment_8_10y", {_P, _S}, [r"свыше 8 до 10 лет"], []),
    ("imprisonment_10_15y", {_P, _S}, [r"свыше 10 до 15 лет"], []),
    ("imprisonment_15_20y", {_P, _S}, [r"свыше 15 до 20 лет"], []),
    ("imprisonment", {_S}, [r"лишение свободы: ?всего"], []),
    # ---------------- 10.3
    ("convicted_total", {_P}, [r"всего осуждено"], []),
    ("life_imprisonment", {_P}, [r"пожизненное лишение свободы"], []),
    ("released_time_served_from_imprisonment", {_P},
     [_REL, r"зачетом срока", r"от лишения свободы"], []),
    ("released_time_served_from_other", {_P}, [_REL, r"зачетом срока", r"от иных мер"], []),
    ("released_amnesty_from_imprisonment", {_P},
     [_REL, r"амнисти", r"от лишения свободы"], []),
    ("released_amnesty_from_other", {_P}, [_REL, r"амнисти", r"от иных мер"], []),
    ("released_amnesty", {_P}, [_REL, r"амнисти"], []),
    ("released_other_from_imprisonment", {_P}, [_REL, r"от лишения свободы"], []),
    ("released_other_from_other", {_P}, [_REL, r"от иных мер"], []),
    ("dismissed_article_notes", {_P}, [r"примечаний к статьям"], []),
    ("dismissed_court_fine", {_P}, [r"судебный штраф"], []),
    ("additional_disqualification", {_P}, [r"дополнительное наказание|доп\. наказание",
                                           r"лишение права"], []),
    ("additional_fine", {_P}, [r"дополнительное наказание|доп\. наказание", r"штраф"], []),
    ("additional_deprivation_of_rank", {_P}, [r"звани"], []),
    ("additional_restriction_of_liberty", {_P},
     [r"дополнительное наказание|доп\. наказание", r"ограничение свободы"], []),
    ("restriction_liberty_military_combined", {_P},
     [r"ограничение свободы ?/ ?ограничение по вое"], []),
    ("military_service_restriction", {_P}, [r"ограничение по вое"], []),
    ("restriction_of_liberty", {_P}, [r"ограничение свободы"], []),
    ("suspended_imprisonment", {_P}, [r"условное осуждение к лишению свободы"], []),
    ("suspended_other", {_P}, [r"условное осуждение к иным мерам"], []),
    ("disciplinary_military_unit", {_P}, [r"дисциплинарн"], []),
    ("compulsory_medical_measures", {_P}, [r"принудительные меры"], []),
    ("forced_labour", {_P}, [r"принудительные работы"], []),
    ("correctional_labour", {_P}, [r"исправительные работы"], []),
    ("compulsory_labour", {_P}, [r"обязательные работы"], []),
    ("disqualification", {_P}, [r"лишение права занимать"], []),
    ("acquitted", {_P}, [r"оправдано"], []),
    ("dismissed_no_crime", {_P}, [r"отсутствием (состава|события)"], []),
    ("dismissed_amnesty", {_P}, [r"амнисти"], [_REL]),
    ("dismissed_reconciliation", {_P}, [r"примирением"], []),
    ("dismissed_active_repentance", {_P}, [r"деятельным раскаянием"], []),
    ("dismissed_other", {_P}, [r"по другим основаниям$|прекращено по другим основаниям"],
     [_REL]),
    ("corruption_motive", {_P}, [r"коррупционн"], []),
    ("unfinished_offence", {_P}, [r"не является оконченным"], []),
    ("justified_self_defence", {_P}, [r"необходимая оборона"], []),
    ("justified_necessity", {_P}, [r"крайняя необходимость"], []),
    ("justified_other_circumstances", {_P}, [r"статьями 38, ?40"], []),
    ("arrest", {_P}, [r"(^|\| )арест$"], []),
    ("fine", {_P}, [r"(^|\| )штраф( \((осн\.|основное) наказание\))?$"], []),
    ("imprisonment", {_P}, [r"(^|\| )лишение свободы(: ?всего)?$"], []),
)
_COMPILED = tuple((name, forms, [re.compile(p) for p in inc], [re.compile(p) for p in exc])
                  for name, forms, inc, exc in RULES)
_LATIN = str.maketrans({"C": "С", "c": "с", "O": "О", "o": "о", "A": "А", "a": "а",
                        "E": "Е", "e": "е", "P": "Р", "p": "р", "X": "Х", "x": "х"})


def normalize_header(text: str) -> str:
    """Lower-case, ``ё`` -> ``е``, Latin look-alikes -> Cyrillic, soft hyphens removed,
    whitespace collapsed."""
    text = text.translate(_LATIN).lower().replace("ё", "е")
    text = re.sub(r"(?<=[а-я])- (?=[а-я])|(?<=[а-я])-(?=[а-я]{1,3}\b)", "", text)
    text = re.sub(r"(?<=[а-я])-(?=(данных|ний|тью|лению)\b)", "", text)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _measure_name(form: str, header: str) -> str | None:
    """The measure of a (form, header text), None if no rule matches (computed once per
    distinct header: the forms repeat the same headers on every sheet)."""
    text = normalize_header(header)
    for name, forms, inc, exc in _COMPILED:
        if form in forms and all(p.search(text) for p in inc) and \
                not any(p.search(text) for p in exc):
            return name
    return None


def measure_for(form: str, header: str, *, file=None, member=None, sheet=None,
                column=None) -> str:
    """The canonical measure of a column of ``form`` with header text ``header``.

    Raises
    ------
    InputError
        When no rule matches (an unknown column), naming where it is.
    """
    name = _measure_name(form, header)
    if name is not None:
        return name
    raise InputError(f"unknown column header {header!r} in form {form}", file=file,
                     member=member, sheet=sheet, column=column,
                     expected="a header matching one of the documented measures")


def measures_table() -> pd.DataFrame:
    """All measures as a DataFrame with columns ``measure``, ``unit``, ``description``."""
    return pd.DataFrame([(m.name, m.unit, m.description) for m in MEASURES],
                        columns=["measure", "unit", "description"])

"""Regenerate ``src/repstats/data/notable_charges.csv`` from the cited reference table.

A maintainer's tool, not part of the library: run it from a checkout with
``python tools/build_notable_charges.py [--reference PATH] [--out PATH]`` after
``../shared/reference/notable_cases_charges.csv`` changes, then commit the package data.

Input: one row per (person, verdict, charge), every value free text with its source and
quote (``notable_cases_charges_NOTES.md``). Output: the same rows with each fact read into a
typed column **and** a status column saying how it is known, the text as written, and the
sources that the reference labels for that field. Rules:

- ``status`` of the reference covers article + part. ``confirmed`` -> the part is a fact.
  ``not found`` -> the part stays missing; when the reference derived a part from the
  wording ("участие" -> ч.2) it goes to ``part_derived``, never to ``part``.
  ``unsourced-memory`` -> neither the article nor the part is used (both missing,
  ``charge_status`` says so); only the sourced description of the count is kept.
- "not found" in any field -> missing value, status "not found".
- "(derived ...)" -> value kept, status "derived" (arithmetic or inference on sourced facts).
- Offence dates: each distinct text of the reference is read by hand in :data:`OFFENCE`
  into (first day, last day, status); an open start is missing.
"""
from __future__ import annotations

import argparse
import re
import sys

import pandas as pd

from repstats.cases.charges import (CHARGES_COLUMNS, DATA_FILE, coerce_charges,
                                    validate_charges)
from repstats.config import reference_dir
from repstats.errors import InputError
from repstats.io import csv_frame, write_csv

REFERENCE_COLUMNS = ("name_en", "verdict_date", "article", "part", "attempt_or_preparation",
                     "offence_date_or_period", "age_at_offence", "special_procedure",
                     "cooperation_agreement", "art64_applied", "art73_suspended",
                     "term_for_charge_months", "final_term_months", "appeal_date",
                     "appeal_final_term_months", "source_url", "quote", "status")
STATUSES = ("confirmed", "not found", "unsourced-memory")

#: Offence date or period as written -> (first day or None, last day or None, status).
#: Status: "sourced" (a date or period stated), "bounded" (one end stated, the other open
#: or taken at the widest reading), "not found".
OFFENCE = {
    "2015/2016 – Oct 2017 (community, per prosecution); exact dates of 222/228.1/167 "
    "episodes not found": ("2015-01-01", "2017-10-31", "bounded"),
    "not found": (None, None, "not found"),
    "'since 2016' – Jan 2018 (per prosecution, RT)": ("2016-01-01", "2018-01-31", "sourced"),
    "by Jan 2018 search (date not found)": (None, "2018-01-31", "bounded"),
    "from 'начала лета 2016' (his own testimony) to arrest 25 Jan 2018":
        ("2016-06-01", "2018-01-25", "sourced"),
    "statements in the Omutninsk colony (date not found); detained 2023-09-04":
        (None, "2023-09-04", "bounded"),
    "2019 (episodes incl. 2 March 2019 ...; per-episode list truncated)":
        ("2019-01-01", "2019-12-31", "sourced"),
    "3 August 2019 (protest)": ("2019-08-03", "2019-08-03", "sourced"),
    "videos filmed Oct–Dec 2017 (per charge)": ("2017-10-01", "2017-12-31", "sourced"),
    "27 July 2019 (protest)": ("2019-07-27", "2019-07-27", "sourced"),
    "not found (summer-2019 protests; episode dates not stated in excerpts read)":
        ("2019-06-01", "2019-08-31", "bounded"),
    "tweet of 31 July 2019": ("2019-07-31", "2019-07-31", "sourced"),
    "27 July 2019 (Рождественка / Театральный проезд)": ("2019-07-27", "2019-07-27",
                                                         "sourced"),
    "27 July 2019 (protest) (Тверская улица)": ("2019-07-27", "2019-07-27", "sourced"),
    "6 May 2012": ("2012-05-06", "2012-05-06", "sourced"),
    "2012 (regions; dates not found)": ("2012-01-01", "2012-12-31", "sourced"),
    "15 October 2012 (border with Ukraine)": ("2012-10-15", "2012-10-15", "sourced"),
    "until detention in March 2018 (start of the period not found)":
        (None, "2018-03-31", "bounded"),
    "15 March 2022 (council meeting)": ("2022-03-15", "2022-03-15", "sourced"),
    "April 2022 YouTube stream about Bucha (day not found)": ("2022-04-01", "2022-04-30",
                                                              "sourced"),
    "2021-2022 speeches/events (per-episode dates not found)": ("2021-01-01", "2022-12-31",
                                                                "sourced"),
    "30-31 March 2022 (price tags)": ("2022-03-30", "2022-03-31", "sourced"),
    "Telegram post of 17 March 2022 (Mariupol theatre)": ("2022-03-17", "2022-03-17",
                                                          "sourced"),
    "2022 Facebook posts (case opened May 2022; second episode June 2022)":
        ("2022-01-01", "2022-06-30", "sourced"),
    "posts in spring 2022 (detained on criminal charge 2 June 2022)":
        ("2022-03-01", "2022-06-02", "sourced"),
    "19 and 20 March 2022 (two VK comments)": ("2022-03-19", "2022-03-20", "sourced"),
    "March – June 2022 (VK posts; home radio)": ("2022-03-01", "2022-06-30", "sourced"),
    "November 2022 (article 'Им хотелось фашизма' republished on Facebook)":
        ("2022-11-01", "2022-11-30", "sourced"),
    "2022 social-media comments (after April 2022 school incident)":
        ("2022-04-01", "2022-12-31", "sourced"),
    "7 November 2018 (radio column)": ("2018-11-07", "2018-11-07", "sourced"),
    "YouTube video of 19 Oct 2022 (Generico/SOTA) / post of 8 Oct 2022 (Novaya Gazeta "
    "Europe)": ("2022-10-08", "2022-10-19", "sourced"),
    "play staged from 2020 (exact dates not found); in custody since 5 May 2023":
        ("2020-01-01", "2023-05-05", "bounded"),
    "2011-2021 (FBK activity; per-charge dates not found)": ("2011-01-01", "2021-12-31",
                                                             "sourced"),
    "2014-2021 donations (per charge; dates not found)": ("2014-01-01", "2021-12-31",
                                                          "sourced"),
    "February 2021 (veteran-slander trial)": ("2021-02-01", "2021-02-28", "sourced"),
    "2017-2021 (headed Ufa office until 2021; dates not found)": ("2017-01-01",
                                                                  "2021-12-31", "sourced"),
    "12 Aug 2020 Facebook post (per charge) / executive director 11 Apr 2020 – 31 May 2021 "
    "(per court)": ("2020-04-11", "2021-05-31", "sourced"),
    "2016 ban – arrest 25 May 2017": ("2016-01-01", "2017-05-25", "sourced"),
    "2020 (video-link services; case opened April 2020)": ("2020-01-01", "2020-12-31",
                                                           "sourced"),
    "until arrest 23 Jan 2015": (None, "2015-01-23", "bounded"),
    "until arrest (Jan 2015 per Memorial for the group; Tyzhden says 23 Dec 2015 — "
    "conflict)": (None, "2015-12-23", "bounded"),
    "2017 (Czech episode, per prosecution); German episode date not found":
        ("2017-01-01", "2017-12-31", "bounded"),
    "24 February 2022 (donation)": ("2022-02-24", "2022-02-24", "sourced"),
}

#: Source labels of the reference -> the fields they support.
FIELD_LABELS = {
    "charge": ("part", "article", "charge", "verdict", "conviction", "participation",
               "conflicting wording", "requalif"),
    "offence": ("offence", "episodes", "date", "arrest", "custody"),
    "age": ("age", "dob"),
    "procedure": ("plea", "procedure", "cooperation"),
    "art64": ("art.64", "range"),
    "terms": ("term", "sentence", "fine", "verdict", "single charge", "prosecutor"),
    "appeal": ("appeal", "retrial", "cassation", "release"),
}

_NUM = re.compile(r"^\s*(\d+(?:\.\d+)?)")
_INT = re.compile(r"^\s*(\d+)")


def _missing(text) -> bool:
    return text is None or not str(text).strip() or str(text).strip().startswith("not found")


def _first_int(text):
    m = _INT.match(str(text or ""))
    return int(m.group(1)) if m else None


def _sources(url_text: str) -> dict[str, str | None]:
    """Field -> URLs whose reference label names it (``" | "``-joined)."""
    pairs = re.findall(r"\[([^\]]+)\]\s*(\S+)", url_text or "")
    out = {}
    for field, words in FIELD_LABELS.items():
        urls = [u for label, u in pairs
                if "carried" in label.lower() or any(w in label.lower() for w in words)]
        out[field] = " | ".join(dict.fromkeys(urls)) or None
    return out


def _charge(row) -> dict:
    art_text, part_text, status = row["article"], row["part"], row["status"]
    m = _NUM.match(art_text)
    article = m.group(1) if m else None
    convicted = "not confirmed" not in art_text
    point = None
    pm = re.search(r"пп?\.«[^)]*?»(?=\s|$|\()", part_text)
    if pm:
        point = ",".join(re.findall(r"«([а-я])»", pm.group(0)))
    part = part_derived = None
    part_first = _NUM.match(part_text)
    if part_text.startswith("—"):
        part_first = None
    if status == "confirmed":
        if part_text.startswith("—"):
            part = "—"
        elif re.match(r"^\s*\d+(\.\d+)?\s+and\s+\d", part_text):
            part = None  # two parts in one row: not one part
        elif part_first:
            part = part_first.group(1)
        charge_status = "confirmed"
    elif status == "not found":
        if part_first and "derived" in part_text or "case article" in part_text:
            part_derived = part_first.group(1) if part_first else None
        charge_status = ("not found: conviction on this count not confirmed"
                         if not convicted else "not found: part not stated")
    elif status == "unsourced-memory":
        article = None  # never used as a fact
        charge_status = "unsourced-memory: article and part not used"
    else:
        raise InputError(f"unknown status {status!r}", row=row.name + 2, column="status",
                         expected=str(STATUSES))
    basis = ("charge" if re.search(r"charge-level|as charged|as sent to court|charge list",
                                   row["source_url"] + " " + part_text) else "verdict")
    stage = {"no": "completed", "attempt (ч.3 ст.30)": "attempt",
             "preparation (ч.1 ст.30)": "preparation"}.get(row["attempt_or_preparation"])
    if stage is None:
        raise InputError(f"cannot read {row['attempt_or_preparation']!r}", row=row.name + 2,
                         column="attempt_or_preparation")
    description = re.sub(r"^\s*\d+(\.\d+)?\s*", "", art_text).strip(" ()") or None
    episodes = 2 if "two episodes" in part_text else 1
    return dict(article=article, part=part, point=point, part_derived=part_derived,
                episodes=episodes,
                charge_status=charge_status, convicted=convicted if article else pd.NA,
                charge_basis=basis, article_as_written=art_text, part_as_written=part_text,
                charge_note=description, stage=stage)


def _offence(row, verdict: pd.Timestamp) -> dict:
    text = row["offence_date_or_period"]
    if text not in OFFENCE:
        raise InputError(f"offence text {text!r} has no hand reading; add it to OFFENCE",
                         row=row.name + 2, column="offence_date_or_period")
    start, end, status = OFFENCE[text]
    return dict(offence_from=start, offence_to=end, offence_status=status,
                offence_as_written=text)


def _age(row, offence_from) -> dict:
    text = row["age_at_offence"]
    if _missing(text):
        return dict(age_min=None, age_max=None, minor=pd.NA, age_status="not found",
                    age_as_written=text)
    m = re.match(r"^(?:about\s+)?(\d+)(?:-(\d+))?", text)
    lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
    status = "derived" if "derived" in text else "sourced"
    if "at verdict" in text and "derived" not in text:
        # an age at the verdict bounds the age at the offence from above only
        verdict = pd.Timestamp(row["verdict_date"])
        start = pd.Timestamp(offence_from) if offence_from else verdict - pd.DateOffset(years=5)
        lo = hi - (verdict.year - start.year) - 1
        status = "derived: age at the verdict, offence earlier"
    minor = True if hi < 18 or "minor" in text else (False if lo >= 18 else pd.NA)
    return dict(age_min=lo, age_max=hi, minor=minor, age_status=status,
                age_as_written=text)


def _yes_no(text, yes=("yes",), no=("no",)):
    t = str(text or "").strip().lower()
    if _missing(t):
        return pd.NA
    if t.startswith(yes):
        return True
    if t.startswith(no) and not t.startswith("no special procedure stated"):
        return False
    return pd.NA


def _procedure(row) -> dict:
    sp_text, co_text = row["special_procedure"], row["cooperation_agreement"]
    sp = _yes_no(sp_text, no=("no", "requested special procedure; court refused"))
    co = _yes_no(co_text)
    return dict(
        special_procedure=sp,
        special_procedure_status="not found" if sp is pd.NA else "sourced",
        special_procedure_as_written=sp_text,
        cooperation=co,
        cooperation_status=("not found" if co is pd.NA else
                            "derived" if "derived" in co_text else "sourced"),
        cooperation_as_written=co_text)


def _terms(row) -> dict:
    a64 = row["art64_applied"]
    art64 = True if a64.startswith("stated") else pd.NA
    t = row["term_for_charge_months"]
    fine = re.search(r"fine (\d+) RUB", t)
    term = _first_int(t)
    final = row["final_term_months"]
    kind = ("fine" if final.startswith("n/a") else
            "suspended" if "(suspended)" in final else "custodial")
    appeal = row["appeal_final_term_months"]
    appeal_term = _first_int(appeal)
    appeal_kind = None
    if appeal_term is not None:
        # an appeal term read as the first-instance kind unless the text says otherwise
        appeal_kind = ("suspended" if "suspended" in appeal or "probation" in appeal
                       else kind if kind != "fine" else "custodial")
    elif appeal.startswith("n/a"):
        appeal_kind = "fine"
    date = re.match(r"^(\d{4}-\d{2}(?:-\d{2})?)", row["appeal_date"])
    month = re.match(r"^(Oct) (\d{4})", row["appeal_date"])
    appeal_date = date.group(1) if date else (f"{month.group(2)}-10" if month else None)
    suspended_text = row["art73_suspended"]
    return dict(
        art64=art64, art64_status="sourced" if art64 is True else (
            "derived: below the minimum, art. 64 not stated" if "below" in a64
            else "not found"),
        art64_as_written=a64,
        suspended=suspended_text.startswith("yes"),
        charge_term_months=term,
        charge_term_status=("not found" if term is None else
                            "partly confirmed" if "partly" in t else "sourced"),
        charge_fine_rub=int(fine.group(1)) if fine else None,
        final_kind=kind, final_term_months=_first_int(final),
        art70=("art. 70" in final),
        final_as_written=final,
        appeal_date=appeal_date, appeal_kind=appeal_kind, appeal_term_months=appeal_term,
        appeal_status=("not found" if _missing(appeal) else
                       "retrial" if appeal.startswith("retrial") else
                       "conflict" if "conflict" in appeal or "per vkrizis" in appeal
                       else "sourced"),
        appeal_as_written=f"{row['appeal_date']} -> {appeal}")


def _slug(name: str) -> str:
    text = re.sub(r"\(.*?\)", " ", name).casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def build_charges(reference=None) -> pd.DataFrame:
    """The per-charge table (validated) from the reference CSV."""
    if reference is None:
        ref_dir = reference_dir()
        if ref_dir is None:
            raise FileNotFoundError("reference folder not found; pass --reference")
        reference = ref_dir / "notable_cases_charges.csv"
    ref = pd.read_csv(reference, dtype=str, keep_default_na=False)
    missing = [c for c in REFERENCE_COLUMNS if c not in ref.columns]
    if missing:
        raise InputError(f"reference lacks columns {missing}", file=str(reference))
    ref = ref.map(str.strip)
    rows = []
    for i, r in ref.iterrows():
        verdict = pd.Timestamp(r["verdict_date"])
        charge = _charge(r)
        offence = _offence(r, verdict)
        src = _sources(r["source_url"])
        rows.append(dict(charge_id=i + 1, person_id=_slug(r["name_en"]), name_en=r["name_en"],
                         verdict_date=r["verdict_date"])
                    | charge | dict(charge_source=src["charge"])
                    | offence | dict(offence_source=src["offence"])
                    | _age(r, offence["offence_from"]) | dict(age_source=src["age"])
                    | _procedure(r) | dict(procedure_source=src["procedure"])
                    | _terms(r) | dict(art64_source=src["art64"],
                                      terms_source=src["terms"],
                                      appeal_source=src["appeal"])
                    | dict(source_url=r["source_url"], quote=r["quote"],
                           reference_status=r["status"]))
    out = pd.DataFrame(rows)[list(CHARGES_COLUMNS)]
    return validate_charges(coerce_charges(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", help="reference CSV (default ../shared/reference/...)")
    parser.add_argument("--out", default=str(DATA_FILE), help="output CSV")
    args = parser.parse_args(argv)
    df = build_charges(args.reference)
    write_csv(csv_frame(df), args.out)
    print(f"wrote {len(df)} charges, {df['person_id'].nunique()} people to {args.out}")
    for col in [c for c in df.columns if c.endswith("_status")]:
        print(f"  {col}: " + ", ".join(f"{k} {v}" for k, v in
                                        df[col].fillna("-").value_counts().items()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Individual sentences against the law that applied: per charge, then per person.

Two steps, both describing the given cases (a curated selection is never a sample to
infer from):

1. :func:`assess_charges` - for each charge, the sanction in force across its offence
   date or period (:func:`repstats.statutes.applicable_ranges`: the applicable version is
   bounded, not known, when the sanction changed inside the period) and the effective
   range after the reductions that the sources establish (arts. 62 ч.2/ч.5, 66, 88:
   :func:`repstats.statutes.effective_range`).
2. :func:`classify_sentences` - for each person-verdict, the final (and appeal) term
   against the charge's range, or - for several charges - against the combined limits of
   art. 69 (:func:`repstats.statutes.combined_limits`): at the minimum, below it (with the
   rule that makes that lawful, or flagged when no rule in the data does), within the
   range, or above it, with the reason.

Facts that the data lack are never filled in: a charge without a sourced part is
assessed on the part *derived* from wording only when the reference derived one, and
says so (``part_basis``).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from repstats.stats._series import require_columns

__all__ = ["assess_charges", "classify_sentences", "CHARGE_COLUMNS", "PERSON_COLUMNS",
           "POSITIONS"]

#: Positions of a term against its floor and ceiling.
POSITIONS = ("below minimum", "at minimum", "within range", "above maximum",
             "not classified")
CHARGE_COLUMNS = ["part_used", "part_basis", "period_start", "period_end", "period_basis",
                  "min_months_low", "min_months_high", "max_months_low", "max_months_high",
                  "life_any", "sanction_changed", "change_dates", "versions", "range_status",
                  "eff_min_months", "eff_max_months", "below_minimum_allowed",
                  "effective_rules", "charge_position", "charge_months_from_min"]
PERSON_COLUMNS = ["person_id", "name_en", "verdict_date", "n_charges", "n_convicted",
                  "charges", "part_basis", "period", "final_kind", "term_months",
                  "appeal_kind", "appeal_term_months", "rule", "floor_months_low",
                  "floor_months_high", "effective_floor_months", "ceiling_months",
                  "governing_charge", "limits_complete", "position", "months_from_floor",
                  "lawful_by", "flagged", "appeal_position", "appeal_months_from_floor",
                  "reason", "sentence"]

_NEED = ["person_id", "name_en", "verdict_date", "article", "part", "part_derived", "episodes",
         "convicted", "stage", "offence_from", "offence_to", "minor", "special_procedure",
         "cooperation", "art64", "charge_term_months", "final_kind", "final_term_months",
         "art70", "appeal_kind", "appeal_term_months"]


def _flag(v) -> bool:
    return False if v is None or pd.isna(v) else bool(v)


def _label(article, part, stage="completed", episodes=1) -> str:
    if article is None or pd.isna(article):
        return "unidentified count"
    text = str(article) if part is None or pd.isna(part) or part == "—" \
        else f"{article} ч.{part}"
    if stage in ("attempt", "preparation"):
        text += f" ({stage})"
    if not pd.isna(episodes) and episodes > 1:
        text += f" x{int(episodes)} episodes"
    return text


def _effective(row, effective) -> tuple:
    """(floor, ceiling, below allowed, rules) over the lowest and highest versions."""
    if row["range_status"] != "established" or pd.isna(row["min_months_low"]):
        return math.nan, math.nan, pd.NA, None
    flags = dict(attempt=row["stage"] == "attempt",
                 preparation=row["stage"] == "preparation",
                 cooperation=_flag(row["cooperation"]),
                 special_procedure=_flag(row["special_procedure"]),
                 minor=_flag(row["minor"]))
    floors, ceilings, allowed, rules = [], [], False, []
    for lo, hi in {(row["min_months_low"], row["max_months_low"]),
                   (row["min_months_high"], row["max_months_high"])}:
        kw = dict(flags)
        try:
            er = effective(lo, hi, life=_flag(row["life_any"]), **kw)
        except ValueError as exc:  # e.g. special procedure unavailable above 10 years
            kw["special_procedure"] = False
            kw["preparation"] = kw["preparation"] and hi > 60
            er = effective(lo, hi, life=_flag(row["life_any"]), **kw)
            rules.append(f"not applied: {exc}")
        if er.min_months is not None:
            floors.append(er.min_months)
            ceilings.append(er.max_months)
        allowed = allowed or er.below_minimum_allowed
        rules.extend(r for r in er.rules if r not in rules)
    return (min(floors) if floors else math.nan, max(ceilings) if ceilings else math.nan,
            allowed, "; ".join(rules) or None)


def _position(term, lo, hi) -> str | None:
    if term is None or pd.isna(term) or pd.isna(lo):
        return None
    if term < lo:
        return "below minimum"
    if term == lo:
        return "at minimum"
    if not pd.isna(hi) and term > hi:
        return "above maximum"
    return "within range"


def assess_charges(charges: pd.DataFrame, *, applicable=None,
                   effective=None) -> pd.DataFrame:
    """Each charge against the sanction in force across its offence period.

    Parameters
    ----------
    charges : DataFrame
        :func:`repstats.cases.notable_charges` (or a table with its columns
        person_id, name_en, verdict_date, article, part, part_derived, convicted, stage,
        offence_from, offence_to, minor, special_procedure, cooperation, art64,
        charge_term_months, final_kind, final_term_months, art70, appeal_kind,
        appeal_term_months).
    applicable, effective : callable, optional
        Default :func:`repstats.statutes.applicable_ranges` and
        :func:`repstats.statutes.effective_range`.

    Returns
    -------
    DataFrame
        A copy of ``charges`` plus:

        - ``part_used``: the sourced part, else the part the reference derived from
          wording; ``part_basis``: "sourced", "derived from wording (not stated)" or
          None (no part).
        - ``period_start``, ``period_end``: the period whose versions are read (a
          missing offence end is bounded by the verdict date); ``period_basis``:
          "offence date or period", "offence end not found: bounded by the verdict date".
        - ``min_months_low``, ``min_months_high``, ``max_months_low``,
          ``max_months_high``, ``life_any``, ``sanction_changed``, ``change_dates``,
          ``versions``, ``range_status``: see :func:`repstats.statutes.applicable_ranges`.
        - ``eff_min_months``, ``eff_max_months``: the lowest floor and highest ceiling
          after the reductions the sources establish (attempt/preparation, cooperation,
          special procedure, minor); ``below_minimum_allowed``: those reductions bring
          the ceiling to or under the minimum (a term below it is lawful without art.
          64); ``effective_rules``: the rules applied.
        - ``charge_position``: the per-charge term (when sources give it) against the
          charge's statutory range under the lowest-minimum version ("below minimum",
          "at minimum", "within range", "above maximum"; None when not comparable);
          ``charge_months_from_min``: term - that minimum.
    """
    require_columns(charges, _NEED, "charges")
    if applicable is None:
        from repstats.statutes import applicable_ranges as applicable
    if effective is None:
        from repstats.statutes import effective_range as effective
    out = charges.copy()
    part = out["part"].astype("object").where(out["part"].notna(), None)
    derived = out["part_derived"].astype("object").where(out["part_derived"].notna(), None)
    out["part_used"] = part.where(part.notna(), derived)
    out["part_basis"] = np.select(
        [part.notna(), derived.notna()], ["sourced", "derived from wording (not stated)"],
        None)
    out["part_basis"] = out["part_basis"].astype(object).where(
        out["part_basis"].astype(str) != "None", None)
    verdict = pd.to_datetime(out["verdict_date"])
    end = pd.to_datetime(out["offence_to"])
    out["period_start"] = pd.to_datetime(out["offence_from"])
    out["period_end"] = end.fillna(verdict)
    out["period_basis"] = np.where(end.isna(), "offence end not found: bounded by the "
                                   "verdict date", "offence date or period")
    probe = pd.DataFrame({"article": out["article"].astype("object"),
                          "part": out["part_used"], "start": out["period_start"],
                          "end": out["period_end"]}, index=out.index)
    rng = applicable(probe, article="article", part="part", start="start", end="end")
    for col in ("min_months_low", "min_months_high", "max_months_low", "max_months_high",
                "life_any", "sanction_changed", "change_dates", "versions",
                "range_status"):
        out[col] = rng[col].to_numpy()
    eff = [_effective(r, effective) for _, r in out.iterrows()]
    out["eff_min_months"] = [e[0] for e in eff]
    out["eff_max_months"] = [e[1] for e in eff]
    out["below_minimum_allowed"] = pd.array([e[2] for e in eff], dtype="boolean")
    out["effective_rules"] = [e[3] for e in eff]
    term = pd.to_numeric(out["charge_term_months"], errors="coerce")
    out["charge_position"] = [_position(t, lo, hi) for t, lo, hi in
                              zip(term, out["min_months_low"], out["max_months_high"])]
    out["charge_months_from_min"] = term - out["min_months_low"]
    return out


def _years(m) -> str:
    if m is None or pd.isna(m):
        return "?"
    y, mo = divmod(int(round(m)), 12)
    if not y:
        return f"{mo} m"
    return f"{y} y" + (f" {mo} m" if mo else "")


def _classify(term, floor_lo, floor_hi, eff_floor, ceiling, art64, allowed, rules, minor):
    """(position, months from floor, lawful_by, flagged, reason) of one term."""
    if term is None or pd.isna(term):
        return "not classified", math.nan, None, False, "no prison term"
    if pd.isna(floor_lo):
        return "not classified", math.nan, None, False, "range not established"
    if term < floor_lo:
        lawful, flagged = None, False
        if _flag(art64):
            lawful = "art. 64 (stated by the sources)"
        elif _flag(allowed) and not pd.isna(eff_floor) and term >= eff_floor:
            lawful = rules
        elif _flag(minor) and not pd.isna(eff_floor) and term >= eff_floor:
            lawful = rules
        else:
            flagged = True
        reason = (f"{_years(term)} is below the minimum {_years(floor_lo)}"
                  + (f": lawful by {lawful}" if lawful else
                     "; no rule in the data explains it (art. 64 not stated)"))
        return "below minimum", term - floor_lo, lawful, flagged, reason
    if term == floor_lo:
        note = (f" (under the older version; the minimum became {_years(floor_hi)} "
                "during the period)") if floor_hi > floor_lo else ""
        return "at minimum", 0.0, None, False, f"{_years(term)} equals the minimum{note}"
    if not pd.isna(ceiling) and term == ceiling:
        return ("within range", term - floor_lo, None, False,
                f"{_years(term)} equals the maximum {_years(ceiling)}")
    if not pd.isna(ceiling) and term > ceiling:
        return ("above maximum", term - floor_lo, None, True,
                f"{_years(term)} exceeds the maximum {_years(ceiling)}")
    if term < floor_hi:
        return ("below minimum", term - floor_hi, None, False,
                f"{_years(term)} is above the older minimum {_years(floor_lo)} but below "
                f"the newer {_years(floor_hi)}: which version applied is not known")
    return ("within range", term - floor_lo, None, False,
            f"{_years(term)} is {_years(term - floor_lo)} above the minimum "
            f"{_years(floor_lo)}")


def classify_sentences(assessed: pd.DataFrame, *, combined=None) -> pd.DataFrame:
    """Each person-verdict's final and appeal terms against the law that applied.

    Parameters
    ----------
    assessed : DataFrame
        Output of :func:`assess_charges` (one row per charge).
    combined : callable, optional
        Default :func:`repstats.statutes.combined_limits`.

    Returns
    -------
    DataFrame
        One row per person-verdict, columns:

        - ``person_id``, ``name_en``, ``verdict_date``
        - ``n_charges`` (rows), ``n_convicted`` (charges whose conviction is not in
          doubt); ``charges``: "205.4 ч.1 + 222 ч.1" (unidentified counts named so);
          ``part_basis``: "sourced", or "derived from wording (not stated)" when any
          part used was only derived; ``period``: the offence period read.
        - ``final_kind`` ("custodial", "suspended", "fine"), ``term_months`` (first
          instance), ``appeal_kind``, ``appeal_term_months``
        - ``rule``: "single charge", "art. 69 ч.2", "art. 69 ч.3", "art. 70" or None
        - ``floor_months_low``, ``floor_months_high``: the statutory minimum (single
          charge) or combined floor (art. 69) over the versions in force in the period
        - ``effective_floor_months``: the lowest lawful term after the reductions the
          sources establish; ``ceiling_months``: the maximum after those reductions
          (single charge) or the combined ceiling (art. 69)
        - ``governing_charge``: the charge whose minimum is the floor
        - ``limits_complete``: every convicted charge's range is established
        - ``position``: "below minimum", "at minimum", "within range", "above maximum"
          or "not classified"; ``months_from_floor``: term - floor
        - ``lawful_by``: for a term below the minimum, the rule that makes it lawful
          (art. 64 when sources state it, or arts. 62/66/88); ``flagged``: below the
          minimum with no rule in the data explaining it, or above the maximum
        - ``appeal_position``, ``appeal_months_from_floor``: the same for the appeal term
        - ``reason``: why, in words; ``sentence``: one computed sentence for reports.
    """
    require_columns(assessed, _NEED + CHARGE_COLUMNS, "assessed")
    if combined is None:
        from repstats.statutes import combined_limits as combined
    # plain records grouped in a dict: pandas per-group work is too slow for many people
    groups: dict = {}
    for rec in assessed.to_dict("records"):
        groups.setdefault((rec["person_id"], rec["verdict_date"]), []).append(rec)
    rows = []
    for (pid, vdate), g in groups.items():
        first = g[0]
        conv = [c for c in g if _flag(c["convicted"]) or pd.isna(c["convicted"])
                or pd.isna(c["article"])]
        labels = [_label(c["article"], c["part_used"], c["stage"], c["episodes"])
                  for c in conv]
        n_offences = sum(1 if pd.isna(c["episodes"]) else int(c["episodes"]) for c in conv)
        derived = any(c["part_basis"] == "derived from wording (not stated)" for c in conv)
        starts = [c["period_start"] for c in conv if not pd.isna(c["period_start"])]
        ends = [c["period_end"] for c in conv if not pd.isna(c["period_end"])]
        start, end = (min(starts) if starts else pd.NaT), (max(ends) if ends else pd.NaT)
        period = (f"{'?' if pd.isna(start) else start.date().isoformat()} – "
                  f"{end.date().isoformat()}" if not pd.isna(end) else "not found")
        base = dict(person_id=pid, name_en=first["name_en"], verdict_date=vdate,
                    n_charges=len(g), n_convicted=len(conv), charges=" + ".join(labels),
                    part_basis="derived from wording (not stated)" if derived
                    else "sourced", period=period, final_kind=first["final_kind"],
                    term_months=first["final_term_months"],
                    appeal_kind=first["appeal_kind"],
                    appeal_term_months=first["appeal_term_months"])
        known = [c["range_status"] == "established" and not pd.isna(c["min_months_low"])
                 for c in conv]
        art64 = any(_flag(c["art64"]) for c in conv)
        minor = any(_flag(c["minor"]) for c in conv)
        limits = dict(rule=None, floor_months_low=math.nan, floor_months_high=math.nan,
                      effective_floor_months=math.nan, ceiling_months=math.nan,
                      governing_charge=None, limits_complete=all(known))
        why = None
        if first["final_kind"] == "fine":
            why = "a fine: no prison term to set against a prison minimum"
        elif _flag(first["art70"]):
            why = ("the final term also aggregates an earlier verdict (art. 70); the new "
                   "case's own term is not reported")
        elif n_offences == 1:
            c = conv[0]
            limits |= dict(rule="single charge", floor_months_low=c["min_months_low"],
                           floor_months_high=c["min_months_high"],
                           effective_floor_months=c["eff_min_months"],
                           # the effective ceiling: an attempt or a cooperation agreement
                           # lowers it (art. 66, 62), and a term above it is unlawful
                           ceiling_months=c["eff_max_months"]
                           if not pd.isna(c["eff_max_months"]) else c["max_months_high"],
                           governing_charge=labels[0])
            if not all(known):
                why = f"range of {labels[0]} not established: {c['range_status']}"
        elif any(known):
            k = [dict(c, label=lb) for c, lb, ok in zip(conv, labels, known) if ok
                 for _ in range(1 if pd.isna(c["episodes"]) else int(c["episodes"]))]
            if len(k) >= 2:  # several charges, or several episodes of one
                lim = combined(pd.DataFrame({
                    "article": [c["article"] for c in k], "label": [c["label"] for c in k],
                    "floor_months": [c["min_months_low"] for c in k],
                    "max_months": [c["max_months_high"] for c in k],
                    "life": [_flag(c["life_any"]) for c in k]}), on=end)
                rule, gov, ceiling = lim.rule, lim.governing, lim.ceiling_months
                floor_lo = lim.floor_months
            else:  # one charge with a known range, the others unknown
                rule, gov, ceiling = "art. 69", k[0]["label"], math.nan
                floor_lo = float(k[0]["min_months_low"])
            limits |= dict(rule=rule, floor_months_low=floor_lo,
                           floor_months_high=max(float(c["min_months_high"]) for c in k),
                           effective_floor_months=max(float(c["eff_min_months"])
                                                      for c in k),
                           ceiling_months=ceiling if all(known) else math.nan,
                           governing_charge=gov)
            if not all(known):
                missing = [lb for lb, ok in zip(labels, known) if not ok]
                base["reason_extra"] = (f"combined term; the range of {', '.join(missing)} "
                                        "is not established, so the floor is that of the "
                                        "known charges and the ceiling is unknown")
        else:
            why = "no convicted charge with an established range: " + "; ".join(
                sorted({str(c["range_status"]) for c in conv}))
        row = base | limits
        if why:
            row |= dict(position="not classified", months_from_floor=math.nan,
                        lawful_by=None, flagged=False, appeal_position="not classified",
                        appeal_months_from_floor=math.nan, reason=why)
        else:
            rules = "; ".join(c["effective_rules"] for c in conv
                              if isinstance(c["effective_rules"], str))
            allowed = any(_flag(c["below_minimum_allowed"]) for c in conv)
            pos = _classify(row["term_months"], row["floor_months_low"],
                            row["floor_months_high"], row["effective_floor_months"],
                            row["ceiling_months"], art64, allowed, rules, minor)
            app = _classify(row["appeal_term_months"], row["floor_months_low"],
                            row["floor_months_high"], row["effective_floor_months"],
                            row["ceiling_months"], art64, allowed, rules, minor) \
                if not pd.isna(row["appeal_term_months"]) else \
                ("not classified", math.nan, None, False, "")
            reason = pos[4]
            if row["rule"] and row["rule"].startswith("art. 69"):
                reason = (f"combined term ({row['rule']}) against the combined floor (the "
                          f"{row['governing_charge']} minimum) and ceiling "
                          f"{_years(row['ceiling_months'])}: " + reason)
            if base.get("reason_extra"):
                reason += "; " + base["reason_extra"]
            row |= dict(position=pos[0], months_from_floor=pos[1], lawful_by=pos[2],
                        flagged=pos[3], appeal_position=app[0],
                        appeal_months_from_floor=app[1], reason=reason)
        row.pop("reason_extra", None)
        row["sentence"] = _sentence(row)
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("term_months", "appeal_term_months"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return out[PERSON_COLUMNS]


def _sentence(r: dict) -> str:
    """One sentence for reports, built from the row's computed values."""
    name = r["name_en"]
    if r["position"] == "not classified":
        return f"{name}: not classified - {r['reason']}."
    kind = " suspended" if r["final_kind"] == "suspended" else ""
    head = f"{name}: {_years(r['term_months'])}{kind} for {r['charges']}"
    if r["rule"] and r["rule"].startswith("art. 69"):
        floor = (f"the combined floor of {_years(r['floor_months_low'])} (the minimum for "
                 f"{r['governing_charge']})")
    else:
        floor = f"the minimum of {_years(r['floor_months_low'])}"
    d = r["months_from_floor"]
    if r["position"] == "at minimum":
        verdict = f"exactly at {floor}"
    elif r["position"] == "below minimum":
        verdict = (f"{_years(-d)} below {floor}, "
                   + (f"lawful by {r['lawful_by'].split(';')[0]}" if r["lawful_by"]
                      else "with no rule in the data to explain it"))
    elif r["position"] == "above maximum":
        verdict = f"above the ceiling of {_years(r['ceiling_months'])}"
    elif r["term_months"] == r["ceiling_months"]:
        verdict = f"{_years(d)} above {floor}, at the ceiling of {_years(r['ceiling_months'])}"
    else:
        verdict = f"{_years(d)} above {floor}"
    if not r["limits_complete"]:
        verdict += " (the floor of the charges whose range is known; another count's is not)"
    tail = ""
    if not pd.isna(r["appeal_term_months"]) and r["appeal_term_months"] != r["term_months"]:
        ad = r["appeal_months_from_floor"]
        tail = (f"; on appeal {_years(r['appeal_term_months'])}"
                + (f", {_years(ad)} above the floor" if ad == ad and ad > 0 else
                   ", at the floor" if ad == 0 else ""))
    elif not pd.isna(r["appeal_term_months"]):
        tail = "; upheld on appeal"
    basis = " (part derived from wording, not stated)" if r["part_basis"] != "sourced" \
        else ""
    at_min = "at the minimum" if r["position"] == "at minimum" else "not at the minimum"
    return f"{head}{basis}: {verdict}{tail}. {at_min.capitalize()}."

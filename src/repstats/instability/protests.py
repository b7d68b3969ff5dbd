"""OVD-Info lists of protest events with detentions (Moscow 2011-12, four cities 2013).

Three raw lists:

``report_data`` (``ovdinfo/detentions_2011_2012_report_data.csv``)
    Moscow, 4 Dec 2011 - 29 Sep 2012; columns ``date``, ``agreement``, ``type``,
    ``subject``, ``organizator``, ``comment``, ``place``, ``total``, ``id``.
``list_2012`` (``ovdinfo/detentions_list_2012.csv``)
    Moscow, 4 Dec 2011 - 31 Dec 2012, Russian and English columns and source links. It is a
    later revision of ``report_data`` for the months both cover (places filled in and
    respelled, subjects recoded, some counts corrected, some events split or added).
``list_2013`` (``ovdinfo/detentions_2013.csv``)
    2013, with ``region`` (Moscow, St Petersburg, Nizhny Novgorod, Voronezh) and police
    station; quoted fields contain line breaks.

Merging rule for 2011-12: on each date present in both lists, every ``report_data`` event
is paired with at most one ``list_2012`` event by an optimal one-to-one assignment
(Hungarian algorithm) on a similarity score: the weighted mean of place similarity
(rapidfuzz ``token_set_ratio`` of normalised places, weight 0.4), detainee-count
similarity (``1 - |a - b| / max(a, b)``, weight 0.3), equal subject (0.1) and description
similarity (``comment`` vs ``description``, 0.2); components missing on either side
(blank place or description) are left out of the mean. A pair scoring at least
:data:`MATCH_THRESHOLD` is one event (counted once, with ``list_2012``'s fields and count,
the other count kept as ``detainees_other``); pairs below it are reported as
``below_threshold`` and both events are kept. Unpaired events of either list are kept.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ..sources import raw_path
from .layout import existing_file, read_csv_text, require_columns

MATCH_THRESHOLD = 0.6
_WEIGHTS = {"place": 0.4, "detainees": 0.3, "subject": 0.1, "description": 0.2}

#: Region names used in the lists -> (ISO 3166-2 code, English name).
REGIONS = {
    "москва": ("RU-MOW", "Moscow"),
    "санкт-петербург": ("RU-SPE", "Saint Petersburg"),
    "нижний новгород": ("RU-NIZ", "Nizhny Novgorod Oblast"),
    "воронеж": ("RU-VOR", "Voronezh Oblast"),
}

#: list id -> (manifest id, column map raw -> common, fixed region or None).
LISTS = {
    "report_data": ("ovdinfo_2011_2012",
                    {"id": "source_id", "date": "date", "agreement": "agreement",
                     "type": "event_type", "subject": "subject", "organizator": "organizer",
                     "comment": "description", "place": "place", "total": "detainees"},
                    "москва"),
    "list_2012": ("ovdinfo_list_2012",
                  {"Id": "source_id", "date": "date", "agreement": "agreement",
                   "event_type": "event_type", "subject": "subject",
                   "organizer": "organizer", "description": "description",
                   "place": "place", "number_of_detentions": "detainees",
                   "links": "links"},
                  "москва"),
    "list_2013": ("ovdinfo_2013",
                  {"Id": "source_id", "date": "date", "region": "region",
                   "agreement": "agreement", "event_type": "event_type",
                   "subject": "subject", "organizer": "organizer",
                   "description": "description", "ovd": "police_station",
                   "place": "place", "number_of_detentions": "detainees",
                   "links": "links"},
                  None),
}

EVENT_COLUMNS = ["event_id", "list", "record", "source_id", "date", "region", "region_iso",
                 "place", "place_norm", "event_type", "subject", "organizer", "agreement",
                 "description", "detainees", "detainees_other", "in_report_data",
                 "in_list_2012", "links", "note"]
REJECT_COLUMNS = ["list", "record", "source_id", "date_raw", "detainees_raw", "reason"]
OVERLAP_COLUMNS = ["date", "record_report_data", "record_list_2012", "place_report_data",
                   "place_list_2012", "detainees_report_data", "detainees_list_2012", "score",
                   "status"]

_ABBREV = [(r"\bм\.\s*", "метро "), (r"\bпл\.\s*", "площадь "), (r"\bул\.\s*", "улица "),
           (r"\bпр-т\b\.?", "проспект"), (r"\bг\.\s*", "")]


@dataclass(frozen=True)
class ProtestLists:
    """The merged OVD-Info lists: ``events``, ``overlaps`` and ``rejects`` tables."""

    events: pd.DataFrame
    overlaps: pd.DataFrame
    rejects: pd.DataFrame


def normalize_place(place: pd.Series) -> pd.Series:
    """Lower-case, ``ё`` -> ``е``, expand ``м.``/``пл.``/``ул.``, drop punctuation and ``г.``."""
    s = place.fillna("").astype(str).str.lower().str.replace("ё", "е")
    for pattern, repl in _ABBREV:
        s = s.str.replace(pattern, repl, regex=True)
    return s.str.replace(r"[^\w\s-]", " ", regex=True).str.split().str.join(" ")


def read_ovdinfo_list(path, list_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one OVD-Info list into common columns; unparseable rows go to rejects.

    Parameters
    ----------
    path : path-like
        The list's CSV file (UTF-8; quoted fields may contain line breaks).
    list_id : {"report_data", "list_2012", "list_2013"}

    Returns
    -------
    events : DataFrame
        ``list``, ``record`` (1-based data record in the file), ``source_id`` (the list's
        own id), ``date`` (Timestamp), ``region`` (Russian name), ``region_iso``
        (ISO 3166-2, missing for an unknown region), ``place`` (as written),
        ``place_norm`` (see :func:`normalize_place`), ``event_type``, ``subject``,
        ``organizer``, ``agreement``, ``description``, ``detainees`` (int), ``links``,
        ``note`` (e.g. a place naming another city than the region).
    rejects : DataFrame
        ``list``, ``record``, ``source_id``, ``date_raw``, ``detainees_raw``, ``reason``.

    Raises
    ------
    ValueError
        Unknown ``list_id``.
    InputError
        Missing columns.
    """
    if list_id not in LISTS:
        raise ValueError(f"list_id must be one of {sorted(LISTS)}, got {list_id!r}")
    _, columns, fixed_region = LISTS[list_id]
    p = existing_file(path, f"OVD-Info {list_id}")
    raw = read_csv_text(p, what=f"OVD-Info {list_id}")
    raw.columns = [str(c).strip() for c in raw.columns]
    require_columns(raw, list(columns), file=p)
    df = raw[list(columns)].rename(columns=columns).apply(lambda c: c.str.strip())
    df.insert(0, "record", np.arange(1, len(df) + 1))
    df.insert(0, "list", list_id)
    if fixed_region is not None:
        df["region"] = "Москва"
    for col in ("links", "police_station"):
        if col not in df:
            df[col] = ""
    date = pd.to_datetime(df["date"], format="%d.%m.%Y", errors="coerce")
    count = pd.to_numeric(df["detainees"].where(df["detainees"].str.fullmatch(r"\d+")),
                          errors="coerce")
    reason = pd.Series("", index=df.index)
    reason = reason.mask(count.isna(), "detainee count is not a whole number")
    reason = reason.mask(date.isna(), "date is not a valid DD.MM.YYYY date")
    dup = df.drop(columns=["list", "record", "source_id"]).duplicated(keep="first")
    reason = reason.mask(dup & reason.eq(""), "exact duplicate of an earlier record")
    bad = reason.ne("")
    rejects = pd.DataFrame({"list": list_id, "record": df.loc[bad, "record"],
                            "source_id": df.loc[bad, "source_id"],
                            "date_raw": df.loc[bad, "date"],
                            "detainees_raw": df.loc[bad, "detainees"],
                            "reason": reason[bad]})[REJECT_COLUMNS]
    ok = df[~bad].copy()
    ok["date"] = date[~bad]
    ok["detainees"] = count[~bad].astype("int64")
    key = ok["region"].str.lower().str.replace("ё", "е")
    ok["region_iso"] = key.map({k: v[0] for k, v in REGIONS.items()}).astype("string")
    ok["place_norm"] = normalize_place(ok["place"])
    ok["note"] = _place_region_note(ok)
    keep = ["list", "record", "source_id", "date", "region", "region_iso", "place",
            "place_norm", "event_type", "subject", "organizer", "agreement", "description",
            "detainees", "links", "note"]
    return ok[keep].reset_index(drop=True), rejects.reset_index(drop=True)


def _place_region_note(df: pd.DataFrame) -> pd.Series:
    """Note rows whose place starts with another known city than the row's region."""
    note = pd.Series("", index=df.index, dtype="object")
    first = df["place_norm"].str.split().str[0].fillna("")
    for name in REGIONS:
        city = name.split()[0]
        other = first.eq(city) & ~df["region"].str.lower().str.startswith(city)
        note = note.mask(other, f"place names {name}, region is " + df["region"])
    return note


def _similarity(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """rapidfuzz's ``token_set_ratio`` / 100 of every pair of two normalised text columns
    (rows: ``a``, columns: ``b``), and whether both texts of the pair are non-empty."""
    sim = process.cdist(a.tolist(), b.tolist(), scorer=fuzz.token_set_ratio,
                        dtype=np.float64) / 100
    both = (a.to_numpy() != "")[:, None] & (b.to_numpy() != "")[None, :]
    return sim, both


def _scores(ga: pd.DataFrame, gb: pd.DataFrame) -> np.ndarray:
    """Match score of every pair of events of one day (rows: ``ga``, columns: ``gb``).

    A weighted mean of place similarity, closeness of the detainee counts, equal subject and
    description similarity (:data:`_WEIGHTS`); place and description count only where both
    events have one (their weight drops out of the mean otherwise).
    """
    w = _WEIGHTS
    place, has_place = _similarity(ga["place_norm"], gb["place_norm"])
    desc, has_desc = _similarity(ga["description_norm"], gb["description_norm"])
    na = ga["detainees"].to_numpy(dtype=float)[:, None]
    nb = gb["detainees"].to_numpy(dtype=float)[None, :]
    most = np.maximum(na, nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        detainees = np.where(most == 0, 1.0, 1 - np.abs(na - nb) / most)
    subject = (ga["subject"].str.lower().to_numpy()[:, None]
               == gb["subject"].str.lower().to_numpy()[None, :]).astype(float)
    total = (np.where(has_place, w["place"] * place, 0.0) + w["detainees"] * detainees
             + w["subject"] * subject + np.where(has_desc, w["description"] * desc, 0.0))
    weight = (np.where(has_place, w["place"], 0.0) + w["detainees"] + w["subject"]
              + np.where(has_desc, w["description"], 0.0))
    return total / weight


def match_lists(old: pd.DataFrame, new: pd.DataFrame,
                threshold: float = MATCH_THRESHOLD) -> pd.DataFrame:
    """Pair events of two overlapping lists on the same date (see the module docstring).

    Parameters
    ----------
    old, new : DataFrame
        Events of ``report_data`` and ``list_2012`` from :func:`read_ovdinfo_list`.
    threshold : float
        Minimum score in [0, 1] for a pair to count as the same event.

    Returns
    -------
    DataFrame
        One row per assigned pair: ``date``, ``record_report_data``,
        ``record_list_2012``, ``place_report_data``, ``place_list_2012``,
        ``detainees_report_data``, ``detainees_list_2012``, ``score`` and ``status``
        ("match", "match_count_conflict" when the counts differ, "below_threshold").
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must lie in [0, 1], got {threshold!r}")
    # imported here: scipy.optimize costs ~0.7 s to import, and readers of the built
    # tables (the report's notebooks) import this module without matching anything
    from scipy.optimize import linear_sum_assignment

    out = []
    old = old.assign(description_norm=normalize_place(old["description"]))
    new = new.assign(description_norm=normalize_place(new["description"]))
    new_by_day = dict(tuple(new.groupby("date", sort=False)))
    for day, ga in old.groupby("date", sort=True):
        gb = new_by_day.get(day)
        if gb is None:
            continue
        scores = _scores(ga, gb)
        ia, ib = linear_sum_assignment(-scores)
        for i, j in zip(ia, ib):
            ra, rb, s = ga.iloc[i], gb.iloc[j], float(scores[i, j])
            status = ("below_threshold" if s < threshold else
                      "match" if ra["detainees"] == rb["detainees"] else
                      "match_count_conflict")
            out.append((day, ra["record"], rb["record"], ra["place"], rb["place"],
                        ra["detainees"], rb["detainees"], round(s, 4), status))
    return pd.DataFrame(out, columns=OVERLAP_COLUMNS)


def merge_lists(report_data: pd.DataFrame, list_2012: pd.DataFrame, list_2013: pd.DataFrame,
                threshold: float = MATCH_THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge the three lists into one event table without double counting 2011-12.

    Returns
    -------
    events : DataFrame
        Columns ``EVENT_COLUMNS``: the list rows kept (a matched pair appears once, from
        ``list_2012``) with ``event_id`` (``<list>:<record>``), ``detainees_other`` (the
        ``report_data`` count of a matched pair, else missing), ``in_report_data`` and
        ``in_list_2012`` (bool).
    overlaps : DataFrame
        See :func:`match_lists`.
    """
    overlaps = match_lists(report_data, list_2012, threshold)
    matched = overlaps[overlaps["status"] != "below_threshold"]
    other = matched.set_index("record_list_2012")["detainees_report_data"]
    b = list_2012.assign(in_report_data=list_2012["record"].isin(other.index),
                         in_list_2012=True,
                         detainees_other=list_2012["record"].map(other).astype("Int64"))
    a = report_data[~report_data["record"].isin(matched["record_report_data"])]
    a = a.assign(in_report_data=True, in_list_2012=False,
                 detainees_other=pd.Series(pd.NA, index=a.index, dtype="Int64"))
    c = list_2013.assign(in_report_data=False, in_list_2012=False,
                         detainees_other=pd.Series(pd.NA, index=list_2013.index,
                                                   dtype="Int64"))
    events = pd.concat([a, b, c], ignore_index=True)
    events["event_id"] = events["list"] + ":" + events["record"].astype(str)
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    return events[EVENT_COLUMNS], overlaps


def read_protests(raw_dir=None, *, files: dict | None = None,
                  threshold: float = MATCH_THRESHOLD) -> ProtestLists:
    """Read, normalise and merge the OVD-Info protest detention lists.

    Parameters
    ----------
    raw_dir : path-like, optional
        Folder with the raw layout (``ovdinfo/...``); default ``paths().raw``.
    files : dict, optional
        ``{"report_data": path, "list_2012": path, "list_2013": path}`` overriding the
        manifest locations (all three keys required when given).
    threshold : float
        See :func:`match_lists`.

    Returns
    -------
    ProtestLists
        ``events`` (see :func:`merge_lists`), ``overlaps`` (see :func:`match_lists`) and
        ``rejects`` (see :func:`read_ovdinfo_list`). Every input record is in exactly one
        of: ``events``, ``rejects``, or (a matched ``report_data`` record) ``overlaps``.
    """
    if files is None:
        files = {k: raw_path(v[0], raw_dir) for k, v in LISTS.items()}
    elif set(files) != set(LISTS):
        raise ValueError(f"files must have exactly the keys {sorted(LISTS)}")
    read = {k: read_ovdinfo_list(files[k], k) for k in LISTS}
    events, overlaps = merge_lists(read["report_data"][0], read["list_2012"][0],
                                   read["list_2013"][0], threshold)
    rejects = pd.concat([r for _, r in read.values()], ignore_index=True)
    return ProtestLists(events=events, overlaps=overlaps, rejects=rejects)


FLOW_COLUMNS = ["step", "source_id", "rows_in", "rows_out", "merged", "rejected"]


def protests_flow(lists: ProtestLists, raw_dir=None, *, files: dict | None = None
                  ) -> pd.DataFrame:
    """Where every record of each raw list went (the input of
    :func:`repstats.quality.row_flow`).

    Parameters
    ----------
    lists : ProtestLists
        :func:`read_protests` output for the same files.
    raw_dir, files
        As in :func:`read_protests`; the raw lists are counted again here, on their own,
        so that a record lost by the reader shows as unaccounted.

    Returns
    -------
    DataFrame
        One row per list, in :data:`LISTS` order: ``step`` (the list id), ``source_id``
        (manifest id), ``rows_in`` (records in the raw file), ``rows_out`` (events of the
        list), ``merged`` (``report_data`` records matched to a ``list_2012`` event and
        folded into it; 0 for the other lists), ``rejected`` (records in ``rejects``).
    """
    if files is None:
        files = {k: raw_path(v[0], raw_dir) for k, v in LISTS.items()}
    elif set(files) != set(LISTS):
        raise ValueError(f"files must have exactly the keys {sorted(LISTS)}")
    matched = lists.overlaps[lists.overlaps["status"] != "below_threshold"]
    rows = []
    for list_id, (source_id, _columns, _region) in LISTS.items():
        raw = pd.read_csv(files[list_id], dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
        rows.append((list_id, source_id, len(raw),
                     int((lists.events["list"] == list_id).sum()),
                     len(matched) if list_id == "report_data" else 0,
                     int((lists.rejects["list"] == list_id).sum())))
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


def protests_monthly(events: pd.DataFrame, by_region: bool = False) -> pd.DataFrame:
    """Monthly counts of protest events with detentions and of detainees.

    Parameters
    ----------
    events : DataFrame
        ``ProtestLists.events``.
    by_region : bool
        One series per ``region_iso`` (events with an unknown region under "unknown")
        instead of all regions together ("all").

    Returns
    -------
    DataFrame
        ``period`` (monthly Period; every month from the first to the last event month,
        zeros where a list recorded nothing), ``region`` ("all", an ISO 3166-2 code or
        "unknown"), ``events``, ``detainees``, ``detainees_low`` and ``detainees_high``
        (the sum using the lower / higher of the two 2011-12 lists' counts for events both
        list), ``events_in_both_lists``, ``lists`` (which raw lists cover the month).
    """
    need = {"date", "detainees", "detainees_other", "region_iso", "in_report_data",
            "in_list_2012", "list"}
    missing = need - set(events.columns)
    if missing:
        raise ValueError(f"events lacks columns {sorted(missing)}")
    e = events.assign(
        period=events["date"].dt.to_period("M"),
        region=events["region_iso"].fillna("unknown") if by_region else "all",
        low=np.minimum(events["detainees"], events["detainees_other"].fillna(
            events["detainees"]).astype("int64")),
        high=np.maximum(events["detainees"], events["detainees_other"].fillna(
            events["detainees"]).astype("int64")),
        both=events["in_report_data"] & events["in_list_2012"])
    months = pd.period_range(e["period"].min(), e["period"].max(), freq="M")
    covered: dict = {}
    for name, mask in (("report_data", e["in_report_data"]),
                       ("list_2012", e["in_list_2012"]),
                       ("list_2013", e["list"].eq("list_2013"))):
        sub = e.loc[mask, "period"]
        if not sub.empty:
            for m in pd.period_range(sub.min(), sub.max(), freq="M"):
                covered.setdefault(m, []).append(name)
    g = e.groupby(["region", "period"])
    agg = pd.DataFrame({"events": g.size(), "detainees": g["detainees"].sum(),
                        "detainees_low": g["low"].sum(), "detainees_high": g["high"].sum(),
                        "events_in_both_lists": g["both"].sum()})
    full = pd.MultiIndex.from_product([sorted(e["region"].unique()), months],
                                      names=["region", "period"])
    out = agg.reindex(full, fill_value=0).astype("int64").reset_index()
    out["lists"] = out["period"].map(lambda m: "+".join(covered.get(m, [])))
    return out[["period", "region", "events", "detainees", "detainees_low", "detainees_high",
                "events_in_both_lists", "lists"]]

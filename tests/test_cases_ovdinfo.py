"""OVD-Info prosecutions: CSV/JSON reader, paginated fetch over loopback HTTP, counts.

Fixtures are built in code (invented records, no real people).
"""
from __future__ import annotations

import json
import socket
import time
from http.server import BaseHTTPRequestHandler

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hyp import batch_of, batched, flat
from loopback import serve

from repstats.cases import fetch_ovdinfo, monthly_prosecutions, read_ovdinfo_prosecutions
from repstats.cases.fields import (_ISO, article_part_pairs, charges_string, parse_iso_dates,
                                   parse_list_field)
from repstats.cases import ovdinfo
from repstats.cases.ovdinfo import PROSECUTIONS_SCHEMA, download_ovdinfo
from repstats.errors import FetchError


def _record(i, started="2022-03-05", group="Anti-war case", articles=("207.3 Part 2",),
            term=None, region="RU-MOW"):
    return {
        "id": f"p{i}",
        "name": f"Person {i}",
        "persecution_started": started,
        "persecution_started_year": int(started[:4]) if started else None,
        "persecution_region_iso": region,
        "persecution_city_en": "Moscow",
        "persecution_article_and_part_en": list(articles),
        "case_group_en": group,
        "first_verdict_date": None,
        "verdict_imprisonment_term": term,
    }


RECORDS = [
    _record(1, "2022-03-05", term=84),
    _record(2, "2022-03-20", articles=("207.3 Part 2", "280.3 Part 1"), term=9999),
    _record(3, "2022-05-02", group="Network case", articles=("205.4 Part 2",), term=0),
    _record(4, "2022-05", group="Network case", articles=("205.4 Part 2",), term=66),
    _record(5, "2022", group="Other", articles=(), term=None),
]


# --------------------------------------------------------------------------- fields
def test_list_field_parsing_never_evaluates():
    assert parse_list_field('["207.3 Part 2", "280.3 Part 1"]') == ["207.3 Part 2",
                                                                    "280.3 Part 1"]
    assert parse_list_field("['207.3 Part 2']") == ["207.3 Part 2"]
    assert parse_list_field("205.2 Part 2; 280.3 Part 1") == ["205.2 Part 2", "280.3 Part 1"]
    assert parse_list_field("") == [] and parse_list_field(None) == []
    assert parse_list_field("[__import__('os').system('x')]") is None


def test_article_labels():
    assert article_part_pairs("Part 2 of Article 207.3") == [("207.3", "2")]
    assert article_part_pairs("Article 280.3, part 1") == [("280.3", "1")]
    assert article_part_pairs("275") == [("275", None)]
    assert charges_string([("205.4", "1"), ("222", "1"), ("205.4", "1")]) == "205.4(1); 222(1)"


# ------------------------------------------------------------------------------ CSV
def _write_csv(path, records):
    rows = []
    for r in records:
        row = dict(r)
        row["persecution_article_and_part_en"] = json.dumps(r["persecution_article_and_part_en"])
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_read_csv_export(tmp_path):
    df = read_ovdinfo_prosecutions(_write_csv(tmp_path / "export.csv", RECORDS))
    PROSECUTIONS_SCHEMA.validate(df)
    assert len(df) == 5 and df["prosecution_id"].tolist() == [f"p{i}" for i in range(1, 6)]
    assert df.attrs["unit"] == "one prosecution of one person"
    assert df.loc[1, "persecution_article_and_part_en"] == ["207.3 Part 2", "280.3 Part 1"]
    assert df.loc[1, "articles"] == "207.3(2); 280.3(1)"
    assert df["persecution_started_precision"].tolist() == ["day", "day", "day", "month", "year"]
    assert df.loc[0, "verdict_imprisonment_term"] == 84


def test_placeholder_terms_flagged(tmp_path):
    df = read_ovdinfo_prosecutions(_write_csv(tmp_path / "export.csv", RECORDS))
    assert df["term_flag"].tolist() == ["ok", "placeholder_large", "placeholder_small", "ok",
                                        "missing"]
    assert pd.isna(df.loc[1, "verdict_imprisonment_term"])
    assert float(df.loc[1, "verdict_imprisonment_term_raw"]) == 9999  # raw kept
    assert pd.isna(df.loc[2, "verdict_imprisonment_term"])
    assert float(df.loc[2, "verdict_imprisonment_term_raw"]) == 0


def test_year_outside_the_date_column_is_unreadable_not_a_crash(tmp_path):
    """A typo such as 1019 or 9999 is a valid calendar date but outside datetime64[ns]:
    that row's date is kept missing with an issue, the file is still read."""
    raw = pd.DataFrame([{"id": "a", "persecution_started": "1019-05-01"},
                        {"id": "b", "persecution_started": "2022-05-01",
                         "first_verdict_date": "9999-12-31"},
                        {"id": "c", "persecution_started": "2022-05"}])
    raw.to_csv(tmp_path / "x.csv", index=False)
    clean = read_ovdinfo_prosecutions(tmp_path / "x.csv")
    assert clean["persecution_started"].isna().tolist() == [True, False, False]
    assert "persecution_started unreadable" in clean.loc[0, "issues"]
    assert "first_verdict_date unreadable" in clean.loc[1, "issues"]
    assert clean["persecution_started_precision"].tolist()[1:] == ["day", "month"]


_DATE_TEXT = st.one_of(
    st.none(), st.just(float("nan")), st.integers(-5, 12000), st.floats(0, 3000),
    st.builds("{:04d}-{:d}-{:d}".format, st.integers(0, 9999), st.integers(0, 13),
              st.integers(0, 32)),
    st.builds("{:04d}-{:02d}".format, st.integers(1600, 2300), st.integers(0, 13)),
    st.sampled_from(["", "  ", "2022-03-05T00:00:00", " 2019 ", "2020-02-30", "x2020",
                     "２０２０-01-02", "2020-1-2 10:00", "2020/01/02"]),
    st.text(max_size=12))


def _iso_oracle(v):
    """One cell read as parse_iso_dates documents it (a plain per-cell reading)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == "":
        return pd.NaT, None, True
    m = _ISO.match(str(v))
    try:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        ts = pd.Timestamp(int(y), int(mo or 1), int(d or 1))
        if not pd.Timestamp.min <= ts <= pd.Timestamp.max:
            raise ValueError("outside datetime64[ns]")
    except (AttributeError, ValueError):
        return pd.NaT, None, False
    return ts, "day" if d else "month" if mo else "year", True


@settings(max_examples=batched(200), deadline=None)
@given(batch_of(st.lists(_DATE_TEXT, max_size=40)))
def test_iso_dates_read_once_per_distinct_text_as_cell_by_cell(batch):
    _check_iso_dates(flat(batch))


def _check_iso_dates(cells: list) -> None:
    got = parse_iso_dates(pd.Series(cells, dtype=object, index=range(7, 7 + len(cells))))
    assert got.index.tolist() == list(range(7, 7 + len(cells)))
    assert str(got["date"].dtype) == "datetime64[ns]"
    for (date, prec, ok), row in zip(map(_iso_oracle, cells), got.itertuples()):
        assert (row.date, row.ok) == (date, ok) or (pd.isna(row.date) and pd.isna(date)
                                                    and row.ok == ok)
        assert (None if pd.isna(row.precision) else row.precision) == prec


@settings(max_examples=batched(200), deadline=None)
@given(batch_of(st.lists(st.lists(st.sampled_from([None, float("nan"), pd.NA, "", "  ", "x", 0,
                                                   [], ["a"], (), {}]),
                                  min_size=3, max_size=3), max_size=12)))
def test_empty_records_are_those_with_every_cell_blank(batch):
    """The column-by-column test of empty records agrees with testing every cell."""
    _check_blank_rows(flat(batch))


def _check_blank_rows(rows: list) -> None:
    raw = pd.DataFrame(rows, columns=["a", "a", "b"], dtype=object)  # names may repeat
    every_cell = [all(ovdinfo._blank(v) for v in row) for row in rows]
    assert ovdinfo._blank_rows(raw).tolist() == every_cell


_ARTICLE_CELLS = st.sampled_from([None, float("nan"), "", '["207.3 Part 2"]',
                                   '["280.3 Part 1", "207.3 Part 2"]', "[broken",
                                   "205.2 Part 2; 280.3", "no article here", "[]",
                                   ["205.4 Part 2"], [], 275, True, 1])


@settings(max_examples=batched(200), deadline=None)
@given(batch_of(st.lists(_ARTICLE_CELLS, max_size=12)))
def test_article_lists_read_once_per_distinct_text_as_cell_by_cell(batch):
    """Reading each distinct article-list text once gives what reading every cell gives,
    and every row owns its list."""
    _check_article_fields(flat(batch))


def test_empty_columns_read_as_cell_by_cell():
    """The empty input, which a generated batch never is (the properties above)."""
    _check_iso_dates([])
    _check_blank_rows([])
    _check_article_fields([])


def _check_article_fields(cells: list) -> None:
    lists, charges, unread = ovdinfo._article_fields(pd.Series(cells, dtype=object))
    for cell, got, charge, bad in zip(cells, lists, charges, unread):
        want = parse_list_field(cell)
        assert bad == (want is None)
        want = want if want is not None else [str(cell)]
        assert got == want
        assert charge == charges_string(p for item in want for p in article_part_pairs(item))
    assert len({id(x) for x in lists}) == len(cells)
    text = [c for c in cells if isinstance(c, str) or c is None]  # the factorized path
    _, charges2, _ = ovdinfo._article_fields(pd.Series(text, dtype="string"))
    read = [parse_list_field(c) for c in text]
    items = [x if x is not None else [str(c)] for x, c in zip(read, text)]
    assert charges2 == [charges_string(p for i in x for p in article_part_pairs(i)) for x in items]


def test_rejects_and_issues(tmp_path):
    raw = pd.DataFrame([
        {"id": "a", "persecution_started": "2022-13-40", "persecution_region_iso": "Moscow"},
        {"id": "a", "persecution_started": "2022-01-01", "persecution_region_iso": "RU-MOW"},
        {"id": "", "persecution_started": "", "persecution_region_iso": ""},
    ])
    raw.to_csv(tmp_path / "x.csv", index=False)
    clean, rejects = read_ovdinfo_prosecutions(tmp_path / "x.csv", return_rejects=True)
    assert len(clean) + len(rejects) == 3
    assert rejects["reason"].tolist() == ["prosecution_id seen before in this source",
                                          "empty record"]
    assert "persecution_started unreadable" in clean.loc[0, "issues"]
    assert "region_iso" in clean.loc[0, "issues"]
    with pytest.warns(UserWarning, match="rejected"):
        read_ovdinfo_prosecutions(tmp_path / "x.csv")


def test_monthly_counts(tmp_path):
    df = read_ovdinfo_prosecutions(_write_csv(tmp_path / "export.csv", RECORDS))
    with pytest.warns(UserWarning, match="1 prosecution"):
        m = monthly_prosecutions(df)
    assert m.attrs["excluded"] == 1
    got = m.set_index(["month", "case_group_en"])["prosecutions"]
    assert got[(pd.Period("2022-03", "M"), "Anti-war case")] == 2
    assert got[(pd.Period("2022-04", "M"), "Anti-war case")] == 0
    assert got[(pd.Period("2022-05", "M"), "Network case")] == 2
    assert m["prosecutions"].sum() == 4
    with pytest.warns(UserWarning):
        a = monthly_prosecutions(df, by=("article",))
    assert set(a["unit"]) == {"prosecution-articles"}
    assert a["prosecutions"].sum() == 5  # p2 counts under two articles
    with pytest.raises(ValueError, match="not in the table"):
        monthly_prosecutions(df, by=("region",))


# ------------------------------------------------------------------ HTTP over loopback
class Server:
    """A loopback HTTP server serving fixture pages; counts hits per path+query."""

    def __init__(self, routes):
        self.routes, self.hits = routes, {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                key = self.path
                owner.hits[key] = owner.hits.get(key, 0) + 1
                route = owner.routes.get(key)
                if callable(route):
                    route = route(owner.hits[key])
                status, body = route if route is not None else (404, {"detail": "no"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._serving = serve(Handler)

    def __enter__(self):
        self.base = self._serving.__enter__()
        return self

    def __exit__(self, *exc):
        return self._serving.__exit__(*exc)


def _next_style(base):
    return {
        "/api/prosecutions": (200, {"count": 5, "results": RECORDS[:2],
                                    "next": f"{base}/api/prosecutions?cursor=2"}),
        # relative next link, and a flaky page: HTTP 503 once, then fine
        "/api/prosecutions?cursor=2": lambda hit: (503, {"detail": "busy"}) if hit == 1 else
        (200, {"count": 5, "results": RECORDS[2:4], "next": "/api/prosecutions?cursor=3"}),
        "/api/prosecutions?cursor=3": (200, {"count": 5, "results": RECORDS[4:], "next": None}),
    }


def test_fetch_next_style_with_flaky_page_and_cache(tmp_path):
    routes = {}
    with Server(routes) as srv:
        routes.update(_next_style(srv.base))
        url = f"{srv.base}/api/prosecutions"
        t0 = time.perf_counter()
        df = fetch_ovdinfo(url, tmp_path / "cache", retries=3, backoff=0.05, timeout=5)
        elapsed = time.perf_counter() - t0
        assert srv.hits["/api/prosecutions?cursor=2"] == 2  # failed once, retried
        assert elapsed >= 0.05  # the retry waited (backoff)
        assert df["prosecution_id"].tolist() == [f"p{i}" for i in range(1, 6)]
        assert df["page"].tolist() == [1, 1, 2, 2, 3]
        assert df.loc[4, "source"].endswith("cursor=3")
        assert len(list((tmp_path / "cache").glob("*.json"))) == 3
        before = dict(srv.hits)
        again = fetch_ovdinfo(url, tmp_path / "cache", retries=1, backoff=0.01, timeout=5)
        assert srv.hits == before  # rerun read the cache only
        pd.testing.assert_frame_equal(df, again)
        fetch_ovdinfo(url, tmp_path / "cache", refresh=True, backoff=0.01, timeout=5)
        assert srv.hits["/api/prosecutions"] == 2


def test_fetch_page_number_style(tmp_path):
    routes = {}
    size = 2
    for n in range(1, 4):
        routes[f"/v1/cases?page={n}&page_size={size}"] = (
            200, {"page": n, "total_pages": 3, "data": RECORDS[(n - 1) * size: n * size]})
    with Server(routes) as srv:
        df = fetch_ovdinfo(f"{srv.base}/v1/cases", None, style="page", page_size=size,
                           backoff=0.01, timeout=5)
        assert len(df) == 5
        assert sorted(srv.hits) == sorted(routes)
        # a bare list per page also works; stops at the short page
        routes.clear()
        routes["/v2?page=1&page_size=2"] = (200, RECORDS[:2])
        routes["/v2?page=2&page_size=2"] = (200, RECORDS[2:3])
        df2 = fetch_ovdinfo(f"{srv.base}/v2", None, style="page", page_size=2, backoff=0.01,
                            timeout=5)
        assert len(df2) == 3 and "/v2?page=3&page_size=2" not in srv.hits


def test_fetch_guards(tmp_path):
    routes = {}
    with Server(routes) as srv:
        routes["/loop"] = (200, {"results": RECORDS[:1], "next": f"{srv.base}/loop"})
        with pytest.raises(FetchError, match="already fetched"):
            fetch_ovdinfo(f"{srv.base}/loop", None, backoff=0.01, timeout=5)
        routes["/big"] = (200, {"results": RECORDS, "next": None})
        with pytest.raises(FetchError, match="guard"):
            fetch_ovdinfo(f"{srv.base}/big", None, max_page_bytes=100, timeout=5)
        routes["/p1"] = (200, {"results": RECORDS[:1], "next": "/p2"})
        routes["/p2"] = (200, {"results": RECORDS[1:2], "next": "/p3"})
        with pytest.raises(FetchError, match="max_pages"):
            fetch_ovdinfo(f"{srv.base}/p1", None, max_pages=1, timeout=5)
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch_ovdinfo(f"{srv.base}/missing", None, backoff=0.01, timeout=5)
        routes["/notjson"] = (200, "just text")
        with pytest.raises(FetchError, match="no list of records"):
            fetch_ovdinfo(f"{srv.base}/notjson", None, timeout=5)


def test_fetch_offline_message(tmp_path):
    with socket.socket() as s:  # a port nobody listens on: connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match="offline"):
        fetch_ovdinfo(f"http://127.0.0.1:{port}/api", tmp_path, retries=2, backoff=0.01,
                      timeout=2)


def test_read_url_and_json_files(tmp_path):
    routes = {}
    with Server(routes) as srv:
        routes.update(_next_style(srv.base))
        df = read_ovdinfo_prosecutions(f"{srv.base}/api/prosecutions",
                                       cache_dir=tmp_path / "c", backoff=0.01, timeout=5)
        assert len(df) == 5
    pages = [{"results": RECORDS[:3], "next": "x"}, {"results": RECORDS[3:], "next": None}]
    folder = tmp_path / "ovdinfo_prosecutions"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(pages))
    (folder / "b.json").write_text(json.dumps(RECORDS[:1]))  # duplicate of p1
    clean, rejects = read_ovdinfo_prosecutions(folder, return_rejects=True)
    assert len(clean) == 5 and len(rejects) == 1
    assert rejects["reason"].iloc[0].startswith("prosecution_id seen before")


def test_download_then_read_from_raw(tmp_path):
    routes = {}
    with Server(routes) as srv:
        routes.update(_next_style(srv.base))
        path = download_ovdinfo(f"{srv.base}/api/prosecutions", tmp_path / "raw",
                                backoff=0.01, timeout=5)
    assert path == tmp_path / "raw" / "ovdinfo_prosecutions" / "api.json"
    assert len(json.loads(path.read_text())) == 5
    assert len(list((path.parent / ".cache").glob("*.json"))) == 3
    df = read_ovdinfo_prosecutions(path.parent)  # the folder the cases stage reads
    assert df["prosecution_id"].tolist() == [f"p{i}" for i in range(1, 6)]
    assert df.loc[1, "articles"] == "207.3(2); 280.3(1)"


def test_auto_style_detects_page_numbers():
    routes = {"/auto": (200, {"data": RECORDS[:3], "total_pages": 2}),
              "/auto?page=2": (200, {"data": RECORDS[3:], "total_pages": 2})}
    with Server(routes) as srv:
        df = fetch_ovdinfo(f"{srv.base}/auto", None, backoff=0.01, timeout=5)
    assert len(df) == 5 and df["page"].tolist() == [1, 1, 1, 2, 2]
    assert srv.hits == {"/auto": 1, "/auto?page=2": 1}

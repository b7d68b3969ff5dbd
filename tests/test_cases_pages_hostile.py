"""A misbehaving OVD-Info API on loopback (issue 14 item 9). No network beyond 127.0.0.1."""
from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler

import pytest
from loopback import serve

from repstats.cases import download_ovdinfo, fetch_ovdinfo
from repstats.cases.pages import ConnectError, ServerError
from repstats.errors import FetchError, InputError

RECORD = {"id": "p1", "persecution_started": "2022-03-05"}


class Server:
    """Loopback server; each route is a function(handler) writing the whole answer."""

    def __init__(self, routes):
        self.routes, self.hits = routes, {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                owner.hits[self.path] = owner.hits.get(self.path, 0) + 1
                route = owner.routes.get(self.path)
                if route is None:
                    return self.send_error(404)
                route(self)

            def log_message(self, *args):
                pass

        self._serving = serve(Handler)

    def __enter__(self):
        self.base = self._serving.__enter__()
        return self

    def __exit__(self, *exc):
        return self._serving.__exit__(*exc)


def _json(payload, status=200, length=None):
    def route(h):
        data = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(length if length is not None else len(data)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()
        h.close_connection = True
    return route


def _drip(h):
    data = json.dumps({"results": [RECORD] * 50, "next": None}).encode()
    h.send_response(200)
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    try:
        for b in data:
            h.wfile.write(bytes([b]))
            h.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def test_next_url_must_stay_on_the_starting_host(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"results": [{"id": "LEAKED"}], "next": None}))
    routes = {}
    with Server(routes) as srv:
        for nxt in (secret.as_uri(), "ftp://127.0.0.1/x", "http://localhost:1/x",
                    "https://example.org/api?page=2"):
            routes["/api"] = _json({"results": [RECORD], "next": nxt})
            with pytest.raises(FetchError, match="refused"):
                download_ovdinfo(f"{srv.base}/api", tmp_path / "raw", retries=1, timeout=5,
                                 refresh=True)
            assert not (tmp_path / "raw/ovdinfo_prosecutions/api.json").exists()
            cache = tmp_path / "raw/ovdinfo_prosecutions/.cache"
            assert not cache.exists() or not list(cache.iterdir())  # rejected: not cached
    with pytest.raises(FetchError, match="only http"):
        fetch_ovdinfo(secret.as_uri(), None)


def test_total_deadline_against_a_dripping_server():
    with Server({"/drip": _drip}) as srv:
        t0 = time.monotonic()
        with pytest.raises(ServerError, match="deadline"):
            fetch_ovdinfo(f"{srv.base}/drip", None, timeout=1.0, retries=1)
        assert time.monotonic() - t0 < 4


def test_body_shorter_than_content_length_is_an_error(tmp_path):
    body = json.dumps({"results": [RECORD], "next": None}).encode()
    with Server({"/short": _json(body, length=len(body) + 50)}) as srv:
        with pytest.raises(ServerError, match="shorter than its Content-Length|early"):
            fetch_ovdinfo(f"{srv.base}/short", tmp_path / "c", retries=1, timeout=5)
    assert not list((tmp_path / "c").glob("*.json")) if (tmp_path / "c").exists() else True


def test_server_error_is_not_called_offline():
    with Server({"/boom": _json({"detail": "oops"}, status=500)}) as srv:
        with pytest.raises(ServerError, match="server error HTTP 500") as info:
            fetch_ovdinfo(f"{srv.base}/boom", None, retries=2, backoff=0.01, timeout=5)
        assert "offline" not in str(info.value)
        assert srv.hits["/boom"] == 2


def test_connection_refused_is_called_offline():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectError, match="offline"):
        fetch_ovdinfo(f"http://127.0.0.1:{port}/api", None, retries=1, timeout=2)


def test_deep_json_is_a_clear_error(tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000
    with Server({"/deep": _json(deep)}) as srv:
        with pytest.raises(FetchError, match="nested too deeply"):
            fetch_ovdinfo(f"{srv.base}/deep", tmp_path / "c", retries=1, timeout=5)
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").iterdir())
    from repstats.cases import read_ovdinfo_prosecutions

    (tmp_path / "deep.json").write_bytes(deep)
    with pytest.raises(InputError, match="nested too deeply"):
        read_ovdinfo_prosecutions(tmp_path / "deep.json")


def test_records_not_objects_never_cached(tmp_path):
    with Server({"/bad": _json({"results": [1, 2], "next": None})}) as srv:
        with pytest.raises(FetchError, match="JSON objects"):
            fetch_ovdinfo(f"{srv.base}/bad", tmp_path / "c", retries=1, timeout=5)
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").iterdir())

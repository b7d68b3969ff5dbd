"""CLI: argument handling, clear errors, fetch from a mirror into a fresh raw folder."""
from __future__ import annotations

import subprocess
import sys

import pytest

from repstats.cli import main


def test_fetch_list(capsys):
    assert main(["fetch", "--list"]) == 0
    out = capsys.readouterr().out
    assert "cdep_2016" in out and "cdep/2016.zip" in out


def test_unknown_source_is_an_error(capsys, tmp_path):
    assert main(["fetch", "nope", "--raw-dir", str(tmp_path), "--quiet"]) == 2
    assert "unknown source id(s) ['nope']" in capsys.readouterr().err


def test_unknown_stage_is_an_error(capsys, tmp_path):
    assert main(["build", "--stage", "nope", "--processed-dir", str(tmp_path)]) == 2
    assert "unknown stage 'nope'" in capsys.readouterr().err


def test_fetch_group_from_mirror(mirror, tmp_path, capsys):
    assert main(["fetch", "courts", "--raw-dir", str(tmp_path), "--mirror", str(mirror),
                 "--quiet"]) == 0
    assert "22 copied" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "cdep").iterdir()) == \
        [f"{y}.zip" for y in range(2009, 2022)] + ["2022", "2023", "2024"]
    # the war years land as loose workbooks in cdep/YYYY/
    for year in (2022, 2023, 2024):
        assert len(list((tmp_path / "cdep" / str(year)).glob("*.xls"))) == 3


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "repstats.cli", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("repstats ")


def test_offline_without_mirror_fails_clearly(tmp_path, capsys):
    empty = tmp_path / "empty_mirror"
    empty.mkdir()
    assert main(["fetch", "cdep_2009", "--raw-dir", str(tmp_path / "raw"), "--mirror",
                 str(empty), "--offline", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cdep_2009" in err and "offline" in err
    assert not (tmp_path / "raw" / "cdep" / "2009.zip").exists()


@pytest.mark.parametrize("cmd", ["fetch", "build", "validate", "report"])
def test_help(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([cmd, "--help"])
    assert exc.value.code == 0


def test_fetch_ovdinfo_api_over_loopback(tmp_path, capsys):
    """`repstats fetch --ovdinfo-url` walks a paginated JSON API served on 127.0.0.1."""
    import http.server
    import json
    import threading

    pages = {
        "/api/1": {"results": [{"id": 1, "persecution_started": "2022-03-01",
                                "case_group_en": "Anti-war case"}], "next": "/api/2"},
        "/api/2": {"results": [{"id": 2, "persecution_started": "2022-04-11",
                                "case_group_en": "Anti-war case"}], "next": None},
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            page = pages.get(self.path)
            if page is None:
                self.send_error(404)
                return
            if page["next"]:
                page = dict(page, next=f"http://127.0.0.1:{self.server.server_address[1]}{page['next']}")
            body = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/api/1"
        assert main(["fetch", "--ovdinfo-url", url, "--raw-dir", str(tmp_path)]) == 0
    finally:
        httpd.shutdown()
    saved = json.loads((tmp_path / "ovdinfo_prosecutions" / "api.json").read_text())
    assert [r["id"] for r in saved] == [1, 2]
    assert "OVD-Info prosecutions saved" in capsys.readouterr().out

"""fetch: mirror copy, download over loopback HTTP, checksum refusal, atomicity."""
from __future__ import annotations

import hashlib
import http.server
from pathlib import Path

import pytest
from loopback import serve

from repstats.errors import ChecksumError, FetchError
from repstats.fetch import fetch_one, sha256_file
from repstats.sources import COLUMNS, Source, read_manifest


def _source(tmp_path, payload: bytes, url="", name="x/file.bin", sha=None) -> Source:
    return Source(id="t", group="g", file=name, description="d", publisher="p", url=url,
                  landing_page="http://example.invalid/landing", sha256=sha or
                  hashlib.sha256(payload).hexdigest(), size=len(payload), licence="l",
                  retrieved="2026-01-01", note="download it by hand from the landing page")


@pytest.fixture()
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *a):
            pass

    with serve(Handler) as base:
        yield root, base


def test_copy_from_mirror(tmp_path):
    payload = b"hello" * 1000
    mirror = tmp_path / "mirror"
    (mirror / "x").mkdir(parents=True)
    (mirror / "x" / "file.bin").write_bytes(payload)
    src = _source(tmp_path, payload)
    raw = tmp_path / "raw"
    r = fetch_one(src, raw, mirror)
    assert r.action == "copied" and (raw / "x/file.bin").read_bytes() == payload
    assert fetch_one(src, raw, mirror).action == "present"


def test_download_over_loopback(tmp_path, server):
    root, base = server
    payload = bytes(range(256)) * 300
    (root / "f.bin").write_bytes(payload)
    src = _source(tmp_path, payload, url=f"{base}/f.bin")
    r = fetch_one(src, tmp_path / "raw", None)
    assert r.action == "downloaded"
    assert sha256_file(r.path) == src.sha256


def test_checksum_mismatch_leaves_nothing(tmp_path, server, monkeypatch):
    root, base = server
    (root / "f.bin").write_bytes(b"tampered")
    src = _source(tmp_path, b"original", url=f"{base}/f.bin")
    raw = tmp_path / "raw"
    import pooch.core

    sleeps = []  # pooch's waits between attempts, recorded instead of slept (3 s)
    monkeypatch.setattr(pooch.core.time, "sleep", sleeps.append)
    with pytest.raises(ChecksumError, match="checksum mismatch"):
        fetch_one(src, raw, None)
    assert sleeps == [1, 2]  # the default retries were all made
    assert not any(p.is_file() for p in raw.rglob("*"))


def test_http_404_is_clear(tmp_path, server):
    _, base = server
    src = _source(tmp_path, b"abc", url=f"{base}/missing.bin")
    with pytest.raises(FetchError, match="HTTP 404.*By hand"):
        fetch_one(src, tmp_path / "raw", None)


def test_no_url_gives_manual_instructions(tmp_path):
    src = _source(tmp_path, b"abc", url="")
    with pytest.raises(FetchError, match="no direct URL.*by hand.*Landing page"):
        fetch_one(src, tmp_path / "raw", None)


def test_offline_refuses_download(tmp_path):
    src = _source(tmp_path, b"abc", url="http://127.0.0.1:9/never")
    with pytest.raises(FetchError, match="offline"):
        fetch_one(src, tmp_path / "raw", None, offline=True)


def test_committed_manifest_is_well_formed():
    df = read_manifest()
    assert list(df.columns) == COLUMNS
    assert df["id"].is_unique
    # every court year 2009-2021 is listed
    assert {f"cdep_{y}" for y in range(2009, 2022)} <= set(df["id"])
    # a source without a URL must say how to get it by hand
    no_url = df[df["url"] == ""]
    assert (no_url["note"].str.len() > 20).all()


@pytest.mark.mirror
def test_manifest_matches_mirror(mirror):
    df = read_manifest()
    for r in df.itertuples():
        f = mirror / r.file
        assert f.is_file(), f"{r.id}: {f} missing from the mirror"
        assert f.stat().st_size == r.size, r.id
        assert sha256_file(f) == r.sha256, r.id


def test_raw_data_never_tracked():
    """No upstream raw file may be committed: only the manifest lives in data/raw."""
    import subprocess
    root = Path(__file__).resolve().parents[1]
    try:
        out = subprocess.run(["git", "ls-files", "data/raw", "data/processed"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert set(out) <= {"data/raw/manifest.csv", "data/raw/README.md", "data/processed/.gitkeep"}


def test_skip_manual_source(tmp_path):
    src = _source(tmp_path, b"abc", url="")
    r = fetch_one(src, tmp_path / "raw", None, skip_manual=True)
    assert r.action == "skipped" and "by hand" in r.detail
    assert not (tmp_path / "raw" / src.file).exists()


# ---------------------------------------------------------------- failure hygiene (pooch)
def test_download_failure_no_sleep_after_last_retry_no_empty_dirs(tmp_path, monkeypatch):
    import pooch.core

    sleeps = []
    monkeypatch.setattr(pooch.core.time, "sleep", sleeps.append)
    src = _source(tmp_path, b"abc", url="http://127.0.0.1:9/never", name="cdep/deep/f.bin")
    src = Source(**{**src.__dict__, "note": "By hand: ask the court department."})
    raw = tmp_path / "raw"
    raw.mkdir()
    with pytest.raises(FetchError) as info:
        fetch_one(src, raw, None, retries=2)
    message = str(info.value)
    assert sleeps == [1, 2]  # between the three attempts, none after the last
    assert "could not connect after 3 attempt(s)" in message and "offline" in message
    assert message.count("By hand") == 1
    assert list(raw.iterdir()) == []  # no empty cdep/deep/ left behind


def test_server_error_is_not_called_offline(tmp_path, server, monkeypatch):
    import http.server as hs

    import pooch.core

    monkeypatch.setattr(pooch.core.time, "sleep", lambda s: None)
    monkeypatch.setattr(hs.SimpleHTTPRequestHandler, "do_GET",
                        lambda self: self.send_error(503, "busy"))
    _, base = server
    src = _source(tmp_path, b"abc", url=f"{base}/f.bin")
    with pytest.raises(FetchError, match="server error HTTP 503") as info:
        fetch_one(src, tmp_path / "raw", None, retries=1)
    assert "offline" not in str(info.value)


def test_fetch_removes_stale_temporaries_and_logs_n_of_n(tmp_path, monkeypatch, caplog):
    import logging

    import repstats.fetch as f

    payload = b"hello" * 10
    mirror = tmp_path / "mirror"
    (mirror / "x").mkdir(parents=True)
    (mirror / "x" / "file.bin").write_bytes(payload)
    (mirror / "x" / "other.bin").write_bytes(payload + b"!")
    srcs = [_source(tmp_path, payload),
            Source(**{**_source(tmp_path, payload + b"!").__dict__, "id": "u",
                      "file": "x/other.bin"})]
    monkeypatch.setattr(f, "sources", lambda ids, path=None: srcs)
    raw = tmp_path / "raw"
    (raw / "x").mkdir(parents=True)
    stale = [raw / "x" / ".file.bin.ab12cd34.part", raw / "x" / "tmpab12_x9z"]
    for s in stale:
        s.write_bytes(b"partial")
    keep = raw / "x" / "notes.txt"
    keep.write_text("mine")
    with caplog.at_level(logging.INFO, logger="repstats.fetch"):
        results = f.fetch(raw_dir=raw, mirror=mirror, progress=False)
    assert [r.action for r in results] == ["copied", "copied"]
    assert not any(s.exists() for s in stale) and keep.exists()
    lines = [r.getMessage() for r in caplog.records]
    assert "fetch 1 of 2: t copied" in lines and "fetch 2 of 2: u copied" in lines
    assert any("removed 2 temporary file(s)" in m for m in lines)

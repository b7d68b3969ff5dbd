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


def test_unknown_stage_is_an_error_listing_the_stages(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["build", "--stage", "nope", "--processed-dir", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nope'" in err and "courts" in err and "instability" in err


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


def test_parsing_the_command_line_imports_no_data_library():
    """``repstats --help`` and the parser start light: the stage names come without the
    stages, pandas and the rest load only when a command runs."""
    code = ("import sys; from repstats.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'nbformat') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_report_skips_the_unused_iri_grammars_and_still_validates_notebooks():
    """``repstats report`` keeps jsonschema's optional rfc3987_syntax out (nbformat does not
    check formats); a notebook breaking the schema is still refused."""
    code = """if True:
        import sys
        from repstats.cli import skip_unused_iri_grammars
        skip_unused_iri_grammars()
        import nbformat
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
        nbformat.validate(nb)
        nb.cells[0]["not_in_the_schema"] = 1
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError:
            print("refused", sys.modules.get("rfc3987_syntax", "absent"))
        """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["refused", "None"]


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

    from loopback import serve

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

    with serve(Handler) as base:
        url = f"{base}/api/1"
        assert main(["fetch", "--ovdinfo-url", url, "--raw-dir", str(tmp_path)]) == 0
    saved = json.loads((tmp_path / "ovdinfo_prosecutions" / "api.json").read_text())
    assert [r["id"] for r in saved] == [1, 2]
    assert "OVD-Info prosecutions saved" in capsys.readouterr().out


def test_help_lists_environment_defaults_and_choices(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    assert "{courts,statutes,instability,cases}" in out
    for var in ("REPSTATS_MIRROR", "REPSTATS_REPORTS", "REPSTATS_HOME", "REPSTATS_PROCESSED"):
        assert var in out
    assert "(default: " in out and "(default: None)" not in out
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert "--keep-code" in out and "--out DIR" in out and "--notebooks DIR" in out


def _fake_checks(monkeypatch):
    import pandas as pd

    import repstats.build

    long = "a detail " * 40 + "END"
    df = pd.DataFrame({"stage": ["courts", "courts", "cases"], "check": ["x", "y", "z"],
                       "status": ["pass", "warn", "fail"], "detail": ["", long, "bad"],
                       "extra": [1, 2, 3]})
    monkeypatch.setattr(repstats.build, "run_validate", lambda p, stages=None: df)
    return long


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_validate_formats(fmt, monkeypatch, capsys, tmp_path):
    import io
    import json

    import pandas as pd

    long = _fake_checks(monkeypatch)
    assert main(["validate", "--format", fmt, "--processed-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    if fmt == "json":
        records = json.loads(out)
        assert [r["status"] for r in records] == ["pass", "warn", "fail"]
        assert records[1]["detail"] == long
    elif fmt == "csv":
        df = pd.read_csv(io.StringIO(out), keep_default_na=False)
        assert df["detail"].tolist()[1] == long
    else:
        assert "END" in out and "1 failed, 1 warnings" in out  # details never cut
        assert max(len(line) for line in out.splitlines()) <= 120


def test_read_only_folder_is_one_line_naming_the_path(tmp_path, capsys):
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code = main(["build", "--stage", "statutes", "--processed-dir", str(ro / "out"),
                     "--quiet"])
    finally:
        ro.chmod(0o700)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and str(ro) in err[0] and "Traceback" not in err[0]


def test_oserror_without_a_file_name_names_the_folder(monkeypatch, tmp_path, capsys):
    import errno

    import repstats.build

    def full_disk(p, stages=None, log=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(repstats.build, "run_build", full_disk)
    assert main(["build", "--processed-dir", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"repstats build: error: no space left on the device while writing a "
                   f"file in {tmp_path / 'out'}"]


def test_build_on_windows_says_to_use_wsl_and_writes_nothing(monkeypatch, tmp_path, capsys):
    from repstats import publish

    monkeypatch.setattr(publish, "POSIX", False)  # as on Windows: no fcntl, no symlinks
    out = tmp_path / "out"
    assert main(["build", "--stage", "statutes", "--processed-dir", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "WSL" in err[0] and "Traceback" not in err[0]
    assert not out.exists()  # refused before the folder is made

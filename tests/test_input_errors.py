"""Bad raw files and failing disks: one clear line naming the path, exit code 2."""
from __future__ import annotations

import errno
import os
import shutil

import pytest

from repstats.cli import main
from repstats.errors import InputError
from repstats.instability.layout import read_csv_text

CSV = "date,detainees\n2012-05-06,Москва — 400\n"


@pytest.mark.parametrize("content, message", [
    (CSV.encode("cp1251"), "not UTF-8 text"),
    (b"", "is empty"),
    (bytes(range(256)) * 20, "not UTF-8 text"),
    (b'a,b\n"unclosed,1\n', "not a readable CSV"),
])
def test_csv_reader_errors_name_the_file(tmp_path, content, message):
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_csv_text(path, what="OVD-Info list")
    assert str(path) in str(info.value)
    assert read_csv_text(_write(tmp_path / "ok.csv", CSV), what="x")["detainees"].iloc[0] \
        == "Москва — 400"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.mirror
@pytest.mark.slow
@pytest.mark.parametrize("variant", ["cp1251", "empty", "random"])
def test_build_with_a_broken_protest_list_is_one_line(mirror, tmp_path, capsys, variant):
    raw = tmp_path / "raw"
    for sub in ("instability", "ovdinfo"):
        shutil.copytree(mirror / sub, raw / sub, copy_function=os.symlink)
    target = raw / "ovdinfo" / "detentions_list_2012.csv"
    data = (mirror / "ovdinfo" / "detentions_list_2012.csv").read_bytes()
    target.unlink()
    target.write_bytes({"cp1251": data.decode("utf-8").encode("cp1251", errors="replace"),
                        "empty": b"", "random": os.urandom(4096)}[variant])
    code = main(["build", "--stage", "instability", "--raw-dir", str(raw),
                 "--processed-dir", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert str(target) in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "out" / "instability_panel.parquet").exists()


@pytest.mark.parametrize("code, words", [
    (errno.EACCES, "Permission denied"), (errno.EROFS, "Read-only file system")])
def test_permission_errors_name_the_path(monkeypatch, tmp_path, capsys, code, words):
    import repstats.build

    target = tmp_path / "out" / "court_stats.parquet"

    def refuse(p, stages=None, log=None):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(repstats.build, "run_build", refuse)
    assert main(["build", "--processed-dir", str(tmp_path / "out"), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0] and words in err[0]

"""Helpers shared by the court tests."""
from __future__ import annotations

import hashlib
import zipfile

import pandas as pd

from repstats.courts import read_year


def assert_zip_reads_as_folder(folder, zip_path):
    """Zip the workbooks of ``folder`` into ``zip_path`` (built at test time, never
    committed) and check that both give the same rows; only ``source_file`` and
    ``source_sha256`` (the zip, not the loose workbook) may differ. Returns the folder's
    table."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    loose, zipped = read_year(folder), read_year(zip_path)
    prov = ["source_file", "source_sha256"]
    pd.testing.assert_frame_equal(loose.drop(columns=prov), zipped.drop(columns=prov))
    assert zipped["source_file"].eq(f"cdep/{zip_path.name}").all()
    by_file = loose.groupby("member")["source_sha256"].first()
    for name, sha in by_file.items():
        assert sha == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    return loose

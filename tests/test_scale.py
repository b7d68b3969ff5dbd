"""repstats.scale: parsers and OVD-Info cleaning on a local dask cluster of 2 processes.

Small data built here; the speed-up is measured by benchmarks/bench_dask.py, not here.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from repstats.cases.ovdinfo import clean_prosecutions
from repstats.scale import (arrow_schema, clean_ovdinfo_to_parquet, local_cluster,
                            parse_text_to_parquet)
from repstats.text import parse_charges, parse_date

POOL = ["ч. 2 ст. 205.2 УК РФ", "ст.ст. 205.4 ч.1, 222 ч.1 УК", "ничего", "27.02.2023",
        "ч. 3 ст. 30, ч. 1 ст. 205 УК", "февраль 2023"]


@pytest.fixture(scope="module")
def client():
    # dask and distributed imported here, not by the module: every pytest-xdist worker
    # collects this module, one runs these tests
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    # workers forked from a server that has imported pandas and dask: about 4 s less per
    # run than spawning fresh interpreters (the default), same cluster otherwise
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
        else "spawn"
    # as an earlier default cluster's nanny leaves it in the driver's environment
    leaked = {"MALLOC_TRIM_THRESHOLD_": "65536"}
    with mock.patch.dict(os.environ, leaked), \
            dask.config.set({"distributed.worker.multiprocessing-method": method}), \
            local_cluster(n_workers=2) as c:
        yield c


@pytest.fixture
def cases_csv(tmp_path):
    rng = np.random.default_rng(5)
    text = rng.choice(np.array(POOL, dtype=object), 3000)
    text[:700] = None                       # the first partition's text is all missing
    frame = pd.DataFrame({"case_id": [f"c{i}" for i in range(3000)], "text": text})
    path = tmp_path / "cases.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_two_worker_processes(client):
    info = client.scheduler_info()
    assert len(info["workers"]) == 2
    assert all(w["nthreads"] == 1 for w in info["workers"].values())


def test_workers_keep_glibc_malloc_defaults(client):
    # distributed's default MALLOC_TRIM_THRESHOLD_ made every partition ~30 % dearer (page
    # faults of freshly mapped arrays); local_cluster's workers run without it, unprofiled
    def settings():
        import os

        import dask
        return (os.environ.get("MALLOC_TRIM_THRESHOLD_"),
                dask.config.get("distributed.worker.profile.enabled"))

    assert set(client.run(settings).values()) == {(None, False)}


def test_unset_env_restores_the_drivers_values():
    from repstats.scale import _unset_env
    with mock.patch.dict(os.environ, {"MALLOC_TRIM_THRESHOLD_": "65536"}):
        with _unset_env(["MALLOC_TRIM_THRESHOLD_", "REPSTATS_NOT_SET"]):
            assert "MALLOC_TRIM_THRESHOLD_" not in os.environ
            os.environ["MALLOC_TRIM_THRESHOLD_"] = "1"     # as a nanny would write it
        assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"
        assert "REPSTATS_NOT_SET" not in os.environ


@pytest.mark.parametrize("parser", [parse_charges, parse_date], ids=lambda p: p.__name__)
def test_parquet_per_partition_equals_pandas(client, cases_csv, tmp_path, parser):
    path, frame = cases_csv
    from distributed import get_task_stream

    with get_task_stream(client) as ts:
        out = parse_text_to_parquet(path, "text", parser, tmp_path / "out", keep=["case_id"],
                                    blocksize=20_000)
    files = sorted(out.glob("*.parquet"))
    assert len(files) > 2                              # written by partition, not gathered
    # read, parse and write fused in one task per partition, and both workers used
    workers = Counter(t["worker"] for t in ts.data)
    assert len(workers) == 2, workers
    assert sum(workers.values()) <= len(files) + 2, workers
    schemas = {str(pq.read_schema(f)) for f in files}
    assert len(schemas) == 1                           # one explicit schema (no null types)
    got = pd.read_parquet(out).sort_values(["partition", "row"], kind="stable")
    assert got["partition"].nunique() == len(files)    # (partition, row) is a key
    assert not got.duplicated(["partition", "row"] if parser is parse_date else
                              ["partition", "row", "position"]).any()
    # the (partition, row) key and case_id lead back to every input row: nothing lost
    assert set(got["case_id"]) == set(frame["case_id"])
    want = parser(frame["text"])
    if parser is parse_charges:
        want = want.assign(case_id=frame["case_id"].to_numpy()[want["row"].to_numpy()])
        got = got.set_index("case_id").loc[want["case_id"].unique()].reset_index()
        cols = ["case_id", "article", "part", "code"]
    else:
        want = want.assign(case_id=frame["case_id"])
        got = got.set_index("case_id").loc[frame["case_id"]].reset_index()
        cols = ["case_id", "date", "precision", "reason"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True).astype(object).where(
        got[cols].notna().to_numpy(), None),
        want[cols].reset_index(drop=True).astype(object).where(
            want[cols].notna().to_numpy(), None), check_dtype=False)


def test_ovdinfo_cleaning_per_partition(client, tmp_path):
    n = 2500
    raw = pd.DataFrame({
        "prosecution_id": [f"p{i}" for i in range(n)],
        "persecution_article_and_part_en": ['["207.3(2)", "280.3(1)"]'] * n,
        "verdict_imprisonment_term": ["36"] * (n - 1) + ["9999"],
        "persecution_region_iso": ["RU-MOW"] * n,
    })
    raw.loc[10, :] = ""                                # an empty record: a reject
    raw.loc[n - 1, "prosecution_id"] = "p0"            # the first row's id, in the last part
    path = tmp_path / "ovd.csv"
    raw.to_csv(path, index=False)
    summary = clean_ovdinfo_to_parquet(path, tmp_path / "ovd", blocksize=30_000)
    assert len(summary) > 1
    assert summary["partition"].tolist() == list(range(len(summary)))
    assert (summary["rows"] == summary["clean"] + summary["rejects"]).all()
    assert summary["rows"].sum() == n and summary["rejects"].sum() == 1
    # one pass per partition cannot reject an id seen in another partition: it is counted
    assert summary.attrs["duplicate_ids"] == 1
    clean = pd.read_parquet(tmp_path / "ovd" / "clean")
    single = clean_prosecutions(raw.iloc[:-1], source="x", return_rejects=True)[0]
    assert sorted(clean["prosecution_id"].iloc[:-1]) == sorted(single["prosecution_id"])
    assert clean["prosecution_id"].iloc[-1] == "p0"
    assert clean["articles"].tolist() == single["articles"].tolist() + [single["articles"][0]]
    assert clean["term_flag"].iloc[:-1].value_counts().to_dict() == \
        single["term_flag"].value_counts().to_dict()
    assert clean["term_flag"].iloc[-1] != single["term_flag"].iloc[-1]   # 9999: placeholder


def test_parquet_input(client, cases_csv, tmp_path):
    _, frame = cases_csv
    folder = tmp_path / "in"
    folder.mkdir()
    for i, lo in enumerate(range(0, len(frame), 1000)):  # three files: three partitions
        frame.iloc[lo:lo + 1000].to_parquet(folder / f"part.{i}.parquet")
    out = parse_text_to_parquet(folder, "text", "parse_date", tmp_path / "out",
                                keep=["case_id"])
    got = pd.read_parquet(out).sort_values(["partition", "row"])
    assert got["partition"].tolist() == [i // 1000 for i in range(len(frame))]
    assert got["case_id"].tolist() == frame["case_id"].tolist()
    want = parse_date(frame["text"])
    assert got["date"].tolist() == want["date"].tolist()
    assert got["reason"].fillna("").tolist() == want["reason"].fillna("").tolist()


def test_arrow_schema_types_text_and_lists():
    frame = pd.DataFrame({"a": pd.Series([None], dtype=object), "b": pd.array([1], "Int64"),
                          "c": [[1]]})
    schema = arrow_schema(frame, lists=["c"])
    assert [str(t) for t in schema.types] == ["string", "int64", "list<item: string>"]


def test_default_partitions_spread_a_small_file_over_every_worker(tmp_path, monkeypatch):
    """A file too small for BLOCKSIZE partitions is cut into PARTS_PER_WORKER partitions
    per worker (the current client's workers, else the CPUs; never under MIN_BLOCKSIZE);
    a large one into BLOCKSIZE partitions."""
    pytest.importorskip("dask")
    from dask.utils import parse_bytes

    from repstats import scale

    path = tmp_path / "cases.csv"
    pd.DataFrame({"case_id": range(4000), "text": [POOL[i % len(POOL)] for i in
                                                   range(4000)]}).to_csv(path, index=False)
    size = path.stat().st_size
    monkeypatch.setattr(scale, "MIN_BLOCKSIZE", 1000)
    assert scale.auto_blocksize(path, workers=2) == size // (2 * scale.PARTS_PER_WORKER)
    assert scale.read_table(path, blocksize=scale.auto_blocksize(path, 2)).npartitions \
        >= 2 * scale.PARTS_PER_WORKER
    monkeypatch.setattr(scale, "_workers", lambda: 3)        # the library's default
    assert scale.read_table(path).npartitions >= 3 * scale.PARTS_PER_WORKER
    monkeypatch.setattr(scale, "MIN_BLOCKSIZE", size)        # never smaller than this
    assert scale.auto_blocksize(path, workers=2) == size
    monkeypatch.setattr(scale, "BLOCKSIZE", "1kB")           # nor larger than BLOCKSIZE
    assert scale.auto_blocksize(path, workers=2) == parse_bytes("1kB")
    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ValueError, match="workers"):
            scale.auto_blocksize(path, workers=bad)


def test_default_partitions_count_the_clients_workers(client):
    from repstats import scale

    assert scale._workers() == 2

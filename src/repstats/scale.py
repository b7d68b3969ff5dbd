"""Scale-out on dask: the text parsers and the OVD-Info cleaning, partition by partition.

Every parser in :mod:`repstats.text` and :func:`repstats.cases.ovdinfo.clean_prosecutions`
works on one pandas frame at a time, so a column too large for one process (a national
case list, a corpus of court decisions) is read as a dask dataframe from CSV or parquet,
each partition is parsed by a worker process, and each worker writes its own parquet file
with an explicit Arrow schema: nothing goes back through the driver but file metadata and
row counts. Reading, parsing and writing a partition is one task (fused), so a partition
never moves between workers; partitions are :data:`BLOCKSIZE` bytes of CSV by default, or
smaller for a file that would not give every worker :data:`PARTS_PER_WORKER` of them
(:func:`auto_blocksize`).

Threads do not help (the Python part of the parsers holds the GIL): use worker
*processes*, e.g. :func:`local_cluster` (a ``distributed.LocalCluster`` of processes with
one thread each; needs the ``dask`` extra: ``pip install repstats[dask]``).

Example
-------
>>> from repstats.scale import local_cluster, parse_text_to_parquet
>>> with local_cluster(n_workers=2):                                   # doctest: +SKIP
...     parse_text_to_parquet("cases.csv", "charges", "parse_charges", "charges_parsed/",
...                           keep=["case_id"])

The output has one row per input row (per charge for ``parse_charges``), with
``partition`` and ``row`` (the row's position within its partition: together a key back to
the input), the ``keep`` columns, and the parser's documented columns.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from repstats import text as _text

__all__ = ["PARSERS", "auto_blocksize", "read_table", "parse_text", "parse_text_to_parquet",
           "clean_ovdinfo_to_parquet", "arrow_schema", "local_cluster", "BLOCKSIZE",
           "PARTS_PER_WORKER", "WORKER_CONFIG"]

#: CSV bytes per partition by default: tasks of a few seconds (the scheduler's overhead
#: per task, a few milliseconds, is lost in them), bounded memory per worker, and enough
#: partitions to keep every worker busy until the end (a 1 GB file gives 64).
BLOCKSIZE = "16MB"
#: Partitions per worker the default aims at when a file is too small for :data:`BLOCKSIZE`
#: partitions to keep every worker busy: partitions go to workers as they free up, so at the
#: end one worker may wait for the other's last task; with 12 tasks each, that wait is at
#: most about a twelfth of the run (a 42 MB file in 4 MB partitions gave one worker 6 tasks
#: and the other 5: 1.57x on 2 workers; in 24 partitions 1.73x; 16 partitions were no
#: better than 10 for the OVD-Info cleaning, whose duplicate-id pass adds tasks).
PARTS_PER_WORKER = 12
#: The smallest default partition: below it the per-task costs (scheduling, a parquet
#: file each) outweigh a better balance.
MIN_BLOCKSIZE = 1 << 20

#: Parsers usable by name.
PARSERS = {name: getattr(_text, name) for name in (
    "parse_charges", "parse_sentence", "parse_date", "normalize_region", "parse_number",
    "transliterate", "name_key")}


def _dd():
    try:
        import dask.dataframe as dd
    except ImportError as exc:                                    # pragma: no cover
        raise ImportError("repstats.scale needs dask: pip install 'repstats[dask]'") from exc
    return dd


#: dask settings :func:`local_cluster` starts its workers with. ``distributed`` starts each
#: worker process with ``MALLOC_TRIM_THRESHOLD_=65536``; setting any such glibc variable
#: also freezes glibc's mmap threshold at 128 kB, so every large array a parser allocates is
#: mapped afresh and page-faulted in: the same ``parse_charges`` partitions had 3.3 times
#: the page faults and ~30 % more CPU in a worker than in a plain process, and the workers'
#: summed CPU in benchmarks/bench_dask.py was 13-25 % above one process's. Workers keep
#: glibc's defaults instead, as a plain process does. The statistical profiler (a stack
#: sample of the running task every 10 ms, for a dashboard this cluster does not start) is
#: off, and the event loops wake less often (a health tick every 1 s instead of 20 ms,
#: system and memory monitors every 5 s and 1 s): an idle worker then takes ~0.5 % of a core
#: instead of ~5 %, the scheduler and nannies in the driver ~1.5 % instead of ~6 %, time the
#: parsers had to share two cores with.
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextlib.contextmanager
def local_cluster(n_workers: int = 2, **kwargs):
    """A ``distributed`` client on a local cluster of worker processes, one thread each.

    Tasks then spread over the processes (the plain ``processes`` scheduler puts them in
    one worker by default and pickles results back). Workers start with
    :data:`WORKER_CONFIG` (glibc's default memory allocator settings, no profiler, quieter
    event loops), and without a ``MALLOC_TRIM_THRESHOLD_`` an earlier default cluster's
    nanny left in this process's environment (restored on exit); for a cluster of your own,
    start it inside ``dask.config.set(WORKER_CONFIG)`` for the same speed. Extra keywords go to
    ``distributed.LocalCluster``.
    """
    if not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive integer, got {n_workers!r}")
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:                                    # pragma: no cover
        raise ImportError("local_cluster needs dask.distributed: "
                          "pip install 'repstats[dask]'") from exc
    opts = dict(n_workers=n_workers, threads_per_worker=1, processes=True,
                dashboard_address=None)
    opts.update(kwargs)
    import dask
    with dask.config.set(WORKER_CONFIG), _unset_env(_MALLOC_VARS), \
            LocalCluster(**opts) as cluster, Client(cluster) as client:
        yield client


#: glibc variables a nanny writes into the driver's own ``os.environ`` before spawning (and
#: never removes): after any default ``distributed`` cluster in the same session, every later
#: worker would inherit them from the driver
_MALLOC_VARS = ("MALLOC_TRIM_THRESHOLD_",)


@contextlib.contextmanager
def _unset_env(names):
    """Remove ``names`` from ``os.environ`` while the block runs (worker processes spawned
    or restarted meanwhile do not inherit them); restore the old values afterwards."""
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        for name in names:
            os.environ.pop(name, None)
        os.environ.update(saved)


def arrow_schema(frame: pd.DataFrame, lists: Sequence[str] = ()) -> pa.Schema:
    """The Arrow schema of a frame's columns from their pandas dtypes (object = text).

    Written explicitly so that every partition's file has the same types (a partition
    whose text column is all missing would otherwise be typed ``null`` and fail).
    """
    fields = []
    for name, dtype in frame.dtypes.items():
        if name in lists:
            typ = pa.list_(pa.string())
        elif dtype == object or isinstance(dtype, pd.StringDtype):
            typ = pa.string()
        elif str(dtype) == "Int64":
            typ = pa.int64()
        elif str(dtype) == "Float64":
            typ = pa.float64()
        elif str(dtype) in ("boolean", "bool"):
            typ = pa.bool_()
        elif str(dtype).startswith("datetime64"):
            typ = pa.timestamp("ns")
        else:
            typ = pa.from_numpy_dtype(np.dtype(dtype))
        fields.append(pa.field(str(name), typ))
    return pa.schema(fields)


def _workers() -> int:
    """Workers of the current ``distributed`` client, else this machine's CPUs."""
    try:
        from distributed import get_client
        return max(1, len(get_client().scheduler_info()["workers"]))
    except (ImportError, ValueError):
        return os.cpu_count() or 1


def auto_blocksize(source, workers: int | None = None) -> int:
    """CSV bytes per partition for ``source``: :data:`BLOCKSIZE`, or less for a file that
    would give fewer than :data:`PARTS_PER_WORKER` partitions per worker (not under
    :data:`MIN_BLOCKSIZE`).

    Parameters
    ----------
    source : str or Path
        The CSV file.
    workers : int, optional
        Worker processes that will share the partitions; default the current
        ``distributed`` client's workers, else the machine's CPUs.
    """
    from dask.utils import parse_bytes

    if workers is None:
        workers = _workers()
    # bool is an int subclass: True would silently mean one worker
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    size = Path(source).stat().st_size
    return int(min(parse_bytes(BLOCKSIZE),
                   max(MIN_BLOCKSIZE, size // (PARTS_PER_WORKER * workers))))


def read_table(source, columns: Sequence[str] | None = None, *, blocksize=None):
    """A dask dataframe of a CSV file (all columns as text) or a parquet file/folder.

    ``blocksize``: CSV bytes per partition (an int or a string such as ``"16MB"``); default
    :func:`auto_blocksize`."""
    dd = _dd()
    path = Path(source)
    if path.is_dir() or path.suffix.lower() == ".parquet":
        return dd.read_parquet(str(path), columns=list(columns) if columns else None)
    if path.suffix.lower() != ".csv":
        raise ValueError(f"read_table reads .csv or .parquet, got {str(source)!r}")
    return _read_csv(path, blocksize, usecols=list(columns) if columns else None,
                     na_values=[""])


def _read_csv(path: Path, blocksize, **kwargs):
    """``path`` as a dask dataframe of text columns, in ``blocksize`` partitions (default
    :func:`auto_blocksize`); ``kwargs`` go to ``dask.dataframe.read_csv``."""
    if blocksize is None:
        blocksize = auto_blocksize(path)
    return _dd().read_csv(str(path), dtype="str", keep_default_na=False, blocksize=blocksize,
                          **kwargs)


def _parser(parser):
    if isinstance(parser, str):
        if parser not in PARSERS:
            raise ValueError(f"parser must be one of {sorted(PARSERS)}, got {parser!r}")
        return PARSERS[parser]
    if parser not in PARSERS.values():
        raise ValueError(f"parser must be one of {sorted(PARSERS)}")
    return parser


def _parse_partition(pdf: pd.DataFrame, column: str, parser, kwargs: dict,
                     keep: list[str], partition_info=None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    pdf = pdf.reset_index(drop=True)
    out = parser(pdf[column], **kwargs)
    if isinstance(out, pd.Series):
        out = out.to_frame(parser.__name__)
    if "row" in out.columns:                      # one row per charge
        extra = pdf[keep].iloc[out["row"].to_numpy()].reset_index(drop=True)
        out = out.reset_index(drop=True)
        row = out.pop("row").astype("int64")
    else:
        extra = pdf[keep]
        row = pd.Series(np.arange(len(pdf), dtype=np.int64))
    head = pd.DataFrame({"partition": np.full(len(out), number, dtype=np.int64),
                         "row": row.to_numpy()})
    return pd.concat([head, extra.reset_index(drop=True), out.reset_index(drop=True)],
                     axis=1)


def _fused(collection):
    """The collection with each partition's chain (read, convert, parse, write) fused
    into one task: ``compute`` alone leaves them separate tasks here, which a cluster may
    run on different workers, moving the partitions between them."""
    return collection.optimize(fuse=True)


def parse_text(ddf, column: str, parser, *, keep: Sequence[str] = (), **kwargs):
    """Run a :mod:`repstats.text` parser over a dask dataframe's column, per partition.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Input; ``column`` holds the text.
    column : str
        Column to parse.
    parser : str or callable
        One of :data:`PARSERS` (name or function).
    keep : sequence of str
        Input columns copied to the output (e.g. an id).
    **kwargs
        Passed to the parser (``strict`` is refused: a worker cannot stop the others).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy. Columns: ``partition`` (int64), ``row`` (int64, position within the
        partition), the ``keep`` columns, then the parser's columns.
    """
    fn = _parser(parser)
    keep = list(keep)
    if kwargs.get("strict"):
        raise ValueError("strict=True is not supported per partition; check `reason`")
    missing = [c for c in [column, *keep] if c not in ddf.columns]
    if missing:
        raise ValueError(f"columns not in the dataframe: {missing}")
    meta = _parse_partition(ddf._meta, column, fn, kwargs, keep)
    return ddf.map_partitions(_parse_partition, column, fn, kwargs, keep, meta=meta)


def parse_text_to_parquet(source, column: str, parser, out_dir, *,
                          keep: Sequence[str] = (), blocksize=None, **kwargs) -> Path:
    """Read ``source`` (CSV or parquet), parse ``column`` and write parquet per partition.

    One task per partition reads it, parses it and writes ``part.N.parquet`` in
    ``out_dir`` with the explicit schema of :func:`arrow_schema`; nothing goes back
    through the driver. Uses the current dask scheduler or client (see
    :func:`local_cluster`). Returns ``out_dir``.
    """
    ddf = read_table(source, [column, *keep], blocksize=blocksize)
    parsed = parse_text(ddf, column, parser, keep=keep, **kwargs)
    out = Path(out_dir)
    _fused(parsed.to_parquet(str(out), schema=arrow_schema(parsed._meta),
                             write_index=False, overwrite=True, compute=False)).compute()
    return out


# ----------------------------------------------------------------------- OVD-Info
def _ovdinfo_schema(frame: pd.DataFrame) -> pa.Schema:
    from repstats.cases.ovdinfo import ARTICLES
    return arrow_schema(frame, lists=[ARTICLES])


SUMMARY = ["partition", "rows", "clean", "rejects"]


def _clean_partition(pdf: pd.DataFrame, source: str, out: str, kwargs: dict,
                     partition_info=None) -> pd.DataFrame:
    import warnings

    from repstats.cases.ovdinfo import clean_prosecutions
    number = partition_info["number"] if partition_info else 0
    name = f"{source}#partition={number}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        clean, rejects = clean_prosecutions(pdf.reset_index(drop=True), source=name,
                                            return_rejects=True, **kwargs)
    folder = Path(out)
    pq.write_table(pa.Table.from_pandas(clean, schema=_ovdinfo_schema(clean),
                                        preserve_index=False),
                   folder / "clean" / f"part.{number}.parquet")
    rejects = rejects.astype({c: "str" for c in rejects.columns if c != "source_row"})
    pq.write_table(pa.Table.from_pandas(rejects, schema=arrow_schema(rejects),
                                        preserve_index=False),
                   folder / "rejects" / f"part.{number}.parquet")
    return pd.DataFrame({"partition": [number], "rows": [len(pdf)], "clean": [len(clean)],
                         "rejects": [len(rejects)]}, dtype="int64")


def _id_hashes(ids: pd.Series) -> pd.Series:
    return pd.Series(pd.util.hash_pandas_object(ids, index=False).to_numpy(), name="h")


def clean_ovdinfo_to_parquet(source, out_dir, *, blocksize=None, **kwargs) -> pd.DataFrame:
    """Clean an OVD-Info CSV export per partition and write parquet from the workers.

    Each partition is read, cleaned by
    :func:`repstats.cases.ovdinfo.clean_prosecutions` (``source`` names the partition:
    ``"<file>#partition=N"``, and ``source_row`` counts within it) and written to
    ``out_dir/clean/part.N.parquet`` and ``out_dir/rejects/part.N.parquet`` in one task
    on one worker. Only row counts come back to the driver.

    Returns
    -------
    pandas.DataFrame
        One row per partition: ``partition``, ``rows`` (read), ``clean``, ``rejects``
        (``rows == clean + rejects``: nothing lost), plus the attribute
        ``duplicate_ids`` (``attrs``): ids found in more than one partition (a single
        pass cannot see them; they are counted, not dropped; found by 64-bit hashes of
        the ids, computed on the workers: two different ids share a hash with a chance
        of about 3 in a million at 10 M ids).
    """
    dd = _dd()
    path = Path(source)
    if path.suffix.lower() != ".csv":
        raise ValueError(f"clean_ovdinfo_to_parquet reads a .csv export, got {str(source)!r}")
    ddf = _read_csv(path, blocksize, encoding="utf-8-sig")
    out = Path(out_dir)
    for sub in ("clean", "rejects"):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for old in (out / sub).glob("part.*.parquet"):
            old.unlink()
    meta = pd.DataFrame({c: pd.Series(dtype="int64") for c in SUMMARY})
    summary = _fused(ddf.map_partitions(_clean_partition, str(path), str(out), kwargs,
                                        meta=meta, enforce_metadata=False)).compute()
    summary = summary.sort_values("partition").reset_index(drop=True)
    ids = dd.read_parquet(str(out / "clean"), columns=["prosecution_id"])["prosecution_id"]
    hashes = ids.map_partitions(_id_hashes, meta=pd.Series(dtype="uint64", name="h"))
    summary.attrs["duplicate_ids"] = int((hashes.value_counts(split_out=1) > 1).sum()
                                         .compute())
    return summary

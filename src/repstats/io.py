"""Atomic, deterministic writers.

Every output file is written to a temporary file in the same folder and moved into place,
so a failure never leaves a partial file. Parquet files are written without timestamps or
pandas index metadata that would vary between runs, so two builds are byte-identical.

Parquet files carry key-value metadata (``repstats.*`` keys: package version, and where a
build stage sets them with :func:`parquet_metadata`, the stage, the source ids and their
licences); no build time, so builds stay byte-identical. Read it with
:func:`read_parquet_metadata`.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

_METADATA: contextvars.ContextVar[dict] = contextvars.ContextVar("repstats_parquet_metadata",
                                                                 default={})
METADATA_PREFIX = "repstats."


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path next to ``target``; on success move it onto ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(target, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)
    return Path(target)


def write_text(target, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    return write_bytes(target, text.encode("utf-8"))


@contextlib.contextmanager
def parquet_metadata(**values):
    """Add ``repstats.<key>`` metadata to every parquet file written inside the block.

    Values that are not text are stored as JSON. Blocks nest (inner keys win).
    """
    merged = {**_METADATA.get(), **values}
    token = _METADATA.set(merged)
    try:
        yield merged
    finally:
        _METADATA.reset(token)


def _metadata_bytes(extra: dict | None) -> dict[bytes, bytes]:
    from . import __version__

    values = {"version": __version__, **_METADATA.get(), **(extra or {})}
    return {(METADATA_PREFIX + k).encode(): (v if isinstance(v, str) else json.dumps(
        v, ensure_ascii=False, sort_keys=True)).encode() for k, v in sorted(values.items())}


def read_parquet_metadata(path) -> dict[str, str]:
    """The ``repstats.*`` key-value metadata of a parquet file (keys without the prefix)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    return {k.decode()[len(METADATA_PREFIX):]: v.decode() for k, v in meta.items()
            if k.decode().startswith(METADATA_PREFIX)}


def write_parquet(df: pd.DataFrame, target, metadata: dict | None = None) -> Path:
    """Write ``df`` to parquet atomically and deterministically (no index, fixed options).

    ``metadata`` (and any set by :func:`parquet_metadata`) is stored as ``repstats.<key>``
    key-value metadata beside pandas' own; the package version always is.
    """
    return write_bytes(target, parquet_bytes(df, metadata))


def parquet_bytes(df, metadata: dict | None = None) -> bytes:
    """The bytes :func:`write_parquet` writes (e.g. to encode a table in a worker thread,
    Arrow releasing the GIL, and write it once everything else is computed).

    ``df`` is a pandas DataFrame or a :class:`pyarrow.Table` holding pandas' own
    metadata (as ``pyarrow.Table.from_pandas(df, preserve_index=False)`` gives it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df,
                                                                     preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           **_metadata_bytes(metadata)})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True,
                   use_dictionary=True)
    return sink.getvalue().to_pybytes()


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as package data CSVs hold it (a copy): dates as ISO ``YYYY-MM-DD``, booleans
    as ``true``/``false``, missing values left missing (written blank)."""
    out = df.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(dtype):
            out[col] = out[col].map({True: "true", False: "false"}, na_action="ignore")
    return out


def csv_bytes(df: pd.DataFrame, **kwargs) -> bytes:
    """The bytes :func:`write_csv` writes (e.g. to render a table while another is
    computed, and write both once everything is): UTF-8 CSV, ``\\n`` line ends, no
    index; other keywords go to :meth:`pandas.DataFrame.to_csv`."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    encoding = kwargs.pop("encoding", "utf-8")
    return df.to_csv(**kwargs).encode(encoding)


def write_csv(df: pd.DataFrame, target, **kwargs) -> Path:
    """Write ``df`` to UTF-8 CSV atomically (``\\n`` line ends, no index)."""
    return write_bytes(target, csv_bytes(df, **kwargs))


def write_json(obj, target) -> Path:
    """Write ``obj`` as sorted, indented UTF-8 JSON atomically."""
    return write_text(target, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True,
                                         default=str) + "\n")

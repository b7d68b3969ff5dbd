"""Atomic, deterministic writers.

Every output file is written to a temporary file in the same folder and moved into place,
so a failure never leaves a partial file. Parquet files are written without timestamps or
pandas index metadata that would vary between runs, so two builds are byte-identical.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd


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


def write_parquet(df: pd.DataFrame, target) -> Path:
    """Write ``df`` to parquet atomically and deterministically (no index, fixed options)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True,
                       use_dictionary=True)
    return Path(target)


def write_csv(df: pd.DataFrame, target, **kwargs) -> Path:
    """Write ``df`` to UTF-8 CSV atomically (``\\n`` line ends, no index)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_path(target) as tmp:
        df.to_csv(tmp, **kwargs)
    return Path(target)


def write_json(obj, target) -> Path:
    """Write ``obj`` as sorted, indented UTF-8 JSON atomically."""
    return write_text(target, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True,
                                         default=str) + "\n")

"""Build stages: raw snapshot -> cleaned, validated tables in ``data/processed``.

Each stage lives in its own subpackage and exposes two functions:

``build(paths) -> list[Path]``
    read ``paths.raw``, write its tables (atomically) into ``paths.processed`` and return
    the files written; raise before writing anything when the input is bad.
``validate(paths) -> pandas.DataFrame``
    re-read the stage's outputs and return one row per check with columns ``stage``,
    ``check``, ``status`` (``"pass"``, ``"fail"`` or ``"warn"``) and ``detail``.

Stages run in the order below; later ones may read earlier outputs.

:func:`run_build` holds the build lock of ``data/processed`` (a second build waits),
removes what interrupted builds left behind, runs each stage into a private staging folder
and publishes the stage's files together (:mod:`repstats.publish`): a build killed at any
moment leaves each stage's files as the old complete set or the new complete set.
:func:`run_validate` first checks that each stage's files are one published build.
"""
from __future__ import annotations

import dataclasses
import importlib
import shutil
import time
from typing import TYPE_CHECKING, Callable

from .config import Paths

if TYPE_CHECKING:
    import pandas as pd

# pandas, publish and io are imported where used: the command line reads STAGES to parse
# its arguments, and ``repstats --help`` should not pay for pandas.

STAGES: dict[str, str] = {
    "courts": "repstats.courts.stage",
    "statutes": "repstats.statutes.stage",
    "instability": "repstats.instability.stage",
    "cases": "repstats.cases.stage",
}


#: Manifest groups each stage reads (their ids and licences go into the parquet metadata),
#: and inputs outside the manifest.
STAGE_SOURCES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "courts": (("courts",), {}),
    "statutes": (("criminal_code",), {"package:sanctions.csv": "compiled facts, each row "
                                      "with its source"}),
    "instability": (("instability", "ovdinfo"), {}),
    "cases": ((), {"package:notable_cases.csv": "compiled facts, each row with its source",
                   "ovdinfo_prosecutions": "OVD-Info data: no licence stated; read, never "
                   "redistribute"}),
}


def stage_metadata(name: str) -> dict:
    """Parquet metadata of a stage's tables: ``stage`` and ``sources`` (id -> licence)."""
    from .sources import read_manifest

    groups, extra = STAGE_SOURCES.get(name, ((), {}))
    manifest = read_manifest()
    chosen = manifest[manifest["group"].isin(groups)]
    licences = dict(zip(chosen["id"], chosen["licence"]))
    return {"stage": name, "sources": {**licences, **extra}}


def _stage_module(name: str):
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; stages are {list(STAGES)}")
    return importlib.import_module(STAGES[name])


def run_build(p: Paths, stages=None, log: Callable[[str], None] = print,
              lock_timeout: float | None = None) -> dict:
    """Run the named stages (all by default); returns ``{stage: [paths published]}``.

    Each stage builds into a staging folder and is published as one set after it
    succeeded; a failing stage leaves its previous outputs as they were. A second build
    of the same folder waits for this one (or, with ``lock_timeout`` seconds, gives up
    with :class:`repstats.publish.BuildLockedError`).
    """
    from . import publish

    names = list(stages or STAGES)
    modules = {name: _stage_module(name) for name in names}
    out = {}
    with publish.build_lock(p.processed, timeout=lock_timeout, log=log):
        stale = publish.clean_stale(p.processed)
        if stale:
            log(f"removed {len(stale)} file(s)/folder(s) left by an interrupted build")
        for name in names:
            out[name] = _build_stage(p, name, modules[name], log)
    return out


def _build_stage(p: Paths, name: str, module, log) -> list:
    from . import publish
    from .io import parquet_metadata

    t0 = time.perf_counter()
    staging = publish.staging_dir(p.processed, name)
    try:
        with parquet_metadata(**stage_metadata(name)):
            module.build(dataclasses.replace(p, processed=staging))
        files = publish.publish_stage(p.processed, name, staging)
    finally:
        if staging.exists():  # the stage failed: drop what it wrote, keep the old set
            shutil.rmtree(staging)
    log(f"[{name}] wrote {len(files)} file(s) in {time.perf_counter() - t0:.1f}s: "
        + ", ".join(str(f.relative_to(p.processed)) for f in files))
    return files


def run_validate(p: Paths, stages=None) -> pd.DataFrame:
    """Run every stage's checks and return them as one table.

    For each stage, first :func:`repstats.publish.check_stage_files` (its files are one
    published build), then the stage's own checks of the tables.
    """
    import pandas as pd

    from . import publish

    frames = []
    for name in stages or list(STAGES):
        module = _stage_module(name)
        frames += [publish.check_stage_files(p.processed, name), module.validate(p)]
    cols = ["stage", "check", "status", "detail"]
    return pd.concat([f[cols] for f in frames], ignore_index=True) if frames else \
        pd.DataFrame(columns=cols)

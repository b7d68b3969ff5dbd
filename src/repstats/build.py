"""Build stages: raw snapshot -> cleaned, validated tables in ``data/processed``.

Each stage lives in its own subpackage and exposes two functions:

``build(paths) -> list[Path]``
    read ``paths.raw``, write its tables (atomically) into ``paths.processed`` and return
    the files written; raise before writing anything when the input is bad.
``validate(paths) -> pandas.DataFrame``
    re-read the stage's outputs and return one row per check with columns ``stage``,
    ``check``, ``status`` (``"pass"``, ``"fail"`` or ``"warn"``) and ``detail``.

Stages run in the order below; later ones may read earlier outputs.
"""
from __future__ import annotations

import importlib
import time
from typing import Callable

import pandas as pd

from .config import Paths

STAGES: dict[str, str] = {
    "courts": "repstats.courts.stage",
    "statutes": "repstats.statutes.stage",
    "instability": "repstats.instability.stage",
    "cases": "repstats.cases.stage",
}


def _stage_module(name: str):
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; stages are {list(STAGES)}")
    return importlib.import_module(STAGES[name])


def run_build(p: Paths, stages=None, log: Callable[[str], None] = print) -> dict:
    """Run the named stages (all by default); returns ``{stage: [paths written]}``."""
    out = {}
    for name in stages or list(STAGES):
        t0 = time.perf_counter()
        files = _stage_module(name).build(p)
        out[name] = files
        log(f"[{name}] wrote {len(files)} file(s) in {time.perf_counter() - t0:.1f}s: "
            + ", ".join(str(f.relative_to(p.processed)) if f.is_relative_to(p.processed)
                        else str(f) for f in files))
    return out


def run_validate(p: Paths, stages=None) -> pd.DataFrame:
    """Run every stage's checks and return them as one table."""
    frames = [_stage_module(name).validate(p) for name in stages or list(STAGES)]
    cols = ["stage", "check", "status", "detail"]
    return pd.concat([f[cols] for f in frames], ignore_index=True) if frames else \
        pd.DataFrame(columns=cols)

"""repstats: tidy, validated data and honest statistics on politically motivated
criminal cases in Russia.

Data flows one way: sources -> clean -> validate -> tables -> stats -> plots -> notebooks.
Subpackages are imported lazily so that ``import repstats`` stays cheap.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "config", "errors", "io", "sources", "fetch", "courts", "statutes", "text",
    "instability", "cases", "privacy", "stats", "plots", "report", "build",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'repstats' has no attribute {name!r}")


__all__ = sorted(_SUBMODULES | {"__version__"})

"""Names of a package resolved on first use (PEP 562), so importing one module of it does
not import the heavy dependencies of all the others."""
from __future__ import annotations

import importlib


def lazy_names(package: str, names: dict, public) -> tuple:
    """``(__getattr__, __dir__)`` for ``package`` whose attribute ``name`` lives in the
    submodule ``names[name]``; assign them in the package's ``__init__``."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str):
        if name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(public))

    return __getattr__, __dir__

"""How many examples a hypothesis property runs.

Locally (the ``dev`` profile, random examples) every property runs its full count, so repeated
runs keep exploring new inputs. Under CI (``CI=true``: the ``ci`` profile in conftest, examples
derandomised, so every CI run checks the same inputs) a third of them, at least 25: these
properties are regression checks there, and the saved minute keeps ``make test`` short.
"""
from __future__ import annotations

import os

CI = os.environ.get("CI", "").lower() == "true"


def examples(n: int) -> int:
    """``n`` locally; ``max(25, n // 3)`` under CI."""
    return max(25, n // 3) if CI else n

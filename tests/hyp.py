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


#: Inputs (the lists a property used to take one per example) drawn per example by
#: :func:`batched`: a property whose function has a fixed cost per call (a pandas frame
#: built, Arrow compiling its regexes) checks ``BATCH`` of them in one call.
BATCH = 10


def batched(n: int) -> int:
    """Examples that check at least as many cells as ``examples(n)`` examples of one input
    each: ``examples(n)`` inputs, and half as many more, as hypothesis draws the lists
    inside a batch shorter (measured over 3-4 runs: 15 % fewer cells for the dates and
    sentences of tests/test_text_fast.py, 5-8 % for the text of
    tests/test_text_properties.py, the same for charges and regions)."""
    return -(-examples(n) * 3 // (2 * BATCH))


def batch_of(strategy):
    """``BATCH`` independent draws of ``strategy`` (one example of a batched property)."""
    from hypothesis import strategies as st

    return st.lists(strategy, min_size=BATCH, max_size=BATCH)


def one_of_each(*pools):
    """A tuple holding one element of each pool, as independent ``sampled_from`` draws
    would give, drawn as ONE integer (the mixed-radix digits pick the elements): the
    cost of generating an example is per draw. Every combination can be drawn; the
    product of the pools' sizes stays below 2**24, where hypothesis draws bounded
    integers uniformly."""
    import math

    from hypothesis import strategies as st

    pools = [tuple(p) for p in pools]
    size = math.prod(len(p) for p in pools)
    if size > 1 << 24:
        raise ValueError(f"{size} combinations: split the pools into two draws")

    def pick(k: int) -> tuple:
        out = []
        for pool in pools:
            k, i = divmod(k, len(pool))
            out.append(pool[i])
        return tuple(out)

    return st.integers(0, size - 1).map(pick)

"""How many examples a hypothesis property runs.

Locally (the ``dev`` profile, random examples) every property runs its full count, so repeated
runs keep exploring new inputs. Under CI (``CI=true``: the ``ci`` profile in conftest, examples
derandomised, so every CI run checks the same inputs) a third of them, at least 25: these
properties are regression checks there, and the saved minute keeps ``make test`` short.
"""
from __future__ import annotations

import math
import os

CI = os.environ.get("CI", "").lower() == "true"


def examples(n: int) -> int:
    """``n`` locally; ``max(25, n // 3)`` under CI."""
    return max(25, n // 3) if CI else n


#: Inputs (the lists a property used to take one per example) drawn per example by
#: :func:`batched`: a property whose function has a fixed cost per call (a pandas frame
#: built, Arrow compiling its regexes) checks ``BATCH`` of them in one call.
BATCH = 10


def batched(n: int, margin: float = 1.5) -> int:
    """Examples that check at least as many cells as ``examples(n)`` examples of one input
    each: ``margin`` times ``examples(n)`` inputs, as hypothesis draws the lists inside a
    batch shorter (measured over 3-4 runs: 15 % fewer cells for the dates and sentences
    of tests/test_text_fast.py, 5-8 % for the text of tests/test_text_properties.py, the
    same for the charges)."""
    return math.ceil(examples(n) * margin / BATCH)


def batch_of(strategy):
    """``BATCH`` independent draws of ``strategy`` (one example of a batched property)."""
    from hypothesis import strategies as st

    return st.lists(strategy, min_size=BATCH, max_size=BATCH)


def flat(batch: list[list]) -> list:
    """The cells of a batch of generated columns, read by one call: every cell is still
    checked, and the call's fixed cost (a frame built, Arrow compiling its regexes again
    at every kernel call) is paid once per batch instead of once per column."""
    return [v for values in batch for v in values]


#: Hypothesis draws integers uniformly in ranges of up to this many values.
UNIFORM_BELOW = 256


def one_of_each(*pools):
    """A tuple holding one element of each pool, as independent ``sampled_from`` draws
    would give, in fewer draws (the cost of generating an example is per draw): pools
    are grouped, in order, into products of at most 256 combinations, each drawn as one
    index whose mixed-radix digits pick the elements. Hypothesis draws an index
    uniformly only below 256 (larger ones come from a long-tailed distribution that
    favours small values, which would favour the first elements of the later pools), so
    every element is as likely as with a ``sampled_from`` of each pool (checked: 3,000
    draws of the charges' seven pools: every element at 0.77-1.47 times its share, against
    0.8-1.27 with a sampled_from of each).
    """
    from hypothesis import strategies as st

    pools = [tuple(p) for p in pools]
    groups, size = [[]], 1
    for pool in pools:
        if len(pool) > UNIFORM_BELOW:
            raise ValueError(f"a pool of {len(pool)} elements: use sampled_from")
        if size * len(pool) > UNIFORM_BELOW:
            groups.append([])
            size = 1
        groups[-1].append(pool)
        size *= len(pool)

    def pick(ks: tuple) -> tuple:
        out = []
        for k, group in zip(ks, groups):
            for pool in group:
                k, i = divmod(k, len(pool))
                out.append(pool[i])
        return tuple(out)

    sizes = [math.prod(len(p) for p in group) for group in groups]
    # sampled_from, as st.integers makes its bounds more likely (the first and last
    # combinations: each pool's first and last elements)
    return st.tuples(*(st.sampled_from(range(n)) for n in sizes)).map(pick)

"""repstats.io.csv_bytes: the same bytes as pandas' to_csv, whichever way it renders."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from hyp import examples
from repstats.io import _csv_plain, csv_bytes

# text that needs quoting (delimiter, quote, line ends), leading/trailing spaces, empty
TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list('ab ,"\n\rё;')),
                                    max_size=6))
INTS = st.integers(-10**12, 10**12)


def _pandas(df):
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


@st.composite
def frames(draw):
    n = draw(st.integers(0, 12))
    cols = {}
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["object", "str", "int", "Int64", "bool", "mixed"]))
        name = f"c{i}" if draw(st.booleans()) else f'c,"{i}'
        if kind in ("object", "str"):
            # few distinct values: repeats, as the quality table has them
            pool = draw(st.lists(TEXT, min_size=1, max_size=4))
            values = [draw(st.sampled_from(pool)) for _ in range(n)]
            cols[name] = pd.Series(values, dtype=object if kind == "object" else "str")
        elif kind == "int":
            cols[name] = pd.Series(draw(st.lists(INTS, min_size=n, max_size=n)),
                                   dtype="int64")
        elif kind == "Int64":
            cols[name] = pd.Series(draw(st.lists(st.one_of(st.none(), INTS), min_size=n,
                                                 max_size=n)), dtype="Int64")
        elif kind == "bool":
            cols[name] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                                   dtype=bool)
        else:  # values a hash table takes as equal, written differently
            cols[name] = pd.Series(draw(st.lists(st.sampled_from(
                [1, 1.0, True, "1", None, np.nan, 0.5]), min_size=n, max_size=n)),
                dtype=object)
    return pd.DataFrame(cols)


@hsettings(max_examples=examples(300))
@given(frames())
def test_csv_bytes_equals_to_csv(df):
    assert csv_bytes(df) == _pandas(df)


def test_fast_path_taken_on_text_and_counts():
    df = pd.DataFrame({"check": pd.Series(["a", "b,c", None], dtype="str"),
                       "detail": pd.Series(['say "x"', "two\nlines", ""], dtype=object),
                       "n": pd.array([1, None, 3], dtype="Int64"),
                       "year": np.array([2020, 2021, 2022])})
    assert _csv_plain(df)
    assert csv_bytes(df) == _pandas(df)
    assert csv_bytes(df).splitlines()[0] == b"check,detail,n,year"


def test_other_frames_left_to_pandas():
    assert not _csv_plain(pd.DataFrame({"a": ["x", ""]}))  # one column: lone "" quoted
    assert not _csv_plain(pd.DataFrame({"a": [0.1, 2.0], "b": ["x", "y"]}))  # floats
    assert not _csv_plain(pd.DataFrame({"a": [1, 1.0, True], "b": ["x", "y", "z"]}))
    one = pd.DataFrame({"a": ["x", ""]})
    assert csv_bytes(one) == _pandas(one)
    dates = pd.DataFrame({"d": pd.to_datetime(["2020-01-02", None]), "b": ["x", "y"]})
    assert csv_bytes(dates) == _pandas(dates)

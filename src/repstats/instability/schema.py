"""The pandera schema of the instability panel, declared once."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..errors import ValidationError
from .codebook import codebook

_FREQ_PREFIX = {"Y": ("Y", "A"), "Q": ("Q",), "M": ("M",)}


def _period_matches_freq(df: pd.DataFrame) -> pd.Series:
    def ok(period, freq) -> bool:
        return isinstance(period, pd.Period) and period.freqstr.startswith(
            _FREQ_PREFIX.get(freq, ("?",)))
    return pd.Series([ok(p, f) for p, f in zip(df["period"], df["freq"])], index=df.index)


def _band_contains_value(df: pd.DataFrame) -> pd.Series:
    lo_ok = df["low"].isna() | (df["low"] <= df["value"] + 1e-12)
    hi_ok = df["high"].isna() | (df["high"] >= df["value"] - 1e-12)
    return lo_ok & hi_ok


def _known_indicator(series: pd.Series) -> pd.Series:
    return series.isin(set(codebook()["indicator"]))


PANEL_SCHEMA = pa.DataFrameSchema(
    {
        "indicator": pa.Column(str, pa.Check(_known_indicator, element_wise=False,
                                             error="indicator listed in the codebook")),
        "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
        "period": pa.Column(None),  # Periods of mixed freq: checked row-wise below
        "freq": pa.Column(str, pa.Check.isin(["Y", "Q", "M"])),
        "value": pa.Column(float, nullable=False),
        "low": pa.Column(float, nullable=True),
        "high": pa.Column(float, nullable=True),
        "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
        "direction": pa.Column(int, pa.Check.isin([-1, 1])),
        "source": pa.Column(str, pa.Check.str_length(min_value=1)),
        "flag": pa.Column(str, nullable=False),
    },
    checks=[
        pa.Check(_period_matches_freq, error="period is a pandas Period of the row's freq"),
        pa.Check(_band_contains_value, error="low <= value <= high where a band is given"),
    ],
    unique=["indicator", "country", "period"],
    strict=True,
    ordered=True,
    coerce=False,
    name="instability_panel",
)


def validate_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Validate a panel lazily; raise :class:`ValidationError` listing every failure."""
    try:
        return PANEL_SCHEMA.validate(panel, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"{r.column}: {r.check} (e.g. {r.failure_case!r})"
                 for r in cases.drop_duplicates(["column", "check"]).itertuples()]
        raise ValidationError("instability panel failed its schema:\n  "
                              + "\n  ".join(lines)) from exc

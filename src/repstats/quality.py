"""Data-quality summaries: where raw rows went, what the checks found, how fields were set.

Every function takes tidy DataFrames and returns a new tidy DataFrame (inputs are never
modified):

- :func:`source_status` - is each manifest file present with the recorded size and sha256;
- :func:`row_flow` - rows in = rows out + merged + rejected, per step, with the balance;
- :func:`status_counts` - counts of a status (or flag) column per group, one column per
  value;
- :func:`largest_disagreements` - the comparisons with the largest absolute difference;
- :func:`method_summary` - how many values of each field were parsed or set by hand;
- :func:`yearly_coverage` - share of each year's periods a panel group has values for.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .fetch import sha256_file

__all__ = ["source_status", "row_flow", "status_counts", "largest_disagreements",
           "method_summary", "yearly_coverage", "FLOW_COLUMNS", "PERIODS_PER_YEAR"]

#: Periods per calendar year of each panel frequency.
PERIODS_PER_YEAR = {"Y": 1, "Q": 4, "M": 12}
#: Input columns of :func:`row_flow` (``merged`` and ``rejected`` may be omitted).
FLOW_COLUMNS = ("step", "rows_in", "rows_out", "merged", "rejected")


def _require(df, columns, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {list(df.columns)}")


def source_status(manifest: pd.DataFrame, raw_dir) -> pd.DataFrame:
    """Check every manifest file under ``raw_dir``: present, size and sha256.

    Parameters
    ----------
    manifest : pandas.DataFrame
        :func:`repstats.sources.read_manifest` output (needs ``id``, ``group``, ``file``,
        ``publisher``, ``licence``, ``size``, ``sha256``).
    raw_dir : path-like
        Folder with the raw layout (``data/raw`` or the mirror).

    Returns
    -------
    pandas.DataFrame
        One row per manifest row, in manifest order:

        - ``id``, ``group``, ``file``, ``publisher``, ``licence``: from the manifest;
        - ``present`` (bool): the file exists under ``raw_dir``;
        - ``size_bytes`` (Int64): its size on disk (missing when absent);
        - ``size_ok`` (boolean): size equals the manifest's (missing when absent);
        - ``sha256_ok`` (boolean): sha256 equals the manifest's (missing when absent);
        - ``status``: ``ok``, ``missing`` or ``checksum_mismatch`` (a size mismatch
          always implies a checksum mismatch).

    Raises
    ------
    ValueError
        ``manifest`` lacks a column, or ``raw_dir`` is not a folder.
    """
    _require(manifest, ["id", "group", "file", "publisher", "licence", "size", "sha256"],
             "manifest")
    raw = Path(raw_dir)
    if not raw.is_dir():
        raise ValueError(f"raw_dir {raw} is not a folder")
    rows = []
    for rec in manifest.to_dict("records"):
        path = raw / rec["file"]
        present = path.is_file()
        size = path.stat().st_size if present else None
        size_ok = (size == int(rec["size"])) if present else None
        sha_ok = (sha256_file(path) == rec["sha256"]) if present else None
        status = "missing" if not present else ("ok" if sha_ok else "checksum_mismatch")
        rows.append((rec["id"], rec["group"], rec["file"], rec["publisher"], rec["licence"],
                     present, size, size_ok, sha_ok, status))
    out = pd.DataFrame(rows, columns=["id", "group", "file", "publisher", "licence",
                                      "present", "size_bytes", "size_ok", "sha256_ok",
                                      "status"])
    out["present"] = out["present"].astype(bool)
    out["size_bytes"] = pd.array(out["size_bytes"], dtype="Int64")
    out["size_ok"] = pd.array(out["size_ok"], dtype="boolean")
    out["sha256_ok"] = pd.array(out["sha256_ok"], dtype="boolean")
    return out


def row_flow(steps: pd.DataFrame) -> pd.DataFrame:
    """Account for every input row of each step: kept, merged into another row, rejected.

    Parameters
    ----------
    steps : pandas.DataFrame
        One row per step (e.g. per raw file), columns ``step`` (label), ``rows_in``,
        ``rows_out`` and optionally ``merged`` (rows folded into another source's row,
        e.g. a duplicate of an event already listed elsewhere) and ``rejected`` (rows in a
        rejects table); missing optional columns count as 0. Other columns are kept.

    Returns
    -------
    pandas.DataFrame
        The input's columns plus:

        - ``merged``, ``rejected`` (int64): as given, 0 when absent;
        - ``unaccounted`` (int64): ``rows_in - rows_out - merged - rejected``;
        - ``balanced`` (bool): ``unaccounted == 0``;
        - ``share_rejected`` (float): ``rejected / rows_in`` (NaN when ``rows_in`` is 0).

    Raises
    ------
    ValueError
        A required column is missing, a count is missing, non-integer or negative, or a
        ``step`` label repeats.
    """
    _require(steps, ["step", "rows_in", "rows_out"], "steps")
    out = steps.copy()
    for col in ("merged", "rejected"):
        if col not in out.columns:
            out[col] = 0
    counts = ["rows_in", "rows_out", "merged", "rejected"]
    for col in counts:
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna() | (values < 0) | (values != np.floor(values))
        if bad.any():
            raise ValueError(f"steps[{col!r}] must hold non-negative integers; bad at steps "
                             f"{out.loc[bad, 'step'].tolist()}")
        out[col] = values.astype("int64")
    if out["step"].duplicated().any():
        raise ValueError(f"steps has repeated step labels "
                         f"{sorted(out.loc[out['step'].duplicated(), 'step'].map(str))}")
    out["unaccounted"] = out["rows_in"] - out["rows_out"] - out["merged"] - out["rejected"]
    out["balanced"] = out["unaccounted"].eq(0)
    out["share_rejected"] = out["rejected"] / out["rows_in"].where(out["rows_in"] > 0)
    return out


def status_counts(df: pd.DataFrame, by, column: str = "status", *, order=None,
                  ok=("pass",)) -> pd.DataFrame:
    """Count the values of ``column`` per group, one output column per value.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table with the ``by`` columns and ``column`` (e.g. the reconciliation table
        with ``status``, or the instability panel with ``flag``).
    by : str or list of str
        Grouping columns.
    column : str
        The categorical column to count. Missing and empty values are counted as
        ``"none"``.
    order : list of str, optional
        Order of the value columns; values not listed follow, sorted. Listed values that
        never occur still get a column of zeros.
    ok : tuple of str
        Values that count as fine (``n_not_ok`` counts the others).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (rows in the group), one int64
        column per value of ``column``, ``n_not_ok`` (rows whose value is not in ``ok``)
        and ``share_not_ok`` (``n_not_ok / n``).

    Raises
    ------
    ValueError
        A column is missing, or a value of ``column`` collides with an output column name.
    """
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("by must name at least one column")
    _require(df, [*by, column], "df")
    values = df[column].astype("object").where(df[column].notna(), "none")
    values = values.map(lambda v: "none" if str(v).strip() == "" else str(v))
    frame = df[by].copy()
    frame["_value"] = values.to_numpy()
    wide = (frame.groupby([*by, "_value"], dropna=False, sort=True).size()
            .unstack("_value", fill_value=0))
    seen = list(wide.columns)
    cols = list(order or []) + sorted(v for v in seen if v not in (order or []))
    clash = sorted(set(cols) & {*by, "n", "n_not_ok", "share_not_ok"})
    if clash:
        raise ValueError(f"values {clash} of {column!r} collide with output column names")
    wide = wide.reindex(columns=cols, fill_value=0).astype("int64")
    wide.columns.name = None
    out = wide.reset_index()
    out.insert(len(by), "n", wide.sum(axis=1).to_numpy())
    bad_cols = [c for c in cols if c not in ok]
    out["n_not_ok"] = out[bad_cols].sum(axis=1).astype("int64") if bad_cols else 0
    out["share_not_ok"] = out["n_not_ok"] / out["n"]
    return out


def largest_disagreements(quality: pd.DataFrame, n: int = 5, *, by="check",
                          status: str | tuple = "fail",
                          difference: str = "difference") -> pd.DataFrame:
    """The ``n`` comparisons with the largest absolute difference, per group.

    Parameters
    ----------
    quality : pandas.DataFrame
        A comparison table with ``status`` and a numeric ``difference`` column (e.g.
        :func:`repstats.courts.reconcile` output).
    n : int
        Rows kept per group (positive).
    by : str, list of str or None
        Groups (default per ``check``); ``None`` ranks all rows together.
    status : str or tuple of str
        Status value(s) kept before ranking.
    difference : str
        The signed difference column.

    Returns
    -------
    pandas.DataFrame
        The kept rows (all input columns) plus ``abs_difference`` (float) and ``rank``
        (int64, 1 = largest within the group), sorted by group then rank; ties keep the
        input order.

    Raises
    ------
    ValueError
        ``n`` is not a positive integer, or a column is missing.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    groups = [] if by is None else ([by] if isinstance(by, str) else list(by))
    _require(quality, [*groups, "status", difference], "quality")
    keep = (status,) if isinstance(status, str) else tuple(status)
    sub = quality[quality["status"].isin(keep)].copy()
    sub["abs_difference"] = pd.to_numeric(sub[difference], errors="coerce").abs()
    sub = sub[sub["abs_difference"].notna()]
    sub = sub.sort_values([*groups, "abs_difference"],
                          ascending=[True] * len(groups) + [False], kind="stable")
    if groups:
        sub["rank"] = sub.groupby(groups, sort=False).cumcount() + 1
    else:
        sub["rank"] = np.arange(1, len(sub) + 1)
    sub["rank"] = sub["rank"].astype("int64")
    return sub[sub["rank"] <= n].reset_index(drop=True)


def method_summary(df: pd.DataFrame, suffix: str = "_method") -> pd.DataFrame:
    """How each field's values were obtained, from its ``<field>_method`` column.

    A method value is ``"parsed"`` or ``"hand: <reason>"``; the kind is the text before
    the first colon.

    Parameters
    ----------
    df : pandas.DataFrame
        A table with one or more ``<field><suffix>`` columns (e.g. the notable cases).
    suffix : str
        Suffix marking method columns.

    Returns
    -------
    pandas.DataFrame
        One row per method column, in column order:

        - ``field``: the column name without the suffix;
        - ``n``: non-missing method values;
        - ``parsed``, ``hand``, ``other``: counts by kind (``other`` for anything else);
        - ``share_hand``: ``hand / n``;
        - ``hand_reasons``: distinct hand reasons (int64).

    Raises
    ------
    ValueError
        ``suffix`` is empty or no column ends with it.
    """
    if not suffix:
        raise ValueError("suffix must be a non-empty string")
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    cols = [c for c in df.columns if str(c).endswith(suffix) and str(c) != suffix]
    if not cols:
        raise ValueError(f"df has no column ending with {suffix!r}")
    rows = []
    for col in cols:
        s = df[col].dropna().astype(str)
        kind = s.str.split(":", n=1).str[0].str.strip()
        hand = s[kind == "hand"]
        rows.append((col[: -len(suffix)], len(s), int((kind == "parsed").sum()),
                     len(hand), int((~kind.isin(["parsed", "hand"])).sum()),
                     hand.nunique()))
    out = pd.DataFrame(rows, columns=["field", "n", "parsed", "hand", "other",
                                      "hand_reasons"])
    out["share_hand"] = out["hand"] / out["n"].where(out["n"] > 0)
    return out[["field", "n", "parsed", "hand", "other", "share_hand", "hand_reasons"]]


def yearly_coverage(panel: pd.DataFrame, by: str = "indicator", years=None, *,
                    flag: str | None = "flag") -> pd.DataFrame:
    """Per group and calendar year: how many of the expected periods have a value.

    Parameters
    ----------
    panel : pandas.DataFrame
        A long panel with ``indicator``, ``period`` (pandas Periods), ``freq``
        (``"Y"``, ``"Q"`` or ``"M"``), ``value`` and the ``by`` column (e.g. the
        instability panel read with :func:`repstats.instability.stage.read_panel`).
    by : str
        Grouping column (``indicator`` or ``source``).
    years : iterable of int, optional
        Calendar years to report (default: from the first to the last year in the panel).
        Every group gets a row for every year, with zeros where it has no value.
    flag : str or None
        Column of row flags (empty/missing = no flag); ``None`` when the panel has none.

    Returns
    -------
    pandas.DataFrame
        One row per group and year, sorted by group then year:

        - the ``by`` column, ``year`` (int64);
        - ``n_obs`` (int64): rows with a non-missing value;
        - ``n_expected`` (int64): periods per year of each of the group's indicators
          (1 yearly, 4 quarterly, 12 monthly), summed over the indicators;
        - ``n_flagged`` (int64): rows with a value and a non-empty flag;
        - ``coverage_pct`` (float): ``100 * n_obs / n_expected``.

    Raises
    ------
    ValueError
        A column is missing, ``freq`` holds an unknown code, or an indicator has more
        than one frequency.
    """
    need = ["indicator", "period", "freq", "value", by] + ([flag] if flag else [])
    _require(panel, list(dict.fromkeys(need)), "panel")
    unknown = sorted(set(panel["freq"].dropna().map(str)) - set(PERIODS_PER_YEAR))
    if unknown:
        raise ValueError(f"panel['freq'] has unknown codes {unknown}; expected "
                         f"{sorted(PERIODS_PER_YEAR)}")
    freqs = panel.groupby("indicator")["freq"].nunique()
    if (freqs > 1).any():
        raise ValueError(f"indicators with several frequencies: "
                         f"{sorted(freqs[freqs > 1].index)}")
    have = panel[panel["value"].notna()]
    year = pd.Series([p.start_time.year for p in have["period"]], index=have.index,
                     dtype="int64")
    flagged = (have[flag].fillna("").astype(str).str.strip().ne("") if flag
               else pd.Series(False, index=have.index))
    obs = (pd.DataFrame({by: have[by], "year": year, "n_flagged": flagged.astype("int64")})
           .groupby([by, "year"]).agg(n_obs=("n_flagged", "size"),
                                      n_flagged=("n_flagged", "sum")))
    if years is None:
        years = range(int(year.min()), int(year.max()) + 1) if len(year) else []
    years = sorted({int(y) for y in years})
    ind = panel.drop_duplicates("indicator")[list(dict.fromkeys(["indicator", by, "freq"]))]
    expected = (ind.assign(n=ind["freq"].map(PERIODS_PER_YEAR))
                .groupby(by)["n"].sum().rename("n_expected"))
    grid = pd.MultiIndex.from_product([sorted(expected.index), years], names=[by, "year"])
    out = obs.reindex(grid, fill_value=0).reset_index()
    out["n_expected"] = out[by].map(expected).astype("int64")
    out["n_obs"] = out["n_obs"].astype("int64")
    out["n_flagged"] = out["n_flagged"].astype("int64")
    out["coverage_pct"] = 100 * out["n_obs"] / out["n_expected"]
    return out[[by, "year", "n_obs", "n_expected", "n_flagged", "coverage_pct"]]

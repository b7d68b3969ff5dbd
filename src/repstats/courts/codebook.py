"""The codebook: every column of the long table and every measure, described."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .brackets import bracket_bounds
from .keys import row_keys
from .measures import measures_table

#: ``(name, dtype, description)`` of every column of the long table.
COLUMN_DOCS = (
    ("year", "int", "reporting year (from the zip or folder name, checked against the "
     "title sheet)"),
    ("form", "str", "'10-a', '10.3' or '10.3.1', identified from the title sheet's "
     "'Форма № …' cell (never the file name: the 2012 files are swapped)"),
    ("article", "str|None", "Criminal Code article, e.g. '205.2'; None on total, group and "
     "summary rows"),
    ("part", "str|None", "part of the article, e.g. '2' or '1.1'; None when the row covers "
     "the whole article or pools several parts"),
    ("paragraph", "str|None", "paragraph letter (form 10-а section 21 rows only)"),
    ("redaction", "str|None", "annotation distinguishing rows of the same article-part "
     "(e.g. 'в старой редакции до ФЗ от 29.02.2012 № 14-ФЗ'); for 10-а also notes from the "
     "description; for pooled rows the pooled parts/articles"),
    ("row_type", "str", "article | article_group | paragraph | grand_total | chapter_total "
     "| military_aggregate | summary | subset; sum article (+article_group, "
     "+military_aggregate in 10.3/10.3.1) rows to reach the grand total; never add "
     "paragraph or subset rows to article rows. article_group rows are combined rows "
     "(several articles in one row, e.g. 2022 '264.3 ч. 1, 264.3 ч. 2, 274.2 ч. 1, "
     "275.1'): never split them; see lumped_parts"),
    ("label", "str|None", "raw text of the article cell"),
    ("description", "str|None", "form 10-а 'Виды преступлений' text"),
    ("measure", "str", "canonical measure name (see the measure rows of this codebook)"),
    ("value", "int", "the published count (persons or offences; rubles for *_amount_rub)"),
    ("source_file", "str", "the yearly zip or loose workbook relative to the raw folder, "
     "e.g. cdep/2016.zip, cdep/2022/10a-2022.xls"),
    ("member", "str", "workbook file name (inside the zip, decoded; or the loose file)"),
    ("sheet", "str", "worksheet name"),
    ("row", "int", "1-based spreadsheet row of the value"),
    ("column", "str", "spreadsheet column letter of the value"),
    ("line", "Int64", "the form's own line number ('№ п/п' / '№ стр.'); missing where the "
     "form has none. 10.3 and 10.3.1 of one year number their rows alike"),
    ("lumped_parts", "str|None", "article-parts a combined row lumps together, "
     "'; '-separated, each 'ARTICLE' or 'ARTICLE ч.PART' (e.g. '264.3 ч.1; 264.3 ч.2; "
     "274.2 ч.1; 275.1'); set on article_group rows whose label is a plain list and on "
     "article rows pooling several parts; counts of any listed article-part cannot be "
     "separated from the others in that year and form"),
    ("subset", "str|None", "subset rows only (10-а sections 22-23, 2022-2023): "
     "'internet' (crimes committed using information and telecommunication networks, "
     "including the Internet) or 'minors' (crimes against minors)"),
    ("source_sha256", "str", "sha256 of source_file: the exact edition read (the "
     "Judicial Department re-issues files; editions can differ by a few persons)"),

)


def codebook(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Describe every column and every measure.

    Parameters
    ----------
    df : pandas.DataFrame, optional
        The long table; when given, each measure row also lists the forms and years in
        which it occurs and its number of values.

    Returns
    -------
    pandas.DataFrame
        Columns:

        - ``kind``: ``column`` or ``measure``;
        - ``name``: column or measure name;
        - ``dtype``: column dtype, or the measure's unit (persons, offences, rubles);
        - ``description``: English description;
        - ``lower_months``, ``upper_months``: bracket bounds (bracket measures only);
        - ``forms``, ``years``: where the measure occurs (empty without ``df``);
        - ``n_values``: number of values of the measure in ``df`` (0 without ``df``;
          missing on column rows).
    """
    cols = pd.DataFrame(COLUMN_DOCS, columns=["name", "dtype", "description"])
    cols.insert(0, "kind", "column")
    meas = measures_table().rename(columns={"measure": "name", "unit": "dtype"})
    meas.insert(0, "kind", "measure")
    bounds = bracket_bounds()[["measure", "lower_months", "upper_months"]]
    meas = meas.merge(bounds, left_on="name", right_on="measure", how="left").drop(
        columns="measure")
    if df is not None:
        if not {"measure", "form", "year"} <= set(df.columns):
            raise ValueError("codebook(df) needs the long table (measure, form, year)")
        # the distinct (measure, form, year) with their number of values: a few hundred
        # rows, grouped instead of the million (integer keys, no string hashing)
        what = ["measure", "form", "year"]
        codes, distinct = pd.factorize(row_keys(df, what), sort=True)
        counts = np.bincount(codes, minlength=len(distinct))
        at = np.empty(len(distinct), dtype=np.int64)
        at[codes] = np.arange(len(codes))  # a row of each key (all alike on ``what``)
        combos = df[what].take(at).astype(
            {c: df[c].cat.categories.dtype for c in what
             if isinstance(df[c].dtype, pd.CategoricalDtype)}).assign(_n=counts)
        g = combos.groupby("measure")
        info = pd.DataFrame({
            "forms": g["form"].agg(lambda s: ",".join(sorted(s.unique()))),
            "years": g["year"].agg(lambda s: f"{s.min()}-{s.max()}" if s.nunique() ==
                                   s.max() - s.min() + 1 else
                                   ",".join(map(str, sorted(s.unique())))),
            "n_values": g["_n"].sum(),
        })
        meas = meas.merge(info, left_on="name", right_index=True, how="left")
    else:
        meas["forms"] = None
        meas["years"] = None
        meas["n_values"] = 0
    meas["n_values"] = meas["n_values"].fillna(0).astype("int64")
    out = pd.concat([cols, meas], ignore_index=True)
    out["lower_months"] = pd.array(out["lower_months"], dtype="Int64")
    out["upper_months"] = pd.array(out["upper_months"], dtype="Int64")
    out["n_values"] = pd.array(out["n_values"], dtype="Int64")  # NA on column rows
    return out[["kind", "name", "dtype", "description", "lower_months", "upper_months",
                "forms", "years", "n_values"]]

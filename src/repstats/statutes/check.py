"""Compare the sanctions table's current rows with the current text of the Code."""
from __future__ import annotations

import re

import pandas as pd

from .clauses import parse_term
from .codetext import article_key, part_key

__all__ = ["compare_with_text", "CHECK_COLUMNS", "PROBLEM_STATUSES"]

CHECK_COLUMNS = ["article", "part", "file", "status", "detail", "text_min_months",
                 "text_max_months", "text_life", "text_imprisonment", "text_general_floor",
                 "text_laws", "table_valid_from", "table_min_months", "table_max_months",
                 "table_life", "table_confidence", "table_amending_law", "law_in_table"]
#: Statuses that mean the table and the text do not agree.
PROBLEM_STATUSES = ("disagree", "missing_in_table", "missing_in_text")


def _law_in(law: str, text: str) -> bool:
    number = law.split("-")[0]
    return re.search(rf"(?<!\d){number}-ФЗ", text or "") is not None


def _general_part_term(text: str):
    """For general-part articles (art. 56 ч.2): the "от ... до ..." term of the part."""
    try:
        low, high, unit = parse_term(text)
    except ValueError:
        return None
    return (low, high) if unit == "months" else None


def compare_with_text(table: pd.DataFrame, parsed: pd.DataFrame) -> pd.DataFrame:
    """Compare the table's current versions (``valid_to`` missing) with the Code text.

    Parameters
    ----------
    table : pandas.DataFrame
        The sanctions table (:func:`repstats.statutes.sanctions_table`).
    parsed : pandas.DataFrame
        Parsed article texts (:func:`repstats.statutes.codetext.read_code_dir`).

    Returns
    -------
    pandas.DataFrame
        One row per article-part found in either, sorted by article and part:

        - ``article``, ``part``, ``file`` (text file, missing if the article has none)
        - ``status``: "agree"; "disagree" (range or life differ); "missing_in_table" (a
          part of the text with a sanction has no current row); "missing_in_text" (a
          current row whose part is not in the article's text); "not_in_mirror" (no text
          for the article); "no_sanction_clause" (a text part without a sanction and
          without a table row, e.g. general-part articles); "repealed".
        - ``detail`` (str): what differs.
        - ``text_min_months``, ``text_max_months`` (Int64), ``text_life``,
          ``text_imprisonment``, ``text_general_floor`` (boolean), ``text_laws`` (str):
          read from the text.
        - ``table_valid_from`` (datetime64), ``table_min_months``, ``table_max_months``
          (Int64), ``table_life`` (boolean), ``table_confidence``,
          ``table_amending_law`` (str): the current table row.
        - ``law_in_table`` (boolean): the last law named in the text's note on the
          sanction appears in the row's ``amending_law`` (missing when the text names
          none).
    """
    current = table[table["valid_to"].isna()]
    dup = current.duplicated(["article", "part"], keep=False)
    if dup.any():
        raise ValueError("the sanctions table has several current versions of "
                         f"{current.loc[dup, ['article', 'part']].drop_duplicates().values.tolist()}")
    text = parsed.rename(columns={"min_months": "text_min_months",
                                  "max_months": "text_max_months", "life": "text_life",
                                  "imprisonment": "text_imprisonment",
                                  "general_floor": "text_general_floor",
                                  "sanction_laws": "text_laws"})
    tab = current.rename(columns={"valid_from": "table_valid_from",
                                  "min_months": "table_min_months",
                                  "max_months": "table_max_months", "life": "table_life",
                                  "confidence": "table_confidence",
                                  "amending_law": "table_amending_law"})
    merged = text.merge(tab, on=["article", "part"], how="outer", indicator="side")
    articles_with_text = set(parsed["article"])
    statuses, details, laws_ok = [], [], []
    for r in merged.itertuples(index=False):
        law_ok = pd.NA
        if r.side == "right_only":
            if r.article in articles_with_text:
                status, detail = "missing_in_text", "current table row, part not in text"
            else:
                status, detail = "not_in_mirror", "no text file for this article"
        elif r.side == "left_only":
            if r.repealed:
                status, detail = "repealed", "part repealed in the text"
            elif r.has_sanction:
                status = "missing_in_table"
                detail = (f"text: {r.text_min_months}-{r.text_max_months} months, life "
                          f"{r.text_life}")
            else:
                status, detail = "no_sanction_clause", "text part without a sanction"
        else:
            if r.has_sanction:
                t_lo, t_hi, t_life = r.text_min_months, r.text_max_months, bool(r.text_life)
            else:
                term = _general_part_term(r.part_text)
                t_lo, t_hi = term if term else (pd.NA, pd.NA)
                t_life = False
            diffs = []
            for name, a, b in (("min_months", t_lo, r.table_min_months),
                               ("max_months", t_hi, r.table_max_months)):
                if pd.isna(a) and pd.isna(b):
                    continue
                if pd.isna(a) or pd.isna(b) or int(a) != int(b):
                    diffs.append(f"{name}: text {a}, table {b}")
            if t_life != bool(r.table_life):
                diffs.append(f"life: text {t_life}, table {bool(r.table_life)}")
            status = "disagree" if diffs else "agree"
            detail = "; ".join(diffs) if diffs else (
                "sanction agrees" if r.has_sanction else "general-part term agrees")
            if isinstance(r.text_laws, str) and r.text_laws:
                law_ok = _law_in(r.text_laws.split(";")[-1], r.table_amending_law)
        statuses.append(status)
        details.append(detail)
        laws_ok.append(law_ok)
    merged["status"] = statuses
    merged["detail"] = details
    merged["law_in_table"] = pd.array(laws_ok, dtype="boolean")
    out = merged.reindex(columns=CHECK_COLUMNS)
    for col in ("text_min_months", "text_max_months", "table_min_months",
                "table_max_months"):
        out[col] = out[col].astype("Int64")
    for col in ("text_life", "text_imprisonment", "text_general_floor", "table_life"):
        out[col] = out[col].astype("boolean")
    key_a = out["article"].map(article_key)
    key_p = out["part"].map(part_key)
    return out.assign(_a=key_a, _p=key_p).sort_values(["_a", "_p"]).drop(
        columns=["_a", "_p"]).reset_index(drop=True)

"""Charts for claim (b): yearly interval shares per article-part, and defendants' terms
against the ranges and combined limits that applied."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from repstats.plots._common import months_to_years
from repstats.plots.style import GREY, LIGHT_GREY, PALETTE, use_style
from repstats.stats._series import require_columns
from repstats.stats.minimums import short_reason

__all__ = ["claim_intervals", "case_chart"]

#: points between the zero line and the top of a panel's n labels (a mark at 0 %
#: reaches 3.7 points below it: half its 6-point size and half its edge)
N_LABEL_GAP = 5
_NEED_CLAIM = ["article_part", "year", "status", "reason", "n_terms", "small_n",
               "share_at_or_below_low", "share_at_or_below_high", "official_share",
               "sanction_changed_in_window"]


def _runs(years: list[int]) -> str:
    """[2009, 2010, 2011, 2014] -> "2009–2011, 2014"."""
    out, start, prev = [], None, None
    for y in sorted(years):
        if start is None:
            start = prev = y
        elif y == prev + 1:
            prev = y
        else:
            out.append(f"{start}–{prev}" if prev > start else str(start))
            start = prev = y
    if start is not None:
        out.append(f"{start}–{prev}" if prev > start else str(start))
    return ", ".join(out)


def claim_intervals(table: pd.DataFrame, *, ncols: int = 3, axes=None,
                    title: str | None = None):
    """Small multiples: per article-part, the yearly share of prison terms at or below
    the applicable minimum, as an interval, with the official art. 64 share beside it.

    Parameters
    ----------
    table : DataFrame
        :func:`repstats.stats.minimums.claim_table` output.
    ncols : int
        Panels per row.
    axes : array of Axes, optional
        At least one Axes per article-part.

    Each computed year is a vertical bar from the lower to the upper bound (a dot when
    they coincide); years with few terms (``small_n``) are grey; a triangle marks years
    whose window held a change of the sanction; an ``x`` is the official art. 64 count
    as a share of the prison terms; missing years are listed under each panel with the
    reason. A panel whose sanction names no minimum prison term (``general_minimum``,
    optional column) says so in its title. Shares of different article-parts are never pooled.

    Returns
    -------
    Figure
    """
    require_columns(table, _NEED_CLAIM, "table")
    panels = list(dict.fromkeys(table["article_part"]))
    if not panels:
        raise ValueError("table has no article-parts")
    nrows = math.ceil(len(panels) / ncols)
    years = sorted(table["year"].unique())
    with use_style():
        if axes is None:
            fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.1 * nrows),
                                     sharey=True, squeeze=False)
        axes = np.asarray(axes).ravel()
        if len(axes) < len(panels):
            raise ValueError(f"need {len(panels)} axes, got {len(axes)}")
        fig = axes[0].figure
        for ax, name in zip(axes, panels):
            d = table[table["article_part"] == name].sort_values("year")
            ok = d[d["status"] == "computed"]
            # one artist per kind of mark and panel (the years in one call), not per year
            year = ok["year"].to_numpy()
            lo = 100 * ok["share_at_or_below_low"].to_numpy(float)
            hi = 100 * ok["share_at_or_below_high"].to_numpy(float)
            small = ok["small_n"].to_numpy(bool)
            wide = hi - lo > 0.5
            if wide.any():
                ax.bar(year[wide], (hi - lo)[wide], bottom=lo[wide], width=0.62,
                       color=np.where(small, LIGHT_GREY, PALETTE["blue"])[wide].tolist(),
                       edgecolor=np.where(small, GREY, PALETTE["blue"])[wide].tolist(),
                       linewidth=0.8, zorder=2)
            for few, edge in ((False, PALETTE["blue"]), (True, GREY)):
                dots = ~wide & (small == few)
                if dots.any():
                    ax.plot(year[dots], lo[dots], "o", color=edge, markersize=6, zorder=3)
            official = ok["official_share"].to_numpy(float)
            has = ~np.isnan(official)
            if has.any():
                ax.plot(year[has], 100 * np.minimum(official[has], 1.0), "x",
                        color="black", markersize=6, markeredgewidth=1.4, zorder=4)
            for y, n in zip(year, ok["n_terms"]):
                # under the zero line, clear of the marks drawn at 0 % (half a marker,
                # 3 points, above and below it)
                ax.annotate(f"{int(n)}", (y, 0), xytext=(0, -N_LABEL_GAP),
                            textcoords="offset points", ha="center", va="top",
                            fontsize=6.5, color=GREY, gid="n_terms")
            changed = ok["sanction_changed_in_window"].astype("boolean").fillna(False) \
                .to_numpy(bool)
            if changed.any():
                ax.plot(year[changed], np.full(changed.sum(), 106), "v",
                        color=PALETTE["orange"], markersize=6, zorder=4)
            missing = d[d["status"] == "missing"]
            notes = []
            for why, g in missing.groupby(missing["reason"].map(short_reason), sort=False):
                notes.append(f"{why}: {_runs(list(g['year']))}")
            if notes:
                ax.text(0.0, -0.30, "\n".join(notes), transform=ax.transAxes, fontsize=7,
                        color=GREY, va="top", ha="left")
            general = (d["general_minimum"].dropna() if "general_minimum" in d.columns
                       else pd.Series(dtype=bool))
            if len(general) and general.astype(bool).all():
                # "up to N years": only art. 56's floor; the share says nothing of the claim
                ax.set_title(f"art. {name}\n(no special minimum: art. 56's 2 months)",
                             fontsize=9)
            else:
                ax.set_title(f"art. {name}", fontsize=10)
            ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
            ax.set_ylim(-17, 112)  # room below 0 for the n labels
            ax.set_yticks([0, 25, 50, 75, 100])
            # labels every third year counted back from the last, so the last year
            # drawn is always labelled; a minor tick marks every year
            ax.set_xticks(list(range(years[-1], years[0] - 1, -3))[::-1])
            ax.set_xticks(years, minor=True)
            ax.grid(True, axis="y")
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        for ax in axes[::ncols][:nrows]:
            ax.set_ylabel("% of prison terms\nat or below the minimum")
        handles = [Patch(facecolor=PALETTE["blue"], label="interval (brackets x sanction "
                         "versions in the window)"),
                   Patch(facecolor=LIGHT_GREY, edgecolor=GREY, label="fewer than 10 terms"),
                   Line2D([], [], marker="x", color="black", linestyle="none",
                          label="official art. 64 count / prison terms"),
                   Line2D([], [], marker="v", color=PALETTE["orange"], linestyle="none",
                          label="sanction changed in the window")]
        handles.append(Line2D([], [], linestyle="none", label="grey numbers: prison terms (n)"))
        # title and legend in one block above the panels (a source line may go below):
        # the title is drawn as the legend's heading, because constrained layout does not
        # stack a suptitle and an outside legend; the suptitle holds the same text, not
        # drawn, so that captions (repstats.report.figure_caption) find the title
        legend = fig.legend(handles=handles, loc="outside upper center", ncols=3, fontsize=8,
                            title=title, title_fontproperties={"weight": "bold",
                                                               "size": 11})
        legend.set_alignment("left")
        if title:
            sup = fig.suptitle(title)
            sup.set_visible(False)
            sup.set_in_layout(False)
    return fig


_NEED_PERSONS = ["name_en", "term_months", "final_kind", "appeal_term_months",
                 "floor_months_low", "ceiling_months", "effective_floor_months", "rule",
                 "position"]


def case_chart(persons: pd.DataFrame, charges: pd.DataFrame, *, label: str = "name_en",
               ax=None, title: str | None = None):
    """Each defendant: every charge's range on its offence dates, the combined limits
    (art. 69), the final and appeal terms.

    Parameters
    ----------
    persons : DataFrame
        :func:`repstats.stats.persons.classify_sentences` rows, in the order to show
        (top to bottom).
    charges : DataFrame
        :func:`repstats.stats.persons.assess_charges` rows of the same people (joined on
        ``person_id`` and ``verdict_date``).
    label : str
        Column of ``persons`` naming each row.

    Marks: thin grey bars are single charges' statutory ranges (labelled; "range
    unknown" where not established); a wide pale band is the combined floor-ceiling of
    art. 69 (open to the right when a charge's range is unknown); a blue tick is the
    effective floor when lawful reductions lower it; a filled circle is a real prison
    term, a hollow circle a suspended one; a diamond is the term after appeal when it
    differs.

    Returns
    -------
    Axes
    """
    require_columns(persons, _NEED_PERSONS + ["person_id", "verdict_date", label],
                    "persons")
    require_columns(charges, ["person_id", "verdict_date", "article", "part_used",
                              "min_months_low", "max_months_high", "range_status",
                              "convicted"], "charges")
    n = len(persons)
    finite = pd.concat([persons["term_months"].astype(float),
                        persons["ceiling_months"].astype(float),
                        charges["max_months_high"].astype(float)]).dropna()
    right = months_to_years(finite.max()) * 1.08 + 1 if len(finite) else 30
    with use_style():
        if ax is None:
            fig, ax = plt.subplots(figsize=(10, 0.75 + 0.62 * n))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        for i, (_, p) in enumerate(persons.iterrows()):
            y = n - 1 - i
            mine = charges[(charges["person_id"] == p["person_id"])
                           & (charges["verdict_date"] == p["verdict_date"])
                           & charges["convicted"].fillna(True).astype(bool)]
            combined = isinstance(p["rule"], str) and p["rule"].startswith("art. 69")
            if combined and pd.notna(p["floor_months_low"]):
                lo = months_to_years(p["floor_months_low"])
                hi = months_to_years(p["ceiling_months"]) if pd.notna(p["ceiling_months"]) \
                    else right
                ax.barh(y, hi - lo, left=lo, height=0.78, color=PALETTE["sky"], alpha=0.22,
                        hatch=None if pd.notna(p["ceiling_months"]) else "..",
                        edgecolor=PALETTE["sky"], linewidth=0.6, zorder=1)
            k = max(len(mine), 1)
            offsets = np.linspace(-0.26, 0.26, k) if k > 1 else [0.0]
            for off, (_, c) in zip(offsets, mine.iterrows()):
                name = (f"{c['article']}" + (f" ч.{c['part_used']}" if isinstance(
                    c["part_used"], str) and c["part_used"] != "—" else "")
                        if pd.notna(c["article"]) else "unidentified count")
                if c["range_status"] == "established" and pd.notna(c["min_months_low"]):
                    lo = months_to_years(c["min_months_low"])
                    hi = months_to_years(c["max_months_high"])
                    ax.barh(y + off, hi - lo, left=lo, height=0.11, color=GREY, zorder=2)
                    ax.annotate(name, (hi, y + off), xytext=(3, 0), textcoords="offset "
                                "points", va="center", fontsize=6.5, color=GREY)
                else:
                    ax.annotate(f"{name}: range unknown", (0.2, y + off), va="center",
                                fontsize=6.5, color=GREY, style="italic")
            eff = p["effective_floor_months"]
            if pd.notna(eff) and pd.notna(p["floor_months_low"]) and \
                    eff < p["floor_months_low"]:
                ax.plot(months_to_years(eff), y, marker="|", color=PALETTE["blue"],
                        markersize=14, markeredgewidth=2.2, zorder=3)
            term = p["term_months"]
            if pd.notna(term):
                suspended = p["final_kind"] == "suspended"
                ax.plot(months_to_years(term), y, "o", markersize=8, zorder=5,
                        markerfacecolor="white" if suspended else PALETTE["vermillion"],
                        markeredgecolor=PALETTE["vermillion"] if suspended else "black",
                        markeredgewidth=1.6 if suspended else 0.6)
            app = p["appeal_term_months"]
            if pd.notna(app) and pd.notna(term) and app != term:
                ax.plot(months_to_years(app), y, "D", markersize=5.5, zorder=6,
                        color=PALETTE["orange"], markeredgecolor="black",
                        markeredgewidth=0.5)
        ax.set_yticks(range(n), list(persons[label].astype(str))[::-1])
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlim(0, right)
        ax.set_xlabel("Years of imprisonment")
        handles = [Patch(facecolor=GREY, label="charge's statutory range on the offence "
                         "dates"),
                   Patch(facecolor=PALETTE["sky"], alpha=0.35, label="combined limits "
                         "(art. 69); dotted = ceiling unknown"),
                   Line2D([], [], marker="|", color=PALETTE["blue"], linestyle="none",
                          markersize=10, markeredgewidth=2, label="effective floor "
                          "(art. 62/66/88)"),
                   Line2D([], [], marker="o", color=PALETTE["vermillion"],
                          markeredgecolor="black", linestyle="none", label="real term"),
                   Line2D([], [], marker="o", markerfacecolor="white",
                          markeredgecolor=PALETTE["vermillion"], linestyle="none",
                          label="suspended term"),
                   Line2D([], [], marker="D", color=PALETTE["orange"],
                          markeredgecolor="black", linestyle="none",
                          label="term after appeal")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09 *
                  max(1.0, 10 / max(n, 1)) ** 0.5), ncols=3, fontsize=8)
        if title:
            ax.set_title(title)
    return ax

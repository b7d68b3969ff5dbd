"""What each indicator of the instability panel means: the codebook.

Every indicator the panel can hold is declared once here, with its meaning, scale, unit,
direction (``+1`` when a higher value means more instability or stress, ``-1`` otherwise),
native frequency, the rule used to aggregate it to a coarser frequency (``mean`` for
indices and shares, ``sum`` for counts, ``max`` for ordinal levels), the manifest id of
its raw file, citation text, licence and caveats. Readers take ``unit``, ``direction`` and
``source`` from here, so they are never restated elsewhere.
"""
from __future__ import annotations

import pandas as pd

_WGI_CITE = ("Kaufmann, D. and A. Kraay (2023). Worldwide Governance Indicators, 2023 "
             "update. World Bank. www.govindicators.org")
_WGI_SCALE = ("estimate of governance in standard-normal units, roughly -2.5 (weak) to "
              "2.5 (strong); low/high = estimate -/+ 1.96 x standard error (a 95% normal "
              "interval; WGI itself publishes 90% intervals for percentile ranks only)")
_VDEM_CITE = ("Coppedge, M. et al. V-Dem Dataset v15 (ERT: Maerz, S. F. et al., Episodes of "
              "Regime Transformation, v15). V-Dem Institute, Varieties of Democracy Project")
_DEMSPACES_CITE = ("V-Dem v14 indices as compiled by the V-Dem Institute's demspaces project "
                   "(github.com/vdeminstitute/demspaces, dv_data_1968_on.csv); cite "
                   "Coppedge, M. et al. V-Dem Dataset v14")
_VDEM_LIC = "V-Dem terms: free to use with citation"
_CAVEAT_VDEM = ("expert-coded latent index; yearly, as of 31 December")

_INDICATORS: list[dict] = [
    # --- World Bank WGI -------------------------------------------------------------
    *[dict(indicator=f"wgi_{code.lower()}", name=name, raw_code=f"{code}.EST",
           meaning=f"WGI {name}: perceptions aggregated from many sources", scale=_WGI_SCALE,
           unit="WGI estimate (z-score)", direction=-1, freq="Y", aggregation="mean",
           source="wgi", citation=_WGI_CITE, licence="CC BY 4.0",
           caveats="no estimates for 1997, 1999, 2001; the number of underlying sources "
                   "varies by year; year-to-year changes are mostly within the error band")
      for code, name in [("PV", "Political Stability and Absence of Violence/Terrorism"),
                         ("VA", "Voice and Accountability"),
                         ("GE", "Government Effectiveness"),
                         ("RQ", "Regulatory Quality"),
                         ("RL", "Rule of Law"),
                         ("CC", "Control of Corruption")]],
    # --- V-Dem ERT ---------------------------------------------------------------------
    dict(indicator="vdem_polyarchy", name="Electoral democracy index", raw_code="v2x_polyarchy",
         meaning="V-Dem electoral democracy (polyarchy) index", scale="0 (least) to 1 (most "
         "democratic); low/high = v2x_polyarchy_codelow/_codehigh (V-Dem's 68% highest "
         "posterior density interval)", unit="index 0-1", direction=-1, freq="Y",
         aggregation="mean", source="vdem_ert", citation=_VDEM_CITE, licence=_VDEM_LIC,
         caveats=_CAVEAT_VDEM),
    dict(indicator="vdem_regime", name="Regimes of the World", raw_code="v2x_regime",
         meaning="Regime type: 0 closed autocracy, 1 electoral autocracy, 2 electoral "
         "democracy, 3 liberal democracy", scale="ordinal 0-3", unit="category 0-3",
         direction=-1, freq="Y", aggregation="max", source="vdem_ert", citation=_VDEM_CITE,
         licence=_VDEM_LIC, caveats="ordinal: do not average across countries"),
    dict(indicator="vdem_autocratization_episode", name="Autocratisation episode",
         raw_code="aut_ep", meaning="1 when the country-year lies in an ERT autocratisation "
         "episode", scale="0/1", unit="indicator 0/1", direction=1, freq="Y",
         aggregation="max", source="vdem_ert", citation=_VDEM_CITE, licence=_VDEM_LIC,
         caveats="episodes are identified with hindsight; the last years can be revised "
                 "(aut_ep_censored). For Russia ERT v15 codes one episode, 1993-2012, and "
                 "none in 2013-2024 although v2x_polyarchy keeps falling (0.277 to 0.172): "
                 "ERT's episode rules, not stability"),
    # --- V-Dem demspaces ----------------------------------------------------------------
    *[dict(indicator=ind, name=name, raw_code=code, meaning=meaning, scale=scale,
           unit="index 0-1", direction=-1, freq="Y", aggregation="mean",
           source="vdem_demspaces", citation=_DEMSPACES_CITE, licence=_VDEM_LIC,
           caveats=_CAVEAT_VDEM + "; no uncertainty bands in this file")
      for ind, name, code, meaning, scale in [
          ("vdem_civil_society", "Core civil society index", "v2xcs_ccsi",
           "how robust and autonomous civil society is", "0 (weak) to 1 (robust)"),
          ("vdem_free_expression", "Freedom of expression and alternative sources of "
           "information", "v2x_freexp_altinf", "media and speech freedom",
           "0 (none) to 1 (full)"),
          ("vdem_rule_of_law", "Rule of law index", "v2xcl_rol",
           "impartial, predictable law enforcement", "0 (none) to 1 (full)"),
          ("vdem_vertical_accountability", "Vertical accountability", "v2x_veracc_osp",
           "citizens' ability to hold government accountable (elections, parties)",
           "0-1, higher = more accountability"),
          ("vdem_horizontal_accountability", "Horizontal accountability",
           "v2x_horacc_osp", "oversight by courts, legislature and agencies",
           "0-1, higher = more accountability"),
          ("vdem_public_corruption_reversed", "Public sector corruption (reversed)",
           "v2x_pubcorr", "absence of public-sector corruption: in this file the V-Dem "
           "index is reversed (USA 1968 = 0.945), so higher = LESS corruption",
           "0-1, higher = less corruption")]],
    # --- monthly / quarterly news-based indices ----------------------------------------
    dict(indicator="epu_news", name="Economic Policy Uncertainty, Russia", raw_code=
         "News-Based Policy Uncertainty Index", meaning="share of Kommersant articles on "
         "economic policy uncertainty, normalised", scale="index, mean about 100 over the "
         "base period", unit="index", direction=1, freq="M", aggregation="mean",
         source="epu_russia", citation="Baker, S. R., N. Bloom and S. J. Davis (2016). "
         "Measuring Economic Policy Uncertainty. QJE 131(4): 1593-1636. "
         "www.PolicyUncertainty.com", licence="free with attribution",
         caveats="single-newspaper index; very noisy month to month"),
    dict(indicator="gpr_country", name="Geopolitical Risk, Russia (recent)",
         raw_code="GPRC_RUS", meaning="share of articles in 10 US/UK/Canadian newspapers "
         "mentioning geopolitical risk and Russia", scale="percent of all articles",
         unit="% of articles", direction=1, freq="M", aggregation="mean", source="gpr",
         citation="Caldara, D. and M. Iacoviello (2022). Measuring Geopolitical Risk. AER "
         "112(4): 1194-1225. www.matteoiacoviello.com/gpr.htm", licence="free, cite",
         caveats="foreign (English-language) press: measures risk seen from abroad, "
                 "dominated by wars and external conflicts, not domestic contention"),
    dict(indicator="gpr_country_historical", name="Geopolitical Risk, Russia (historical)",
         raw_code="GPRHC_RUS", meaning="as gpr_country, from 3 newspapers since 1900",
         scale="percent of all articles", unit="% of articles", direction=1, freq="M",
         aggregation="mean", source="gpr", citation="Caldara, D. and M. Iacoviello (2022). "
         "Measuring Geopolitical Risk. AER 112(4): 1194-1225.", licence="free, cite",
         caveats="fewer newspapers than gpr_country; same foreign-press caveat"),
    dict(indicator="wui", name="World Uncertainty Index, Russia", raw_code="T2:RUS",
         meaning="frequency of 'uncertain*' in EIU country reports on Russia",
         scale="count per 1,000 words of the report", unit="per 1,000 words", direction=1,
         freq="Q", aggregation="mean", source="wui", citation="Ahir, H., N. Bloom and D. "
         "Furceri (2022). World Uncertainty Index. NBER Working Paper 29763.",
         licence="free, cite", caveats="few uncertainty mentions per report (often 0-7), so "
         "single quarters are noisy; from 2020Q4 the value averages three monthly reports"),
    dict(indicator="wui_smoothed", name="World Uncertainty Index, Russia, smoothed",
         raw_code="T6:RUS", meaning="three-quarter weighted moving average of wui, as "
         "published: (0.6 x_t + 0.3 x_t-1 + 0.1 x_t-2) / 3 (so about one third of wui's "
         "level); the authors' preferred country measure", scale="see wui, divided by 3",
         unit="per 1,000 words / 3", direction=1, freq="Q", aggregation="mean", source="wui",
         citation="Ahir, H., N. Bloom and D. Furceri (2022). World Uncertainty Index. NBER "
         "Working Paper 29763.", licence="free, cite",
         caveats="published formula divides by 3 after weighting (weights already sum to 1)"),
    # --- Levada ------------------------------------------------------------------------
    *[dict(indicator=ind, name=name, raw_code=code, meaning=meaning,
           scale="percent of respondents (0-100)", unit="% of respondents", direction=d,
           freq="M", aggregation="mean", source=src, citation="Levada Center, "
           "'Indicators' (www.levada.ru/indikatory/), monthly omnibus surveys; via "
           "valchyshen/Regression-of-Levada-Data", licence="published figures, cite",
           caveats="sampling error about +/-3.4 points (n~1,600) not published per month; "
           "months flagged carried_forward repeat the previous month exactly and are "
           "probably not new measurements; surveys under an authoritarian regime (2022-) "
           "are subject to preference falsification")
      for ind, name, code, meaning, d, src in [
          ("levada_approve", "Presidential approval", "Approve",
           "approve of Vladimir Putin's activity (as prime minister in 1999-2000 and "
           "2008-2012, as president otherwise)", -1,
           "levada_approval"),
          ("levada_disapprove", "Presidential disapproval", "Disapprove",
           "disapprove of Vladimir Putin's activity", 1, "levada_approval"),
          ("levada_right_direction", "Country going in the right direction",
           "In the right direction", "share saying the country is going in the right "
           "direction", -1, "levada_direction"),
          ("levada_wrong_track", "Country on the wrong track", "On the wrong track",
           "share saying the country is on the wrong track", 1, "levada_direction")]],
    # --- Bank of Russia ------------------------------------------------------------------
    *[dict(indicator=ind, name=name, raw_code="rate", meaning=meaning, scale=scale,
           unit=unit, direction=1, freq="M", aggregation="mean", source="cbr_usdrub",
           citation="Bank of Russia, official exchange rates (www.cbr.ru/currency_base/"
           "dynamics/)", licence="official (public)",
           caveats="rates before 1998 are in redenominated roubles (1 new = 1,000 old); "
                   "the rate is set for the next business day, dates are the file's")
      for ind, name, meaning, scale, unit in [
          ("cbr_usdrub", "USD/RUB, monthly mean", "mean of the official daily rates "
           "published in the month (blank days ignored)", "roubles per US dollar",
           "RUB per USD"),
          ("cbr_usdrub_change", "USD/RUB, monthly change", "percent change of the monthly "
           "mean on the previous month (missing when the previous month is missing)",
           "percent", "% change"),
          ("cbr_usdrub_volatility", "USD/RUB volatility", "standard deviation (ddof=1) of "
           "daily log returns between consecutive published rates within the month",
           "log points per day", "sd of daily log return")]],
    # --- counts --------------------------------------------------------------------------
    dict(indicator="acled_demonstrations", name="ACLED demonstrations and riots",
         raw_code="n_events_union", meaning="events of type Protests or Riots in Russia "
         "recorded by ACLED in the month", scale="count", unit="events", direction=1,
         freq="M", aggregation="sum", source="acled_russia_monthly",
         citation="Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com; "
         "aggregated from extracts in antndlcrx/nonviolent-repression",
         licence="ACLED terms: aggregates with attribution",
         caveats="aggregated from partial, filtered extracts (completeness unknown); "
                 "counts drop sharply from late 2022, likely reflecting reporting and "
                 "repression rather than calm (rows flagged coverage_drop)"),
    dict(indicator="ucdp_conflicts", name="Armed conflicts with Russia as a party",
         raw_code="gwno_a/gwno_a_2nd/gwno_b/gwno_b_2nd contains 365",
         meaning="number of UCDP/PRIO state-based armed conflicts (>=25 battle deaths) "
         "in the year in which Russia (GW 365) is a primary or secondary party",
         scale="count", unit="conflicts", direction=1, freq="Y", aggregation="sum",
         source="ucdp_acd", citation="Gleditsch, N. P. et al. (2002). Armed Conflict "
         "1946-2001: A New Dataset. JPR 39(5); Pettersson, T. and M. Oberg (2020). "
         "Organized violence, 1989-2019. JPR 57(4). UCDP/PRIO ACD v20.1",
         licence="CC BY 4.0", caveats="ends in 2019; GW 365 is the Soviet Union before 1992; "
         "years with no conflict are 0"),
    dict(indicator="ucdp_domestic_conflicts", name="Armed conflicts on Russian territory",
         raw_code="gwno_a == 365 and gwno_loc contains 365", meaning="conflicts in which "
         "the Russian government is the primary side A and the location includes Russia "
         "(Chechnya, the Caucasus Emirate, IS in the North Caucasus)", scale="count",
         unit="conflicts", direction=1, freq="Y", aggregation="sum", source="ucdp_acd",
         citation="UCDP/PRIO Armed Conflict Dataset v20.1 (see ucdp_conflicts)",
         licence="CC BY 4.0", caveats="ends in 2019"),
    dict(indicator="ucdp_max_intensity", name="Highest conflict intensity",
         raw_code="intensity_level", meaning="highest intensity among conflicts with "
         "Russia as a party: 0 none, 1 minor (25-999 battle deaths), 2 war (>=1,000)",
         scale="ordinal 0-2", unit="category 0-2", direction=1, freq="Y", aggregation="max",
         source="ucdp_acd", citation="UCDP/PRIO Armed Conflict Dataset v20.1 (see "
         "ucdp_conflicts)", licence="CC BY 4.0", caveats="ends in 2019"),
    *[dict(indicator=ind, name=name, raw_code=code, meaning=meaning, scale="count",
           unit=unit, direction=1, freq="M", aggregation="sum", source="ovdinfo",
           citation="OVD-Info, lists of protest events with detentions 2011-2013 "
           "(ovdinfo/report-data, ovdinfo/reports)", licence="no licence stated: read, "
           "never redistribute (derived counts only)",
           caveats="Moscow only (the 2011-12 lists cover Moscow; the 2013 list's other "
                   "regions are excluded here for a constant scope); 2011-12 merged from "
                   "two overlapping lists, see protests_monthly; covers 2011-12 to 2013-12")
      for ind, name, code, meaning, unit in [
          ("ovdinfo_moscow_events", "Protest events with detentions, Moscow", "rows",
           "number of protest events in Moscow at which OVD-Info recorded detentions",
           "events"),
          ("ovdinfo_moscow_detainees", "Protest detainees, Moscow",
           "total / number_of_detentions", "number of people detained at protest events "
           "in Moscow", "persons")]],
    # --- MVD registered crimes (an outcome, not an instability indicator) ---------------
    *[dict(indicator=ind, name=name, raw_code=code, meaning=meaning, scale="count",
           unit="registered crimes", direction=1, freq="M", aggregation="sum",
           source="mvd_crime_monthly", citation="Ministry of Internal Affairs of Russia, "
           "monthly reports 'Sostoyanie prestupnosti' (mvd.ru), compiled as the Kaggle data "
           "set tsarkov90/crime-in-russia-20032020; copy: ByloTonix/crime-stats data/crime.csv",
           licence="official statistics; compilation terms unknown: cite, do not "
           "redistribute", caveats="OUTCOME series (cases registered by the police), never "
           "an instability indicator: direction +1 only means 'more registered crimes'. "
           + caveat)
      for ind, name, code, meaning, caveat in [
          ("mvd_total", "Registered crimes, all", "Total_crimes",
           "all crimes registered in Russia in the month (exposure for the categories)",
           "2020 has January only"),
          ("mvd_extremism", "Registered extremism-related crimes", "Extremism",
           "crimes 'of extremist orientation' registered in the month",
           "definition break 2019-01: art. 282 partly decriminalised (519-FZ), the count "
           "halves; model as a level shift (repstats.instability.mvd.MVD_BREAKS)"),
          ("mvd_terrorism", "Registered terrorism-related crimes", "Terrorism",
           "crimes 'of terrorist character' registered in the month",
           "category redefined in the mid-2000s (about 9.5 thousand in 2004, 0.6-0.8 "
           "thousand from 2007); break dated 2006-01 in MVD_BREAKS")]],
]

_COLUMNS = ["indicator", "name", "raw_code", "meaning", "scale", "unit", "direction", "freq",
            "aggregation", "source", "citation", "licence", "caveats"]


def _table() -> pd.DataFrame:
    df = pd.DataFrame(_INDICATORS)[_COLUMNS]
    if df["indicator"].duplicated().any():  # pragma: no cover - guards edits of this file
        raise AssertionError("duplicated indicator in the codebook")
    return df


def indicator_meta(indicator: str) -> dict:
    """The codebook entry of one indicator as a dict; ``ValueError`` for an unknown name."""
    table = _table().set_index("indicator")
    if indicator not in table.index:
        raise ValueError(f"unknown indicator {indicator!r}; known: {sorted(table.index)}")
    return table.loc[indicator].to_dict()


def codebook(panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codebook: one row per indicator.

    Parameters
    ----------
    panel : DataFrame, optional
        A panel from :func:`repstats.instability.panel`; when given, coverage columns are
        filled from it (otherwise they are missing).

    Returns
    -------
    DataFrame
        ``indicator`` (panel name), ``name``, ``raw_code`` (column or code in the raw file),
        ``meaning``, ``scale``, ``unit``, ``direction`` (+1 higher = more instability or
        stress, -1 otherwise), ``freq`` ("Y", "Q", "M"), ``aggregation`` (rule used by
        :func:`to_yearly`: "mean", "sum" or "max"), ``source`` (manifest id of the raw
        file), ``citation``, ``licence``, ``caveats``, ``first_period`` and
        ``last_period`` (as text, e.g. "1996" or "2022-02"), ``n_obs`` (non-missing
        values), ``n_flagged`` (rows with a flag).
    """
    table = _table()
    if panel is None:
        table["first_period"] = pd.NA
        table["last_period"] = pd.NA
        table["n_obs"] = pd.NA
        table["n_flagged"] = pd.NA
        return table
    if "indicator" not in panel or "period" not in panel or "value" not in panel:
        raise ValueError("panel must have columns indicator, period and value")
    have = panel[panel["value"].notna()]
    cov = have.groupby("indicator").agg(first_period=("period", "min"),
                                        last_period=("period", "max"),
                                        n_obs=("value", "size"))
    cov["first_period"] = cov["first_period"].astype(str)
    cov["last_period"] = cov["last_period"].astype(str)
    flags = (panel.assign(_f=panel.get("flag", pd.Series("", index=panel.index))
                          .fillna("").ne(""))
             .groupby("indicator")["_f"].sum().rename("n_flagged"))
    out = table.merge(cov, left_on="indicator", right_index=True, how="left")
    out = out.merge(flags, left_on="indicator", right_index=True, how="left")
    out["n_obs"] = out["n_obs"].astype("Int64")
    out["n_flagged"] = out["n_flagged"].astype("Int64")
    return out.reset_index(drop=True)

"""Political instability in Russia: published indicators in one tidy, documented panel.

No single number measures instability. This subpackage reads several published indicators
(WGI, V-Dem, EPU, GPR, WUI, Levada, Bank of Russia USD/RUB, ACLED, UCDP/PRIO, OVD-Info
detention lists; and, as an *outcome*, MVD registered extremism and terrorism crimes), each
with its own reader that checks the file's layout, and stacks them
in a long panel with uncertainty bands where the source gives them, a direction (+1 when a
higher value means more instability or stress) and flags. :func:`codebook` documents every
indicator; :func:`to_yearly`/:func:`to_monthly` align frequencies with stated rules;
:func:`composite` builds an optional direction-aligned z-score index that is always
returned with its components; :func:`events` is a sourced timeline for annotating charts.
"""
from .acled import read_acled
from .align import to_monthly, to_quarterly, to_yearly
from .cbr import read_cbr
from .codebook import codebook
from .composite import composite
from .epu import read_epu
from .events import events
from .gpr import read_gpr
from .levada import read_levada
from .mvd import MVD_BREAKS, read_mvd
from .panel import panel
from .protests import protests_flow, protests_monthly, read_protests
from .ucdp import read_ucdp
from .vdem import read_vdem_demspaces, read_vdem_ert
from .wgi import read_wgi
from .wui import read_wui

__all__ = ["panel", "codebook", "events", "to_yearly", "to_quarterly", "to_monthly", "composite",
           "read_wgi", "read_vdem_ert", "read_vdem_demspaces", "read_epu", "read_gpr",
           "read_wui", "read_levada", "read_cbr", "read_acled", "read_ucdp",
           "read_protests", "protests_monthly", "protests_flow", "read_mvd", "MVD_BREAKS"]

"""Case-level data: OVD-Info prosecutions, curated notable cases, linking people.

Units matter here: an OVD-Info row is one prosecution of one person; a notable-cases row
is one verdict for one defendant; a notable-charges row is one charge in such a
verdict. Neither is a count of people.
"""
from __future__ import annotations

from .charges import notable_charges
from .link import link_people
from .notable import notable_cases
from .ovdinfo import (clean_prosecutions, download_ovdinfo, fetch_ovdinfo,
                      monthly_prosecutions, read_ovdinfo_prosecutions)

__all__ = ["notable_cases", "notable_charges", "read_ovdinfo_prosecutions", "clean_prosecutions",
           "fetch_ovdinfo", "download_ovdinfo", "monthly_prosecutions", "link_people"]

"""Insights over the warehouse: one function per insight, each returning a typed result with evidence.

The web pages, the CLI, the value-for-money pack and the JSON API all call these functions, so they
show the same numbers. ``council`` arguments accept a GSS code or a council name; ``year`` is the
financial year by its starting calendar year (2021 = April 2021 to March 2022), ``None`` for the
latest year with a full twelve months of data (else the latest year with any).

Unknown councils raise :class:`UnknownCouncil` (a ``LookupError``); a known council with no data
returns an empty result with a note.
"""

from bestvalue.analytics.baseline import baseline, council_summary, list_councils
from bestvalue.analytics.collaboration import collaboration
from bestvalue.analytics.evidence import evidence_rows
from bestvalue.analytics.lockin import lockin
from bestvalue.analytics.market import category_market, market, supplier_profile
from bestvalue.analytics.models import (
    Baseline,
    CategoryMarket,
    Collaboration,
    CouncilCoverage,
    CouncilSummary,
    EvidencePage,
    EvidenceRow,
    Flags,
    Lockin,
    Market,
    PeerBenchmark,
    Savings,
    SearchResults,
    SpendFilter,
    SupplierProfile,
)
from bestvalue.analytics.peers import peers
from bestvalue.analytics.probity import flags
from bestvalue.analytics.refresh import refresh, refresh_step
from bestvalue.analytics.savings import savings
from bestvalue.analytics.scope import (
    UnknownCouncil,
    UnknownSupplier,
    council_info,
    default_year,
    ict_categories,
)
from bestvalue.analytics.search import search
from bestvalue.analytics.settings import Settings, load_settings

__all__ = [
    "Baseline",
    "CategoryMarket",
    "Collaboration",
    "CouncilCoverage",
    "CouncilSummary",
    "EvidencePage",
    "EvidenceRow",
    "Flags",
    "Lockin",
    "Market",
    "PeerBenchmark",
    "Savings",
    "SearchResults",
    "Settings",
    "SpendFilter",
    "SupplierProfile",
    "UnknownCouncil",
    "UnknownSupplier",
    "baseline",
    "category_market",
    "collaboration",
    "council_info",
    "council_summary",
    "default_year",
    "evidence_rows",
    "flags",
    "ict_categories",
    "list_councils",
    "load_settings",
    "lockin",
    "market",
    "peers",
    "refresh",
    "refresh_step",
    "savings",
    "search",
    "supplier_profile",
]

"""Build a council's value-for-money pack: run the insights once, then draw the seven sections, the
evidence sheets, the references and the list of source files from their results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bestvalue import __version__, analytics
from bestvalue.analytics.scope import all_councils, council_info, current_financial_year, reader, year_label
from bestvalue.analytics.settings import Settings, load_settings
from bestvalue.contracts.pipeline import renewal_pipeline
from bestvalue.engine import Warehouse
from bestvalue.ingest.quality import data_quality
from bestvalue.report import sql
from bestvalue.report.baseline import baseline_section
from bestvalue.report.builder import SHEET_IT_PAYMENTS, Builder, evidence_columns, evidence_record
from bestvalue.report.economy import economy_section
from bestvalue.report.landscape import suppliers_section
from bestvalue.report.models import PackOptions, PackTable, VfmPack
from bestvalue.report.quality import files_by_council, quality_section, source_files
from bestvalue.report.renewals import contracts_section
from bestvalue.report.signals import probity_section, savings_section
from bestvalue.web.formats import date

PAGE = 10_000  # evidence_rows returns at most this many lines per call


def build_pack(
    wh: Warehouse,
    council: str,
    year: int | None = None,
    *,
    as_of: dt.date | None = None,
    months: int = 18,
    flags_it_only: bool = True,
    shown_rows: int = 12,
    evidence_limit: int = 10_000,
    base_url: str | None = None,
    settings: Settings | None = None,
) -> VfmPack:
    """The pack for a council (GSS code or name) and financial year (default: its latest full year).

    ``as_of`` starts the renewal pipeline's window of ``months`` (default today); ``flags_it_only``
    runs the probity tests over IT payments only; ``shown_rows`` is how many rows of each table the
    HTML and PDF draw (the XLSX has all); ``evidence_limit`` caps each evidence sheet; ``base_url``
    makes drill-down links absolute. Unknown councils raise ``analytics.UnknownCouncil``.
    """
    cfg = settings if settings is not None else load_settings()
    db = reader(wh)
    info = council_info(db, council)
    code = info.gss_code
    summary = analytics.council_summary(db, code, settings=cfg)
    fy = year if year is not None else (summary.default_year or current_financial_year())
    options = PackOptions(
        as_of=as_of or dt.date.today(),
        pipeline_months=months,
        flags_it_only=flags_it_only,
        shown_rows=shown_rows,
        evidence_limit=evidence_limit,
        base_url=base_url,
        settings=", ".join(cfg.source),
    )
    b = Builder(wh=wh, db=db, council=info, year=fy, options=options, settings=cfg)

    base = analytics.baseline(db, code, fy, settings=cfg)
    peers = analytics.peers(db, code, fy, settings=cfg)
    market = analytics.market(db, code, fy, settings=cfg)
    lock = analytics.lockin(db, code, fy, settings=cfg)
    collab = analytics.collaboration(db, code, fy, settings=cfg)
    savings = analytics.savings(db, code, fy, settings=cfg)
    flags = analytics.flags(db, code, fy, it_only=flags_it_only, settings=cfg)
    pipeline = renewal_pipeline(wh, code, months, None, options.as_of)
    quality = data_quality(wh, code)

    e1 = it_payments(b, base)
    s1 = baseline_section(b, base, summary, peers)
    s2 = suppliers_section(b, base, peers, market, lock)
    s3 = contracts_section(b, pipeline, collab, lock)
    s4, e2 = savings_section(b, savings)
    s5, e3 = probity_section(b, flags)
    s6, e4 = economy_section(b)

    first = fy - cfg.collaboration.years + 1
    files = files_by_council(b, min(first, fy), fy)
    s7 = quality_section(b, quality, base, {sid for sid, ys in files.get(code, {}).items() if fy in ys})
    own = [int(r[0]) for r in wh.rows(sql.council_sources_sql(), [code])]
    comparing = {p.council.gss_code for p in peers.peers if p.has_data}
    comparing |= {c.gss_code for o in collab.opportunities for c in o.councils}
    tiers = {k: v[0].tier for k, v in all_councils(db).items()}
    comparing |= {k for k in files if tiers.get(k) == info.tier}  # price variation compares the tier
    comparing.discard(code)
    comparators = {sid: c for c in sorted(comparing) for sid in files.get(c, {})}

    label = year_label(fy)
    intro = [
        f"This pack sets out the evidence on the value for money of {info.official_name}'s spending on "
        f"IT and digital in the financial year {label} (April {fy} to March {fy + 1}), in the order of "
        "the LGA technology procurement strategy's concerns.",
        "Every figure carries a numbered reference [n]. The references at the end name the library "
        "function and the parameters that computed it, say how it is worked out, and point to the "
        "payment lines behind it: a sheet of the XLSX edition of this pack (the rows to filter on that "
        "sheet) and, where the pack is served by bestvalue, a drill-down address.",
        "Figures are drawn from the councils' own published spend files (listed at the end, with their "
        "SHA-256 fingerprints). Amounts are as published, usually net of recoverable VAT. The renewal "
        f"pipeline looks {months} months ahead from {date(options.as_of)}.",
    ]
    if base.coverage.rows == 0:
        intro.insert(
            0,
            f"No payments of {info.name} are loaded for {label}: the figures below are empty. Load the "
            "council's spend files for the year (bestvalue ingest) and build the pack again.",
        )
    pack = VfmPack(
        title=f"IT value-for-money evidence pack: {info.name}, {label}",
        council=info,
        financial_year=fy,
        year_label=label,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        version=__version__,
        options=options,
        introduction=intro,
        sections=[s1, s2, s3, s4, s5, s6, s7],
        evidence=[e1, e2, e3, e4],
        references=b.references,
        sources=source_files(b, own, comparators),
    )
    return renumbered(pack)


def renumbered(pack: VfmPack) -> VfmPack:
    """The pack with references numbered in reading order (figures and tables section by section,
    then the evidence sheets), so the footnotes run 1, 2, 3… down the document."""
    order: dict[int, int] = {}
    for n in [
        *(n for s in pack.sections for n in [*(f.ref for f in s.figures), *(t.ref for t in s.tables)]),
        *(t.ref for t in pack.evidence),
        *(r.n for r in pack.references),
    ]:
        order.setdefault(n, len(order) + 1)
    for s in pack.sections:
        for f in s.figures:
            f.ref = order[f.ref]
        for t in s.tables:
            t.ref = order[t.ref]
    for t in pack.evidence:
        t.ref = order[t.ref]
    pack.references = sorted(
        (r.model_copy(update={"n": order[r.n]}) for r in pack.references), key=lambda r: r.n
    )
    return pack


def it_payments(b: Builder, base: analytics.Baseline) -> PackTable:
    """Evidence sheet E1: the council's IT payment lines in the year, largest first."""
    limit = b.options.evidence_limit
    rows: list[dict[str, Any]] = []
    total_rows, total_amount, offset = 0, 0.0, 0
    while True:
        page = analytics.evidence_rows(b.db, base.evidence, limit=min(PAGE, limit - offset), offset=offset)
        total_rows, total_amount = page.total_rows, page.total_amount
        rows.extend(evidence_record(r) for r in page.rows)
        offset += len(page.rows)
        if not page.rows or offset >= min(limit, total_rows):
            break
    ref = b.ref(
        "bestvalue.analytics.evidence_rows",
        {"selection": base.evidence.model_dump(exclude_defaults=True)},
        "rows",
        "Every payment line the baseline counts as IT, largest first, with its source file and line.",
        evidence=base.evidence,
        sheet=SHEET_IT_PAYMENTS,
        sheet_filter="all rows",
    )
    return b.table(
        "evidence.it_payments",
        "The council's IT payment lines in the year",
        ref,
        evidence_columns(),
        rows,
        sheet=SHEET_IT_PAYMENTS,
        shown=0,
        totals=("amount",),
        total_rows=total_rows,
        total_amount=total_amount,
        note=None if total_rows <= len(rows) else f"The largest {len(rows):,} of {total_rows:,} lines.",
    )

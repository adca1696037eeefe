"""Section 7 of the pack (data quality appendix: source files, lines loaded and rejected,
classification methods and confidence) and the closing list of source files behind the figures."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bestvalue.analytics.models import Baseline
from bestvalue.ingest.quality import DataQuality
from bestvalue.report import sql
from bestvalue.report.builder import Builder, share
from bestvalue.report.models import Figure, Section, SourceFile
from bestvalue.web.formats import number, percent

QUALITY = "bestvalue.ingest.quality.data_quality"


def files_by_council(b: Builder, first_year: int, last_year: int) -> dict[str, dict[int, set[int]]]:
    """Council → source id → the financial years (within the span) it has payments in."""
    out: dict[str, dict[int, set[int]]] = {}
    for r in b.db.dicts(sql.files_in_years_sql(), [first_year, last_year]):
        out.setdefault(r["council_code"], {}).setdefault(int(r["source_id"]), set()).add(
            int(r["financial_year"])
        )
    return out


def quality_section(b: Builder, dq: DataQuality, base: Baseline, year_files: Collection[int]) -> Section:
    """7. Data quality appendix."""
    code, year = b.council.gss_code, b.year
    in_year = [s for s in dq.sources if s.source_id in year_files or s.status == "failed"]
    live = [s for s in in_year if s.status == "loaded"]
    params = {"council": code}
    how_sum = (
        f"Sum over the council's loaded source files with payments in {base.filters.year_label} "
        "(rows = loaded + rejected + skipped, checked for every file at ingest)."
    )
    r_files = b.ref(QUALITY, params, "sources[files with payments in the year]", how_sum)
    rows, loaded, rejected, skipped = (
        sum(getattr(s, k) for s in live) for k in ("rows", "loaded", "rejected", "skipped")
    )
    figs: list[Figure] = [
        b.figure(
            "quality.files_all",
            "Source files loaded for the council (all years)",
            dq.files_loaded,
            "count",
            b.ref(QUALITY, params, "files_loaded", "Files of the council currently loaded."),
        ),
        b.figure("quality.files_year", "Files with payments in the year", len(live), "count", r_files),
        b.figure(
            "quality.files_failed",
            "Files that could not be read",
            dq.files_failed,
            "count",
            b.ref(QUALITY, params, "files_failed", "Files recorded as failed, with their error."),
        ),
        b.figure("quality.lines", "Lines found in the year's files", rows, "count", r_files),
        b.figure("quality.loaded", "Lines loaded", loaded, "count", r_files),
        b.figure("quality.rejected", "Lines rejected", rejected, "count", r_files),
        b.figure("quality.skipped", "Lines skipped (blank, header, total, note)", skipped, "count", r_files),
        b.figure(
            "quality.rejected_share",
            "Rejected share of data lines",
            share(rejected, loaded + rejected),
            "%",
            r_files,
        ),
    ]
    cov = base.coverage
    how_cov = "How much of the year's spend the classification and supplier steps decided."
    figs.append(
        b.figure(
            "quality.classified_amount",
            "Spend classified (IT or not)",
            cov.classified_amount,
            "£",
            b.ref_of(base, "coverage.classified_amount", how_cov),
        )
    )
    figs.append(
        b.figure(
            "quality.resolved_share",
            "Spend linked to a supplier entity",
            share(cov.resolved_amount, cov.amount),
            "%",
            b.ref_of(base, "coverage.resolved_amount", "£ paid to a resolved supplier ÷ all spend."),
        )
    )
    file_rows = [
        {
            "file_name": s.file_name,
            "source_id": s.source_id,
            "status": s.status,
            "period_start": s.period_start,
            "period_end": s.period_end,
            "rows": s.rows,
            "loaded": s.loaded,
            "rejected": s.rejected,
            "skipped": s.skipped,
            "amount_loaded": round(float(s.amount_loaded), 2),
            "classified_rows": s.classified_rows,
            "read_method": s.read_method or "",
            "error": s.error or "",
        }
        for s in sorted(in_year, key=lambda s: (s.period_start or s.ingested_at.date(), s.file_name))
    ]
    t_files = b.table(
        "quality.files",
        "Source files with payments in the year",
        r_files,
        [
            ("file_name", "File", "text"),
            ("source_id", "Source ID", "integer"),
            ("status", "Status", "code"),
            ("period_start", "From", "date"),
            ("period_end", "To", "date"),
            ("rows", "Lines", "integer"),
            ("loaded", "Loaded", "integer"),
            ("rejected", "Rejected", "integer"),
            ("skipped", "Skipped", "integer"),
            ("amount_loaded", "£ loaded", "money"),
            ("classified_rows", "Classified", "integer"),
            ("read_method", "Read by", "code"),
            ("error", "Error", "text"),
        ],
        file_rows,
        sheet="7.1 Source files",
        shown=40,
        totals=("rows", "loaded", "rejected", "skipped", "amount_loaded"),
        hide=("source_id", "read_method", "error"),
    )
    cparams = {"council": code, "year": year}
    methods = [
        {
            "method": r["method"],
            "lines": int(r["lines"]),
            "amount": round(float(r["amount"]), 2),
            "it_lines": int(r["it_lines"]),
            "it_amount": round(float(r["it_amount"]), 2),
            "unclassified_lines": int(r["unclassified_lines"]),
            "mean_confidence": None
            if r["mean_confidence"] is None
            else round(float(r["mean_confidence"]), 3),
        }
        for r in b.db.dicts(sql.classification_methods_sql(), [code, year])
    ]
    t_methods = b.table(
        "quality.classification_methods",
        "How the year's payments were classified",
        b.ref(
            "bestvalue.report.sql.classification_methods_sql",
            cparams,
            "rows",
            "Payment lines and £ by the method that decided their category (spend_classification.method); "
            "mean confidence as the method states it (0–1).",
        ),
        [
            ("method", "Method", "code"),
            ("lines", "Lines", "integer"),
            ("amount", "£", "money"),
            ("it_lines", "IT lines", "integer"),
            ("it_amount", "IT £", "money"),
            ("unclassified_lines", "Unclassified lines", "integer"),
            ("mean_confidence", "Mean confidence", "number"),
        ],
        methods,
        sheet="7.2 Classification methods",
        shown=len(methods),
        totals=("lines", "amount", "it_amount"),
    )
    bands = {int(r["band"]): r for r in b.db.dicts(sql.confidence_bands_sql(), [code, year])}
    band_rows: list[dict[str, Any]] = [
        {
            "band": label,
            "lines": int(bands[i]["lines"]) if i in bands else 0,
            "amount": round(float(bands[i]["amount"]), 2) if i in bands else 0.0,
        }
        for i, (label, _) in enumerate(sql.CONFIDENCE_BANDS)
    ]
    it_total = float(sum(r["amount"] for r in band_rows))
    for r in band_rows:
        r["share"] = share(r["amount"], it_total)
    t_bands = b.table(
        "quality.confidence",
        "IT spend by classification confidence",
        b.ref(
            "bestvalue.report.sql.confidence_bands_sql",
            cparams,
            "rows",
            "IT payment lines and £ by the classifier's confidence band.",
        ),
        [
            ("band", "Confidence", "text"),
            ("lines", "IT lines", "integer"),
            ("amount", "IT £", "money"),
            ("share", "Share of IT £", "percent"),
        ],
        band_rows,
        sheet="7.3 Confidence",
        shown=len(band_rows),
        totals=("lines", "amount"),
    )
    resolution = [
        {
            "payee_kind": r["payee_kind"],
            "method": r["method"],
            "lines": int(r["lines"]),
            "amount": round(float(r["amount"]), 2),
            "mean_confidence": None
            if r["mean_confidence"] is None
            else round(float(r["mean_confidence"]), 3),
        }
        for r in b.db.dicts(sql.resolution_methods_sql(), [code, year])
    ]
    t_res = b.table(
        "quality.supplier_resolution",
        "How payees were linked to suppliers",
        b.ref(
            "bestvalue.report.sql.resolution_methods_sql",
            cparams,
            "rows",
            "Payment lines and £ by payee kind and supplier-resolution method (spend_suppliers).",
        ),
        [
            ("payee_kind", "Payee kind", "code"),
            ("method", "Method", "code"),
            ("lines", "Lines", "integer"),
            ("amount", "£", "money"),
            ("mean_confidence", "Mean confidence", "number"),
        ],
        resolution,
        sheet="7.4 Supplier resolution",
        shown=len(resolution),
        totals=("lines", "amount"),
    )
    summary = [
        f"{number(len(live))} files with payments in the year: {number(rows)} lines found, "
        f"{number(loaded)} loaded, {number(rejected)} rejected and {number(skipped)} skipped as blank, "
        "header, total or note lines.",
        f"{percent(share(cov.classified_amount, cov.amount))} of the year's spend is classified; "
        f"{percent(share(cov.resolved_amount, cov.amount))} is linked to a supplier entity.",
    ]
    return Section(
        number=7,
        key="quality",
        title="Data quality appendix",
        concern="Show what the figures rest on, so they can be defended.",
        summary=summary,
        figures=figs,
        tables=[t_files, t_methods, t_bands, t_res],
        notes=list(base.notes),
        cannot_say=[
            "Rejected lines are not in any figure; their reasons are listed per file on the data "
            "quality page (/quality/SOURCE_ID) and by `bestvalue ingest` reports.",
        ],
    )


def source_files(b: Builder, own: Collection[int], comparators: dict[int, str]) -> list[SourceFile]:
    """The files behind the pack: the council's own and the comparators' (source id → council)."""
    ids = sorted({*own, *comparators})
    out = []
    for r in b.wh.dicts(sql.source_files_sql(), [ids]) if ids else []:
        data: dict[str, Any] = dict(r)
        out.append(
            SourceFile(
                source_id=int(data["source_id"]),
                file_name=data["file_name"],
                sha256=data["sha256"],
                publisher=data["publisher"],
                council_code=data["council_code"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                loaded=int(data["loaded"]),
                role="council" if data["source_id"] in own else "comparator",
            )
        )
    out.sort(
        key=lambda s: (
            s.role != "council",
            s.publisher,
            s.period_start or s.period_end or b.options.as_of,
            s.file_name,
        )
    )
    return out

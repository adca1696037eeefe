"""Sections 4 and 5 of the pack: savings signals with their £ estimates, and probity flags with their
evidence; and the evidence sheets holding the payment lines behind each signal and flag."""

from __future__ import annotations

import json
from typing import Any

from bestvalue.analytics.models import Flags, ProbityFlag, Savings, SavingsSignal
from bestvalue.report.builder import SHEET_FLAGS, SHEET_SAVINGS, Builder, evidence_columns, evidence_record
from bestvalue.report.models import ChartSpec, Figure, PackTable, Section
from bestvalue.web.formats import money, number

KIND_WORDS = {
    "fragmentation": "Fragmented spend",
    "price_variation": "Price variation against peers",
    "duplicate_payment": "Possible duplicate payments",
    "duplicate_invoice": "Duplicate invoice numbers",
    "split_payments": "Split payments",
    "no_contract": "Over £30,000 with no contract record",
    "beyond_contract": "Beyond a contract's value or end",
    "round_sums": "Round sums",
    "benford": "Benford's law (first digits)",
}
SAMPLE_FLAGS = 6  # flags whose first evidence lines the HTML and PDF show
SEVERITY_WORDS = {"possible_breach": "possible breach", "risk_signal": "risk signal"}


def is_it_signal(s: SavingsSignal) -> bool:
    """A signal about IT spend: it names an ICT category, or one of its payment lines is IT."""
    return s.category is not None or any(r.is_it for r in s.rows)


def savings_section(b: Builder, savings: Savings) -> tuple[Section, PackTable]:
    """4. Savings signals with £ estimates; and the evidence sheet of their payment lines."""
    signals = sorted(
        savings.signals, key=lambda s: (not is_it_signal(s), -s.estimated_saving, s.kind, s.title)
    )
    it_signals = [s for s in signals if is_it_signal(s)]
    it_total = round(sum(s.estimated_saving for s in it_signals), 2)
    how = (
        "Indicative: each signal's estimate follows its stated basis (consolidation rate, peers' median "
        "per head, copies after the first)."
    )
    figs: list[Figure] = [
        b.figure(
            "savings.total",
            "Estimated savings, all signals",
            savings.total_estimated,
            "£",
            b.ref_of(savings, "total_estimated", "Sum of every signal's estimated saving. " + how),
        ),
        b.figure(
            "savings.signals",
            "Savings signals",
            len(signals),
            "count",
            b.ref_of(savings, "signals", "Signals found by the four savings tests."),
        ),
        b.figure(
            "savings.it_total",
            "Estimated savings on IT spend",
            it_total,
            "£",
            b.ref_of(
                savings,
                "signals[IT].estimated_saving",
                "Sum of the estimates of the signals about IT: those naming an ICT category or with an IT "
                "payment line among their evidence.",
                sheet=SHEET_SAVINGS,
                sheet_filter="column IT = true",
            ),
            note=f"{len(it_signals)} signals",
        ),
    ]
    for kind in ("fragmentation", "price_variation", "duplicate_payment", "duplicate_invoice"):
        figs.append(
            b.figure(
                f"savings.{kind}",
                KIND_WORDS[kind],
                savings.by_kind.get(kind, 0.0),
                "£",
                b.ref_of(
                    savings,
                    f"by_kind[{kind}]",
                    f"Sum of the estimated savings of the {kind} signals.",
                    sheet=SHEET_SAVINGS,
                    sheet_filter=f"column Kind = {kind}",
                ),
                note=f"{sum(1 for s in signals if s.kind == kind)} signals",
            )
        )
    rows: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    for n, s in enumerate(signals, 1):
        rows.append(
            {
                "signal": n,
                "kind": s.kind,
                "it": is_it_signal(s),
                "title": s.title,
                "supplier": s.supplier or "",
                "category": s.category.label if s.category else "",
                "amount_involved": s.amount_involved,
                "estimated_saving": s.estimated_saving,
                "basis": s.basis,
                "detail": s.detail,
                "evidence_lines": len(s.rows),
                "rows_in_e2": f"Signal = {n}",
            }
        )
        evidence.extend(evidence_record(r, signal=n, kind=s.kind, it=is_it_signal(s)) for r in s.rows)
    t = b.table(
        "savings.signals",
        "Savings signals: about IT first, then the rest; largest estimate first",
        b.ref_of(
            savings, "signals", how, sheet=SHEET_SAVINGS, sheet_filter="column Signal = the signal number"
        ),
        [
            ("signal", "Signal", "integer"),
            ("kind", "Kind", "code"),
            ("it", "IT", "bool"),
            ("title", "Signal", "text"),
            ("supplier", "Supplier", "text"),
            ("category", "ICT category", "text"),
            ("amount_involved", "£ involved", "money"),
            ("estimated_saving", "Estimated saving (£)", "money"),
            ("basis", "How estimated", "text"),
            ("detail", "Detail", "text"),
            ("evidence_lines", "Evidence lines", "integer"),
            ("rows_in_e2", "Rows in E2", "text"),
        ],
        rows,
        sheet="4.1 Savings signals",
        totals=("estimated_saving",),
        hide=("kind", "basis", "detail", "rows_in_e2"),
    )
    e2 = _evidence_table(
        b,
        "evidence.savings",
        "Payment lines behind the savings signals",
        SHEET_SAVINGS,
        b.ref_of(savings, "signals[].rows", "The payment lines each signal names."),
        [("signal", "Signal", "integer"), ("kind", "Kind", "code"), ("it", "IT", "bool")],
        evidence,
    )
    kinds = [
        {"kind": KIND_WORDS[k], "amount": v}
        for k, v in sorted(savings.by_kind.items(), key=lambda kv: -kv[1])
    ]
    t_kinds = b.table(
        "savings.by_kind",
        "Estimated savings by kind of signal",
        b.ref_of(savings, "by_kind", "Estimated savings summed by kind."),
        [("kind", "Kind", "text"), ("amount", "Estimated saving (£)", "money")],
        kinds,
        sheet="4.2 Savings by kind",
        totals=("amount",),
    )
    summary = [
        f"{number(len(it_signals))} signals about IT point to an estimated {money(it_total)} to look at; "
        f"with the {number(len(signals) - len(it_signals))} about other spend, "
        f"{money(savings.total_estimated)} in all."
    ]
    if it_signals:
        top = max(it_signals, key=lambda s: s.estimated_saving)
        summary.append(f"The largest about IT: {top.title} ({money(top.estimated_saving)}; {top.basis})")
    section = Section(
        number=4,
        key="savings",
        title="Savings signals",
        concern="Find where money can be saved, with an estimate of how much.",
        summary=summary,
        figures=figs,
        charts=[
            ChartSpec(
                key="chart-savings",
                kind="bar",
                title="Estimated savings by kind",
                summary=summary[0],
                table=t_kinds.key,
                label="kind",
                value="amount",
            )
        ]
        if kinds
        else [],
        tables=[t, t_kinds],
        notes=list(savings.notes),
        cannot_say=[
            "Estimates are indicative: they show where to look, not money already lost.",
            "Duplicate tests look at all the council's payments, not only IT; a line published in two files "
            "can look like a duplicate payment (the detail says when copies come from different files).",
            "Price differences often reflect scope (modules, users, hosting) that spend files do not show.",
        ],
    )
    return section, e2


def _flag_order(f: ProbityFlag) -> tuple[int, float, str]:
    return (0 if f.severity == "possible_breach" else 1, -f.amount, f.title)


def probity_section(b: Builder, flags: Flags) -> tuple[Section, PackTable]:
    """5. Probity: flags with their evidence; and the evidence sheet of their payment lines."""
    items = sorted(flags.flags, key=_flag_order)
    scope = "IT payments" if flags.filters.params.get("it_only") else "all payments"
    figs: list[Figure] = [
        b.figure(
            "flags.total",
            "Probity flags",
            len(items),
            "count",
            b.ref_of(flags, "flags", f"Flags raised by the probity tests over {scope} in the year."),
        ),
        b.figure(
            "flags.possible_breach",
            "Possible breaches",
            sum(1 for f in items if f.severity == "possible_breach"),
            "count",
            b.ref_of(
                flags,
                "flags[severity = possible_breach]",
                "Patterns that, if confirmed, would break the contract procedure rules or procurement law.",
            ),
        ),
        b.figure(
            "flags.risk_signal",
            "Risk signals",
            sum(1 for f in items if f.severity == "risk_signal"),
            "count",
            b.ref_of(
                flags,
                "flags[severity = risk_signal]",
                "Patterns associated with error or fraud; not breaches in themselves.",
            ),
        ),
    ]
    for kind, count in flags.counts.items():
        figs.append(
            b.figure(
                f"flags.{kind}",
                KIND_WORDS.get(kind, kind),
                count,
                "count",
                b.ref_of(
                    flags,
                    f"counts[{kind}]",
                    f"Flags of kind {kind}.",
                    sheet=SHEET_FLAGS,
                    sheet_filter=f"column Kind = {kind}",
                ),
            )
        )
    bf = flags.benford
    r_bf = b.ref_of(
        flags,
        "benford",
        "First significant digits of payment lines of at least £10 against "
        "Benford's law; MAD banded as Nigrini (2012).",
    )
    figs.append(b.figure("benford.n", "Payments tested for Benford's law", bf.n, "count", r_bf))
    figs.append(b.figure("benford.mad", "Mean absolute deviation from Benford", bf.mad, "number", r_bf))
    figs.append(
        b.figure("benford.conformity", "Benford conformity", bf.conformity.replace("_", " "), "text", r_bf)
    )
    rows: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    sample: list[dict[str, Any]] = []
    for n, f in enumerate(items, 1):
        rows.append(
            {
                "flag": n,
                "severity": SEVERITY_WORDS.get(f.severity, f.severity),
                "kind": f.kind,
                "title": f.title,
                "supplier": f.supplier or "",
                "amount": f.amount,
                "threshold": f.threshold,
                "evidence_count": f.evidence_count,
                "rows_in_e3": f"Flag = {n}",
                "detail": f.detail,
                "parameters": json.dumps(f.parameters, default=str, sort_keys=True),
            }
        )
        evidence.extend(evidence_record(r, flag=n, kind=f.kind) for r in f.rows)
        if n <= SAMPLE_FLAGS:
            sample.extend(
                {
                    "flag": n,
                    "date": r.spend_date,
                    "amount": r.amount,
                    "supplier": r.supplier,
                    "department": r.department,
                    "description": r.description or r.expense_type or "",
                    "source_file": r.source_file,
                    "source_line": r.source_line,
                }
                for r in f.rows[:3]
            )
    how = (
        "Split payments, over £30,000 with no contract, beyond a contract, round sums and Benford "
        f"tests over {scope}; parameters per flag; evidence rows as the insight lists them (the "
        "first evidence_limit)."
    )
    t = b.table(
        "flags.flags",
        "Probity flags: possible breaches first, then risk signals (largest £ first)",
        b.ref_of(flags, "flags", how, sheet=SHEET_FLAGS, sheet_filter="column Flag = the flag number"),
        [
            ("flag", "Flag", "integer"),
            ("severity", "Severity", "text"),
            ("kind", "Kind", "code"),
            ("title", "Flag", "text"),
            ("supplier", "Supplier", "text"),
            ("amount", "£ involved", "money"),
            ("threshold", "Threshold (£)", "money"),
            ("evidence_count", "Payment lines", "integer"),
            ("rows_in_e3", "Rows in E3", "text"),
            ("detail", "Detail", "text"),
            ("parameters", "Parameters", "text"),
        ],
        rows,
        sheet="5.1 Probity flags",
        hide=("kind", "rows_in_e3", "detail", "parameters"),
    )
    t_sample = b.table(
        "flags.sample",
        f"Evidence of the first {SAMPLE_FLAGS} flags (three lines each; every line is in E3)",
        b.ref_of(
            flags,
            f"flags[:{SAMPLE_FLAGS}].rows[:3]",
            "The first evidence lines of the flags above, with their source file and line.",
            sheet=SHEET_FLAGS,
            sheet_filter=f"column Flag = 1 to {SAMPLE_FLAGS}",
        ),
        [
            ("flag", "Flag", "integer"),
            ("date", "Date", "date"),
            ("amount", "Amount (£)", "money"),
            ("supplier", "Supplier", "text"),
            ("department", "Department", "text"),
            ("description", "Description", "text"),
            ("source_file", "Source file", "text"),
            ("source_line", "Line", "integer"),
        ],
        sample,
        sheet="5.2 Flag evidence sample",
        shown=30,
    )
    digits = [
        {
            "digit": d.digit,
            "count": d.count,
            "observed": round(100 * d.observed, 2),
            "expected": round(100 * d.expected, 2),
        }
        for d in bf.digits
    ]
    t_bf = b.table(
        "flags.benford",
        "First digits of the year's payments against Benford's law",
        r_bf,
        [
            ("digit", "First digit", "integer"),
            ("count", "Payments", "integer"),
            ("observed", "Observed (%)", "percent"),
            ("expected", "Expected (%)", "percent"),
        ],
        digits,
        sheet="5.3 Benford",
        shown=9,
        totals=("count",),
    )
    e3 = _evidence_table(
        b,
        "evidence.flags",
        "Payment lines behind the probity flags",
        SHEET_FLAGS,
        b.ref_of(flags, "flags[].rows", "The payment lines each flag names."),
        [("flag", "Flag", "integer"), ("kind", "Kind", "code")],
        evidence,
    )
    breaches = sum(1 for f in items if f.severity == "possible_breach")
    summary = [
        f"{number(len(items))} flags over {scope}: {breaches} possible breaches and "
        f"{len(items) - breaches} risk signals. "
        "Each is a prompt to check the payments listed, not a finding."
    ]
    if bf.conformity != "too_few_payments":
        summary.append(
            f"The first digits of {number(bf.n)} payments show {bf.conformity.replace('_', ' ')} "
            f"with Benford's law (MAD {bf.mad})."
        )
    section = Section(
        number=5,
        key="probity",
        title="Probity: flags and their evidence",
        concern="Show that procurement rules are followed and public money is protected.",
        summary=summary,
        figures=figs,
        tables=[t, t_sample, t_bf],
        notes=list(flags.notes),
        cannot_say=[
            "Quote limits are tested only when set for the council (settings probity.council_quote_limits); "
            "splits are otherwise tested against the statutory thresholds.",
            "Amounts are compared as published (usually net of VAT) while thresholds since 2022 include VAT.",
            "A flag without a contract record may be a call-off from a framework the register does not list.",
        ],
    )
    return section, e3


def _evidence_table(
    b: Builder,
    key: str,
    title: str,
    sheet: str,
    ref: int,
    leading: list[tuple[str, str, Any]],
    records: list[dict[str, Any]],
) -> PackTable:
    limit = b.options.evidence_limit
    kept = records[:limit]
    return b.table(
        key,
        title,
        ref,
        evidence_columns(*leading),
        kept,
        sheet=sheet,
        shown=0,
        totals=("amount",),
        total_rows=len(records),
        total_amount=round(sum(r["amount"] for r in records), 2),
        note=None if len(records) <= limit else f"The first {limit:,} of {len(records):,} lines.",
    )

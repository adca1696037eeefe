"""Section 3 of the pack: contracts and the renewal pipeline (what to re-procure or extend in the next
18 months) and collaboration candidates with other councils."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bestvalue.analytics.models import Collaboration, Lockin
from bestvalue.contracts.models import PipelineEntry, PipelineReport
from bestvalue.report import sql
from bestvalue.report.builder import Builder
from bestvalue.report.models import Figure, Section
from bestvalue.web.formats import date, money

PIPELINE = "bestvalue.contracts.pipeline.renewal_pipeline"
ACTION_WORDS = {"reprocure": "re-procure", "extend_or_reprocure": "extend or re-procure"}


def _money(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def it_reasons(b: Builder) -> dict[str, str]:
    """Contract id → why it counts as IT (empty when it does not)."""
    rows = b.db.dicts(
        sql.it_contracts_sql(bool(b.wh.scalar(sql.table_rows_sql("cpv_proclass")))),
        [b.council.gss_code, b.year, b.council.gss_code],
    )
    out = {}
    for r in rows:
        why = [
            w
            for w, on in (
                ("ICT ProClass code", r["by_proclass"]),
                ("ICT CPV code", r["by_cpv"]),
                ("supplier paid for IT", r["by_supplier"]),
            )
            if on
        ]
        out[r["contract_id"]] = ", ".join(why)
    return out


def contracts_section(b: Builder, pipeline: PipelineReport, collab: Collaboration, lockin: Lockin) -> Section:
    """3. Contracts and renewal pipeline; collaboration candidates."""
    code = b.council.gss_code
    counts = b.wh.dicts(sql.council_contracts_sql(), [code])[0]
    reasons = it_reasons(b) if counts["contracts"] else {}
    p_params: dict[str, Any] = {
        "council": code,
        "months": pipeline.months,
        "min_value": None,
        "as_of": pipeline.as_of.isoformat(),
        "lead_months": pipeline.lead_months,
    }
    window = f"{date(pipeline.as_of)} to {date(pipeline.horizon)}"
    figs: list[Figure] = []
    figs.append(
        b.figure(
            "contracts.recorded",
            "Contracts recorded for the council",
            int(counts["contracts"]),
            "count",
            b.ref(
                "bestvalue.report.sql.council_contracts_sql",
                {"council": code},
                "contracts",
                "Awarded contracts (stage award or contract) whose "
                "buyer is the council, from its register and notices.",
            ),
        )
    )
    entries = sorted(pipeline.entries, key=lambda e: (not reasons.get(e.contract_id), e.months_to_end or 0))
    it_entries = [e for e in entries if reasons.get(e.contract_id)]

    def pref(field: str, how: str) -> int:
        return b.ref(PIPELINE, p_params, field, how)

    how_window = (
        f"Live awarded contracts whose current end or latest possible end falls in the window {window} "
        "(both inclusive); terminated and cancelled ones are left out."
    )
    figs.append(
        b.figure(
            "pipeline.contracts",
            f"Contracts ending within {pipeline.months} months",
            len(entries),
            "count",
            pref("entries", how_window),
        )
    )
    figs.append(
        b.figure(
            "pipeline.value",
            "Their whole-life value",
            _money(pipeline.total_value),
            "£",
            pref(
                "entries[].estimated_value",
                "Sum of the contracts' whole-life values (unknown values count as nothing).",
            ),
        )
    )
    how_it = (
        how_window + " IT: an ICT ProClass code, a CPV code the crosswalk maps to ICT, or a supplier the "
        "council paid for IT in the year (bestvalue.report.sql.it_contracts_sql)."
    )
    figs.append(
        b.figure(
            "pipeline.it_contracts",
            "IT contracts ending in the window",
            len(it_entries),
            "count",
            pref("entries[IT]", how_it),
        )
    )
    it_value = sum((e.estimated_value or Decimal(0) for e in it_entries), Decimal(0))
    figs.append(
        b.figure(
            "pipeline.it_value",
            "IT contracts' whole-life value",
            _money(it_value),
            "£",
            pref("entries[IT].estimated_value", "Sum over the IT contracts ending in the window."),
        )
    )
    figs.append(
        b.figure(
            "pipeline.it_reprocure",
            "IT contracts to re-procure (no extension left)",
            sum(1 for e in it_entries if e.action == "reprocure"),
            "count",
            pref(
                "entries[IT, action = reprocure]",
                "The latest possible end falls in the window, or there is no extension option.",
            ),
        )
    )
    figs.append(
        b.figure(
            "pipeline.it_extend",
            "IT contracts that could be extended instead",
            sum(1 for e in it_entries if e.action == "extend_or_reprocure"),
            "count",
            pref(
                "entries[IT, action = extend_or_reprocure]",
                "Only the current end is in the window: an extension option remains.",
            ),
        )
    )
    if pipeline.council_spend_last_12_months is not None:
        figs.append(
            b.figure(
                "pipeline.spend_12_months",
                "Spend in the 12 months before the pipeline date",
                _money(pipeline.council_spend_last_12_months),
                "£",
                pref(
                    "council_spend_last_12_months",
                    "All the council's payments in the 12 months to the pipeline "
                    "date; over £100m a year the Procurement Act 2023 (s.93) requires a pipeline notice.",
                ),
                note="a pipeline notice is required"
                if pipeline.notice_required
                else "under the £100m notice threshold",
            )
        )
    others = {c.gss_code for o in collab.opportunities for c in o.councils if c.gss_code != code}
    how_c = (
        "Each supplier × ICT category the council paid at least collaboration.min_amount over the last "
        "collaboration.years years, with every other council paying the same supplier for the same category."
    )
    figs.append(
        b.figure(
            "collaboration.opportunities",
            "Collaboration candidates (supplier × category)",
            len(collab.opportunities),
            "count",
            b.ref_of(collab, "opportunities", how_c),
        )
    )
    figs.append(
        b.figure(
            "collaboration.at_stake",
            "£ all those councils paid the same suppliers",
            round(sum(o.at_stake for o in collab.opportunities), 2),
            "£",
            b.ref_of(
                collab,
                "opportunities[].at_stake",
                "Sum of each opportunity's £ at stake: what "
                "every council listed paid the supplier for the category.",
            ),
        )
    )
    figs.append(
        b.figure(
            "collaboration.councils",
            "Other councils buying the same",
            len(others),
            "count",
            b.ref_of(collab, "opportunities[].councils", "Distinct other councils in the opportunities."),
        )
    )
    figs.append(
        b.figure(
            "collaboration.ending_together",
            "Candidates with contracts ending together",
            sum(1 for o in collab.opportunities if o.ending_together),
            "count",
            b.ref_of(
                collab,
                "opportunities[].ending_together",
                "Opportunities where another council's "
                "contract with the supplier ends within the set window of this council's.",
            ),
        )
    )
    rows = [_pipeline_row(e, reasons.get(e.contract_id, "")) for e in entries]
    t_pipe = b.table(
        "pipeline.entries",
        f"Contracts ending from {window} (IT first)",
        pref("entries", how_it),
        [
            ("title", "Contract", "text"),
            ("reference", "Reference", "code"),
            ("suppliers", "Supplier(s)", "text"),
            ("it", "Why IT", "text"),
            ("category", "Category", "text"),
            ("value", "Whole-life value (£)", "money"),
            ("annual_value", "Annual value (£)", "money"),
            ("end_date", "Current end", "date"),
            ("max_end_date", "Latest possible end", "date"),
            ("action", "Action", "text"),
            ("notice_date", "Start the procurement by", "date"),
            ("months_to_end", "Months to end", "number"),
            ("procedure", "Procedure", "text"),
            ("department", "Department", "text"),
            ("contract_id", "Contract ID", "code"),
        ],
        rows,
        sheet="3.1 Renewal pipeline",
        totals=("value",),
        hide=(
            "reference",
            "category",
            "annual_value",
            "months_to_end",
            "procedure",
            "department",
            "contract_id",
        ),
    )
    collab_rows = [
        {
            "supplier": o.supplier,
            "supplier_id": o.supplier_id,
            "category": o.category.label,
            "council_amount": o.council_amount,
            "at_stake": o.at_stake,
            "councils": len([c for c in o.councils if c.gss_code != code]),
            "names": ", ".join(c.name for c in o.councils if c.gss_code != code),
            "contract_end": o.contract_end,
            "ending_together": ", ".join(o.ending_together),
        }
        for o in collab.opportunities
    ]
    t_collab = b.table(
        "collaboration.opportunities",
        "Collaboration candidates: other councils buying the same",
        b.ref_of(collab, "opportunities", how_c + " Those ending together come first, then the largest £."),
        [
            ("supplier", "Supplier", "text"),
            ("supplier_id", "Supplier ID", "code"),
            ("category", "Category", "text"),
            ("council_amount", "This council (£)", "money"),
            ("at_stake", "All councils (£)", "money"),
            ("councils", "Other councils", "integer"),
            ("names", "Which", "text"),
            ("contract_end", "This council's contract ends", "date"),
            ("ending_together", "Ending together", "text"),
        ],
        collab_rows,
        sheet="3.2 Collaboration",
        totals=("council_amount", "at_stake"),
        hide=("supplier_id", "councils"),
    )
    summary = []
    if counts["contracts"]:
        summary.append(
            f"{len(it_entries)} IT contracts worth {money(_money(it_value))} end from {window}"
            f" ({len(entries)} contracts of all kinds). Start each procurement by the date shown: "
            f"{pipeline.lead_months} months before the contract runs out."
        )
    if collab.opportunities:
        top = collab.opportunities[0]
        summary.append(
            f"{len(others)} other councils buy the same IT from the same suppliers in "
            f"{len(collab.opportunities)} cases; the first candidate is {top.supplier} for "
            f"{top.category.label} ({money(top.at_stake)} across {len(top.councils)} councils)."
        )
    cannot = []
    if not counts["contracts"]:
        cannot.append(
            f"No contract register or contract notices are loaded for {b.council.name}: the renewal pipeline "
            "cannot be drawn. Load the register with `bestvalue ingest contracts` and build the pack again."
        )
    cannot.append(
        "A contract published in both a register and a notice can appear twice; whole-life values "
        "are as published and may include options."
    )
    if not lockin.contracts_loaded and counts["contracts"]:
        cannot.append("The lock-in score did not find contract records for the council.")
    return Section(
        number=3,
        key="contracts",
        title="Contracts and renewal pipeline; collaboration",
        concern="Plan re-procurement early and buy together with other councils where it pays.",
        summary=summary,
        figures=figs,
        tables=[t_pipe, t_collab],
        notes=list(collab.notes),
        cannot_say=cannot,
    )


def _pipeline_row(e: PipelineEntry, why_it: str) -> dict[str, Any]:
    return {
        "title": e.title or e.description or "",
        "reference": e.reference or e.ocid or "",
        "suppliers": e.current_suppliers or "",
        "it": why_it,
        "category": e.proclass_label or e.category or e.cpv_code or "",
        "value": _money(e.estimated_value),
        "annual_value": _money(e.annual_value),
        "end_date": e.end_date,
        "max_end_date": e.max_end_date,
        "action": ACTION_WORDS.get(e.action, e.action),
        "notice_date": e.estimated_notice_date,
        "months_to_end": e.months_to_end,
        "procedure": e.procedure or "",
        "department": e.department or "",
        "contract_id": e.contract_id,
    }

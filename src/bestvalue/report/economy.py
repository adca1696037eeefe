"""Section 6 of the pack: economy and social value — IT spend with SMEs, VCSEs and local suppliers
where the data says so, and what it cannot say."""

from __future__ import annotations

from typing import Any

from bestvalue.report import sql
from bestvalue.report.builder import SHEET_SUPPLIERS, Builder, share
from bestvalue.report.models import Figure, PackTable, Section
from bestvalue.web.formats import money, percent

SUPPLIER_FLAGS = "bestvalue.report.sql.it_suppliers_flags_sql"
CONTRACT_FLAGS = "bestvalue.report.sql.council_contracts_sql"
STATUS_WORDS = {True: "yes", False: "no", None: "not known"}


def economy_section(b: Builder) -> tuple[Section, PackTable]:
    """6. Economy and social value; and the evidence sheet of IT suppliers with their flags."""
    code, year = b.council.gss_code, b.year
    suppliers = b.db.dicts(sql.it_suppliers_flags_sql(), [code, year])
    contracts = b.wh.dicts(sql.council_contracts_sql(), [code])[0]
    total = round(sum(float(r["amount"]) for r in suppliers), 2)
    params = {"council": code, "year": year}
    figs: list[Figure] = []
    groups: list[dict[str, Any]] = []
    for flag, label in (("is_sme", "SME"), ("is_vcse", "VCSE")):
        for status in (True, False, None):
            picked = [r for r in suppliers if (r[flag] if r["supplier_id"] is not None else None) is status]
            amount = round(sum(float(r["amount"]) for r in picked), 2)
            groups.append(
                {
                    "measure": label,
                    "status": STATUS_WORDS[status],
                    "amount": amount,
                    "share": share(amount, total),
                    "suppliers": sum(1 for r in picked if r["supplier_id"]),
                }
            )
        how = (
            f"IT spend in the year by the supplier's {label} flag ({flag} in suppliers: where published, "
            + (
                "from the council's or Companies House data"
                if flag == "is_sme"
                else "from a charity number or a charity / social-enterprise legal form"
            )
            + "); payees with no supplier entity count as not known. Share of IT spend."
        )
        for status in (True, None):
            g = next(x for x in groups if x["measure"] == label and x["status"] == STATUS_WORDS[status])
            word = "with" if status else "where it is not known whether the supplier is an"
            ref = b.ref(
                SUPPLIER_FLAGS,
                params,
                f"sum(amount) where {flag} is {STATUS_WORDS[status]}",
                how,
                sheet=SHEET_SUPPLIERS,
                sheet_filter=f"column {label} = {STATUS_WORDS[status]}",
            )
            key = f"economy.{label.lower()}_{'yes' if status else 'unknown'}"
            figs.append(
                b.figure(
                    f"{key}_share",
                    f"Share of IT spend {word} {label}{'s' if status else ''}",
                    g["share"],
                    "%",
                    ref,
                    note=money(g["amount"]),
                )
            )
    figs.append(
        b.figure(
            "economy.local",
            "Share of IT spend with local suppliers",
            "not measured",
            "text",
            b.ref(
                SUPPLIER_FLAGS,
                params,
                "(no address column)",
                "Spend files publish no supplier address, so a local share cannot be worked out.",
            ),
        )
    )
    c_ref = b.ref(
        CONTRACT_FLAGS,
        {"council": code},
        "sme_known, sme, sme_value",
        "The council's awarded contracts whose register or notice says whether the supplier is an SME.",
    )
    figs.append(
        b.figure(
            "economy.contracts_sme_known",
            "Contracts stating whether the supplier is an SME",
            int(contracts["sme_known"]),
            "count",
            c_ref,
            note=f"of {int(contracts['contracts'])}",
        )
    )
    figs.append(
        b.figure(
            "economy.contracts_sme",
            "Of which with an SME supplier",
            int(contracts["sme"]),
            "count",
            c_ref,
            note=money(float(contracts["sme_value"])) + " whole-life value",
        )
    )
    t_groups = b.table(
        "economy.groups",
        "IT spend by the supplier's SME and VCSE status",
        b.ref(
            SUPPLIER_FLAGS,
            params,
            "grouped by is_sme, is_vcse",
            "IT spend per supplier, grouped by flag.",
            sheet=SHEET_SUPPLIERS,
            sheet_filter="columns SME and VCSE",
        ),
        [
            ("measure", "Measure", "text"),
            ("status", "Status", "text"),
            ("amount", "IT spend (£)", "money"),
            ("share", "Share of IT spend", "percent"),
            ("suppliers", "Suppliers", "integer"),
        ],
        groups,
        sheet="6.1 SME and VCSE",
        shown=len(groups),
    )
    records = [
        {
            "supplier": r["supplier"] if r["supplier_id"] else "Payees with no supplier entity",
            "supplier_id": r["supplier_id"] or "",
            "company_number": r["company_number"] or "",
            "charity_number": r["charity_number"] or "",
            "legal_form": r["legal_form"] or "",
            "sme": STATUS_WORDS[r["is_sme"] if r["supplier_id"] else None],
            "vcse": STATUS_WORDS[r["is_vcse"] if r["supplier_id"] else None],
            "amount": round(float(r["amount"]), 2),
            "lines": int(r["lines"]),
        }
        for r in suppliers
    ]
    e4 = b.table(
        "evidence.suppliers",
        "IT suppliers with their SME and VCSE flags",
        b.ref(
            SUPPLIER_FLAGS,
            params,
            "rows",
            "One row per IT supplier in the year (payees with no entity as one).",
            sheet=SHEET_SUPPLIERS,
            sheet_filter="all rows",
        ),
        [
            ("supplier", "Supplier", "text"),
            ("supplier_id", "Supplier ID", "code"),
            ("company_number", "Company number", "code"),
            ("charity_number", "Charity number", "code"),
            ("legal_form", "Legal form", "code"),
            ("sme", "SME", "text"),
            ("vcse", "VCSE", "text"),
            ("amount", "IT spend (£)", "money"),
            ("lines", "Payment lines", "integer"),
        ],
        records,
        sheet=SHEET_SUPPLIERS,
        shown=0,
        totals=("amount", "lines"),
    )
    unknown = next(g for g in groups if g["measure"] == "SME" and g["status"] == "not known")
    summary = [
        f"Whether the supplier is an SME is known for {percent(100 - (unknown['share'] or 0))} of "
        f"{money(total)} IT spend."
        if total
        else "No IT spend is classified in this year, so no share can be given."
    ]
    sme = next(g for g in groups if g["measure"] == "SME" and g["status"] == "yes")
    if total and sme["amount"]:
        summary.append(
            f"{money(sme['amount'])} ({percent(sme['share'])}) went to suppliers known to be SMEs."
        )
    return Section(
        number=6,
        key="economy",
        title="Economy and social value",
        concern="Support small firms, the voluntary and community sector and the local economy.",
        summary=summary,
        figures=figs,
        tables=[t_groups],
        cannot_say=[
            "Spend files rarely say whether a supplier is an SME; Companies House size data is not "
            "loaded, so most IT spend has no SME status and the shares above are lower bounds.",
            "VCSE status is inferred from a published charity number or a charity or social-enterprise legal "
            "form; community groups without either are not recognised.",
            "Spend files publish no supplier address. "
            + (
                f"{int(contracts['with_postcode'])} of the council's contracts give a supplier postcode, but "
                if contracts["with_postcode"]
                else ""
            )
            + "no postcode-to-area lookup is shipped, so the share spent locally is not measured.",
            "Social value commitments made in contracts (for example TOMs measures) are not published in "
            "spend or contract data, so delivery against them cannot be shown.",
            "Where payments pass through resellers or prime contractors, the SMEs further down the chain are "
            "not visible.",
        ],
    ), e4

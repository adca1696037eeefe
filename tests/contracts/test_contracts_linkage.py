"""Contracts against payments on a small hand-built warehouse; every figure worked out by hand below."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bestvalue.contracts.linkage import link_contracts_to_spend
from bestvalue.contracts.loader import ingest_contracts
from bestvalue.contracts.suppliers import link_suppliers
from bestvalue.engine import Warehouse

SALFORD, MANCHESTER = "E08000006", "E08000003"

# Salford's register: C1 and C2 with Acme (one company, two spellings), C3 with Beta, C4 with Delta.
HEADER = [
    "Purchasing Body",
    "Contract Reference",
    "Contract Title",
    "Supplier Name",
    "Company Number",
    "Total Contract Value",
    "Start Date",
    "End Date",
    "Option to extend (months)",
    "How many extensions",
    "Extension 1 Taken?",
]
REGISTER = (
    ",".join(HEADER)
    + """
Salford City Council,A1,Print services,Acme Ltd,123456,10000,01/04/2021,31/03/2022,0,0,
Salford City Council,A2,Print services 2,ACME LIMITED,00123456,5000,01/04/2022,31/03/2023,12,1,No
Salford City Council,B1,Cleaning,Beta Services Ltd,,20000,01/01/2021,31/12/2021,0,0,
Salford City Council,D1,Translation,Delta plc,,1000,01/06/2021,31/05/2022,0,0,
"""
)

# (council, date, amount, supplier as published, company number as published)
PAYMENTS = [
    (SALFORD, "2021-05-10", "4000", "Acme Ltd", "123456"),  # p1 → C1
    (SALFORD, "2022-01-15", "7000", "Acme Limited", None),  # p2 → C1 (name only: tied to 00123456)
    (SALFORD, "2022-06-01", "3000", "ACME LTD", None),  # p3 → C2 (C1 ended, C2 live)
    (SALFORD, "2021-03-01", "500", "Acme", None),  # p4 → before any contract: off contract
    (SALFORD, "2021-06-30", "8000", "Beta Services Limited", None),  # p5 → C3
    (SALFORD, "2021-07-15", "-1000", "BETA SERVICES LTD", None),  # p8 → C3 (a credit)
    (SALFORD, "2022-02-01", "2000", "Beta Services Ltd", None),  # p6 → after C3 ended
    (SALFORD, "2021-09-01", "1500", "Gamma Ltd", None),  # p7 → no contract at all
    (MANCHESTER, "2021-05-10", "9999", "Acme Ltd", "123456"),  # another council's payment
]


def _spend(wh: Warehouse) -> None:
    rows = []
    for line, (council, day, amount, name, company) in enumerate(PAYMENTS, start=1):
        rows.append((2**32 + line, 1, line, council, day, day, day, "payment_date", amount, name, company))
    wh.executemany(
        "INSERT INTO spend (spend_id, source_id, source_line, council_code, payment_date, period_start, "
        "period_end, date_basis, amount, supplier_name, company_number) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


@pytest.fixture
def linked(warehouse: Warehouse, tmp_path: Path) -> Warehouse:
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    summary = ingest_contracts(warehouse, [path])
    assert summary.files[0].loaded == 4
    _spend(warehouse)
    return warehouse


def _by_ref(wh: Warehouse) -> dict[str, str]:
    return dict(wh.rows("SELECT register_reference, contract_id FROM contracts"))


def _check_salford(wh: Warehouse) -> None:
    report = link_contracts_to_spend(wh, SALFORD)
    ids = _by_ref(wh)
    per = {c.contract_id: c for c in report.contracts}
    c1, c2, c3, c4 = (per[ids[r]] for r in ("A1", "A2", "B1", "D1"))
    # C1: p1 4,000 + p2 7,000 = 11,000 against 10,000: over its value.
    assert (c1.spend, c1.payments, c1.over_value) == (Decimal("11000"), 2, True)
    assert c1.share_of_value == pytest.approx(1.1)
    assert c1.spend_after_end == 0  # p3 falls in C2's life, so it is not "after C1's end"
    # C2: p3 3,000 of 5,000; its latest end is 31/03/2024 (12 months' extension not taken).
    assert (c2.spend, c2.payments, c2.over_value) == (Decimal("3000"), 1, False)
    assert str(c2.max_end_date) == "2024-03-31"
    # C3: p5 8,000 - p8 1,000 = 7,000; p6 2,000 came after it ended.
    assert (c3.spend, c3.payments) == (Decimal("7000"), 2)
    assert (c3.spend_after_end, c3.payments_after_end) == (Decimal("2000"), 1)
    assert str(c3.last_payment_after_end) == "2022-02-01"
    # C4: nothing paid while spend data (01/03/2021-01/06/2022) covers its life.
    assert (c4.spend, c4.no_spend, c4.spend_data_covers) == (Decimal("0"), True, True)
    assert [c.contract_id for c in report.contracts_without_spend] == [c4.contract_id]

    sup = {s.supplier_name.split()[0].lower(): s for s in report.suppliers if s.supplier_name}
    acme, beta, gamma, delta = sup["acme"], sup["beta"], sup["gamma"], sup["delta"]
    # Acme: 4,000 + 7,000 + 3,000 + 500 = 14,500; 500 (before C1) off contract.
    assert (acme.contracts, acme.contract_value) == (2, Decimal("15000"))
    assert (acme.spend, acme.spend_on_contract, acme.spend_off_contract, acme.spend_after_end) == (
        Decimal("14500"),
        Decimal("14000"),
        Decimal("500"),
        Decimal("0"),
    )
    # Beta: 8,000 - 1,000 + 2,000 = 9,000; 2,000 after C3 ended.
    assert (
        beta.contracts,
        beta.spend,
        beta.spend_on_contract,
        beta.spend_off_contract,
        beta.spend_after_end,
    ) == (1, Decimal("9000"), Decimal("7000"), Decimal("2000"), Decimal("2000"))
    # Gamma: no contract, 1,500 all off contract. Delta: a contract and no spend.
    assert (gamma.contracts, gamma.spend_off_contract, gamma.contract_value) == (0, Decimal("1500"), None)
    assert (delta.contracts, delta.contract_value, delta.spend) == (1, Decimal("1000"), Decimal("0"))
    # Off contract in all: 500 + 2,000 + 1,500.
    assert report.off_contract_spend == Decimal("4000")
    assert len(report.suppliers) == 4
    assert {s.council_code for s in report.suppliers} == {SALFORD}


def test_linkage_by_company_number_and_name(linked: Warehouse) -> None:
    _check_salford(linked)


def test_linkage_with_resolved_suppliers(linked: Warehouse) -> None:
    """Once supplier resolution has run, the resolved ids carry the same answers."""
    linked.execute(
        "INSERT INTO suppliers (supplier_id, name, company_number) VALUES ('S-ACME', 'Acme Ltd', '00123456')"
    )
    linked.execute("INSERT INTO suppliers (supplier_id, name) VALUES ('S-BETA', 'Beta Services Ltd')")
    # Resolution's answer for every published name (spend_suppliers reads these aliases).
    aliases = [(n, "S-ACME") for n in ("Acme Ltd", "Acme Limited", "ACME LTD", "Acme")] + [
        (n, "S-BETA") for n in ("Beta Services Limited", "BETA SERVICES LTD", "Beta Services Ltd")
    ]
    linked.executemany(
        "INSERT INTO supplier_aliases (published_name, supplier_id, payee_kind, method, confidence) "
        "VALUES (?, ?, 'supplier', 'exact', 1.0)",
        aliases,
    )
    links = link_suppliers(linked)
    # A1 and A2 by company number, B1 through resolution of its name, D1 (Delta) not at all.
    assert links == {"company_number": 2, "resolver": 1, "unlinked": 1}
    _check_salford(linked)
    keys = {s.supplier_key for s in link_contracts_to_spend(linked, SALFORD).suppliers}
    assert {"S:S-ACME", "S:S-BETA"} <= keys


def test_linkage_across_councils(linked: Warehouse) -> None:
    report = link_contracts_to_spend(linked)
    manchester = [s for s in report.suppliers if s.council_code == MANCHESTER]
    # Manchester paid Acme 9,999 and has no contract with it: all off contract.
    assert [(s.contracts, s.spend, s.spend_off_contract) for s in manchester] == [
        (0, Decimal("9999"), Decimal("9999"))
    ]
    assert report.off_contract_spend == Decimal("13999")


def test_linkage_by_category(linked: Warehouse) -> None:
    """Without classification or ProClass codes every row falls in 'unclassified'; totals are unchanged."""
    report = link_contracts_to_spend(linked, SALFORD, by_category=True)
    assert {s.category for s in report.suppliers} == {"unclassified"}
    assert report.off_contract_spend == Decimal("4000")

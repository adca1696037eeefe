"""The pack over a small hand-built warehouse whose right answers are worked out by hand below: SME and
VCSE shares of IT spend, which contracts in the renewal window are IT and why, classification methods,
the source files behind the figures, and the evidence sheets' totals."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from openpyxl import load_workbook

from bestvalue.analytics.models import SpendFilter
from bestvalue.engine import Warehouse, WarehouseError
from bestvalue.report import VfmPack, build_pack, render_xlsx
from bestvalue.report.breakdowns import in_sheet

DARLINGTON, HARTLEPOOL = "E06000005", "E06000001"  # both unitary: Hartlepool is a comparator
AS_OF = dt.date(2022, 7, 1)


class Hand:
    """Rows as the upstream steps would write them."""

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.lines = itertools.count(1)
        self.sources: dict[str, int] = {}

    def source(self, council: str) -> int:
        if council not in self.sources:
            sid = len(self.sources) + 1
            self.wh.execute(
                "INSERT INTO sources (source_id, file_name, path, sha256, bytes, status, council_code, "
                "loaded) VALUES (?, ?, ?, ?, 0, 'loaded', ?, 0)",
                [sid, f"{council}-2021.csv", f"{council}-2021.csv", f"{sid:064x}", council],
            )
            self.sources[council] = sid
        return self.sources[council]

    def supplier(self, sid: str, name: str, sme: bool | None, vcse: bool | None) -> None:
        self.wh.execute(
            "INSERT INTO suppliers (supplier_id, name, is_sme, is_vcse) VALUES (?, ?, ?, ?)",
            [sid, name, sme, vcse],
        )
        self.wh.execute(
            "INSERT INTO supplier_aliases (published_name, supplier_id, payee_kind, method, confidence) "
            "VALUES (?, ?, 'supplier', 'exact', 1.0)",
            [name, sid],
        )

    def pay(self, council: str, day: str, amount: float, name: str, code: str | None) -> None:
        sid = self.source(council)
        line = next(self.lines)
        spend_id = sid * 2**32 + line
        date = dt.date.fromisoformat(day)
        self.wh.execute(
            "INSERT INTO spend (spend_id, source_id, source_line, council_code, payment_date, period_start, "
            "period_end, date_basis, amount, supplier_name, department) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'payment_date', ?, ?, 'Resources')",
            [spend_id, sid, line, council, date, date.replace(day=1), date, amount, name],
        )
        if code is not None:
            self.classify(spend_id, code)
        self.wh.execute("UPDATE sources SET loaded = loaded + 1, rows = rows + 1 WHERE source_id = ?", [sid])

    def classify(self, spend_id: int, code: str) -> None:
        """A classification row (``spend_classification`` is a view over per-combination results and
        each row's combination key; one combination per row here)."""
        values = [code, code[:2] + "0000", code.startswith("27")]
        try:
            self.wh.execute(
                "INSERT INTO classification_results (k, proclass_code, proclass_level1, is_it, confidence, "
                "method, reason) VALUES (?, ?, ?, ?, 0.8, 'council_category', 'hand')",
                [spend_id, *values],
            )
            self.wh.execute(
                "INSERT INTO spend_classification_keys (spend_id, k) VALUES (?, ?)", [spend_id, spend_id]
            )
        except WarehouseError:  # an older schema where the relation is a table
            self.wh.execute(
                "INSERT INTO spend_classification (spend_id, proclass_code, proclass_level1, is_it, "
                "confidence, method, reason) VALUES (?, ?, ?, ?, 0.8, 'council_category', 'hand')",
                [spend_id, *values],
            )

    def contract(
        self, cid: str, supplier: str, end: str, value: float, proclass: str | None, sme: bool | None
    ) -> None:
        self.wh.execute(
            "INSERT INTO contracts (contract_id, source, stage, council_code, title, value, start_date, "
            "end_date, proclass_code) VALUES (?, 'register', 'contract', ?, ?, ?, DATE '2020-01-01', ?, ?)",
            [cid, DARLINGTON, f"Contract {cid}", value, dt.date.fromisoformat(end), proclass],
        )
        self.wh.execute(
            "INSERT INTO contract_suppliers (contract_id, supplier_name, supplier_id, is_sme) "
            "VALUES (?, ?, ?, ?)",
            [cid, supplier, supplier, sme],
        )


@pytest.fixture
def pack(warehouse: Warehouse) -> VfmPack:
    h = Hand(warehouse)
    h.supplier("S1", "Alpha Software Ltd", True, None)
    h.supplier("S2", "Big Telecom plc", False, False)
    h.supplier("S3", "Helping Hands", None, True)
    h.supplier("S4", "Builder Ltd", None, None)
    h.pay(DARLINGTON, "2021-05-03", 1000.00, "Alpha Software Ltd", "271430")  # IT, software
    h.pay(DARLINGTON, "2021-09-14", 3000.00, "Alpha Software Ltd", "271430")  # IT, software
    h.pay(DARLINGTON, "2021-06-01", 6000.00, "Big Telecom plc", "271700")  # IT, telecoms
    h.pay(DARLINGTON, "2022-02-10", 2000.00, "Helping Hands", "271300")  # IT, services
    h.pay(DARLINGTON, "2021-07-07", 5000.00, "Builder Ltd", "231810")  # not IT
    h.pay(DARLINGTON, "2021-08-08", 4000.00, "Big Telecom plc", None)  # unclassified
    h.pay(HARTLEPOOL, "2021-06-01", 10000.00, "Big Telecom plc", "271700")
    h.contract("C1", "S1", "2022-12-31", 50000, "271430", True)  # IT by its ProClass code
    h.contract("C2", "S2", "2023-01-31", 20000, None, None)  # IT: the council pays S2 for IT
    h.contract("C3", "S4", "2022-10-01", 90000, "231810", None)  # not IT
    h.contract("C4", "S1", "2025-01-01", 70000, "271430", None)  # ends outside the 18 months
    return build_pack(warehouse, "Darlington", 2021, as_of=AS_OF)


def test_sme_and_vcse_shares_of_it_spend(pack: VfmPack) -> None:
    # IT spend: 1,000 + 3,000 (S1) + 6,000 (S2) + 2,000 (S3) = 12,000
    assert pack.figure("baseline.it_spend").value == 12000.00
    assert pack.figure("economy.sme_yes_share").value == pytest.approx(100 * 4000 / 12000, abs=1e-4)
    assert pack.figure("economy.sme_unknown_share").value == pytest.approx(100 * 2000 / 12000, abs=1e-4)
    assert pack.figure("economy.vcse_yes_share").value == pytest.approx(100 * 2000 / 12000, abs=1e-4)
    assert pack.figure("economy.vcse_unknown_share").value == pytest.approx(100 * 4000 / 12000, abs=1e-4)
    groups = {(r["measure"], r["status"]): r["amount"] for r in pack.table("economy.groups").rows}
    assert groups == {
        ("SME", "yes"): 4000.0,
        ("SME", "no"): 6000.0,
        ("SME", "not known"): 2000.0,
        ("VCSE", "yes"): 2000.0,
        ("VCSE", "no"): 6000.0,
        ("VCSE", "not known"): 4000.0,
    }
    # contracts: C1 says SME (yes); the other three say nothing
    assert pack.figure("economy.contracts_sme_known").value == 1
    assert pack.figure("economy.contracts_sme").value == 1


def test_renewal_pipeline_picks_out_it_contracts(pack: VfmPack) -> None:
    assert pack.figure("contracts.recorded").value == 4
    assert pack.figure("pipeline.contracts").value == 3  # C1, C2, C3 end within 18 months of 1 July 2022
    assert pack.figure("pipeline.value").value == 160000.00
    assert pack.figure("pipeline.it_contracts").value == 2
    assert pack.figure("pipeline.it_value").value == 70000.00
    rows = {r["contract_id"]: r for r in pack.table("pipeline.entries").rows}
    assert rows["C1"]["it"] == "ICT ProClass code, supplier paid for IT"
    assert rows["C2"]["it"] == "supplier paid for IT"
    assert rows["C3"]["it"] == ""
    assert [r["contract_id"] for r in pack.table("pipeline.entries").rows] == ["C1", "C2", "C3"]  # IT first


def test_classification_methods_and_confidence(pack: VfmPack) -> None:
    methods = {r["method"]: r for r in pack.table("quality.classification_methods").rows}
    assert methods["council_category"]["lines"] == 5 and methods["council_category"]["it_amount"] == 12000.00
    assert methods["(no classification row)"]["lines"] == 1
    assert methods["(no classification row)"]["unclassified_lines"] == 1
    bands = {r["band"]: r["amount"] for r in pack.table("quality.confidence").rows}
    assert bands == {"under 0.5": 0.0, "0.5 to 0.7": 0.0, "0.7 to 0.9": 12000.0, "0.9 and over": 0.0}
    assert pack.figure("baseline.unclassified_amount").value == 4000.00


def test_sources_and_evidence_sheets(pack: VfmPack) -> None:
    roles = {s.council_code: s.role for s in pack.sources}
    assert roles == {DARLINGTON: "council", HARTLEPOOL: "comparator"}
    assert pack.sources[0].publisher == "Darlington Borough Council"
    wb = load_workbook(io.BytesIO(render_xlsx(pack)))
    e1 = list(wb["E1 IT payments"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in e1) == [1000.0, 2000.0, 3000.0, 6000.0]
    e4 = {
        r[0]: (r[5], r[6], r[7])
        for r in wb["E4 IT suppliers SME VCSE"].iter_rows(min_row=2, values_only=True)
    }
    assert e4 == {
        "Big Telecom plc": ("no", "no", 6000.0),
        "Alpha Software Ltd": ("yes", "not known", 4000.0),
        "Helping Hands": ("not known", "yes", 2000.0),
    }


@pytest.mark.parametrize(
    ("narrowed", "expected"),
    [
        ({}, "all rows"),
        ({"ict_category": "271440"}, "ICT category = 271440"),
        ({"supplier_id": "S1", "ict_category": "271699"}, "ICT category = 271699; Supplier ID = S1"),
        ({"exclude_supplier_ids": ["S1", "S2"]}, "Supplier ID not in S1, S2"),
        ({"quarter": 2}, "quarter = 2"),  # no column of that name: the drill-down field as it is
    ],
)
def test_rows_of_the_it_payments_sheet(narrowed: dict[str, object], expected: str) -> None:
    base = SpendFilter(council_code=DARLINGTON, financial_year=2021, it="it")
    assert in_sheet(base.model_copy(update=narrowed), base) == expected

"""Probity flags on hand-built warehouses; what should be flagged is worked out by hand below."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from analytics_hand import DARLINGTON, HARTLEPOOL, Hand

from bestvalue import analytics
from bestvalue.analytics.probity import benford_test, thresholds

SETTINGS = analytics.load_settings()


def _split_build(hand: Hand) -> None:
    pay = hand.pay
    # Two payments from Parks to SP, each under the £5,000 quote limit, 5,500 together.
    pay(DARLINGTON, "2021-05-03", 3000, "SP", code="other", dept="Parks", txn="1")
    pay(DARLINGTON, "2021-05-06", 2500, "SP", code="other", dept="Parks", txn="2")
    # 16,000 + 15,000 from Highways: over £25,000 and the £30,000 notifiable threshold; the higher wins.
    pay(DARLINGTON, "2021-06-01", 16000, "SQ", code="other", dept="Highways", txn="3")
    pay(DARLINGTON, "2021-06-04", 15000, "SQ", code="other", dept="Highways", txn="4")
    # Three departments, £2,000 each: no department split anything.
    for i, dept in enumerate(("A", "B", "C")):
        pay(DARLINGTON, f"2021-07-0{i + 1}", 2000, "SR", code="other", dept=dept, txn=f"r{i}")
    # Six payments of £1,500 in six days: a busy regular supplier, over max_payments: no flag.
    for i in range(6):
        pay(DARLINGTON, f"2021-08-0{i + 1}", 1500, "SS", code="other", dept="Parks", txn=f"s{i}")
    # Regulated-procurement thresholds by date: £189,330 in December 2021, £213,477 from January 2022.
    pay(DARLINGTON, "2021-12-20", 100000, "BIG2", code="other", dept="Waste", txn="5")
    pay(DARLINGTON, "2021-12-22", 100000, "BIG2", code="other", dept="Waste", txn="6")
    pay(DARLINGTON, "2022-01-10", 110000, "BIG", code="other", dept="Waste", txn="7")
    pay(DARLINGTON, "2022-01-12", 110000, "BIG", code="other", dept="Waste", txn="8")
    pay(DARLINGTON, "2022-02-01", 100000, "BIG3", code="other", dept="Waste", txn="9")  # 200,000 < 213,477
    pay(DARLINGTON, "2022-02-03", 100000, "BIG3", code="other", dept="Waste", txn="10")
    # Lines of one transaction are one payment: 2 x 2,000 is one payment of 4,000, no split.
    pay(DARLINGTON, "2021-09-01", 2000, "ST", code="other", dept="Parks", txn="11")
    pay(DARLINGTON, "2021-09-01", 2000, "ST", code="other", dept="Parks", txn="11")


def test_threshold_table_by_date() -> None:
    t = {
        (a, label)
        for a, start, end, label, _ in thresholds(SETTINGS.probity, DARLINGTON)
        if start <= dt.date(2025, 12, 31) <= end
    }
    assert (214904, "PCR 2015 / Procurement Act 2023 threshold") in t
    jan26 = [
        a
        for a, start, end, *_ in thresholds(SETTINGS.probity, DARLINGTON)
        if start <= dt.date(2026, 1, 1) <= end
    ]
    assert 207720 in jan26 and 214904 not in jan26
    assert {5000, 25000, 30000} <= set(jan26)


def test_split_payments(hand: Hand) -> None:
    _split_build(hand)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    splits = sorted(
        (f.supplier_id, f.threshold, f.amount, f.evidence_count)
        for f in r.flags
        if f.kind == "split_payments"
    )
    assert splits == [
        ("BIG", 213477, 220000, 2),
        ("BIG2", 189330, 200000, 2),
        ("SP", 5000, 5500, 2),
        ("SQ", 30000, 31000, 2),
    ]
    assert all(f.severity == "possible_breach" for f in r.flags if f.kind == "split_payments")
    assert not r.contracts_loaded and r.counts["split_payments"] == 4


def test_split_ignores_payments_that_are_not_purchases(hand: Hand) -> None:
    for day, amount in (("03", 3000), ("06", 2500)):
        hand.pay(
            DARLINGTON,
            f"2021-05-{day}",
            amount,
            "HMRC",
            code="other",
            dept="Parks",
            txn=day,
            payment_kind="not_purchase",
        )
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert not [f for f in r.flags if f.kind == "split_payments"]


def test_split_skipped_under_live_contract(hand: Hand) -> None:
    _split_build(hand)
    hand.contract("C-SQ", DARLINGTON, "SQ", value=100000, start="2021-01-01", end="2023-12-31")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert "SQ" not in {f.supplier_id for f in r.flags if f.kind == "split_payments"}


def _contract_build(hand: Hand) -> None:
    pay = hand.pay
    hand.contract("C-WC", DARLINGTON, "WC", value=100000, start="2020-01-01", end="2024-01-01")
    hand.contract("C-BV", DARLINGTON, "BV", value=50000, start="2020-04-01", end="2021-09-30")
    pay(DARLINGTON, "2021-05-01", 20000, "NC", code="other")  # 35,000 with no contract
    pay(DARLINGTON, "2021-08-01", 15000, "NC", code="other")
    pay(DARLINGTON, "2021-06-01", 50000, "WC", code="other")  # under contract
    pay(DARLINGTON, "2021-06-01", 10000, "SMALL", code="other")  # under £30,000
    pay(DARLINGTON, "2021-06-01", 40000, "Ann Person", code="other", payee_kind="individual")
    pay(DARLINGTON, "2021-06-01", 40000, "UNRESOLVED LTD", code="other", resolved=False)
    # Contract BV: 50,000 (+10% tolerance = 55,000) from 2020-04-01 to 2021-09-30 (+90 days' grace).
    pay(DARLINGTON, "2020-06-01", 30000, "BV", code="other")  # running 30,000 (previous year)
    pay(DARLINGTON, "2021-05-01", 20000, "BV", code="other")  # running 50,000
    pay(DARLINGTON, "2021-06-01", 10000, "BV", code="other")  # running 60,000: beyond value
    pay(DARLINGTON, "2022-02-01", 1000, "BV", code="other")  # beyond value and after the end


def test_contract_flags(hand: Hand) -> None:
    _contract_build(hand)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert r.contracts_loaded
    nc = [f for f in r.flags if f.kind == "no_contract"]
    assert [(f.supplier_id, f.amount, f.evidence_count, f.severity) for f in nc] == [
        ("NC", 35000, 2, "risk_signal")
    ]
    beyond = {f.parameters["basis"]: f for f in r.flags if f.kind == "beyond_contract"}
    assert set(beyond) == {"value", "end_date"}
    assert sorted(str(row.spend_date) for row in beyond["value"].rows) == ["2021-06-01", "2022-02-01"]
    assert beyond["value"].amount == 11000 and beyond["value"].threshold == 50000
    assert [str(row.spend_date) for row in beyond["end_date"].rows] == ["2022-02-01"]
    assert beyond["end_date"].amount == 1000 and beyond["end_date"].severity == "possible_breach"


def test_round_sums(hand: Hand) -> None:
    for amount in (5000, 6000, 10000, 5500):
        hand.pay(DARLINGTON, "2021-05-01", amount, "RS", code="other", dept=f"D{amount}")
    for amount in (7000, 8000):
        hand.pay(DARLINGTON, "2021-05-01", amount, "RT", code="other", dept=f"D{amount}")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    rs = [f for f in r.flags if f.kind == "round_sums"]
    assert [(f.supplier_id, f.amount, f.evidence_count, len(f.rows)) for f in rs] == [("RS", 21000, 3, 3)]
    assert rs[0].severity == "risk_signal"


def test_benford_mad_by_hand() -> None:
    expected = {d: math.log10(1 + 1 / d) for d in range(1, 10)}
    # Every payment starting with 9: MAD = (sum of the other expected shares + (1 - E9)) / 9 = 2(1 - E9)/9.
    b = benford_test({9: 1000}, SETTINGS.probity)
    assert b.mad == pytest.approx(2 * (1 - expected[9]) / 9, abs=1e-6)
    assert b.conformity == "nonconformity"
    exact = {d: round(100000 * p) for d, p in expected.items()}
    assert benford_test(exact, SETTINGS.probity).conformity == "close"
    assert benford_test({1: 10}, SETTINGS.probity).conformity == "too_few_payments"


def test_benford_flag_carries_rows(hand: Hand) -> None:
    # 1,000 payments of £900.00 to £909.99, all with first digit 9 (inserted in one statement).
    sid = hand.source(HARTLEPOOL)
    hand.alias("B", "B")
    hand.wh.execute(
        "INSERT INTO spend (spend_id, source_id, source_line, council_code, payment_date, period_start, "
        "period_end, date_basis, amount, supplier_name, department, transaction_number) "
        "SELECT ? * 4294967296 + i, ?, i, ?, DATE '2021-05-01', DATE '2021-05-01', DATE '2021-05-31', "
        "'payment_date', 900 + i / 100, 'B', 'Resources', CAST(i AS VARCHAR) FROM range(1000) t(i)",
        [sid, sid, HARTLEPOOL],
    )
    r = analytics.flags(hand.wh, HARTLEPOOL, 2021)
    assert r.benford.n == 1000 and r.benford.conformity == "nonconformity"
    ben = [f for f in r.flags if f.kind == "benford"]
    assert len(ben) == 1 and ben[0].parameters["digit"] == 9
    assert ben[0].evidence_count == 1000 and len(ben[0].rows) == SETTINGS.evidence_limit
    assert all(str(row.amount).startswith("9") for row in ben[0].rows)
    assert analytics.evidence_rows(hand.wh, ben[0].evidence, limit=0).total_rows == 1000


def test_every_flag_has_evidence(hand: Hand) -> None:
    _split_build(hand)
    _contract_build(hand)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert r.flags
    for f in r.flags:
        assert f.rows and f.evidence_count >= len(f.rows)
        assert f.severity in ("possible_breach", "risk_signal")

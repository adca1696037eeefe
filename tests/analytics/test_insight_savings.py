"""Savings signals on a hand-built warehouse; estimates worked out by hand below."""

from __future__ import annotations

import pytest
from analytics_hand import DARLINGTON, GATESHEAD, HARTLEPOOL, MIDDLESBROUGH, Hand

from bestvalue import analytics
from bestvalue.reference.councils import council_by_code


def _pop(code: str) -> int:
    c = council_by_code(code)
    assert c is not None and c.population
    return c.population


def test_fragmentation(hand: Hand) -> None:
    # Software: S1 40,000 and S2..S5 5,000 each: 5 suppliers, 60,000 in all.
    hand.pay(DARLINGTON, "2021-05-01", 40000, "S1", code="software")
    for i in range(2, 6):
        hand.pay(DARLINGTON, f"2021-06-0{i}", 5000, f"S{i}", code="software")
    # Telecoms: 4 suppliers only, no signal.
    for i in range(4):
        hand.pay(DARLINGTON, "2021-07-01", 20000, f"T{i}", code="telecoms")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    frag = [s for s in r.signals if s.kind == "fragmentation"]
    assert len(frag) == 1
    f = frag[0]
    # Spend outside the largest supplier: 60,000 - 40,000 = 20,000; 5% of it = 1,000.
    assert f.category is not None and f.category.label == "Software"
    assert f.amount_involved == 20000 and f.estimated_saving == 1000
    assert sorted(row.supplier_id or "" for row in f.rows) == ["S2", "S3", "S4", "S5"]
    assert analytics.evidence_rows(hand.wh, f.evidence).total_amount == 20000


def test_price_variation_between_similar_councils(hand: Hand) -> None:
    per_head = {DARLINGTON: 3.0, HARTLEPOOL: 1.0, MIDDLESBROUGH: 1.2, GATESHEAD: 100.0}
    for code, ph in per_head.items():
        hand.pay(code, "2021-05-01", round(ph * _pop(code), 2), "PV", code="services")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    pv = [s for s in r.signals if s.kind == "price_variation"]
    assert len(pv) == 1
    # Other unitary councils: 1.0 and 1.2 per head, median 1.1 (Gateshead is another tier).
    # Darlington 3.0 >= 2 x 1.1, so the £ above the median is (3.0 - 1.1) x population.
    assert pv[0].supplier_id == "PV"
    assert pv[0].estimated_saving == pytest.approx(1.9 * _pop(DARLINGTON), abs=0.05)
    assert pv[0].amount_involved == 3.0 * _pop(DARLINGTON)
    assert pv[0].rows and all(row.supplier_id == "PV" for row in pv[0].rows)
    # Hartlepool is below the median: nothing for it.
    assert not [
        s for s in analytics.savings(hand.wh, HARTLEPOOL, 2021).signals if s.kind == "price_variation"
    ]


def test_duplicate_payments(hand: Hand) -> None:
    pay = hand.pay
    # 1. Same supplier and amount three days apart, different transactions: a duplicate.
    pay(DARLINGTON, "2021-05-03", 1234.56, "DUP", code="other", txn="T1")
    pay(DARLINGTON, "2021-05-06", 1234.56, "DUP", code="other", txn="T2")
    # 2. Nineteen days apart: not within the window.
    pay(DARLINGTON, "2021-06-01", 500, "DUP", code="other", txn="T3")
    pay(DARLINGTON, "2021-06-20", 500, "DUP", code="other", txn="T4")
    # 3. Paid twice but credited back: not a signal.
    pay(DARLINGTON, "2021-07-01", 800, "DUP", code="other", txn="T5")
    pay(DARLINGTON, "2021-07-02", 800, "DUP", code="other", txn="T6")
    pay(DARLINGTON, "2021-07-05", -800, "DUP", code="other", txn="T7")
    # 4. The same invoice number and amount months apart: a duplicate invoice.
    pay(DARLINGTON, "2021-08-01", 250, "DUP2", code="other", invoice="INV-1001", txn="T8")
    pay(DARLINGTON, "2021-11-01", 250, "DUP2", code="other", invoice="inv-1001 ", txn="T9")
    # 5. Two lines of one transaction: one payment of 600, not a duplicate.
    pay(DARLINGTON, "2021-09-01", 300, "DUP3", code="other", txn="T10")
    pay(DARLINGTON, "2021-09-01", 300, "DUP3", code="other", txn="T10")
    # 6. A weekly fixed payment (four copies, over the three-copy limit): regular, not a duplicate.
    for day in ("01", "08", "15", "22"):
        pay(DARLINGTON, f"2021-10-{day}", 700, "DUP4", code="other", txn=f"W{day}")
    # 7. Same day and amount but different invoice numbers: two invoices.
    pay(DARLINGTON, "2021-12-01", 900, "DUP5", code="other", invoice="INV-2001", txn="T11")
    pay(DARLINGTON, "2021-12-01", 900, "DUP5", code="other", invoice="INV-2002", txn="T12")
    # 8. Two equal lines without transaction numbers: two payments, a duplicate.
    pay(DARLINGTON, "2022-01-10", 450, "DUP6", code="other")
    pay(DARLINGTON, "2022-01-10", 450, "DUP6", code="other")
    # 9. Under the £100 minimum.
    pay(DARLINGTON, "2022-02-01", 99, "DUP7", code="other")
    pay(DARLINGTON, "2022-02-01", 99, "DUP7", code="other")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    dups = sorted(
        (s.kind, s.supplier_id, s.estimated_saving, len(s.rows))
        for s in r.signals
        if s.kind.startswith("duplicate")
    )
    assert dups == [
        ("duplicate_invoice", "DUP2", 250, 2),
        ("duplicate_payment", "DUP", 1234.56, 2),
        ("duplicate_payment", "DUP6", 450, 2),
    ]
    assert r.by_kind == {"duplicate_invoice": 250, "duplicate_payment": 1684.56}
    assert r.total_estimated == 1934.56
    for s in r.signals:
        page = analytics.evidence_rows(hand.wh, s.evidence)
        assert page.total_rows == len(s.rows) and page.total_amount == s.amount_involved


def test_nothing_to_say(hand: Hand) -> None:
    hand.pay(DARLINGTON, "2021-05-01", 100, "A", code="software")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    assert r.signals == [] and r.total_estimated == 0

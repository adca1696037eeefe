"""Savings signals on a hand-built warehouse; estimates worked out by hand below."""

from __future__ import annotations

import datetime as dt

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


def dups(r: analytics.Savings) -> list[tuple[str, str | None, float, int]]:
    return sorted(
        (s.kind, s.supplier_id, s.estimated_saving, len(s.rows))
        for s in r.signals
        if s.kind.startswith("duplicate")
    )


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
    # 8. Two equal lines of one day with no transaction or invoice number: most often one invoice
    #    spread over cost centres, so not two payments.
    pay(DARLINGTON, "2022-01-10", 450, "DUP6", code="other")
    pay(DARLINGTON, "2022-01-10", 450, "DUP6", code="other")
    # 9. Under the £100 minimum.
    pay(DARLINGTON, "2022-02-01", 99, "DUP7", code="other")
    pay(DARLINGTON, "2022-02-01", 99, "DUP7", code="other")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    assert dups(r) == [
        ("duplicate_invoice", "DUP2", 250, 2),
        ("duplicate_payment", "DUP", 1234.56, 2),
    ]
    assert r.by_kind == {"duplicate_invoice": 250, "duplicate_payment": 1234.56}
    assert r.total_estimated == 1484.56
    for s in r.signals:
        page = analytics.evidence_rows(hand.wh, s.evidence)
        assert page.total_rows == len(s.rows) and page.total_amount == s.amount_involved


def by_supplier(r: analytics.Savings) -> dict[str | None, analytics.models.SavingsSignal]:
    return {s.supplier_id: s for s in r.signals}


def _month(i: int, day: int) -> str:
    """Day ``day`` of the i-th month of 2021-22 (0 = April 2021)."""
    return str(dt.date(2021 + (3 + i) // 12, (3 + i) % 12 + 1, day))


def _pay(
    hand: Hand, date: str, amount: float, supplier: str, expense: str | None = None, **kw: object
) -> None:
    spend_id = hand.pay(DARLINGTON, date, amount, supplier, code="other", **kw)  # type: ignore[arg-type]
    if expense is not None:
        hand.wh.execute("UPDATE spend SET expense_type = ? WHERE spend_id = ?", [expense, spend_id])


def test_legitimate_repeats_are_not_duplicates(hand: Hand) -> None:
    # The same 2,222.22 twice every month, from two departments: usual is two a month, no extra copy.
    for i in range(12):
        _pay(hand, _month(i, 3), 2222.22, "PAIRS", dept="Adults", txn=f"a{i}")
        _pay(hand, _month(i, 6), 2222.22, "PAIRS", dept="Children", txn=f"c{i}")
    # One invoice paid in three equal instalments in May, June and July.
    for i, txn in ((1, "i1"), (2, "i2"), (3, "i3")):
        _pay(hand, _month(i, 10), 3000.5, "INSTAL", invoice="INV-7777", txn=txn)
    # A pass-through payment to another public body, twice in three days.
    _pay(hand, "2021-05-10", 5555.55, "NORTH TRUST NHS FOUNDATION TRUST", txn="n1")
    _pay(hand, "2021-05-12", 5555.55, "NORTH TRUST NHS FOUNDATION TRUST", txn="n2")
    # The same amount for two different kinds of thing.
    _pay(hand, "2021-10-01", 4321.09, "MIXED", expense="Training", txn="m1")
    _pay(hand, "2021-10-03", 4321.09, "MIXED", expense="Equipment", txn="m2")
    # A "reference" that is only a year.
    _pay(hand, "2021-05-01", 777.77, "YEARREF", invoice="2021", txn="y1")
    _pay(hand, "2021-08-01", 777.77, "YEARREF", invoice="2021", txn="y2")
    # Four same-day payments sharing a short reference: a batch or account reference, not an invoice.
    for i in range(4):
        _pay(hand, "2021-12-06", 617.95, "BATCH", invoice="0112", txn=f"b{i}")
    # Payments to a school are places or funding, not purchases that could be paid twice.
    _pay(hand, "2022-02-01", 8765.43, "HILLSIDE SCHOOL", txn="sc1")
    _pay(hand, "2022-02-03", 8765.43, "HILLSIDE SCHOOL", txn="sc2")
    # Grants are not purchases.
    _pay(hand, "2021-06-01", 6543.21, "FRIENDS", expense="Grants", txn="g1")
    _pay(hand, "2021-06-03", 6543.21, "FRIENDS", expense="Grants", txn="g2")
    # Weak evidence under £10,000 is not listed: a week apart, or on the same day.
    _pay(hand, "2021-11-01", 3333.33, "WEEKLY", txn="w1")
    _pay(hand, "2021-11-08", 3333.33, "WEEKLY", txn="w2")
    _pay(hand, "2021-09-09", 2345.67, "SMALLDAY", txn="s1")
    _pay(hand, "2021-09-09", 2345.67, "SMALLDAY", txn="s2")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    assert dups(r) == []


def test_real_duplicates_and_how_strong_they_are(hand: Hand) -> None:
    # A monthly 1,111.11 paid on the 5th, and once more on 9 June: an extra copy of a regular payment
    # (usual is one a month), four days apart, same department, not round: estimated.
    for i in range(12):
        _pay(hand, _month(i, 5), 1111.11, "MONTHLY", txn=f"m{i}")
    _pay(hand, "2021-06-09", 1111.11, "MONTHLY", txn="extra")
    # 12,345.67 twice on one day with two transaction numbers: listed (over £10,000) but not
    # estimated, as they may be two orders at the same price.
    _pay(hand, "2021-09-09", 12345.67, "SAMEDAY", txn="s1")
    _pay(hand, "2021-09-09", 12345.67, "SAMEDAY", txn="s2")
    # 20,000 twice in three days: whole pounds (a price or fee), listed but not estimated.
    _pay(hand, "2021-07-01", 20000, "ROUND", txn="r1")
    _pay(hand, "2021-07-04", 20000, "ROUND", txn="r2")
    # 15,432.10 from two departments two days apart: listed, not estimated.
    _pay(hand, "2021-08-02", 15432.1, "TWODEPT", dept="Adults", txn="t1")
    _pay(hand, "2021-08-04", 15432.1, "TWODEPT", dept="Children", txn="t2")
    # A care home paid 11,234.56 twice in four days (ProClass 321017, care bought per person): often
    # two residents at the same weekly rate; listed, not estimated.
    for day, txn in (("2021-10-04", "h1"), ("2021-10-08", "h2")):
        spend_id = hand.pay(DARLINGTON, day, 11234.56, "CAREHOME", code="321017", txn=txn)
        assert spend_id
    # Two equal payments on one day under one reference for care paid per person (ProClass 321115,
    # childcare): often one claim for two children; listed (over £10,000), not estimated.
    for txn in ("k1", "k2"):
        assert hand.pay(DARLINGTON, "2021-11-11", 10416.85, "NURSERY", code="321115", invoice="2252", txn=txn)
    # The same transaction number on two dates: one payment published twice; listed, not estimated.
    _pay(hand, "2021-05-03", 12345.67, "REPUB", txn="R1")
    _pay(hand, "2021-05-06", 12345.67, "REPUB", txn="R1")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    assert by_supplier(r)["REPUB"].basis.startswith("not estimated: the copies carry the same transaction")
    assert by_supplier(r)["NURSERY"].kind == "duplicate_invoice"
    assert by_supplier(r)["NURSERY"].basis.startswith("not estimated: payments on one day for a service")
    assert dups(r) == [
        ("duplicate_invoice", "NURSERY", 0, 2),
        ("duplicate_payment", "CAREHOME", 0, 2),
        ("duplicate_payment", "MONTHLY", 1111.11, 2),
        ("duplicate_payment", "REPUB", 0, 2),
        ("duplicate_payment", "ROUND", 0, 2),
        ("duplicate_payment", "SAMEDAY", 0, 2),
        ("duplicate_payment", "TWODEPT", 0, 2),
    ]
    by = {s.supplier_id: s for s in r.signals}
    assert [str(row.spend_date) for row in by["MONTHLY"].rows] == ["2021-06-05", "2021-06-09"]
    assert "usually 1 time a month" in by["MONTHLY"].detail
    assert by["MONTHLY"].basis == "every copy after the first, if it was paid in error"
    assert by["SAMEDAY"].basis.startswith("not estimated: the payments are on the same day")
    assert by["ROUND"].basis.startswith("not estimated: an amount in whole pounds")
    assert by["CAREHOME"].basis.startswith("not estimated: services paid at a rate per person")
    assert by["TWODEPT"].basis.startswith("not estimated: the payments come from different departments")
    assert r.total_estimated == 1111.11
    assert r.by_kind == {"duplicate_payment": 1111.11, "duplicate_invoice": 0}


def test_nothing_to_say(hand: Hand) -> None:
    hand.pay(DARLINGTON, "2021-05-01", 100, "A", code="software")
    r = analytics.savings(hand.wh, DARLINGTON, 2021)
    assert r.signals == [] and r.total_estimated == 0

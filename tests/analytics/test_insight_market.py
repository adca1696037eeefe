"""Market shares, HHI and CR3 on a hand-built warehouse; expected values worked out by hand."""

from __future__ import annotations

import pytest
from analytics_hand import DARLINGTON, GATESHEAD, Hand

from bestvalue import analytics


def _build(hand: Hand) -> None:
    # FY2021 software: Darlington pays S1 600, S2 300, S3 100; Gateshead pays S1 400, S4 600.
    hand.pay(DARLINGTON, "2021-05-01", 600, "S1", code="software")
    hand.pay(DARLINGTON, "2021-05-02", 300, "S2", code="software")
    hand.pay(DARLINGTON, "2021-05-03", 100, "S3", code="software")
    hand.pay(GATESHEAD, "2021-06-01", 400, "S1", code="software")
    hand.pay(GATESHEAD, "2021-06-02", 600, "S4", code="software")
    # Left out of shares: a supplier with a net credit, and an individual.
    hand.pay(GATESHEAD, "2021-06-03", -50, "S5", code="software")
    hand.pay(GATESHEAD, "2021-06-04", 70, "J Bloggs", code="software", payee_kind="individual")
    # Another category and another year.
    hand.pay(DARLINGTON, "2021-07-01", 500, "S1", code="telecoms")
    hand.pay(DARLINGTON, "2020-07-01", 9999, "S2", code="software")
    # Not IT.
    hand.pay(DARLINGTON, "2021-07-02", 7777, "S1", code="other")


def test_market_across_councils(hand: Hand) -> None:
    _build(hand)
    m = analytics.market(hand.wh, None, 2021)
    sw = next(c for c in m.categories if c.category.label == "Software")
    # Shares of 2000: S1 1000 = 50%, S4 600 = 30%, S2 300 = 15%, S3 100 = 5%.
    assert sw.total == 2000 and sw.suppliers == 4 and sw.councils == 2
    assert [(s.supplier_id, s.share) for s in sw.shares] == [
        ("S1", 50.0),
        ("S4", 30.0),
        ("S2", 15.0),
        ("S3", 5.0),
    ]
    assert sw.hhi == 2500 + 900 + 225 + 25
    assert sw.cr3 == 95.0 and sw.concentration == "high"
    assert sw.excluded_net_credit == 20  # -50 (S5) + 70 (individual)
    assert sw.shares[0].councils == 2
    tel = next(c for c in m.categories if c.category.label == "Telecommunications")
    assert tel.hhi == 10000 and tel.cr3 == 100 and tel.councils == 1
    reach = {s.supplier_id: (s.councils, s.categories, s.amount) for s in m.suppliers}
    assert reach["S1"] == (2, 2, 1500)
    assert m.suppliers[0].supplier_id == "S1"  # most councils first


def test_market_for_one_council_and_one_category(hand: Hand) -> None:
    _build(hand)
    m = analytics.market(hand.wh, DARLINGTON, 2021)
    sw = next(c for c in m.categories if c.category.code == "271440")
    # Darlington alone: 600/300/100 of 1000 -> 60, 30, 10.
    assert [s.share for s in sw.shares] == [60.0, 30.0, 10.0]
    assert sw.hhi == 3600 + 900 + 100 and sw.cr3 == 100
    one = analytics.category_market(hand.wh, "271430", 2021)  # any code of the category
    assert one.category.code == "271440" and one.total == 2000 and one.hhi == 3650
    page = analytics.evidence_rows(hand.wh, one.shares[0].evidence)
    assert page.total_amount == 1000 and page.total_rows == 2
    with pytest.raises(LookupError):
        analytics.category_market(hand.wh, "100000", 2021)


def test_concentration_bands(hand: Hand) -> None:
    # Ten suppliers of 100 each: HHI 1000, unconcentrated; CR3 30.
    for i in range(10):
        hand.pay(DARLINGTON, "2021-05-01", 100, f"T{i}", code="software")
    sw = analytics.market(hand.wh, DARLINGTON, 2021).categories[0]
    assert sw.hhi == 1000 and sw.concentration == "unconcentrated" and sw.cr3 == 30


def test_supplier_profile(hand: Hand) -> None:
    _build(hand)
    p = analytics.supplier_profile(hand.wh, "S1")
    assert p.total == 600 + 400 + 500 + 7777 and p.it_amount == 1500
    assert {c.gss_code: c.it_amount for c in p.councils} == {DARLINGTON: 1100, GATESHEAD: 400}
    assert {c.label: c.amount for c in p.categories} == {"Software": 1000, "Telecommunications": 500}
    assert p.published_names == ["S1"]
    assert analytics.supplier_profile(hand.wh, "S1", 2020).total == 0  # S1 was not paid in 2020-21
    with pytest.raises(analytics.UnknownSupplier):
        analytics.supplier_profile(hand.wh, "nope")

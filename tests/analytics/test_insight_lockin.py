"""Lock-in scores and the collaboration finder on hand-built warehouses."""

from __future__ import annotations

import pytest
from analytics_hand import DARLINGTON, GATESHEAD, HARTLEPOOL, STOCKTON, Hand

from bestvalue import analytics
from bestvalue.analytics.lockin import consecutive_years, is_direct_award


@pytest.mark.parametrize(
    ("paid", "year", "council_years", "expected"),
    [
        ({2019, 2020, 2021}, 2021, {2019, 2020, 2021}, 3),
        ({2019, 2021}, 2021, {2019, 2020, 2021}, 1),  # 2020 had data but no payment: run broken
        ({2017, 2019, 2020, 2021}, 2021, {2017, 2019, 2020, 2021}, 4),  # no data at all in 2018: skipped
        ({2021}, 2021, {2021}, 1),
        ({2020}, 2021, {2020, 2021}, 0),
    ],
)
def test_consecutive_years(paid: set[int], year: int, council_years: set[int], expected: int) -> None:
    assert consecutive_years(paid, year, council_years) == expected


@pytest.mark.parametrize(
    ("procedure", "direct"),
    [
        ("Direct award", True),
        ("limited", False),
        ("Limited tender", True),
        ("open", False),
        ("Negotiated without prior publication", True),
        (None, False),
        ("Waiver of standing orders", True),
    ],
)
def test_direct_award_words(procedure: str | None, direct: bool) -> None:
    words = analytics.load_settings().lockin.direct_award_words
    assert is_direct_award(procedure, words) is direct


def _lockin_build(hand: Hand) -> None:
    for fy in (2019, 2020, 2021):
        hand.pay(DARLINGTON, f"{fy}-06-01", 3000 if fy == 2021 else 1000, "S1", code="software")
    hand.pay(DARLINGTON, "2021-09-01", 6000, "S1", code="271600")  # software too: S1 9,000 in 2021
    hand.pay(DARLINGTON, "2021-10-01", 1000, "S2", code="software")  # S2 1,000: software total 10,000
    hand.pay(DARLINGTON, "2021-10-02", 50000, "S3", code="telecoms")  # the only telecoms supplier
    hand.pay(DARLINGTON, "2021-10-03", 999, "S4", code="telecoms")  # under the £1,000 minimum: left out


def test_lockin_score_without_contracts(hand: Hand) -> None:
    _lockin_build(hand)
    r = analytics.lockin(hand.wh, DARLINGTON, 2021, settings=analytics.load_settings())
    assert not r.contracts_loaded
    items = {(i.supplier_id, i.category.label): i for i in r.items}
    s1 = items[("S1", "Software")]
    # tenure 3/5 x 30 = 18; share 90% x 30 = 27; single supplier (>= 90%) 15 -> 60 of 75 reachable.
    assert (s1.amount, s1.category_total, s1.category_share) == (9000, 10000, 90.0)
    assert s1.consecutive_years == 3 and s1.first_year == 2019 and s1.single_supplier
    assert s1.score == 60 and s1.max_score == 75
    assert {c.key: c.points for c in s1.components} == {
        "tenure": 18,
        "share": 27,
        "single_supplier": 15,
        "direct_award": 0,
        "extension": 0,
        "contract_age": 0,
    }
    s2 = items[("S2", "Software")]
    # 1 year: 6; share 10%: 3 -> 9.
    assert s2.score == 9 and not s2.single_supplier and s2.category_suppliers == 2
    s3 = items[("S3", "Telecommunications")]
    # S4's 999 still counts in the category: 50,000 / 50,999 = 98.04% -> 29.41 points.
    assert s3.category_share == pytest.approx(100 * 50000 / 50999, abs=1e-4)
    assert s3.score == pytest.approx(6 + 29.41 + 15, abs=0.01) and s3.category_suppliers == 2
    assert ("S4", "Telecommunications") not in items
    assert [i.supplier_id for i in r.items] == ["S1", "S3", "S2"]  # highest score first
    assert analytics.evidence_rows(hand.wh, s1.evidence).total_amount == 9000


def test_lockin_score_with_contracts(hand: Hand) -> None:
    _lockin_build(hand)
    hand.contract(
        "C1",
        DARLINGTON,
        "S1",
        value=50000,
        start="2015-04-01",
        end="2020-03-31",
        max_end="2023-03-31",
        procedure="Direct award",
    )
    r = analytics.lockin(hand.wh, DARLINGTON, 2021)
    s1 = next(i for i in r.items if i.supplier_id == "S1")
    # Contract age: 2015-04-01 to 2022-03-31 is 2556 days = 7.00 years -> 7 of 10 points;
    # direct award 10; extended (max end after end) 5: 60 + 22 = 82 of 100.
    assert s1.contracts == 1 and s1.direct_awards == 1 and s1.extended == 1
    assert s1.contract_age_years == 7.0
    assert s1.score == 82 and s1.max_score == 100
    s2 = next(i for i in r.items if i.supplier_id == "S2")
    assert s2.max_score == 100 and s2.contracts == 0


def _collab_build(hand: Hand) -> None:
    hand.pay(DARLINGTON, "2021-05-01", 10000, "S1", code="software")
    hand.pay(HARTLEPOOL, "2020-05-01", 20000, "S1", code="271430")  # within the two-year window
    hand.pay(STOCKTON, "2018-05-01", 5000, "S1", code="software")  # too early
    hand.pay(GATESHEAD, "2021-05-01", 7000, "S1", code="telecoms")  # other category
    hand.pay(DARLINGTON, "2021-06-01", 3000, "S2", code="software")  # below the £5,000 minimum
    hand.pay(HARTLEPOOL, "2021-06-01", 9000, "S2", code="software")
    hand.pay(DARLINGTON, "2021-07-01", 8000, "S3", code="software")  # nobody else pays S3


def test_collaboration_finder(hand: Hand) -> None:
    _collab_build(hand)
    r = analytics.collaboration(hand.wh, DARLINGTON, 2021)
    assert len(r.opportunities) == 1
    o = r.opportunities[0]
    assert (o.supplier_id, o.category.label) == ("S1", "Software")
    assert [(c.gss_code, c.amount) for c in o.councils] == [(DARLINGTON, 10000), (HARTLEPOOL, 20000)]
    assert o.council_amount == 10000 and o.at_stake == 30000
    assert o.ending_together == [] and o.contract_end is None
    assert analytics.evidence_rows(hand.wh, o.councils[1].evidence).total_amount == 20000


def test_collaboration_contract_windows(hand: Hand) -> None:
    _collab_build(hand)
    hand.pay(STOCKTON, "2021-08-01", 6000, "S1", code="software")
    hand.contract("D1", DARLINGTON, "S1", start="2019-07-01", end="2023-06-30")
    hand.contract(
        "H1", HARTLEPOOL, "S1", start="2020-01-01", end="2022-01-31", max_end="2024-03-31"
    )  # 275 days
    hand.contract("T1", STOCKTON, "S1", start="2020-01-01", end="2025-12-31")  # 2.5 years later
    o = analytics.collaboration(hand.wh, DARLINGTON, 2021).opportunities[0]
    assert o.contract_end is not None and str(o.contract_end) == "2023-06-30"
    assert o.ending_together == [HARTLEPOOL]
    assert o.at_stake == 36000

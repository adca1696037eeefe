"""Peer benchmarks on a hand-built warehouse: per-head IT spend set so the medians are easy."""

from __future__ import annotations

import pytest
from analytics_hand import CORNWALL, DARLINGTON, GATESHEAD, HARTLEPOOL, MIDDLESBROUGH, REDCAR, STOCKTON, Hand

from bestvalue import analytics
from bestvalue.analytics.models import CouncilInfo
from bestvalue.analytics.peers import similarity
from bestvalue.analytics.settings import load_settings
from bestvalue.reference.councils import council_by_code

PER_HEAD = {  # £ of IT spend per resident in FY2021, and months of data
    DARLINGTON: 25.0,
    HARTLEPOOL: 10.0,
    MIDDLESBROUGH: 20.0,
    REDCAR: 30.0,
    STOCKTON: 40.0,
    CORNWALL: 100.0,  # unitary but more than 3x Darlington's population: out of the size band
    GATESHEAD: 5.0,  # another tier: never a default peer
}


def _pop(code: str) -> int:
    c = council_by_code(code)
    assert c is not None and c.population
    return c.population


def _build(hand: Hand) -> None:
    for code, per_head in PER_HEAD.items():
        it = round(per_head * _pop(code), 2)
        for month in range(4, 16):  # twelve months: April 2021 to March 2022
            year, m = (2021, month) if month <= 12 else (2022, month - 12)
            hand.pay(code, f"{year}-{m:02d}-15", 1000, f"OTHER-{code}", code="other")
        hand.pay(code, "2021-06-15", it, f"IT-{code}", code="software")


def test_default_peers_are_same_tier_and_similar_size(hand: Hand) -> None:
    _build(hand)
    p = analytics.peers(hand.wh, DARLINGTON, 2021)
    assert {x.council.gss_code for x in p.peers} == {HARTLEPOOL, MIDDLESBROUGH, REDCAR, STOCKTON}
    assert all(x.council.tier == "unitary" and x.chosen_by == "similarity" for x in p.peers)
    head = next(m for m in p.metrics if m.key == "it_per_head")
    # Peers 10, 20, 30, 40: median 25; quartiles (inclusive method) 17.5 and 32.5.
    assert head.value == pytest.approx(25.0, abs=1e-3)
    assert head.peer_median == pytest.approx(25.0, abs=1e-3)
    assert head.peer_q1 == pytest.approx(17.5, abs=1e-3) and head.peer_q3 == pytest.approx(32.5, abs=1e-3)
    assert (head.peer_min, head.peer_max) == (pytest.approx(10.0, abs=1e-3), pytest.approx(40.0, abs=1e-3))
    assert head.position == "within_quartiles" and head.rank == 3 and head.peers_with_data == 4
    share = next(m for m in p.metrics if m.key == "it_share")
    it = 25.0 * _pop(DARLINGTON)
    assert share.value == pytest.approx(100 * it / (it + 12000), abs=1e-3)
    # Similar councils without data are suggested; other tiers never.
    assert all(x.council.tier == "unitary" and not x.has_data for x in p.suggested_without_data)


def test_user_peers_and_positions(hand: Hand) -> None:
    _build(hand)
    p = analytics.peers(hand.wh, STOCKTON, 2021, peer_codes=[GATESHEAD, "Hartlepool"])
    assert [x.council.gss_code for x in p.peers] == [GATESHEAD, HARTLEPOOL]
    assert all(x.chosen_by == "user" for x in p.peers)
    head = next(m for m in p.metrics if m.key == "it_per_head")
    assert head.position == "highest" and head.rank == 1  # 40 against 5 and 10
    assert head.peer_median == pytest.approx(7.5, abs=1e-3)


def test_incomplete_peer_year_is_left_out(hand: Hand) -> None:
    _build(hand)
    hand.pay("E06000047", "2021-05-15", 99999, "X", code="software")  # County Durham, one month only
    p = analytics.peers(hand.wh, DARLINGTON, 2021)
    durham = [x for x in p.peers if x.council.gss_code == "E06000047"]
    head = next(m for m in p.metrics if m.key == "it_per_head")
    if durham:  # within the size band: listed, but not counted
        assert durham[0].months_covered == 1
        assert any("County Durham" in n for n in p.notes)
    assert head.peers_with_data == 4


def test_no_peers_with_data(hand: Hand) -> None:
    hand.pay(GATESHEAD, "2021-05-01", 100, "A", code="software")
    p = analytics.peers(hand.wh, GATESHEAD, 2021)
    assert p.peers == []
    assert all(m.position == "no_peers" for m in p.metrics)
    assert any("No comparable council" in n for n in p.notes)


def test_similarity_distance_is_documented_sum() -> None:
    cfg = load_settings().peers

    def info(code: str, pop: int, label: str) -> CouncilInfo:
        return CouncilInfo(
            gss_code=code,
            name=code,
            official_name=code,
            tier="district",
            region=None,
            population=pop,
            rural_urban=None,
            peer_label=label,
        )

    subject = info("A", 100_000, "Urban; x")
    same = info("B", 100_000, "Urban; y")
    double = info("C", 200_000, "Rural; y")
    d_same, _ = similarity(subject, "Urban", same, "Urban", cfg)
    d_double, reasons = similarity(subject, "Urban", double, "Rural", cfg)
    assert d_same == 0.0
    # ln(2) + rurality penalty 0.5 + area-type penalty 0.25
    assert d_double == pytest.approx(0.693147 + 0.5 + 0.25, abs=1e-4)
    assert "population 200,000 (2.00×)" in reasons

"""Probity flags on hand-built warehouses; what should be flagged is worked out by hand below.

Thresholds in force in 2021-22 (settings.yaml): no quote limits unless set (the tests set general ones
of £5,000 and £25,000, risk signals, or a council's own, possible breaches), the £25,000 Contracts
Finder threshold (until 23 February 2025), the
supplies-and-services threshold £189,330 (2021) then £213,477 (2022), works £4,733,252 then
£5,336,937, light-touch £663,540. A payment must be at least 20% of a threshold to count towards it.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from analytics_hand import DARLINGTON, HARTLEPOOL, Hand

from bestvalue import analytics
from bestvalue.analytics import sql
from bestvalue.analytics.probity import benford_test, thresholds
from bestvalue.analytics.settings import QuoteLimit, Settings

SETTINGS = analytics.load_settings()
# General quote limits (for every council without its own): splits under them are risk signals.
LIMITS = SETTINGS.model_copy(deep=True)
LIMITS.probity.quote_limits = [
    QuoteLimit(amount=5000, label="quote limit (three written quotes)"),
    QuoteLimit(amount=25000, label="quote limit (formal quotation)"),
]


def pay(
    hand: Hand, date: str, amount: float, supplier: str, *, expense: str | None = None, **kw: object
) -> int:
    """A Darlington payment line, with an expense type when given (``code`` defaults to goods)."""
    kw.setdefault("code", "other")
    spend_id = hand.pay(DARLINGTON, date, amount, supplier, **kw)  # type: ignore[arg-type]
    if expense is not None:
        hand.wh.execute("UPDATE spend SET expense_type = ? WHERE spend_id = ?", [expense, spend_id])
    return spend_id


def splits(r: analytics.Flags) -> list[tuple[str | None, float | None, float, int, str]]:
    return sorted(
        (f.supplier_id, f.threshold, f.amount, f.evidence_count, f.severity)
        for f in r.flags
        if f.kind == "split_payments"
    )


def _split_build(hand: Hand) -> None:
    # Two payments under the £5,000 example quote limit, £5,500 together: a risk signal.
    pay(hand, "2021-05-03", 3000, "SP", dept="Parks", txn="1")
    pay(hand, "2021-05-06", 2500, "SP", dept="Parks", txn="2")
    # 16,000 + 15,000: each under the £25,000 Contracts Finder threshold, £31,000 together: a possible
    # breach (statutory, so it wins over the £25,000 example quote limit).
    pay(hand, "2021-06-01", 16000, "SQ", dept="Highways", txn="3")
    pay(hand, "2021-06-04", 15000, "SQ", dept="Highways", txn="4")
    # Three departments buying the same thing, £2,000 each within three days: the rules aggregate a
    # requirement across the council, so £6,000 against the £5,000 example limit.
    for i, dept in enumerate(("A", "B", "C")):
        pay(hand, f"2021-07-0{i + 1}", 2000, "SR", dept=dept, txn=f"r{i}")
    # Six payments of £1,500 in six days: more than five payments, a busy supplier, no flag.
    for i in range(6):
        pay(hand, f"2021-08-0{i + 1}", 1500, "SS", dept="Parks", txn=f"s{i}")
    # Regulated thresholds by date: £189,330 in December 2021, £213,477 from January 2022.
    pay(hand, "2021-12-20", 100000, "BIG2", dept="Waste", txn="5")
    pay(hand, "2021-12-22", 100000, "BIG2", dept="Waste", txn="6")
    pay(hand, "2022-01-10", 110000, "BIG", dept="Waste", txn="7")
    pay(hand, "2022-01-12", 110000, "BIG", dept="Waste", txn="8")
    pay(hand, "2022-02-01", 100000, "BIG3", dept="Waste", txn="9")  # 200,000 < 213,477
    pay(hand, "2022-02-03", 100000, "BIG3", dept="Waste", txn="10")
    # Lines of one transaction are one payment: 2 x 2,000 is one payment of 4,000, no split.
    pay(hand, "2021-09-01", 2000, "ST", dept="Parks", txn="11")
    pay(hand, "2021-09-01", 2000, "ST", dept="Parks", txn="11")


def test_threshold_table_by_date() -> None:
    def in_force(day: dt.date) -> set[tuple[float, str, str]]:
        return {
            (t.amount, t.regime, t.source)
            for t in thresholds(SETTINGS.probity, DARLINGTON)
            if t.start <= day <= t.end
        }

    end25 = in_force(dt.date(2025, 12, 31))
    assert {
        (214904, "goods_services", "statutory"),
        (5372609, "works", "statutory"),
        (663540, "light_touch", "statutory"),
        (30000, "all", "statutory"),
    } == end25
    general = {(t.amount, t.source) for t in thresholds(LIMITS.probity, DARLINGTON) if t.regime == "all"}
    assert {(5000, "example"), (25000, "example")} <= general
    jan26 = {a for a, *_ in in_force(dt.date(2026, 1, 1))}
    assert {207720, 5193000, 663540, 30000} <= jan26 and 214904 not in jan26
    # PCR 2015: the £25,000 Contracts Finder threshold, no notifiable £30,000 yet.
    fy21 = in_force(dt.date(2021, 6, 1))
    assert (25000, "all", "statutory") in fy21 and not [t for t in fy21 if t[0] == 30000]
    # Before PCR 2015 light-touch services had no threshold by value.
    assert not [t for t in in_force(dt.date(2014, 6, 1)) if t[1] == "light_touch"]
    own = SETTINGS.model_copy(deep=True)
    own.probity.council_quote_limits = {DARLINGTON: [QuoteLimit(amount=10000, label="Darlington quotes")]}
    assert {(t.amount, t.source) for t in thresholds(own.probity, DARLINGTON) if t.regime == "all"} >= {
        (10000, "council")
    }


def test_split_payments(hand: Hand) -> None:
    _split_build(hand)
    # By default no quote limits are set: the statutory thresholds only, and a note says so.
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert splits(r) == [
        ("BIG", 213477, 220000, 2, "possible_breach"),
        ("BIG2", 189330, 200000, 2, "possible_breach"),
        ("SQ", 25000, 31000, 2, "possible_breach"),
    ]
    assert [n for n in r.notes if "No quote limits are set" in n]
    r = analytics.flags(hand.wh, DARLINGTON, 2021, settings=LIMITS)
    assert splits(r) == [
        ("BIG", 213477, 220000, 2, "possible_breach"),
        ("BIG2", 189330, 200000, 2, "possible_breach"),
        ("SP", 5000, 5500, 2, "risk_signal"),
        ("SQ", 25000, 31000, 2, "possible_breach"),
        ("SR", 5000, 6000, 3, "risk_signal"),
    ]
    sq = next(f for f in r.flags if f.supplier_id == "SQ")
    assert sq.parameters["threshold_source"] == "statutory" and sq.parameters["regime"] == "all"
    assert "Contracts Finder" in str(sq.parameters["threshold_label"])
    sr = next(f for f in r.flags if f.supplier_id == "SR")
    assert sr.parameters["department"] == "A, B, C" and "general quote limit" in sr.detail
    assert not r.contracts_loaded and r.counts["split_payments"] == 5


def test_council_quote_limits_make_splits_possible_breaches(hand: Hand) -> None:
    _split_build(hand)
    own = LIMITS.model_copy(deep=True)
    own.probity.council_quote_limits = {DARLINGTON: [QuoteLimit(amount=5000, label="Darlington quote limit")]}
    r = analytics.flags(hand.wh, DARLINGTON, 2021, settings=own)
    assert not [n for n in r.notes if "No quote limits are set" in n]
    found = {f.supplier_id: (f.threshold, f.severity) for f in r.flags if f.kind == "split_payments"}
    assert found["SP"] == (5000, "possible_breach") and found["SR"] == (5000, "possible_breach")


def test_genuine_split_is_flagged_and_regular_trade_is_not(hand: Hand) -> None:
    # A genuine split: one supplier, one kind of thing, 12,000 + 14,000 within a week and nothing
    # else all year: 26,000 over the £25,000 Contracts Finder threshold, 100% of its trade.
    pay(hand, "2021-06-01", 12000, "SPLIT", txn="a1")
    pay(hand, "2021-06-08", 14000, "SPLIT", txn="a2")
    # A regular package booked as goods: two payments at the start of every month, the amounts
    # drifting so that none repeats. Each month's pair is 29,000 + 17i (over £25,000), but a month is
    # 1/12 of the year's trade (under half) and the usual month (median 29,093.50) is the same size
    # (under 3x): regular trade, not a split.
    for i in range(12):
        month = dt.date(2021, 4, 1) + dt.timedelta(days=31 * i)
        first = month.replace(day=1)
        pay(hand, str(first), 15000 + 10 * i, "PACKAGE", txn=f"p{i}a")
        pay(hand, str(first.replace(day=5)), 14000 + 7 * i, "PACKAGE", txn=f"p{i}b")
    # A regular small supplier (5,000 + i each month) with one burst in November: 13,000 + 14,500
    # = 27,500 within a week. The burst is 31% of the year's 87,566 (under half) but 5.5 times the
    # usual month (median of the monthly totals 5,005.50): it stands out, a possible split.
    for i in range(12):
        first = (dt.date(2021, 4, 1) + dt.timedelta(days=31 * i)).replace(day=1)
        pay(hand, str(first), 5000 + i, "BURST", txn=f"b{i}")
    pay(hand, "2021-11-10", 13000, "BURST", txn="b-x")
    pay(hand, "2021-11-16", 14500, "BURST", txn="b-y")
    # Instalments: 13,000 twice in June (26,000, 67% of the year's 39,000) and again in October: the
    # run's amounts recur outside it, so it is a package paid every period, not a split.
    for day, txn in (("2021-06-01", "i1"), ("2021-06-08", "i2"), ("2021-10-01", "i3")):
        pay(hand, day, 13000, "INST", txn=txn)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert splits(r) == [
        ("BURST", 25000, 27500, 2, "possible_breach"),
        ("SPLIT", 25000, 26000, 2, "possible_breach"),
    ]
    burst = next(f for f in r.flags if f.supplier_id == "BURST")
    assert burst.parameters["months_paid"] == 12 and burst.parameters["usual_month"] == 5005.5
    assert burst.parameters["span_total"] == 87566
    split = next(f for f in r.flags if f.supplier_id == "SPLIT")
    assert split.parameters["span_total"] == 26000 and "100%" in split.detail
    assert [row.amount for row in split.rows] == [12000, 14000]


def test_threshold_follows_the_kind_of_spend(hand: Hand) -> None:
    # 100,000 + 95,000 = 195,000 within a week: over £189,330 for supplies and services only.
    for supplier, code in (("GOODS", "other"), ("LEGAL", "281300"), ("BUILD", "391110")):
        pay(hand, "2021-09-01", 100000, supplier, code=code, txn=f"{supplier}1")
        pay(hand, "2021-09-06", 95000, supplier, code=code, txn=f"{supplier}2")
    # Care bought per person (ProClass 321017): 14,000 + 13,000 is over £25,000, but care is tested
    # against the light-touch threshold only (£663,540), not quote limits or Contracts Finder.
    pay(hand, "2021-10-01", 14000, "CARE", code="321017", txn="c1")
    pay(hand, "2021-10-05", 13000, "CARE", code="321017", txn="c2")
    # Social care supplies (ProClass 3213xx) are goods: the same amounts are a possible split.
    pay(hand, "2021-10-01", 14000, "HOIST", code="321312", txn="h1")
    pay(hand, "2021-10-05", 13000, "HOIST", code="321312", txn="h2")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert splits(r) == [
        ("GOODS", 189330, 195000, 2, "possible_breach"),
        ("HOIST", 25000, 27000, 2, "possible_breach"),
    ]
    goods = next(f for f in r.flags if f.supplier_id == "GOODS")
    assert goods.parameters["regime"] == "goods_services"


def test_split_ignores_payments_that_are_not_purchases(hand: Hand) -> None:
    # The same 12,000 + 14,000 within a week as a genuine split, but not purchases:
    pay(hand, "2021-05-03", 12000, "HMRC", txn="t1", payment_kind="not_purchase")  # classification
    pay(hand, "2021-05-06", 14000, "HMRC", txn="t2", payment_kind="not_purchase")
    pay(hand, "2021-05-03", 12000, "NORTHSHIRE COUNCIL", txn="c1")  # another public body
    pay(hand, "2021-05-06", 14000, "NORTHSHIRE COUNCIL", txn="c2")
    pay(hand, "2021-05-03", 12000, "FRIENDS", txn="g1", expense="Grants to Voluntary Organisations")
    pay(hand, "2021-05-06", 14000, "FRIENDS", txn="g2", expense="Grants to Voluntary Organisations")
    pay(hand, "2021-05-03", 12000, "LANDLORD", txn="r1", code="202000")  # ProClass rents
    pay(hand, "2021-05-06", 14000, "LANDLORD", txn="r2", code="202000")
    pay(hand, "2021-05-03", 12000, "POWER", txn="e1", expense="Electricity")  # billed as used
    pay(hand, "2021-05-06", 14000, "POWER", txn="e2", expense="Electricity")
    pay(hand, "2021-05-03", 12000, "Ann Person", txn="p1", payee_kind="individual")
    pay(hand, "2021-05-06", 14000, "Ann Person", txn="p2", payee_kind="individual")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert splits(r) == []


def test_split_needs_the_same_kind_of_thing(hand: Hand) -> None:
    # 12,000 of training and 14,000 of equipment from one supplier in a week: two requirements.
    pay(hand, "2021-05-03", 12000, "MIXED", txn="m1", expense="Training")
    pay(hand, "2021-05-06", 14000, "MIXED", txn="m2", expense="Equipment")
    pay(hand, "2021-05-03", 12000, "SAME", txn="s1", expense="Equipment")
    pay(hand, "2021-05-06", 14000, "SAME", txn="s2", expense="Equipment")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert splits(r) == [("SAME", 25000, 26000, 2, "possible_breach")]
    assert next(f for f in r.flags if f.supplier_id == "SAME").parameters["family"] == "equipment"


def test_split_skipped_under_live_contract(hand: Hand) -> None:
    _split_build(hand)
    hand.contract("C-SQ", DARLINGTON, "SQ", value=100000, start="2021-01-01", end="2023-12-31")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert "SQ" not in {f.supplier_id for f in r.flags if f.kind == "split_payments"}


def _contract_build(hand: Hand) -> None:
    p = hand.pay
    hand.contract("C-WC", DARLINGTON, "WC", value=100000, start="2020-01-01", end="2024-01-01")
    hand.contract("C-BV", DARLINGTON, "BV", value=50000, start="2020-04-01", end="2021-09-30")
    p(DARLINGTON, "2021-05-01", 20000, "NC", code="other")  # 35,000 with no contract
    p(DARLINGTON, "2021-08-01", 15000, "NC", code="other")
    p(DARLINGTON, "2021-06-01", 50000, "WC", code="other")  # under contract
    p(DARLINGTON, "2021-06-01", 10000, "SMALL", code="other")  # under £30,000
    p(DARLINGTON, "2021-06-01", 40000, "Ann Person", code="other", payee_kind="individual")
    p(DARLINGTON, "2021-06-01", 40000, "UNRESOLVED LTD", code="other", resolved=False)
    # Contract BV: 50,000 (+10% tolerance = 55,000) from 2020-04-01 to 2021-09-30 (+90 days' grace).
    p(DARLINGTON, "2020-06-01", 30000, "BV", code="other")  # running 30,000 (previous year)
    p(DARLINGTON, "2021-05-01", 20000, "BV", code="other")  # running 50,000
    p(DARLINGTON, "2021-06-01", 10000, "BV", code="other")  # running 60,000: beyond value
    p(DARLINGTON, "2022-02-01", 1000, "BV", code="other")  # beyond value and after the end


def test_contract_flags(hand: Hand) -> None:
    _contract_build(hand)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert r.contracts_loaded
    nc = [f for f in r.flags if f.kind == "no_contract"]
    assert [(f.supplier_id, f.amount, f.evidence_count, f.severity) for f in nc] == [
        ("NC", 35000, 2, "risk_signal")
    ]
    assert nc[0].parameters["months"] == 2 and nc[0].parameters["regular"] is False
    beyond = {f.parameters["basis"]: f for f in r.flags if f.kind == "beyond_contract"}
    assert set(beyond) == {"value", "end_date"}
    assert sorted(str(row.spend_date) for row in beyond["value"].rows) == ["2021-06-01", "2022-02-01"]
    assert beyond["value"].amount == 11000 and beyond["value"].threshold == 50000
    assert [str(row.spend_date) for row in beyond["end_date"].rows] == ["2022-02-01"]
    assert beyond["end_date"].amount == 1000 and beyond["end_date"].severity == "possible_breach"
    # The notice about missing contract records only when none are loaded.
    assert not [n for n in r.notes if "contract records" in n.lower()]


def test_no_contract_counts_purchases_only_and_names_regular_payments(hand: Hand) -> None:
    hand.contract("C-X", DARLINGTON, "OTHER", value=1000, start="2021-01-01", end="2023-01-01")
    # 3,000 on the first of every month: 36,000 over £30,000 in 12 months, a regular arrangement.
    for i in range(12):
        first = (dt.date(2021, 4, 1) + dt.timedelta(days=31 * i)).replace(day=1)
        pay(hand, str(first), 3000, "REG", txn=f"m{i}")
    pay(hand, "2021-06-01", 40000, "NORTHSHIRE COUNCIL", txn="pb")  # another public body
    pay(hand, "2021-06-01", 40000, "FRIENDS", txn="gr", expense="Grants")  # a grant
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    nc = [f for f in r.flags if f.kind == "no_contract"]
    assert [(f.supplier_id, f.amount, f.evidence_count) for f in nc] == [("REG", 36000, 12)]
    assert nc[0].parameters["months"] == 12 and nc[0].parameters["regular"] is True
    assert "ongoing contract or care package" in nc[0].detail


def test_round_sums(hand: Hand) -> None:
    for amount in (5000, 6000, 10000, 5500):
        hand.pay(DARLINGTON, "2021-05-01", amount, "RS", code="other", dept=f"D{amount}")
    for amount in (7000, 8000):
        hand.pay(DARLINGTON, "2021-05-01", amount, "RT", code="other", dept=f"D{amount}")
    # 6,000 every month: one round amount in 12 months is a fixed fee, not a cluster of round sums.
    for i in range(12):
        first = (dt.date(2021, 4, 1) + dt.timedelta(days=31 * i)).replace(day=1)
        pay(hand, str(first), 6000, "FEE", txn=f"f{i}")
    # Three round sums among seven payments of £5,000 or more (43%, under half): an invoiced supplier.
    for i, mixed in enumerate((5000.0, 6000.0, 7000.0, 5100.5, 6200.25, 7300.75, 8400.1)):
        pay(hand, "2021-07-01", mixed, "MOSTLY", txn=f"x{i}")
    # Round grants are expected: not purchases.
    for amount in (5000, 6000, 7000):
        pay(hand, "2021-06-01", amount, "FRIENDS", txn=f"g{amount}", expense="Grants")
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    rs = [f for f in r.flags if f.kind == "round_sums"]
    assert [(f.supplier_id, f.amount, f.evidence_count, len(f.rows)) for f in rs] == [("RS", 21000, 3, 3)]
    assert rs[0].severity == "risk_signal"
    assert rs[0].parameters["amounts"] == 3 and rs[0].parameters["months"] == 1
    assert rs[0].parameters["lines"] == 4 and "3 of the 4 purchase lines" in rs[0].detail


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
    assert ben[0].severity == "risk_signal" and "whole population" in ben[0].detail
    assert ben[0].evidence_count == 1000 and len(ben[0].rows) == SETTINGS.evidence_limit
    assert all(str(row.amount).startswith("9") for row in ben[0].rows)
    assert analytics.evidence_rows(hand.wh, ben[0].evidence, limit=0).total_rows == 1000


def test_benford_is_never_a_breach(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("probity:\n  severity:\n    benford: possible_breach\n", encoding="utf-8")
    with pytest.raises(ValueError, match="risk signal"):
        analytics.load_settings(path)


def test_one_notice_about_missing_contracts(hand: Hand) -> None:
    _split_build(hand)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert len([n for n in r.notes if "contract records" in n.lower()]) == 1


def test_every_flag_has_evidence(hand: Hand) -> None:
    _split_build(hand)
    _contract_build(hand)
    r = analytics.flags(hand.wh, DARLINGTON, 2021)
    assert r.flags
    for f in r.flags:
        assert f.rows and f.evidence_count >= len(f.rows)
        assert f.severity in ("possible_breach", "risk_signal")


def test_settings_type() -> None:
    assert isinstance(SETTINGS, Settings)


def test_bind_writes_patterns_as_literals() -> None:
    text, params = sql.bind(
        "SELECT $year, regexp_matches(x, $not_words) FROM t", {"year": 2021, "not_words": "it's", "other": 1}
    )
    assert text == "SELECT $year, regexp_matches(x, 'it''s') FROM t" and params == {"year": 2021}
    with pytest.raises(KeyError):
        sql.bind("SELECT $council", {})

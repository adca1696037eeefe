"""IT spend baseline on a hand-built warehouse; expected figures worked out by hand below."""

from __future__ import annotations

import pytest
from analytics_hand import DARLINGTON, Hand

from bestvalue import analytics
from bestvalue.analytics.models import SpendFilter
from bestvalue.analytics.settings import load_settings
from bestvalue.reference.councils import council_by_code


def _build(hand: Hand) -> None:
    # FY2021 (April 2021 to March 2022) for Darlington:
    hand.pay(DARLINGTON, "2021-04-10", 1000, "S1", code="software", dept="ICT")  # Q1, IT software
    hand.pay(DARLINGTON, "2021-07-05", 3000, "S2", code="telecoms", dept="ICT")  # Q2, IT telecoms
    hand.pay(DARLINGTON, "2021-08-01", -200, "S2", code="telecoms", dept="ICT")  # Q2, credit
    hand.pay(
        DARLINGTON, "2021-11-15", 400, "Jane Doe", code="services", dept="Adults", payee_kind="individual"
    )  # Q3, IT, no supplier
    hand.pay(DARLINGTON, "2022-03-31", 500, "S1", code="271440", dept="Finance")  # Q4, IT software
    hand.pay(DARLINGTON, "2021-05-01", 10000, "S3", code="other", dept="Housing")  # not IT
    hand.pay(DARLINGTON, "2021-06-01", 2000, "S3", classified=False, dept="Housing")  # unclassified
    # Outside the year:
    hand.pay(DARLINGTON, "2022-04-01", 999, "S1", code="software")  # FY2022
    hand.pay(DARLINGTON, "2021-03-31", 777, "S1", code="software")  # FY2020


def test_baseline_totals_range_and_breakdowns(hand: Hand) -> None:
    _build(hand)
    b = analytics.baseline(hand.wh, DARLINGTON, 2021)
    population = council_by_code(DARLINGTON).population  # type: ignore[union-attr]
    # total = 1000 + 3000 - 200 + 400 + 500 + 10000 + 2000 = 16,700
    # IT = 1000 + 3000 - 200 + 400 + 500 = 4,700
    assert b.financial_year == 2021 and b.filters.year_label == "2021-22"
    assert b.total_spend == 16700
    assert b.it_spend == 4700
    assert b.it_share == pytest.approx(100 * 4700 / 16700, abs=1e-4)
    assert b.it_per_head == pytest.approx(4700 / population, abs=1e-4)
    assert b.coverage.unclassified_amount == 2000 and b.coverage.unclassified_rows == 1
    assert (b.it_range_low, b.it_range_high) == (4700, 6700)
    assert b.it_share_high == pytest.approx(100 * 6700 / 16700, abs=1e-4)
    assert b.it_rows == 5
    assert b.it_suppliers == 2  # S1 and S2; the individual is no supplier
    assert b.years_available == [2020, 2021, 2022]

    cats = {x.label: x.amount for x in b.by_category}
    assert cats == {"Software": 1500, "Telecommunications": 2800, "Services": 400}
    sups = {x.key: x.amount for x in b.by_supplier}
    assert sups == {"S2": 2800, "S1": 1500, "(none)": 400}
    assert [x.label for x in b.by_supplier][-1] == "Redacted or individual payees"
    assert {x.key: x.amount for x in b.by_department} == {"ICT": 3800, "Finance": 500, "Adults": 400}
    assert [(x.key, x.amount) for x in b.by_quarter] == [("1", 1000), ("2", 2800), ("3", 400), ("4", 500)]
    assert b.by_category[0].share == pytest.approx(100 * 2800 / 4700, abs=1e-4)


def test_breakdown_lines_lead_to_their_rows(hand: Hand) -> None:
    _build(hand)
    b = analytics.baseline(hand.wh, DARLINGTON, 2021, top=1)
    assert [(x.key, x.amount) for x in b.by_supplier] == [("S2", 2800), ("(all others)", 1900)]
    for line in [*b.by_supplier, *b.by_category, *b.by_department, *b.by_quarter]:
        page = analytics.evidence_rows(hand.wh, line.evidence, limit=100)
        assert page.total_amount == line.amount
        assert page.total_rows == line.rows == len(page.rows)
    whole = analytics.evidence_rows(hand.wh, b.evidence)
    assert whole.total_amount == 4700
    individual = [r for r in whole.rows if r.supplier_id is None]
    assert individual and individual[0].published_supplier is None  # never show a person's name
    assert individual[0].supplier == "Redacted or individual payee"
    assert all(r.source_file and r.source_line for r in whole.rows)


def test_council_by_name_and_default_year(hand: Hand) -> None:
    _build(hand)
    b = analytics.baseline(hand.wh, "Darlington Borough Council")
    # No year has 12 months of payments, so the latest year with any is used.
    assert b.council.gss_code == DARLINGTON and b.financial_year == 2022
    assert any("months" in n for n in b.notes)
    with pytest.raises(analytics.UnknownCouncil):
        analytics.baseline(hand.wh, "Nowhere-upon-Nothing")


def test_baseline_before_classification_and_resolution(hand: Hand) -> None:
    hand.pay(DARLINGTON, "2021-05-01", 700, "ACME LTD", classified=False, resolved=False)
    hand.pay(DARLINGTON, "2021-06-01", 300, "Acme  Ltd ", classified=False, resolved=False)
    b = analytics.baseline(hand.wh, DARLINGTON, 2021)
    assert b.total_spend == 1000 and b.it_spend == 0
    assert (b.it_range_low, b.it_range_high) == (0, 1000)
    assert not b.coverage.classification_ran and not b.coverage.resolution_ran
    assert any("classification has not run" in n for n in b.notes)
    page = analytics.evidence_rows(hand.wh, SpendFilter(council_code=DARLINGTON, it="unclassified"))
    # Unresolved names are grouped on their normalised published form.
    assert {r.supplier_id for r in page.rows} == {"name:acme ltd"}


def test_empty_year_and_summary(hand: Hand) -> None:
    _build(hand)
    b = analytics.baseline(hand.wh, DARLINGTON, 2015)
    assert b.total_spend == 0 and b.it_share is None and b.by_category == []
    s = analytics.council_summary(hand.wh, DARLINGTON)
    assert [(y.financial_year, y.it_spend) for y in s.years] == [(2020, 777), (2021, 4700), (2022, 999)]
    assert s.rows == 9 and s.sources == 1
    listed = analytics.list_councils(hand.wh)
    assert [c.council.gss_code for c in listed] == [DARLINGTON]
    assert listed[0].it_amount == 777 + 4700 + 999 and listed[0].years == [2020, 2021, 2022]


def test_search_is_literal(hand: Hand) -> None:
    _build(hand)
    hits = analytics.search(hand.wh, "darl").hits
    assert hits[0].kind == "council" and hits[0].key == DARLINGTON
    assert analytics.search(hand.wh, "%").hits == []  # too short, and never a wildcard
    assert [h.key for h in analytics.search(hand.wh, "s1").hits if h.kind == "supplier"] == ["S1"]
    assert analytics.search(hand.wh, "'; DROP TABLE spend; --").hits == []
    assert hand.wh.scalar("SELECT count(*) FROM spend") == 9


def test_every_insight_on_an_empty_warehouse(hand: Hand) -> None:
    wh = hand.wh
    assert analytics.list_councils(wh) == []
    b = analytics.baseline(wh, DARLINGTON)
    assert b.total_spend == 0 and b.coverage.rows == 0 and b.notes
    assert analytics.peers(wh, DARLINGTON).peers == []
    assert analytics.market(wh).categories == []
    assert analytics.lockin(wh, DARLINGTON).items == []
    assert analytics.collaboration(wh, DARLINGTON).opportunities == []
    assert analytics.savings(wh, DARLINGTON).signals == []
    f = analytics.flags(wh, DARLINGTON)
    assert f.flags == [] and f.benford.conformity == "too_few_payments"
    assert analytics.council_summary(wh, DARLINGTON).years == []
    assert analytics.search(wh, "darlington").hits[0].key == DARLINGTON


def test_uncertain_it_calls_lower_the_range(hand: Hand) -> None:
    # IT 1000 (published) + 600 (text model, 45%: uncertain) + 900 (text model, 80%); unclassified 250.
    hand.pay(DARLINGTON, "2021-05-01", 1000, "S1", code="software", method="published_proclass")
    hand.pay(DARLINGTON, "2021-06-01", 600, "S2", code="software", method="text_model", confidence=0.45)
    hand.pay(DARLINGTON, "2021-07-01", 900, "S3", code="software", method="text_model", confidence=0.8)
    hand.pay(DARLINGTON, "2021-08-01", 5000, "S4", code="other", method="text_model", confidence=0.3)
    hand.pay(DARLINGTON, "2021-09-01", 250, "S5", classified=False)
    b = analytics.baseline(hand.wh, DARLINGTON, 2021)
    assert b.it_spend == 2500 and b.it_uncertain == 600
    assert (b.it_range_low, b.it_range_high) == (1900, 2750)


def test_uncertain_threshold_comes_from_the_settings(hand: Hand) -> None:
    hand.pay(DARLINGTON, "2021-06-01", 600, "S2", code="software", method="text_model", confidence=0.45)
    hand.pay(DARLINGTON, "2021-07-01", 900, "S3", code="software", method="text_model", confidence=0.8)
    shipped = load_settings()
    stricter = shipped.model_copy(
        update={"baseline": shipped.baseline.model_copy(update={"uncertain_below": 0.85})}
    )
    b = analytics.baseline(hand.wh, DARLINGTON, 2021, settings=stricter)
    assert (b.it_uncertain, b.it_uncertain_below, b.it_range_low) == (1500, 0.85, 0)
    assert analytics.baseline(hand.wh, DARLINGTON, 2021).it_uncertain_below == 0.5

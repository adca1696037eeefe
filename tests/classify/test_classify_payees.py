"""The shipped payee rules: what kind of body a payee is, from its published name."""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl
import pytest

from bestvalue.classify.payees import (
    PUBLIC_KINDS,
    PayeeRule,
    first_match,
    payee_decisions,
    payee_rules,
    trade_decisions,
    trade_rules,
    with_payee_kind,
)
from bestvalue.classify.taxonomy import NONPROC, taxonomy


def _kind(name: str) -> str | None:
    got = with_payee_kind(pl.DataFrame({"supplier_name": [name]}))
    return got["payee_class"][0]


@pytest.mark.parametrize(("table", "out"), [(payee_rules, "payee_rule"), (trade_rules, "trade_rule")])
def test_name_rule_tables_are_well_formed(table: Callable[[], tuple[PayeeRule, ...]], out: str) -> None:
    tax = taxonomy()
    ids = [r.rule for r in table()]
    assert len(ids) == len(set(ids))
    for r in table():
        re.compile(r.pattern)
        if r.unless:
            re.compile(r.unless)
        assert r.code == "" or r.code in tax or r.code == NONPROC, r.rule
        assert (r.code == "") == (r.confidence == 0), r.rule
        assert r.examples and r.note, r.rule
    # every example is read by its own rule
    examples = [(e, r.rule) for r in table() for e in r.examples]
    got = dict(first_match(pl.Series([e for e, _ in examples]), table(), out).iter_rows())
    wrong = [(e, want, got.get(e)) for e, want in examples if got.get(e) != want]
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("HMRC", "tax_authority"),
        ("H.M. Revenue & Customs", "tax_authority"),
        ("Northshire Pension Fund", "pension_fund"),
        ("Pension Fund Actuarial Consultants Ltd", None),  # advisers to a fund are suppliers
        ("NHS Anytown CCG", "health_body"),
        ("Anytown Teaching Hospitals NHS Foundation Trust", "health_body"),
        ("NHS Professionals Ltd", None),  # a company that supplies staff
        ("Anytown Metropolitan Borough Council", "local_authority"),
        ("Anytown M.B.C.", "local_authority"),
        ("Littleton Parish Council", "local_authority"),
        ("Anytown Council Tax Recovery Ltd", None),
        ("Anytown Borough Homes", None),  # an arm's-length housing company
        ("Police and Crime Commissioner for Northshire", "emergency_body"),
        ("Northshire Fire & Rescue Service", "emergency_body"),
        ("Northshire Combined Authority", "transport_or_combined_authority"),
        ("Department for Education", "central_government"),
        ("Anytown Primary School", "school"),
        ("Anytown Driving School Ltd", None),
        ("Acme Software Ltd", None),
        ("Mr J Smith", None),
    ],
)
def test_payee_kinds(name: str, kind: str | None) -> None:
    assert _kind(name) == kind


def test_only_tax_and_pension_payees_and_named_trades_decide() -> None:
    combos = pl.DataFrame(
        {
            "k": [1, 2, 3, 4, 5, 6],
            "supplier_name": [
                "HMRC",
                "Northshire Pension Fund",
                "Anytown City Council",
                "Acme Ltd",
                "Acme Construction Ltd",
                "Anytown Council Building Construction Services",  # a public body: no trade decision
            ],
        },
        schema={"k": pl.UInt64, "supplier_name": pl.String},
    )
    got = {k: (c, conf) for k, c, conf, _ in payee_decisions(combos).iter_rows()}
    assert got == {1: (NONPROC, 0.9), 2: ("201810", 0.85)}
    trades = {k: (c, conf) for k, c, conf, _ in trade_decisions(combos).iter_rows()}
    assert trades == {5: ("391110", 0.7)}
    assert {"local_authority", "health_body", "central_government"} <= PUBLIC_KINDS
    assert "school" not in PUBLIC_KINDS and "pension_fund" not in PUBLIC_KINDS


@pytest.mark.parametrize(
    ("name", "level1"),
    [
        ("Northshire Construction Ltd", "Works - Construction, Repair & Maintenance"),
        ("J Smith T/A JS Builders", "Works - Construction, Repair & Maintenance"),
        ("Acme Construction Consultancy Ltd", None),  # consultants are not builders
        ("Anytown Builders Merchants", None),  # a builders' merchant sells materials
        ("Construction Industry Training Board", None),
        ("Little Stars Day Nursery", "Social Community Care Supplies & Services - Children"),
        ("Hillside Nurseries Ltd", None),  # a plant nursery
        ("Anytown Private Hire Ltd", "Passenger Transport"),
        ("Northshire Coaches Ltd", "Passenger Transport"),
        ("Acme Software Ltd", "Information Communication Technology"),
        ("Anytown Computer Services", "Information Communication Technology"),
        ("Kool-It-Services Ltd", None),  # refrigeration: "IT services" is not read
        ("Anytown Taxi Conversions Ltd", None),
        ("Acme IT Training Ltd", None),  # ProClass files ICT training under Human Resources
        ("Acme Telecom Ltd", "Information Communication Technology"),
        ("Northern Gas Networks Ltd", None),
        ("Anytown Primary School", None),  # a school: a payee kind, not a trade
    ],
)
def test_trade_decisions(name: str, level1: str | None) -> None:
    _check_trade(name, level1)


WORKS = "Works - Construction, Repair & Maintenance"
CHILDREN = "Social Community Care Supplies & Services - Children"
ICT = "Information Communication Technology"


@pytest.mark.parametrize(
    ("name", "level1"),
    [
        # published payee names a trade word once misread (each kept out by a general word)
        ("Groundwork Yorkshire Ltd", None),  # environmental charities: only plural "groundworks" is read
        ("GROUNDWORK NORTH EAST & CUMBRIA", None),
        ("Groundwork Manchester, Salford", None),
        ("The Leeds Groundwork Trust", None),
        ("THE GROUNDWORK SOUTH TRUST LTD", None),
        ("GROUNDWORK LEEDS", None),
        ("NATIONAL AMATEUR BODY BUILDERS ASSO", None),  # truncated "association"
        ("Water Plus - 4082169237 Towns Yard & Plumber", None),  # an account number: a utility bill
        ("UNDER CONSTRUCTION THEATRE", None),
        ("Site Safety Construction Products Ltd", None),
        ("Site Safety Construction", None),
        ("HUSQVARNA CONSTRUCTION PRODUCTS UK", None),
        ("CONSTRUCTION TESTING SOLUTIONS LTD", None),
        ("CONSTRUCTION STUDY CENTRE LTD", None),
        ("GLOBAL CONSTRUCTION PLANT & EQUIPMENT LTD", None),
        ("LAVENDER BLACK EVENT CONSTRUCTION LTD", None),
        ("BRIDGE BUILDER TRUST", None),
        ("B And T S Builders Mercha", None),  # truncated "merchants"
        ("Plumbland Plumbing And Heating Supp", None),  # truncated "supplies"
        ("SIG TRADING LTD T/A ASPHALTIC ROOFING SUPPS LTD", None),
        ("Www.Scaffolding-Direct.C", None),  # a web shop
        ("CHILDCARE VOUCHERS LTD", None),  # salary-sacrifice voucher schemes
        ("FIDELITI LIMITED T/A FIDELITI CHILDCARE VOUCHERS", None),
        ("Tax Free Childcare Scheme", None),
        ("National Day Nurseries Association", None),
        ("Laura Henry Childcare Consultancy Ltd", None),
        ("PRIVATE HIRE & TAXI MONTHLY LTD", None),  # a trade magazine
        ("Telecoms Property Consultancy Ltd", None),
        ("DELTA TELECOM SOUND & SECURITY LTD", None),
        ("Acme Telecare and Telecom Ltd", None),
        # true trades that must stay read
        ("John Wade Groundworks Ltd", WORKS),
        ("NASH GROUNDWORKS LTD", WORKS),
        ("G KUNDI BUILDERS AND PLUMBER", WORKS),
        ("ICE PLUMBING & WATER SERVICES", WORKS),
        ("WILLMOTT DIXON CONSTRUCTION LTD", WORKS),
        ("S&A PARSONS (BUILDING CONTRACTORS) LTD", WORKS),
        ("Balfour Beatty Civil Engineering Lt", WORKS),
        ("Electricity NW Construction & Maint", WORKS),
        ("BEACON CONSTRUCTION & NETWORKS LTD", WORKS),
        ("Kids Planet Day Nurseries", CHILDREN),
        ("Thrive Childcare Services Ltd", CHILDREN),
        ("STEPHED CHILDMINDERS", CHILDREN),
        ("The Park Playgroup", CHILDREN),
        # children's social care, not early-years places: the right level 1, too narrow a code
        ("Advanced Child Care Assessments Ltd", CHILDREN),
        ("Residential Child Care Community", CHILDREN),
        ("MAINLINE TAXIS ASSOCIATION", "Passenger Transport"),
        ("Exec-Coach Services", "Passenger Transport"),
        ("British Telecommunications Plc", ICT),
        ("Gamma Telecom Ltd", ICT),
        ("BUILDING SOFTWARE LIMITED", ICT),
    ],
)
def test_trade_words_on_published_payee_names(name: str, level1: str | None) -> None:
    _check_trade(name, level1)


def _check_trade(name: str, level1: str | None) -> None:
    combos = pl.DataFrame(
        {"k": [1], "supplier_name": [name]}, schema={"k": pl.UInt64, "supplier_name": pl.String}
    )
    got = trade_decisions(combos)
    tax = taxonomy()
    assert (tax.get(got["code"][0]).level1 if got.height else None) == level1, got["reason"].to_list()

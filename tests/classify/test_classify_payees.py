"""The shipped payee rules: what kind of body a payee is, from its published name."""

from __future__ import annotations

import re

import polars as pl
import pytest

from bestvalue.classify.payees import PUBLIC_KINDS, payee_decisions, payee_kinds, payee_rules, with_payee_kind
from bestvalue.classify.taxonomy import NONPROC, taxonomy


def _kind(name: str) -> str | None:
    got = with_payee_kind(pl.DataFrame({"supplier_name": [name]}))
    return got["payee_class"][0]


def test_payee_rule_table_is_well_formed() -> None:
    tax = taxonomy()
    ids = [r.rule for r in payee_rules()]
    assert len(ids) == len(set(ids))
    for r in payee_rules():
        re.compile(r.pattern)
        if r.unless:
            re.compile(r.unless)
        assert r.code == "" or r.code in tax or r.code == NONPROC, r.rule
        assert (r.code == "") == (r.confidence == 0), r.rule
        assert r.examples and r.note, r.rule


def test_every_example_is_read_by_its_own_rule() -> None:
    examples = [(e, r.rule) for r in payee_rules() for e in r.examples]
    got = dict(payee_kinds(pl.Series([e for e, _ in examples])).iter_rows())
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


def test_only_tax_and_pension_payees_decide() -> None:
    combos = pl.DataFrame(
        {
            "k": [1, 2, 3, 4],
            "supplier_name": ["HMRC", "Northshire Pension Fund", "Anytown City Council", "Acme Ltd"],
        },
        schema={"k": pl.UInt64, "supplier_name": pl.String},
    )
    got = {k: (c, conf) for k, c, conf, _ in payee_decisions(combos).iter_rows()}
    assert got == {1: (NONPROC, 0.9), 2: ("201810", 0.85)}
    assert {"local_authority", "health_body", "central_government"} <= PUBLIC_KINDS
    assert "school" not in PUBLIC_KINDS and "pension_fund" not in PUBLIC_KINDS

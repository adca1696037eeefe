"""The shipped mapping tables: council wordings and merchant categories → ProClass."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestvalue.classify.mapping import (
    GENERIC,
    NOTIT,
    map_merchant_categories,
    map_wordings,
    match_rules,
    merchant_categories,
    rules,
)
from bestvalue.classify.taxonomy import NONPROC, taxonomy
from bestvalue.classify.text import normalise, normalise_expr, supplier_key

SPECIAL = {GENERIC, NOTIT, NONPROC}


def _decide(wording: str) -> tuple[str | None, str | None]:
    m = map_wordings(pl.Series([normalise(wording)]))
    if m.height == 0:
        return None, None
    return m["code"][0], m["evidence"][0]


def test_rule_table_is_well_formed() -> None:
    tax = taxonomy()
    ids = [r.rule for r in rules()]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for r in rules():
        assert r.code in tax or r.code in SPECIAL, r.rule
        assert 0 <= r.confidence <= 1
        assert (r.confidence == 0) == (r.code == GENERIC), r.rule
        re.compile(r.pattern)
        if r.unless:
            re.compile(r.unless)
        assert r.note or r.code == GENERIC or r.examples, r.rule


def test_every_rule_example_is_decided_by_its_own_rule() -> None:
    examples = [(normalise(e), r.rule) for r in rules() for e in r.examples]
    got = dict(match_rules(pl.Series([w for w, _ in examples])).iter_rows())
    wrong = [(w, want, got.get(w)) for w, want in examples if got.get(w) != want]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize(
    ("wording", "code"),
    [
        # ICT, to the sub-category the wording supports
        ("ICT Software", "271440"),
        ("Ict Software Support & Maintenance", "271300"),
        ("Purch of Comp Equip", "271200"),
        ("Cmputer Eqt purchase", "271200"),
        ("Mobilephone Charges", "271800"),
        ("Landline Telephone Charges", "271700"),
        ("Telecomms Services", "271699"),
        ("Data Links", "271517"),
        ("Comms & Computing", "270000"),
        ("Cons ICT", "261517"),
        ("Printer/ Copier Rental & Maint", "271400"),
        # looks like ICT but is not
        ("Trng ICT", "261500"),
        ("Computer Insurance Premium", "201800"),
        ("Maths, Computing & Science", None),
        ("Postages", "301200"),
        ("Franking Machine Lease", "301200"),
        ("ISG Doors/Hardware", "391111"),
        ("INV STAT UNDERTAKERS", None),
        # not purchases
        ("PAYE Tax", NONPROC),
        ("Payments to H A", NONPROC),
        ("Parish Precepts", NONPROC),
        ("C.I.T.Awaiting Payment", NONPROC),
        ("Income: Fees and Charges", NONPROC),
        # broad groups
        ("Supplies and Services", GENERIC),
        ("Third Party Payments", GENERIC),
        ("Furn, Equip & Mats", GENERIC),
        ("Employees", NOTIT),
        ("Premises", NOTIT),
        # everything else
        ("Rest Home Payment", "321017"),
        ("Home Care - Private Contractor", "321014"),
        ("Agency Staff Costs - Non Teaching", "261400"),
        ("Electricity", "371000"),
        ("Tipping Charges", "182015"),
        ("Main Contractor", "391110"),
        ("Exam Fees", "171012"),
        # SeRCOP "payments to agencies" are payments to provider bodies, not agency staff
        ("Payts to Agencies", GENERIC),
        ("Agency Staff", "261400"),
        # vehicle and plant hire is not horticultural plants; parking enforcement is not staff travel
        ("EXT VEH & PLANT HIR", None),
        ("Bedding Plants", "241100"),
        ("CAR PARKING ENFORCEM", "350200"),
        ("Car Parking Permits", "261600"),
    ],
)
def test_wordings(wording: str, code: str | None) -> None:
    got, evidence = _decide(wording)
    assert got == code, (wording, got, evidence)


def test_unseen_wordings_borrow_a_close_neighbour() -> None:
    code, evidence = _decide("Mobile Fone Charges")
    assert code == "271800" and evidence is not None and "similarity" in evidence
    assert _decide("Quantum flux capacitors")[0] is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("7372", "271501"),
        ("5734", "271440"),
        ("4814", "271699"),
        ("5812", "111200"),
        ("3650", "261000"),  # a hotel chain code, in the 3501-3999 range
        ("COMP PROGRAMING,DATA PRCSNG,INTGRTD SYS DSGN SRVS", "271501"),
        ("LODGING-HOTELS,MOTELS,RESORTS-NOT CLASSIFIED", "261000"),
        ("5999", GENERIC),
    ],
)
def test_merchant_categories(value: str, code: str) -> None:
    m = map_merchant_categories(pl.Series([value]))
    assert m["code"].to_list() == [code]


def test_merchant_table_codes_exist() -> None:
    tax = taxonomy()
    for m in merchant_categories():
        assert m.code in tax or m.code in SPECIAL, m.mcc
        assert m.low <= m.high


@given(st.text(max_size=60))
def test_normalise_python_and_polars_agree(text: str) -> None:
    py = normalise(text)
    pol = pl.select(normalise_expr(pl.lit(text, dtype=pl.String))).item()
    assert (pol or "") == py
    assert normalise(py) == py


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Acme Co Ltd", "acme"),
        ("CIVICA UK LIMITED", "civica"),
        ("Capita Business Services plc", "capita business services"),
    ],
)
def test_supplier_key(name: str, key: str) -> None:
    assert supplier_key(name) == key

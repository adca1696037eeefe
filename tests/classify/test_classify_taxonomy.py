"""ProClass v17, CPV 2008 and the CPV → ProClass crosswalk shipped with the package."""

from __future__ import annotations

import pytest

from bestvalue.classify.taxonomy import cpv_codes, cpv_to_proclass, crosswalk, taxonomy

# The CPV families that are ICT (issue: software 48, IT services 72, computer equipment 30.2,
# network/telecoms equipment 32, telecoms services 64.2, repair 50.3, installation 51.3/51.6),
# with the sub-families inside them that are not ICT.
ICT_FAMILIES = ("48", "72", "302", "32", "642", "503", "513", "516", "3012", "30125")
NOT_ICT_INSIDE = ("323", "5034", "5131")


def test_proclass_v17_complete() -> None:
    tax = taxonomy()
    assert len(tax.codes) == 586
    assert len(tax.heads) == 32
    assert len(tax.ict_codes) == 29
    assert tax["151812"].is_ict and tax["151812"].level1_code == "270000"  # ICT though its digits say 15
    assert tax["271430"].level2_code == "271440" and tax["271430"].level == 3
    assert tax["270000"].level == 1


def test_cpv_complete() -> None:
    codes = cpv_codes()
    assert len(codes) == 9454
    assert codes["72000000"].startswith("IT services")


def test_crosswalk_rows_exist_in_both_taxonomies() -> None:
    tax = taxonomy()
    cpv = cpv_codes()
    prefixes = [r.cpv_prefix for r in crosswalk()]
    assert len(prefixes) == len(set(prefixes))
    for r in crosswalk():
        assert r.proclass_code in tax, r
        assert r.cpv_code[:8] in cpv, r
        assert (r.cpv_prefix + "0" * 8)[:8] == r.cpv_code[:8], r
        assert r.scope in ("ict", "coarse")
        assert (r.scope == "ict") == tax.is_ict(r.proclass_code), r


def test_every_ict_cpv_code_maps_to_an_ict_proclass_code() -> None:
    tax = taxonomy()
    missing = []
    for code in cpv_codes():
        if not code.startswith(ICT_FAMILIES) or code.startswith(NOT_ICT_INSIDE):
            continue
        row = cpv_to_proclass(code)
        if row is None or not tax.is_ict(row.proclass_code):
            missing.append(code)
    assert not missing, missing[:20]


def test_cpv_codes_outside_ict_do_not_map_to_ict() -> None:
    tax = taxonomy()
    leaks = [
        code
        for code in cpv_codes()
        if not code.startswith(ICT_FAMILIES)
        and (row := cpv_to_proclass(code)) is not None
        and tax.is_ict(row.proclass_code)
        and row.cpv_prefix
        not in ("71316", "42964", "42965", "31712111", "31712112", "79342410", "30192113", "30192320")
    ]
    assert not leaks, leaks[:20]


def test_each_ict_level2_group_is_reachable_from_cpv() -> None:
    tax = taxonomy()
    reached = {tax[r.proclass_code].level2_code for r in crosswalk() if r.scope == "ict"}
    groups = {tax[c].level2_code for c in tax.ict_codes}
    # Leasing (271210) and "not elsewhere classified" (279999) have no CPV counterpart.
    assert groups - reached <= {"271210", "279999", "270000"}


@pytest.mark.parametrize(
    ("cpv", "proclass"),
    [
        ("48000000-8", "271430"),
        ("72222300-0", "261517"),
        ("72267000-4", "271300"),
        ("30213000-5", "271200"),
        ("32250000-0", "271800"),
        ("64212000-5", "271800"),
        ("50320000-4", "271300"),
        ("45000000-7", "390000"),
        ("64110000-0", "301200"),
        ("32320000-2", "171111"),
    ],
)
def test_crosswalk_examples(cpv: str, proclass: str) -> None:
    row = cpv_to_proclass(cpv)
    assert row is not None and row.proclass_code == proclass

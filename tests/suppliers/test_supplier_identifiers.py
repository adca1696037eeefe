"""Identifier normalisation: Companies House, charity and VAT numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestvalue.suppliers.identifiers import charity_number, company_number, vat_check, vat_number


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("01800000", "01800000"),
        ("1800000", "01800000"),
        ("2051703", "02051703"),
        (" 0210 1073 ", "02101073"),
        ("GB-COH-00101073", "00101073"),
        ("SC123456", "SC123456"),
        ("sc 12345", "SC012345"),
        ("OC301234", "OC301234"),
        ("NI012345", "NI012345"),
        ("IP28178R", None),  # an FCA society number, not a Companies House number
        ("R0000123", "R0000123"),
        ("XX123456", None),  # unknown prefix
        ("00000000", None),
        ("N/A", None),
        ("", None),
        (None, None),
        ("123456789", None),  # nine digits
    ],
)
def test_company_number(published: object, expected: str | None) -> None:
    assert company_number(published) == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("1012345", "1012345"),
        ("212345", "212345"),
        ("1012345-1", "1012345"),
        ("SC012345", "SC012345"),
        ("SC12345", "SC012345"),
        ("NIC100001", "NIC100001"),
        ("12345", None),
        ("none", None),
    ],
)
def test_charity_number(published: object, expected: str | None) -> None:
    assert charity_number(published) == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("GB245719348", "245719348"),  # a real registration published in Trafford's files
        ("245 7193 48", "245719348"),
        ("GB 245 7193 48", "245719348"),
        ("GB0796642084", "796642084"),  # ten digits with a leading zero
        ("245719348000", "245719348"),  # branch trader suffix
        ("GB245719349", None),  # fails the check digits
        ("GB48670494", None),  # eight digits
        ("GD123", "GD123"),
        ("HA567", "HA567"),
        ("NA", None),
        ("000000000", None),
    ],
)
def test_vat_number(published: object, expected: str | None) -> None:
    assert vat_number(published) == expected


def test_vat_check_schemes() -> None:
    # 245719348: 2*8+4*7+5*6+7*5+1*4+9*3+3*2 = 146; 146 + 48 = 194 = 2 * 97 (old scheme)
    assert vat_check("245719348")
    assert not vat_check("245719347")


@given(st.text(max_size=30))
def test_normalisers_never_raise_and_are_idempotent(text: str) -> None:
    for normaliser in (company_number, charity_number, vat_number):
        once = normaliser(text)
        assert once is None or normaliser(once) == once

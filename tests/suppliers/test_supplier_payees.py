"""Who is a supplier: redactions and people's names never become suppliers."""

from __future__ import annotations

import pytest

from bestvalue.suppliers.payees import classify_payee

REDACTED = [
    "Redacted",
    "REDACTED - PERSONAL DATA",
    "Redacted, personal information",
    "Personal Data",
    "Private Individual",
    "Name withheld",
    "Withheld under GDPR",
    "Service User",
    "Foster Carers",
    "XXXXX",
    "Individual",
]
UNKNOWN = ["", "   ", "N/A", "Various", "-", "TBC", "Unknown"]
INDIVIDUALS = [
    "Mr J Smith",
    "MRS CLAIRE MUIL",
    "Dr Lisa Rippon",
    "Sarah Ray",
    "ROBERT IBBOTSON",
    "A Khatib",
    "B R W Sparrow",
    "A & C Galley",
    "SMITH J",
    "Smith, John",
    "Victoria Elizabeth Savage",
    "Nehal Patel",
    "Bereket Asmelash",
    "Mr & Mrs Jones",
]
SUPPLIERS = [
    "Capita Business Services Ltd",
    "Redactive Publishing Ltd",
    "Confidential Shredding Ltd",
    "Individual Care Services Ltd",
    "Dr Patel Shay Lane Medical Centre",
    "Travis Perkins Trading Company Ltd",
    "Nisha Doshi T/A Robin Rise Homes Lt",
    "Manchester City Council",
    "St Mary's Church",
    "O2 (UK) LTD",
    "360HC LTD",
    "Amazon.co.uk",
    "Weightmans LLP",
    "Paypoint",
    "Victoria Car Park",
    "Lord Of The Linens",
    "TAMESIDE M.B.C.",
]


@pytest.mark.parametrize("name", REDACTED)
def test_redacted(name: str) -> None:
    assert classify_payee(name).kind == "redacted"


@pytest.mark.parametrize("name", UNKNOWN)
def test_unknown(name: str) -> None:
    assert classify_payee(name).kind == "unknown"


@pytest.mark.parametrize("name", INDIVIDUALS)
def test_individuals(name: str) -> None:
    payee = classify_payee(name)
    assert payee.kind == "individual", payee.reason


@pytest.mark.parametrize("name", SUPPLIERS)
def test_suppliers(name: str) -> None:
    payee = classify_payee(name)
    assert payee.kind == "supplier", payee.reason


def test_reasons_are_given() -> None:
    assert "title" in classify_payee("Mr J Smith").reason
    assert classify_payee("Capita plc").reason == "has a legal form"

"""Table-driven tests of name normalisation and display names."""

from __future__ import annotations

import pytest

from bestvalue.suppliers.names import display_name, normalise

# (published name, expected key, expected legal form)
KEYS = [
    ("CAPITA BUSINESS SERVICES LTD", "capita business services", "company"),
    ("Capita Business Services Limited", "capita business services", "company"),
    ("Capita plc", "capita", "plc"),
    ("The Knoll Care Partnership ltd", "knoll care partnership", "company"),
    ("O2 (UK) LTD", "o2", "company"),
    ("Lyreco UK Limited", "lyreco", "company"),
    ("Sure Care (UK) Ltd", "sure care", "company"),
    ("UK Storage Company Ltd", "uk storage", "company"),
    ("Deloitte LLP", "deloitte", "llp"),
    ("Freedom Personal Safety CIC", "freedom personal safety", "cic"),
    ("Switchflicker CIO", "switchflicker", "cio"),
    ("Acme Widgets LLC", "acme widgets", "llc"),
    ("Wixted & Co", "wixted", "company"),
    ("Smith and Jones", "smith and jones", None),
    ("Smith & Jones", "smith and jones", None),
    ("Children & Families Across Borders", "children and families across borders", None),
    # branch / site / account qualifiers after the legal form are dropped
    ("HC-One Ltd (Kings Park)", "hc one", "company"),
    ("Maxwell Bond Ltd - Perm Placements", "maxwell bond", "company"),
    ("Weightmans LLP Solicitors", "weightmans", "llp"),
    ("Great Places Housing Assoc (RENT)", "great places housing association", None),
    ("Jigsaw Homes North - GENERAL", "jigsaw homes north", None),
    # without a legal form a qualifier stays: different organisations
    ("Age UK Trafford", "age trafford", None),
    # trading as: the legal entity when it has a legal form, the business when a person trades
    ("SAINT-GOBAIN BUILDING DISTRIBUTION LTD T/A JEWSON", "saint gobain building distribution", "company"),
    ("Nisha Doshi T/A Robin Rise Homes Lt", "robin rise homes", "company"),
    ("Enabl T/A Enabl Consulting Ltd", "enabl consulting", "company"),
    ("Tom Smith trading as Folksy Theatre", "folksy theatre", None),
    ("M Salloo C/O Hajra Salloo", "m salloo", None),
    # truncation of the legal form at a field width
    ("Arawak Walton Housing Association L", "arawak walton housing association", "cut"),  # Ltd or LLP
    # punctuation, initials, abbreviations, web and card noise
    ("Planit I.E. Limited", "planit i e", "company"),
    ("St Mary's Church", "saint marys church", None),
    ("Aspris Childrens Svcs Ltd", "aspris childrens services", "company"),
    ("Stockport MBC", "stockport metropolitan borough council", None),
    ("Www.Britishgas.Co.", "britishgas", None),
    ("Wf* Wayfair 3594667928", "wayfair", None),
    ("PAYPAL *EBAY", "ebay", None),
    ("Reach Housing &amp;amp; Enablement Services Ltd", "reach housing and enablement services", "company"),
    ("Café Nero Ltd", "cafe nero", "company"),
    ("Corona Energy Retail 4 Ltd", "corona energy retail 4", "company"),
    ("Limited Edition Events Ltd", "limited edition events", "company"),
]


@pytest.mark.parametrize(("published", "key", "form"), KEYS)
def test_key(published: str, key: str, form: str | None) -> None:
    norm = normalise(published)
    assert norm.key == key
    assert norm.legal_form == form


# Names that must share the exact-match key (compact: no spaces, no 'and').
SAME = [
    ("HC-One Limited", "HC One Ltd", "HCOne Ltd"),
    ("Planit I.E. Limited", "Planit IE Ltd", "PLANIT IE LIMITED"),
    ("British Gas", "Www.Britishgas.Co."),
    ("Marks & Spencer plc", "MARKS AND SPENCER PLC", "Marks and Spencer Limited"),
    ("Civica UK Ltd", "CIVICA", "Civica Uk Limited"),
]

DIFFERENT = [
    ("Capita Business Services Ltd", "Capita plc"),
    ("Corona Energy Ltd", "Corona Energy Retail 4 Ltd"),
    ("HC-One Ltd", "HC-One No.1 Ltd"),
    ("Age UK Trafford", "Age UK Salford"),
    ("Turning Point", "Turning Point Services Ltd"),
]


@pytest.mark.parametrize("names", SAME)
def test_same_compact_key(names: tuple[str, ...]) -> None:
    assert len({normalise(n).compact for n in names}) == 1


@pytest.mark.parametrize("pair", DIFFERENT)
def test_different_keys(pair: tuple[str, str]) -> None:
    assert normalise(pair[0]).compact != normalise(pair[1]).compact


def test_vcse_forms() -> None:
    assert normalise("Freedom Personal Safety CIC").vcse
    assert normalise("Willow Green CIO").vcse
    assert not normalise("Willow Green Ltd").vcse


def test_trading_as_is_recorded() -> None:
    assert normalise("SAINT-GOBAIN BUILDING DISTRIBUTION LTD T/A JEWSON").trading_as == "jewson"


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("Nisha Doshi T/A Robin Rise Homes Lt", "Robin Rise Homes Lt"),
        ("AIRBNB * HM88XBBP4H", "AIRBNB"),
        ("EXPEDIA 72089304889874", "EXPEDIA"),
        ("HOWDEN JOINERY LTD (1000060392)", "HOWDEN JOINERY LTD"),
        ("Pct Healthcare Ltd (Bolt)", "Pct Healthcare Ltd"),
        ("360HC LTD", "360HC LTD"),
        ("  Capita   plc ", "Capita plc"),
    ],
)
def test_display_name(published: str, shown: str) -> None:
    assert display_name(published, normalise(published).qualifier) == shown

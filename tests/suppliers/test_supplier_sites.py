"""Sites of a name published with its sites, brackets inside registered names, and misspelt
business words: table-driven normaliser
cases, the link rule on hand-built keys, and name lists where each pair must merge and its near
miss must not."""

from __future__ import annotations

import pytest

from bestvalue.suppliers.matching import FuzzyLink, sited_links
from bestvalue.suppliers.names import bracket_aside, normalise, site_owner
from bestvalue.suppliers.overrides import Overrides
from bestvalue.suppliers.resolver import NameTable, resolve

# (published, key, legal form)
MISSPELT = [
    ("Aspris Childrens Sevices CAMHS", "aspris childrens services camhs", None),
    ("PTSG ELECTRICAL SEVICES LTD", "ptsg electrical services", "company"),
    ("Vehicle Control Servces Ltd", "vehicle control services", "company"),
    ("Acme Serivces", "acme services", None),
    ("Acme Srvices Ltd", "acme services", "company"),
    ("Acme Servics", "acme services", None),
    ("Sevices Direct", "services direct", None),  # anywhere in the name
    ("Servicemaster Ltd", "servicemaster", "company"),  # a longer word is left alone
    ("ASL Traning Ltd", "asl training", "company"),
    ("Trainning Direct", "training direct", None),
]


@pytest.mark.parametrize(("published", "key", "form"), MISSPELT)
def test_misspelt_business_words(published: str, key: str, form: str | None) -> None:
    norm = normalise(published)
    assert (norm.key, norm.legal_form) == (key, form)


SITE_OWNERS = [
    ("Rossendale Sch - Aspris Child Svcs", "aspris child services"),
    ("Wave - Anglian Water Business (Natl", "anglian water business national"),
    ("Water Plus - 4082156767 Waverledge Allotment", "waverledge allotment"),
    ("Kings Road - Priory Group Ltd", ""),  # a company after the dash: its own name
    ("Acme Ltd - Leeds Branch", ""),  # a company before the dash: the site comes after
    ("Leeds - Acme", ""),  # one word after the dash: too little to be a name
    ("Acme Widgets Leeds", ""),  # no dash
]


@pytest.mark.parametrize(("published", "owner"), SITE_OWNERS)
def test_site_owner(published: str, owner: str) -> None:
    assert site_owner(published) == owner


ASIDES = [
    ("ASL (Highway Electrical) Training Ltd", "asl training"),
    ("Asl (Highway Electrical) Training L", "asl training"),  # a cut legal form
    ("Greens (Decorating) Contractors Ltd", "greens contractors"),
    ("Rix Petroleum (Hull) Ltd", ""),  # just before the legal form: part of the name
    ("Capstone Foster Care (South West) L", ""),
    ("Rix Petroleum (Hull) Ltd - Leeds Depot", ""),
    ("Acme (Highway Electrical) Training", ""),  # no legal form: not a registered name
    ("Acme Training Ltd (Leeds)", ""),  # a site after the legal form
]


@pytest.mark.parametrize(("published", "aside"), ASIDES)
def test_bracket_aside(published: str, aside: str) -> None:
    assert bracket_aside(published, normalise(published)) == aside


def pairs(links: list[FuzzyLink], keys: list[str]) -> set[frozenset[str]]:
    return {frozenset((keys[x.a], keys[x.b])) for x in links}


def test_sited_links() -> None:
    registered = {
        "aspris childrens services",  # published as 'Aspris Childrens Svcs Ltd Oliver Hs'
        "aspris child services",  # published as 'Aspris Child Svcs Ltd Arden College'
        "metro rod",  # registered, but never published with a site
        "kinder haven",
        "priory group",  # a parent: starts another registered name
        "priory group 2",
        "john smith",  # reads as a person's name
        "abbey school",
    }
    sited = {
        "aspris childrens services",
        "aspris child services",
        "kinder haven",
        "priory group",
        "john smith",
        "abbey school",
    }
    plain_keys = {
        "aspris childrens services camhs",  # a site after the name
        "rossendale school aspris child services",  # a site before the name, behind ' - '
        "kinder haven 2 westgate",
        "metro rod south yorkshire",  # no published sites: may be a franchisee
        "kinder haven services",  # a word naming another company of a group, not a site
        "kinder haven group leeds",
        "kinder haven north east leeds road",  # more than three words after the name
        "priory group fairhaven",  # after a parent
        "john smith leeds",  # after a person's name
        "nexus multi academy trust abbey school",  # the name after the dash has two words
    }
    keys = sorted(registered | plain_keys)
    owners = {
        "rossendale school aspris child services": "aspris child services",
        "nexus multi academy trust abbey school": "abbey school",
    }
    links = sited_links(
        keys,
        [k in registered for k in keys],
        [k in plain_keys for k in keys],
        [k in sited for k in keys],
        owners,
    )
    assert pairs(links, keys) == {
        frozenset({"aspris childrens services camhs", "aspris childrens services"}),
        frozenset({"rossendale school aspris child services", "aspris child services"}),
        frozenset({"kinder haven 2 westgate", "kinder haven"}),
    }


def resolved(names: list[str]) -> dict[str, str | None]:
    table = NameTable(
        names=names,
        rows=[1] * len(names),
        company=[None] * len(names),
        charity=[None] * len(names),
        vat=[None] * len(names),
        truncated=[False] * len(names),
        prior_id=[None] * len(names),
    )
    return dict(zip(names, resolve(table, Overrides(), set()).supplier_id, strict=True))


def test_pairs_that_merge_and_near_misses_that_do_not() -> None:
    ids = resolved(
        [
            "Aspris Child Svcs Ltd Arden College",
            "Aspris Childrens Svcs Ltd Oliver Hs",
            "Aspris Childrens Sevices CAMHS",
            "Rossendale Sch - Aspris Child Svcs",
            "Cliffe House Day Nursery Ltd Featherbank",
            "Cliffe House Day Nursery (Bramhope)",
            "PTSG Electrical Services Ltd",
            "PTSG ELECTRICAL SEVICES LTD",
            "ASL (Highway Electrical) Training Ltd",
            "ASL Traning Ltd",
            # near misses
            "Reeds Rains Ltd (Lettings)",  # a trade word after the legal form is no site
            "Reeds Rains (Bamber Bridge)",
            "Metro Rod Ltd",  # never published with a site: a place may be a franchisee
            "Metro Rod (South Yorkshire)",
            "Kinder Haven Ltd (Wyke)",
            "Kinder Haven Trading",  # another company of the group
            "Nexus Multi Academy Trust - Abbey School",
            "Abbey School Limited (Cheam)",  # a two-word name after the dash may be a site itself
            "Ackroyd Homes Ltd (Leeds)",
            "Ackroyd Holmes Leeds",  # a different word, not a misspelt business word
            "Rix Petroleum (Hull) Ltd",  # a company of a group, or a franchisee
            "Rix Petroleum Ltd",
        ]
    )
    for a, b in [
        ("Aspris Childrens Svcs Ltd Oliver Hs", "Aspris Childrens Sevices CAMHS"),
        ("Aspris Child Svcs Ltd Arden College", "Rossendale Sch - Aspris Child Svcs"),
        ("Aspris Child Svcs Ltd Arden College", "Aspris Childrens Sevices CAMHS"),
        ("Cliffe House Day Nursery Ltd Featherbank", "Cliffe House Day Nursery (Bramhope)"),
        ("PTSG Electrical Services Ltd", "PTSG ELECTRICAL SEVICES LTD"),
        ("ASL (Highway Electrical) Training Ltd", "ASL Traning Ltd"),
    ]:
        assert ids[a] == ids[b], (a, b)
    for a, b in [
        ("Reeds Rains Ltd (Lettings)", "Reeds Rains (Bamber Bridge)"),
        ("Metro Rod Ltd", "Metro Rod (South Yorkshire)"),
        ("Kinder Haven Ltd (Wyke)", "Kinder Haven Trading"),
        ("Nexus Multi Academy Trust - Abbey School", "Abbey School Limited (Cheam)"),
        ("Ackroyd Homes Ltd (Leeds)", "Ackroyd Holmes Leeds"),
        ("Rix Petroleum (Hull) Ltd", "Rix Petroleum Ltd"),
    ]:
        assert ids[a] != ids[b], (a, b)

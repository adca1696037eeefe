"""Branch, site, sites-of-a-sited-name, bracket-inside, misspelt-word, school-trust and
marked-initials rules: table-driven normaliser cases, the link rules on hand-built keys, and
hand-built name lists where each pair must merge and its near miss must not."""

from __future__ import annotations

import pytest

from bestvalue.engine import Warehouse
from bestvalue.suppliers.matching import acronym_links, branch_links, sited_links
from bestvalue.suppliers.names import bracket_aside, normalise, site_owner, site_stem
from bestvalue.suppliers.overrides import Overrides
from bestvalue.suppliers.resolver import NameTable, resolve
from bestvalue.suppliers.store import resolve_warehouse

# (published, key, legal form, qualifier)
NORMALISED = [
    # a school trust, then one of its schools: keyed on the trust
    ("Prospere Learn Trust Chorlt High", "prospere learning trust", None, "chorlt high"),
    ("Prospere Learning Trust-Pioneer Hse", "prospere learning trust", None, "pioneer house"),
    ("NEXUS MULTI ACADEMY TRUST - ABBEY SCHOOL", "nexus multi academy trust", None, "abbey school"),
    ("UNITED LEARNING TRUST (BARNSLEY ACADEMY)", "united learning trust", None, "barnsley academy"),
    ("Wellspring Academy Trust", "wellspring academy trust", None, ""),  # nothing after: unchanged
    ("Academy Trust Services", "academy trust services", None, ""),  # the trust words start the name
    # legal forms written as dotted letters or misspelt
    ("CREATE WAKEFIELD C.I.C", "create wakefield", "cic", ""),
    ("THE MEMORY TREE C.I.C.", "memory tree", "cic", ""),
    ("Acme Widgets P.L.C", "acme widgets", "plc", ""),
    ("Decor Systems Limiited", "decor systems", "company", ""),
    ("EMAP PUBLISHING LIMTED", "emap publishing", "company", ""),
    # single letters that only look like a legal form inside a name stay words
    ("A P L C Services", "a p l c services", None, ""),
]


@pytest.mark.parametrize(("published", "key", "form", "qualifier"), NORMALISED)
def test_normalised(published: str, key: str, form: str | None, qualifier: str) -> None:
    norm = normalise(published)
    assert (norm.key, norm.legal_form, norm.qualifier) == (key, form, qualifier)


SITE_STEMS = [
    ("Water Plus - 4082156767 Waverledge Allotment", "water plus"),
    ("SEFE Energy -100041428 - Consolidated", "sefe energy"),
    ("Skills and Work Solutions (GC Educa", "skills and work solutions"),  # cut inside a bracket
    ("Cohens Chemist (Altrincham)", ""),  # a closed bracket is part of the name
    ("Heron Foods Armley", ""),
    ("Capita - Leeds", ""),  # one word before the dash: too little to be a registered name
    ("Kings Road - Priory Group Ltd", ""),  # a company after the dash, not a site
]


@pytest.mark.parametrize(("published", "stem"), SITE_STEMS)
def test_site_stem(published: str, stem: str) -> None:
    assert site_stem(published) == stem


def pairs(links: list, keys: list[str]) -> set[frozenset[str]]:  # type: ignore[type-arg]
    return {frozenset((keys[x.a], keys[x.b])) for x in links}


def test_branch_tails() -> None:
    registered = {
        "tesco stores",
        "hill dickinson",
        "walker morris",
        "express solicitors",
        "corona energy",
        "metro rod",
        "belvoir lettings",
        "acme",
        "capita",
        "capita business services",
        "emap publishing",
    }
    keys = sorted(
        registered
        | {
            "tesco stores 2071",  # a store number: a branch
            "hill dickinson solicitors",  # the firm's profession
            "express solicitors client account",  # an account
            "walker morris client account",  # after a person's name: only the profession counts
            "walker morris solicitors",
            "emap publishing limted",  # a misspelt legal form
            "corona energy retail 4",  # a numbered company, not a store
            "metro rod south yorkshire",  # a place: may be a franchisee
            "belvoir lettings lincoln",
            "acme holdings",  # a parent company
            "capita business",  # 'capita' starts another registered name
            "walker morris property consultants",  # a word: another business
        }
    )
    has_form = [k in registered for k in keys]
    plain = [not r for r in has_form]
    assert pairs(branch_links(keys, has_form, plain, {}), keys) == {
        frozenset({"tesco stores 2071", "tesco stores"}),
        frozenset({"hill dickinson solicitors", "hill dickinson"}),
        frozenset({"express solicitors client account", "express solicitors"}),
        frozenset({"walker morris solicitors", "walker morris"}),
        frozenset({"emap publishing limted", "emap publishing"}),
    }


def test_sites_of_registered_names() -> None:
    keys = sorted(
        [
            "water plus",
            "water plus 4082156767 waverledge allotment",
            "skills and work solutions",
            "skills and work solutions gc educa",
            "age",  # 'Age UK': one word, never a stem
            "age traff",
            "priory group",
            "priory group 2",  # 'priory group' starts another registered name: a parent
            "priory group fairhaven",
            "kings road",  # the stem must be registered
            "kings road priory",
            "acme widgets",
            "widgets by acme",  # registered itself: a company, not a site
        ]
    )
    registered = {"water plus", "skills and work solutions", "priory group", "priory group 2"}
    registered |= {"acme widgets", "widgets by acme"}
    stems = {
        "water plus 4082156767 waverledge allotment": "water plus",
        "skills and work solutions gc educa": "skills and work solutions",
        "age traff": "age",
        "priory group fairhaven": "priory group",
        "kings road priory": "kings road",
        "widgets by acme": "acme widgets",
    }
    links = branch_links(keys, [k in registered for k in keys], [False] * len(keys), stems)
    assert pairs(links, keys) == {
        frozenset({"water plus", "water plus 4082156767 waverledge allotment"}),
        frozenset({"skills and work solutions", "skills and work solutions gc educa"}),
    }


def test_initials_with_small_words_in_lower_case() -> None:
    keys = sorted(
        [
            "tfgm",
            "transport for greater manchester",
            "dft",
            "department for transport",
            "department for trade",  # two keys fit 'DfT': ambiguous, no link
            "rospa",  # 'o' is no small word of 'Royal Society for the Prevention of Accidents'
            "royal society for the prevention of accidents",
            "cfbt",
            "cambridge for better teaching",  # a registered name is nobody's initials
        ]
    )
    marked = {"tfgm": "TfGM", "dft": "DfT", "rospa": "RoSPA", "cfbt": "CfBT"}
    registered = [k == "cambridge for better teaching" for k in keys]
    links = acronym_links(keys, [False] * len(keys), registered, {}, marked)
    assert pairs(links, keys) == {frozenset({"tfgm", "transport for greater manchester"})}


def resolved(names: list[str], company: dict[str, str] | None = None) -> dict[str, str | None]:
    company = company or {}
    table = NameTable(
        names=names,
        rows=[1] * len(names),
        company=[company.get(n) for n in names],
        charity=[None] * len(names),
        vat=[None] * len(names),
        truncated=[False] * len(names),
        prior_id=[None] * len(names),
    )
    return dict(zip(names, resolve(table, Overrides(), set()).supplier_id, strict=True))


def test_pairs_that_merge_and_near_misses_that_do_not() -> None:
    ids = resolved(
        [
            "Tesco Stores Ltd",
            "TESCO STORES 2071",
            "Hill Dickinson LLP",
            "Hill Dickinson Solicitors",
            "Water Plus Limited",
            "Water Plus - 4082156767 Waverledge Allotment",
            "Skills and Work Solutions Ltd",
            "Skills and Work Solutions (GC Educa",
            "Prospere Learn Trust Chorlt High",
            "Prospere Learning Trust-Pioneer Hse",
            "TfGM T/A DriveSafe",
            "Transport for Greater Manchester",
            # near misses
            "Acme Widgets Ltd",
            "Acme Widgets Holdings Ltd",  # parent and subsidiary: both registered
            "Acme Widgets Holdings",  # a parent without its legal form
            "Metro Rod Ltd",
            "Metro Rod (South Yorkshire)",  # a franchisee's branch
            "Domino's Pizza Group Ltd",
            "Domino's Pizza - Sale",  # 'Domino's Pizza' is not itself a registered name
            "Smith Jones Ltd",
            "Smith Jones Solicitors",
            "A Patel Ltd",  # initials and a surname: two people may share them
            "A Patel Solicitors",
            "John Smith Ltd",  # a person's name: only the profession counts, not an account
            "John Smith Client Account",
            "Walker Morris LLP",  # a firm named after people, and its profession
            "Walker Morris Solicitors",
        ],
        company={"Smith Jones Ltd": "01234567", "Smith Jones Solicitors": "07654321"},
    )
    for a, b in [
        ("Tesco Stores Ltd", "TESCO STORES 2071"),
        ("Hill Dickinson LLP", "Hill Dickinson Solicitors"),
        ("Water Plus Limited", "Water Plus - 4082156767 Waverledge Allotment"),
        ("Skills and Work Solutions Ltd", "Skills and Work Solutions (GC Educa"),
        ("Prospere Learn Trust Chorlt High", "Prospere Learning Trust-Pioneer Hse"),
        ("TfGM T/A DriveSafe", "Transport for Greater Manchester"),
        ("Walker Morris LLP", "Walker Morris Solicitors"),
    ]:
        assert ids[a] == ids[b], (a, b)
    for a, b in [
        ("Acme Widgets Ltd", "Acme Widgets Holdings Ltd"),
        ("Acme Widgets Ltd", "Acme Widgets Holdings"),
        ("Metro Rod Ltd", "Metro Rod (South Yorkshire)"),
        ("Domino's Pizza Group Ltd", "Domino's Pizza - Sale"),
        ("Smith Jones Ltd", "Smith Jones Solicitors"),  # two company numbers: never one supplier
        ("A Patel Ltd", "A Patel Solicitors"),
        ("John Smith Ltd", "John Smith Client Account"),
    ]:
        assert ids[a] != ids[b], (a, b)


def test_branch_link_is_explained(warehouse: Warehouse) -> None:
    warehouse.executemany(
        """INSERT INTO spend (spend_id, source_id, source_line, council_code, period_start, period_end,
                              date_basis, amount, supplier_name)
           VALUES (?, 1, ?, 'E08000009', DATE '2024-04-01', DATE '2024-04-30', 'source_period', 100, ?)""",
        [[i, i, name] for i, name in enumerate(["Tesco Stores Ltd", "TESCO STORES 2071"], start=1)],
    )
    resolve_warehouse(warehouse, use_default_file=False)
    rows = dict(warehouse.rows("SELECT published_name, evidence FROM supplier_aliases"))
    assert "'2071' after the registered name 'tesco stores' (a branch)" in str(rows["TESCO STORES 2071"])


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
    ("Elevation Music CIC (UK) Ltd", ""),  # legal forms only after the bracket
    ("CITY ELECTRICAL FACTORS (CEF) LTD", ""),
    ("ACORN CARE (NE) LTD - SUPPORTED LIVING", ""),  # a site after the legal form
    ("INDIGO CARE SERVICES (2) LTD T/A LOFTHOUSE GRANGE", ""),
    ("Rix Petroleum (Hull) Ltd - Leeds Depot", ""),
    ("Acme (Highway Electrical) Training", ""),  # no legal form: not a registered name
    ("Acme Training Ltd (Leeds)", ""),  # a site after the legal form
]


@pytest.mark.parametrize(("published", "aside"), ASIDES)
def test_bracket_aside(published: str, aside: str) -> None:
    assert bracket_aside(published, normalise(published)) == aside


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


def test_sites_brackets_and_misspellings_merge_and_near_misses_do_not() -> None:
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

"""Near-miss rules (shortened words, initials, names restating themselves) and social-care payees,
on hand-made name lists and a small hand-built warehouse."""

from __future__ import annotations

import pytest

from bestvalue.engine import Warehouse
from bestvalue.suppliers.matching import acronym_links, stem_links
from bestvalue.suppliers.names import is_acronym, normalise
from bestvalue.suppliers.payees import classify_payee
from bestvalue.suppliers.store import resolve_warehouse


def linked(links: list, keys: list[str]) -> set[frozenset[str]]:  # type: ignore[type-arg]
    return {frozenset((keys[x.a], keys[x.b])) for x in links}


# (published, expected key, expected trading-as / alias)
RESTATED = [
    ("PwC (PricewaterhouseCoopers)", "pricewaterhousecoopers", "pwc"),
    ("Scottish & Southern Electric (SSE)", "scottish and southern electric", "sse"),
    ("Capita Intelligent Communications (CIC)", "capita intelligent communications", "cic"),
    ("I Love MCR (I Love Media Ltd)", "i love media", "i love mcr"),
    ("ORCHARD MEWS CARE HOME (HC-ONE LTD)", "hc one", "orchard mews care home"),
    ("L&Q T/A London & Quadrant Housing T", "london and quadrant housing t", "l and q"),
    ("TfGM T/A DriveSafe", "tfgm", "drivesafe"),
    # brackets that only end a longer name, or a place: kept
    ("Avison Young (UK Ltd)", "avison young", ""),
    ("JCB FINANCE (LEASING LTD)", "jcb finance leasing", ""),
    ("Cohens Chemist (Altrincham)", "cohens chemist altrincham", ""),
    ("Limelight (L and Q)", "limelight l and q", ""),
]


@pytest.mark.parametrize(("published", "key", "other"), RESTATED)
def test_names_that_restate_themselves(published: str, key: str, other: str) -> None:
    norm = normalise(published)
    assert (norm.key, norm.trading_as) == (key, other)


def test_capita_cic_is_not_a_community_interest_company() -> None:
    assert normalise("Capita Intelligent Communications (CIC)").legal_form is None
    assert normalise("Freedom Personal Safety CIC").legal_form == "cic"


def test_supplier_via_an_agent_and_cut_legal_forms() -> None:
    assert normalise("Ecus Limited via Bloom Procurement Services Ltd").key == "ecus"
    assert normalise("Via Rail Ltd").key == "via rail"
    # '... L' may be a cut 'Ltd' or 'LLP': no legal kind, so it can join either
    assert normalise("Simpson Millar T/A Simpson Millar L").legal_form == "cut"
    assert normalise("Robin Rise Homes Lt").legal_form == "company"


@pytest.mark.parametrize(
    ("short", "words", "compound", "expected"),
    [
        ("tfgm", "transport for greater manchester", False, True),
        ("tgm", "transport for greater manchester", False, True),
        ("lq", "london and quadrant housing trust", True, True),
        ("lq", "london and quadrant housing trust", False, False),
        ("pwc", "pricewaterhousecoopers", True, True),
        ("pwc", "pricewaterhousecoopers", False, False),
        ("abc", "alpha beta", False, False),
    ],
)
def test_initials(short: str, words: str, compound: bool, expected: bool) -> None:
    assert is_acronym(short, words.split(), compound) is expected


def test_shortened_words() -> None:
    keys = sorted(
        [
            "aspris child services",
            "aspris childrens services",
            "barchester health homes",  # differs in two words from the next: no
            "barchester healthcare care",
            "reed specialist recruitment",
            "reed talent solutions",  # different words: no
            "acme care services",
            "acme careful services",  # 'care' is the start of 'careful', but 'acme' starts 30+ keys
            *[f"acme filler {i} services" for i in range(30)],
            "solo abc",  # two words only: no
            "solo abcd",
            "training and consu",  # starts with a business word: no
            "training and consultants",
        ]
    )
    assert linked(stem_links(keys), keys) == {
        frozenset({"aspris child services", "aspris childrens services"})
    }


def test_initials_links() -> None:
    keys = sorted(
        [
            "tfgm",  # four letters: only when a published name pairs them with the words
            "transport for greater manchester",
            "imma",
            "irish museum of modern art",  # published as 'Irish Museum of Modern Art (IMMA)'
            "acas",
            "acorn close allotment society",  # four letters that happen to match: no
            "bbowt",
            "berks bucks and oxon wildlife trust",
            "gmpte",
            "greater manchester passenger transport executive",
            "greater manchester public transport executive",  # 'gmpte' twice: ambiguous, no link
            "fabca",
            "fox and bright consulting associates",  # both registered names: no link
            "ricsa",
            "rbs invoice customer service agency",  # a registered name (Ltd) is no one's initials
            "djajc",
            "dj and aj copeland",  # words that are initials themselves: no
            "apevn",
            "active play event venue",  # a word of the long name within the initials: no
            "crane",  # a dictionary word: no
            "central region area north east",
        ]
    )
    capitals = [" " not in k for k in keys]
    has_form = [
        k in ("fabca", "fox and bright consulting associates", "rbs invoice customer service agency")
        for k in keys
    ]
    said = {"imma": ("irish museum of modern art", "Irish Museum of Modern Art (IMMA)")}
    assert linked(acronym_links(keys, capitals, has_form, said), keys) == {
        frozenset({"imma", "irish museum of modern art"}),
        frozenset({"bbowt", "berks bucks and oxon wildlife trust"}),
    }


def test_initials_need_capitals() -> None:
    keys = ["bbowt", "berks bucks and oxon wildlife trust"]
    assert acronym_links(keys, [False, False], [False, False], {}) == []
    assert acronym_links(keys, [True, False], [False, False], {}) != []


def test_initials_shown_by_a_published_name(warehouse: Warehouse) -> None:
    spend(warehouse, [("Irish Museum of Modern Art (IMMA)", None), ("IMMA", None), ("ACAS", None)])
    spend(warehouse, [("Acorn Close Allotment Society", None)], start=10)
    resolve_warehouse(warehouse, use_default_file=False)
    ids = dict(warehouse.rows("SELECT published_name, supplier_id FROM supplier_aliases"))
    assert ids["IMMA"] == ids["Irish Museum of Modern Art (IMMA)"]
    assert ids["ACAS"] != ids["Acorn Close Allotment Society"]


def spend(wh: Warehouse, rows: list[tuple[str, str | None]], start: int = 0) -> None:
    """Payments (supplier name, expense type) to Trafford."""
    wh.executemany(
        """INSERT INTO spend (spend_id, source_id, source_line, council_code, period_start, period_end,
                              date_basis, amount, supplier_name, expense_type)
           VALUES (?, 1, ?, 'E08000009', DATE '2024-04-01', DATE '2024-04-30', 'source_period', 100, ?, ?)""",
        [[start + i + 1, start + i + 1, name, kind] for i, (name, kind) in enumerate(rows)],
    )


def test_social_care_payments_to_people(warehouse: Warehouse) -> None:
    wh = warehouse
    spend(
        wh,
        [
            ("Tesfay Mola", "Direct Payments"),
            ("Tesfay Mola", "FOSTERING-FAMILY&FRN"),
            ("Sunrise Meadow", "Fostering allowances"),
            ("Sunrise Meadow", "Stationery"),  # also paid for something else: stays a supplier
            ("North Trafford Group Practice", "Fostering - professional fees"),  # a business word
            ("Lemlem Tsegay Araya", "Special Guardianship Allowance"),
        ],
    )
    resolve_warehouse(wh, use_default_file=False)
    kinds = dict(wh.rows("SELECT published_name, payee_kind FROM supplier_aliases"))
    assert kinds == {
        "Tesfay Mola": "individual",
        "Sunrise Meadow": "supplier",
        "North Trafford Group Practice": "supplier",
        "Lemlem Tsegay Araya": "individual",
    }
    assert classify_payee("Tesfay Mola").kind == "supplier"  # the name alone does not tell
    evidence = wh.scalar("SELECT evidence FROM supplier_aliases WHERE published_name = 'Tesfay Mola'")
    assert "social care" in str(evidence)

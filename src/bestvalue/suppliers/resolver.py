"""Resolution in memory: distinct published names in, supplier entities and links out.

This module knows nothing about the warehouse; :mod:`bestvalue.suppliers.store` feeds it and
writes its result. It works on distinct names, never on payment rows.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bestvalue.suppliers.clusters import Clusters, Link, assign_ids
from bestvalue.suppliers.matching import (
    acronym_links,
    aside_links,
    branch_links,
    sited_links,
    stem_links,
    truncation_links,
    typo_links,
)
from bestvalue.suppliers.names import (
    NormalisedName,
    bracket_aside,
    display_name,
    fold,
    is_acronym,
    normalise,
    site_owner,
    site_stem,
)
from bestvalue.suppliers.overrides import Overrides, Rule
from bestvalue.suppliers.payees import Payee, as_kind, classify_payee
from bestvalue.suppliers.rules import account_words, business_words

# Legal forms that can be the same legal person (a Ltd re-registers as a PLC or CIC keeping its
# number); forms in different classes never are.
FORM_CLASS = {
    "company": "company",
    "plc": "company",
    "cic": "company",
    "llc": "company",
    "foreign": "company",
    "llp": "llp",
    "lp": "lp",
    "cio": "cio",
    "society": "society",
}
CONFIDENCE = {"company": 0.99, "charity": 0.98, "vat": 0.95, "exact": 0.97, "exact_short": 0.9}


@dataclass
class NameTable:
    """Distinct published names with what the data says about each (parallel lists)."""

    names: list[str]
    rows: list[int]
    company: list[str | None]
    charity: list[str | None]
    vat: list[str | None]
    truncated: list[bool]
    prior_id: list[str | None]
    care_only: list[bool] = field(default_factory=list)  # paid only as social care to people

    def __len__(self) -> int:
        return len(self.names)


@dataclass
class Resolution:
    """Per-name outcome (parallel to the input lists) plus per-supplier facts."""

    kind: list[str]
    key: list[str | None]
    supplier_id: list[str | None]
    method: list[str]
    confidence: list[float]
    evidence: list[str]
    display: dict[str, str] = field(default_factory=dict)  # supplier id -> display name
    legal_form: dict[str, str | None] = field(default_factory=dict)
    vcse: dict[str, bool] = field(default_factory=dict)
    redirects: list[tuple[str, str | None]] = field(default_factory=list)
    unmatched_rules: list[Rule] = field(default_factory=list)
    refused: int = 0
    fuzzy_links: int = 0


def resolve(table: NameTable, overrides: Overrides, taken_ids: set[str]) -> Resolution:
    """Cluster the names of ``table`` into suppliers; ``taken_ids`` is every id ever issued."""
    enabled = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: the cycle collector only costs time here
    try:
        return _resolve(table, overrides, taken_ids)
    finally:
        if enabled:
            gc.enable()


def _resolve(table: NameTable, overrides: Overrides, taken_ids: set[str]) -> Resolution:
    n = len(table)
    norms, payees = _digest(table)
    finder = _Finder(table, norms)
    unmatched: list[Rule] = []
    for rule in overrides.of("kind"):
        nodes = finder.nodes(rule.name)
        unmatched.extend([rule] if not nodes else [])
        for node in nodes:
            payees[node] = Payee(as_kind(rule.other), f"override: {rule.note or 'kind set by analyst'}", 1.0)
    is_supplier = [p.kind == "supplier" for p in payees]
    company = [c if s else None for c, s in zip(table.company, is_supplier, strict=True)]
    charity = [c if s else None for c, s in zip(table.charity, is_supplier, strict=True)]
    forms = [
        FORM_CLASS.get(norm.legal_form or "") if s else None
        for norm, s in zip(norms, is_supplier, strict=True)
    ]
    clusters = Clusters(n, company, charity, forms)

    for number, rule in enumerate(overrides.of("split")):
        a, b = finder.nodes(rule.name), finder.nodes(rule.other)
        if not a or not b:
            unmatched.append(rule)
        for side, nodes in ((0, a), (1, b)):
            for node in nodes:
                clusters.mark_split(node, number, side)
    for rule in overrides.of("merge"):
        a = [x for x in finder.nodes(rule.name) if is_supplier[x]]
        b = [x for x in finder.nodes(rule.other) if is_supplier[x]]
        if not a or not b:
            unmatched.append(rule)
            continue
        detail = f"override merge{': ' + rule.note if rule.note else ''}"
        for x in a[1:] + b:
            clusters.link(Link(a[0], x, "override", 1.0, detail), forced=True)

    suppliers = [i for i in range(n) if is_supplier[i]]
    _identifier_links(clusters, suppliers, table, company, charity, norms)
    _exact_links(clusters, suppliers, table, norms)
    fuzzy = _fuzzy_links(clusters, suppliers, table, norms)

    members: dict[int, list[int]] = defaultdict(list)
    for i in suppliers:
        members[clusters.find(i)].append(i)
    anchors = {root: _anchor(nodes, table, norms) for root, nodes in members.items()}
    ids, redirects = assign_ids(members, table.prior_id, table.rows, anchors, taken_ids)
    out = Resolution(
        kind=[p.kind for p in payees],
        key=[norms[i].key if is_supplier[i] else None for i in range(n)],
        supplier_id=[None] * n,
        method=["none"] * n,
        confidence=[p.confidence for p in payees],
        evidence=[p.reason for p in payees],
        redirects=redirects,
        unmatched_rules=unmatched,
        refused=len(clusters.refused),
        fuzzy_links=fuzzy,
    )
    for root, nodes in members.items():
        sid = ids[root]
        if len(nodes) == 1:
            node = nodes[0]
            out.supplier_id[node] = sid
            out.method[node], out.confidence[node] = "single", 1.0
            out.evidence[node] = "the only published name of this supplier"
            norm = norms[node]
            out.display[sid] = display_name(table.names[node], norm.qualifier)
            out.legal_form[sid] = norm.legal_form if norm.legal_form != "cut" else None
            out.vcse[sid] = bool(norm.vcse or table.charity[node])
            continue
        for node in nodes:
            out.supplier_id[node] = sid
            link = clusters.best[node]
            if link is None or len(nodes) == 1:
                out.method[node], out.confidence[node] = "single", 1.0
                out.evidence[node] = "the only published name of this supplier"
            else:
                other = link.b if link.a == node else link.a
                out.method[node], out.confidence[node] = link.method, link.confidence
                out.evidence[node] = f"{link.detail}, with '{table.names[other]}'"
        out.display[sid] = _display(nodes, table, norms)
        form_counts = Counter(norms[x].legal_form for x in nodes if norms[x].legal_form not in (None, "cut"))
        out.legal_form[sid] = form_counts.most_common(1)[0][0] if form_counts else None
        out.vcse[sid] = any(norms[x].vcse or table.charity[x] for x in nodes)
    for rule in overrides.of("name"):
        named = {s for s in (out.supplier_id[x] for x in finder.nodes(rule.name)) if s}
        if not named:
            unmatched.append(rule)
        for supplier_id in named:
            out.display[supplier_id] = rule.other
    return out


def _digest(table: NameTable) -> tuple[list[NormalisedName], list[Payee]]:
    """Normalise and classify every name (one process: worker start-up and pickling cost more
    than they save on two cores)."""
    norms: list[NormalisedName] = []
    payees: list[Payee] = []
    care = table.care_only or [False] * len(table)
    for name, care_only in zip(table.names, care, strict=True):
        folded = fold(name)
        norm = normalise(name, folded)
        norms.append(norm)
        payees.append(classify_payee(name, norm, folded, care_only=care_only))
    for i, payee in enumerate(payees):
        if payee.kind == "individual" and (table.company[i] or table.charity[i] or table.vat[i]):
            payees[i] = Payee("supplier", "published with a company, charity or VAT number", 0.9)
    return norms, payees


class _Finder:
    """Finds the names an override rule means: exact name, else normalised key, else supplier id."""

    def __init__(self, table: NameTable, norms: list[NormalisedName]) -> None:
        self.table, self.norms = table, norms
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.compact: dict[str, list[int]] = defaultdict(list)
        self.ids: dict[str, list[int]] = defaultdict(list)
        self.built = False

    def _build(self) -> None:  # only when there are override rules to match
        for i, name in enumerate(self.table.names):
            self.exact[fold(name)].append(i)
            self.compact[self.norms[i].compact].append(i)
            if self.table.prior_id[i]:
                self.ids[self.table.prior_id[i] or ""].append(i)
        self.built = True

    def nodes(self, text: str) -> list[int]:
        if not self.built:
            self._build()
        folded = fold(text)
        return (
            self.exact.get(folded)
            or self.compact.get(normalise(text).compact)
            or self.ids.get(text.strip().upper())
            or []
        )


def _identifier_links(
    clusters: Clusters,
    suppliers: list[int],
    table: NameTable,
    company: list[str | None],
    charity: list[str | None],
    norms: list[NormalisedName],
) -> None:
    """Company and charity numbers join every name carrying them. A VAT registration covers a VAT
    group (a council and its schools, a care group's companies), so a VAT number joins two names
    only when the names agree too (:class:`_Kin`); the rest stay separate suppliers with one
    ``vat_number``."""
    kin: _Kin | None = None
    for values, label, confidence in (
        (company, "company number", CONFIDENCE["company"]),
        (charity, "charity number", CONFIDENCE["charity"]),
        (table.vat, "VAT number", CONFIDENCE["vat"]),
    ):
        groups: dict[str, list[int]] = defaultdict(list)
        for i in suppliers:
            value = values[i]
            if value:
                groups[value].append(i)
        for value, nodes in sorted(groups.items()):
            if len(nodes) < 2:
                continue
            nodes.sort(key=lambda x: (-table.rows[x], table.names[x]))
            shown = f"GB{value}" if label == "VAT number" and value.isdigit() else value
            detail = f"same {label} {shown}"
            if label != "VAT number":
                for x in nodes[1:]:
                    clusters.link(Link(nodes[0], x, "identifier", confidence, detail))
                continue
            kin = kin or _Kin([norms[i].key for i in suppliers])
            for k, x in enumerate(nodes[1:], start=1):
                match = next((y for y in nodes[: min(k, VAT_GROUP_SCAN)] if kin(norms[x], norms[y])), None)
                if match is not None:
                    clusters.link(Link(match, x, "identifier", confidence, f"{detail} and a name in common"))


VAT_GROUP_SCAN = 200  # a name of a VAT group is compared with at most this many names before it
_STOP = frozenset({"and", "of", "for", "the", "in", "on", "at", "to", "by", "a"})


class _Kin:
    """Whether two supplier names published with one VAT number name one organisation: equal keys;
    else, unless both are registered names (a legal form each: ``HC-One Ltd`` and ``HC-One No.1
    Ltd`` are two companies), one the initials of the other or a shared word that few names hold
    (at most ``max(20, 0.25%)`` of the distinct keys: ``Aspris``, ``British Gas``; not
    ``Manchester`` or ``Services``)."""

    def __init__(self, keys: list[str]) -> None:
        distinct = set(keys)
        self.df: Counter[str] = Counter(t for k in distinct for t in set(k.split()))
        self.limit = max(20, int(0.0025 * len(distinct)))

    def __call__(self, a: NormalisedName, b: NormalisedName) -> bool:
        if a.compact == b.compact:
            return True
        if FORM_CLASS.get(a.legal_form or "") and FORM_CLASS.get(b.legal_form or ""):
            return False  # two different registered names: two companies of the group
        ta, tb = a.key.split(), b.key.split()
        if (len(ta) == 1 and is_acronym(ta[0], tb)) or (len(tb) == 1 and is_acronym(tb[0], ta)):
            return True
        return any(
            len(t) >= 2 and t not in _STOP and self.df[t] <= self.limit and not t.isdigit()
            for t in set(ta) & set(tb)
        )


def _exact_links(
    clusters: Clusters, suppliers: list[int], table: NameTable, norms: list[NormalisedName]
) -> None:
    groups: dict[str, list[int]] = defaultdict(list)
    for i in suppliers:
        if norms[i].compact:
            groups[norms[i].compact].append(i)
    for nodes in groups.values():
        if len(nodes) < 2:
            continue
        nodes.sort(key=lambda x: (table.company[x] is None, -table.rows[x], table.names[x]))
        anchor = nodes[0]
        norm = norms[anchor]
        short = " " not in norm.key and not any(norms[x].legal_form for x in nodes)
        confidence = CONFIDENCE["exact_short" if short else "exact"]
        detail = f"same normalised name '{norm.key}'"
        for x in nodes[1:]:
            clusters.link(Link(anchor, x, "exact", confidence, detail))


def _fuzzy_links(
    clusters: Clusters, suppliers: list[int], table: NameTable, norms: list[NormalisedName]
) -> int:
    """Typo, truncation, shortened-word, initials, cut-bracket and branch links between distinct
    keys; returns how many were accepted."""
    reps: dict[str, int] = {}
    all_cut: dict[str, bool] = {}
    has_form: dict[str, bool] = {}
    plain: dict[str, bool] = {}  # no name with the key has a legal form or a qualifier
    capitals: dict[str, bool] = {}
    marked: dict[str, str] = {}  # initials written with small words in lower case: key -> 'TfGM'
    stems: dict[str, str] = {}  # key of a name made of a name and a site -> key of the name
    owners: dict[str, str] = {}  # key of a name made of a site and a name -> key of the name
    asides: dict[str, str] = {}  # key of a registered name with a bracket inside -> key without it
    sited: dict[str, bool] = {}  # some name with the key has a legal form and a site after it
    trade = account_words() | business_words()  # words of an account or a trade, not of a site
    said: dict[str, dict[str, str]] = {}  # initials -> {key they stand for: published name saying so}
    for i in suppliers:
        norm = norms[i]
        key = norm.key
        if not key:
            continue
        if key not in reps or table.rows[i] > table.rows[reps[key]]:
            reps[key] = i
        # a name cut short mid-word has no legal form or qualifier left: those end a complete name
        cut = table.truncated[i] and norm.legal_form is None and not norm.qualifier
        all_cut[key] = all_cut.get(key, True) and cut
        has_form[key] = has_form.get(key, False) or norm.legal_form is not None
        plain[key] = plain.get(key, True) and norm.legal_form is None and not norm.qualifier
        if " " not in key and 2 <= len(key) <= 6:
            capitals[key] = capitals.get(key, False) or _in_capitals(table.names[i], key)
            shown = _marked_initials(table.names[i], key)
            if shown:
                marked[key] = shown
        if norm.legal_form is None:
            site = site_stem(table.names[i])
            if site:
                stems[key] = site
            owner = site_owner(table.names[i])
            if owner:
                owners[key] = owner
        else:
            aside = bracket_aside(table.names[i], norm) if "(" in table.names[i] else ""
            if aside:
                asides[key] = aside
            site_words = norm.qualifier.split() if norm.qualifier else ()
            if any(len(w) >= 3 and w.isalpha() and w not in trade for w in site_words):
                sited[key] = True
        short = norm.trading_as
        if short and " " not in short and len(short) <= 6 and is_acronym(short, key.split(), compound=True):
            said.setdefault(short, {}).setdefault(key, table.names[i])
    keys = sorted(reps)
    accepted = 0
    registered = [has_form[k] for k in keys]
    links = (
        truncation_links(keys, [all_cut[k] for k in keys])
        + typo_links(keys)
        + stem_links(keys)
        + acronym_links(
            keys,
            [capitals.get(k, False) for k in keys],
            registered,
            {short: next(iter(full.items())) for short, full in said.items() if len(full) == 1},
            marked,
        )
        + branch_links(keys, registered, [plain[k] for k in keys], stems)
        + aside_links(keys, registered, asides)
        + sited_links(keys, registered, [plain[k] for k in keys], [sited.get(k, False) for k in keys], owners)
    )
    links.sort(key=lambda fl: (-fl.score, keys[fl.a], keys[fl.b]))
    for fl in links:
        confidence = round(0.8 + 0.15 * fl.score, 3)
        accepted += clusters.link(Link(reps[keys[fl.a]], reps[keys[fl.b]], "fuzzy", confidence, fl.detail))
    return accepted


def _in_capitals(name: str, key: str) -> bool:
    """Whether the published name writes ``key`` as initials: one word with 2+ capitals (``TfGM``)."""
    for word in name.replace(".", "").split():
        if word.lower() == key and sum(c.isupper() for c in word) >= 2:
            return True
    return False


def _marked_initials(name: str, key: str) -> str:
    """The published word ``key`` is written as when it is initials with lower-case letters inside
    (``TfGM``, ``DfT``), else ''."""
    for word in name.replace(".", "").split():
        if (
            word.lower() == key
            and 3 <= len(word) <= 6
            and word[0].isupper()
            and sum(c.isupper() for c in word) >= 2
            and any(c.islower() for c in word)
        ):
            return word
    return ""


def _anchor(nodes: list[int], table: NameTable, norms: list[NormalisedName]) -> str:
    if len(nodes) == 1:
        x = nodes[0]
        return (
            f"company:{table.company[x]}"
            if table.company[x]
            else "name:" + (norms[x].compact or fold(table.names[x]))
        )
    numbers = sorted({c for c in (table.company[x] for x in nodes) if c})
    if numbers:
        return f"company:{numbers[0]}"
    return "name:" + min((norms[x].compact or fold(table.names[x])) for x in nodes)


def _display(nodes: list[int], table: NameTable, norms: list[NormalisedName]) -> str:
    """The most used published name without a branch qualifier; mixed case beats capitals on a tie."""
    best = min(
        nodes,
        key=lambda x: (
            bool(norms[x].qualifier),
            -table.rows[x],
            table.names[x].isupper(),
            len(table.names[x]),
            table.names[x],
        ),
    )
    return display_name(table.names[best], norms[best].qualifier)

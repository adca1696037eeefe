"""Clustering published names into supplier entities, and giving entities stable ids.

Names are nodes of a union-find. Links are applied strongest first (overrides, company and charity
numbers, VAT numbers, equal normalised names, fuzzy links) and a link is refused when it would put
two different company numbers (or two different charity numbers) in one entity, join a company to a
partnership or a charitable incorporated organisation (``X Ltd`` and ``X LLP`` are different legal
persons), or cross an analyst's split. Every accepted link is remembered on both of its names, so
each name can say how it joined its entity.

Ids survive re-runs: each new cluster takes the old id most of its names had (a greedy assignment
in order of votes, so when an entity splits the larger part keeps the id); a cluster with no old id
gets a new one derived from its anchor (company number, else its first normalised name), so the
same data gives the same ids in any warehouse. Ids that lose all their names are redirected to the
entity that took most of them.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

METHOD_RANK = {"override": 5, "identifier": 4, "exact": 3, "fuzzy": 2}


@dataclass(frozen=True, slots=True)
class Link:
    a: int
    b: int
    method: str  # override | identifier | exact | fuzzy
    confidence: float
    detail: str  # e.g. "company number 01234567", "same normalised name 'x y'"


class Clusters:
    """Union-find over ``n`` names with cannot-link constraints."""

    def __init__(
        self, n: int, company: list[str | None], charity: list[str | None], forms: list[str | None]
    ) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.company: dict[int, frozenset[str]] = {i: frozenset([c]) for i, c in enumerate(company) if c}
        self.charity: dict[int, frozenset[str]] = {i: frozenset([c]) for i, c in enumerate(charity) if c}
        self.forms: dict[int, frozenset[str]] = {i: frozenset([f]) for i, f in enumerate(forms) if f}
        self.splits: dict[int, frozenset[tuple[int, int]]] = {}  # root -> {(split rule, side)}
        self.best: list[Link | None] = [None] * n
        self.refused: list[tuple[Link, str]] = []

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def mark_split(self, node: int, rule: int, side: int) -> None:
        root = self.find(node)
        self.splits[root] = self.splits.get(root, frozenset()) | {(rule, side)}

    def conflict(self, ra: int, rb: int, forced: bool) -> str | None:
        sa, sb = self.splits.get(ra), self.splits.get(rb)
        if sa and sb:
            rules_a = {r: s for r, s in sa}
            if any(r in rules_a and rules_a[r] != s for r, s in sb):
                return "an override says these are different suppliers"
        if forced:
            return None
        for table, label in (
            (self.company, "company numbers"),
            (self.charity, "charity numbers"),
            (self.forms, "kinds of legal entity"),
        ):
            ia, ib = table.get(ra), table.get(rb)
            if ia and ib and ia.isdisjoint(ib):
                return f"different {label} ({', '.join(sorted(ia))} / {', '.join(sorted(ib))})"
        return None

    def link(self, link: Link, forced: bool = False) -> bool:
        """Join the two names' clusters unless a constraint forbids it; returns whether joined."""
        ra, rb = self.find(link.a), self.find(link.b)
        if ra != rb:
            why = self.conflict(ra, rb, forced)
            if why:
                self.refused.append((link, why))
                return False
            if self.size[ra] < self.size[rb]:
                ra, rb = rb, ra
            self.parent[rb] = ra
            self.size[ra] += self.size[rb]
            for table in (self.company, self.charity, self.forms):
                if rb in table:
                    table[ra] = table.get(ra, frozenset()) | table.pop(rb)
            if rb in self.splits:
                self.splits[ra] = self.splits.get(ra, frozenset()) | self.splits.pop(rb)
        self._remember(link.a, link)
        self._remember(link.b, link)
        return True

    def _remember(self, node: int, link: Link) -> None:
        old = self.best[node]
        if old is None or (METHOD_RANK[link.method], link.confidence) > (
            METHOD_RANK[old.method],
            old.confidence,
        ):
            self.best[node] = link

    def roots(self) -> list[int]:
        return [self.find(i) for i in range(len(self.parent))]


def new_id(anchor: str, taken: set[str]) -> str:
    """A supplier id derived from the entity's anchor text, unique among ``taken``."""
    n = 0
    while True:
        text = anchor if n == 0 else f"{anchor}#{n}"
        candidate = "S" + hashlib.sha1(text.encode()).hexdigest()[:10].upper()
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        n += 1


def assign_ids(
    members: dict[int, list[int]],
    prior: list[str | None],
    weight: list[int],
    anchors: dict[int, str],
    taken: set[str],
) -> tuple[dict[int, str], list[tuple[str, str | None]]]:
    """Ids for every cluster root, and (retired id, id it now points to) redirects.

    ``members`` maps a root to its nodes; ``prior`` is each node's old id; ``weight`` a node's
    payment count (tie-breaks); ``taken`` holds every id ever issued (it is extended).
    """
    votes: list[tuple[int, int, str, int]] = []  # (-names, -weight, old id, root)
    old_home: dict[str, Counter[int]] = defaultdict(Counter)
    for root, nodes in members.items():
        count: Counter[str] = Counter()
        rows: Counter[str] = Counter()
        for node in nodes:
            old = prior[node]
            if old:
                count[old] += 1
                rows[old] += weight[node]
        for old, n in count.items():
            votes.append((-n, -rows[old], old, root))
            old_home[old][root] = n
    votes.sort(key=lambda v: (v[0], v[1], v[2], anchors[v[3]]))
    ids: dict[int, str] = {}
    used: set[str] = set()
    for _, _, old, root in votes:
        if root not in ids and old not in used:
            ids[root] = old
            used.add(old)
    for root in sorted(members, key=lambda r: anchors[r]):
        if root not in ids:
            ids[root] = new_id(anchors[root], taken)
    redirects: list[tuple[str, str | None]] = []
    for old, homes in sorted(old_home.items()):
        if old not in used:
            best = min(homes.items(), key=lambda kv: (-kv[1], anchors[kv[0]]))[0]
            redirects.append((old, ids[best]))
    return ids, redirects

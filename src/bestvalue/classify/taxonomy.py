"""The shipped taxonomies: ProClass v17 (586 codes, three levels), CPV 2008 and the CPV → ProClass crosswalk.

ProClass codes are not strictly hierarchical by their digits (``151812`` is an ICT code), so every
relation here comes from the level names in the published table, never from code prefixes:

* the *head* of a level-1 group is its code whose level 2 is blank (``270000`` for ICT);
* the *level-2 code* of a code is the code with the same level 1 and level 2 and a blank level 3.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

from bestvalue.shipped import shipped_text

ICT_LEVEL1 = "Information Communication Technology"
NONPROC = "NONPROC"  # pseudo-class: a payment that is not a purchase (tax, pay, transfers)


@dataclass(frozen=True)
class ProClassCode:
    """One ProClass v17 code with its place in the three levels."""

    code: str
    level1: str
    level2: str
    level3: str
    clarification: str
    level1_code: str
    level2_code: str

    @property
    def level(self) -> int:
        return 3 if self.level3 else (2 if self.level2 else 1)

    @property
    def is_ict(self) -> bool:
        return self.level1 == ICT_LEVEL1

    @property
    def label(self) -> str:
        """``"Information Communication Technology > Software > Commercial Off-The-Shelf"``."""
        return " > ".join(p for p in (self.level1, self.level2, self.level3) if p)


@dataclass(frozen=True)
class CrosswalkRow:
    """CPV prefix → ProClass code (longest prefix wins)."""

    cpv_prefix: str
    cpv_code: str
    cpv_description: str
    proclass_code: str
    scope: str  # ict | coarse
    note: str


def data_text(name: str) -> str:
    """Text of a shipped file under ``classify/data`` (``.gz`` files decompressed)."""
    return shipped_text("bestvalue.classify", "data", name)


def data_rows(name: str) -> list[dict[str, str]]:
    """Rows of a shipped CSV under ``classify/data`` as dictionaries."""
    return list(csv.DictReader(io.StringIO(data_text(name))))


class Taxonomy:
    """ProClass v17 with level lookups."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        heads: dict[str, str] = {}
        level2: dict[tuple[str, str], str] = {}
        for r in rows:
            if not r["level2"]:
                heads.setdefault(r["level1"], r["code"])
            elif not r["level3"]:
                level2.setdefault((r["level1"], r["level2"]), r["code"])
        self.codes: dict[str, ProClassCode] = {}
        for r in rows:
            head = heads[r["level1"]]
            l2 = level2.get((r["level1"], r["level2"]), r["code"]) if r["level2"] else r["code"]
            self.codes[r["code"]] = ProClassCode(
                r["code"], r["level1"], r["level2"], r["level3"], r["clarification_info"], head, l2
            )
        self.heads = heads  # level-1 name -> head code
        # code -> its level-1 head code; NONPROC (not a purchase) is its own head
        self.level1_of: dict[str, str] = {c.code: c.level1_code for c in self.codes.values()}
        self.level1_with_nonproc: dict[str, str] = self.level1_of | {NONPROC: NONPROC}

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __getitem__(self, code: str) -> ProClassCode:
        return self.codes[code]

    def get(self, code: str | None) -> ProClassCode | None:
        return self.codes.get(code) if code else None

    def level1_code(self, code: str | None) -> str | None:
        c = self.get(code)
        return c.level1_code if c else None

    def is_ict(self, code: str | None) -> bool:
        c = self.get(code)
        return bool(c and c.is_ict)

    @property
    def ict_codes(self) -> list[str]:
        return sorted(c.code for c in self.codes.values() if c.is_ict)

    def label(self, code: str | None) -> str:
        if code == NONPROC:
            return "not a purchase (tax, pay, transfers)"
        c = self.get(code)
        return c.label if c else ""


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """ProClass v17 from ``data/proclass_17.csv`` (loaded once)."""
    return Taxonomy(data_rows("proclass_17.csv"))


@lru_cache(maxsize=1)
def cpv_codes() -> dict[str, str]:
    """CPV 2008 main vocabulary: 8-digit code (no check digit) → description."""
    return {r["code"][:8]: r["description"] for r in data_rows("cpv_2008.csv.gz")}


@lru_cache(maxsize=1)
def crosswalk() -> list[CrosswalkRow]:
    """The documented CPV → ProClass crosswalk, longest prefixes first."""
    rows = [
        CrosswalkRow(
            r["cpv_prefix"], r["cpv_code"], r["cpv_description"], r["proclass_code"], r["scope"], r["note"]
        )
        for r in data_rows("cpv_proclass.csv")
    ]
    return sorted(rows, key=lambda r: -len(r.cpv_prefix))


def cpv_to_proclass(cpv: str | None) -> CrosswalkRow | None:
    """The crosswalk row for a CPV code (``"72000000-5"``, ``"72000000"`` or ``"72"``), or ``None``."""
    if not cpv:
        return None
    digits = "".join(ch for ch in cpv.split("-")[0] if ch.isdigit())
    for row in crosswalk():
        if digits.startswith(row.cpv_prefix):
            return row
    return None

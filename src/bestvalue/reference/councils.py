"""UK councils: codes, names and aliases, tier, region and population (mySociety, CC BY 4.0).

``resolve_council`` turns whatever a file or a user says about a council (a GSS code, an
opendatacommunities or statistics.data.gov.uk URI, an old ONS code such as ``00CY``, a
three-letter registry code, or any published name) into one :class:`Council`.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

GSS_RE = re.compile(r"\b([ENSWK]\d{8})\b", re.IGNORECASE)
URI_SLUG_RE = re.compile(r"opendatacommunities\.org/id/([a-z-]+)/([a-z0-9-]+)", re.IGNORECASE)
_WORDS_TO_DROP = {
    "council",
    "borough",
    "metropolitan",
    "district",
    "city",
    "county",
    "of",
    "the",
    "royal",
    "london",
    "mbc",
    "mdc",
    "bc",
    "cc",
    "dc",
    "lbc",
    "lb",
    "rb",
    "rbc",
    "smbc",
    "ua",
    "authority",
    "corporation",
}


@dataclass(frozen=True)
class Council:
    """One local authority as the reference data describes it."""

    gss_code: str
    la_code: str
    name: str
    official_name: str
    tier: str
    type_name: str
    nation: str
    region: str
    population: int | None
    start_date: str
    end_date: str
    replaced_by: str
    rural_urban: str
    rural_urban_broad: str
    peer_label: str
    county_la_code: str

    @property
    def current(self) -> bool:
        return not self.end_date


def normalise_name(text: str) -> str:
    """Lower-case, ``&`` as ``and``, punctuation to spaces, single spaces."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


_TYPE_ABBREVIATION_RE = re.compile(r"^[a-z]{0,2}(mbc|mdc|bc|dc|cc)$")


def _core_name(text: str) -> str:
    """A name with the words that say what kind of council it is taken out (``WMDC`` too)."""
    return " ".join(
        w
        for w in normalise_name(text).split()
        if w not in _WORDS_TO_DROP and not _TYPE_ABBREVIATION_RE.match(w)
    )


def _data_file(name: str) -> str:
    return resources.files("bestvalue.reference").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def councils() -> dict[str, Council]:
    """Every council in the reference table, keyed by GSS code."""
    out: dict[str, Council] = {}
    for r in csv.DictReader(_data_file("councils.csv").splitlines()):
        out[r["gss_code"]] = Council(
            gss_code=r["gss_code"],
            la_code=r["la_code"],
            name=r["name"],
            official_name=r["official_name"],
            tier=r["tier"],
            type_name=r["type_name"],
            nation=r["nation"],
            region=r["region"],
            population=int(r["population_2020"]) if r["population_2020"] else None,
            start_date=r["start_date"],
            end_date=r["end_date"],
            replaced_by=r["replaced_by"],
            rural_urban=r["rural_urban"],
            rural_urban_broad=r["rural_urban_broad"],
            peer_label=r["peer_label"],
            county_la_code=r["county_la_code"],
        )
    return out


@functools.cache
def _alias_tables() -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """(codes → gss, normalised names → gss set, core names → gss set)."""
    codes: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    cores: dict[str, set[str]] = {}
    for r in csv.DictReader(_data_file("council_aliases.csv").splitlines()):
        kind, alias, gss = r["kind"], r["alias"], r["gss_code"]
        if kind == "name":
            names.setdefault(alias, set()).add(gss)
            core = _core_name(alias)
            if core:
                cores.setdefault(core, set()).add(gss)
        elif kind == "slug":
            names.setdefault(normalise_name(alias), set()).add(gss)
        else:
            codes.setdefault(alias.upper(), gss)
    return codes, names, cores


def _pick(candidates: set[str]) -> str | None:
    """One GSS code from several: the only one, or the only current one."""
    if len(candidates) == 1:
        return next(iter(candidates))
    table = councils()
    current = [c for c in candidates if c in table and table[c].current]
    return current[0] if len(current) == 1 else None


@functools.lru_cache(maxsize=4096)
def resolve_council(text: str | None) -> Council | None:
    """The council a code, URI or name refers to, or ``None`` if it is unknown or ambiguous."""
    if not text or not text.strip():
        return None
    raw = text.strip()
    table = councils()
    codes, names, cores = _alias_tables()
    gss = GSS_RE.search(raw)
    if gss and gss.group(1).upper() in table:
        return table[gss.group(1).upper()]
    if gss and gss.group(1).upper() in codes:
        return table.get(codes[gss.group(1).upper()])
    uri = URI_SLUG_RE.search(raw)
    if uri:
        raw = uri.group(2).replace("-", " ")
    code = codes.get(raw.upper())
    if code:
        return table.get(code)
    key = normalise_name(raw)
    for candidates in (names.get(key), cores.get(_core_name(key)) if _core_name(key) else None):
        if candidates:
            picked = _pick(candidates)
            if picked:
                return table.get(picked)
    return None


def council_from_name(name: object) -> Council | None:
    """The council a body or buyer name refers to, or ``None``.

    The whole name must be a council's name or alias once words such as *council*, *city*,
    *borough* are set aside, so ``"Leeds City Council"`` resolves and ``"Leeds Teaching
    Hospitals NHS Trust"`` does not. The text before a separator (``"Salford City Council -
    Procurement"``, ``"Leeds City Council (Children's Services)"``) is tried on its own as well.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    found = resolve_council(name)
    if found is not None:
        return found
    head = re.split(r"\s+[-–—|:(/]\s*|,\s*|\s*\(", name.strip(), maxsplit=1)[0]
    if head and head != name.strip():
        return resolve_council(head)
    return None


def council_by_code(gss_code: str) -> Council | None:
    """The council with this GSS code."""
    return councils().get(gss_code.upper())

"""Supplier-resolution quality against the truth the real data carries.

Truth: published names that share an identifier in ../shared/data -
  * VAT numbers on every row of Trafford's spend files (spend/trafford/*.zip),
  * Companies House numbers in Salford's contract register,
  * Companies House ids (GB-COH) of suppliers in the Contracts Finder OCDS packages (bluetail raw and
    supplier-matched packages, get_cf_data_with_CHIDs_100.csv, the 2025 releases),
  * Companies House numbers of the entities in the OpenOwnership BODS statements.
Names sharing an identifier (transitively, across sources) form one true entity.

The resolver is run on NAMES ONLY: every identifier is hidden from it (otherwise the identifier
rule makes it trivially perfect). Its input is the truth names plus every payee name of the other
councils' spend files in ../shared/data as distractors (so it must avoid merging with them too).

Reported: pairwise precision / recall / F1 over pairs of *different published names* (exact
strings), overall, per truth source, and for "hard" pairs (names that still differ after case and
space folding); distinct names -> entities; and examples of errors. VAT registrations cover VAT
groups (a council and its schools, BT and EE), which a name-only resolver cannot and should not
merge, so recall on VAT truth is a floor; Companies House numbers identify one legal entity each.

    .venv/bin/python bench/suppliers_quality.py [--no-distractors] [--examples N]
"""

from __future__ import annotations

import argparse
import ast
import csv
import glob
import io
import json
import os
import sys
import tarfile
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bestvalue.suppliers.identifiers import company_number, vat_number  # noqa: E402
from bestvalue.suppliers.overrides import Overrides  # noqa: E402
from bestvalue.suppliers.payees import classify_payee  # noqa: E402
from bestvalue.suppliers.resolver import NameTable, resolve  # noqa: E402

SHARED = Path(os.environ.get("BESTVALUE_SHARED_DATA", ROOT.parent / "shared" / "data"))
NAME_HEADERS = {
    "supplier name",
    "beneficiaryname",
    "beneficiary name",
    "supplier_name",
    "name",
    "supplier",
    "vendor name",
    "payee name",
    "name:",
    "supplier company name",
    "creditor name",
    "merchant name",
}
csv.field_size_limit(10**9)

Record = tuple[str, str, str, str]  # (published name, source, scheme, identifier)


# ---------------------------------------------------------------- truth sources
def trafford_vat() -> Iterator[Record]:
    for z in sorted(glob.glob(str(SHARED / "spend" / "trafford" / "*.zip"))):
        with zipfile.ZipFile(z) as zf:
            for member in zf.namelist():
                with zf.open(member) as fh:
                    for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace")):
                        vat = vat_number(row.get("VATRegistrationNumber"))
                        name = (row.get("BeneficiaryName") or "").strip()
                        if vat and name:
                            yield name, "trafford_vat", "vat", vat


def salford_register() -> Iterator[Record]:
    for f in glob.glob(str(SHARED / "contracts" / "salford_cc_contract_register" / "*.csv")):
        with open(f, encoding="utf-8", errors="replace") as fh:
            reader = csv.reader(fh)
            header = [h.strip().lstrip("\ufeffï»¿") for h in next(reader)]
            name_at, number_at = header.index("Supplier Company Name"), header.index("Company Number")
            for row in reader:
                number = company_number(row[number_at]) if number_at < len(row) else None
                name = row[name_at].strip()
                if number and name:
                    yield name, "salford_register", "coh", number


def _parties(release: dict[str, object]) -> Iterator[tuple[str, str]]:
    for party in release.get("parties") or []:  # type: ignore[union-attr]
        if not isinstance(party, dict):
            continue
        name = (party.get("name") or "").strip()
        ids = [party.get("identifier") or {}, *list(party.get("additionalIdentifiers") or [])]
        for ident in ids:
            if isinstance(ident, dict) and ident.get("scheme") == "GB-COH":
                number = company_number(ident.get("id"))
                if number and name:
                    yield name, number
                legal = (ident.get("legalName") or "").strip()
                if number and legal:
                    yield legal, number


def ocds() -> Iterator[Record]:
    base = SHARED / "contracts" / "contracts_finder_ocds_bluetail"
    for f in sorted(glob.glob(str(base / "json_1_1_*" / "*.json"))):
        package = json.loads(Path(f).read_text(encoding="utf-8"))
        for release in package.get("releases", [package]):
            for name, number in _parties(release):
                yield name, "ocds_bluetail", "coh", number
    with open(base / "get_cf_data_with_CHIDs_100.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                package = ast.literal_eval(row["ocds_json"])
            except (ValueError, SyntaxError):
                continue
            for release in package.get("releases", []):
                for name, number in _parties(release):
                    yield name, "ocds_chids", "coh", number
    for f in glob.glob(str(SHARED / "contracts" / "contracts_finder_ocds_2025_cfserver1" / "*.jsonl")):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                for name, number in _parties(json.loads(line)):
                    yield name, "ocds_2025", "coh", number


def bods() -> Iterator[Record]:
    for f in sorted(glob.glob(str(SHARED / "companies" / "openownership_bods_bluetail" / "*.json"))):
        for statement in json.loads(Path(f).read_text(encoding="utf-8")):
            if statement.get("statementType") != "entityStatement":
                continue
            name = (statement.get("name") or "").strip()
            numbers = {
                company_number(i.get("id"))
                for i in statement.get("identifiers") or []
                if i.get("scheme") == "GB-COH"
            } - {None}
            for number in numbers:
                if name:
                    yield name, "bods", "coh", str(number)


# ---------------------------------------------------------------- distractor names
def _names_in_csv(fh: Iterable[str]) -> Iterator[str]:
    index = None
    for row in csv.reader(fh):
        if index is None:
            heads = [h.strip().lower().lstrip("\ufeff") for h in row]
            hits = [i for i, h in enumerate(heads) if h in NAME_HEADERS]
            index = hits[0] if hits else None
            continue
        if index < len(row) and row[index].strip():
            yield row[index].strip()


def distractors() -> dict[str, Counter[str]]:
    """Payee names per source (council) from every spend file except Trafford's."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for f in glob.glob(str(SHARED / "spend" / "**" / "*.csv"), recursive=True):
        rel = Path(f).relative_to(SHARED / "spend").parts
        if rel[0].startswith("trafford"):
            continue
        source = rel[1] if rel[0] == "odileeds" else rel[0]
        with open(f, encoding="utf-8-sig", errors="replace") as fh:
            out[source].update(_names_in_csv(fh))
    for f in glob.glob(str(SHARED / "spend_benchmark" / "*.tar.gz")):
        source = Path(f).name.split("_")[0]
        with tarfile.open(f) as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".csv"):
                    data = tar.extractfile(member)
                    if data:
                        text = io.TextIOWrapper(data, encoding="utf-8-sig", errors="replace")
                        out[source].update(_names_in_csv(text))
    return out


def truncated_names(per_source: dict[str, Counter[str]]) -> set[str]:
    """Names at their source's cut-off width (same rule as the warehouse resolver)."""
    out: set[str] = set()
    for names in per_source.values():
        if not names:
            continue
        width = max(len(n) for n in names)
        at = [n for n in names if len(n) == width]
        if len(at) >= 5 and len(at) >= 0.005 * len(names):
            out.update(at)
    return out


# ---------------------------------------------------------------- scoring
class _UF:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def pairs_of(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for names in groups.values():
        for a, b in combinations(sorted(set(names)), 2):
            out.add((a, b))
    return out


COMPARABLE: set[tuple[str, str]] = set()  # pairs both carrying an identifier of one scheme


def fold(name: str) -> str:
    return " ".join(name.lower().split())


_FORMS = {"ltd", "limited", "plc", "llp", "the", "uk", "and", "co", "company", "cic", "inc", "group"}


def _plain_words(name: str) -> set[str]:
    """Words of a name with legal forms, 'the', 'uk', 'and' dropped (a neutral, minimal folding)."""
    text = "".join(c if c.isalnum() else " " for c in name.lower())
    return {w for w in text.split() if w not in _FORMS}


def name_evident(pair: tuple[str, str]) -> bool:
    """Diagnostic: one name's words are all within the other's (after the minimal folding)."""
    a, b = _plain_words(pair[0]), _plain_words(pair[1])
    return bool(a and b) and (a <= b or b <= a)


def score(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    """Precision over predicted pairs whose truth is known (both names carry an identifier of the
    same scheme), recall over true pairs."""
    pred = {p for p in pred if p in truth or p in COMPARABLE}
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "truth_pairs": len(truth),
        "predicted_pairs": len(pred),
        "true_positives": tp,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-distractors", action="store_true", help="resolve the truth names only")
    parser.add_argument("--examples", type=int, default=15, help="error examples to print")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"no shared data at {SHARED}")
    started = time.perf_counter()
    records = [*trafford_vat(), *salford_register(), *ocds(), *bods()]
    per_source: dict[str, Counter[str]] = {} if args.no_distractors else distractors()
    trafford: Counter[str] = Counter(n for n, s, _, _ in records if s == "trafford_vat")
    per_source["trafford"] = trafford
    loaded = time.perf_counter() - started

    # Truth: names joined by shared identifiers; placeholders such as "Redacted" are not names.
    uf = _UF()
    by_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    sources: dict[str, set[str]] = defaultdict(set)
    for name, source, scheme, ident in records:
        if classify_payee(name).kind in ("redacted", "unknown"):
            continue
        by_id[(scheme, ident)].append(name)
        sources[name].add(source)
    for names in by_id.values():
        for other in names[1:]:
            uf.union(names[0], other)
    truth_names = set(sources)
    truth_groups: dict[str, list[str]] = defaultdict(list)
    for name in truth_names:
        truth_groups[uf.find(name)].append(name)
    legal_uf = _UF()  # Companies House numbers only: one legal entity per number
    for (scheme, _), names in by_id.items():
        if scheme == "coh":
            for other in names[1:]:
                legal_uf.union(names[0], other)
    legal_groups: dict[str, list[str]] = defaultdict(list)
    for name in {n for (s, _), ns in by_id.items() if s == "coh" for n in ns}:
        legal_groups[legal_uf.find(name)].append(name)

    # Resolve names only.
    counts: Counter[str] = Counter()
    for names in per_source.values():
        counts.update(names)
    for name in truth_names:
        counts[name] += 0
    cut = truncated_names(per_source)
    all_names = sorted(counts)
    table = NameTable(
        names=all_names,
        rows=[counts[n] for n in all_names],
        company=[None] * len(all_names),
        charity=[None] * len(all_names),
        vat=[None] * len(all_names),
        truncated=[n in cut for n in all_names],
        prior_id=[None] * len(all_names),
    )
    t0 = time.perf_counter()
    result = resolve(table, Overrides(), set())
    resolve_seconds = time.perf_counter() - t0
    entity = dict(zip(all_names, result.supplier_id, strict=True))
    pred_groups: dict[str, list[str]] = defaultdict(list)
    for name in truth_names:
        sid = entity.get(name)
        if sid:
            pred_groups[sid].append(name)

    truth_pairs = pairs_of(truth_groups)
    pred_pairs = pairs_of(pred_groups)
    schemes: dict[str, set[str]] = defaultdict(set)
    for (scheme, _), names in by_id.items():
        for name in names:
            schemes[name].add(scheme)
    COMPARABLE.update(p for p in pred_pairs if schemes[p[0]] & schemes[p[1]])
    report: dict[str, object] = {
        "mode": "name-only (identifiers hidden from the resolver)",
        "names_resolved": len(all_names),
        "suppliers_from_all_names": len({s for s in result.supplier_id if s}),
        "truth_names": len(truth_names),
        "truth_entities": len(truth_groups),
        "truth_names_resolved_to_entities": len(pred_groups),
        "truth_names_not_suppliers": sum(1 for n in truth_names if not entity.get(n)),
        "all": score(pred_pairs, truth_pairs),
        "hard_pairs (differ after case/space folding)": score(
            {p for p in pred_pairs if fold(p[0]) != fold(p[1])},
            {p for p in truth_pairs if fold(p[0]) != fold(p[1])},
        ),
        "diagnostic: truth pairs where one name's words lie within the other's": score(
            {p for p in pred_pairs if name_evident(p)}, {p for p in truth_pairs if name_evident(p)}
        ),
        "companies_house_only": score(
            {p for p in pred_pairs if p[0] in legal_uf.parent and p[1] in legal_uf.parent},
            pairs_of(legal_groups),
        ),
    }
    for source in sorted({s for ss in sources.values() for s in ss}):
        names = {n for n, ss in sources.items() if source in ss}
        report[f"source {source}"] = score(
            {p for p in pred_pairs if p[0] in names and p[1] in names},
            {p for p in truth_pairs if p[0] in names and p[1] in names},
        )
    report["seconds"] = {"load": round(loaded, 1), "resolve": round(resolve_seconds, 1)}
    print(json.dumps(report, indent=2))
    if args.examples:
        fps = sorted((pred_pairs & COMPARABLE) - truth_pairs)
        fns = sorted(truth_pairs - pred_pairs, key=lambda p: (fold(p[0]) == fold(p[1]), p))
        print(f"\nfalse merges ({len(fps)}), first {args.examples}:")
        for a, b in fps[: args.examples]:
            print(f"  {a!r} + {b!r}")
        print(f"\nmissed pairs ({len(fns)}), first {args.examples}:")
        for a, b in fns[: args.examples]:
            print(f"  {a!r} / {b!r}")


if __name__ == "__main__":
    main()

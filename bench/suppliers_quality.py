"""Supplier-resolution quality against the truth the real data carries.

Truth: published names that share an identifier in ../shared/data -
  * VAT numbers on every row of Trafford's spend files (spend/trafford/*.zip),
  * Companies House numbers in Salford's contract register,
  * Companies House ids (GB-COH) of suppliers in the Contracts Finder OCDS packages (bluetail raw and
    supplier-matched packages, get_cf_data_with_CHIDs_100.csv, the 2025 releases),
  * Companies House numbers of the entities in the OpenOwnership BODS statements.
Names sharing an identifier (transitively, across sources) form one true entity. Pairs are pairs of
*different published names* (exact strings); precision counts only predicted pairs whose truth is
known (both names carry an identifier of one scheme).

Three views, each printed:

1. **Headline, names only** (the issue's definition): every identifier hidden from the resolver, the
   truth names resolved together with every other council's payee names as distractors. Reported
   overall, per truth source, Companies House numbers only, and the VAT truth split by the hand labels
   of ``tests/suppliers/data/truth_labels.csv`` into pairs of one organisation and pairs of different
   organisations inside one VAT group (a VAT registration covers a VAT group: a council and its
   schools, a care group's companies).
2. **Full product, one side identified**: what the product does on real data, where a contract
   register or notice gives a company number and another council's spend file gives only a name. One
   run per identifying source (Salford's register; Contracts Finder and ownership data; Trafford's
   spend with VAT numbers): that source's names carry their identifiers, every other name carries
   none, and only truth pairs whose second name lacks the identifier are counted.
3. **Truth conflicts**: names that normalise identically but were published with different
   identifiers of one scheme, and register rows whose number belongs to another party (hand labels).

Then, per view (Companies House, Salford register, VAT one organisation, clean truth = all pairs
without VAT-group pairs, truth conflicts and register rows with another party's number, all), the
false merges and the first N missed pairs (``--examples N``).

    .venv/bin/python bench/suppliers_quality.py [--no-distractors] [--examples N] [--cache PATH]
"""

from __future__ import annotations

import argparse
import ast
import csv
import glob
import io
import json
import os
import pickle
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
from bestvalue.suppliers.names import normalise  # noqa: E402
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


# ---------------------------------------------------------------- truth
LABELS = ROOT / "tests" / "suppliers" / "data" / "truth_labels.csv"
Pair = tuple[str, str]


def space_fold(name: str) -> str:
    return " ".join(name.split())


def fold(name: str) -> str:
    return " ".join(name.lower().split())


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


def pairs_of(groups: Iterable[Iterable[str]]) -> set[Pair]:
    out: set[Pair] = set()
    for names in groups:
        for a, b in combinations(sorted(set(names)), 2):
            out.add((a, b))
    return out


def groups_of(uf: _UF, names: Iterable[str]) -> list[list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for name in names:
        out[uf.find(name)].append(name)
    return list(out.values())


class Truth:
    """Names, the identifiers each carries per source, and the true entities."""

    def __init__(self, records: list[Record]) -> None:
        self.by_id: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.sources: dict[str, set[str]] = defaultdict(set)
        self.carried: dict[tuple[str, str], Counter[tuple[str, str]]] = defaultdict(Counter)  # (name, source)
        for name, source, scheme, ident in records:
            if classify_payee(name).kind in ("redacted", "unknown"):
                continue  # placeholders such as "Redacted" are not names
            self.by_id[(scheme, ident)].add(name)
            self.sources[name].add(source)
            self.carried[(name, source)][(scheme, ident)] += 1
        self.names = set(self.sources)
        uf, coh = _UF(), _UF()
        for (scheme, _), names in self.by_id.items():
            first, *rest = sorted(names)
            for other in rest:
                uf.union(first, other)
                if scheme == "coh":
                    coh.union(first, other)
        self.uf = uf
        self.pairs = pairs_of(groups_of(uf, self.names))
        coh_names = {n for (s, _), ns in self.by_id.items() if s == "coh" for n in ns}
        self.coh_names = coh_names
        self.coh_pairs = pairs_of(groups_of(coh, coh_names))
        self.schemes: dict[str, set[str]] = defaultdict(set)
        for (scheme, _), names in self.by_id.items():
            for name in names:
                self.schemes[name].add(scheme)
        self.vat_pairs = pairs_of(ns for (s, _), ns in self.by_id.items() if s == "vat")
        self.labels = self._labels()

    def _labels(self) -> dict[Pair, str]:
        """Hand verdict per pair of names of one identifier: 'same', 'different' or 'unsure'."""
        entity: dict[tuple[str, str, str], str] = {}
        with open(LABELS, encoding="utf-8") as fh:
            rows = csv.DictReader(line for line in fh if not line.startswith("#"))
            for row in rows:
                entity[(row["scheme"], row["identifier"], space_fold(row["published_name"]))] = row["entity"]
        out: dict[Pair, str] = {}
        for (scheme, ident), names in self.by_id.items():
            for a, b in combinations(sorted(names), 2):
                la = entity.get((scheme, ident, space_fold(a)))
                lb = entity.get((scheme, ident, space_fold(b)))
                if la is None or lb is None:
                    verdict = "same" if scheme == "coh" else "unlabelled"
                elif "?" in (la, lb):
                    verdict = "unsure"
                else:
                    verdict = "same" if la == lb else "different"
                previous = out.get((a, b))
                out[(a, b)] = verdict if previous in (None, "unlabelled") or verdict == "same" else previous
        return out

    def comparable(self, pair: Pair) -> bool:
        return bool(self.schemes[pair[0]] & self.schemes[pair[1]])

    def conflicts(self) -> list[tuple[str, str, str]]:
        """Names with one normalised key but different identifiers of one scheme (not truth-joined)."""
        keyed: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for (scheme, ident), names in self.by_id.items():
            for name in names:
                keyed[(scheme, normalise(name).compact)][name].add(ident)
        out: list[tuple[str, str, str]] = []
        for (scheme, _), by_name in sorted(keyed.items()):
            for a, b in combinations(sorted(by_name), 2):
                if by_name[a].isdisjoint(by_name[b]) and self.uf.find(a) != self.uf.find(b):
                    ids = f"{'/'.join(sorted(by_name[a]))} vs {'/'.join(sorted(by_name[b]))}"
                    out.append((a, b, f"{scheme} {ids}"))
        return out


# ---------------------------------------------------------------- scoring
def score(pred: set[Pair], truth: set[Pair], truth_of: Truth) -> dict[str, float]:
    """Precision over predicted pairs whose truth is known (both names carry an identifier of one
    scheme), recall over true pairs."""
    pred = {p for p in pred if p in truth or truth_of.comparable(p)}
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


def resolve_names(
    counts: Counter[str], cut: set[str], ids: dict[str, tuple[str | None, str | None]]
) -> dict[str, str | None]:
    """Run the product's resolver; ``ids`` gives (company number, VAT number) of identified names."""
    all_names = sorted(counts)
    table = NameTable(
        names=all_names,
        rows=[counts[n] for n in all_names],
        company=[ids.get(n, (None, None))[0] for n in all_names],
        charity=[None] * len(all_names),
        vat=[ids.get(n, (None, None))[1] for n in all_names],
        truncated=[n in cut for n in all_names],
        prior_id=[None] * len(all_names),
    )
    result = resolve(table, Overrides(), set())
    return dict(zip(all_names, result.supplier_id, strict=True))


def predicted_pairs(entity: dict[str, str | None], names: Iterable[str]) -> set[Pair]:
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        sid = entity.get(name)
        if sid:
            groups[sid].append(name)
    return pairs_of(groups.values())


IDENTIFYING = {  # runs of the full-product view: the source whose names keep their identifiers
    "register (Salford contract register)": ("salford_register",),
    "notices (Contracts Finder OCDS, ownership data)": ("ocds_bluetail", "ocds_chids", "ocds_2025", "bods"),
    "spend with VAT numbers (Trafford)": ("trafford_vat",),
}


def identified(truth: Truth, sources: tuple[str, ...]) -> dict[str, tuple[str | None, str | None]]:
    """(company number, VAT number) each name carries in ``sources``: the most used, as the product
    takes it."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for name in truth.names:
        found: Counter[tuple[str, str]] = Counter()
        for source in sources:
            found.update(truth.carried.get((name, source), Counter()))
        if found:
            best = {
                scheme: min((-n, ident) for (s, ident), n in found.items() if s == scheme)[1]
                for scheme in {s for s, _ in found}
            }
            out[name] = (best.get("coh"), best.get("vat"))
    return out


def one_side_pairs(pairs: Iterable[Pair], ids: dict[str, tuple[str | None, str | None]]) -> set[Pair]:
    """Pairs where exactly one name carries an identifier (the other is a name only)."""
    return {(a, b) for a, b in pairs if (a in ids) != (b in ids)}


def load(cache: str | None, no_distractors: bool) -> tuple[list[Record], dict[str, Counter[str]]]:
    if cache and Path(cache).exists():
        records, per_source = pickle.loads(Path(cache).read_bytes())
    else:
        records = [*trafford_vat(), *salford_register(), *ocds(), *bods()]
        per_source = dict(distractors())
        if cache:
            Path(cache).write_bytes(pickle.dumps((records, per_source)))
    if no_distractors:
        per_source = {}
    return records, per_source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-distractors", action="store_true", help="resolve the truth names only")
    parser.add_argument("--examples", type=int, default=15, help="error examples to print per view")
    parser.add_argument("--cache", help="pickle of the loaded data (written when missing)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"no shared data at {SHARED}")
    started = time.perf_counter()
    records, per_source = load(args.cache, args.no_distractors)
    per_source["trafford"] = Counter(n for n, s, _, _ in records if s == "trafford_vat")
    loaded = time.perf_counter() - started
    truth = Truth(records)

    counts: Counter[str] = Counter()
    for names in per_source.values():
        counts.update(names)
    for name in truth.names:
        counts[name] += 0
    cut = truncated_names(per_source)

    # 1. headline: names only
    t0 = time.perf_counter()
    entity = resolve_names(counts, cut, {})
    resolve_seconds = time.perf_counter() - t0
    pred = predicted_pairs(entity, truth.names)
    vat_by = {v: {p for p in truth.vat_pairs if truth.labels.get(p) == v} for v in ("same", "different")}
    vat_other = truth.vat_pairs - vat_by["same"] - vat_by["different"]
    wrong_register = {p for p in truth.coh_pairs if truth.labels.get(p) in ("different", "unsure")}
    conflicts = truth.conflicts()
    vat_names = {n for n in truth.names if "vat" in truth.schemes[n]}
    pred_vat = {p for p in pred if p[0] in vat_names and p[1] in vat_names} - vat_by["different"] - vat_other
    conflict_pairs = {(a, b) for a, b, _ in conflicts}
    headline: dict[str, object] = {
        "all": score(pred, truth.pairs, truth),
        "all, hard pairs (differ after case/space folding)": score(
            {p for p in pred if fold(p[0]) != fold(p[1])},
            {p for p in truth.pairs if fold(p[0]) != fold(p[1])},
            truth,
        ),
        "companies house numbers only": score(
            {p for p in pred if p[0] in truth.coh_names and p[1] in truth.coh_names}, truth.coh_pairs, truth
        ),
        "companies house, without register rows carrying another party's number": score(
            {p for p in pred if p[0] in truth.coh_names and p[1] in truth.coh_names} - wrong_register,
            truth.coh_pairs - wrong_register,
            truth,
        ),
        "VAT, one organisation (hand-labelled)": score(pred_vat, vat_by["same"], truth),
        "VAT, different organisations of one VAT group (hand-labelled)": {
            "truth_pairs": len(vat_by["different"]),
            "joined_by_names": len(pred & vat_by["different"]),
        },
        "VAT, unsure or unlabelled": {
            "truth_pairs": len(vat_other),
            "joined_by_names": len(pred & vat_other),
        },
        "all, without VAT-group pairs and truth conflicts": score(
            pred - vat_by["different"] - conflict_pairs - wrong_register,
            truth.pairs - vat_by["different"] - wrong_register,
            truth,
        ),
    }
    for source in sorted({s for ss in truth.sources.values() for s in ss}):
        named = {n for n, ss in truth.sources.items() if source in ss}
        headline[f"source {source}"] = score(
            {p for p in pred if p[0] in named and p[1] in named},
            {p for p in truth.pairs if p[0] in named and p[1] in named},
            truth,
        )

    # 2. full product: one side identified
    product: dict[str, object] = {}
    total_pred: set[tuple[str, Pair]] = set()
    total_truth: set[tuple[str, Pair]] = set()
    product_errors: list[tuple[str, str, Pair]] = []
    for label, sources in IDENTIFYING.items():
        ids = identified(truth, sources)
        run = resolve_names(counts, cut, ids)
        run_pred = one_side_pairs(predicted_pairs(run, truth.names), ids)
        run_truth = one_side_pairs(truth.pairs, ids) - vat_by["different"] - wrong_register
        run_pred = {p for p in run_pred if p in run_truth or truth.comparable(p)} - vat_by["different"]
        run_pred -= wrong_register
        product[label] = score(run_pred, run_truth, truth)
        total_pred |= {(label, p) for p in run_pred}
        total_truth |= {(label, p) for p in run_truth}
        product_errors += [(label, "false", p) for p in sorted(run_pred - run_truth)]
        product_errors += [(label, "missed", p) for p in sorted(run_truth - run_pred)]
    tp = len(total_pred & total_truth)
    product["all runs"] = {
        "truth_pairs": len(total_truth),
        "predicted_pairs": len(total_pred),
        "true_positives": tp,
        "precision": round(tp / len(total_pred), 4) if total_pred else 1.0,
        "recall": round(tp / len(total_truth), 4) if total_truth else 1.0,
    }

    # 2b. every identifier the data carries given to the resolver (as on these files in the product)
    every = identified(truth, tuple(sorted({s for ss in truth.sources.values() for s in ss})))
    full = predicted_pairs(resolve_names(counts, cut, every), truth.names)
    product["every identifier visible: VAT-group pairs merged (hand-labelled different organisations)"] = {
        "truth_pairs": len(vat_by["different"]),
        "merged": len(full & vat_by["different"]),
    }
    product["every identifier visible: pairs of one organisation (VAT-group merges count as false)"] = score(
        full - wrong_register,
        truth.pairs - vat_by["different"] - wrong_register,
        truth,
    )

    report: dict[str, object] = {
        "names_resolved": len(counts),
        "suppliers_from_all_names": len({s for s in entity.values() if s}),
        "truth_names": len(truth.names),
        "truth_entities": len(groups_of(truth.uf, truth.names)),
        "truth_names_resolved_to_entities": len({entity[n] for n in truth.names if entity.get(n)}),
        "truth_names_not_suppliers": sum(1 for n in truth.names if not entity.get(n)),
        "1 headline, names only (identifiers hidden)": headline,
        "2 full product, one side identified (labelled different organisations left out)": product,
        "3 truth conflicts": {
            "same normalised name, different identifiers": len(conflicts),
            "register rows with another party's number (pairs)": len(wrong_register),
        },
        "seconds": {"load": round(loaded, 1), "resolve": round(resolve_seconds, 1)},
    }
    print(json.dumps(report, indent=2))
    if args.json:
        return
    n = args.examples
    print(f"\ntruth conflicts: same normalised name, different identifiers ({len(conflicts)}):")
    for a, b, why in conflicts:
        print(f"  {a!r} / {b!r}: {why}")
    print(f"\nregister rows carrying another party's number ({len(wrong_register)} pairs):")
    for a, b in sorted(wrong_register):
        print(f"  {a!r} / {b!r}")
    subsets = {
        "companies house": (
            {p for p in pred if p[0] in truth.coh_names and p[1] in truth.coh_names},
            truth.coh_pairs,
        ),
        "salford register": (
            {p for p in pred if "salford_register" in truth.sources[p[0]] | truth.sources[p[1]]},
            {p for p in truth.pairs if "salford_register" in truth.sources[p[0]] | truth.sources[p[1]]},
        ),
        "VAT one organisation": (pred_vat, vat_by["same"]),
        "clean truth": (
            pred - vat_by["different"] - conflict_pairs - wrong_register,
            truth.pairs - vat_by["different"] - wrong_register,
        ),
        "all": (pred, truth.pairs),
    }
    for name, (p_set, t_set) in subsets.items():
        fps = sorted({p for p in p_set if truth.comparable(p)} - t_set)
        fns = sorted(t_set - p_set, key=lambda p: (fold(p[0]) == fold(p[1]), p))
        print(f"\n[{name}] false merges ({len(fps)}), first {n}:")
        for a, b in fps[:n]:
            print(f"  {a!r} + {b!r}  [{truth.labels.get((a, b), '')}]")
        print(f"[{name}] missed pairs ({len(fns)}), first {n}:")
        for a, b in fns[:n]:
            print(f"  {a!r} / {b!r}  [{truth.labels.get((a, b), '')}]")
    print(f"\n[full product] errors ({len(product_errors)}), first {n}:")
    for label, kind, (a, b) in product_errors[:n]:
        print(f"  {kind}: {a!r} / {b!r}  ({label.split(' (')[0]})")


if __name__ == "__main__":
    main()

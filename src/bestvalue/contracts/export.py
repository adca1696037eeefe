"""A council's contracts as an OCDS 1.1 release package, validated against the official schema.

One release per contracting process: OCDS contracts keep their ``ocid`` and award ids;
register contracts get an ``ocid`` of their own (``ocds-bvreg-...``). Fields OCDS has no place
for travel as ``x_`` properties (``tender.x_department``, ``contracts[].x_annualValue``...), which
the schema allows, so that exporting and ingesting again gives back the same contract rows.
The buyer carries the council's GSS code as an additional identifier (scheme ``GB-GSS``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from bestvalue.contracts import sql
from bestvalue.contracts.models import ExportResult
from bestvalue.contracts.ocds import release_schema
from bestvalue.engine import Warehouse
from bestvalue.reference.councils import council_by_code

Json = dict[str, Any]
PACKAGE_SCHEMA_URI = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
RELEASE_SCHEMA_URI = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
METHODS = frozenset({"open", "selective", "limited", "direct"})
AWARD_STATUSES = frozenset({"pending", "active", "cancelled", "unsuccessful"})
CONTRACT_STATUSES = frozenset({"pending", "active", "cancelled", "terminated"})
TENDER_STATUSES = frozenset(
    {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"}
)
CATEGORIES = frozenset({"goods", "works", "services"})


@functools.cache
def package_schema() -> Json:
    """The OCDS 1.1 release-package schema shipped with bestvalue."""
    text = (
        resources.files("bestvalue.contracts")
        .joinpath("data", "release-package-schema.json")
        .read_text("utf-8")
    )
    schema: Json = json.loads(text)
    return schema


@functools.cache
def _validators() -> tuple[Any, Any]:
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry: Registry[Any] = Registry().with_resources(
        [
            (RELEASE_SCHEMA_URI, Resource.from_contents(release_schema(), default_specification=DRAFT4)),
            (PACKAGE_SCHEMA_URI, Resource.from_contents(package_schema(), default_specification=DRAFT4)),
        ]
    )
    checker = Draft4Validator.FORMAT_CHECKER
    return (
        Draft4Validator(package_schema(), registry=registry, format_checker=checker),
        Draft4Validator(release_schema(), registry=registry, format_checker=checker),
    )


def validate_package(package: Json) -> list[str]:
    """Schema errors of a release package (empty when it is valid OCDS 1.1).

    The package is checked against the release-package schema with its first release, and
    every release against the release schema, which is the same test as checking the whole
    package at once; the package's ``uniqueItems`` rule on releases is checked directly (the
    schema library compares every pair, which takes minutes on a large register).
    """
    package_validator, release_validator = _validators()
    releases = package.get("releases")
    envelope = {**package, "releases": releases[:1]} if isinstance(releases, list) else package
    errors = [(list(e.absolute_path), e.message) for e in package_validator.iter_errors(envelope)]
    if isinstance(releases, list):
        for i, release in enumerate(releases[1:], start=1):
            errors += [
                (["releases", i, *e.absolute_path], e.message) for e in release_validator.iter_errors(release)
            ]
        seen: set[str] = set()
        for i, release in enumerate(releases):
            key = json.dumps(release, sort_keys=True, default=str)
            if key in seen:
                errors.append((["releases", i], "repeats an earlier release (releases must be unique)"))
            seen.add(key)
    errors.sort(key=lambda e: [str(p) for p in e[0]])
    return [f"{'/'.join(str(p) for p in path) or '(package)'}: {message}" for path, message in errors]


def _ts(value: dt.datetime | None) -> str:
    value = value or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: dt.date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00Z" if value else None


def _money(value: Decimal | None, currency: str | None) -> Json | None:
    if value is None:
        return None
    return {
        "amount": float(value) if value != value.to_integral_value() else int(value),
        "currency": currency or "GBP",
    }


def _clean(obj: Any) -> Any:
    """Drop ``None`` values, empty objects and empty lists."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v is not None and v != {} and v != []}
    if isinstance(obj, list):
        return [_clean(v) for v in obj if v is not None]
    return obj


def _as_json(value: Any) -> Json:
    assert isinstance(value, dict)
    return value


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "contract"


def register_ocid(contract_id: str, council_code: str | None, reference: str | None) -> str:
    """A stable ocid for a register contract: ``ocds-bvreg-{council}-{reference}-{hash}``."""
    digest = hashlib.sha1(contract_id.encode()).hexdigest()[:8]
    return f"ocds-bvreg-{council_code or 'unknown'}-{_slug(reference or 'row')}-{digest}"


def _period(row: Json) -> Json:
    return {
        "startDate": _day(row["start_date"]),
        "endDate": _day(row["end_date"]),
        "maxExtentDate": _day(row["max_end_date"]) if row["max_end_date"] != row["end_date"] else None,
    }


def _amendments(items: list[Json]) -> list[Json]:
    return [
        {
            "id": a["amendment_id"] or str(i + 1),
            "date": a["amendment_date"],
            "rationale": a["rationale"],
            "description": a["description"],
            "x_kind": a["kind"],
        }
        for i, a in enumerate(items)
    ]


def _party_suppliers(suppliers: list[Json], start: int) -> tuple[list[Json], list[Json]]:
    parties, refs = [], []
    for i, s in enumerate(suppliers, start=start):
        pid = f"supplier-{i}"
        ident = {"scheme": s["identifier_scheme"], "id": s["identifier"]} if s["identifier"] else None
        extra_ids = None
        if s["company_number"] and not (ident and s["identifier_scheme"] == "GB-COH"):
            extra_ids = [{"scheme": "GB-COH", "id": s["company_number"]}]
        scale = None if s["is_sme"] is None else ("sme" if s["is_sme"] else "large")
        parties.append(
            {
                "id": pid,
                "name": s["supplier_name"],
                "roles": ["supplier"],
                "identifier": ident,
                "additionalIdentifiers": extra_ids,
                "address": {"postalCode": s["postcode"]},
                "details": {"scale": scale, "vcse": s["is_vcse"]},
            }
        )
        refs.append({"id": pid, "name": s["supplier_name"]})
    return parties, refs


def _notice_doc(row: Json, doc_type: str) -> list[Json]:
    if not row["notice_type"] and not row["notice_url"]:
        return []
    return [
        {"id": "notice", "documentType": doc_type, "noticeType": row["notice_type"], "url": row["notice_url"]}
    ]


def _release(
    ocid: str,
    rows: list[Json],
    suppliers: dict[str, list[Json]],
    amendments: dict[str, list[Json]],
    council_code: str,
) -> Json:
    first = rows[0]
    council = council_by_code(council_code)
    buyer = {
        "id": "buyer",
        "name": first["buyer_name"] or (council.official_name if council else None),
        "roles": ["buyer"],
        "additionalIdentifiers": [{"scheme": "GB-GSS", "id": council_code}],
    }
    parties: list[Json] = [buyer]
    proclass = (
        {"scheme": "PROCLASS", "id": first["proclass_code"], "description": first["proclass_label"]}
        if first["proclass_code"]
        else None
    )
    cpv = {"scheme": "CPV", "id": first["cpv_code"]} if first["cpv_code"] else None
    bids = [
        {"id": m, "measure": m, "value": first[col]}
        for m, col in (
            ("finalStageBids", "final_stage_bids"),
            ("smeFinalStageBids", "sme_final_stage_bids"),
            ("vcseFinalStageBids", "vcse_final_stage_bids"),
        )
        if first[col] is not None
    ]
    process_row = first["stage"] in ("tender", "planning")
    tender: Json = {
        "id": first["register_reference"] or ocid,
        "title": first["title"],
        "description": first["description"],
        "status": (first["status"] if first["status"] in TENDER_STATUSES else None) if process_row else None,
        "statusDetails": first["status_details"] if process_row else None,
        "procurementMethod": first["procedure"] if first["procedure"] in METHODS else None,
        "procurementMethodDetails": first["procedure_details"],
        "mainProcurementCategory": first["main_category"] if first["main_category"] in CATEGORIES else None,
        "classification": cpv,
        "items": [
            {"id": "1", "classification": cpv, "additionalClassifications": [proclass] if proclass else None}
        ]
        if (cpv or proclass)
        else None,
        "suitability": {"sme": first["suitable_sme"], "vcse": first["suitable_vcse"]},
        "x_department": first["department"],
        "x_category": first["category"],
        "x_extra": json.loads(first["extra"])
        if first["extra"] and first["stage"] in ("tender", "planning")
        else None,
    }
    release: Json = {
        "ocid": ocid,
        "id": f"{ocid}-bestvalue",
        "date": _ts(first["published_date"]),
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": "buyer", "name": buyer["name"]},
        "bids": {"statistics": bids} if bids else None,
    }
    if process_row:
        if first["stage"] == "planning" and tender["status"] is None:
            tender["status"] = "planned"
        tender.update(
            {
                "value": _money(first["value"], first["currency"]),
                "contractPeriod": _period(first),
                "documents": _notice_doc(first, "tenderNotice"),
                "amendments": _amendments(amendments.get(first["contract_id"], [])),
            }
        )
        release.update(
            tag=["planning" if first["stage"] == "planning" else "tender"], tender=tender, parties=parties
        )
        return _as_json(_clean(release))
    awards: list[Json] = []
    contracts: list[Json] = []
    for row in rows:
        award_id = row["award_id"] or row["contract_id"].rsplit("/", 1)[-1]
        s_parties, refs = _party_suppliers(suppliers.get(row["contract_id"], []), len(parties))
        parties += s_parties
        own = {
            "title": row["title"] if row["title"] != tender["title"] else None,
            "description": row["description"] if row["description"] != tender["description"] else None,
        }
        is_contract = row["stage"] == "contract"
        changes = _amendments(amendments.get(row["contract_id"], []))
        award = {
            "id": award_id,
            **own,
            "status": None if is_contract else (row["status"] if row["status"] in AWARD_STATUSES else None),
            "statusDetails": None if is_contract else row["status_details"],
            "date": _ts(row["published_date"]) if row["published_date"] else None,
            "datePublished": _ts(row["published_date"]) if row["published_date"] else None,
            "value": _money(row["value"], row["currency"]),
            "suppliers": refs,
            "contractPeriod": None if is_contract else _period(row),
            "documents": _notice_doc(row, "awardNotice"),
            "amendments": None if is_contract else changes,
        }
        x_fields = {
            "x_annualValue": _money(row["annual_value"], row["currency"]),
            "x_originalEndDate": row["original_end_date"].isoformat() if row["original_end_date"] else None,
            "x_reviewDate": row["review_date"].isoformat() if row["review_date"] else None,
            "x_durationMonths": row["duration_months"],
            "x_extensionMonths": row["extension_months"],
            "x_extra": json.loads(row["extra"]) if row["extra"] else None,
        }
        if is_contract:
            parts = row["contract_id"].split("/")
            contracts.append(
                {
                    "id": parts[-1]
                    if len(parts) > 2 and row["source"] == "ocds" and len(parts) >= 3
                    else award_id,
                    "awardID": award_id,
                    **own,
                    "status": row["status"] if row["status"] in CONTRACT_STATUSES else None,
                    "statusDetails": row["status_details"],
                    "value": _money(row["value"], row["currency"]),
                    "period": _period(row),
                    "amendments": changes,
                    **x_fields,
                }
            )
        else:
            award.update(x_fields)
        awards.append(award)
    release.update(
        tag=["contract"] if contracts else ["award"],
        tender=tender,
        parties=parties,
        awards=awards,
        contracts=contracts,
    )
    return _as_json(_clean(release))


def export_package(wh: Warehouse, council_code: str, publisher: str | None = None) -> Json:
    """The council's contracts as an OCDS release package (not yet validated)."""
    rows = wh.dicts(sql.contracts_of_council(), [council_code])
    suppliers: dict[str, list[Json]] = {}
    for s in wh.dicts(sql.suppliers_of_council(), [council_code]):
        suppliers.setdefault(s["contract_id"], []).append(s)
    amendments: dict[str, list[Json]] = {}
    for a in wh.dicts(sql.amendments_of_council(), [council_code]):
        amendments.setdefault(a["contract_id"], []).append(a)
    processes: dict[str, list[Json]] = {}
    for r in rows:
        key = (
            r["ocid"]
            if r["source"] == "ocds" and r["ocid"]
            else register_ocid(r["contract_id"], council_code, r["register_reference"])
        )
        processes.setdefault(key, []).append(r)
    council = council_by_code(council_code)
    name = council.official_name if council else council_code
    return {
        "uri": f"urn:bestvalue:ocds:{council_code}",
        "version": "1.1",
        "publishedDate": _ts(None),
        "publisher": {"name": publisher or f"bestvalue export of {name} contracts"},
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "releases": [
            _release(ocid, rs, suppliers, amendments, council_code) for ocid, rs in processes.items()
        ],
    }


def write_export(
    wh: Warehouse, council_code: str, out: Path | None = None, publisher: str | None = None
) -> tuple[ExportResult, Json]:
    """Build, validate and (if ``out``) write the package; returns the result and the package."""
    package = export_package(wh, council_code, publisher)
    errors = validate_package(package) if package["releases"] else ["the council has no contracts to export"]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    contracts = sum(max(1, len(r.get("awards", []))) for r in package["releases"])
    return ExportResult(
        council_code=council_code,
        path=str(out) if out else None,
        releases=len(package["releases"]),
        contracts=contracts,
        valid=not errors,
        errors=errors[:50],
    ), package


def iter_rows(package: Json) -> Iterable[Json]:
    """The releases of a package (for callers that stream)."""
    yield from package["releases"]

"""A compiled OCDS release → contract rows: one per award (or per contract of an award), else one
for the process (planning or tender stage).

UK extension fields are read where present: the notice type on documents (``noticeType``),
SME/VCSE suitability (``tender.suitability``, ``lots[].suitability``), final-stage bid counts
(``bids.statistics`` measures ``finalStageBids``, ``smeFinalStageBids``, ``vcseFinalStageBids``),
supplier scale and VCSE flags (``parties[].details``), amendments and terminations.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from bestvalue.contracts.identifiers import (
    company_number,
    council_from_identifier,
    is_company_scheme,
    scale_is_sme,
    yes_no,
)
from bestvalue.contracts.ocds import CHANGE_TAGS, Json, parse_day, parse_timestamp
from bestvalue.contracts.records import AmendmentRecord, ContractRecord, SupplierRecord
from bestvalue.reference.councils import Council, council_from_name

_PROCLASS = re.compile(r"pro\s*-?\s*class", re.IGNORECASE)
_NOTICE_DOC_TYPES = ("awardNotice", "contractNotice", "tenderNotice", "planningNotice", "contractAwardNotice")


def _d(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Json]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _s(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _t(value: Any) -> str | None:
    """Text as readers see it: HTML entities some publishers leave in (``&amp;``, ``&#039;``) decoded."""
    text = _s(value)
    for _ in range(3):  # doubly escaped text (&amp;amp;) too, so that reading twice changes nothing
        if not text or "&" not in text:
            break
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def amount(value: Any) -> Decimal | None:
    """``{"amount": 1234.5}`` (or ``amountGross``) as pence-rounded Decimal."""
    v = _d(value)
    raw = v.get("amount", v.get("amountGross"))
    if raw is None or isinstance(raw, bool):
        return None
    try:
        return Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def _classifications(tender: Json) -> list[Json]:
    out = []
    if tender.get("classification"):
        out.append(_d(tender["classification"]))
    out += _l(tender.get("additionalClassifications"))
    for item in _l(tender.get("items")):
        if item.get("classification"):
            out.append(_d(item["classification"]))
        out += _l(item.get("additionalClassifications"))
    return out


def _code(classes: list[Json], test: Any) -> tuple[str | None, str | None]:
    for c in classes:
        scheme = str(c.get("scheme") or "")
        if test(scheme) and _s(c.get("id")):
            return _s(c.get("id")), _s(c.get("description"))
    return None, None


def buyer_council(compiled: Json) -> tuple[str | None, Council | None]:
    """The buyer's name and, where the buyer is a council, the council."""
    parties = _l(compiled.get("parties"))
    ref = _d(compiled.get("buyer"))
    by_id = {str(p.get("id")): p for p in parties if p.get("id") is not None}
    party = by_id.get(str(ref.get("id"))) if ref.get("id") is not None else None
    if party is None:
        party = next((p for p in parties if "buyer" in (p.get("roles") or [])), None)
    party = party or {}
    name = _t(ref.get("name")) or _t(party.get("name")) or _t(_d(party.get("identifier")).get("legalName"))
    for ident in [
        _d(party.get("identifier")),
        _d(ref.get("identifier")),
        *_l(party.get("additionalIdentifiers")),
    ]:
        c = council_from_identifier(ident.get("scheme"), _s(ident.get("id")))
        if c is not None:
            return name, c
    for text in (name, _s(party.get("name")), _s(_d(party.get("identifier")).get("legalName"))):
        c = council_from_name(text)
        if c is not None:
            return name, c
    return name, None


def _supplier(ref: Json, by_id: dict[str, Json]) -> SupplierRecord:
    party = by_id.get(str(ref.get("id"))) if ref.get("id") is not None else None
    # A reference that carries its own details (some publishers) is its own party.
    merged = {**(party or {}), **{k: v for k, v in ref.items() if v not in (None, "")}}
    ident = _d(merged.get("identifier"))
    scheme, ident_id = _s(ident.get("scheme")), _s(ident.get("id"))
    ch = company_number(ident_id) if is_company_scheme(scheme) else None
    for extra in _l(merged.get("additionalIdentifiers")):
        if ch is None and is_company_scheme(extra.get("scheme")):
            ch = company_number(_s(extra.get("id")))
    details = _d(merged.get("details"))
    sme = scale_is_sme(details.get("scale"))
    if sme is None:
        sme = yes_no(details.get("sme", merged.get("sme")))
    vcse = yes_no(details.get("vcse", merged.get("vcse", merged.get("vco"))))
    return SupplierRecord(
        supplier_name=_t(merged.get("name")) or _t(ident.get("legalName")),
        company_number=ch,
        identifier_scheme=scheme,
        identifier=ident_id,
        is_sme=sme,
        is_vcse=vcse,
        postcode=_s(_d(merged.get("address")).get("postalCode")),
    )


def _documents(compiled: Json) -> list[Json]:
    docs = []
    for holder in (_d(compiled.get("planning")), _d(compiled.get("tender"))):
        docs += _l(holder.get("documents"))
    for a in _l(compiled.get("awards")):
        docs += _l(a.get("documents"))
    for c in _l(compiled.get("contracts")):
        docs += _l(c.get("documents"))
    return docs


def _bid_counts(compiled: Json) -> tuple[int | None, int | None, int | None]:
    found: dict[str, int] = {}
    for stat in _l(_d(compiled.get("bids")).get("statistics")):
        measure = re.sub(r"[^a-z]", "", str(stat.get("measure") or "").lower())
        try:
            value = int(stat.get("value"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if "final" not in measure:
            continue
        kind = "sme" if "sme" in measure else "vcse" if "vcse" in measure else "all"
        found[kind] = found.get(kind, 0) + value
    return found.get("all"), found.get("sme"), found.get("vcse")


def _suitability(tender: Json) -> tuple[bool | None, bool | None]:
    suit = _d(tender.get("suitability"))
    sme, vcse = yes_no(suit.get("sme")), yes_no(suit.get("vcse"))
    for lot in _l(tender.get("lots")):
        ls = _d(lot.get("suitability"))
        sme = sme if sme is not None else yes_no(ls.get("sme"))
        vcse = vcse if vcse is not None else yes_no(ls.get("vcse"))
    legacy = _d(tender.get("xClassifications"))
    sme = sme if sme is not None else yes_no(legacy.get("isSuitableForSme"))
    vcse = vcse if vcse is not None else yes_no(legacy.get("isSuitableForVco"))
    return sme, vcse


def _period(*periods: Any) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(start, end, max extent) from the first period that has any of them."""
    for p in periods:
        p = _d(p)
        start, end, max_end = (
            parse_day(p.get("startDate")),
            parse_day(p.get("endDate")),
            parse_day(p.get("maxExtentDate")),
        )
        if end is None and start is not None and isinstance(p.get("durationInDays"), (int, float)):
            end = start + dt.timedelta(days=int(p["durationInDays"]))
        if start or end or max_end:
            return start, end, max_end
    return None, None, None


def _amendments(obj: Json) -> list[AmendmentRecord]:
    return [
        AmendmentRecord(
            amendment_id=_s(a.get("id")) or _s(a.get("releaseID")),
            amendment_date=_s(a.get("date")),
            kind=_s(a.get("x_kind")) or "amendment",
            rationale=_s(a.get("rationale")),
            description=_s(a.get("description")),
        )
        for a in _l(obj.get("amendments"))
    ]


def _change_events(releases: list[Json], award_ids: set[str] | None) -> list[AmendmentRecord]:
    """Releases tagged as changes (``tenderAmendment``, ``awardUpdate``, ``contractTermination``...)
    that concern these awards (or the whole process)."""
    out = []
    for r in releases:
        tags = [t for t in (r.get("tag") or []) if t in CHANGE_TAGS] if isinstance(r.get("tag"), list) else []
        if not tags:
            continue
        in_release = {str(a.get("id")) for a in _l(r.get("awards"))}
        if award_ids is not None and in_release and not (in_release & award_ids):
            continue
        out.append(AmendmentRecord(_s(r.get("id")), _s(r.get("date")), ",".join(tags)))
    return out


def contracts_from_compiled(
    compiled: Json, releases: list[Json], source_id: int | None
) -> list[ContractRecord]:
    """Contract rows for one compiled release (``releases`` are the process's own, for change events)."""
    ocid = str(compiled.get("ocid"))
    tender = _d(compiled.get("tender"))
    planning = _d(compiled.get("planning"))
    parties = _l(compiled.get("parties"))
    by_id = {str(p.get("id")): p for p in parties if p.get("id") is not None}
    buyer_name, council = buyer_council(compiled)
    classes = _classifications(tender)
    cpv, _ = _code(classes, lambda s: s.upper().startswith("CPV"))
    proclass, proclass_label = _code(classes, lambda s: bool(_PROCLASS.search(s)))
    sme_ok, vcse_ok = _suitability(tender)
    final_bids, sme_bids, vcse_bids = _bid_counts(compiled)
    docs = _documents(compiled)
    notice_type = next((_s(d.get("noticeType")) for d in reversed(docs) if _s(d.get("noticeType"))), None)
    latest = max(releases, key=lambda r: str(r.get("date"))) if releases else compiled
    if notice_type is None and isinstance(latest.get("tag"), list):
        notice_type = ",".join(str(t) for t in latest["tag"])
    notice_url = next(
        (_s(d.get("url")) for d in docs if d.get("documentType") in _NOTICE_DOC_TYPES and _s(d.get("url"))),
        next((_s(d.get("url")) for d in docs if _s(d.get("url"))), None),
    )
    lots = _l(tender.get("lots"))
    extra: Json = {}
    for key in ("numberOfTenderers", "hasRecurrence"):
        if tender.get(key) is not None:
            extra[key] = tender[key]
    renewals = [_s(_d(lot.get("renewal")).get("description")) for lot in lots if lot.get("hasRenewal")]
    if any(renewals):
        extra["renewal"] = "; ".join(r for r in renewals if r)
    if isinstance(tender.get("x_extra"), dict):
        extra = tender["x_extra"]
    planned = not tender or tender.get("status") in ("planning", "planned")
    base = ContractRecord(
        contract_id=ocid,
        source="ocds",
        stage="planning" if planned else "tender",
        source_id=source_id,
        ocid=ocid,
        register_reference=_s(tender.get("id")) if _s(tender.get("id")) != ocid else None,
        buyer_name=buyer_name,
        council_code=council.gss_code if council else None,
        title=_t(tender.get("title")) or _t(compiled.get("title")) or _t(planning.get("rationale")),
        description=_t(tender.get("description")) or _t(compiled.get("description")),
        department=_t(tender.get("x_department")),
        cpv_code=cpv,
        proclass_code=proclass,
        proclass_label=proclass_label,
        category=_t(tender.get("x_category")),
        main_category=_s(tender.get("mainProcurementCategory")),
        value=amount(tender.get("value")),
        currency=_s(_d(tender.get("value")).get("currency")),
        procedure=_s(tender.get("procurementMethod")),
        procedure_details=_s(tender.get("procurementMethodDetails")),
        status=_s(tender.get("status")),
        status_details=_s(tender.get("statusDetails")),
        notice_type=notice_type,
        suitable_sme=sme_ok,
        suitable_vcse=vcse_ok,
        final_stage_bids=final_bids,
        sme_final_stage_bids=sme_bids,
        vcse_final_stage_bids=vcse_bids,
        published_date=parse_timestamp(compiled.get("date")),
        notice_url=notice_url,
        extra=extra or None,
    )
    lot_periods = [lot.get("contractPeriod") for lot in lots]
    base.start_date, base.end_date, base.max_end_date = _period(tender.get("contractPeriod"), *lot_periods)
    tender_amendments = _amendments(tender)
    awards = _l(compiled.get("awards"))
    contracts = _l(compiled.get("contracts"))
    out: list[ContractRecord] = []
    if not awards and not contracts:
        row = _finish(base, None, None)
        row.amendment_records = tender_amendments + _change_events(releases, None)
        return [row]
    award_by_id = {str(a.get("id")): a for a in awards}
    per_award: dict[str, list[Json]] = {}
    orphans = []
    for c in contracts:
        aid = str(c.get("awardID"))
        if aid in award_by_id:
            per_award.setdefault(aid, []).append(c)
        else:
            orphans.append(c)
    for aid, award in award_by_id.items():
        entries: list[Json | None] = [*per_award[aid]] if aid in per_award else [None]
        for entry in entries:
            cid = f"{ocid}/{aid}" if len(entries) == 1 else f"{ocid}/{aid}/{entry.get('id') if entry else ''}"
            row = _award_row(base, award, entry, by_id, len(award_by_id) == 1 and not orphans)
            row.contract_id = cid
            row.award_id = aid
            row.amendment_records = (
                tender_amendments
                + _amendments(award)
                + (_amendments(entry) if entry else [])
                + _change_events(releases, {aid})
            )
            out.append(row)
    for c in orphans:
        row = _award_row(base, {}, c, by_id, False)
        row.contract_id = f"{ocid}/contract/{c.get('id')}"
        row.amendment_records = tender_amendments + _amendments(c) + _change_events(releases, None)
        out.append(row)
    return out


def _award_row(
    base: ContractRecord, award: Json, contract: Json | None, by_id: dict[str, Json], sole: bool
) -> ContractRecord:
    from dataclasses import replace

    c = contract or {}
    row = replace(base, suppliers=[], amendment_records=[])
    row.stage = "contract" if contract is not None else "award"
    row.title = _t(c.get("title")) or _t(award.get("title")) or base.title
    generic = re.compile(r"^see (the )?description of (the )?related tender", re.IGNORECASE)
    own_description = _t(c.get("description")) or _t(award.get("description"))
    if own_description and not generic.match(own_description):
        row.description = own_description
    value = amount(c.get("value")) if c else None
    value = value if value is not None else amount(award.get("value"))
    row.value = value if value is not None else (base.value if sole else None)
    currency = _s(_d(c.get("value")).get("currency")) or _s(_d(award.get("value")).get("currency"))
    row.currency = currency or base.currency
    start, end, max_end = _period(c.get("period"), award.get("contractPeriod"))
    if start or end or max_end:
        row.start_date, row.end_date, row.max_end_date = start, end, max_end
    row.status = _s(c.get("status")) if contract is not None else _s(award.get("status"))
    if contract is not None and row.status is None and _s(award.get("status")) != "active":
        row.status = _s(award.get("status"))
    row.status_details = (_s(c.get("statusDetails")) if c else None) or _s(award.get("statusDetails"))
    row.published_date = parse_timestamp(award.get("datePublished")) or base.published_date
    xa = c.get("x_annualValue") if c else None
    row.annual_value = amount(xa) if xa else None
    for key, target in (("x_originalEndDate", "original_end_date"), ("x_reviewDate", "review_date")):
        raw = c.get(key, award.get(key))
        if raw:
            setattr(row, target, parse_day(raw))
    for key, target in (("x_durationMonths", "duration_months"), ("x_extensionMonths", "extension_months")):
        raw = c.get(key, award.get(key))
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            setattr(row, target, float(raw))
    x_extra = c.get("x_extra", award.get("x_extra"))
    if isinstance(x_extra, dict):
        row.extra = x_extra or None
    row.suppliers = [_supplier(s, by_id) for s in _l(award.get("suppliers"))]
    if row.max_end_date is None:
        row.max_end_date = row.end_date
    return row


def _finish(row: ContractRecord, _a: Any, _c: Any) -> ContractRecord:
    if row.max_end_date is None:
        row.max_end_date = row.end_date
    return row

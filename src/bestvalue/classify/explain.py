"""``classify explain ROW_ID``: every method's evidence for one spend row, and which one decided."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from bestvalue.classify import sql
from bestvalue.classify.classifier import model_decisions
from bestvalue.classify.evidence import council_wordings, published
from bestvalue.classify.model import TextModel, shipped_model
from bestvalue.classify.models import Evidence, Explanation
from bestvalue.classify.payees import payee_decisions, trade_decisions, with_payee_kind
from bestvalue.classify.profiles import supplier_keys
from bestvalue.classify.taxonomy import NONPROC, taxonomy
from bestvalue.engine import Warehouse


class ExplainError(LookupError):
    """The row does not exist or has not been classified."""


def _combination(
    row: dict[str, Any], key: int, link: tuple[Any, ...] | None, totals: tuple[Any, ...] | None
) -> pl.DataFrame:
    """The row's combination as the classifier saw it (its columns, supplier link and totals)."""
    cols = sql.KEY_COLUMNS
    data: dict[str, Any] = {c: [row.get(c)] for c in cols}
    data["k"] = [key]
    data["supplier_id"] = [link[0] if link else None]
    data["payee_kind"] = [link[1] if link else None]
    amount = float(row["amount"])
    data["n"] = [int(totals[0]) if totals else 1]
    data["gross"] = [float(totals[1]) if totals else abs(amount)]
    data["net"] = [float(totals[2]) if totals else amount]
    schema: dict[str, Any] = {c: pl.String for c in cols} | {
        "k": pl.UInt64,
        "is_purchase_card": pl.Boolean,
        "supplier_id": pl.String,
        "payee_kind": pl.String,
        "n": pl.Int64,
        "gross": pl.Float64,
        "net": pl.Float64,
    }
    return with_payee_kind(pl.DataFrame(data, schema=schema))


def _context(wh: Warehouse, row: dict[str, Any], classes: list[str]) -> np.ndarray:
    """Counts of stronger decisions in the row's council and service area (see ``context_counts``)."""
    out = np.zeros((1, len(classes)))
    area = row.get("service_area") or row.get("department")
    if not area or not area.strip():
        return out
    for level1, n in wh.rows(sql.context_counts(), [row["council_code"], area.strip().lower()]):
        if level1 in classes:
            out[0, classes.index(level1)] = n
    return out


def _first_decision(method: str, frame: pl.DataFrame, decided_by: str) -> Evidence:
    """Evidence from the first row of a method's ``code, confidence, reason`` decisions."""
    return Evidence(
        method=method,
        decided=decided_by == method,
        code=frame["code"][0],
        label=_label(frame["code"][0]),
        confidence=frame["confidence"][0],
        detail=frame["reason"][0],
    )


def _label(code: str | None) -> str | None:
    if code == NONPROC:
        return "not a purchase"
    return taxonomy().label(code) or None if code else None


def explain_row(wh: Warehouse, spend_id: int, model: TextModel | None = None) -> Explanation:
    """The classification of one spend row with each method's evidence."""
    rows = wh.dicts(sql.spend_row(spend_id), [spend_id])
    if not rows:
        raise ExplainError(f"no spend row {spend_id}")
    row = rows[0]
    done = wh.dicts(sql.classification_row(), [spend_id])
    if not done:
        raise ExplainError(f"spend row {spend_id} has not been classified: run `bestvalue classify`")
    result = done[0]
    key = int(wh.scalar(sql.row_combination(), [spend_id]))
    link = wh.one(sql.supplier_link(), [spend_id]) if wh.has_table("spend_suppliers") else None
    totals = wh.one(sql.combination_totals(), [key])
    combo = _combination(row, key, link, totals)
    decided_by = result["method"]
    evidence: list[Evidence] = []

    pub = published(combo)
    if pub.height:
        evidence.append(_first_decision("published_proclass", pub, decided_by))
    else:
        has = row.get("proclass_code") or row.get("proclass_label")
        evidence.append(
            Evidence(
                method="published_proclass",
                decided=False,
                detail=f"published '{has}' decides nothing" if has else "no ProClass published",
            )
        )

    cat = council_wordings(combo)
    if cat.height:
        evidence.append(_first_decision("council_category", cat, decided_by))
    else:
        words = [
            f"{c.replace('_', ' ')} '{row[c]}'"
            for c in ("expense_type", "expense_group", "council_category", "merchant_category", "description")
            if row.get(c)
        ]
        detail = ("no rule decides " + ", ".join(words)) if words else "no category or description published"
        evidence.append(Evidence(method="council_category", decided=False, detail=detail))

    pay = payee_decisions(combo)
    if pay.height:
        evidence.append(_first_decision("payee", pay, decided_by))
    else:
        kind = combo["payee_class"][0]
        detail = (
            f"payee is a {kind.replace('_', ' ')}: a feature of the text model, not a decision"
            if kind
            else "the payee's name does not say the payment is tax or a pension contribution"
        )
        evidence.append(Evidence(method="payee", decided=False, detail=detail))

    keys = supplier_keys(combo)
    if keys.height:
        skey = keys["supplier_key"][0]
        prof = wh.dicts(sql.profile_row(), [skey])
        if prof:
            p = prof[0]
            detail = (
                f"supplier '{skey}': {p['evidence_rows']:,} categorised rows in {p['councils']} councils, "
                f"£{p['evidence_gross']:,.0f}; {p['it_share']:.0%} ICT; top group "
                f"{_label(p['top_level1']) or '-'} {(p['top_share'] or 0):.0%}"
            )
            evidence.append(
                Evidence(
                    method="supplier_profile",
                    decided=decided_by == "supplier_profile",
                    code=p["top_code"],
                    label=_label(p["top_code"]),
                    confidence=p["top_share"],
                    detail=detail,
                )
            )
        else:
            evidence.append(
                Evidence(
                    method="supplier_profile",
                    decided=False,
                    detail=f"supplier '{skey}' has no categorised spend in any council",
                )
            )
    else:
        evidence.append(
            Evidence(
                method="supplier_profile",
                decided=False,
                detail="payee is an individual or redacted: no supplier profile",
            )
        )

    trade = trade_decisions(combo)
    if trade.height:
        evidence.append(_first_decision("payee_trade", trade, decided_by))
    else:
        evidence.append(
            Evidence(
                method="payee_trade", decided=False, detail="the payee's name states no trade a rule reads"
            )
        )

    model = model or shipped_model()
    if model is not None:
        md = model_decisions(combo, model, _context(wh, row, model.classes))
        top = md["reason"][0]
        cls = model.classes[
            int(model.predict(combo.with_columns(weak_wording=pl.lit(None, pl.String)), "k")[0].argmax())
        ]
        strongest = ", ".join(
            f"{t} {w:+.2f}"
            for t, w in model.contributions(
                combo.with_columns(weak_wording=pl.lit(None, pl.String)), "k", cls
            )
        )
        evidence.append(
            Evidence(
                method="text_model",
                decided=decided_by == "text_model",
                code=md["code"][0],
                label=_label(md["code"][0]),
                confidence=md["confidence"][0],
                detail=f"{top}; strongest words: {strongest or 'none known'}",
            )
        )
    else:
        evidence.append(
            Evidence(method="text_model", decided=False, detail="no trained text model available")
        )

    return Explanation(
        spend_id=spend_id,
        council_code=row["council_code"],
        supplier_name=row.get("supplier_name"),
        description=row.get("description"),
        amount=float(row["amount"]),
        proclass_code=result["proclass_code"],
        proclass_label=_label(result["proclass_code"]),
        proclass_level1=result["proclass_level1"],
        is_it=result["is_it"],
        confidence=float(result["confidence"]),
        method=decided_by,
        reason=result["reason"],
        evidence=evidence,
    )

"""Which council, which year, which categories: the parts every insight starts from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from bestvalue.analytics import sql
from bestvalue.analytics.models import Category, CouncilInfo, Coverage, Filters
from bestvalue.analytics.settings import Settings, load_settings
from bestvalue.reference.councils import resolve_council

UNSTATED_CATEGORY = Category(code="270000", label="ICT (sub-category not stated)")
LIVE, MATERIALISED = "spend_enriched", "insight_spend"
Params = Sequence[Any] | dict[str, Any] | None


class Db(Protocol):
    """What the insights need of a warehouse (``Warehouse`` and :class:`Reader` both fit)."""

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]: ...
    def dicts(self, sql: str, params: Params = None) -> list[dict[str, Any]]: ...
    def one(self, sql: str, params: Params = None) -> tuple[Any, ...] | None: ...
    def scalar(self, sql: str, params: Params = None) -> Any: ...
    def has_table(self, name: str) -> bool: ...


class Reader:
    """The warehouse as the insights read it: the live ``spend_enriched`` view, or its materialised
    copy ``insight_spend`` when that was built from the data as it is now (same rows, faster)."""

    def __init__(self, wh: Db, relation: str) -> None:
        assert relation in (LIVE, MATERIALISED)
        self.wh = wh
        self.relation = relation
        self.memo: dict[tuple[str, str | None], Any] = {}

    def _sql(self, sql: str) -> str:
        return sql if self.relation == LIVE else sql.replace(LIVE, MATERIALISED)

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return self.wh.rows(self._sql(sql), params)

    def dicts(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        return self.wh.dicts(self._sql(sql), params)

    def one(self, sql: str, params: Params = None) -> tuple[Any, ...] | None:
        return self.wh.one(self._sql(sql), params)

    def scalar(self, sql: str, params: Params = None) -> Any:
        return self.wh.scalar(self._sql(sql), params)

    def has_table(self, name: str) -> bool:
        return self.wh.has_table(name)


def fingerprint(wh: Db) -> str:
    """Counts and hashes of everything ``spend_enriched`` is made of (a few tens of ms at 2M rows)."""

    parts = [str(v) for v in wh.one(sql.fingerprint_sql()) or ()]
    for table, q in sql.optional_fingerprint_sql().items():
        if wh.has_table(table):
            parts.append(str(wh.scalar(q)))
    return "|".join(parts)


def reader(wh: Db) -> Reader:
    """A :class:`Reader` on the materialised copy if it is up to date, else on the live view."""
    if isinstance(wh, Reader):
        return wh

    built = wh.scalar(sql.insight_state_sql()) if wh.has_table("insight_state") else None
    fresh = built is not None and built == fingerprint(wh)
    return Reader(wh, MATERIALISED if fresh else LIVE)


class UnknownCouncil(LookupError):
    """No council matches the code or name given."""


class UnknownSupplier(LookupError):
    """No supplier has this id."""


def money(value: Any) -> float:
    """Pounds as a float rounded to pence (``None`` → 0)."""
    if value is None:
        return 0.0
    return round(float(value), 2)


def pct(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole`` (``None`` when the whole is not positive)."""
    return round(100.0 * part / whole, 4) if whole > 0 else None


def year_label(year: int) -> str:
    """2021 → '2021-22' (April 2021 to March 2022)."""
    return f"{year}-{(year + 1) % 100:02d}"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a financial year."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def settings_or_default(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


def _info(row: tuple[Any, ...]) -> CouncilInfo:
    return CouncilInfo(
        gss_code=row[0],
        name=row[1],
        official_name=row[2],
        tier=row[3],
        region=row[4] or None,
        population=row[5],
        rural_urban=row[6] or None,
        peer_label=row[7] or None,
    )


def council_info(wh: Db, council: str) -> CouncilInfo:
    """The council a GSS code or name refers to, from the warehouse's reference table."""
    text = (council or "").strip()
    row = wh.one(sql.council_sql(), [text.upper()]) if text else None
    if row is None and text:
        found = resolve_council(text)
        if found is not None:
            row = wh.one(sql.council_sql(), [found.gss_code])
    if row is None:
        raise UnknownCouncil(f"no council matches {council!r}")
    return _info(row)


def all_councils(wh: Db) -> dict[str, tuple[CouncilInfo, dict[str, Any]]]:
    """Every council in the reference table with its dates and broad rural-urban class."""
    out = {}
    for row in wh.rows(sql.all_councils_sql()):
        out[row[0]] = (_info(row), {"start_date": row[8], "end_date": row[9], "rural_urban_broad": row[10]})
    return out


def years_covered(wh: Db, council_code: str | None = None) -> dict[str, dict[int, int]]:
    """Council → financial year → months with payments (remembered for the rest of an insight call)."""
    memo = wh.memo if isinstance(wh, Reader) else {}
    key = ("years", council_code)
    if key not in memo and ("years", None) in memo and council_code is not None:
        every = memo[("years", None)]
        memo[key] = {council_code: every[council_code]} if council_code in every else {}
    if key not in memo:
        materialised = isinstance(wh, Reader) and wh.relation == MATERIALISED
        out: dict[str, dict[int, int]] = {}
        for code, year, months, _ in wh.rows(sql.years_sql(materialised), [council_code, council_code]):
            out.setdefault(code, {})[int(year)] = int(months)
        memo[key] = out
    result: dict[str, dict[int, int]] = memo[key]
    return result


def default_year(wh: Db, council_code: str | None = None, full_year_months: int = 12) -> int | None:
    """The latest financial year with ``full_year_months`` months of payments, else the latest with any.

    Across all councils (``council_code`` ``None``) it is the latest year some council has in full.
    """
    covered = years_covered(wh, council_code)
    full = [y for years in covered.values() for y, m in years.items() if m >= full_year_months]
    if full:
        return max(full)
    anyyear = [y for years in covered.values() for y in years]
    return max(anyyear) if anyyear else None


def current_financial_year(today: dt.date | None = None) -> int:
    """The financial year a date falls in (today by default)."""
    day = today or dt.date.today()
    return day.year if day.month >= 4 else day.year - 1


def council_year(wh: Db, council_code: str, year: int | None, settings: Settings) -> int:
    """The year asked for, else the council's default year, else (no data at all) the current one."""
    fy = pick_year(wh, council_code, year, settings)
    return fy if fy is not None else current_financial_year()


def pick_year(wh: Db, council_code: str | None, year: int | None, settings: Settings) -> int | None:
    return year if year is not None else default_year(wh, council_code, settings.baseline.full_year_months)


def has_rows(wh: Db, table: str) -> bool:
    return bool(wh.scalar(sql.table_rows_sql(table)))


def coverage(wh: Db, council_code: str, year: int) -> Coverage:
    """How much of a council's year is classified and resolved."""
    r = wh.dicts(sql.coverage_sql(), [council_code, year])[0]
    amount = money(r["amount"])
    resolved = money(r["resolved_amount"])
    return Coverage(
        rows=int(r["rows"]),
        amount=amount,
        classified_rows=int(r["classified_rows"]),
        classified_amount=money(r["classified_amount"]),
        unclassified_rows=int(r["unclassified_rows"]),
        unclassified_amount=money(r["unclassified_amount"]),
        resolved_amount=resolved,
        unresolved_amount=round(amount - resolved, 2),
        classification_ran=has_rows(wh, "spend_classification"),
        resolution_ran=has_rows(wh, "spend_suppliers"),
        months_covered=int(r["months_covered"]),
    )


def coverage_notes(cov: Coverage, settings: Settings) -> list[str]:
    """Plain-English warnings about what the figures rest on."""
    notes = []
    if cov.rows == 0:
        notes.append("No payments are loaded for this council in this year.")
        return notes
    if not cov.classification_ran:
        notes.append(
            "Spend classification has not run: all spend is unclassified, so IT figures are zero "
            "and the range shows what they could be."
        )
    elif cov.unclassified_amount:
        share = pct(cov.unclassified_amount, cov.amount)
        notes.append(
            f"£{cov.unclassified_amount:,.0f} ({share or 0:.1f}%) of this year's spend is unclassified."
        )
    if not cov.resolution_ran:
        notes.append("Supplier resolution has not run: suppliers are grouped by their published names.")
    if cov.months_covered < settings.baseline.full_year_months:
        notes.append(f"Only {cov.months_covered} of 12 months have payments: the year is incomplete.")
    return notes


def filters(info: CouncilInfo | None, year: int | None, **params: Any) -> Filters:
    return Filters(
        council_code=info.gss_code if info else None,
        council_name=info.name if info else None,
        financial_year=year,
        year_label=year_label(year) if year is not None else None,
        params=params,
    )


def ict_categories(wh: Db) -> list[Category]:
    """The ICT sub-categories (ProClass v17 level 2 within ICT), each named by its head code."""
    return [Category(code=c, label=label) for c, label in wh.rows(sql.ict_categories_sql())]


def category_labels(wh: Db) -> dict[str, str]:
    return {c.code: c.label for c in ict_categories(wh)}


def category(labels: dict[str, str], code: str | None) -> Category:
    code = code or UNSTATED_CATEGORY.code
    return Category(code=code, label=labels.get(code, UNSTATED_CATEGORY.label))


def category_of(wh: Db, proclass_code: str) -> Category:
    """The ICT category a ProClass code (or a category head code) belongs to."""
    row = wh.one(sql.ict_category_of_sql(), [proclass_code.strip()])
    if row is None:
        raise LookupError(f"{proclass_code!r} is not a ProClass v17 ICT code")
    return Category(code=row[0], label=row[1])

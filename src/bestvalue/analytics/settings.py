"""Insight parameters: the shipped ``data/settings.yaml``, overridden key by key by a user's file."""

from __future__ import annotations

import datetime as dt
import functools
import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

SETTINGS_ENV = "BESTVALUE_INSIGHT_SETTINGS"

SeverityName = Literal["possible_breach", "risk_signal"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class BaselineSettings(_Strict):
    top: int = Field(ge=1)
    full_year_months: int = Field(ge=1, le=12)
    uncertain_below: float = Field(ge=0, le=1)


class PeerSettings(_Strict):
    max_peers: int = Field(ge=1)
    min_peers: int = Field(ge=0)
    population_ratio: float = Field(gt=1)
    rurality_penalty: float
    peer_label_penalty: float
    neighbour_bonus: float


class MarketSettings(_Strict):
    top: int = Field(ge=1)
    hhi_moderate: float
    hhi_high: float


class LockinWeights(_Strict):
    tenure: float
    share: float
    single_supplier: float
    direct_award: float
    extension: float
    contract_age: float


class LockinSettings(_Strict):
    min_amount: float
    tenure_years_cap: int = Field(ge=1)
    single_supplier_share: float
    contract_age_cap_years: float = Field(gt=0)
    weights: LockinWeights
    direct_award_words: list[str]


class CollaborationSettings(_Strict):
    min_amount: float
    min_councils: int = Field(ge=2)
    contract_end_window_months: int = Field(ge=0)
    years: int = Field(ge=1, le=20)


class SavingsSettings(_Strict):
    fragmentation_min_suppliers: int = Field(ge=2)
    fragmentation_min_spend: float
    consolidation_rate: float = Field(ge=0, le=1)
    price_variation_ratio: float = Field(gt=1)
    price_variation_min_councils: int = Field(ge=2)
    price_variation_min_amount: float
    duplicate_window_days: int = Field(ge=0, le=366)
    duplicate_min_amount: float
    duplicate_max_copies: int = Field(ge=2)
    duplicate_regular_months: int = Field(ge=2, le=12)
    duplicate_instalment_months: int = Field(ge=2, le=12)
    duplicate_unestimated_min_amount: float
    duplicate_rate_codes: list[str]


class SplitSettings(_Strict):
    window_days: int = Field(ge=0, le=366)
    min_payments: int = Field(ge=2)
    max_payments: int = Field(ge=2)
    min_fraction: float = Field(ge=0, lt=1)
    max_total_multiple: float = Field(gt=1)
    min_share: float = Field(gt=0, le=1)
    burst_ratio: float = Field(ge=1)
    not_split_words: list[str]
    not_split_codes: list[str]
    example_limits_severity: SeverityName


Regime = Literal["goods_services", "works", "light_touch", "all"]
PaymentRegime = Literal["goods_services", "works", "light_touch", "care"]


class QuoteLimit(_Strict):
    amount: float = Field(gt=0)
    label: str


class ProcurementThreshold(_Strict):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    amount: float = Field(gt=0)
    includes_vat: bool
    label: str
    regime: Regime = "goods_services"


class Regimes(_Strict):
    """ProClass code prefixes deciding which thresholds a payment is tested against (longest first).

    ``care`` is light-touch social care bought per person: tested against the light-touch threshold
    only, not quote limits or the notifiable threshold. Codes in no list are supplies and services."""

    works: list[str]
    light_touch: list[str]
    care: list[str]
    goods_services: list[str] = Field(default_factory=list)

    def prefixes(self) -> list[tuple[str, PaymentRegime]]:
        out: list[tuple[str, PaymentRegime]] = []
        out += [(p, "works") for p in self.works]
        out += [(p, "light_touch") for p in self.light_touch]
        out += [(p, "care") for p in self.care]
        out += [(p, "goods_services") for p in self.goods_services]
        return out


class RoundSumSettings(_Strict):
    unit: float = Field(gt=0)
    min_amount: float
    min_count: int = Field(ge=2)
    fixed_fee_months: int = Field(ge=2, le=12)
    min_share: float = Field(ge=0, le=1)


class BenfordSettings(_Strict):
    min_payments: int = Field(ge=1)
    min_amount: float = Field(gt=0)
    close: float
    acceptable: float
    marginal: float


class ProbitySettings(_Strict):
    severity: dict[str, SeverityName]
    split: SplitSettings
    regimes: Regimes
    quote_limits: list[QuoteLimit]
    council_quote_limits: dict[str, list[QuoteLimit]]
    procurement_thresholds: list[ProcurementThreshold]
    vat_uplift: float = Field(ge=1)
    no_contract_threshold: float = Field(gt=0)
    regular_months: int = Field(ge=2, le=12)
    contract_value_tolerance: float = Field(ge=0)
    contract_end_grace_days: int = Field(ge=0)
    round_sums: RoundSumSettings
    benford: BenfordSettings

    @field_validator("severity")
    @classmethod
    def _benford_is_a_signal(cls, value: dict[str, SeverityName]) -> dict[str, SeverityName]:
        if value.get("benford", "risk_signal") != "risk_signal":
            raise ValueError("Benford's law describes the whole population of payments: it is a risk signal")
        return value

    def quote_limits_for(self, council_code: str) -> list[QuoteLimit]:
        """The council's own quote limits if the settings give them, else the general ones."""
        return self.council_quote_limits.get(council_code, self.quote_limits)

    def has_own_quote_limits(self, council_code: str) -> bool:
        return council_code in self.council_quote_limits


class PurchaseSettings(_Strict):
    """What counts as a purchase in the duplicate, split-payment, no-contract and round-sum tests.

    Payments the classification step calls not purchases and payments to individuals or redacted payees
    are always left out; these lists add general rules (ProClass code prefixes, words of the expense
    type or description, words of the payee's name that mark another public body)."""

    not_purchase_codes: list[str]
    not_purchase_words: list[str]
    public_body_words: list[str]
    profile_margin_months: int = Field(ge=0, le=12)

    def params(
        self, council_code: str, year: int, *, it_only: bool = False, margin: bool = False
    ) -> dict[str, Any]:
        """SQL parameters of ``sql.purchase_lines_cte`` for a council's financial year: the rules (code
        prefixes and two lower-case regular expressions) and the span of dates read, the year itself or,
        with ``margin``, the year and ``profile_margin_months`` either side (to tell regular payments)."""
        months = self.profile_margin_months if margin else 0
        first, last = _add_months(dt.date(year, 4, 1), -months), _add_months(dt.date(year + 1, 4, 1), months)
        return {
            "council": council_code,
            "year": year,
            "first": first,
            "last": last - dt.timedelta(days=1),
            "it_only": it_only,
            "not_codes": list(self.not_purchase_codes),
            "not_words": words_pattern(self.not_purchase_words),
            "public_words": words_pattern(self.public_body_words),
        }


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def words_pattern(words: list[str]) -> str:
    """One regular expression matching any of the words or phrases as whole words (never empty)."""
    return r"\b(" + "|".join(words) + r")\b" if words else r"^\b$"


class Settings(_Strict):
    """Every insight parameter (see ``data/settings.yaml`` and docs/insights.md)."""

    evidence_limit: int = Field(ge=1)
    baseline: BaselineSettings
    peers: PeerSettings
    market: MarketSettings
    lockin: LockinSettings
    collaboration: CollaborationSettings
    purchases: PurchaseSettings
    savings: SavingsSettings
    probity: ProbitySettings
    source: list[str] = Field(default_factory=list, description="files the values came from")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "council_quote_limits":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _shipped() -> dict[str, Any]:
    text = (
        resources.files("bestvalue.analytics").joinpath("data", "settings.yaml").read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@functools.lru_cache(maxsize=8)
def _load(path: str | None) -> Settings:
    data = _shipped()
    sources = ["bestvalue/analytics/data/settings.yaml"]
    if path:
        override = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(override, dict):
            raise ValueError(f"{path}: settings must be a YAML mapping")
        data = _merge(data, override)
        sources.append(path)
    data["source"] = sources
    return Settings.model_validate(data)


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """The shipped settings, overridden by ``path`` (or ``$BESTVALUE_INSIGHT_SETTINGS``) if given."""
    chosen = path or os.environ.get(SETTINGS_ENV) or None
    return _load(str(chosen) if chosen else None)

"""Typed results of supplier resolution (shared by the CLI, the web and tests)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ResolveSummary(BaseModel):
    """What one resolution run did."""

    names: int = Field(description="distinct published payee names")
    supplier_names: int = Field(description="names of organisations (clustered into suppliers)")
    suppliers: int = Field(description="supplier entities")
    individuals: int = Field(description="names read as private individuals (never suppliers)")
    redacted: int = Field(description="redacted names")
    unknown: int = Field(description="blank or placeholder names")
    by_method: dict[str, int] = Field(description="supplier names by how they joined their entity")
    fuzzy_links: int
    refused_links: int = Field(description="links refused because identifiers or overrides disagreed")
    new_suppliers: int = Field(description="entities with a newly issued id")
    retired_ids: int = Field(description="ids redirected after entities merged")
    overrides: str | None = Field(description="where the overrides came from, if any")
    override_rules: int
    unmatched_rules: list[str] = Field(description="override rules that matched no published name")
    truncating_councils: dict[str, int] = Field(description="council code -> width names are cut at")
    seconds: float

    def line(self) -> str:
        """The one-line summary the pipeline prints."""
        return (
            f"{self.supplier_names:,} supplier names -> {self.suppliers:,} suppliers "
            f"({self.new_suppliers:,} new); {self.individuals:,} individuals, {self.redacted:,} redacted, "
            f"{self.unknown:,} blank; {self.fuzzy_links:,} fuzzy links"
            + (f"; {self.override_rules} override rules" if self.override_rules else "")
            + f" in {self.seconds:.1f}s"
        )


class AliasInfo(BaseModel):
    """One published name and how it was resolved."""

    published_name: str = Field(description="as published (hidden for individuals and redactions)")
    payee_kind: str
    supplier_id: str | None
    name_key: str | None
    method: str
    confidence: float
    evidence: str | None
    company_number: str | None = None
    charity_number: str | None = None
    vat_number: str | None = None
    payments: int = 0
    councils: int = 0
    truncated: bool = False


class SupplierInfo(BaseModel):
    supplier_id: str
    name: str
    company_number: str | None
    charity_number: str | None
    vat_number: str | None
    is_sme: bool | None
    is_vcse: bool | None
    councils: int
    legal_form: str | None
    aliases: int
    payments: int
    amount: float


class Explanation(BaseModel):
    """Why a name belongs to a supplier (``bestvalue suppliers explain``)."""

    query: str
    matched: list[AliasInfo] = Field(description="published names that match the query")
    supplier: SupplierInfo | None = None
    redirected_from: str | None = Field(None, description="the id asked for, when it was retired")
    aliases: list[AliasInfo] = Field(default_factory=list, description="every name of the supplier")
    suggestions: list[str] = Field(default_factory=list, description="similar names, when nothing matched")

"""Supplier resolution: published payee names -> one identity per supplier across every council.

Entry points: :func:`resolve_warehouse` (the pipeline step), :func:`explain` and
:func:`list_suppliers` (what the CLI shows), :func:`normalise`, :func:`classify_payee` and the
identifier normalisers for other capabilities that meet supplier names.
"""

from bestvalue.suppliers.explain import explain, list_suppliers
from bestvalue.suppliers.identifiers import charity_number, company_number, vat_number
from bestvalue.suppliers.names import normalise
from bestvalue.suppliers.payees import classify_payee
from bestvalue.suppliers.store import resolve_warehouse

__all__ = [
    "charity_number",
    "classify_payee",
    "company_number",
    "explain",
    "list_suppliers",
    "normalise",
    "resolve_warehouse",
    "vat_number",
]

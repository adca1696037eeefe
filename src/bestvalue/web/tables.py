"""Tables inside a page's result: every list of records in a pydantic model becomes a ``Table``.

The same tables are drawn in HTML, written as CSV and XLSX, and named in download links, so a page
never needs its own export code. A column's kind (money, percent, date, …) comes from the field's
type and name, or from ``Field(json_schema_extra={"format": KIND})`` when a model states it.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

Kind = Literal["text", "code", "money", "number", "integer", "percent", "date", "datetime", "bool"]
KINDS: frozenset[str] = frozenset(typing.get_args(Kind))
NUMERIC: frozenset[str] = frozenset({"money", "number", "integer", "percent"})

_PERCENT_NAME = re.compile(r"(^|_)(share|pct|percent|percentage|proportion|rate)s?($|_)")
_MONEY_NAME = re.compile(
    r"(^|_)(amount|spend|value|total|saving|savings|cost|median|mean|quartile|q1|q3|p25|p75|min|max|"
    r"gbp|at_stake|per_head|estimate|estimated)s?($|_)"
)
_SMALL_WORDS = {
    "id": "ID",
    "gss": "GSS",
    "hhi": "HHI",
    "cr3": "CR3",
    "it": "IT",
    "vat": "VAT",
    "sme": "SME",
    "vcse": "VCSE",
    "ocid": "OCID",
    "cpv": "CPV",
    "url": "URL",
    "sha256": "SHA-256",
    "fy": "FY",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass
class Table:
    """A named list of records with typed columns (rows hold raw Python values)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)  # the source records, for links on a page

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def without(self, *keys: str) -> Table:
        """The same table minus some columns (for on-screen views; downloads keep everything)."""
        return Table(
            self.name, self.title, [c for c in self.columns if c.key not in keys], self.rows, self.records
        )


def humanise(name: str) -> str:
    """``supplier_name`` → ``Supplier name``; known acronyms upper-cased."""
    words = [w for w in re.split(r"[_\s]+", name) if w]
    if not words:
        return name
    out = [_SMALL_WORDS.get(w.lower(), w) for w in words]
    if out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``; other unions stay as they are."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _declared_kind(info: FieldInfo) -> Kind | None:
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        fmt = extra.get("format")
        if isinstance(fmt, str) and fmt in KINDS:
            return typing.cast(Kind, fmt)
    return None


def column_kind(name: str, annotation: Any, info: FieldInfo | None = None) -> Kind | None:
    """The display kind of a field, or None if it is not a flat value (nested records, maps)."""
    if info is not None and (declared := _declared_kind(info)):
        return declared
    t = _unwrap(annotation)
    if t in (float, Decimal) and info is not None and info.description and "%" in info.description:
        return "percent"
    if typing.get_origin(t) is Literal:
        return "code"
    if t is bool:
        return "bool"
    if t is int:
        return "integer"
    if t is Decimal:
        return "percent" if _PERCENT_NAME.search(name) else "money"
    if t is float:
        if _PERCENT_NAME.search(name):
            return "percent"
        return "money" if _MONEY_NAME.search(name) and "score" not in name else "number"
    if t is dt.datetime:
        return "datetime"
    if t is dt.date:
        return "date"
    if t is str:
        return "text"
    if isinstance(t, type) and issubclass(t, str):  # str enums
        return "text"
    return None


def _record_model(annotation: Any) -> type[BaseModel] | None:
    t = _unwrap(annotation)
    if typing.get_origin(t) in (list, tuple, typing.Sequence):
        args = typing.get_args(t)
        if args:
            inner = _unwrap(args[0])
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _is_text_list(annotation: Any) -> bool:
    t = _unwrap(annotation)
    return typing.get_origin(t) is list and typing.get_args(t)[:1] in ((str,), (int,))


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    t = _unwrap(annotation)
    return t if isinstance(t, type) and issubclass(t, BaseModel) else None


# Nested records flattened into their parent's columns (one level), except drill-down filters.
NOT_FLATTENED = frozenset({"SpendFilter", "Filters"})


def columns_of(model: type[BaseModel], prefix: str = "", label_prefix: str = "") -> list[Column]:
    """The flat columns of a record model, in field order; a nested record's own flat columns follow
    as ``field.sub`` (e.g. ``council.name``); lists of text become one ``; ``-joined column."""
    cols = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        label = info.title or humanise(name)
        if label_prefix:
            label = (
                label_prefix
                if name in ("name", "label")
                else f"{label_prefix} {label[:1].lower()}{label[1:]}"
            )
            label = label.replace(" gSS", " GSS")
        kind = column_kind(name, info.annotation, info)
        if kind is not None:
            cols.append(Column(key, label, kind))
        elif _is_text_list(info.annotation):
            cols.append(Column(key, label, "text"))
        elif (
            not prefix and (nested := _nested_model(info.annotation)) and nested.__name__ not in NOT_FLATTENED
        ):
            cols.extend(columns_of(nested, f"{key}.", label))
    return cols


def value_at(item: Any, key: str) -> Any:
    """The value of a (possibly dotted) column key on a record; lists of text joined with ``; ``."""
    value = item
    for part in key.split("."):
        value = getattr(value, part, None) if value is not None else None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def record_rows(items: list[Any], columns: list[Column]) -> list[dict[str, Any]]:
    return [{c.key: value_at(item, c.key) for c in columns} for item in items]


def table_of(name: str, items: list[Any], model: type[BaseModel], title: str | None = None) -> Table:
    cols = columns_of(model)
    return Table(
        name, title or humanise(name.rsplit(".", 1)[-1]), cols, record_rows(items, cols), list(items)
    )


def tables_of(result: BaseModel, prefix: str = "", depth: int = 0) -> dict[str, Table]:
    """Every list-of-records field of ``result`` (and of its nested single records), by dotted name."""
    found: dict[str, Table] = {}
    for name, info in type(result).model_fields.items():
        value = getattr(result, name, None)
        key = f"{prefix}{name}"
        record = _record_model(info.annotation)
        if record is not None and isinstance(value, list | tuple):
            found[key] = table_of(key, list(value), record, info.title or humanise(name))
        elif isinstance(value, BaseModel) and depth < 2:
            found.update(tables_of(value, f"{key}.", depth + 1))
    return found


def summary_of(result: BaseModel) -> list[tuple[Column, Any]]:
    """The flat (non-table) fields of ``result``, with their kinds, for a summary list."""
    out = []
    for name, info in type(result).model_fields.items():
        kind = column_kind(name, info.annotation, info)
        if kind is not None:
            out.append((Column(name, info.title or humanise(name), kind), getattr(result, name, None)))
    return out

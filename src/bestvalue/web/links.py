"""URLs of every page, built in one place (path segments and query values are always encoded)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from bestvalue.analytics.models import SpendFilter


def _q(params: dict[str, Any]) -> str:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, "true" if value is True else str(value)))
    return ("?" + urlencode(pairs)) if pairs else ""


def seg(value: object) -> str:
    """One path segment, percent-encoded (slashes included)."""
    return quote(str(value), safe="")


def home() -> str:
    return "/"


def council(code: str, year: int | None = None, section: str = "") -> str:
    tail = f"/{section}" if section else ""
    return f"/councils/{seg(code)}{tail}" + _q({"year": year})


def supplier(supplier_id: str | None, year: int | None = None) -> str:
    return "/supplier" + _q({"id": supplier_id, "year": year}) if supplier_id else ""


def category(code: str, year: int | None = None, council: str | None = None) -> str:
    return f"/categories/{seg(code)}" + _q({"year": year, "council": council})


def market(year: int | None = None, council: str | None = None) -> str:
    return "/categories" + _q({"year": year, "council": council})


def evidence(selection: SpendFilter | None, offset: int = 0) -> str:
    if selection is None:
        return ""
    data = selection.model_dump(exclude_defaults=True, mode="json")
    if offset:
        data["offset"] = offset
    return "/evidence" + _q(data)


def quality(council: str | None = None) -> str:
    return "/quality" + _q({"council": council})


def source(source_id: int) -> str:
    return f"/quality/{int(source_id)}"


def search(text: str | None = None) -> str:
    return "/search" + _q({"q": text})


def with_suffix(path: str, ext: str) -> str:
    """``/councils/X`` → ``/councils/X.json``; ``/`` → ``/index.json``."""
    return ("/index" if path in ("", "/") else path.rstrip("/")) + ext


def download(path: str, query: str, ext: str, table: str | None) -> str:
    """A table's CSV/XLSX link for the page at ``path?query``."""
    params = [p for p in query.split("&") if p and not p.startswith("table=")]
    if table:
        params.append(urlencode({"table": table}))
    return with_suffix(path, ext) + ("?" + "&".join(params) if params else "")

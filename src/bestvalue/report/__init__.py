"""The value-for-money evidence pack: one council's IT case for one financial year, every figure
traceable to the insight that computed it and to the published payment lines behind it.

``build_pack(wh, council, year)`` returns the typed pack (:class:`VfmPack`, whose JSON is the pack's
twin); ``render(pack, fmt)`` draws it as HTML, PDF (WeasyPrint, from the same HTML) or XLSX.
"""

from __future__ import annotations

from typing import Literal

from bestvalue.report.html import render_html
from bestvalue.report.models import Figure, PackOptions, PackTable, Reference, Section, SourceFile, VfmPack
from bestvalue.report.pack import build_pack
from bestvalue.report.pdf import PDF_MEDIA_TYPE, render_pdf
from bestvalue.report.workbook import XLSX_MEDIA_TYPE, render_xlsx

Format = Literal["html", "pdf", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "xlsx", "json")
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": PDF_MEDIA_TYPE,
    "xlsx": XLSX_MEDIA_TYPE,
    "json": "application/json",
}


def render(pack: VfmPack, fmt: Format) -> bytes:
    """The pack in one format, as bytes (HTML and JSON in UTF-8)."""
    if fmt == "html":
        return render_html(pack).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(pack)
    if fmt == "xlsx":
        return render_xlsx(pack)
    if fmt == "json":
        return pack.model_dump_json().encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def file_name(pack: VfmPack, fmt: Format) -> str:
    """``vfm-E08000003-2021-22.pdf``."""
    return f"vfm-{pack.council.gss_code}-{pack.year_label}.{fmt}"


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Figure",
    "Format",
    "PackOptions",
    "PackTable",
    "Reference",
    "Section",
    "SourceFile",
    "VfmPack",
    "build_pack",
    "file_name",
    "render",
    "render_html",
    "render_pdf",
    "render_xlsx",
]

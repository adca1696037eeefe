"""The pack as PDF: WeasyPrint lays out the same HTML with print rules (A4, running title, page
numbers, a new page per section); charts stay vector (inline SVG)."""

from __future__ import annotations

import logging

from bestvalue.report.html import render_html
from bestvalue.report.models import VfmPack

PDF_MEDIA_TYPE = "application/pdf"


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from a self-contained HTML document (no external resources are fetched)."""
    import weasyprint  # type: ignore[import-untyped]  # imported here: loading it takes about a second

    for name in ("weasyprint", "fontTools"):  # layout chatter, not problems
        logging.getLogger(name).setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_no_fetch)
    pdf: bytes = document.write_pdf()
    return pdf


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the pack is self-contained; refusing to fetch {url}")


def render_pdf(pack: VfmPack) -> bytes:
    """The pack as a PDF document."""
    return html_to_pdf(render_html(pack, for_print=True))

"""Web routes for the pack: ``/councils/{code}/vfm.html|.pdf|.xlsx|.json`` (the JSON is the HTML's twin).

The web app includes :data:`router`; it reads the read-only warehouse the app opened
(``app.state.database``) and keeps finished files in the app's response cache (``app.state.site.cache``)
when there is one. The HTML is served with its own Content-Security-Policy allowing exactly its inline
stylesheet (by hash) and nothing else; PDF and XLSX come as downloads.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from bestvalue.analytics.scope import UnknownCouncil

# Nothing from bestvalue.report or bestvalue.web is imported at module level: the web app imports this
# module while its own package is still initialising, and the pack's modules import the web's helpers.
PackFormat = Literal["html", "pdf", "xlsx", "json"]
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)

router = APIRouter(tags=["report"])


def html_policy(html: str) -> str:
    """A Content-Security-Policy for the pack's HTML: its inline stylesheet (by hash) and data: images."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.encode('utf-8')).digest()).decode('ascii')}'"
        for m in _STYLE.findall(html)
    )
    styles = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _cache(request: Request) -> Any:
    site = getattr(request.app.state, "site", None)
    return getattr(site, "cache", None)


@router.get(
    "/councils/{code}/vfm.{fmt}",
    summary="IT value-for-money evidence pack (HTML, PDF, XLSX, or the pack model as JSON)",
    response_class=Response,
    responses={
        200: {
            "content": {media.split(";")[0]: {} for media in MEDIA_TYPES.values()},
            "description": "The pack in the format asked for",
        },
        404: {"description": "No such council"},
    },
)
def vfm_pack(
    request: Request,
    code: Annotated[str, Path(description="GSS code (or name) of the council", max_length=120)],
    fmt: Annotated[PackFormat, Path(description="html, pdf, xlsx or json")],
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="financial year by its first calendar year")
    ] = None,
    as_of: Annotated[
        dt.date | None, Query(description="start of the renewal pipeline window (default today)")
    ] = None,
    download: Annotated[bool, Query(description="send the HTML or JSON as a file to save")] = False,
) -> Response:
    """The council's IT value-for-money evidence pack. Every figure carries a numbered reference naming the
    insight and parameters that computed it; the XLSX holds every table and the payment lines behind them."""
    from bestvalue.report import build_pack, file_name, render
    from bestvalue.web.cache import Cached

    cache = _cache(request)
    day = as_of or dt.date.today()
    key = (f"vfm.{fmt}", request.url.path, f"year={year}&as_of={day.isoformat()}&download={download}")
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        return Response(content=hit.body, media_type=hit.media_type, headers=dict(hit.headers))
    database = getattr(request.app.state, "database", None)
    if database is None:
        raise HTTPException(500, "The warehouse is not open")
    base_url = str(request.base_url).rstrip("/")
    try:
        pack = build_pack(database.cursor(), code, year, as_of=day, base_url=base_url)
    except UnknownCouncil as exc:
        raise HTTPException(404, str(exc) or "No such council") from exc
    body = render(pack, fmt)
    headers: dict[str, str] = {}
    if fmt in ("pdf", "xlsx") or download:
        headers["content-disposition"] = f'attachment; filename="{file_name(pack, fmt)}"'
    if fmt == "html":
        headers["content-security-policy"] = html_policy(body.decode("utf-8"))
    if cache is not None:
        cache.put(key, Cached(body, MEDIA_TYPES[fmt], tuple(headers.items())))
    return Response(content=body, media_type=MEDIA_TYPES[fmt], headers=headers)

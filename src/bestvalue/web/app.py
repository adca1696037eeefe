"""The FastAPI application: pages with JSON/CSV/XLSX twins, GOV.UK Frontend assets, safe errors.

``create_app(db)`` opens the warehouse read-only (on startup) and serves every page in
:mod:`bestvalue.web.routes`. ``app_from_env()`` is the factory ``uvicorn`` calls when the server runs
several worker processes (it reads ``BESTVALUE_DB``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bestvalue import __version__ as VERSION
from bestvalue.config import warehouse_path
from bestvalue.report.web import router as vfm_router
from bestvalue.web.assets import govuk_frontend_dist, static_dir
from bestvalue.web.cache import ResponseCache
from bestvalue.web.database import Database
from bestvalue.web.pages import Site, wants_json
from bestvalue.web.routes import PAGES
from bestvalue.web.security import SecurityHeaders, content_security_policy, script_hashes
from bestvalue.web.templating import make_env

log = logging.getLogger("bestvalue.web")
CACHE_ENV = "BESTVALUE_WEB_CACHE_MB"
WARM_ENV = "BESTVALUE_WEB_WARM"
_MESSAGES = {
    400: ("There is a problem with the address", "Check the address and the values in it, then try again."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Method not allowed", "This address only answers GET requests."),
    501: ("Not available yet", "This part of the service is still being built."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def _json_wanted(request: Request) -> bool:
    path = request.url.path
    return path.endswith(".json") or path == "/openapi.json" or wants_json(request)


def _warm(site: Site) -> None:
    """Render the home page and every council's overview into the cache (runs in a background thread)."""
    from bestvalue.analytics import list_councils

    try:
        codes = [c.council.gss_code for c in list_councils(site.db.cursor())]
    except Exception:  # warming is best effort; requests report real errors
        return
    requests: list[tuple[str, str, dict[str, Any]]] = [("home", "/", {})]
    requests += [("council", f"/councils/{code}", {"code": code, "year": None}) for code in codes]
    log.info("warmed %d pages", site.warm(requests))


def create_app(
    db: str | os.PathLike[str] | None = None, *, cache_mb: int | None = None, warm: bool | None = None
) -> FastAPI:
    """The web app over the warehouse at ``db`` (default: ``$BESTVALUE_DB`` or ``./bestvalue.duckdb``).
    ``warm``: render the home page and each council overview in the background at startup (default:
    ``$BESTVALUE_WEB_WARM``)."""
    path = warehouse_path(db)
    database = Database(path)
    env = make_env()
    mb = cache_mb if cache_mb is not None else int(os.environ.get(CACHE_ENV, "128"))
    site = Site(database, env, ResponseCache(max_bytes=mb * 1024 * 1024))

    warming = warm if warm is not None else os.environ.get(WARM_ENV, "") not in ("", "0", "false")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        database.open()
        if warming:
            threading.Thread(target=_warm, args=(site,), name="bestvalue-warm", daemon=True).start()
        try:
            yield
        finally:
            database.close()

    app = FastAPI(
        title="bestvalue",
        version=VERSION,
        description=(
            "Value-for-money evidence for UK councils' IT and digital spend. Every page of the site has a "
            "JSON twin (add `.json` to its path, or send `Accept: application/json`) returning the result "
            "documented here, and its tables as `.csv` and `.xlsx`."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.site = site
    app.state.database = database

    dist = govuk_frontend_dist()
    if dist is None:
        log.warning("govuk-frontend is not installed (run `npm ci`): pages will be unstyled")
    else:
        app.mount("/govuk", StaticFiles(directory=dist), name="govuk")
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")

    for page in PAGES:
        site.add(app, page)
    app.include_router(vfm_router)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        schema = app.openapi()
        return HTMLResponse(
            env.get_template("docs.html").render(
                title="API and downloads",
                section="api",
                schema=schema,
                pages=site.pages,
            )
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "cache_entries": len(site.cache)}

    def error_response(request: Request, status: int, detail: Any = None) -> Response:
        title, hint = _MESSAGES.get(status, _MESSAGES[500] if status >= 500 else _MESSAGES[400])
        if _json_wanted(request):
            return JSONResponse({"detail": detail if detail is not None else title}, status_code=status)
        text = str(detail) if isinstance(detail, str) and status < 500 else None
        html = env.get_template("error.html").render(title=title, hint=hint, detail=text, status=status)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        if _json_wanted(request):
            return JSONResponse({"detail": errors}, status_code=400)
        text = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors)
        return error_response(request, 400, text)

    # Hash the template's inline scripts into the policy, so pages need no per-request nonce.
    sample = env.get_template("error.html").render(title="", hint="", status=200)
    csp = content_security_policy(script_hashes(sample))
    app.add_middleware(SecurityHeaders, csp=csp)
    hardening = SecurityHeaders(app, csp).headers

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Runs outside the middleware stack: add the security headers here too. Never a traceback.
        log.error("error serving %s", request.url.path, exc_info=exc)
        response = error_response(request, 500)
        for key, value in hardening:
            response.headers[key.decode("latin-1")] = value.decode("latin-1")
        return response

    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (reads ``BESTVALUE_DB``)."""
    return create_app(os.environ.get("BESTVALUE_DB"))

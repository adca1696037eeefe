"""Pages and their twins: one loader per page gives HTML, JSON, CSV and XLSX from the same result.

A :class:`Page` names a path, a template and a *loader* ``(wh, **params) -> pydantic model``. For each
page :class:`Site` registers four routes: ``PATH`` (HTML, or JSON when the request asks for
``application/json``), ``PATH.json`` (the model, documented in OpenAPI), and ``PATH.csv`` /
``PATH.xlsx`` (the page's tables; ``?table=NAME`` picks one). Query and path parameters come from the
loader's own signature, so FastAPI validates them once for every format. Finished responses are cached
(the warehouse is read-only while serving).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from bestvalue.analytics.scope import UnknownCouncil, UnknownSupplier
from bestvalue.engine import Warehouse
from bestvalue.web import links
from bestvalue.web.cache import Cached, ResponseCache
from bestvalue.web.database import Database
from bestvalue.web.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, write_csv, write_xlsx
from bestvalue.web.tables import Table, tables_of

Format = Literal["html", "json", "csv", "xlsx"]
HTML_MEDIA_TYPE = "text/html; charset=utf-8"
JSON_MEDIA_TYPE = "application/json"
_SLUG = re.compile(r"[^A-Za-z0-9]+")


class NotFound(LookupError):
    """The thing a page is about does not exist (answered with 404)."""


@dataclass(frozen=True)
class Page:
    """One page: where it lives, how its result is loaded and how it is drawn."""

    path: str
    name: str
    template: str
    load: Callable[..., BaseModel]
    title: Callable[[Any], str]
    section: str = ""
    description: str = ""
    view: Callable[[Any], dict[str, Any]] | None = None
    tables: Callable[[Any], dict[str, Table]] | None = None

    def result_type(self) -> type[BaseModel]:
        hints = typing.get_type_hints(self.load)
        ret = hints.get("return")
        if not (isinstance(ret, type) and issubclass(ret, BaseModel)):
            raise TypeError(f"{self.name}: loader must be annotated to return a pydantic model")
        return ret

    def tables_for(self, result: BaseModel) -> dict[str, Table]:
        return self.tables(result) if self.tables else tables_of(result)


def wants_json(request: Request) -> bool:
    """Whether the client prefers JSON to HTML (``Accept: application/json`` without ``text/html``)."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _filename(path: str, table: str | None, ext: str) -> str:
    stem = _SLUG.sub("-", (path.strip("/") or "home") + (f"-{table}" if table else "")).strip("-")
    return f"{stem[:120] or 'table'}.{ext}"


class Site:
    """The registered pages, the read-only database, the templates and the response cache."""

    def __init__(self, db: Database, env: jinja2.Environment, cache: ResponseCache) -> None:
        self.db = db
        self.env = env
        self.cache = cache
        self.pages: dict[str, Page] = {}

    # -- registration ---------------------------------------------------------------------------
    def add(self, app: FastAPI, page: Page) -> None:
        """Register the page's JSON, CSV, XLSX and HTML routes (suffixed ones first)."""
        self.pages[page.name] = page
        model = page.result_type()
        summary = page.description or page.name.replace("_", " ")
        tags: list[str | Enum] = [page.section or "pages"]
        app.add_api_route(
            links.with_suffix(page.path, ".json"),
            self._endpoint(page, "json"),
            methods=["GET"],
            name=f"{page.name}_json",
            response_model=model,
            summary=summary,
            tags=tags,
        )
        downloads: tuple[tuple[Format, str], ...] = (("csv", CSV_MEDIA_TYPE), ("xlsx", XLSX_MEDIA_TYPE))
        for fmt, media in downloads:
            app.add_api_route(
                links.with_suffix(page.path, f".{fmt}"),
                self._endpoint(page, fmt),
                methods=["GET"],
                name=f"{page.name}_{fmt}",
                response_class=Response,
                tags=tags,
                summary=f"{summary} ({fmt.upper()} of its tables)",
                responses={200: {"content": {media.split(";")[0]: {}}, "description": f"{fmt.upper()} file"}},
            )
        app.add_api_route(
            page.path,
            self._endpoint(page, "html"),
            methods=["GET"],
            name=page.name,
            include_in_schema=False,
            response_class=Response,
        )

    def _endpoint(self, page: Page, fmt: Format) -> Callable[..., Any]:
        hints = typing.get_type_hints(page.load, include_extras=True)
        params = list(inspect.signature(page.load).parameters.values())[1:]  # drop the warehouse
        sig_params = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(p.name, p.annotation))
            for p in params
        ]
        sig_params.append(inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request))
        if fmt in ("csv", "xlsx"):
            sig_params.append(
                inspect.Parameter(
                    "table",
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=str | None,
                    default=Query(None, description="which of the page's tables (all, as sheets, for XLSX)"),
                )
            )

        async def endpoint(**kwargs: Any) -> Response:
            request: Request = kwargs.pop("request")
            table: str | None = kwargs.pop("table", None)
            effective: Format = "json" if fmt == "html" and wants_json(request) else fmt
            return await self.respond(page, effective, request, kwargs, table, vary=fmt == "html")

        endpoint.__signature__ = inspect.Signature(sig_params)  # type: ignore[attr-defined]
        endpoint.__name__ = f"{page.name}_{fmt}"
        endpoint.__doc__ = page.description or None
        return endpoint

    # -- responding -----------------------------------------------------------------------------
    async def respond(
        self,
        page: Page,
        fmt: Format,
        request: Request,
        params: dict[str, Any],
        table: str | None,
        vary: bool = False,
    ) -> Response:
        path, query = request.url.path, request.url.query
        key = (fmt, path, query)
        hit = self.cache.get(key)
        if hit is None:
            hit = await run_in_threadpool(self.build, page, fmt, path, query, params, table)
            self.cache.put(key, hit)
        headers = dict(hit.headers)
        if vary:
            headers["vary"] = "Accept"
        return Response(content=hit.body, media_type=hit.media_type, headers=headers)

    def warm(self, requests: list[tuple[str, str, dict[str, Any]]]) -> int:
        """Build and cache the HTML of (page name, path, params) before anyone asks; returns pages built.
        Failures are skipped (the page will answer, or fail politely, when requested)."""
        built = 0
        for name, path, params in requests:
            page = self.pages.get(name)
            key = ("html", path, "")
            if page is None or self.cache.get(key) is not None:
                continue
            try:
                self.cache.put(key, self.build(page, "html", path, "", params, None))
                built += 1
            except Exception:  # warming is best effort
                continue
        return built

    def load(self, page: Page, params: dict[str, Any]) -> BaseModel:
        """Run the page's loader on this thread's read-only handle, mapping lookups to 404."""
        wh: Warehouse = self.db.cursor()
        try:
            return page.load(wh, **params)
        except (NotFound, UnknownCouncil, UnknownSupplier) as exc:
            raise HTTPException(status_code=404, detail=str(exc) or "Not found") from exc
        except NotImplementedError as exc:
            raise HTTPException(
                status_code=501, detail="This part of the service is not available yet"
            ) from exc

    def build(
        self, page: Page, fmt: Format, path: str, query: str, params: dict[str, Any], table: str | None
    ) -> Cached:
        result = self.load(page, params)
        if fmt == "json":
            return Cached(result.model_dump_json().encode("utf-8"), JSON_MEDIA_TYPE)
        tables = page.tables_for(result)
        if fmt in ("csv", "xlsx"):
            if table is not None and table not in tables:
                raise HTTPException(
                    404, f"No table {table!r} on this page; tables: {', '.join(tables) or 'none'}"
                )
            if fmt == "csv":
                if table is None:
                    if len(tables) != 1:
                        raise HTTPException(
                            400, f"Say which table with ?table=NAME: {', '.join(tables) or 'none'}"
                        )
                    table = next(iter(tables))
                body = write_csv(tables[table])
                media = CSV_MEDIA_TYPE
            else:
                body = write_xlsx([tables[table]] if table else list(tables.values()))
                media = XLSX_MEDIA_TYPE
            disposition = f'attachment; filename="{_filename(path, table, fmt)}"'
            return Cached(body, media, (("content-disposition", disposition),))
        html = self.render(page, result, tables, path, query)
        return Cached(html.encode("utf-8"), HTML_MEDIA_TYPE)

    def render(self, page: Page, result: BaseModel, tables: dict[str, Table], path: str, query: str) -> str:
        def download(name: str | None, ext: str) -> str:
            return links.download(path, query, f".{ext}", name)

        context = {
            "page": page,
            "result": result,
            "title": page.title(result),
            "tables": tables,
            "view": page.view(result) if page.view else {},
            "download": download,
            "json_url": links.with_suffix(path, ".json") + (f"?{query}" if query else ""),
            "path": path,
            "query": query,
            "section": page.section,
        }
        return self.env.get_template(page.template).render(context)

"""The Jinja environment: our templates first, then the GOV.UK Frontend macros under a prefix
(``govuk_frontend_jinja/...``), autoescaping on for every template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from bestvalue.web import formats, links
from bestvalue.web.tables import humanise

SERVICE_NAME = "bestvalue"


def _numeric_class(kind: str) -> str:
    return " govuk-table__cell--numeric" if kind in ("money", "number", "integer", "percent") else ""


def make_env(extra_globals: dict[str, Any] | None = None) -> jinja2.Environment:
    """A sandbox-free but fully autoescaped environment (every value is untrusted text)."""
    here = Path(__file__).resolve().parent / "templates"
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(here)),
                jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
        auto_reload=False,
        cache_size=400,
    )
    env.filters.update(
        money=formats.money,
        percent=formats.percent,
        number=formats.number,
        date=formats.date,
        fmt=formats.format_value,
        humanise=humanise,
        numeric_class=_numeric_class,
    )
    env.globals.update(links=links, service_name=SERVICE_NAME, govukRebrand=True)
    if extra_globals:
        env.globals.update(extra_globals)
    return env

"""``bestvalue serve`` and ``bestvalue demo --no-serve``; cache warming."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bestvalue.cli.app import app
from bestvalue.web import create_app
from bestvalue.web.server import production_settings


def test_serve_is_registered_with_its_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--workers", "--no-warm"):
        assert option in result.output


def test_serve_refuses_a_missing_warehouse(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "nothing.duckdb")])
    assert result.exit_code == 2


def test_demo_can_skip_serving() -> None:
    result = CliRunner().invoke(app, ["demo", "--help"])
    assert result.exit_code == 0 and "--no-serve" in result.output


def test_production_settings() -> None:
    settings = production_settings(2)
    assert settings["access_log"] is False and settings["server_header"] is False
    assert settings["workers"] == 2


def test_warming_fills_the_cache(web_db: Path, client_for: Any) -> None:
    with client_for(create_app(web_db, warm=False)) as c:
        site = c.app.state.site
        codes = [x["council"]["gss_code"] for x in c.get("/index.json").json()["councils"]]
        site.cache.clear()
        built = site.warm(
            [("home", "/", {})] + [("council", f"/councils/{k}", {"code": k, "year": None}) for k in codes]
        )
        assert built == 1 + len(codes)
        assert site.cache.get(("html", f"/councils/{codes[0]}", "")) is not None
        assert (
            c.get(f"/councils/{codes[0]}").content
            == site.cache.get(("html", f"/councils/{codes[0]}", "")).body
        )

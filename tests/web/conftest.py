"""Fixtures for the web tests: the app over a private copy of the demo warehouse, served read-only."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bestvalue.web import create_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="session")
def web_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo warehouse (the app holds it open read-only for the session)."""
    target = tmp_path_factory.mktemp("web") / "web-demo.duckdb"
    shutil.copy(demo_db, target)
    return target


def make_client(app: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # starlette nags when httpx2 is missing
        from fastapi.testclient import TestClient
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def client_for() -> Any:
    """A function making an HTTP client for an app (use it as a context manager)."""
    return make_client


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[Any]:
    """An HTTP client on the app over the demo warehouse."""
    with make_client(create_app(web_db)) as c:
        yield c


@pytest.fixture(scope="session")
def demo(client: Any) -> dict[str, Any]:
    """Keys found by walking the demo through the JSON API: a council, a supplier, a category."""
    home = client.get("/index.json").json()
    councils = sorted(home["councils"], key=lambda c: c["rows"], reverse=True)
    code = councils[0]["council"]["gss_code"]
    overview = client.get(f"/councils/{code}.json").json()
    suppliers = [b for b in overview["baseline"]["by_supplier"] if b["evidence"].get("supplier_id")]
    if suppliers:
        supplier_id = suppliers[0]["evidence"]["supplier_id"]
    else:  # no IT spend classified yet: any supplier of the council
        rows = client.get(f"/evidence.json?council_code={code}&limit=1").json()["rows"]
        supplier_id = rows[0]["supplier_id"]
    market = client.get("/categories.json").json()
    categories = [c["category"]["code"] for c in market["categories"]]
    return {
        "council": code,
        "year": overview["baseline"]["financial_year"],
        "supplier": supplier_id,
        "category": categories[0] if categories else "271440",
        "source": client.get("/quality.json").json()["sources"][0]["source_id"],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_db: Path) -> Iterator[str]:
    """The app under a real uvicorn server on a loopback port, for the browser tests."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(web_db), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

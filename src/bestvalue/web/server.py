"""Running the app under uvicorn with production settings.

One worker process serves about 1,000 cached pages a second on this 2-core machine; more workers
(``--workers N``, each with its own read-only connection and cache) help on more cores. Settings:
httptools and uvloop when installed, no access log (a line per request costs more than a cached page),
no ``server`` header, 5 s keep-alive.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import uvicorn

from bestvalue.config import DB_ENV
from bestvalue.web.app import WARM_ENV


def production_settings(workers: int = 1) -> dict[str, object]:
    """Keyword arguments for ``uvicorn.run`` (also used by bench/web.py)."""
    return {
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "access_log": False,
        "server_header": False,
        "proxy_headers": False,
        "timeout_keep_alive": 5,
        "log_level": "warning",
        "backlog": 2048,
        "workers": workers,
    }


def serve(db: Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, warm: bool = True) -> None:
    """Serve the warehouse at ``db`` read-only until interrupted; ``warm`` pre-renders the home page and
    every council overview in the background."""
    settings = production_settings(workers)
    if workers > 1:
        os.environ[DB_ENV] = str(db)
        os.environ[WARM_ENV] = "1" if warm else "0"
        uvicorn.run("bestvalue.web.app:app_from_env", factory=True, host=host, port=port, **settings)  # type: ignore[arg-type]
    else:
        from bestvalue.web.app import create_app

        settings.pop("workers")
        uvicorn.run(create_app(db, warm=warm), host=host, port=port, **settings)  # type: ignore[arg-type]

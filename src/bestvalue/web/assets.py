"""Where the GOV.UK Frontend files come from: the npm package installed by ``./run`` (never committed).

Looked up in this order: ``$BESTVALUE_GOVUK_FRONTEND`` (a ``dist/govuk`` folder or the package folder),
then ``node_modules/govuk-frontend`` in the current directory or any folder above this package.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "BESTVALUE_GOVUK_FRONTEND"
CSS = "govuk-frontend.min.css"
JS = "govuk-frontend.min.js"


def _dist(candidate: Path) -> Path | None:
    for folder in (candidate, candidate / "dist" / "govuk", candidate / "govuk"):
        if (folder / CSS).is_file():
            return folder
    return None


def govuk_frontend_dist() -> Path | None:
    """The ``dist/govuk`` folder of the installed ``govuk-frontend`` package, or None if not installed."""
    env = os.environ.get(ENV_VAR)
    if env:
        return _dist(Path(env))
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for folder in (start, *start.parents):
            found = _dist(folder / "node_modules" / "govuk-frontend")
            if found:
                return found
    return None


def static_dir() -> Path:
    """This package's own small static files (stylesheet additions)."""
    return Path(__file__).resolve().parent / "static"

"""Text of the data files shipped inside the package (reference tables, rules, schemas)."""

from __future__ import annotations

import gzip
from importlib import resources


def shipped_text(package: str, *parts: str) -> str:
    """The UTF-8 text of ``parts`` under ``package`` (``.gz`` files decompressed), e.g.
    ``shipped_text("bestvalue.classify", "data", "cpv_2008.csv.gz")``."""
    path = resources.files(package).joinpath(*parts)
    if parts[-1].endswith(".gz"):
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    return path.read_text(encoding="utf-8")

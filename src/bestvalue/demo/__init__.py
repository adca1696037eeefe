"""The bundled demo sample: FY2021-22 spend of five councils, as published (OGL v3).

See ``data/README.md`` for where each file came from.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

from bestvalue.engine import Warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.models import FileResult, IngestSummary
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import council_by_code

DEFAULT_DEMO_DB = "bestvalue-demo.duckdb"


def demo_files(stack: ExitStack) -> dict[str, list[Path]]:
    """Demo files grouped by the GSS code of the council that published them."""
    root = stack.enter_context(resources.as_file(resources.files("bestvalue.demo").joinpath("data")))
    groups: dict[str, list[Path]] = defaultdict(list)
    with open(root / "manifest.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            groups[row["council_gss_code"]].append(root / row["file"])
    return dict(groups)


def load_demo(wh: Warehouse, report: object = None) -> IngestSummary:
    """Ingest the demo sample into ``wh``; each council's files with that council named."""
    results: list[FileResult] = []
    with ExitStack() as stack:
        for gss, files in demo_files(stack).items():
            council = council_by_code(gss)
            summary = ingest_paths(wh, files, Options(council=council), report=report)  # type: ignore[arg-type]
            results.extend(summary.files)
    return IngestSummary(files=results)

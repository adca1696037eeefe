"""A test helper: one file read, laid out and staged on its own, as the loader would stage it."""

from __future__ import annotations

from bestvalue.ingest.inputs import InputFile
from bestvalue.ingest.prepare import Options, PreparedFile, plan_file, stage_file


def prepare_file(inp: InputFile, source_id: int, options: Options, data: bytes | None = None) -> PreparedFile:
    """Read, lay out and stage one file (no sibling files, no layout cache). Never raises for bad
    input: the reason is in ``error``."""
    return stage_file(plan_file(inp, source_id, options, data=data), options)

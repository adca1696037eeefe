"""Contract inputs: PATHs (files, folders, zip archives, gzip files) → files, and their text or rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from bestvalue.ingest.inputs import SHEET_SUFFIXES, TABLE_SUFFIXES, InputFile, expand_paths, table_suffix
from bestvalue.ingest.layout import sniff_delimiter
from bestvalue.ingest.reader import sheet_records
from bestvalue.ingest.text import decode

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def data_suffix(name: str) -> str:
    """The data suffix of a file name (``.gz`` looked through), or ``""``."""
    return table_suffix(name, JSON_SUFFIXES + TABLE_SUFFIXES)


def expand(paths: list[Path]) -> Iterator[InputFile]:
    """Every contract file (JSON, tables, and the same inside archives) under the given paths."""
    return expand_paths(paths, JSON_SUFFIXES + TABLE_SUFFIXES)


def path_parts(inp: InputFile) -> list[str]:
    """The file's own name, then its folder's name (for council hints)."""
    parts = [inp.name]
    folder = inp.folder.rstrip("!/")
    if folder:
        parts.append(Path(folder.split("!")[-1] or folder).name or Path(folder).name)
    return parts


def table_records(data: bytes, name: str) -> list[list[str]]:
    """All rows of a CSV or spreadsheet as lists of strings (the best sheet of a workbook)."""
    suffix = data_suffix(name)
    if (
        suffix in SHEET_SUFFIXES
        or data[:4] == b"PK\x03\x04"
        or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        sheets = sheet_records(data)
        if not sheets:
            return []
        from bestvalue.contracts.register import _score, find_header

        def quality(rows: list[list[str]]) -> int:
            idx = find_header(rows)
            return -1 if idx is None else _score(rows[idx])

        return max((rows for _name, rows in sheets), key=quality)
    text = decode(data).data.decode("utf-8")
    delimiter = "\t" if suffix == ".tsv" else sniff_delimiter(text[:65536].splitlines()[:50])
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]

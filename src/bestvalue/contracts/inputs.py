"""Contract inputs: PATHs (files, folders, zip archives, gzip files) → files, and their text or rows."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from bestvalue.ingest.inputs import InputError, InputFile
from bestvalue.ingest.layout import sniff_delimiter
from bestvalue.ingest.reader import sheet_records
from bestvalue.ingest.text import decode

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def data_suffix(name: str) -> str:
    """The data suffix of a file name (``.gz`` looked through), or ``""``."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix in JSON_SUFFIXES + TABLE_SUFFIXES:
        if lower.endswith(suffix):
            return suffix
    return ""


def _skip(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith((".", "~$")) or "__MACOSX" in name


def _file(path: Path) -> InputFile:
    def load() -> bytes:
        data = path.read_bytes()
        return gzip.decompress(data) if path.name.lower().endswith(".gz") else data

    return InputFile(str(path), path.name, str(path.parent), path.stat().st_size, load)


def _zip(path: Path) -> Iterator[InputFile]:
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path}: not a readable zip archive")
    with zipfile.ZipFile(path) as zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
    for info in infos:
        if _skip(info.filename) or not data_suffix(info.filename):
            continue

        def load(member: str = info.filename) -> bytes:
            with zipfile.ZipFile(path) as zf:
                data = zf.read(member)
            return gzip.decompress(data) if member.lower().endswith(".gz") else data

        yield InputFile(
            f"{path}!{info.filename}", info.filename.rsplit("/", 1)[-1], f"{path}!", info.file_size, load
        )


def expand(paths: list[Path]) -> Iterator[InputFile]:
    """Every contract file under the given paths, in a stable order.

    In folders, files that are neither JSON, tables nor zip archives (READMEs) are passed
    over; a file named explicitly is always attempted. Raises :class:`InputError` for a
    missing path.
    """
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = child.relative_to(path).as_posix()
                if _skip(rel):
                    continue
                if child.name.lower().endswith(".zip"):
                    yield from _zip(child)
                elif data_suffix(child.name):
                    yield _file(child)
        elif path.name.lower().endswith(".zip"):
            yield from _zip(path)
        else:
            yield _file(path)


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

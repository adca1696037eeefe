"""Headers of neighbouring files, for files published without a header row."""

from __future__ import annotations

from pathlib import Path

from bestvalue.ingest.inputs import SHEET_SUFFIXES, TABLE_SUFFIXES, InputFile
from bestvalue.ingest.layout import header_of, sample_records
from bestvalue.ingest.text import NotTextError, decode

HEAD_BYTES = 65536


def _fits_width(header: list[str], width: int) -> bool:
    trimmed = len(header)
    while trimmed and not header[trimmed - 1].strip():
        trimmed -= 1
    return trimmed <= width <= len(header) or len(header) == width


class SiblingIndex:
    """Finds header rows in the other files of a file's folder (or archive)."""

    def __init__(self, inputs: list[InputFile]) -> None:
        self._by_folder: dict[str, list[InputFile]] = {}
        for inp in inputs:
            self._by_folder.setdefault(inp.folder, []).append(inp)
        self._headers: dict[str, list[str] | None] = {}

    def _members(self, folder: str) -> list[tuple[str, InputFile | Path]]:
        out: dict[str, InputFile | Path] = {i.display: i for i in self._by_folder.get(folder, [])}
        path = Path(folder)
        if "!" not in folder and path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.name.lower().endswith(TABLE_SUFFIXES) and str(child) not in out:
                    out[str(child)] = child
        return sorted(out.items())

    def _header(self, key: str, source: InputFile | Path) -> list[str] | None:
        if key not in self._headers:
            try:
                if isinstance(source, Path):
                    with open(source, "rb") as fh:
                        head = fh.read(HEAD_BYTES)
                else:
                    head = source.read()[:HEAD_BYTES]
                text = decode(head).data.decode("utf-8", errors="replace")
                _, records = sample_records(text)
                self._headers[key] = header_of(records)
            except (OSError, NotTextError, ValueError):
                self._headers[key] = None
        return self._headers[key]

    def lookup(self, inp: InputFile, width: int) -> list[tuple[str, list[str]]]:
        """Headers of the same width from the file's folder, nearest in name order first."""
        members = self._members(inp.folder)
        keys = [k for k, _ in members]
        here = keys.index(inp.display) if inp.display in keys else len(keys) // 2
        ranked = sorted(range(len(members)), key=lambda i: (abs(i - here), i))
        out = []
        for i in ranked:
            key, source = members[i]
            if key == inp.display:
                continue
            if str(source).lower().endswith(SHEET_SUFFIXES):
                continue
            header = self._header(key, source)
            if header and _fits_width(header, width):
                out.append((Path(key.split("!")[-1]).name, header))
        return out

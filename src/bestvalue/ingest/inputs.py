"""Turn command-line PATHs into the files to ingest: folders (recursive), zips, gzips and tars."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz")


@dataclass
class InputFile:
    """One table-like file, possibly a member of an archive.

    ``name`` is the file's own name (used for period hints), ``display`` says where it came
    from (``archive.zip!member.csv``) and ``folder`` groups siblings for header borrowing.
    """

    display: str
    name: str
    folder: str
    size: int
    _load: Callable[[], bytes] = field(repr=False)

    def read(self) -> bytes:
        return self._load()

    @property
    def suffix(self) -> str:
        return table_suffix(self.name)


class InputError(ValueError):
    """A PATH that does not exist or holds nothing we can read."""


def table_suffix(name: str, suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> str:
    """The data suffix of a file name (``.gz`` looked through), or ``""``."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix in suffixes:
        if lower.endswith(suffix):
            return suffix
    return ""


def _is_archive(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(ARCHIVE_SUFFIXES)


def _skip_name(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith((".", "~$")) or "__MACOSX" in name


def _read_path(path: Path) -> Callable[[], bytes]:
    def load() -> bytes:
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        return data

    return load


def _zip_members(path: Path, display: str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    with zipfile.ZipFile(path) as zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
    for info in infos:
        if _skip_name(info.filename) or not table_suffix(info.filename, suffixes):
            continue

        def load(member: str = info.filename) -> bytes:
            with zipfile.ZipFile(path) as zf:
                data = zf.read(member)
            return gzip.decompress(data) if member.lower().endswith(".gz") else data

        member_name = info.filename.rsplit("/", 1)[-1]
        yield InputFile(f"{display}!{info.filename}", member_name, f"{display}!", info.file_size, load)


def _tar_members(path: Path, display: str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    with tarfile.open(path) as tf:
        members = sorted((m for m in tf.getmembers() if m.isfile()), key=lambda m: m.name)
        for m in members:
            if _skip_name(m.name) or not table_suffix(m.name, suffixes):
                continue
            extracted = tf.extractfile(m)
            data = extracted.read() if extracted else b""
            if m.name.lower().endswith(".gz"):
                data = gzip.decompress(data)
            folder = f"{display}!{m.name.rsplit('/', 1)[0] if '/' in m.name else ''}"
            yield InputFile(
                f"{display}!{m.name}", m.name.rsplit("/", 1)[-1], folder, len(data), _constant(data)
            )


def _constant(data: bytes) -> Callable[[], bytes]:
    def load() -> bytes:
        return data

    return load


def _expand_file(path: Path, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    display = str(path)
    lower = path.name.lower()
    if lower.endswith(".zip"):
        if not zipfile.is_zipfile(path):
            raise InputError(f"{path}: not a readable zip archive")
        yield from _zip_members(path, display, suffixes)
    elif lower.endswith((".tar", ".tgz", ".tar.gz")):
        yield from _tar_members(path, display, suffixes)
    else:
        yield InputFile(display, path.name, str(path.parent), path.stat().st_size, _read_path(path))


def expand_paths(
    paths: Iterable[str | Path], suffixes: tuple[str, ...] = TABLE_SUFFIXES
) -> Iterator[InputFile]:
    """Every readable data file under the given paths, in a stable order.

    ``suffixes`` says which files count as data (tables by default; contracts add JSON).
    Raises :class:`InputError` for a path that does not exist. Files in folders that are
    neither data nor archives (READMEs, JSON indexes) are passed over silently; a file
    named explicitly is always attempted, so that the user hears why it failed.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = child.relative_to(path).as_posix()
                if _skip_name(rel):
                    continue
                if table_suffix(child.name, suffixes) or _is_archive(child.name):
                    yield from _expand_file(child, suffixes)
        else:
            yield from _expand_file(path, suffixes)


def bytes_input(name: str, data: bytes, folder: str = "") -> InputFile:
    """An in-memory input (tests, uploads)."""
    return InputFile(name, name.rsplit("/", 1)[-1], folder, len(data), _constant(data))


def sniff_is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))

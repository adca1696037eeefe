"""Bytes to clean UTF-8: byte-order marks, cp1252 pound signs, old Mac line endings."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xc3\xaf\xc2\xbb\xc2\xbf", "utf-8-sig (BOM encoded twice)"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
)


@dataclass(frozen=True)
class DecodedText:
    """UTF-8 bytes ready for a CSV parser, and what the file was before."""

    data: bytes
    encoding: str
    line_ending: str
    text: str | None = None  # ``data`` as a str, when decoding already made it (saves a second pass)


class NotTextError(ValueError):
    """The bytes are not a text table (binary, or an unsupported encoding)."""


def _to_utf8(data: bytes) -> tuple[bytes, str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        return text.encode("utf-8"), "utf-16", text
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            encoding = name
            break
    try:
        return data, encoding, data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    return text.encode("utf-8"), encoding, text


def decode(data: bytes) -> DecodedText:
    """Return the text as UTF-8 bytes with ``\\n`` or ``\\r\\n`` line endings.

    UTF-8 (with or without a BOM, even a doubly-encoded one) passes through untouched;
    anything else is read as cp1252 (Windows exports with ``£`` as byte 0xA3), falling back
    to latin-1 for the five bytes cp1252 leaves undefined. Files that end lines with a bare
    carriage return (classic Mac) are given newlines.
    """
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotTextError("binary content (NUL bytes): not a CSV or text table")
    data, encoding, text = _to_utf8(data)
    if b"\r" not in data:  # nearly every file: no need to count line endings
        return DecodedText(data, encoding, "lf", text)
    lf = data.count(b"\n")
    cr = data.count(b"\r")
    if cr and not lf:
        return DecodedText(data.replace(b"\r", b"\n"), encoding, "cr")
    if cr > lf:
        # Mostly bare CRs with a few LFs: make every CR a line break, keep CRLF as one.
        return DecodedText(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"), encoding, "mixed")
    return DecodedText(data, encoding, "crlf" if cr else "lf", text)


# A whole cell written as an Excel text formula, ``="0012345"`` (exports that keep leading zeros and
# stop Excel reading dates), between delimiters or line ends.
_EXCEL_TEXT = re.compile(r'(^|[,;\t|])="([^"\r\n]*)"(?=[,;\t|\r\n]|$)', re.MULTILINE)


def unwrap_excel_text(text: str) -> tuple[str, int]:
    """The text with each ``="value"`` cell made the quoted field ``"value"``; and how many."""
    if "=" not in text or '="' not in text:  # a one-character search is much the faster test
        return text, 0
    return _EXCEL_TEXT.subn(r'\1"\2"', text)

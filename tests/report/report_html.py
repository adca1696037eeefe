"""Reading the pack's HTML back: figures and table cells with their JSON values and shown text."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class Cells(HTMLParser):
    """Collects figures (data-key) and table cells (data-table / data-row / data-col) with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, tuple[Any, str]] = {}
        self.cells: dict[tuple[str, int, str], tuple[Any, str]] = {}
        self.headings: list[str] = []
        self._table: str | None = None
        self._row: int | None = None
        self._open: tuple[str, Any, Any] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("data-table")
        elif tag == "tr" and a.get("data-row") is not None:
            self._row = int(a["data-row"] or 0)
        elif tag == "span" and a.get("data-key"):
            self._open = ("figure", a["data-key"], json.loads(a["data-value"] or "null"))
            self._text = []
        elif tag == "td" and a.get("data-col") and self._table and self._row is not None:
            self._open = (
                "cell",
                (self._table, self._row, a["data-col"]),
                json.loads(a["data-value"] or "null"),
            )
            self._text = []
        elif tag == "h2":
            self._open = ("h2", None, None)
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is None:
            if tag == "table":
                self._table = None
            return
        kind, key, value = self._open
        if (kind, tag) in (("figure", "span"), ("cell", "td"), ("h2", "h2")):
            text = "".join(self._text).strip()
            if kind == "figure":
                self.figures[key] = (value, text)
            elif kind == "cell":
                self.cells[key] = (value, text)
            else:
                self.headings.append(text)
            self._open = None

"""Read-only warehouse access for serving: one connection, one cursor per worker thread."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from bestvalue.engine import Warehouse, open_warehouse


class Database:
    """The warehouse opened read-only; :meth:`cursor` gives each thread its own handle."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._root: Warehouse | None = None
        self._local = threading.local()
        self._lock = threading.Lock()

    def open(self) -> None:
        with self._lock:
            if self._root is None:
                self._root = open_warehouse(self.path, read_only=True)

    def cursor(self) -> Warehouse:
        """This thread's read-only handle (opened on first use)."""
        wh: Warehouse | None = getattr(self._local, "wh", None)
        if wh is None:
            if self._root is None:
                self.open()
            assert self._root is not None
            with self._lock:
                wh = self._root.cursor()
            self._local.wh = wh
        return wh

    def close(self) -> None:
        with self._lock:
            if self._root is not None:
                self._root.close()
                self._root = None
            self._local = threading.local()

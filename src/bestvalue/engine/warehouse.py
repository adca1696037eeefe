"""DuckDB warehouse: one file, one connection, a handful of plain methods."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

Row = tuple[Any, ...]


class WarehouseError(RuntimeError):
    """A warehouse could not be opened or a statement failed."""


class Warehouse:
    """A DuckDB database file (or ``:memory:``) with the few operations the pipeline needs.

    The object is not shared between threads; :meth:`cursor` gives a thread its own view of
    the same database.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> None:
        self._con = con
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._in_transaction = False

    # -- statements ---------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        """Run one statement and discard any result."""
        try:
            self._con.execute(sql, params)
        except duckdb.Error as exc:  # pragma: no cover - message passthrough
            raise WarehouseError(f"{exc}\n-- in statement:\n{sql}") from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one parameterised statement for every row."""
        if rows:
            self._con.executemany(sql, rows)

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[Row]:
        """Run a query and return its rows as tuples."""
        try:
            return self._con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise WarehouseError(f"{exc}\n-- in statement:\n{sql}") from exc

    def dicts(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dictionaries keyed by column name."""
        try:
            cur = self._con.execute(sql, params)
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        except duckdb.Error as exc:
            raise WarehouseError(f"{exc}\n-- in statement:\n{sql}") from exc

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Row | None:
        """Run a query and return its first row, or ``None`` (for queries with small results:
        the whole result is fetched so that no open result blocks the next statement)."""
        try:
            rows = self._con.execute(sql, params).fetchall()
            return rows[0] if rows else None
        except duckdb.Error as exc:
            raise WarehouseError(f"{exc}\n-- in statement:\n{sql}") from exc

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (``None`` if no rows)."""
        row = self.one(sql, params)
        return None if row is None else row[0]

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run a query and return a ``pyarrow.Table``."""
        try:
            return self._con.sql(sql, params=params).to_arrow_table()
        except duckdb.Error as exc:
            raise WarehouseError(f"{exc}\n-- in statement:\n{sql}") from exc

    def columns(self, table: str) -> list[str]:
        """Column names of a table or view, in order."""
        return [r[0] for r in self.rows(f"SELECT column_name FROM (DESCRIBE {table})")]

    def has_table(self, name: str) -> bool:
        """Whether a table or view of that name exists in the main schema."""
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                "AND table_schema = 'main'",
                [name],
            )
        )

    # -- data frames ----------------------------------------------------------------------
    @contextlib.contextmanager
    def registered(self, name: str, frame: Any) -> Iterator[str]:
        """Expose an Arrow table or Polars frame as a view called ``name`` for the block."""
        self._con.register(name, frame)
        try:
            yield name
        finally:
            self._con.unregister(name)

    # -- transactions ---------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        """All statements in the block commit together, or none do."""
        if self._in_transaction:
            yield self
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._in_transaction = False
            self._con.execute("ROLLBACK")
            raise
        self._in_transaction = False
        self._con.execute("COMMIT")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file."""
        if not self.read_only:
            self._con.execute("CHECKPOINT")

    def cursor(self) -> Warehouse:
        """A new handle on the same database, for use from another thread."""
        return Warehouse(self._con.cursor(), self.path, self.read_only)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_warehouse(
    path: str | os.PathLike[str], *, read_only: bool = False, threads: int | None = None
) -> Warehouse:
    """Open (creating if needed) the warehouse file at ``path``; ``":memory:"`` for a scratch one."""
    target = str(path)
    config: dict[str, Any] = {}
    if threads:
        config["threads"] = threads
    if target != ":memory:":
        p = Path(target)
        if read_only and not p.exists():
            raise WarehouseError(f"No warehouse at {p}: run `bestvalue ingest` or `bestvalue demo` first")
        if not read_only:
            p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only, config=config)
    except duckdb.Error as exc:
        raise WarehouseError(f"Cannot open warehouse {target}: {exc}") from exc
    return Warehouse(con, target, read_only)

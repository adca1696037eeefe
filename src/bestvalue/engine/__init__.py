"""The only package that talks to a database engine.

Everything else builds SQL text (in each capability's ``sql.py``) and hands it to a
:class:`Warehouse`. Today the engine is DuckDB; a Spark engine can implement the same
small surface later.
"""

from bestvalue.engine.warehouse import Row, Warehouse, WarehouseError, open_warehouse

__all__ = ["Row", "Warehouse", "WarehouseError", "open_warehouse"]

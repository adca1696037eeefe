"""The warehouse schema: versioned migrations applied in order, plus reference tables."""

from bestvalue.schema.migrate import SCHEMA_VERSION, ensure_schema

__all__ = ["SCHEMA_VERSION", "ensure_schema"]

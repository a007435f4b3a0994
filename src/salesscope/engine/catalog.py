"""The store's tables as Ibis tables, every schema read in one query.

Ibis reads a table's schema with one query per table (``DESCRIBE``); a request names some twenty
tables, so on DuckDB the schemas of all of them are read at once from ``information_schema`` and
the tables built from them, the same tables ``backend.table`` returns. Other engines keep
``backend.table``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir


class Catalog:
    """The tables of a backend's current schema (read once; a write after it is not seen)."""

    def __init__(self, backend: ibis.BaseBackend) -> None:
        self.backend = backend
        self.schemas = _duckdb_schemas(backend) if backend.name == "duckdb" else None
        self.names = set(self.schemas) if self.schemas is not None else set(backend.list_tables())

    def table(self, name: str) -> ir.Table:
        if self.schemas is None or name not in self.schemas:
            return self.backend.table(name)
        import ibis.expr.operations as ops

        return ops.DatabaseTable(name, schema=self.schemas[name], source=self.backend,
                                 namespace=ops.Namespace(catalog=None, database=None)).to_expr()


def _duckdb_schemas(backend) -> dict:
    import ibis.expr.schema as sch

    rows = backend.con.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() "
        "ORDER BY table_name, ordinal_position").fetchall()
    types = backend.compiler.type_mapper
    cols: dict[str, dict] = {}
    for table, column, typ, nullable in rows:
        cols.setdefault(table, {})[column] = types.from_string(typ, nullable=nullable == "YES")
    return {t: sch.Schema(c) for t, c in cols.items()}

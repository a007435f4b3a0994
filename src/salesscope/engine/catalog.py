"""The store's tables as Ibis tables (every schema read in one query), their rows and dates.

Ibis reads a table's schema with one query per table (``DESCRIBE``); a request names some twenty
tables, so on DuckDB the schemas of all of them are read at once from ``information_schema`` and
the tables built from them, the same tables ``backend.table`` returns. Other engines keep
``backend.table``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from salesscope.schema import Table

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


# The time column that dates each table, to find the data's range when none is asked for.
TIME_COLUMN = {Table.ACTIVITIES: "occurred_at", Table.LEADS: "created_at", Table.OPPORTUNITIES: "created_at",
               Table.CUSTOMERS: "acquired_at", Table.TIME_LOG: "day"}


# The statistics query as DuckDB SQL, per set of table schemas (built and compiled once a process).
_STATS_SQL: dict[tuple, str] = {}


def table_stats(backend: ibis.BaseBackend, catalog: Catalog | None = None,
                ) -> tuple[dict[str, int], tuple[dt.date, dt.date] | None]:
    """Rows per canonical table and the span of the data's dates, in one query."""
    import pandas as pd

    catalog = catalog or Catalog(backend)
    present = [t for t in Table if t.value in catalog.names]
    counts = {t.value: 0 for t in Table}
    if not present:
        return counts, None
    if catalog.schemas is not None:
        key = tuple((t.value, tuple(catalog.schemas[t.value].items())) for t in present)
        sql = _STATS_SQL.get(key)
        if sql is None:
            sql = _STATS_SQL[key] = str(backend.compile(_stats_query(catalog, present)))
        df = backend.con.execute(sql).df()
    else:
        df = backend.execute(_stats_query(catalog, present))
    counts |= {r.name: int(r.rows) for r in df.itertuples()}
    dated = df[df["rows"] > 0].dropna(subset=["lo", "hi"])
    if dated.empty:
        return counts, None
    return counts, (pd.Timestamp(dated["lo"].min()).date(), pd.Timestamp(dated["hi"].max()).date())


def _stats_query(catalog: Catalog, present: list[Table]) -> ir.Table:
    import ibis

    parts = []
    for t in present:
        tbl = catalog.table(t.value)
        col = TIME_COLUMN.get(t)
        lo = tbl[col].cast("date").min() if col else ibis.null("date")
        hi = tbl[col].cast("date").max() if col else ibis.null("date")
        if t is Table.OPPORTUNITIES:  # a deal closed later than any record was created
            hi = ibis.greatest(hi, tbl.closed_at.cast("date").max().fill_null(hi))
        parts.append(tbl.aggregate(name=ibis.literal(t.value), rows=tbl.count(), lo=lo, hi=hi))
    return ibis.union(*parts)

"""The Ibis PostgreSQL backend, set up for the engine's analytical queries.

Two things cost the stock backend most of its time on the engine's queries, which each aggregate
a whole table once:

- Ibis keeps a request's small tables (its days and periods) as temporary tables, and PostgreSQL
  never runs a query that reads a temporary table in parallel: every fact was read by one core.
  Here they are written into the query as a ``VALUES`` list, so the scans of the large tables run
  on ``max_parallel_workers_per_gather`` cores, and the planner knows how many rows they hold.
- Just-in-time compilation of each query's expressions (``jit``, on by default) costs about
  0.2 s per query, more than it saves on the engine's queries; it is turned off for the session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends.postgres import Backend
from ibis.backends.sql.compilers.postgres import PostgresCompiler


class _InlineTables(PostgresCompiler):
    """Compiles an in-memory table as its rows, ``(SELECT cols FROM (VALUES ...) AS name(cols))``."""

    def __init__(self) -> None:
        super().__init__()
        self._values: dict[str, str] = {}  # per in-memory table, its VALUES list as SQL (made once)

    def visit_InMemoryTable(self, op: Any, *, name: str, schema: Any, data: Any) -> sge.Expression:
        cols = list(schema.names)
        sql = self._values.get(name)
        if sql is None:
            if len(self._values) >= 256:  # a long-running server makes new ones per request
                self._values.clear()
            sql = self._values[name] = _values(name, cols, [self.type_mapper.from_ibis(t) for t in schema.types],
                                               data.to_pyarrow(schema).to_pylist())
        return sg.select(*[sg.column(c, quoted=True) for c in cols]).from_(sge.Var(this=sql))


def _values(name: str, cols: list[str], types: list[sge.DataType], rows: list[dict]) -> str:
    """``(VALUES (...), ...) AS "name"("col", ...)``, each value cast to its column's type (a table
    without rows: one row of NULLs, filtered out)."""
    quoted = ", ".join(sg.to_identifier(c, quoted=True).sql("postgres") for c in cols)
    alias = f'{sg.to_identifier(name, quoted=True).sql("postgres")}({quoted})'
    if not rows:
        nulls = ", ".join(sge.Cast(this=sge.Null(), to=t).sql("postgres") for t in types)
        return f"(SELECT {nulls} WHERE false) AS {alias}"
    tuples = ", ".join("(" + ", ".join(_literal(r[c], t).sql("postgres") for c, t in zip(cols, types, strict=True)) + ")"
                       for r in rows)
    return f"(VALUES {tuples}) AS {alias}"


def _literal(value: Any, typ: sge.DataType) -> sge.Expression:
    if value is None:
        return sge.Cast(this=sge.Null(), to=typ)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        value = value.isoformat()
    return sge.Cast(this=sge.convert(value), to=typ)


class AnalyticsPostgres(Backend):
    """PostgreSQL with in-memory tables inlined into the queries and ``jit`` off."""

    compiler = _InlineTables()

    def _register_in_memory_table(self, op: Any) -> None:
        pass  # written into each query that reads it

    def _post_connect(self) -> None:
        super()._post_connect()
        with self.con.cursor() as cur:
            cur.execute("SET jit = off")

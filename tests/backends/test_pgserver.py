"""The benchmark's own PostgreSQL server kept in a folder, and small in-memory tables written into
the queries sent to PostgreSQL (so that the scans of large tables may run in parallel)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import ibis
import psycopg
import pyarrow as pa

from salesscope.backends import connect_postgres
from salesscope.bench.pgserver import PgServer


def _sql(server: PgServer, db: str, query: str) -> list[tuple]:
    with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname=db, autocommit=True) as con:
        cur = con.execute(query)
        return cur.fetchall() if cur.description else []


def test_a_kept_server_starts_again_on_what_it_held():
    base = Path(tempfile.mkdtemp(prefix="salesscope-test-"))
    base.chmod(0o755)  # the server runs as the postgres account
    try:
        first = PgServer(base / "pg").start()
        try:
            first.create_database("bench")
            _sql(first, "bench", "CREATE TABLE t AS SELECT 42 AS x")
        finally:
            first.stop()
        assert (base / "pg" / "data" / "PG_VERSION").exists()
        again = PgServer(base / "pg").start()
        try:
            assert _sql(again, "bench", "SELECT x FROM t") == [(42,)]
            again.create_database("bench")  # made again: empty
            assert _sql(again, "bench", "SELECT to_regclass('t') IS NULL") == [(True,)]
        finally:
            again.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_in_memory_tables_are_read_from_the_query_itself(pg_database):
    con = connect_postgres(pg_database)
    big = con.create_table("facts", ibis.memtable({"day": [dt.date(2024, 1, d) for d in (1, 2, 2, 3)],
                                                    "v": [1.0, 2.0, 3.0, 4.0]}))
    days = ibis.memtable(pa.table({"day": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2)], pa.date32()),
                                   "label": ["new year's", None]}))
    j = big.join(days, "day")
    got = j.group_by("label").aggregate(n=j.count(), v=j.v.sum()).order_by("v").to_pyarrow().to_pylist()
    assert got == [{"label": "new year's", "n": 1, "v": 1.0}, {"label": None, "n": 2, "v": 5.0}]
    none = ibis.memtable(pa.table({"day": pa.array([], pa.date32())}))
    assert big.join(none, "day").count().execute() == 0
    sql = str(con.compile(j))
    assert "VALUES" in sql and "new year''s" in sql
    # nothing was stored for them: no temporary table, and the session runs without JIT
    assert con.raw_sql("SELECT count(*) FROM pg_class WHERE relpersistence = 't'").fetchone()[0] == 0
    assert con.raw_sql("SHOW jit").fetchone()[0] == "off"

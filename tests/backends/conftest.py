"""Throwaway PostgreSQL 15 and Spark local-mode engines, and a fixture that runs a test on each.

The servers start from pytest itself (nothing to start by hand) and stop at the end of the session:
PostgreSQL with initdb/pg_ctl from /usr/lib/postgresql/15/bin in a temporary directory, listening
on 127.0.0.1 only; Spark as ``local[2]`` with Java 17.

``on_backend(ws)`` copies a DuckDB workspace's canonical tables into the engine the test is
parametrised with (duckdb, postgres, spark) and returns the workspace pointed at that engine.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator

import pytest

from salesscope.backends import copy_to_postgres, copy_to_spark, use_backend
from salesscope.bench.pgserver import PgServer
from salesscope.config import BackendConfig

BACKENDS = ("duckdb", "postgres", "spark")
_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(pg_server: PgServer) -> BackendConfig:
    """A fresh, empty database on the test server, as a workspace backend config."""
    return pg_server.create_database(f"t{next(_names)}_{os.getpid()}")


@pytest.fixture(scope="session")
def spark_config(tmp_path_factory: pytest.TempPathFactory) -> BackendConfig:
    return BackendConfig(kind="spark", master="local[2]",
                         warehouse=str(tmp_path_factory.mktemp("spark-warehouse")))


@pytest.fixture(scope="session")
def spark_session(spark_config: BackendConfig):
    from salesscope.backends import spark_session as make

    session = make(spark_config)
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(params=BACKENDS)
def backend_kind(request: pytest.FixtureRequest) -> str:
    """duckdb, postgres or spark; the postgres and spark cases carry their markers."""
    return request.param


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = getattr(item, "callspec", None) and item.callspec.params.get("backend_kind")
        if kind in ("postgres", "spark"):
            item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture
def on_backend(backend_kind: str, request: pytest.FixtureRequest) -> Callable:
    """``on_backend(ws)``: the DuckDB workspace ``ws`` with its tables copied to the test's engine."""

    def move(ws):
        if backend_kind == "duckdb":
            return ws
        if backend_kind == "postgres":
            cfg = request.getfixturevalue("pg_database")
            copy_to_postgres(ws, cfg)
            return use_backend(ws, cfg)
        session = request.getfixturevalue("spark_session")
        base = request.getfixturevalue("spark_config")
        db = f"t{next(_names)}"
        copy_to_spark(ws, session, database=db)
        return use_backend(ws, base.model_copy(update={"database": db}))

    return move

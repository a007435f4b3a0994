"""Throwaway PostgreSQL 15 and Spark local-mode engines, and a fixture that runs a test on each.

The servers start from pytest itself (nothing to start by hand) and stop at the end of the session:
PostgreSQL with initdb/pg_ctl from /usr/lib/postgresql/15/bin in a temporary directory, listening
on 127.0.0.1 only; Spark as ``local[2]`` with Java 17.

``on_backend(ws)`` copies a DuckDB workspace's canonical tables into the engine the test is
parametrised with (duckdb, postgres, spark) and returns the workspace pointed at that engine. A store
opened read-only is copied once per engine for the whole session (Spark takes seconds per table).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def backend_copies() -> dict[tuple[str, Path], BackendConfig]:
    """Where each read-only store's tables were already copied, per engine."""
    return {}


@pytest.fixture
def on_backend(backend_kind: str, request: pytest.FixtureRequest,
               backend_copies: dict[tuple[str, Path], BackendConfig]) -> Callable:
    """``on_backend(ws)``: the DuckDB workspace ``ws`` with its tables copied to the test's engine.
    A workspace opened read-only cannot change, so its copy is made once and shared by later tests."""

    def move(ws):
        if backend_kind == "duckdb":
            return ws
        key = (backend_kind, ws.store_path)
        cfg = backend_copies.get(key) if ws.read_only else None
        if cfg is None:
            cfg = copy(ws)
            if ws.read_only:
                backend_copies[key] = cfg
        return use_backend(ws, cfg)

    def copy(ws) -> BackendConfig:
        name = f"t{next(_names)}_{os.getpid()}"
        if backend_kind == "postgres":
            cfg = request.getfixturevalue("pg_server").create_database(name)
            copy_to_postgres(ws, cfg)
            return cfg
        copy_to_spark(ws, request.getfixturevalue("spark_session"), database=name)
        return request.getfixturevalue("spark_config").model_copy(update={"database": name})

    return move

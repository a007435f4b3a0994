"""Connect a workspace to the engine that runs its indicator queries: DuckDB, PostgreSQL or Spark."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis

from salesscope.config import BackendConfig
from salesscope.errors import WorkspaceError
from salesscope.locale import Text
from salesscope.schema import PG_TYPES, SPARK_TYPES, TABLES, Kind, Table, is_extra_column
from salesscope.sqlvalue import scalar

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import SparkSession

    from salesscope.workspace import Workspace

def connect(ws: Workspace) -> ibis.BaseBackend:
    """The Ibis backend named by the workspace config; DuckDB shares the store's connection."""
    cfg = ws.config.backend
    if cfg.kind == "duckdb":
        return ibis.duckdb.from_connection(ws.duckdb)
    if cfg.kind == "postgres":
        con = connect_postgres(cfg)
        if cfg.crm_mapping:
            from salesscope.crm import install_views, load_crm_mapping

            install_views(con, load_crm_mapping(cfg.crm_mapping, base=ws.path), schema=cfg.schema_,
                          timezone=ws.config.timezone)
        return con
    if cfg.kind == "spark":
        return connect_spark(cfg)
    raise WorkspaceError(Text("error.backend.unknown", kind=cfg.kind))


def connect_postgres(cfg: BackendConfig) -> ibis.BaseBackend:
    """An Ibis PostgreSQL backend for the config's server, database and schema, set up for
    analytical queries (see :mod:`salesscope.pgquery`)."""
    import psycopg

    from salesscope.pgquery import AnalyticsPostgres

    password = cfg.password or os.environ.get("PGPASSWORD")
    try:
        con = AnalyticsPostgres().connect(host=cfg.host, port=cfg.port, user=cfg.user, password=password,
                                          database=cfg.database, schema=cfg.schema_)
    except psycopg.OperationalError as e:
        where = f"{cfg.user}@{cfg.host}:{cfg.port}/{cfg.database or cfg.user}"
        raise WorkspaceError(Text("error.backend.postgres", where=where, detail=str(e).strip())) from None
    return con


def spark_session(cfg: BackendConfig) -> SparkSession:
    """A SparkSession for the config's master URL, set up for wall-clock times in UTC."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise WorkspaceError(Text("error.backend.no_pyspark")) from None
    if cfg.master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Local workers run this interpreter (and its packages), not whatever python3 is on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # A fixed warehouse avoids LOCATION_ALREADY_EXISTS when a second run recreates a table.
    warehouse = cfg.warehouse or tempfile.mkdtemp(prefix="salesscope-spark-")
    builder = (
        SparkSession.builder.master(cfg.master).appName("salesscope")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", str(Path(warehouse).absolute()))
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    try:
        return builder.getOrCreate()
    except Exception as e:  # noqa: BLE001 - Java missing or the master unreachable
        raise WorkspaceError(Text("error.backend.spark", master=cfg.master, detail=e)) from None


def connect_spark(cfg: BackendConfig) -> ibis.BaseBackend:
    """An Ibis Spark backend; ``database`` names the Spark database holding the canonical tables."""
    session = spark_session(cfg)
    if cfg.database:
        session.sql(f"CREATE DATABASE IF NOT EXISTS `{cfg.database}`")
        session.catalog.setCurrentDatabase(cfg.database)
    if cfg.warehouse:
        register_warehouse(session, Path(cfg.warehouse), cfg.database)
    from ibis.backends.pyspark import Backend

    assert ibis.pyspark  # loading the backend through ibis registers its options

    class SharedSparkBackend(Backend):
        """Closing a workspace leaves the process's one SparkSession running for the others."""

        def disconnect(self) -> None:
            pass

    return SharedSparkBackend().connect(session)


# -- copying a workspace's store into another engine (tests, the benchmark, migrations) ----------

def _present_columns(con: duckdb.DuckDBPyConnection, table: Table) -> list[tuple[str, Kind]]:
    """The canonical columns the store's table holds, with their kinds, then its declared
    attributes and rep roles (text)."""
    spec = TABLES[table]
    have = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table.value]).fetchall()]
    out = []
    for name in spec.column_names:
        if name not in have:
            continue
        kind = Kind.TEXT if name.endswith("_label") and not spec.has(name) else spec.column(name).kind
        out.append((name, kind))
    out += [(name, Kind.TEXT) for name in have if is_extra_column(name)]
    return out


def _pg_connect(cfg: BackendConfig) -> Any:
    import psycopg

    try:
        return psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user, dbname=cfg.database,
                               password=cfg.password or os.environ.get("PGPASSWORD"), autocommit=False)
    except psycopg.OperationalError as e:
        where = f"{cfg.user}@{cfg.host}:{cfg.port}/{cfg.database or cfg.user}"
        raise WorkspaceError(Text("error.backend.postgres", where=where, detail=str(e).strip())) from None


def _pg_create(cur: Any, target: str, cols: list[tuple[str, Kind]]) -> None:
    ddl = ", ".join(f'"{n}" {PG_TYPES[k]}' for n, k in cols)
    cur.execute(f"DROP TABLE IF EXISTS {target} CASCADE")
    cur.execute(f"CREATE TABLE {target} ({ddl})")


def _pg_copy(cur: Any, con: duckdb.DuckDBPyConnection, target: str, cols: list[str], query: str) -> int:
    """Stream a store query's rows into a PostgreSQL table with COPY; the rows written."""
    names = ", ".join(f'"{n}"' for n in cols)
    reader = con.execute(query).to_arrow_reader(200_000)
    n = 0
    with cur.copy(f"COPY {target} ({names}) FROM STDIN (FORMAT csv)") as cp:
        for batch in reader:
            cp.write(_csv_bytes(batch))
            n += batch.num_rows
    return n


def copy_to_postgres(ws: Workspace, cfg: BackendConfig, tables: list[Table] | None = None) -> dict[str, int]:
    """Copy the store's canonical tables into PostgreSQL with COPY, replacing them; rows per table."""
    con = ws.duckdb
    counts: dict[str, int] = {}
    with _pg_schema(cfg) as (cur, schema):
        for table in tables or list(Table):
            cols = _present_columns(con, table)
            target = f'{schema}"{table.value}"'
            _pg_create(cur, target, cols)
            names = [n for n, _ in cols]
            counts[table.value] = _pg_copy(cur, con, target, names, _select(table, names))
            cur.execute(f"ANALYZE {target}")
    return counts


@contextmanager
def _pg_schema(cfg: BackendConfig) -> Iterator[tuple[Any, str]]:
    """A cursor on PostgreSQL with the configured schema created, and the prefix that names a table
    in it; what the block writes is committed when it ends without an error."""
    pg = _pg_connect(cfg)
    try:
        with pg.cursor() as cur:
            if cfg.schema_:
                cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{cfg.schema_}"')
            yield cur, f'"{cfg.schema_}".' if cfg.schema_ else ""
        pg.commit()
    finally:
        pg.close()


EXPORTED = "_salesscope_exported"  # in the target schema: per table, the mark of what was exported


def export_postgres(ws: Workspace, cfg: BackendConfig) -> dict[str, tuple[int, str]]:
    """Copy the store's canonical tables into PostgreSQL, incrementally, in one transaction.

    The target schema keeps, in ``_salesscope_exported``, a mark of each table's exported rows (its
    columns, row count, an order-free hash of the rows, and how far into the store's rows it
    reached). A table exported before is left alone when nothing changed; gets only the rows
    stored since when the rows it holds are still stored unchanged; and is rewritten whole when
    stored rows changed or went away (an enrichment, a re-import, a new attribute column) or the
    target's table no longer holds what was exported. Returns per table the rows written and how:
    ``new``, ``appended``, ``rewritten`` or ``unchanged``.
    """
    con = ws.duckdb
    out: dict[str, tuple[int, str]] = {}
    with _pg_schema(cfg) as (cur, schema):
        cur.execute(f'CREATE TABLE IF NOT EXISTS {schema}"{EXPORTED}" (table_name text PRIMARY KEY, mark text NOT NULL)')
        marks = {t: json.loads(m) for t, m in cur.execute(f'SELECT table_name, mark FROM {schema}"{EXPORTED}"')}
        for table in Table:
            cols = _present_columns(con, table)
            names = [n for n, _ in cols]
            target = f'{schema}"{table.value}"'
            store = _select(table, names)
            end = scalar(con.execute(f'SELECT coalesce(max(rowid) + 1, 0) FROM "{table.value}"'))
            mark = {"columns": names, "rows_hash": _fingerprint(con, store, names)[1:], "end": end}
            before = marks.get(table.value)
            exists = cur.execute("SELECT to_regclass(%s)", [target]).fetchone()[0] is not None
            held = scalar(cur.execute(f"SELECT count(*) FROM {target}")) if exists and before else None
            if before and held == before["rows_hash"][0] and before["columns"] == names:
                if before["rows_hash"] == mark["rows_hash"]:
                    out[table.value] = (0, "unchanged")
                    _pg_mark(cur, schema, table, mark)
                    continue
                kept = f'{store} WHERE rowid < {int(before["end"])}'
                if _fingerprint(con, kept, names)[1:] == before["rows_hash"]:
                    added = f'{store} WHERE rowid >= {int(before["end"])}'
                    out[table.value] = (_pg_copy(cur, con, target, names, added), "appended")
                    cur.execute(f"ANALYZE {target}")
                    _pg_mark(cur, schema, table, mark)
                    continue
            _pg_create(cur, target, cols)
            out[table.value] = (_pg_copy(cur, con, target, names, store), "rewritten" if exists else "new")
            cur.execute(f"ANALYZE {target}")
            _pg_mark(cur, schema, table, mark)
    return out


def _select(table: Table, names: list[str]) -> str:
    """The store's query for a table's columns."""
    cols = ", ".join(f'"{n}"' for n in names)
    return f'SELECT {cols} FROM "{table.value}"'


def _pg_mark(cur: Any, schema: str, table: Table, mark: dict) -> None:
    cur.execute(f'INSERT INTO {schema}"{EXPORTED}" VALUES (%s, %s) '
                "ON CONFLICT (table_name) DO UPDATE SET mark = excluded.mark", [table.value, json.dumps(mark)])


def _csv_bytes(batch: Any) -> bytes:
    """One Arrow record batch as header-less CSV (nulls as empty fields, which COPY reads as NULL)."""
    import io

    import pyarrow.csv as pacsv

    buf = io.BytesIO()
    pacsv.write_csv(batch, buf, write_options=pacsv.WriteOptions(include_header=False,
                                                                  quoting_style="needed"))
    return buf.getvalue()


def copy_to_spark(ws: Workspace, session: SparkSession, tables: list[Table] | None = None,
                  database: str | None = None) -> dict[str, int]:
    """Copy the store's canonical tables into Spark tables (through Parquet); rows per table."""
    con = ws.duckdb
    counts: dict[str, int] = {}
    if database:
        session.sql(f"CREATE DATABASE IF NOT EXISTS `{database}`")
    prefix = f"`{database}`." if database else ""
    stage = Path(tempfile.mkdtemp(prefix="salesscope-stage-"))
    for table in tables or list(Table):
        cols = _present_columns(con, table)
        names = ", ".join(f'"{n}"' for n, _ in cols)
        path = stage / f"{table.value}.parquet"
        con.execute(f"COPY (SELECT {names} FROM \"{table.value}\") TO '{path}' (FORMAT parquet)")
        # DuckDB writes zone-less timestamps that Spark would read as TIMESTAMP_NTZ; the session
        # zone is UTC, so casting to TIMESTAMP keeps every wall-clock value as it is.
        select = ", ".join(f"CAST(`{n}` AS {SPARK_TYPES[k]}) AS `{n}`" for n, k in cols)
        session.read.parquet(str(path)).createOrReplaceTempView("_salesscope_stage")
        session.sql(f"DROP TABLE IF EXISTS {prefix}`{table.value}`")
        session.sql(f"CREATE TABLE {prefix}`{table.value}` USING parquet AS "
                    f"SELECT {select} FROM _salesscope_stage")
        session.catalog.dropTempView("_salesscope_stage")
        counts[table.value] = scalar(con.execute(f'SELECT count(*) FROM "{table.value}"'))
    return counts


def _spark_column(name: str, table: Table) -> str:
    """The Spark type of a stored column (labels, attributes and rep roles are text)."""
    spec = TABLES[table]
    return SPARK_TYPES[spec.column(name).kind] if spec.has(name) else "string"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def table_folder(warehouse: Path, table: Table, database: str | None = None) -> Path:
    """Where a canonical table's Parquet files live in a warehouse folder: Spark's own layout
    (``<warehouse>/<table>``, or ``<warehouse>/<database>.db/<table>``)."""
    return warehouse / (f"{database}.db" if database else "") / table.value


def register_warehouse(session: SparkSession, warehouse: Path, database: str | None = None) -> list[str]:
    """Make the canonical tables kept as Parquet in a shared warehouse folder readable by this
    Spark session (a new driver's catalog starts empty); tables the catalog already holds are
    left as they are. Returns the tables registered."""
    done = []
    for table in Table:
        folder = table_folder(warehouse, table, database)
        name = f"{database}.{table.value}" if database else table.value
        if not any(folder.glob("*.parquet")) or session.catalog.tableExists(name):
            continue
        frame = session.read.parquet(str(folder))
        select = ", ".join(f"CAST(`{n}` AS {_spark_column(n, table)}) AS `{n}`" for n in frame.columns)
        frame.createOrReplaceTempView("_salesscope_stage")
        session.sql(f"SELECT {select} FROM _salesscope_stage").createOrReplaceTempView(table.value)
        session.catalog.dropTempView("_salesscope_stage")
        done.append(table.value)
    return done


def export_parquet(ws: Workspace, warehouse: Path, database: str | None = None) -> dict[str, tuple[int, str]]:
    """Write the store's canonical tables as Parquet into a warehouse folder, incrementally.

    A table exported before gets one more file holding only its new rows; a table whose stored
    rows changed or went away since (an enrichment, a re-import, a new attribute column) is
    rewritten whole. Returns per table the rows written and how: ``new``, ``appended``,
    ``rewritten`` or ``unchanged``.
    """
    con = ws.duckdb
    out: dict[str, tuple[int, str]] = {}
    for table in Table:
        cols = [n for n, _ in _present_columns(con, table)]
        names = ", ".join(f'"{n}"' for n in cols)
        folder = table_folder(warehouse, table, database)
        store = _select(table, cols)
        parts = sorted(folder.glob("*.parquet"))
        mark = _fingerprint(con, store, cols)
        if parts and _read_mark(folder) == mark:
            out[table.value] = (0, "unchanged")
            continue
        if parts:
            done = f"read_parquet('{_sql_path(folder)}/*.parquet', union_by_name = true)"
            same_columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {done}").fetchall()] == cols
            gone = same_columns and scalar(con.execute(
                f"SELECT count(*) FROM (SELECT {names} FROM {done} EXCEPT ALL {store})"))
            if same_columns and not gone:
                added = f"{store} EXCEPT ALL SELECT {names} FROM {done}"
                n = _write_parquet(con, added, folder / f"part-{len(parts):05d}.parquet", keep_empty=False)
                _write_mark(folder, mark)
                out[table.value] = (n, "appended" if n else "unchanged")
                continue
        fresh = folder.with_name(folder.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        n = _write_parquet(con, store, fresh / "part-00000.parquet")
        if parts:
            shutil.rmtree(folder)
        fresh.rename(folder)
        _write_mark(folder, mark)
        out[table.value] = (n, "rewritten" if parts else "new")
    return out


MARK = "_exported.json"  # Spark skips files whose names start with "_"


def _fingerprint(con: duckdb.DuckDBPyConnection, query: str, cols: list[str]) -> list:
    """The columns, row count and an order-free hash of a table's rows: equal marks mean nothing
    changed since the last export."""
    row = ", ".join(f'"{n}"' for n in cols)
    got = con.execute(f"SELECT count(*), sum(hash({row})::HUGEINT)::VARCHAR FROM ({query})").fetchone()
    return [cols, *(got or (0, None))]


def _read_mark(folder: Path) -> list | None:
    try:
        return json.loads((folder / MARK).read_text())
    except (OSError, ValueError):
        return None


def _write_mark(folder: Path, mark: list) -> None:
    (folder / MARK).write_text(json.dumps(mark))


def _write_parquet(con: duckdb.DuckDBPyConnection, query: str, path: Path, *, keep_empty: bool = True) -> int:
    """Write a query's rows to one Parquet file, whole or not at all; the rows written (no file
    for none unless ``keep_empty``)."""
    part = path.with_name(path.name + ".partial")
    n = scalar(con.execute(f"COPY ({query}) TO '{_sql_path(part)}' (FORMAT parquet)"))
    if n or keep_empty:
        part.rename(path)
    else:
        part.unlink()
    return n


def use_backend(ws: Workspace, cfg: BackendConfig) -> Workspace:
    """Point an open workspace at another engine (its canonical tables must be there already)."""
    if "backend" in ws.__dict__:
        old = ws.__dict__.pop("backend")
        if ws.config.backend.kind == "postgres":
            old.disconnect()
    ws.config = ws.config.model_copy(update={"backend": cfg})
    return ws

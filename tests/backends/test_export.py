"""``salesscope export``: the store's tables as Parquet in a warehouse folder, incrementally. Later
imports append only their new rows; a table whose stored rows changed is rewritten; the files
always hold exactly the store's rows."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import salesscope
from salesscope.backends import export_parquet, table_folder
from salesscope.ingest import import_files
from salesscope.schema import Table

SALESSCOPE = Path(sys.executable).parent / "salesscope"


def leads(first: int, n: int) -> pd.DataFrame:
    return pd.DataFrame({"lead_id": [f"L{i}" for i in range(first, first + n)],
                         "created_at": [dt.datetime(2026, 1, 1, 9) + dt.timedelta(hours=i) for i in range(first, first + n)],
                         "channel": ["web" if i % 2 else "email" for i in range(first, first + n)]})


def exported(ws, warehouse: Path, table: Table) -> pd.DataFrame:
    folder = table_folder(warehouse, table)
    return ws.duckdb.execute(f"SELECT * FROM read_parquet('{folder}/*.parquet', union_by_name = true) "
                             "ORDER BY ALL").df()


def stored(ws, table: Table) -> pd.DataFrame:
    return ws.duckdb.execute(f'SELECT * FROM "{table.value}" ORDER BY ALL').df()


@pytest.fixture
def ws(tmp_path):
    w = salesscope.init(tmp_path / "ws")
    yield w
    w.close()


def load(ws, tmp_path: Path, df: pd.DataFrame, name: str) -> None:
    path = tmp_path / f"{name}.csv"
    df.to_csv(path, index=False)
    import_files(ws, [path], table="leads", progress=False)


def same_rows(ws, warehouse: Path) -> None:
    for table in (Table.LEADS, Table.OPPORTUNITIES):
        got, want = exported(ws, warehouse, table), stored(ws, table)
        got = got[list(want.columns)] if len(got.columns) else got
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)


def test_new_then_unchanged_then_appended_then_rewritten(ws, tmp_path):
    warehouse = tmp_path / "warehouse"
    load(ws, tmp_path, leads(0, 30), "a")
    first = export_parquet(ws, warehouse)
    assert first["leads"] == (30, "new") and first["opportunities"] == (0, "new")
    same_rows(ws, warehouse)
    assert export_parquet(ws, warehouse)["leads"] == (0, "unchanged")

    load(ws, tmp_path, leads(30, 12), "b")  # a later import of new leads: only they are written
    assert export_parquet(ws, warehouse)["leads"] == (12, "appended")
    assert len(list(table_folder(warehouse, Table.LEADS).glob("*.parquet"))) == 2
    same_rows(ws, warehouse)

    changed = leads(5, 3).assign(channel="referral")  # a re-import changes stored rows
    load(ws, tmp_path, changed, "c")
    assert export_parquet(ws, warehouse)["leads"] == (42, "rewritten")
    assert len(list(table_folder(warehouse, Table.LEADS).glob("*.parquet"))) == 1
    same_rows(ws, warehouse)
    got = exported(ws, warehouse, Table.LEADS).set_index("lead_id")
    assert (got.loc[["L5", "L6", "L7"], "channel"] == "referral").all()


def test_the_command_exports_and_says_what_it_did(ws, tmp_path):
    load(ws, tmp_path, leads(0, 10), "a")
    ws.close()
    out = subprocess.run([str(SALESSCOPE), "export", "--to", "spark", "--out", str(tmp_path / "wh"),
                          "--database", "sales", "-w", str(ws.path)], capture_output=True, text=True,
                         timeout=300, env={**__import__("os").environ, "COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    assert "leads" in out.stdout and "new" in out.stdout and "warehouse: " + str(tmp_path / "wh") in out.stdout.replace("\n", "")
    assert list((tmp_path / "wh" / "sales.db" / "leads").glob("*.parquet"))


# -- PostgreSQL: the same increments, the mark kept in the target schema -----------------------

def in_postgres(cfg, table: Table) -> pd.DataFrame:
    from salesscope.backends import connect_postgres

    con = connect_postgres(cfg)
    try:
        return con.table(table.value).to_pandas()
    finally:
        con.disconnect()


def same_in_postgres(ws, cfg) -> None:
    for table in (Table.LEADS, Table.OPPORTUNITIES):
        got, want = in_postgres(cfg, table), stored(ws, table)
        got = got[list(want.columns)].sort_values(list(want.columns), ignore_index=True)
        got, want = (d.astype(object).where(d.notna(), None).reset_index(drop=True) for d in (got, want))
        pd.testing.assert_frame_equal(got, want, obj=table.value)


@pytest.mark.postgres
def test_postgres_new_then_unchanged_then_appended_then_rewritten(ws, tmp_path, pg_database):
    from salesscope.backends import export_postgres

    cfg = pg_database.model_copy(update={"schema_": "sales"})
    load(ws, tmp_path, leads(0, 30), "a")
    first = export_postgres(ws, cfg)
    assert first["leads"] == (30, "new") and first["opportunities"] == (0, "new")
    same_in_postgres(ws, cfg)
    assert set(export_postgres(ws, cfg).values()) == {(0, "unchanged")}

    load(ws, tmp_path, leads(30, 12), "b")  # a later import of new leads: only they are written
    done = export_postgres(ws, cfg)
    assert done["leads"] == (12, "appended") and done["opportunities"] == (0, "unchanged")
    same_in_postgres(ws, cfg)

    changed = leads(5, 3).assign(channel="referral")  # a re-import changes stored rows
    load(ws, tmp_path, changed, "c")
    assert export_postgres(ws, cfg)["leads"] == (42, "rewritten")
    same_in_postgres(ws, cfg)
    got = in_postgres(cfg, Table.LEADS).set_index("lead_id")
    assert (got.loc[["L5", "L6", "L7"], "channel"] == "referral").all()
    assert export_postgres(ws, cfg)["leads"] == (0, "unchanged")


@pytest.mark.postgres
def test_postgres_table_changed_in_the_target_is_rewritten(ws, tmp_path, pg_database):
    import psycopg

    from salesscope.backends import export_postgres

    load(ws, tmp_path, leads(0, 20), "a")
    export_postgres(ws, pg_database)
    with psycopg.connect(host=pg_database.host, port=pg_database.port, user=pg_database.user,
                         dbname=pg_database.database, autocommit=True) as pg:
        pg.execute("DELETE FROM leads WHERE lead_id = 'L3'")
    load(ws, tmp_path, leads(20, 5), "b")
    assert export_postgres(ws, pg_database)["leads"] == (25, "rewritten")
    same_in_postgres(ws, pg_database)
    with psycopg.connect(host=pg_database.host, port=pg_database.port, user=pg_database.user,
                         dbname=pg_database.database, autocommit=True) as pg:
        pg.execute("DROP TABLE leads")
    assert export_postgres(ws, pg_database)["leads"] == (25, "new")
    same_in_postgres(ws, pg_database)


@pytest.mark.postgres
def test_the_command_exports_to_postgres_and_says_what_it_did(ws, tmp_path, pg_database):
    load(ws, tmp_path, leads(0, 10), "a")
    ws.close()

    def export() -> list[str]:
        """The cells of the leads row of the command's table."""
        out = subprocess.run([str(SALESSCOPE), "export", "--to", "postgres", "--port", str(pg_database.port),
                              "--database", pg_database.database, "--schema", "crm", "-w", str(ws.path)],
                             capture_output=True, text=True, timeout=300,
                             env={**__import__("os").environ, "COLUMNS": "120"})
        assert out.returncode == 0, out.stderr
        line = next(line for line in out.stdout.splitlines() if " leads " in line)
        return [c.strip() for c in line.strip(" │").split("│")]

    assert export() == ["leads", "10", "new"]
    w = salesscope.open(ws.path)
    load(w, tmp_path, leads(10, 4), "b")
    w.close()
    assert export() == ["leads", "4", "new rows appended"]
    assert export() == ["leads", "0", "unchanged"]
    assert len(in_postgres(pg_database.model_copy(update={"schema_": "crm"}), Table.LEADS)) == 14

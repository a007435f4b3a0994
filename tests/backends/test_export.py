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

"""A typed Parquet file imports exactly like the same data written as CSV text."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

import salesscope
from salesscope.ingest import import_files

from .conftest import rows

OPPORTUNITIES = """
SELECT * FROM (VALUES
  ('O1', TIMESTAMPTZ '2024-03-01 08:15:00+00', 'won', TIMESTAMP_NS '2024-03-20 10:00:00.123456789',
   12.345::DECIMAL(10,3), 0.1 + 0.2, 40.0),
  ('O2', TIMESTAMPTZ '2024-03-02 23:30:00-05', 'open', NULL, 1000::DECIMAL(10,3), 1250.505, 150.0),
  ('O3', TIMESTAMPTZ '2024-03-03 00:00:00+03:30', 'lost', NULL, -5::DECIMAL(10,3), 7.0, 10.5),
  ('O4', NULL, 'won', TIMESTAMP_NS '2024-03-05 09:00:00', NULL, 1e21, 99.0),
  ('O5', TIMESTAMPTZ '2024-03-06 12:00:00+00', 'won', TIMESTAMP_NS '2024-03-01 09:00:00',
   2.5::DECIMAL(10,3), -0.0, 100.0)
) t(opportunity_id, created_at, status, closed_at, amount, double_amount, probability)
"""

QUOTAS = """
SELECT * FROM (VALUES
  (DATE '2024-01-01', DATE '2024-03-31', 1500000.75::DOUBLE, 'R1'),
  (DATE '2024-04-01', DATE '2024-03-31', 10.0::DOUBLE, 'R2'),
  (DATE '2024-03-20', DATE '1403-03-31', 0.1::DOUBLE + 0.7::DOUBLE, 'R3'),
  (DATE '2024-07-01', NULL, -3.0::DOUBLE, 'R4')
) t(period_start, period_end, amount, rep_id)
"""


def _write(folder: Path, fmt: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    opts = "(FORMAT parquet)" if fmt == "parquet" else "(HEADER, DELIMITER ',')"
    out = []
    for name, sql in (("opportunities", OPPORTUNITIES), ("quotas", QUOTAS)):
        path = folder / f"{name}.{fmt}"
        con.execute(f"COPY ({sql}) TO '{path}' {opts}")
        out.append(path)
    # The DOUBLE amount feeds a second opportunities file through a mapping-free rename.
    path = folder / f"opportunities-double.{fmt}"
    con.execute(f"COPY (SELECT 'D' || opportunity_id AS opportunity_id, created_at, status, "
                f"closed_at, double_amount AS amount, probability / 100 AS probability "
                f"FROM ({OPPORTUNITIES}) WHERE probability <= 100) TO '{path}' {opts}")
    out.append(path)
    # A column of percents with one unmarked fraction: that row is ambiguous in either format.
    path = folder / f"opportunities-mixed.{fmt}"
    con.execute(f"COPY (SELECT 'M' || opportunity_id AS opportunity_id, created_at, status, "
                f"closed_at, amount, CASE WHEN opportunity_id = 'O1' THEN 0.4 ELSE probability END "
                f"AS probability FROM ({OPPORTUNITIES})) TO '{path}' {opts}")
    out.append(path)
    con.close()
    return out


def _snapshot(ws: salesscope.Workspace, result, fmt: str) -> dict:  # noqa: ANN001
    # A CSV's header is row 1, so its data rows are numbered one more than Parquet records.
    shift = 1 if fmt == "csv" else 0
    quarantine = rows(ws, "SELECT target_table, replace(source_file, '.parquet', '.csv'), "
                          f"source_row - {shift}, column_name, value, reason_code, reason "
                          "FROM _quarantine ORDER BY ALL")

    def same_rows(w: str) -> str:
        w = w.replace(f".{fmt}", ".csv").split(" more problems in ")[0]
        return re.sub(r"\.csv:(\d+)", lambda m: f".csv:{int(m[1]) - shift}", w)

    return {
        "opportunities": rows(ws, "SELECT * FROM opportunities ORDER BY opportunity_id"),
        "quotas": rows(ws, "SELECT * FROM quotas ORDER BY ALL"),
        "counts": {t: (c.read, c.loaded, c.rejected) for t, c in result.tables.items()},
        "warnings": [same_rows(w) for w in result.warnings],
        "quarantine": quarantine,
    }


def test_typed_parquet_imports_like_csv(ws, tmp_path):
    csv_ws = salesscope.init(tmp_path / "ws-csv", timezone="Asia/Tehran")
    try:
        typed = import_files(ws, _write(tmp_path / "pq", "parquet"), progress=False)
        text = import_files(csv_ws, _write(tmp_path / "csv", "csv"), progress=False)
        got, want = _snapshot(ws, typed, "parquet"), _snapshot(csv_ws, text, "csv")
    finally:
        csv_ws.close()
    assert got == want
    opp = {r[0]: r for r in got["opportunities"]}
    # Converted to the workspace's zone (Tehran, +03:30), exact cents, percent scaled.
    assert str(opp["O1"][1]) == "2024-03-01 11:45:00"
    assert str(opp["O1"][5]) == "12.35" and opp["O1"][6] == 0.4
    assert str(opp["DO1"][5]) == "0.30"
    codes = {(r[3], r[5]) for r in got["quarantine"]}
    assert {("probability", "probability_range"), ("amount", "negative"),
            ("created_at", "missing_value"), ("amount", "bad_number"),
            ("closed_at", "order"), ("period_end", "order"),
            ("probability", "ambiguous_probability")} <= codes
    assert "MO1" not in opp and opp["DO1"][6] == 0.4
    assert [r[5] for r in got["quarantine"] if r[1] == "opportunities-mixed.csv" and r[2] == 1] == [
        "ambiguous_probability"]
    # A stored year 1403 reads as a Jalali date, as its text does.
    assert any(str(r[1]) == "2024-06-20" for r in got["quotas"])

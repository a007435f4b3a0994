"""Time the import of a generated 1M-row activities CSV into a fresh workspace, beside DuckDB's
own ``read_csv`` of the same file into a new store (the baseline: nothing parsed or checked).

    .venv/bin/python benchmarks/import_bench.py [ROWS]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import salesscope
from salesscope.bench.worker import read_files
from salesscope.ingest import import_files


def write_activities(path: Path, rows: int) -> None:
    """A CSV of activities with mixed channels, ISO and Jalali times, costs and durations."""
    duckdb.execute(f"""
        COPY (
          SELECT 'A' || i AS activity_id,
                 CASE WHEN i % 10 = 0
                      THEN '1403/' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0') || '/'
                           || lpad(CAST(1 + i % 28 AS VARCHAR), 2, '0') || ' 10:30'
                      ELSE strftime(TIMESTAMP '2024-01-01' + to_seconds(i * 37 % 31536000),
                                    '%Y-%m-%d %H:%M:%S') END AS occurred_at,
                 ['Telegram', 'email', 'Cold call', 'پیامک', 'Instagram', 'visit'][1 + i % 6]
                   AS channel,
                 'R' || (i % 40) AS rep_id,
                 'C' || (i % 50000) AS contact_id,
                 CASE WHEN i % 7 = 0 THEN '1,250.50' ELSE CAST(i % 300 AS VARCHAR) END AS cost,
                 CAST(i % 45 AS VARCHAR) AS duration_minutes
          FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(rows: int = 1_000_000) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "activities.csv"
        write_activities(csv, rows)
        ws = salesscope.init(Path(tmp) / "ws")
        start, cpu = time.perf_counter(), _cpu()
        result = import_files(ws, [csv], progress=False)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        ws.close()
        start, base_cpu = time.perf_counter(), _cpu()
        read_files([csv], Path(tmp) / "read_csv.duckdb")
        base, base_cpu = time.perf_counter() - start, _cpu() - base_cpu
        counts = result.tables["activities"]
        print(f"{rows:,} rows: read {counts.read:,}, loaded {counts.loaded:,}, "
              f"rejected {counts.rejected:,} in {seconds:.1f} s ({cpu:.1f} s CPU); DuckDB's read_csv "
              f"of the same file {base:.1f} s ({base_cpu:.1f} s CPU): {seconds / base:.2f}x "
              f"({cpu / base_cpu:.2f}x CPU)")
    return seconds


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)

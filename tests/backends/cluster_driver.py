"""The driver of the cluster test, run as its own process (as on an analyst's machine):
``python cluster_driver.py WORKSPACE MASTER WAREHOUSE DATABASE OUT``.

It points the workspace at the Spark cluster, whose canonical tables are Parquet files in the
shared warehouse folder, computes the indicators at every agreement level, the funnel, the advice
and the forecast, and writes them to OUT with what the cluster's executors did.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import salesscope
from salesscope.advice import findings
from salesscope.backends import spark_session, use_backend
from salesscope.config import BackendConfig
from salesscope.engine.funnel import funnel
from salesscope.forecast import forecast

TODAY = dt.date(2026, 4, 15)


def results(ws) -> dict:
    """What the test compares between DuckDB and the cluster (each part's seconds on stderr)."""
    import time


    out, started = {}, time.monotonic()
    parts = {
        # every indicator for the company, each month (every breakdown the model compares is
        # checked on Spark in local mode by test_agreement.py: the same SQL)
        "kpis": lambda: ws.kpis(None, grain="month").assign(level=""),
        "funnel": lambda: funnel(ws, by=["channel"]),
        "advice": lambda: [f.to_dict() for f in findings(ws, today=TODAY)],
        "forecast": lambda: forecast(ws, periods=2, as_of=TODAY, track_record=False, sims=500),
    }
    for name, compute in parts.items():
        out[name] = compute()
        print(f"{ws.config.backend.kind} {name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
        started = time.monotonic()
    return out


def executors(cfg: BackendConfig) -> list[dict]:
    """Every executor of this application, from Spark's own status store: its id and tasks done."""
    store = spark_session(cfg).sparkContext._jsc.sc().statusStore()
    seq = store.executorList(False)
    out = []
    for i in range(seq.size()):
        e = seq.apply(i)
        out.append({"id": e.id(), "host_port": e.hostPort(), "completed_tasks": e.completedTasks()})
    return out


def main(workspace: str, master: str, warehouse: str, database: str, out: str) -> None:
    ws = salesscope.open(workspace, read_only=True)
    cfg = BackendConfig(kind="spark", master=master, warehouse=warehouse, database=database)
    use_backend(ws, cfg)
    got = results(ws)
    folder = Path(out)
    got["kpis"].to_parquet(folder / "kpis.parquet")
    got["funnel"].to_parquet(folder / "funnel.parquet")
    got["forecast"].to_parquet(folder / "forecast.parquet")
    (folder / "advice.json").write_text(json.dumps(got["advice"], default=str))
    (folder / "executors.json").write_text(json.dumps(executors(cfg)))


if __name__ == "__main__":
    main(*sys.argv[1:6])

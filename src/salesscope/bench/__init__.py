"""``salesscope bench``: import throughput, the 15 indicators through the engine, and the alternatives.

Each contender runs in its own process (time and peak memory are its own) on the same workspace:
the engine on DuckDB, the engine on PostgreSQL, plain pandas, and hand-written DuckDB SQL. Their
numbers are checked against each other before any time is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from salesscope.errors import SalesScopeError

DEFAULT_SCALE = 10_000_000
TARGETS = {"engine_seconds": 10.0, "speedup_vs_pandas": 5.0, "speedup_vs_postgres": 5.0,
           "ratio_to_duckdb_sql": 2.0, "subset_ratio_to_polars": 1.0, "peak_memory_bytes": 4 * 1024**3, "import_seconds": 60.0}


def _worker(task: str, ws: Path, out: Path, backend: dict | None = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "salesscope.bench.worker", task, str(ws), str(out)]
    if backend:
        cmd.append(json.dumps(backend))
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SalesScopeError(f"benchmark step {task!r} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(ref: pd.DataFrame, other: pd.DataFrame, rtol: float = 1e-9) -> dict[str, Any]:
    """Whether two result sets hold the same defined values; per indicator, what differs."""
    keys = ["kpi", "month", "channel", "rep"]
    a, b = (d.reindex(columns=[*keys, "value"]).copy() for d in (ref, other))
    for d in (a, b):
        d["month"] = pd.to_datetime(d["month"])
        for k in ("channel", "rep"):
            d[k] = d[k].astype("object").where(d[k].notna(), "")
    m = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    both = m[m["_merge"] == "both"]
    close = np.isclose(both["value_a"].astype(float), both["value_b"].astype(float), rtol=rtol, atol=1e-12)
    problems = {}
    for kpi, g in m.groupby("kpi"):
        only = int((g["_merge"] != "both").sum())
        diff = int((~close[both["kpi"].to_numpy() == kpi]).sum())
        if only or diff:
            problems[kpi] = {"missing_or_extra_rows": only, "different_values": diff}
    return {"same": not problems, "rows": len(a), "problems": problems}


def run(scale: int = DEFAULT_SCALE, workdir: Path | None = None, skip_postgres: bool = False,
        say: Callable[[str], None] = print) -> dict[str, Any]:
    """Generate, import, measure and compare; return the report written to the JSON file."""
    import salesscope
    from salesscope.demo import write_demo_files

    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="salesscope-bench-"))
    ws_path, files = base / "ws", base / "files"
    out = base / "results"
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"scale": scale, "machine": _machine(), "steps": {}}
    reuse = (ws_path / "salesscope.yaml").exists()
    if not reuse:
        say(f"generating the demo data at scale {scale:,} ...")
        t0 = time.perf_counter()
        write_demo_files(files, scale=scale)
        report["generate_seconds"] = round(time.perf_counter() - t0, 2)
        salesscope.init(ws_path).close()
        say("importing ...")
        report["steps"]["import"] = _worker("import", ws_path, out / "import.parquet")
    with salesscope.open(ws_path, read_only=True) as ws:
        counts = ws.row_counts()
    report["rows"] = counts
    if "import" in report["steps"]:
        st = report["steps"]["import"]
        st["rows_per_second"] = round(sum(counts.values()) / st["seconds"])
    results: dict[str, pd.DataFrame] = {}
    tasks = ["engine", "engine_single", "engine_batch", "duckdb_sql", "pandas"]
    if _has_polars():
        tasks += ["engine_subset", "polars"]
    else:
        say("Polars is not installed: its contender is left out (pip install 'salesscope[test]')")
    for task in tasks:
        say(f"measuring {task} ...")
        report["steps"][task] = _worker(task, ws_path, out / f"{task}.parquet")
        results[task] = pd.read_parquet(out / f"{task}.parquet")
    if not skip_postgres:
        report["steps"].update(_postgres(ws_path, out, results, say))
    report["agreement"] = {t: compare(_reference(results, t), results[t]) for t in results
                           if t not in ("engine", "engine_single")}
    report["summary"] = _summary(report)
    return report


def _has_polars() -> bool:
    import importlib.util

    return importlib.util.find_spec("polars") is not None


def _reference(results: dict[str, pd.DataFrame], task: str) -> pd.DataFrame:
    """The engine's numbers a contender is checked against: the Polars reference and the engine's
    own request for its indicators compute a subset, checked against the engine's rows of it."""
    ref = results["engine"]
    if task in ("polars", "engine_subset"):
        from salesscope.bench.polars_ref import KPIS

        return ref[ref["kpi"].isin(KPIS)]
    return ref


def _postgres(ws_path: Path, out: Path, results: dict, say: Callable[[str], None]) -> dict[str, Any]:
    import salesscope
    from salesscope.backends import copy_to_postgres
    from salesscope.bench.pgserver import PgServer

    say("starting a throwaway PostgreSQL server and loading the data ...")
    server = PgServer().start()
    try:
        cfg = server.create_database("bench")
        t0 = time.perf_counter()
        with salesscope.open(ws_path, read_only=True) as ws:
            copy_to_postgres(ws, cfg)
        load = time.perf_counter() - t0
        say("measuring postgres ...")
        step = _worker("postgres", ws_path, out / "postgres.parquet", cfg.model_dump(by_alias=True))
        step["load_seconds"] = round(load, 2)
        results["postgres"] = pd.read_parquet(out / "postgres.parquet")
        return {"postgres": step}
    finally:
        server.stop()


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    s = report["steps"]
    eng = s["engine"]["seconds"]
    out: dict[str, Any] = {"engine_seconds": round(eng, 3)}
    if "pandas" in s:
        out["speedup_vs_pandas"] = round(s["pandas"]["seconds"] / eng, 2)
    if "postgres" in s:
        out["speedup_vs_postgres"] = round(s["postgres"]["seconds"] / eng, 2)
    out["ratio_to_duckdb_sql"] = round(eng / s["duckdb_sql"]["seconds"], 2)
    if "polars" in s:  # the same six indicators by month x channel x rep
        out["subset_ratio_to_polars"] = round(s["engine_subset"]["seconds"] / s["polars"]["seconds"], 2)
    out["peak_memory_bytes"] = s["engine"]["peak_rss"]
    if "import" in s:
        out["import_seconds"] = round(s["import"]["seconds"], 2)
    met = {}
    for k, v in out.items():
        target = TARGETS.get(k)
        if target is not None:
            higher = k.startswith("speedup")
            met[k] = {"target": target, "met": v >= target if higher else v <= target}
    out["targets"] = met
    out["all_agree"] = all(a["same"] for a in report["agreement"].values())
    return out


def _machine() -> dict[str, Any]:
    import os
    import platform

    import psutil

    return {"cpus": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total,
            "python": platform.python_version(), "platform": platform.platform()}

"""``salesscope bench``: generation, import, the 15 indicators through the engine, and the alternatives.

Each contender runs in its own process (time and peak memory are its own) on the same workspace:
the engine on DuckDB, the engine on PostgreSQL and on a local Spark standalone cluster, plain
pandas, and hand-written DuckDB SQL. Their numbers are checked against the engine's before any
time is reported. Every step's measurement is kept in the benchmark's folder, so a run given the
same folder again resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from salesscope.errors import SalesScopeError

DEFAULT_SCALE = 10_000_000
TARGETS = {"engine_seconds": 10.0, "speedup_vs_pandas": 5.0, "speedup_vs_postgres": 5.0,
           "ratio_to_duckdb_sql": 2.0, "subset_ratio_to_polars": 1.0, "peak_memory_bytes": 4 * 1024**3, "import_seconds": 60.0,
           "import_ratio_to_read_files": 3.0}
# The contenders whose numbers are compared with the engine's, in the order they run.
CONTENDERS = ("engine", "engine_single", "engine_batch", "duckdb_sql", "pandas", "engine_subset", "polars",
              "postgres", "spark_cluster")
# Steps that can be left out (``--skip``); ``spark_cluster`` runs only when asked for. ``read_files``
# is the import's baseline: DuckDB's own reader of the same files into a new store, nothing checked.
STEPS = ("import", "read_files", *CONTENDERS)
LOADS = {"postgres": "postgres_load", "spark_cluster": "spark_load"}


class Sampler:
    """Peak resident memory of some process trees together, sampled every ``interval`` seconds
    (a contender's process and its children, plus the server processes of its engine); and the
    CPU seconds the processes other than the contender's own spent meanwhile (``helpers_cpu``):
    its engine's servers (PostgreSQL's backends and parallel workers, a Spark cluster's master,
    workers and executors) and its children still running when it ends (a Spark driver's JVM)."""

    def __init__(self, pids: Iterable[int], interval: float = 0.25) -> None:
        import psutil

        self.roots = [psutil.Process(p) for p in pids]
        self.interval, self.peak = interval, 0
        self._children_cpu = 0.0  # the contender's children's, at their last sample
        self._servers_cpu0 = 0.0
        self.helpers_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(root: Any) -> list:
        import psutil

        try:
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def _total(self) -> int:
        import psutil

        total = 0
        for root in self.roots:
            for p in self._tree(root):
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        return total

    def _servers_cpu(self) -> float:
        """CPU seconds of the servers' trees so far, with their children that have ended."""
        import psutil

        total = 0.0
        for root in self.roots[1:]:
            for p in self._tree(root):
                try:
                    t = p.cpu_times()
                    total += t.user + t.system + t.children_user + t.children_system
                except psutil.Error:
                    pass
        return total

    def _live_children_cpu(self) -> float:
        import psutil

        total = 0.0
        for p in self._tree(self.roots[0])[1:]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._children_cpu = max(self._children_cpu, self._live_children_cpu())
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:
        self._servers_cpu0 = self._servers_cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.helpers_cpu = self._servers_cpu() - self._servers_cpu0 + self._children_cpu


def _worker(task: str, ws: Path, out: Path, options: dict | None = None, servers: Iterable[int] = (),
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one step in its own process; its own peak memory, and with its servers' (``peak_rss_all``)."""
    cmd = [sys.executable, "-m", "salesscope.bench.worker", task, str(ws), str(out)]
    if options:
        cmd.append(json.dumps(options))
    log = out.with_suffix(".log")
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                env={**os.environ, **(env or {})})
        with Sampler([proc.pid, *servers]) as sampler:
            stdout, _ = proc.communicate()
    if proc.returncode != 0:
        raise SalesScopeError(f"benchmark step {task!r} failed:\n{log.read_text(errors='replace')[-3000:]}")
    step = json.loads(stdout.strip().splitlines()[-1])
    step["peak_rss_all"] = max(sampler.peak, step["peak_rss"])
    step["helpers_cpu_seconds"] = round(sampler.helpers_cpu, 2)
    return step


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


class _Steps:
    """The measured steps of one benchmark folder, kept as JSON files so a run can resume."""

    def __init__(self, out: Path, say: Callable[[str], None]) -> None:
        self.out, self.say = out, say

    def measure(self, task: str, ws: Path, **kw: Any) -> dict[str, Any]:
        done = self.out / f"{task}.json"
        if done.exists():
            step = json.loads(done.read_text())
            self.say(f"{task}: measured before, {_line(step)}")
            return step
        self.say(f"{task} ...")
        step = _worker(task, ws, self.out / f"{task}.parquet", **kw)
        step["load_average"] = round(os.getloadavg()[0], 1)
        done.write_text(json.dumps(step))
        self.say(f"{task}: {_line(step)}")
        return step


def _line(step: dict[str, Any]) -> str:
    cpu = f" ({step['cpu_seconds']:.1f} s CPU)" if step.get("cpu_seconds") is not None else ""
    if step.get("helpers_cpu_seconds"):
        cpu += f" + {step['helpers_cpu_seconds']:.1f} s CPU in its servers and helpers"
    return (f"{step['seconds']:.2f} s{cpu}, peak {step['peak_rss'] / 2**20:,.0f} MB "
            f"({step['peak_rss_all'] / 2**20:,.0f} MB with its servers), load {step.get('load_average', '?')}")


def run(scale: int = DEFAULT_SCALE, workdir: Path | None = None, skip: Iterable[str] = (),
        spark_cluster: bool = False, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Generate, import, measure and compare; return the report written to the JSON file.

    ``skip`` names steps of :data:`STEPS` to leave out; the Spark cluster runs only with
    ``spark_cluster``. A folder that holds an earlier run's data and measurements is reused.
    """
    skip = set(skip) | (set() if spark_cluster else {"spark_cluster"})
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="salesscope-bench-"))
    ws_path, out = base / "ws", base / "results"
    out.mkdir(parents=True, exist_ok=True)

    def note(message: str) -> None:
        say(f"{time.strftime('%H:%M:%S')} [{scale:,}] {message}")

    steps = _Steps(out, note)
    report: dict[str, Any] = {"scale": scale, "machine": _machine(), "steps": {}}
    if not (ws_path / "salesscope.yaml").exists() or (out / "generate.json").exists():
        report["generate"] = steps.measure("generate", base, options={"scale": scale})
    for task in ("import", "read_files"):
        if task not in skip:
            report["steps"][task] = steps.measure(task, ws_path)
    if not (ws_path / "salesscope.yaml").exists():
        report["summary"] = _summary(report)  # generated only: nothing imported to measure
        return report
    import salesscope

    with salesscope.open(ws_path, read_only=True) as ws:
        counts = ws.row_counts()
    report["rows"] = counts
    if "import" in report["steps"]:
        st = report["steps"]["import"]
        st["rows_per_second"] = round(sum(counts.values()) / st["seconds"])
    results: dict[str, pd.DataFrame] = {}
    with ExitStack() as servers:
        for task in CONTENDERS:
            if task in skip:
                continue
            if task in ("engine_subset", "polars") and not _has_polars():
                note("Polars is not installed: its contender is left out (pip install 'salesscope[test]')")
                continue
            kw: dict[str, Any] = {}
            if task in LOADS:
                kw = _engine(task, base, servers, note, keep=workdir is not None)
                if task == "postgres" and not kw.pop("loaded"):
                    (out / f"{LOADS[task]}.json").unlink(missing_ok=True)  # its tables are not there
                report.setdefault("loads", {})[task] = steps.measure(LOADS[task], ws_path, **kw)
            report["steps"][task] = steps.measure(task, ws_path, **kw)
            results[task] = pd.read_parquet(out / f"{task}.parquet")
    if "engine" in results:
        report["agreement"] = {t: compare(_reference(results, t), results[t]) for t in results
                               if t not in ("engine", "engine_single")}
    else:
        report["agreement"] = {}
    report["load_average"] = [round(x, 1) for x in os.getloadavg()]
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


def _engine(task: str, base: Path, servers: ExitStack, say: Callable[[str], None], *, keep: bool
            ) -> dict[str, Any]:
    """Start the engine a contender needs (stopped when ``servers`` closes); how its steps reach it.

    With ``keep`` (a benchmark folder given), PostgreSQL's data is kept in ``base/postgres``, so a
    run that resumes finds the tables an earlier run loaded (``loaded``); delete that folder to
    free its disk. Otherwise the server is a throwaway.
    """
    if task == "postgres":
        from salesscope.bench.pgserver import PgServer

        folder = base / "postgres" if keep else None
        kept = folder is not None and (folder / "data" / "PG_VERSION").exists()
        say(f"starting a PostgreSQL 15 server ({folder or 'throwaway'}) ...")
        pg = PgServer(folder).start()
        servers.callback(pg.stop)
        loaded = kept and _has_database(pg, "bench")
        cfg = pg.database("bench") if loaded else pg.create_database("bench")
        return {"options": cfg.model_dump(by_alias=True), "servers": pg.pids(), "loaded": loaded}
    from salesscope.bench.sparkcluster import SparkCluster

    say("starting a Spark standalone cluster (a master and two workers) ...")
    cluster = SparkCluster(workers=SPARK_WORKERS, cores=1, memory=SPARK_WORKER_MEMORY).start()
    servers.callback(cluster.stop)
    options = {"kind": "spark", "master": cluster.url, "warehouse": str(base / "warehouse"), "database": "sales"}
    return {"options": options, "servers": [p.pid for p in cluster.processes], "env": SPARK_SUBMIT}


def _has_database(pg: Any, name: str) -> bool:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres") as con:
        return con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


# Each worker's executor gets most of its worker's memory; the driver collects small results.
SPARK_WORKERS = 2
SPARK_WORKER_MEMORY = "6g"
SPARK_SUBMIT = {"PYSPARK_SUBMIT_ARGS": "--driver-memory 2g --executor-memory 5g pyspark-shell",
                "SPARK_LOCAL_IP": "127.0.0.1"}


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    s = report["steps"]
    out: dict[str, Any] = {}
    if "engine" in s:
        eng = s["engine"]["seconds"]
        out["engine_seconds"] = round(eng, 3)
        for name in ("pandas", "postgres", "spark_cluster"):
            if name in s:
                out[f"speedup_vs_{name}"] = round(s[name]["seconds"] / eng, 2)
        if "duckdb_sql" in s:
            out["ratio_to_duckdb_sql"] = round(eng / s["duckdb_sql"]["seconds"], 2)
        if "polars" in s and "engine_subset" in s:  # the same six indicators by month x channel x rep
            out["subset_ratio_to_polars"] = round(s["engine_subset"]["seconds"] / s["polars"]["seconds"], 2)
        out["peak_memory_bytes"] = s["engine"]["peak_rss"]
    if "import" in s:
        out["import_seconds"] = round(s["import"]["seconds"], 2)
        if "read_files" in s:  # wall time, and CPU time (what a loaded machine distorts least)
            out["import_ratio_to_read_files"] = round(s["import"]["seconds"] / s["read_files"]["seconds"], 2)
            out["import_cpu_ratio_to_read_files"] = round(
                s["import"]["cpu_seconds"] / max(s["read_files"]["cpu_seconds"], 0.01), 2)
    met = {}
    for k, v in out.items():
        target = TARGETS.get(k)
        if target is not None:
            higher = k.startswith("speedup")
            met[k] = {"target": target, "met": v >= target if higher else v <= target}
    out["targets"] = met
    out["all_agree"] = all(a["same"] for a in report.get("agreement", {}).values())
    return out


def _machine() -> dict[str, Any]:
    import platform

    import psutil

    return {"cpus": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total,
            "python": platform.python_version(), "platform": platform.platform()}

"""One benchmark contender in its own process, so its time and peak memory are its own.

``python -m salesscope.bench.worker TASK WORKSPACE OUT.parquet [OPTIONS_JSON]`` prints one JSON
line: seconds, peak resident memory in bytes, and rows written. The options are the engine's
backend config, or for ``generate`` the scale (WORKSPACE is then the benchmark's folder).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd


def _months(ws) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """The engine's months (data range), plus the two before and one after it reads for comparisons."""
    parts = [f"SELECT min({c})::DATE AS lo, max({c})::DATE AS hi FROM {t}" for t, c in (
        ("activities", "occurred_at"), ("leads", "created_at"), ("opportunities", "created_at"),
        ("customers", "acquired_at"), ("time_log", "day"))]
    lo, hi = ws.duckdb.execute(f"SELECT min(lo), max(hi) FROM ({' UNION ALL '.join(parts)})").fetchone()
    in_range = pd.date_range(pd.Timestamp(lo).to_period("M").to_timestamp(),
                             pd.Timestamp(hi).to_period("M").to_timestamp(), freq="MS")
    months = pd.date_range(in_range[0] - pd.DateOffset(months=2), in_range[-1] + pd.DateOffset(months=1), freq="MS")
    return months, in_range


def engine(ws) -> pd.DataFrame:
    """The 15 indicators through the engine, each at the finest breakdown it supports."""
    frames = []
    for dims, ids in ws.model.agreement_levels().items():
        df = ws.kpis(list(ids), grain="month", by=list(dims) or None)
        frames.append(df[df["value"].notna()].rename(columns={"period_start": "month"})
                      [["kpi", "month", *dims, "value"]])
    return pd.concat(frames, ignore_index=True)


def engine_single(ws) -> pd.DataFrame:
    """The one request ``ws.kpis(None, by=["channel", "rep"])`` as a user would first type it."""
    df = ws.kpis(None, grain="month", by=["channel", "rep"])
    return df[df["value"].notna()].rename(columns={"period_start": "month"})[["kpi", "month", "channel", "rep", "value"]]


def engine_batch(ws) -> pd.DataFrame:
    """The same requests twice in one :meth:`~salesscope.workspace.Workspace.sharing` batch, as
    advice, reports and each web request ask: the second pass reads only the batch's aggregates,
    and its numbers are the ones compared."""
    with ws.sharing():
        engine(ws)
        return engine(ws)


def engine_subset(ws) -> pd.DataFrame:
    """The indicators the Polars reference computes, by month x channel x rep, in one request."""
    from salesscope.bench.polars_ref import KPIS

    df = ws.kpis(list(KPIS), grain="month", by=["channel", "rep"])
    return df[df["value"].notna()].rename(columns={"period_start": "month"})[["kpi", "month", "channel", "rep", "value"]]


def _files(ws: str) -> list[Path]:
    """The generated files the import reads (beside the workspace)."""
    return sorted(p for p in (Path(ws).parent / "files").iterdir() if p.suffix in (".parquet", ".csv"))


def read_files(files: list[Path], store: Path) -> None:
    """The import's baseline: DuckDB's own reader of the same files into a new store on disk, one
    table per table the files feed, in one transaction, nothing checked; the store is removed."""
    import duckdb

    from salesscope.ingest.mapping import table_for_name

    tables: dict[str, list[str]] = {}
    for p in files:
        target = table_for_name(p.name)
        assert target is not None, p
        tables.setdefault(target.value, []).append(str(p))
    store.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(store))
        con.execute("BEGIN TRANSACTION")
        for name, paths in tables.items():
            reader = "read_parquet(?)" if paths[0].endswith(".parquet") else "read_csv(?, header=true)"
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {reader}', [paths])
        con.execute("COMMIT")
        con.close()
    finally:
        store.unlink(missing_ok=True)
        Path(f"{store}.wal").unlink(missing_ok=True)


def run(task: str, path: str, options: dict | None) -> pd.DataFrame | None:
    import salesscope
    from salesscope.config import BackendConfig

    if task == "generate":
        from salesscope.demo import write_demo_files

        write_demo_files(Path(path) / "files", scale=(options or {})["scale"])
        return None
    if task == "import":
        from salesscope.ingest import import_files

        if not (Path(path) / "salesscope.yaml").exists():
            salesscope.init(path).close()
        ws = salesscope.open(path)
        import_files(ws, _files(path), progress=False)
        return None
    if task == "read_files":
        read_files(_files(path), Path(path).parent / "read_files.duckdb")
        return None
    ws = salesscope.open(path, read_only=True)
    cfg = BackendConfig.model_validate(options) if options else None
    if task == "postgres_load":
        from salesscope.backends import copy_to_postgres

        assert cfg is not None
        copy_to_postgres(ws, cfg)
        return None
    if task == "spark_load":
        from salesscope.backends import export_parquet

        assert cfg is not None and cfg.warehouse
        export_parquet(ws, Path(cfg.warehouse), cfg.database)
        return None
    if cfg:
        from salesscope.backends import use_backend

        use_backend(ws, cfg)
    if task in ("engine", "postgres", "spark_cluster"):
        return engine(ws)
    if task == "engine_single":
        return engine_single(ws)
    if task == "engine_batch":
        return engine_batch(ws)
    if task == "engine_subset":
        return engine_subset(ws)
    months, in_range = _months(ws)
    if task == "pandas":
        from salesscope.bench import pandas_ref

        return pandas_ref.compute(pandas_ref.load(ws.duckdb), months, in_range, ws.config.gross_margin)
    if task == "duckdb_sql":
        from salesscope.bench import duckdb_sql

        return duckdb_sql.compute(ws.duckdb, months, in_range, ws.config.gross_margin)
    if task == "polars":
        from salesscope.bench import polars_ref

        return polars_ref.compute(polars_ref.load(ws.duckdb), months, in_range)
    raise SystemExit(f"unknown task {task!r}")


def _peak_rss() -> int:
    """This process's peak resident memory. ru_maxrss would carry the parent's peak over exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its children: on a busy machine, what an
    idle machine's wall time approaches (servers' own CPU time is not counted)."""
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def _await_executors(session, n: int, timeout: float = 300.0) -> None:
    """Wait until ``n`` executors have registered with the driver (each worker starts one for
    the session, in its own JVM): a notebook's session is up and running when a user asks."""
    status = session.sparkContext._jsc.sc()
    deadline = time.monotonic() + timeout
    while status.getExecutorMemoryStatus().size() - 1 < n and time.monotonic() < deadline:  # less the driver
        time.sleep(0.5)


def main() -> None:
    task, path, out = sys.argv[1:4]
    options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
    # Module imports (scipy, Ibis, pandas) are a once-per-process cost, as in a running server or
    # notebook: they happen before the clock starts, for every contender alike.
    import salesscope.bench.duckdb_sql  # noqa: F401
    import salesscope.bench.pandas_ref  # noqa: F401
    if task == "polars":
        import polars  # noqa: F401
    import salesscope.engine.compute  # noqa: F401
    import salesscope.ingest  # noqa: F401

    if options and options.get("kind") == "spark" and task != "spark_load":
        # Like a running notebook: the driver's session (its JVM) is up before the clock starts.
        from salesscope.backends import spark_session
        from salesscope.bench import SPARK_WORKERS
        from salesscope.config import BackendConfig

        _await_executors(spark_session(BackendConfig.model_validate(options)), SPARK_WORKERS)
    t0, c0 = time.perf_counter(), _cpu()
    df = run(task, path, options)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    if df is not None:
        df.to_parquet(out)
    peak = _peak_rss()
    print(json.dumps({"task": task, "seconds": seconds, "cpu_seconds": round(cpu, 2), "peak_rss": peak,
                      "rows": 0 if df is None else len(df)}))


if __name__ == "__main__":
    main()

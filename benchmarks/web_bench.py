"""Overview and advice latency on the demo workspace, and what a cold request costs the others.

Run: .venv/bin/python benchmarks/web_bench.py [--requests 200] [--scale 20000]
Builds a throwaway demo workspace (demo files through the importer), logs in with an API token and
times, through the real app (ASGI, in process), as after a server start:
- what ``salesscope serve`` computes before it listens (where the tree does), then the first
  GET /api/v1/overview, asked at once (kept, computed, or joining the computation in advance);
- how long the server takes to compute the default views in advance (``salesscope serve`` does
  it after a start and after every import; a tree without it reports nothing), then the first
  GET /api/v1/advice (a user's first visit once that is done);
- the first request of three other views (computed), then p50/p95 over repeated requests from
  the cache the last import keys, which is what users hit;
- a cached overview asked again and again while another user's cold advice (a view nobody asked
  for before) computes beside it, against the same cached overview asked alone;
- the same while an admin previews an import of the demo's activities as a CSV export (the
  import checked on a copy of the store, nothing written).
Give PYTHONPATH=OLD/src to measure another tree with the same script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import salesscope
from salesscope.demo import write_demo_files
from salesscope.ingest import import_files


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--scale", type=int, default=None, help="demo activities (default: the demo's own)")
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from salesscope.web import app as web_app
    from salesscope.web import create_app

    sys.setswitchinterval(getattr(web_app, "SWITCH_INTERVAL", sys.getswitchinterval()))  # as `serve`

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ws = salesscope.init(Path(tmp) / "ws")
        files = write_demo_files(Path(tmp) / "files", scale=args.scale, today=dt.date(2026, 4, 15))
        import_files(ws, files, progress=False)
        print(f"demo workspace: {sum(ws.row_counts().values()):,} rows in {time.perf_counter() - t0:.1f} s")
        app = create_app(ws, announce=lambda _msg: None)
        token = app.state.users.new_token("admin", "bench")
        headers = {"Authorization": f"Bearer {token}"}
        try:  # what `salesscope serve` does after a start, where the tree has it
            from salesscope.web.warm import Warmer
        except ImportError:
            Warmer = None  # noqa: N806
        with TestClient(app) as client:
            views = ["", "?grain=quarter", "?grain=week&calendar=jalali", "?from=2025-10-01&to=2026-03-31"]
            started = time.perf_counter()
            warmer, before_listening = None, None
            if Warmer is not None:
                warmer = app.state.warmer = Warmer(app.state.service)
                if hasattr(warmer, "first"):  # `serve` listens once this is computed
                    warmer.first()
                    before_listening = time.perf_counter() - started
                warmer.start()
            t = time.perf_counter()
            r = client.get("/api/v1/overview", headers=headers)
            first = (time.perf_counter() - t) * 1000
            assert r.status_code == 200 and len(r.json()["cards"]) == 15, r.text
            warm_s = None
            if warmer is not None:
                warmer.idle.wait()
                warm_s = time.perf_counter() - started
            t = time.perf_counter()
            r = client.get("/api/v1/advice", headers=headers)
            first_advice = (time.perf_counter() - t) * 1000
            assert r.status_code == 200, r.text
            cold = []
            for v in views[1:]:
                t = time.perf_counter()
                r = client.get(f"/api/v1/overview{v}", headers=headers)
                cold.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200 and len(r.json()["cards"]) == 15, r.text
            times = []
            for i in range(args.requests):
                t = time.perf_counter()
                r = client.get(f"/api/v1/overview{views[i % len(views)]}", headers=headers)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            cold_advice, beside_cold = cold_beside_cached(client, headers, views[0])
            csv = activities_csv(files, Path(tmp) / "export")
            csv_mb = csv.stat().st_size / 2**20
            previewed, beside_preview = beside_a_preview(client, headers, views[0], csv)
            if warmer is not None:
                warmer.stop()
        ws.close()
    if before_listening is not None:
        print(f"computed before the server listens (the catalogue, the widest scope's overview): "
              f"{before_listening:.1f} s")
    print(f"first overview, asked at once after the start: {first:.0f} ms")
    if warm_s is not None:
        print(f"default views of every scope computed in advance after {warm_s:.1f} s")
    print(f"first advice{' (after that)' if warm_s is not None else ''}: {first_advice:.0f} ms")
    print(f"first request of three other views (computed): {', '.join(f'{c:.0f}' for c in cold)} ms")
    print(f"overview x{args.requests}: p50 {statistics.median(times):.1f} ms, "
          f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms")
    print(f"cold advice by quarter (computed): {cold_advice:.0f} ms")
    alone = times[::len(views)]
    print(f"cached overview beside a cold advice request: p50 {statistics.median(beside_cold):.1f} ms, "
          f"p95 {percentile(beside_cold, 95):.1f} ms, max {max(beside_cold):.1f} ms over {len(beside_cold)} requests "
          f"(alone: p50 {statistics.median(alone):.1f} ms, p95 {percentile(alone, 95):.1f} ms)")
    print(f"import preview of {csv_mb:.0f} MB of activities (CSV): {previewed:.0f} ms; "
          f"cached overview meanwhile: p50 {statistics.median(beside_preview):.1f} ms, "
          f"p95 {percentile(beside_preview, 95):.1f} ms, max {max(beside_preview):.1f} ms "
          f"over {len(beside_preview)} requests")
    print("load average at the end: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


def cold_beside_cached(client, headers: dict[str, str], view: str) -> tuple[float, list[float]]:
    """A cold advice request's time (by quarter: nobody asked for it before), and the times of a
    cached overview asked meanwhile."""
    return beside(client, headers, view, lambda: client.get("/api/v1/advice?grain=quarter", headers=headers))


def activities_csv(files: list[Path], folder: Path) -> Path:
    """The demo's activities as a CRM would export them: a CSV file."""
    import duckdb

    source = next(f for f in files if f.stem == "activities")
    folder.mkdir()
    out = folder / "activities.csv"
    duckdb.sql(f"COPY (SELECT * FROM read_parquet('{source}')) TO '{out}' (HEADER)")
    return out


def beside_a_preview(client, headers: dict[str, str], view: str, csv: Path) -> tuple[float, list[float]]:
    """An import preview's time, and the times of a cached overview asked meanwhile."""
    def preview():
        with csv.open("rb") as f:
            return client.post("/api/v1/imports/preview", headers=headers,
                               files={"files": (csv.name, f, "text/csv")})

    return beside(client, headers, view, preview)


def beside(client, headers: dict[str, str], view: str, request) -> tuple[float, list[float]]:
    """``request()``'s time in another thread, and the times of a cached overview asked meanwhile."""
    done = threading.Event()
    took: list[float] = []

    def run() -> None:
        t = time.perf_counter()
        r = request()
        took.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    times = []
    while not done.is_set():
        t = time.perf_counter()
        r = client.get(f"/api/v1/overview{view}", headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    worker.join()
    return took[0], times


if __name__ == "__main__":
    main()

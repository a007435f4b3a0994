"""Overview and advice latency on the demo workspace, and what a cold request costs the others.

Run: .venv/bin/python benchmarks/web_bench.py [--requests 200] [--scale 20000]
Builds a throwaway demo workspace (demo files through the importer), logs in with an API token and
times, through the real app (ASGI, in process): GET /api/v1/overview, first (computed) and then
p50/p95 over repeated requests from the cache the last import keys, which is what users hit; the
first GET /api/v1/advice; and a cached overview asked again and again while another user's cold
advice computes beside it, against the same cached overview asked alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
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

    from salesscope.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ws = salesscope.init(Path(tmp) / "ws")
        files = write_demo_files(Path(tmp) / "files", scale=args.scale, today=dt.date(2026, 4, 15))
        import_files(ws, files, progress=False)
        print(f"demo workspace: {sum(ws.row_counts().values()):,} rows in {time.perf_counter() - t0:.1f} s")
        app = create_app(ws, announce=lambda _msg: None)
        token = app.state.users.new_token("admin", "bench")
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(app) as client:
            views = ["", "?grain=quarter", "?grain=week&calendar=jalali", "?from=2025-10-01&to=2026-03-31"]
            cold = []
            for v in views:
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
            first_advice, beside = cold_beside_cached(client, headers, views[0])
        ws.close()
    print(f"cold (first request per view, computed): {', '.join(f'{c:.0f}' for c in cold)} ms")
    print(f"overview x{args.requests}: p50 {statistics.median(times):.1f} ms, "
          f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms")
    print(f"first advice (computed): {first_advice:.0f} ms")
    alone = times[::len(views)]
    print(f"cached overview beside a cold advice request: p50 {statistics.median(beside):.1f} ms, "
          f"p95 {percentile(beside, 95):.1f} ms, max {max(beside):.1f} ms over {len(beside)} requests "
          f"(alone: p50 {statistics.median(alone):.1f} ms, p95 {percentile(alone, 95):.1f} ms)")


def cold_beside_cached(client, headers: dict[str, str], view: str) -> tuple[float, list[float]]:
    """The first advice request's time, and the times of a cached overview asked meanwhile."""
    done = threading.Event()
    took: list[float] = []

    def advise() -> None:
        t = time.perf_counter()
        r = client.get("/api/v1/advice", headers=headers)
        took.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text
        done.set()

    worker = threading.Thread(target=advise)
    worker.start()
    beside = []
    while not done.is_set():
        t = time.perf_counter()
        r = client.get(f"/api/v1/overview{view}", headers=headers)
        beside.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    worker.join()
    return took[0], beside


if __name__ == "__main__":
    main()

"""Overview endpoint latency on the demo workspace: p50/p95 over repeated authenticated requests.

Run: .venv/bin/python benchmarks/web_bench.py [--requests 200] [--scale 20000]
Builds a throwaway demo workspace (demo files through the importer), logs in with an API token and
times GET /api/v1/overview through the real app (ASGI, in process). The first request computes
the indicators; later ones come from the cache the last import keys, which is what users hit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
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
        ws.close()
    print(f"cold (first request per view, computed): {', '.join(f'{c:.0f}' for c in cold)} ms")
    print(f"overview x{args.requests}: p50 {statistics.median(times):.1f} ms, "
          f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms (target p95 < 300 ms)")


if __name__ == "__main__":
    main()

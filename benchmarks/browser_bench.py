"""The dashboard's first overview in a browser: Debian's Chromium driven through Playwright.

Run: .venv/bin/python benchmarks/browser_bench.py [--scale 20000] [--visits 3]
Builds a throwaway demo workspace and serves it on 127.0.0.1 (uvicorn, in process) as
``salesscope serve`` does: where the tree computes the default views in advance, the bench waits
for that first (and says how long it took). Then, in a fresh browser (nothing cached), it signs in
through the login page onto the settings page and times, from the navigation to "/" until the
overview is drawn (its fifteen cards and their charts): the first visit (the chart library and
the scripts downloaded), then ``--visits`` more (from the browser's cache).
Give PYTHONPATH=OLD/src to measure another tree with the same script.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import salesscope
from salesscope.demo import write_demo_files
from salesscope.ingest import import_files

DRAWN = ("() => document.querySelector('main[aria-busy=false] .cards') !== null"
         " && document.querySelectorAll('.cards .card').length === 15")
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def visit(page) -> float:
    """Seconds from asking for the overview until its cards and charts are drawn."""
    t = time.perf_counter()
    page.goto("/")
    page.wait_for_function(DRAWN, timeout=600_000)
    page.evaluate(TWO_FRAMES)  # the charts are drawn on the next animation frame
    return time.perf_counter() - t


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """uvicorn on 127.0.0.1 and a free port, serving ``app``, as ``salesscope serve`` runs it."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=None, help="demo activities (default: the demo's own)")
    ap.add_argument("--visits", type=int, default=3, help="visits after the first")
    args = ap.parse_args()

    from salesscope.report.pdf import browser
    from salesscope.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        ws = salesscope.init(Path(tmp) / "ws")
        files = write_demo_files(Path(tmp) / "files", scale=args.scale, today=dt.date(2026, 4, 15))
        import_files(ws, files, progress=False)
        said: list[str] = []
        app = create_app(ws, announce=said.append)
        password = said[0].split(": ", 1)[1].split()[0]
        try:
            from salesscope.web.warm import Warmer
        except ImportError:
            Warmer = None  # noqa: N806
        with serve(app) as url, browser() as chromium:
            warm_s = None
            if Warmer is not None:
                started = time.perf_counter()
                warmer = app.state.warmer = Warmer(app.state.service)
                warmer.start()
                warmer.idle.wait()
                warm_s = time.perf_counter() - started
            ctx = chromium.new_context(viewport={"width": 1360, "height": 900}, base_url=url)
            page = ctx.new_page()
            page.goto("/login?next=/settings")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda u: "/settings" in u)
            first = visit(page)
            again = [visit(page) for _ in range(args.visits)]
            ctx.close()
            if Warmer is not None:
                warmer.stop()
        ws.close()
    if warm_s is not None:
        print(f"default views computed in advance after the start: {warm_s:.1f} s")
    print(f"first overview in a fresh browser: {first:.2f} s")
    print(f"later visits (browser cache): median {statistics.median(again):.2f} s, "
          f"max {max(again):.2f} s over {len(again)}")
    print("load average at the end: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()

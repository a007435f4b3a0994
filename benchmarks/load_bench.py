"""Load test: many concurrent users on the overview and indicator endpoints of a real server.

Run: .venv/bin/python benchmarks/load_bench.py [--users 50] [--duration 60] [--scale 20000]
     [--workspace PATH] [--json]

Builds a throwaway demo workspace (or uses --workspace), starts ``salesscope serve`` on a free
port of 127.0.0.1 in its own process, asks every view once per role, waits until the server is
quiet (it computes the default views in the background), then lets ``--users`` simulated users
(asyncio, in this process, each on its own keep-alive HTTP/1.1 connection) call the dashboard's
endpoints as an admin, a manager and a rep for ``--duration`` seconds, each waiting for its
answer before asking again. Reports requests, throughput, p50/p95/p99/max latency, the CPU time
the server and this load client used meanwhile (they share the machine's cores), the load
average, and every error; exits with status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

# What a dashboard user's browser asks for: the overview, indicator pages, the funnel.
ENDPOINTS = [
    ("/api/v1/overview", {}),
    ("/api/v1/overview", {"grain": "quarter"}),
    ("/api/v1/indicators", {"ids": "win_rate,avg_deal_size", "grain": "month"}),
    ("/api/v1/indicators", {"ids": "lgr,rrroi", "grain": "month", "by": "channel"}),
    ("/api/v1/indicators", {"ids": "sales_velocity", "grain": "quarter", "by": "rep"}),
    ("/api/v1/funnel", {"grain": "quarter"}),
]
ROLES = {"admin": ("bench-admin", "admin", None, None), "manager": ("bench-manager", "manager",
         "North", None), "rep": ("bench-rep", "rep", None, "R01")}


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    by_endpoint: dict[str, list[float]] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def quiet(pid: int, timeout: float = 600) -> None:
    """Wait until the process uses under a tenth of a core for a whole second."""
    import psutil

    process, end = psutil.Process(pid), time.monotonic() + timeout
    while process.cpu_percent(interval=1.0) > 10 and time.monotonic() < end:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(workspace: Path | None, scale: int, tmp: Path) -> tuple[Path, dict[str, str]]:
    """A workspace with one bench user per role; their API tokens."""
    import salesscope
    from salesscope.web import create_app

    if workspace is None:
        from salesscope.demo import write_demo_files
        from salesscope.ingest import import_files

        workspace = tmp / "ws"
        ws = salesscope.init(workspace)
        files = write_demo_files(tmp / "files", scale=scale, today=dt.date(2026, 4, 15))
        import_files(ws, files, progress=False)
    else:
        ws = salesscope.open(workspace)
    app = create_app(ws, announce=lambda _msg: None)
    users, tokens = app.state.users, {}
    for role, (name, kind, team, rep) in ROLES.items():
        if users.get(name) is None:
            users.create(name, f"{name}-password-1", kind, team=team, rep_id=rep)
        tokens[role] = users.new_token(name, "load bench")
    ws.close()
    return workspace, tokens


def start_server(workspace: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ)
    src = Path(__file__).resolve().parents[1] / "src"
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    out = log.open("w")
    return subprocess.Popen([sys.executable, "-c", "from salesscope.cli import main; main()",
                             "serve", "-w", str(workspace), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)


async def wait_ready(base: str, token: str, server: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base) as c:
        while time.monotonic() < end:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with status {server.returncode}")
            try:
                r = await c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
                if r.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


class Connection:
    """One user's keep-alive HTTP/1.1 connection, spoken directly over asyncio's streams.

    The load client shares the machine's cores with the server: httpx spent about 3 ms of CPU on
    each request, twice the server's own, so the latency measured was mostly the client's queue.
    This sends a prepared request and reads the status, the headers it needs and the body (by
    Content-Length, or chunked), about a tenth of that."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = (f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                     "Accept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str, timeout: float) -> tuple[int, bytes]:
        """``GET target``: the status and the body as sent (gzipped when the server chose to)."""
        return await asyncio.wait_for(self._get(target), timeout)

    async def _get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(b"GET " + target.encode() + b" HTTP/1.1\r\n" + self.head)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:] if line)}
        if b"content-length" in fields:
            body = await self.reader.readexactly(int(fields[b"content-length"]))
        elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
        if fields.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def user(k: int, base: str, token: str, until: float, stats: Stats,
               timeout: float, endpoints: list[tuple[str, dict]]) -> None:
    rnd = random.Random(k)
    address = urlsplit(base)
    conn = Connection(address.hostname or "127.0.0.1", address.port or 80, token)
    targets = [(path, f"{path}?{urlencode(params)}" if params else path) for path, params in endpoints]
    try:
        while time.monotonic() < until:
            path, target = rnd.choice(targets)
            t = time.perf_counter()
            try:
                status, body = await conn.get(target, timeout)
                took = time.perf_counter() - t
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as e:
                conn.close()
                stats.errors[f"{type(e).__name__} {path}"] += 1
                continue
            if status != 200 or not body:
                stats.errors[f"HTTP {status} {path}"] += 1
                continue
            stats.latencies.append(took)
            stats.by_endpoint.setdefault(path, []).append(took)
    finally:
        conn.close()


async def warm_up(base: str, tokens: dict[str, str], timeout: float,
                  endpoints: list[tuple[str, dict]]) -> None:
    for token in tokens.values():
        async with httpx.AsyncClient(base_url=base, timeout=timeout * 4,
                                     headers={"Authorization": f"Bearer {token}"}) as c:
            for path, params in endpoints:
                (await c.get(path, params=params)).raise_for_status()


async def load(base: str, tokens: dict[str, str], users: int, duration: float,
               timeout: float, endpoints: list[tuple[str, dict]]) -> tuple[Stats, float]:
    stats = Stats()
    roles = list(tokens)
    t = time.monotonic()
    await asyncio.gather(*(user(k, base, tokens[roles[k % len(roles)]], t + duration, stats,
                                timeout, endpoints) for k in range(users)))
    return stats, time.monotonic() - t


def run(*, users: int = 50, duration: float = 60, scale: int = 20_000,
        workspace: Path | None = None, timeout: float = 30,
        endpoints: list[tuple[str, dict]] | None = None, settle: bool = True) -> dict:
    """Run the whole benchmark; return the report as a dict (also used by the test suite).

    ``settle``: wait for the server's background warm-up to end before the load (without it,
    the users meet the warm-up's computations too)."""
    endpoints = endpoints or ENDPOINTS
    tmp = Path(tempfile.mkdtemp(prefix="salesscope-load-"))
    server = None
    try:
        ws_path, tokens = prepare(workspace, scale, tmp)
        port = free_port()
        log = tmp / "server.log"
        server = start_server(ws_path, port, log)
        base = f"http://127.0.0.1:{port}"
        asyncio.run(wait_ready(base, tokens["admin"], server))
        # Every view once per role first: the first request computes it (as after an import),
        # later ones are what dashboard users meet; the warm-up time is reported on its own.
        warm = time.monotonic()
        asyncio.run(warm_up(base, tokens, timeout, endpoints))
        warm = time.monotonic() - warm
        # `serve` computes every scope's default views in the background after its start: the
        # load begins once the server is quiet, so that it measures warm answers only.
        settle = time.monotonic()
        if settle:
            quiet(server.pid)
        settle = time.monotonic() - settle
        server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
        stats, took = asyncio.run(load(base, tokens, users, duration, timeout, endpoints))
        server_cpu, client_cpu = cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu
        lat = stats.latencies
        report = {
            "users": users, "warm_up_s": round(warm, 1), "settle_s": round(settle, 1), "duration_s": round(took, 1), "requests": len(lat),
            "errors": sum(stats.errors.values()), "error_kinds": dict(stats.errors),
            "throughput_rps": round(len(lat) / took, 1) if took else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1) if lat else None,
            "p95_ms": round(percentile(lat, 95) * 1000, 1) if lat else None,
            "p99_ms": round(percentile(lat, 99) * 1000, 1) if lat else None,
            "max_ms": round(max(lat) * 1000, 1) if lat else None,
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
            # CPU seconds each side used during the load: the client competes for the same cores.
            "server_cpu_s": round(server_cpu, 1), "client_cpu_s": round(client_cpu, 1),
            "server_cpu_ms_per_request": round(server_cpu / len(lat) * 1000, 2) if lat else None,
            "client_cpu_ms_per_request": round(client_cpu / len(lat) * 1000, 2) if lat else None,
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "per_endpoint_p95_ms": {p: round(percentile(v, 95) * 1000, 1)
                                    for p, v in stats.by_endpoint.items()},
        }
        server.terminate()
        server.wait(timeout=30)
        report["server_log"] = log.read_text(encoding="utf-8", errors="replace")
        report["tokens"] = list(tokens.values())
        return report
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--scale", type=int, default=20_000, help="demo activities")
    ap.add_argument("--workspace", type=Path, default=None,
                    help="an existing workspace (bench users are added to it)")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args()
    report = run(users=args.users, duration=args.duration, scale=args.scale,
                 workspace=args.workspace, timeout=args.timeout)
    report.pop("server_log")
    report.pop("tokens")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"warm-up (every view computed once per role): {report['warm_up_s']} s, "
              f"then {report['settle_s']} s until the server was quiet")
        print(f"{report['users']} users for {report['duration_s']} s: {report['requests']} "
              f"requests ({report['throughput_rps']}/s), {report['errors']} errors")
        print(f"latency p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, "
              f"p99 {report['p99_ms']} ms, max {report['max_ms']} ms")
        print(f"CPU during the load: server {report['server_cpu_s']} s "
              f"({report['server_cpu_ms_per_request']} ms a request), load client {report['client_cpu_s']} s "
              f"({report['client_cpu_ms_per_request']} ms a request); load average at the end "
              + " ".join(str(x) for x in report["load_average"]))
        for path, p95 in report["per_endpoint_p95_ms"].items():
            print(f"  {path}: p95 {p95} ms")
        for kind, n in report["error_kinds"].items():
            print(f"  error {kind}: {n}")
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()

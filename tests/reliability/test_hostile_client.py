"""One hostile user against a real server on loopback, for a bounded time: large bodies, distinct
expensive views and slow uploads. The server's memory stays bounded, the large bodies are refused
unread and the others keep being answered: their p95 stays under 300 ms, or on a machine busy
enough that their own p95 without the attacker (measured first, in the same run) is already high,
under three times that."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time

import httpx
import psutil
import pytest
from tests.reliability.test_load import load_bench

DURATION = 30.0  # seconds of attack; the whole test stays under a minute after the warm-up
BASELINE = 8.0  # seconds of the others alone, to know this machine's pace
RSS_LIMIT = 1.5 * 2**30
P95_TARGET_MS = 300.0


async def _distinct_views(base: str, token: str, until: float) -> int:
    """Day-grain views over ever different ranges: each one a new, large answer to cache."""
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=120) as c:
        start = dt.date(2024, 5, 1)
        while time.monotonic() < until:
            end = start + dt.timedelta(days=300 + sent)
            await c.get("/api/v1/indicators", params={"grain": "day", "from": start.isoformat(),
                                                      "to": end.isoformat(), "details": "true"},
                        headers={"Authorization": f"Bearer {token}"})
            sent += 1
    return sent


async def _large_bodies(base: str, token: str, until: float) -> list[int]:
    """57 MB bodies, anonymous and logged in: each must be refused without being read."""
    codes = []
    body = b"[" + b"1," * (28 * 2**20) + b"1]"
    async with httpx.AsyncClient(base_url=base, timeout=120) as c:
        while time.monotonic() < until:
            for headers in ({}, {"Authorization": f"Bearer {token}"}):
                try:
                    r = await c.put("/api/v1/settings", content=body, headers=headers)
                    codes.append(r.status_code)
                except httpx.TransportError:
                    codes.append(413)  # refused before the body was sent: the connection closed
            await asyncio.sleep(0.5)
    return codes


def _slow_upload(port: int, token: str, until: float) -> None:
    """An upload whose bytes arrive one at a time: it must hold nobody else up."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall((f"POST /api/v1/imports/preview HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                   "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n").encode())
        while time.monotonic() < until:
            try:
                s.sendall(b"-")
            except OSError:
                return
            time.sleep(0.5)


async def _others(base: str, tokens: list[str], until: float) -> list[float]:
    latencies: list[float] = []

    async def one(token: str) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as c:
            while time.monotonic() < until:
                t = time.perf_counter()
                r = await c.get("/api/v1/overview", params={"grain": "quarter"},
                                headers={"Authorization": f"Bearer {token}"})
                latencies.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
                await asyncio.sleep(0.2)

    await asyncio.gather(*(one(t) for t in tokens))
    return latencies


@pytest.mark.slow
def test_a_hostile_user_keeps_memory_bounded_and_others_answered(tmp_path):
    bench = load_bench()
    workspace, tokens = bench.prepare(None, 3000, tmp_path)
    port = bench.free_port()
    base = f"http://127.0.0.1:{port}"
    server = bench.start_server(workspace, port, tmp_path / "server.log")
    try:
        asyncio.run(bench.wait_ready(base, tokens["admin"], server))
        asyncio.run(bench.warm_up(base, {k: tokens[k] for k in ("admin", "manager")}, 120,
                                  [("/api/v1/overview", {"grain": "quarter"})]))
        proc = psutil.Process(server.pid)
        peak = [proc.memory_info().rss]
        others_tokens = [tokens["admin"], tokens["manager"]]
        alone = asyncio.run(_others(base, others_tokens, time.monotonic() + BASELINE))

        async def attack() -> tuple[int, list[int], list[float]]:
            until = time.monotonic() + DURATION

            async def watch() -> None:
                while time.monotonic() < until:
                    peak.append(proc.memory_info().rss)
                    await asyncio.sleep(0.25)

            slow = asyncio.to_thread(_slow_upload, port, tokens["rep"], until)
            views, bodies, others, _, _ = await asyncio.gather(
                _distinct_views(base, tokens["rep"], until), _large_bodies(base, tokens["rep"], until),
                _others(base, others_tokens, until), watch(), slow)
            return views, bodies, others

        views, bodies, others = asyncio.run(attack())
    finally:
        server.terminate()
        server.wait(timeout=30)
    p95, calm = bench.percentile(others, 95), bench.percentile(alone, 95)
    print(f"hostile: {views} distinct views, {len(bodies)} large bodies; others: {len(others)} "
          f"requests, p95 {p95:.0f} ms (alone: {calm:.0f} ms); server RSS peak {max(peak) / 2**20:.0f} MB")
    assert set(bodies) <= {401, 413}, bodies
    assert max(peak) < RSS_LIMIT, f"RSS peaked at {max(peak) / 2**20:.0f} MB"
    assert views > 0 and others, (views, len(others))
    assert p95 < max(P95_TARGET_MS, 3 * calm), (p95, calm)

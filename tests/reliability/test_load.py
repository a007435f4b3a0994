"""A short run of the load benchmark against a real server on 127.0.0.1: no request may fail.

The figures themselves (p50/p95 for 50 users over 60 s) come from ``benchmarks/load_bench.py``;
this only checks that the command works and that concurrent users get answers, not errors.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
from tests.reliability.conftest import REPO


def load_bench():
    spec = importlib.util.spec_from_file_location("load_bench", REPO / "benchmarks" / "load_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_concurrent_users_on_a_real_server_get_no_errors():
    bench = load_bench()
    # The overview and one breakdown keep the warm-up short; the benchmark itself uses them all.
    # The users meet the server's background warm-up too (settle=False): answers, not errors.
    report = bench.run(users=8, duration=4, scale=2000,
                       endpoints=[bench.ENDPOINTS[0], bench.ENDPOINTS[3]], settle=False)
    assert report["requests"] > 0
    assert report["errors"] == 0, report["error_kinds"]
    assert report["p50_ms"] is not None and report["p95_ms"] >= report["p50_ms"]
    log = report["server_log"]
    assert "Traceback" not in log, log[-3000:]
    for token in report["tokens"]:
        assert token not in log  # API tokens are never written to the server's output

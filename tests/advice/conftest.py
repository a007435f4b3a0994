"""The session's demo workspace (generator + importer, tests/conftest.py) read by the advice tests,
and its findings."""

from __future__ import annotations

import pytest
from tests.conftest import DEMO_TODAY as TODAY

import salesscope
from salesscope.advice import findings
from salesscope.demo import planted_facts


@pytest.fixture(scope="session")
def demo_ws(demo_path):
    """The demo built once for the session (the advice tests only read it)."""
    ws = salesscope.open(demo_path)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def facts():
    return planted_facts(TODAY)


@pytest.fixture(scope="session")
def month_findings(demo_ws):
    return findings(demo_ws, today=TODAY)


@pytest.fixture(scope="session")
def quarter_findings(demo_ws):
    return findings(demo_ws, grain="quarter", today=TODAY)


@pytest.fixture(scope="session")
def anomaly_month_findings(demo_ws, facts):
    return findings(demo_ws, period=facts.anomaly_month.strftime("%Y-%m"), today=TODAY)

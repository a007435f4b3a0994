"""The session's demo workspace (generator + importer, tests/conftest.py), copied for the advice
tests, and its findings."""

from __future__ import annotations

import pytest
from tests.conftest import DEMO_TODAY as TODAY

import salesscope
from salesscope.advice import findings
from salesscope.demo import planted_facts


@pytest.fixture(scope="session")
def demo_ws(demo_path, tmp_path_factory):
    """A copy of the session's demo, open for the whole session: the demo itself must stay closed
    between tests, for the commands other tests run on it in processes of their own."""
    import shutil

    path = tmp_path_factory.mktemp("advice-demo") / "ws"
    shutil.copytree(demo_path, path)
    ws = salesscope.open(path)
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

"""A demo workspace (generator + importer) shared by the advice tests, and its findings."""

from __future__ import annotations

from datetime import date

import pytest

import salesscope
from salesscope.advice import findings
from salesscope.demo import planted_facts, write_demo_files
from salesscope.ingest import import_files

TODAY = date(2026, 4, 15)


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory):
    root = tmp_path_factory.mktemp("advice-demo")
    files = write_demo_files(root / "files", seed=7, today=TODAY)
    ws = salesscope.init(root / "ws")
    import_files(ws, files, progress=False)
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

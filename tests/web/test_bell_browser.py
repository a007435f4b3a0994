"""The bell in Debian's Chromium: findings not yet seen are counted, opening the list marks them seen,
and an import that brings a new finding rings it again. A workspace of its own: the import changes it."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

import salesscope
from salesscope.web import create_app

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]


@pytest.fixture(scope="module")
def bell_ws(tmp_path_factory):
    """The demo company without its leads: those come later, through the Import page."""
    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files

    root = tmp_path_factory.mktemp("bell")
    ws = salesscope.init(root / "ws", currency="EUR", min_sample=20)
    files = write_demo_files(root / "files", seed=7, scale=3000, today=dt.date(2026, 4, 15))
    leads = next(f for f in files if f.name.startswith("leads"))
    import_files(ws, [f for f in files if f != leads], progress=False)
    yield ws, leads
    ws.close()


@pytest.fixture(scope="module")
def bell_app(bell_ws):
    said: list[str] = []
    app = create_app(bell_ws[0], announce=said.append)
    return app, said[0].split(": ", 1)[1].split()[0]


@pytest.fixture(scope="module")
def server(bell_app):
    """This module's own server (the shared one's store must not see this import)."""
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(bell_app[0], host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _keys(app) -> set[str]:
    """The findings' identities, from the advice engine itself."""
    from salesscope.advice import findings
    from salesscope.web.alerts import finding_key

    with app.state.service.reading() as ws:
        return {finding_key(f.to_dict()) for f in findings(ws, lang="en")}


def _settled(page) -> None:
    page.wait_for_selector("main[aria-busy=false]", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)


def _count(page) -> int:
    badge = page.locator("#bell-count")
    return int(badge.inner_text()) if badge.is_visible() else 0


def test_the_bell_rings_for_a_finding_an_import_brings(page, bell_app, bell_ws):
    app, password = bell_app
    page.goto("/login?next=/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    _settled(page)
    before = _keys(app)
    page.wait_for_function(f"() => document.getElementById('bell-count').textContent === '{len(before)}'",
                           timeout=120_000)
    assert _count(page) == len(before) > 0  # a first visit: every finding is new

    page.click("#bell")
    assert page.locator("#bell-panel li").count() == len(before)
    page.wait_for_selector("#bell-count", state="hidden")
    page.reload()
    _settled(page)
    page.wait_for_selector("#bell[data-loaded=true]", state="attached", timeout=120_000)
    assert _count(page) == 0  # seen stays seen

    page.goto("/import")
    _settled(page)
    page.set_input_files("#import-form input[type=file]", str(bell_ws[1]))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#commit", timeout=120_000)
    page.click("#commit")
    page.wait_for_selector("#import-result .ok", timeout=120_000)

    new = _keys(app) - before
    assert new, "the leads bring a finding the store did not have"
    page.goto("/")
    _settled(page)
    page.wait_for_function(f"() => document.getElementById('bell-count').textContent === '{len(new)}'",
                           timeout=120_000)
    page.click("#bell")
    fresh = page.locator("#bell-panel li.new")
    assert fresh.count() == len(new)
    page.screenshot(path=str(SHOTS / "cockpit-bell-en.png"))

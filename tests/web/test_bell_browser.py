"""The bell in Debian's Chromium: it counts the findings of the reader's digest not yet seen, opening
the list marks them seen, an import that brings a new finding rings it again, and a rep's bell holds
only findings about their own rows. A workspace of its own: the import changes it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

import salesscope
from salesscope.web import create_app

from .conftest import checked_page, serve
from .signin import open_page

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)
REP_PASSWORD = "rep01-password-1"
# The data ends on 2026-04-15: a monthly digest's last whole month is March.
MONTH = "2026-03"

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
    app.state.users.create("r01", REP_PASSWORD, "rep", rep_id="R01")
    return app, said[0].split(": ", 1)[1].split()[0]


@pytest.fixture(scope="module")
def bell_url(bell_app):
    """This module's own server (the shared one's store must not see this import)."""
    with serve(bell_app[0]) as url:
        yield url


def _findings(app, **scope) -> dict[str, dict]:
    """March's findings inside ``scope`` by their identity, from the advice engine itself."""
    from salesscope.advice import findings
    from salesscope.web.alerts import finding_key

    with app.state.service.reading() as ws:
        found = [f.to_dict() for f in findings(ws, period=MONTH, grain="month", lang="en", scope=scope or None)]
    return {finding_key(f): f for f in found}


def _rings(page, n: int) -> None:
    page.wait_for_selector("#bell[data-loaded=true]", state="attached")
    assert page.locator("#bell-count").is_visible() == (n > 0)
    if n:
        assert page.locator("#bell-count").inner_text() == str(n)


def test_the_bell_rings_for_a_finding_an_import_brings(browser, bell_url, bell_app, bell_ws):
    app, password = bell_app
    with checked_page(browser, bell_url) as page:
        open_page(page, "admin", password, "/")
        before = _findings(app)
        _rings(page, len(before))
        assert before  # a first visit: every finding is new

        page.click("#bell")
        assert page.locator("#bell-panel li").count() == len(before)
        page.wait_for_selector("#bell-count", state="hidden")
        page.reload()
        _rings(page, 0)  # seen stays seen

        page.goto("/import")
        page.set_input_files("#import-form input[type=file]", str(bell_ws[1]))
        page.click("#import-form button[type=submit]")
        page.wait_for_selector("#commit")
        page.click("#commit")
        page.wait_for_selector("#import-result .ok")

        new = set(_findings(app)) - set(before)
        assert new, "the leads bring a finding the store did not have"
        page.goto("/")
        _rings(page, len(new))
        page.click("#bell")
        assert page.locator("#bell-panel li.new").count() == len(new)
        page.screenshot(path=str(SHOTS / "cockpit-bell-en.png"))

    # a rep's bell: only findings about R01's own rows, all new to them
    with checked_page(browser, bell_url) as page:
        open_page(page, "r01", REP_PASSWORD, "/")
        own = _findings(app, rep=["R01"])
        assert set(own) != set(_findings(app))
        _rings(page, len(own))
        page.click("#bell")
        shown = page.locator("#bell-panel li p").all_inner_texts()
        assert sorted(shown) == sorted(f["advice_en"] for f in own.values())

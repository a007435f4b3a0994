"""The dashboard on a phone (390 px wide), in Debian's Chromium, in English and Persian: no page is
wider than the screen and the bell's list opens inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import HANG_MS
from .signin import open_page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]

PAGES = ["/", "/indicator/win_rate?by=team", "/funnel?by=team", "/forecast?target=300000", "/settings"]


@pytest.fixture
def phone(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server)
    ctx.set_default_timeout(HANG_MS)
    yield ctx.new_page()
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_pages_and_the_bell_fit_a_phone(phone, passwords, lang):
    for i, path in enumerate(PAGES):
        target = f"{path}{'&' if '?' in path else '?'}lang={lang}"
        if i == 0:
            open_page(phone, "boss", passwords["boss"], target)
        else:
            phone.goto(target)
            phone.wait_for_selector("main[aria-busy=false]")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
    phone.goto(f"/?lang={lang}")
    phone.wait_for_selector("#bell[data-loaded=true]")
    phone.click("#bell")
    box = phone.locator("#bell-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] > 300

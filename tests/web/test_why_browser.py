"""The "why did it change?" view in Debian's Chromium: reached from an indicator's headline, in en and fa."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .signin import open_page as _open
from .signin import settled as _settled

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]
RANGE = "from=2026-01-01&to=2026-03-31"


def test_from_the_indicator_to_why_it_changed(page, passwords):
    _open(page, "boss", passwords["boss"], f"/indicator/win_rate?period=2026-03&{RANGE}")
    link = page.locator("#headline a.why-link")
    assert link.count() == 1 and link.inner_text() == "Why did it change?"
    link.click()
    page.wait_for_url(lambda url: "/why/win_rate" in url)
    _settled(page)
    assert "period=2026-03" in page.url
    assert page.locator("#why-title").inner_text().startswith("Win rate in 2026-03")
    dims = page.locator(".why-breakdown").evaluate_all("els => els.map(e => e.dataset.dim)")
    assert "team" in dims and "channel" in dims
    assert page.locator(".why-breakdown[data-dim=team] tbody tr").count() >= 2
    page.screenshot(path=str(SHOTS / "why-en.png"), full_page=True)


def test_why_view_in_persian(page, passwords):
    _open(page, "boss", passwords["boss"], f"/why/win_rate?lang=fa&calendar=gregorian&period=2026-03&{RANGE}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").first.inner_text() == "چرا تغییر کرد؟"
    assert "اثر ترکیب" in page.locator(".why-breakdown h2").first.inner_text()
    page.screenshot(path=str(SHOTS / "why-fa.png"), full_page=True)


def test_a_median_has_no_link(page, passwords):
    _open(page, "boss", passwords["boss"], f"/indicator/sales_cycle_days?period=2026-03&{RANGE}")
    assert page.locator("#headline").count() == 1 and page.locator("a.why-link").count() == 0

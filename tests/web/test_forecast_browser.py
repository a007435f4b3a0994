"""The Forecast page in Debian's Chromium, in English and in Persian (RTL, Jalali), with screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .signin import open_page as _open
from .signin import settled as _settled

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]


def test_forecast_page_in_english_with_a_plan_out_of_reach(page, passwords):
    _open(page, "boss", passwords["boss"], "/forecast?periods=3")
    assert page.locator("nav a[data-nav=forecast].active").count() == 1
    assert page.locator("#forecast-chart .main-svg").count() >= 1
    assert page.locator("#forecast-chart .scatterlayer .trace").count() == 3  # 95% band, 80% band, line
    assert "MAPE" in page.locator("#track-line").inner_text()
    assert "2026-04" in page.locator("main table").first.inner_text()
    page.fill("#plan-form input[name=target]", "50,000,000")
    page.fill("#plan-form input[name=period]", "2026-q3")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*target=50000000.*"))
    _settled(page)
    assert "plan_period=2026-Q3" in page.url and "periods=3" in page.url
    verdict = page.locator("#plan-verdict")
    assert "Out of reach" in verdict.inner_text() and "bad" in verdict.get_attribute("class")
    assert "Leads" in page.locator("#plan-result table").first.inner_text()
    page.screenshot(path=str(SHOTS / "forecast-en.png"), full_page=True)

    page.reload()  # the zoom and the plan live in the URL
    _settled(page)
    assert page.locator("#plan-form input[name=target]").input_value() == "50000000"
    assert "Out of reach" in page.locator("#plan-verdict").inner_text()


def test_forecast_page_in_persian_jalali(page, passwords):
    _open(page, "north", passwords["north"],
          "/forecast?lang=fa&calendar=jalali&grain=quarter&periods=2&by=rep&target=300000&plan_period=1405-Q2")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "پیش‌بینی" in page.locator("nav").inner_text()
    main = page.locator("main").inner_text()
    assert "۱۴۰۵-Q۱" in main and "۱۴۰۵-Q۲" in main
    assert re.search("[۰-۹]", page.locator("#forecast-chart .ytick").first.text_content())
    legend = page.locator("#forecast-chart .legendtext").all_text_contents()
    assert legend and set(legend) <= {"R01", "R02", "R03", "R04"}  # a manager sees their team only
    assert page.locator("#plan-verdict").inner_text().strip()
    assert "سرنخ‌ها" in page.locator("#plan-result").inner_text()
    page.screenshot(path=str(SHOTS / "forecast-fa.png"), full_page=True)

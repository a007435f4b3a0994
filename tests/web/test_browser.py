"""The dashboard in Debian's Chromium: log in, zoom, drill down, Persian, import, screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)
RANGE = "from=2025-10-01&to=2026-03-31"

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]


def _login(page, username, password, target="/"):
    from urllib.parse import quote

    page.goto(f"/login?next={quote(target)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _settled(page) -> None:
    page.wait_for_selector("main[aria-busy=false]")
    page.wait_for_load_state("networkidle")


def test_login_overview_zoom_and_persian(page, passwords):
    _login(page, "boss", passwords["boss"], f"/?{RANGE}")
    _settled(page)
    assert page.locator(".card").count() == 15
    page.screenshot(path=str(SHOTS / "overview-en.png"), full_page=True)

    page.select_option("#zoom select[name=grain]", "quarter")
    page.click("#zoom button[type=submit]")
    _settled(page)
    assert "grain=quarter" in page.url
    assert re.search(r"\d{4}-Q\d", page.locator(".card .period").first.inner_text())

    page.click("#lang-toggle")
    _settled(page)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "grain=quarter" in page.url and "lang=fa" in page.url
    text = page.locator("main").inner_text()
    assert re.search("[۰-۹]", text) and "نمای کلی" in page.locator("nav").inner_text()
    page.screenshot(path=str(SHOTS / "overview-fa.png"), full_page=True)


def test_indicator_drill_down_and_rows(page, passwords):
    _login(page, "boss", passwords["boss"], f"/indicator/win_rate?by=team&{RANGE}")
    _settled(page)
    bars = page.locator("#breakdown .bars .point path")
    assert bars.count() >= 3
    bars.first.scroll_into_view_if_needed()
    box = bars.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r".*where=team%3A.*"))
    _settled(page)
    assert "by=rep" in page.url
    chips = page.locator("#where-chips .chip")
    assert chips.count() == 1
    reps = page.locator("#breakdown .bars .point path")
    assert 1 <= reps.count() <= 4  # one team's reps only
    page.screenshot(path=str(SHOTS / "indicator-drill.png"), full_page=True)
    assert page.locator("#rows table").count() >= 1


def test_rep_sees_only_own_breakdown(page, passwords):
    _login(page, "r01", passwords["r01"], f"/indicator/win_rate?by=rep&{RANGE}")
    _settled(page)
    ticks = [t.text_content() for t in page.locator("#breakdown .xtick text").all()]
    assert ticks == ["R01"]
    assert page.locator("nav a[data-nav=import]").count() == 0


def test_funnel_and_advice_pages(page, passwords):
    _login(page, "north", passwords["north"], f"/funnel?lang=fa&{RANGE}")
    _settled(page)
    assert page.locator("#funnel-chart .main-svg").count() >= 1
    page.screenshot(path=str(SHOTS / "funnel-fa.png"), full_page=True)

    with page.expect_response(lambda r: "/api/v1/advice?" in r.url) as answer:
        page.goto(f"/advice?lang=fa&{RANGE}")
    _settled(page)
    # the page shows every finding the API gave the manager, in its order, in Persian
    items = answer.value.json()["items"]
    shown = page.locator("ol.advice li.finding")
    assert len(items) >= 3 and shown.count() == len(items)
    for i, item in enumerate(items):
        assert item["advice_fa"] in re.sub("[\u200e\u200f\u2066-\u2069]", "", shown.nth(i).inner_text()), i
    assert {f["dimensions"].get("team", "North") for f in items} == {"North"}
    page.screenshot(path=str(SHOTS / "advice-fa.png"), full_page=True)


def test_import_preview_and_commit(own_page, passwords, tmp_path):
    page = own_page
    f = tmp_path / "reps.csv"
    f.write_text("rep_id,name,team\nR95,Browser Person,East\nR96,,East\n", encoding="utf-8")
    _login(page, "boss", passwords["boss"], "/import")
    _settled(page)
    page.set_input_files("#import-form input[type=file]", str(f))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#commit")
    assert page.locator("#import-result .import-summary tr[data-table=reps] td").all_inner_texts() == ["Reps", "2", "1", "1"]
    assert "name" in page.locator("#import-result table").last.inner_text()  # the rejected row's column
    page.screenshot(path=str(SHOTS / "import-preview.png"), full_page=True)
    page.click("#commit")
    page.wait_for_selector("#import-result .ok")
    page.screenshot(path=str(SHOTS / "import-done.png"), full_page=True)
    page.reload()
    _settled(page)
    log = page.locator("#audit tbody tr").first
    assert "boss" in log.inner_text() and "reps.csv" in log.inner_text(), log.inner_text()
    assert log.locator("td.added").get_attribute("title") == "R95"


def test_settings_page_in_persian(own_page, passwords):
    page = own_page
    _login(page, "boss", passwords["boss"], "/settings?lang=fa")
    _settled(page)
    page.fill("#sub-form input[name=recipient]", "team@example.com")
    page.click("#sub-form button[type=submit]")
    page.wait_for_selector("text=team@example.com")
    page.fill("#token-form input[name=name]", "nightly-export")
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("code.token")
    page.wait_for_selector("text=nightly-export")
    page.screenshot(path=str(SHOTS / "settings-fa.png"), full_page=True)

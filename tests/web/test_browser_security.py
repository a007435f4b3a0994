"""The dashboard in Chromium under its Content-Security-Policy: imported names stay text on the
charts, a hostile indicator name in the URL cannot stall the page, Swagger UI is local."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]

EVIL = '<a href="https://evil.test/steal">Evil</a>'
BOLD = "<b>Bold</b> & Co"
RANGE = "from=2026-03-01&to=2026-03-31"


def _login(page, username, password, target="/"):
    from urllib.parse import quote

    page.goto(f"/login?next={quote(target)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def csp_violations(request):
    """Content-Security-Policy violations on the test's page (``own_page`` if it has one)."""
    page = request.getfixturevalue("own_page" if "own_page" in request.fixturenames else "page")
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    yield seen
    assert not seen, seen


@pytest.fixture
def hostile_products(own_role):
    """Two won deals whose product names are markup, imported as an admin would into the test's own
    copy of the store (the one ``own_page`` serves)."""
    c, csrf = own_role("boss")
    csv = ("opportunity_id,created_at,status,closed_at,amount,rep_id,product\n"
           f'O-EVIL-1,2026-03-02,won,2026-03-10,100,R01,"{EVIL.replace(chr(34), chr(34) * 2)}"\n'
           f"O-EVIL-2,2026-03-02,won,2026-03-11,100,R02,{BOLD}\n").encode()
    r = c.post("/api/v1/imports/preview", files={"files": ("opportunities.csv", csv, "text/csv")},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and not r.json()["rejected"], r.text
    assert c.post(f"/api/v1/imports/{r.json()['upload_id']}/commit",
                  headers={"X-CSRF-Token": csrf}).status_code == 200


def test_imported_names_are_text_on_the_charts(own_page, passwords, hostile_products, csp_violations):
    page = own_page
    _login(page, "boss", passwords["boss"], f"/indicator/win_rate?by=product&grain=month&{RANGE}")
    page.wait_for_selector("main[aria-busy=false]")
    page.wait_for_selector("#breakdown .xtick text")
    ticks = [t.text_content() for t in page.locator("#breakdown .xtick text").all()]
    assert EVIL in ticks and BOLD in ticks, ticks  # the markup shown as written
    # No link and no bold made from the data anywhere in the charts.
    assert page.locator("#breakdown a, #trend a").count() == 0
    assert page.locator("#breakdown text tspan[style*='bold']").count() == 0
    page.locator("#breakdown").scroll_into_view_if_needed()
    for bar in page.locator("#breakdown .bars .point path").all():
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#breakdown .hoverlayer .hovertext")
        hover = page.locator("#breakdown .hoverlayer").text_content()
        if "Evil" in hover:
            break
    assert EVIL in hover, hover
    assert page.locator("#breakdown .hoverlayer a").count() == 0, hover


def test_a_hostile_indicator_name_in_the_url_shows_not_found(page, passwords, csp_violations):
    _login(page, "boss", passwords["boss"], "/")
    page.goto("/indicator/%3C!--%3Cscript%3E")
    page.wait_for_selector("main[aria-busy=false]")
    assert "Page not found" in page.locator("main").inner_text()


def test_swagger_ui_loads_from_the_app_itself(page, server, csp_violations):
    page.goto("/api/docs")
    page.wait_for_selector(".opblock-summary-path[data-path=\"/api/v1/indicators\"]")
    assert re.search(r"SalesScope", page.content())

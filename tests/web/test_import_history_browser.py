"""The import page in Debian's Chromium: what a preview would load and reject per table, and the
import history (who, when, which files, rows read, accepted and rejected) for managers and admins,
its numbers and moments as the server writes them, in Persian too."""

from __future__ import annotations

import os
import re
from pathlib import Path

import jdatetime
import pytest

from .signin import open_page

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]


def _cells(row) -> list[str]:
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_a_managers_import_is_in_their_history_and_the_admins(own_page, own_app, passwords, tmp_path):
    page = own_page
    f = tmp_path / "leads.csv"
    # two good rows and one without a date (rejected), of a rep of the manager's own team
    f.write_text("lead_id,created_at,rep_id\nL-H-1,2026-03-08 09:00,R02\nL-H-2,2026-03-09 10:00,R02\n"
                 "L-H-3,not a date,R02\n", encoding="utf-8")
    open_page(page, "north", passwords["north"], "/import?lang=fa")
    assert "هنوز داده‌ای وارد نشده است" in page.locator("#audit").inner_text()  # none of theirs yet
    page.set_input_files("#import-form input[type=file]", str(f))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#commit")
    preview = page.locator("#import-result .import-summary tr[data-table=leads]")
    assert _cells(preview) == ["سرنخ‌ها", "۳", "۲", "۱"]
    page.click("#commit")
    page.wait_for_selector("#import-result .ok")
    page.wait_for_selector("#audit tr[data-import]")

    finished = own_app.state.service.fetch(
        "SELECT finished_at FROM _imports WHERE imported_by = 'north' ORDER BY finished_at DESC LIMIT 1")[0][0]
    j = jdatetime.datetime.fromgregorian(datetime=finished)
    when = f"{j.year:04d}/{j.month:02d}/{j.day:02d} {finished:%H:%M}".translate(FA)
    row = page.locator("#audit tbody tr").first
    assert _cells(row) == [when, "north", "leads.csv", "سرنخ‌ها", "۳", "۲", "۱", "۲", "۰"]
    assert row.locator("td.added").get_attribute("title") == "L-H-1, L-H-2"  # the records it brought
    page.screenshot(path=str(SHOTS / "import-history-fa.png"), full_page=True)

    open_page(page, "boss", passwords["boss"], "/import?lang=en")
    rows = page.locator("#audit tbody tr[data-import]")
    first = _cells(rows.first)
    assert first[:4] == [f"{finished:%Y-%m-%d %H:%M}", "north", "leads.csv", "Leads"]
    assert first[4:] == ["3", "2", "1", "2", "0"]
    # the demo's own import (by nobody: the command line) is further down, with its thousands
    assert rows.count() > 1 and re.fullmatch(r"\d{1,3}(,\d{3})+", _cells(rows.nth(1))[4])


def test_targets_read_as_the_server_writes_them(own_page, own_app, passwords):
    page = own_page
    with own_app.state.service.writing() as ws:
        from salesscope.config import Target

        ws.config.targets = [Target(kpi="win_rate", value=31.25, by={"team": "North"}),
                             Target(kpi="sales_velocity", value=1234.7)]
        ws.save_config()
    own_app.state.service.config_changed()
    open_page(page, "boss", passwords["boss"], "/settings?lang=fa")
    cells = page.locator("section:has(#target-form) tbody tr td:nth-child(3)").all_inner_texts()
    currency = own_app.state.service.ws.config.currency
    assert cells == ["۳۱٫۲٪", f"۱٬۲۳۵ {currency} در روز"]

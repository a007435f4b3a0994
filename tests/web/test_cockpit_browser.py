"""The dashboard as a sales manager uses it, in Debian's Chromium: select a period on the trend, drill
from coarse to fine, page, sort, search and download the rows behind a number, read it in Persian,
and keep the page when the server cannot be reached. Counts are checked against SQL on the store."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from .signin import open_page, settled

SHOTS = Path(os.environ.get("SALESSCOPE_SCREENSHOTS", "/tmp/salesscope-web-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)
RANGE = "from=2025-10-01&to=2026-03-31"

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]


def _open(page, username: str, password: str, target: str) -> None:
    open_page(page, username, password, target, wait=_settled)


def _settled(page) -> None:
    settled(page)
    page.wait_for_function("() => [...document.querySelectorAll('.rows-table')].every((t) => t.getAttribute('aria-busy') !== 'true')")


def _click(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _click_bar(page) -> None:
    """Click the tallest bar of the breakdown (a bar of height zero cannot be hit)."""
    page.locator("#breakdown").scroll_into_view_if_needed()
    bars = page.locator("#breakdown .bars .point path").all()
    box = max((b.bounding_box() for b in bars), key=lambda b: b["height"])
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _closed(app, first: str, last: str, rep: str | None = None) -> tuple[int, int]:
    """Deals closed won or lost in [first, last] (and of one rep), and the won among them, by SQL."""
    sql = ("SELECT count(*), count(*) FILTER (WHERE status = 'won') FROM opportunities "
           "WHERE status IN ('won', 'lost') AND closed_at >= ?::DATE AND closed_at < ?::DATE + 1")
    params = [first, last]
    if rep:
        sql += " AND rep_id = ?"
        params.append(rep)
    total, won = app.state.service.fetch(sql, params)[0]
    return int(total), int(won)


def _headline(page) -> tuple[str, int]:
    head = page.locator("#headline")
    n = re.search(r"n: ([\d,]+)", head.inner_text()).group(1)
    return head.get_attribute("data-period"), int(n.replace(",", ""))


def test_clicking_a_trend_point_selects_its_period_everywhere(page, passwords, app):
    _open(page, "boss", passwords["boss"], f"/indicator/win_rate?by=team&{RANGE}")
    period, n = _headline(page)
    assert period == "2026-03" and n == _closed(app, "2026-03-01", "2026-03-31")[0]

    _click(page, page.locator("#trend .scatterlayer .points path").nth(1))  # 2025-11
    page.wait_for_url(re.compile(r".*period=2025-11.*"))
    _settled(page)
    period, n = _headline(page)
    total, won = _closed(app, "2025-11-01", "2025-11-30")
    assert period == "2025-11" and n == total
    assert f"{100 * won / total:.1f}%" in page.locator("#headline .card-value").inner_text()
    # the breakdown and the rows are of the same period
    assert "2025-11" in page.locator("section:has(#breakdown) h2").inner_text()
    shares = page.locator("#breakdown-table tbody tr td:nth-child(4)").all_inner_texts()
    assert sum(int(s.replace(",", "")) for s in shares) == total
    assert page.locator(".rows-table .range").first.inner_text().endswith(f"of {total}")
    page.screenshot(path=str(SHOTS / "cockpit-period-en.png"), full_page=True)

    # another grain names other periods: applying it selects its latest period again
    page.select_option("#zoom select[name=grain]", "quarter")
    page.click("#zoom button[type=submit]")
    _settled(page)
    assert "period=" not in page.url and _headline(page)[0] == "2026-Q1"


def _options(page) -> list[str]:
    return [o.get_attribute("value") for o in page.locator("#by-select option").all()]


def test_drilling_goes_from_team_to_rep_and_never_back_up(page, passwords):
    _open(page, "boss", passwords["boss"], f"/indicator/win_rate?by=team&{RANGE}")
    assert _options(page)[:2] == ["team", "rep"]
    _click_bar(page)
    page.wait_for_url(re.compile(r".*where=team%3A.*"))
    _settled(page)
    q = parse_qs(urlparse(page.url).query)
    assert q["by"] == ["rep"] and q["period"] == ["2026-03"]  # the selected period is kept
    assert "team" not in _options(page)
    _click_bar(page)
    page.wait_for_url(re.compile(r".*where=rep%3A.*"))
    _settled(page)
    offered = _options(page)
    assert parse_qs(urlparse(page.url).query)["by"] == [offered[0]]
    assert offered and not {"team", "rep"} & set(offered)


def test_drilling_into_a_rep_offers_no_team(page, passwords):
    _open(page, "boss", passwords["boss"], f"/indicator/win_rate?by=rep&{RANGE}")
    _click_bar(page)
    page.wait_for_url(re.compile(r".*where=rep%3A.*"))
    _settled(page)
    assert parse_qs(urlparse(page.url).query)["by"] == ["channel"]
    assert not {"team", "rep"} & set(_options(page))


def test_rows_page_sort_search_and_download(page, passwords, app):
    _open(page, "boss", passwords["boss"], "/indicator/win_rate?grain=year&by=team&period=2025")
    total, _ = _closed(app, "2025-01-01", "2025-12-31")
    rows = page.locator(".rows-table").first
    assert total > 50 and rows.locator(".range").inner_text() == f"1–50 of {total:,}"
    assert rows.locator("tbody tr").count() == 50
    headers = rows.locator("thead th").all_inner_texts()
    assert {"Deal", "Rep", "Rep name", "Closed", "Status"} <= {h.strip() for h in headers}
    assert not any("_" in h for h in headers)
    first_page = rows.locator("tbody tr").first.inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", rows.inner_text())  # no ISO "T" timestamps

    rows.locator("button.next").click()
    _settled(page)
    assert rows.locator(".range").inner_text() == f"51–{min(100, total)} of {total:,}"
    assert rows.locator("tbody tr").first.inner_text() != first_page

    col = headers.index("Amount")
    rows.locator("button.sort[data-col=amount]").click()
    _settled(page)
    rows.locator("button.sort[data-col=amount]").click()  # again: largest first
    _settled(page)
    assert rows.locator(".range").inner_text().startswith("1–50")
    biggest = app.state.service.fetch(
        "SELECT max(amount) FROM opportunities WHERE status IN ('won', 'lost') "
        "AND closed_at >= '2025-01-01' AND closed_at < '2026-01-01'")[0][0]
    first_amount = rows.locator(f"tbody tr:first-child td:nth-child({col + 1})").inner_text()
    assert float(first_amount.replace(",", "")) == float(biggest)

    rows.locator("input.rows-search").fill("R05")
    page.wait_for_function("() => document.querySelector('.rows-table .range')?.textContent.startsWith('1–')"
                           " && !document.querySelector('.rows-table').textContent.includes('R01')")
    _settled(page)
    mine, _ = _closed(app, "2025-01-01", "2025-12-31", rep="R05")
    assert rows.locator(".range").inner_text() == f"1–{min(50, mine)} of {mine}"
    reps = rows.locator(f"tbody td:nth-child({headers.index('Rep') + 1})").all_inner_texts()
    assert set(reps) == {"R05"}

    with page.expect_download() as got:
        rows.locator("a.rows-download").click()
    text = Path(got.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [h.strip(" ▲▼") for h in headers]
    assert len(table) - 1 == mine and {r[headers.index("Rep")] for r in table[1:]} == {"R05"}
    amounts = [float(r[col]) for r in table[1:]]
    assert amounts == sorted(amounts, reverse=True)  # the order shown
    page.screenshot(path=str(SHOTS / "cockpit-rows-en.png"), full_page=True)


def test_rows_and_zoom_in_persian_read_jalali(page, passwords, app):
    _open(page, "boss", passwords["boss"], "/indicator/win_rate?lang=fa&by=team")
    assert page.locator("#zoom select[name=calendar]").input_value() == "jalali"
    # dates are typed in the Jalali calendar, in Persian digits
    page.fill("#zoom input[name=from]", "۱۴۰۴/۰۷/۰۱")
    page.fill("#zoom input[name=to]", "۱۴۰۴/۰۹/۳۰")
    page.click("#zoom button[type=submit]")
    page.wait_for_url(re.compile(r".*to=.*"))
    _settled(page)
    ticks = page.locator("#trend .xtick text").all_text_contents()
    assert ticks == ["۱۴۰۴-۰۷", "۱۴۰۴-۰۸", "۱۴۰۴-۰۹"]
    assert page.locator("#headline").get_attribute("data-period") == "1404-09"
    rows = page.locator(".rows-table").first
    headers = rows.locator("thead th").all_inner_texts()
    assert "فروشنده" in headers and not any(re.search("[A-Za-z]", h) for h in headers)
    cells = rows.locator("tbody").inner_text()
    assert re.search("۱۴۰۴/۰۹/[۰-۹]{2}", cells) and not re.search(r"\d{4}-\d{2}-\d{2}", cells)
    assert "موفق" in cells or "ناموفق" in cells
    # 1404-09 is 2025-11-22 to 2025-12-21
    total, _ = _closed(app, "2025-11-22", "2025-12-21")
    assert rows.locator(".range").inner_text().endswith(re.sub(r"\d", lambda m: "۰۱۲۳۴۵۶۷۸۹"[int(m[0])], str(total)))
    page.screenshot(path=str(SHOTS / "cockpit-rows-fa.png"), full_page=True)


def test_the_page_stays_when_the_server_cannot_be_reached(page, passwords):
    _open(page, "boss", passwords["boss"], f"/?{RANGE}")
    assert page.locator(".card").count() == 15
    page.route("**/api/**", lambda route: route.abort("connectionrefused"))
    page.select_option("#zoom select[name=grain]", "quarter")
    page.click("#zoom button[type=submit]")
    page.wait_for_selector("#offline:not([hidden])")
    assert "cannot be reached" in page.locator("#offline").inner_text()
    assert page.locator(".card").count() == 15 and page.locator("#error").is_hidden()
    page.screenshot(path=str(SHOTS / "cockpit-offline-en.png"))
    page.unroute("**/api/**")
    page.wait_for_selector("#offline[hidden]", state="attached")
    _settled(page)
    assert re.search(r"\d{4}-Q\d", page.locator(".card .period").first.inner_text())


def test_a_team_target_set_in_settings_shows_on_the_teams_card(own_page, passwords):
    page = own_page  # the target is saved in the settings of a store of the test's own
    _open(page, "boss", passwords["boss"], "/settings")
    page.select_option("#target-form select[name=kpi]", "win_rate")
    page.select_option("#target-form select[name=level]", "team")
    page.wait_for_selector("#target-form select[name=member] option[value=North]", state="attached")
    page.select_option("#target-form select[name=member]", "North")
    page.fill("#target-form input[name=value]", "99.5")
    page.click("#target-form button[type=submit]")
    page.wait_for_selector("#target-form ~ div .ok")
    assert "Team: North" in page.locator("section:has(#target-form) table").inner_text()
    _open(page, "boss", passwords["boss"], f"/?where=team:North&{RANGE}")
    card = page.locator(".card[data-kpi=win_rate]")
    assert "Target: 99.5%" in card.inner_text() and "target missed" in card.inner_text()
    # the company's card has no target
    _open(page, "boss", passwords["boss"], f"/?{RANGE}")
    assert "Target" not in page.locator(".card[data-kpi=win_rate]").inner_text()


def test_save_a_view_and_reopen_it(own_page, passwords):
    page = own_page  # the view is saved in a store of the test's own
    _open(page, "boss", passwords["boss"], f"/indicator/win_rate?by=team&{RANGE}")
    _click(page, page.locator("#trend .scatterlayer .points path").nth(1))
    page.wait_for_url(re.compile(r".*period=2025-11.*"))
    _settled(page)
    page.click("#save-view")
    page.fill("#view-form input[name=name]", "November by team")
    page.click("#view-form button[type=submit]")
    page.wait_for_selector("#views option:text('November by team')", state="attached")

    _open(page, "boss", passwords["boss"], "/")  # elsewhere, then back through the saved view
    page.select_option("#views", label="November by team")
    page.wait_for_url(re.compile(r".*/indicator/win_rate\?.*period=2025-11.*"))
    _settled(page)
    assert _headline(page)[0] == "2025-11"
    assert page.locator("#by-select").input_value() == "team"


# Every text of the funnel chart: whether it lies inside the chart, and for "count · conversion"
# the x of the count's first digit and of the conversion's (each is isolated: FSI ... PDI).
FUNNEL_TEXTS = """() => {
  const box = document.querySelector('#funnel-chart').getBoundingClientRect();
  return [...document.querySelectorAll('#funnel-chart .main-svg text')].filter((t) => t.textContent.trim())
    .map((t) => {
      const r = t.getBoundingClientRect(), s = t.textContent, i = s.indexOf('\u2068'), j = s.lastIndexOf('\u2068');
      const x = (k) => t.getStartPositionOfChar(k).x;
      return { text: s, inside: r.left >= box.left - 1 && r.right <= box.right + 1,
               count: i >= 0 ? x(i + 1) : null, conversion: j > i ? x(j + 1) : null };
    });
}"""


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_funnel_reads_on_a_phone(browser, server, passwords, lang):
    from .conftest import checked_page

    with checked_page(browser, server) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        _open(page, "boss", passwords["boss"], f"/funnel?lang={lang}&{RANGE}")
        texts = page.evaluate(FUNNEL_TEXTS)
        page.locator("#funnel-chart").screenshot(path=str(SHOTS / f"funnel-phone-{lang}.png"))
    cut = [t["text"] for t in texts if not t["inside"]]
    assert not cut, f"cut at the chart's edge: {cut}"
    pairs = [t for t in texts if t["conversion"] is not None]
    assert len(pairs) >= 2  # leads have none; a later stage with a count has both
    for t in pairs:  # read in the page's direction: the count first, then its conversion
        assert (t["count"] > t["conversion"]) if lang == "fa" else (t["count"] < t["conversion"]), t


def test_funnel_period_is_chosen_from_its_table(page, passwords, app):
    _open(page, "boss", passwords["boss"], f"/funnel?{RANGE}")
    assert "2026-03" in page.locator("main h1").inner_text()
    page.locator("#funnel-table a.select-period", has_text="2025-11").click()
    page.wait_for_url(re.compile(r".*period=2025-11.*"))
    _settled(page)
    assert "2025-11" in page.locator("main h1").inner_text()
    # the chart is of that month's cohort: the leads created in it
    leads = app.state.service.fetch("SELECT count(*) FROM leads WHERE created_at >= '2025-11-01' "
                                    "AND created_at < '2025-12-01'")[0][0]
    first = page.locator("#funnel-chart text.funnel-text, #funnel-chart .bartext").first.text_content()
    assert first.split(" ")[0] == str(leads)


def test_the_page_says_an_import_is_running(own_page, own_app, passwords):
    import threading

    page = own_page  # the store held open for writing is the test's own
    _open(page, "boss", passwords["boss"], f"/?{RANGE}")
    svc, started, release = own_app.state.service, threading.Event(), threading.Event()

    def hold() -> None:  # what a commit holds: the import mark and the store open for writing
        with svc.importing(), svc.writing():
            started.set()
            release.wait(60)

    writer = threading.Thread(target=hold)
    writer.start()
    try:
        started.wait(30)
        page.select_option("#zoom select[name=grain]", "quarter")
        page.click("#zoom button[type=submit]")
        page.wait_for_selector("#busy:not([hidden])")
        assert "import is running" in page.locator("#busy").inner_text()
        assert page.locator(".card").count() == 15  # the page keeps what it showed
    finally:
        release.set()
        writer.join()
    page.wait_for_selector("#busy[hidden]", state="attached")
    _settled(page)
    assert re.search(r"\d{4}-Q\d", page.locator(".card .period").first.inner_text())


def test_a_jalali_date_picked_asks_for_its_gregorian_days(page, passwords, app):
    _open(page, "boss", passwords["boss"], "/indicator/win_rate?lang=fa&by=team")
    page.click("#zoom input[name=from] ~ button.pick-date")
    picker = page.locator(".date-picker")
    picker.locator("select.pick-year").select_option("1404")
    picker.locator("select.pick-month").select_option("7")
    picker.locator("button.day", has_text=re.compile("^۱$")).click()
    assert page.locator(".date-picker").count() == 0
    assert page.locator("#zoom input[name=from]").input_value() == "۱۴۰۴/۰۷/۰۱"
    page.click("#zoom input[name=to] ~ button.pick-date")
    picker.locator("select.pick-year").select_option("1404")
    picker.locator("select.pick-month").select_option("9")
    assert picker.locator("button.day").count() == 30  # Azar has 30 days
    assert picker.locator(".pick-grid > *").nth(7).text_content() == "۱"  # 1404/09/01 is a Saturday, the first column
    picker.locator("button.day", has_text="۳۰").click()
    with page.expect_request(lambda r: "/api/v1/indicators?" in r.url) as asked:
        page.click("#zoom button[type=submit]")
    q = parse_qs(urlparse(asked.value.url).query)
    assert q["from"] == ["2025-09-23"] and q["to"] == ["2025-12-21"]  # 1404/07/01 and 1404/09/30
    _settled(page)
    assert page.locator("#headline").get_attribute("data-period") == "1404-09"
    # the URL keeps the ISO dates, the fields show them on the reader's calendar
    assert "from=2025-09-23" in page.url
    assert page.locator("#zoom input[name=to]").input_value() == "۱۴۰۴/۰۹/۳۰"
    page.screenshot(path=str(SHOTS / "cockpit-datepicker-fa.png"))


def test_jalali_dates_convert_as_the_calendar_says(page, passwords):
    import datetime as dt

    import jdatetime

    _open(page, "boss", passwords["boss"], "/?lang=fa")
    first = dt.date(2016, 3, 1)  # 1394 to 1406: leap years 1395, 1399, 1403 and their Esfand 30
    days = [first + dt.timedelta(days=k) for k in range(0, 365 * 12, 3)]
    days += [jdatetime.date(y, 12, 30).togregorian() for y in (1395, 1399, 1403)]
    jalali = [jdatetime.date.fromgregorian(date=d) for d in days]
    texts = [f"{j.year}/{j.month:02d}/{j.day:02d}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) for j in jalali]
    got = page.evaluate("(texts) => texts.map((t) => [SSDate.parse(t), SSDate.parse(SSDate.format(SSDate.parse(t)))])",
                        texts)
    assert [g[0] for g in got] == [d.isoformat() for d in days]
    assert all(g[0] == g[1] for g in got)  # shown and read back, the same day
    # days that do not exist: Esfand 30 of a common year, month 13, day 32
    assert page.evaluate("() => ['1404/12/30', '1404/13/01', '1404/01/32', 'soon'].map(SSDate.parse)") == [None] * 4


def test_what_changed_this_week_is_the_weeks_findings_by_kind(page, passwords, app):
    from collections import Counter

    from salesscope.advice import findings

    with app.state.service.reading() as ws:
        found = [f.to_dict() for f in findings(ws, grain="week", lang="en")]
    assert found, "the demo's last week has findings"
    _open(page, "boss", passwords["boss"], "/week")
    assert page.locator("main h1").inner_text().endswith(found[0]["period"])
    by_kind = Counter(f["kind"] for f in found)
    tiles = {t.get_attribute("class").split()[-1]: t.locator(".week-count").inner_text()
             for t in page.locator(".week-kind").all()}
    assert tiles == {k: f"{n:,}" for k, n in by_kind.items()}
    for kind in by_kind:
        group = page.locator(f".week-group[data-kind={kind}] li.finding")
        mine = [f for f in found if f["kind"] == kind][:3]  # the most valuable three, in the engine's order
        assert group.count() == len(mine)
        for i, f in enumerate(mine):
            assert f["advice_en"] in group.nth(i).inner_text()
    assert f"All {len(found)} findings" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "cockpit-week-en.png"), full_page=True)


def test_a_period_not_over_shows_its_pace_and_milestones(page, passwords):
    import datetime as dt
    import math

    from salesscope.formatting import value_text
    from salesscope.i18n import format_date

    with page.expect_response(lambda r: "/api/v1/indicators?" in r.url and "by=" not in r.url) as got:
        # the demo's data end with a Gregorian month: the Jalali month 1405-01 is not over
        _open(page, "boss", passwords["boss"], "/indicator/quota_attainment?calendar=jalali")
    answer = got.value.json()
    row = max(answer["rows"], key=lambda r: r["period_start"])
    start, end = dt.date.fromisoformat(row["period_start"]), dt.date.fromisoformat(row["period_end"])
    gone, total = (dt.date.fromisoformat(answer["data_end"]) - start).days + 1, (end - start).days + 1
    assert 0 < gone < total and row["period"] == "1405-01"
    # quota attainment adds up through the month and is held to its quota (100%) pro rata
    value = 100 * row["numerator"] / row["denominator"]
    projected, expected = value * total / gone, 100 * gone / total
    line = page.locator("#pace .pace").inner_text()
    status = "On pace" if value >= expected else "Behind pace"
    assert line.startswith(f"{status}: {value_text(value, 'percent')} of the target, "
                           f"{value_text(expected, 'percent')} due by now; at this pace "
                           f"{value_text(projected, 'percent')} by {format_date(end, 'en', 'jalali')}"), line
    due = {m: start + dt.timedelta(days=math.ceil(total * m / 100) - 1) for m in (50, 90, 100)}
    stones = page.locator("#pace .milestone")
    assert [s.inner_text().split(" ✓")[0] for s in stones.all()] == [f"{m}% by {format_date(d, 'en', 'jalali')}" for m, d in due.items()]
    assert [("reached" in (s.get_attribute("class") or "")) for s in stones.all()] == [value >= m for m in due]
    # the card says the same pace
    _open(page, "boss", passwords["boss"], "/?calendar=jalali")
    assert page.locator(".card[data-kpi=quota_attainment] .pace").inner_text() == line


def test_the_persian_file_picker_speaks_persian(page, passwords, demo_ws):
    from salesscope import locale

    _open(page, "boss", passwords["boss"], "/import?lang=fa")
    picker = page.locator("#import-form .file-row")
    assert picker.locator("label.button").inner_text() == locale.text("web.choose_files", "fa")
    assert page.locator("#import-chosen").inner_text() == locale.text("web.no_file_chosen", "fa")
    box = page.locator("#import-files").bounding_box()  # the browser's own English button is not seen
    assert box["width"] <= 1 and box["height"] <= 1
    files = sorted((demo_ws.path.parent / "demo-files").iterdir())[:2]
    with page.expect_file_chooser() as chooser:
        picker.locator("label.button").click()
    chooser.value.set_files([str(f) for f in files])
    chosen = page.locator("#import-chosen").inner_text()
    assert chosen == f"۲ فایل انتخاب شد: {files[0].name}، {files[1].name}"
    page.screenshot(path=str(SHOTS / "import-picker-fa.png"))

"""The HTML and PDF reports, rendered in headless Chromium and measured there."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from salesscope.report import render
from salesscope.report.builder import ReportData

pytestmark = pytest.mark.browser

PERSIAN_DIGIT = re.compile("[۰-۹]")
# Every element inside a card whose content is wider than its box (text spilling out).
OVERFLOWS = """() => Array.from(document.querySelectorAll('.card, .card *:not(svg):not(svg *):not(script), .finding, td, th'))
  .filter(e => e.getClientRects().length > 0)
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible' || (
      e.closest('.card') && e.getBoundingClientRect().right > e.closest('.card').getBoundingClientRect().right + 1) || (
      e.closest('.card') && e.getBoundingClientRect().left < e.closest('.card').getBoundingClientRect().left - 1))
  .map(e => e.className || e.tagName)"""


def _open(chromium, path: Path, width: int = 1100):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri(), wait_until="load")
    from salesscope.report.pdf import wait_for_charts

    wait_for_charts(page)
    return page, outside


def _check_page(page, outside: list[str], data: ReportData) -> None:
    assert outside == []  # opens with no network: nothing is fetched
    kpis = page.eval_on_selector_all(".card", "els => els.map(e => e.dataset.kpi)")
    assert sorted(kpis) == sorted(i.id for i in data.indicators)
    assert len(kpis) == 15
    for info in data.indicators:
        card = page.locator(f'.card[data-kpi="{info.id}"]')
        assert info.name(data.lang) in card.inner_text()
        assert card.locator(".plotly-graph-div .main-svg").count() >= 1
    current = data.current().set_index("kpi")
    for kpi, row in current.iterrows():
        text = page.locator(f'.card[data-kpi="{kpi}"]').inner_text()
        if row["value"] != row["value"]:  # undefined: the reason, never a number
            assert ("undefined:" if data.lang == "en" else "تعریف‌نشده:") in text
    assert page.evaluate(OVERFLOWS) == []
    html = page.locator("html")
    if data.lang == "fa":
        assert html.get_attribute("dir") == "rtl"
        values = page.eval_on_selector_all(".card .value", "els => els.map(e => e.textContent)")
        assert values and all(PERSIAN_DIGIT.search(v) and not re.search("[0-9]", v) for v in values)
        assert "گزارش فروش" in page.locator("h1").inner_text()
        assert page.locator(".chart[dir=ltr]").count() >= 15
        ticks = page.eval_on_selector_all(".ytick text", "els => els.map(e => e.textContent)")
        assert ticks and all(not re.search("[0-9]", t) for t in ticks)
    else:
        assert html.get_attribute("dir") == "ltr"
    font = page.evaluate("document.fonts.check('16px Vazirmatn')")
    assert font


def test_sample_html_renders_offline_without_overflow(chromium, sample: ReportData, tmp_path: Path) -> None:
    out = render(sample, "html", tmp_path / f"report-{sample.lang}.html")
    for width in (1100, 703):  # a desktop window and the printed A4 width
        page, outside = _open(chromium, out, width)
        _check_page(page, outside, sample)
        page.close()


def test_demo_html_in_both_languages(chromium, demo_reports: dict[str, ReportData], tmp_path: Path) -> None:
    for lang, data in demo_reports.items():
        out = render(data, "html", tmp_path / f"demo-{lang}.html")
        page, outside = _open(chromium, out)
        _check_page(page, outside, data)
        assert page.locator("#funnel .plotly-graph-div .main-svg").count() >= 1
        assert page.locator(".breakdown").count() >= 3
        if data.findings:  # the most valuable ones; the rest are counted
            assert page.locator(".finding").count() == len(data.top())
            assert page.locator("#more-findings").count() == (1 if data.more() else 0)
        page.screenshot(path=str(tmp_path / f"demo-{lang}.png"), full_page=True)
        page.close()


def test_cards_never_split_when_printed(chromium, tmp_path: Path) -> None:
    from sample import sample_report

    out = render(sample_report("fa"), "html", tmp_path / "print.html")
    page, _ = _open(chromium, out, 703)
    page.emulate_media(media="print")
    rules = page.eval_on_selector_all(".card, .finding, tr", "els => els.map(e => getComputedStyle(e).breakInside)")
    assert rules and set(rules) == {"avoid"}


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_pdf_is_a4_and_renders(chromium, lang: str, tmp_path: Path) -> None:
    from sample import sample_report

    data = sample_report(lang)
    pdf = render(data, "pdf", tmp_path / f"report-{lang}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages and all(p.stat().st_size > 5000 for p in pngs)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    if lang == "en":
        for info_ in data.indicators:
            assert info_.name("en").split()[0] in text
        assert "undefined:" in text
    else:
        assert PERSIAN_DIGIT.search(text)

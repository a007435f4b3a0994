"""The forecast-and-plan section of the report (HTML in Chromium, PDF) and its sheets in the workbook."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from salesscope.report import render
from salesscope.report.builder import ReportData
from salesscope.report.outlook import Outlook

TITLES = {"en": "Forecast and plan", "fa": "پیش‌بینی و برنامه"}
PLANS = {"en": (5e7, "2026-Q3"), "fa": (300_000, "1405-Q2")}


@pytest.fixture(scope="module")
def with_plan(demo_reports: dict[str, ReportData], demo_path: Path) -> dict[str, ReportData]:
    """The demo reports with a plan added (a target far beyond reach in English, a modest one in Persian)."""
    import salesscope
    from salesscope.forecast import plan

    ws = salesscope.open(demo_path, read_only=True)
    out = {}
    for lang, data in demo_reports.items():
        target, period = PLANS[lang]
        p = plan(ws, target, period, calendar=data.calendar).to_dict()
        out[lang] = dataclasses.replace(data, outlook=Outlook(frame=data.outlook.frame, plan=p))
    ws.close()
    return out


def test_demo_reports_carry_a_forecast(demo_reports: dict[str, ReportData]) -> None:
    for data in demo_reports.values():
        fc = data.outlook.frame
        assert fc is not None and len(fc) == 3
        assert (fc["low_95"] <= fc["expected"]).all() and (fc["expected"] <= fc["high_95"]).all()
        assert fc.attrs["track_record"]["n"] > 0
    assert demo_reports["fa"].outlook.frame["period"].iloc[0].startswith("140")  # Jalali periods


@pytest.mark.browser
def test_html_section_in_both_languages(chromium, with_plan: dict[str, ReportData], tmp_path: Path) -> None:
    from salesscope.report.pdf import wait_for_charts

    for lang, data in with_plan.items():
        out = render(data, "html", tmp_path / f"outlook-{lang}.html")
        page = chromium.new_page(viewport={"width": 1100, "height": 900})
        page.goto(out.as_uri(), wait_until="load")
        wait_for_charts(page)
        section = page.locator("section#forecast")
        assert TITLES[lang] in section.locator("h2").inner_text()
        assert page.locator("nav a[href='#forecast']").count() == 1
        assert section.locator("#forecast-chart .main-svg").count() >= 1
        assert section.locator(".forecast-table tbody tr").count() == 3
        assert section.locator(".track-table tbody tr").count() >= 2
        assert section.locator(".plan-table").count() == 1 and section.locator(".channel-table").count() == 1
        text = section.inner_text()
        if lang == "fa":
            assert "کارنامه پیش‌بینی" in text and "سرنخ‌ها" in text and "فرض‌ها" in text
            assert re.search("[۰-۹]", text) and not re.search("[0-9]", section.locator(".forecast-table").inner_text())
            ticks = section.locator(".ytick text").all_text_contents()
            assert ticks and not any(re.search("[0-9]", t) for t in ticks)
        else:
            assert "Track record" in text and "Out of reach at current rates." in text
            assert "prospecting hours" in text  # the reason it is out of reach
        page.screenshot(path=str(tmp_path / f"outlook-{lang}.png"), full_page=True)
        page.close()


def test_report_without_target_says_how_to_ask_for_a_plan(demo_reports: dict[str, ReportData],
                                                          tmp_path: Path) -> None:
    for lang, data in demo_reports.items():
        html = render(data, "html", tmp_path / f"plain-{lang}.html").read_text(encoding="utf-8")
        assert 'id="forecast"' in html and TITLES[lang] in html
        assert "--target AMOUNT" in html


def test_report_without_forecast_has_no_section(demo_reports: dict[str, ReportData], tmp_path: Path) -> None:
    data = dataclasses.replace(demo_reports["en"], outlook=None)
    html = render(data, "html", tmp_path / "none.html").read_text(encoding="utf-8")
    assert 'id="forecast"' not in html


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_workbook_has_forecast_and_plan_sheets(with_plan: dict[str, ReportData], lang: str, tmp_path: Path) -> None:
    out = render(with_plan[lang], "xlsx", tmp_path / f"outlook-{lang}.xlsx")
    wb = openpyxl.load_workbook(out)
    names = {"en": ("Forecast", "Plan"), "fa": ("پیش‌بینی", "برنامه")}[lang]
    assert set(names) <= set(wb.sheetnames)
    fc = wb[names[0]]
    assert [c.value for c in fc[1]][:4] == ["period", "period_start", "period_end", "expected"]
    rows = list(fc.iter_rows(min_row=2, max_row=4, values_only=True))
    assert all(isinstance(r[3], float) and r[4] <= r[3] <= r[5] for r in rows)
    assert bool(fc.sheet_view.rightToLeft) == (lang == "fa")
    texts = [c.value for c in fc["A"] if isinstance(c.value, str)]
    assert any(("MAPE" in t) for t in texts)
    plan = wb[names[1]]
    items = [r[1] for r in plan.iter_rows(min_row=2, values_only=True) if r[1]]
    assert {"gap", "wins", "opportunities", "leads", "outreach", "hours"} <= set(items)


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_has_the_section(chromium, with_plan: dict[str, ReportData], tmp_path: Path) -> None:
    pdf = render(with_plan["en"], "pdf", tmp_path / "outlook.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Forecast and plan" in text and "Track record" in text and "Out of reach" in text

"""One value reads the same in the terminal, the HTML report, the workbook and the API's display
strings, in English and in Persian."""

from __future__ import annotations

import html
import math
import re

import openpyxl
from rich.console import Console

from salesscope.cli.output import kpi_grids, last_complete
from salesscope.cli.screen import render as show
from salesscope.i18n import to_persian_digits
from salesscope.report import build, render

KPIS = ("rrroi", "avg_deal_size", "win_rate", "activities_per_win", "sales_cycle_days")
UNIT_EN = {"points_per_hour": " pp/h", "percent": "%", "ratio": "×", "days": " days"}


def by_hand(v: float, unit: str, currency: str) -> str:
    """The English text written from the raw value: three significant digits, whole money, the unit."""
    if unit == "money" and abs(v) >= 100:
        text = f"{round(v):,}"
    else:
        places = max(0, 2 - math.floor(math.log10(abs(v))))
        text = f"{v:,.{places}f}"
        if abs(v) < 1:
            text = text.rstrip("0").rstrip(".")
    return text + (f" {currency}" if unit == "money" else UNIT_EN[unit])


def excel_text(value: float, fmt: str) -> str:
    """What a spreadsheet shows for ``value`` under the simple formats the workbook uses."""
    sections = fmt.split(";")
    part = sections[0] if value >= 0 or len(sections) == 1 else sections[1]
    m = re.fullmatch(r'([+-]?)#,##0(?:\.([0#]+))?(?:"(.*)")?', part)
    assert m, fmt
    sign, places, suffix = m.group(1), m.group(2) or "", m.group(3) or ""
    text = f"{abs(value) if sign else value:,.{len(places)}f}"
    if places.startswith("#"):
        text = text.rstrip("0").rstrip(".")
    return sign + text + suffix


def test_a_value_reads_the_same_on_every_surface(demo_ws, as_role, tmp_path):
    client, _ = as_role("boss")
    rows, period = last_complete(demo_ws.kpis(None, grain="month"))
    api = client.get("/api/v1/indicators", params={"grain": "month"}).json()["rows"]
    shown = {r["kpi"]: r for r in api if r["period"] == period}
    currency = demo_ws.config.currency
    for lang in ("en", "fa"):
        console = Console(record=True, width=200)
        data = build(demo_ws, lang=lang, period=period, grain="month")
        names = {i.id: i.name(lang) for i in data.indicators}
        for grid in kpi_grids(rows, [], names, lang=lang, currency=currency, period=period):
            show(console, grid)
        cli = re.sub("[\u2066-\u2069]", "", console.export_text())
        page = render(data, "html", tmp_path / f"report-{lang}.html").read_text(encoding="utf-8")
        book = openpyxl.load_workbook(render(data, "xlsx", tmp_path / f"report-{lang}.xlsx"))
        cells = {}
        for sheet in book.worksheets:
            head = [c.value for c in sheet[1]]
            if "value" not in head or "kpi" not in head:
                continue
            for row in sheet.iter_rows(min_row=2):
                kpi, when, cell = row[head.index("kpi")].value, row[head.index("period")].value, row[head.index("value")]
                if when == period and kpi in KPIS and kpi not in cells:
                    cells[kpi] = cell
        for kpi in KPIS:
            r = shown[kpi]
            text = r["display"][lang]["value"]
            if lang == "en":
                assert text == by_hand(r["value"], r["unit"], currency), kpi
            else:
                assert text == to_persian_digits(by_hand(r["value"], r["unit"], currency)).replace(
                    " pp/h", " واحد درصد در ساعت").replace(" days", " روز"), kpi
            assert text in cli, (kpi, lang, text)
            assert html.escape(text) in page, (kpi, lang, text)
            excel = excel_text(cells[kpi].value, cells[kpi].number_format)
            assert (to_persian_digits(excel) if lang == "fa" else excel) == text, (kpi, lang)
        change = shown["win_rate"]["display"][lang]["change"]
        assert change.endswith(" pp" if lang == "en" else " واحد درصد") and html.escape(change) in page


def test_api_reads_jalali_dates_and_persian_digits(as_role):
    client, _ = as_role("boss")
    iso = client.get("/api/v1/indicators", params={"ids": "win_rate", "grain": "week",
                                                   "from": "2026-03-21", "to": "2026-04-20"})
    typed = client.get("/api/v1/indicators", params={"ids": "win_rate", "grain": "week",
                                                     "from": "۱۴۰۵/۰۱/۰۱", "to": "1405-01-31"})
    assert iso.status_code == typed.status_code == 200
    assert typed.json()["rows"] == iso.json()["rows"] and iso.json()["rows"]
    bad = client.get("/api/v1/indicators", params={"from": "1405/13/01"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "usage_error"
    assert "1405/13/01" in bad.json()["error"]["message"]

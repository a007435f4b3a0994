"""One value reads the same in the terminal, the HTML report, the workbook and the API's display
strings, in English and in Persian."""

from __future__ import annotations

import html
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
from rich.console import Console

from salesscope.cli.output import kpi_grids, last_complete
from salesscope.cli.screen import render as show
from salesscope.i18n import to_persian_digits
from salesscope.report import build, render

# One indicator of each unit: points per hour, money, percent, ratio, days, hours, leads per hour, money per day.
KPIS = ("rrroi", "avg_deal_size", "win_rate", "activities_per_win", "sales_cycle_days", "lead_response_time", "lgr",
        "sales_velocity")
# The unit words, written here by hand; a percentage's change is in points.
UNIT = {"en": {"points_per_hour": " pp/h", "percent": "%", "points": " pp", "ratio": "×", "days": " days",
               "hours": " h", "leads_per_hour": " leads/h", "money": " {cur}", "money_per_day": " {cur}/day", "count": ""},
        "fa": {"points_per_hour": " واحد درصد در ساعت", "percent": "٪", "points": " واحد درصد", "ratio": "×",
               "days": " روز", "hours": " ساعت", "leads_per_hour": " سرنخ در ساعت", "money": " {cur}",
               "money_per_day": " {cur} در روز", "count": ""}}
CAN_BE_NEGATIVE = {"points_per_hour"}
SALESSCOPE = Path(sys.executable).parent / "salesscope"
ISOLATES = re.compile("[\u2066-\u2069]")


def digits_by_hand(v: float, unit: str, signed: bool = False) -> str:
    """Three significant digits (none from 100 up, none for a whole count), separators, trailing zeros
    dropped below 1, a sign on a change."""
    if v == 0:
        text = "0"
    else:
        whole = abs(v) >= 100 or (unit == "count" and float(v).is_integer())
        places = 0 if whole else max(0, 2 - math.floor(math.log10(abs(v))))
        text = f"{abs(v) if signed else v:,.{places}f}"
        if abs(v) < 1:
            text = text.rstrip("0").rstrip(".")
    if signed:
        text = ("+" if v > 0 else "-" if v < 0 else "±") + text
    return text


def by_hand(v: float, unit: str, lang: str, cur: str, *, change: bool = False) -> str:
    """How a value (or a change) reads, written from the raw number in ``lang``."""
    text = digits_by_hand(v, unit, signed=change)
    word = UNIT[lang]["points" if change and unit == "percent" else unit].format(cur=cur)
    return (to_persian_digits(text) if lang == "fa" else text) + word


def interval_by_hand(lo: float, hi: float, unit: str, lang: str, cur: str) -> str:
    """Both ends in the same digits, the unit once; a quantity that cannot be negative starts at zero."""
    if unit not in CAN_BE_NEGATIVE:
        lo = max(lo, 0.0)
    ends = [digits_by_hand(x, unit) for x in (lo, hi)]
    if lang == "fa":
        ends = [to_persian_digits(x) for x in ends]
    return f"{ends[0]} – {ends[1]}" + UNIT[lang][unit].format(cur=cur)


def excel_text(value: float, fmt: str, lang: str) -> str:
    """What a spreadsheet shows for ``value`` under the simple formats the workbook uses (in the
    reader's digits, as a spreadsheet set to that language shows them)."""
    sections = fmt.split(";")
    part = sections[0] if value >= 0 or len(sections) == 1 else sections[1]
    if value == 0 and len(sections) > 2:
        part = sections[2]
    m = re.fullmatch(r'([+-]?)#,##0(?:\.([0#]+))?(?:"(.*)")?', part)
    assert m, fmt
    sign, places, suffix = m.group(1), m.group(2) or "", m.group(3) or ""
    text = f"{abs(value) if sign else value:,.{len(places)}f}"
    if places.startswith("#"):
        text = text.rstrip("0").rstrip(".")
    text = sign + text
    return (to_persian_digits(text) if lang == "fa" else text) + suffix


def sheet_rows(book, *needed: str) -> list[dict]:
    """Every row of the sheets whose header holds ``needed``, as {header: cell}."""
    out = []
    for sheet in book.worksheets:
        head = [c.value for c in sheet[1]]
        if set(needed) <= set(head):
            out += [dict(zip(head, row, strict=False)) for row in sheet.iter_rows(min_row=2)]
    return out


def test_a_value_reads_the_same_on_every_surface(demo_ws, as_role, tmp_path):
    client, _ = as_role("boss")
    rows, period = last_complete(demo_ws.kpis(None, grain="month"))
    api = client.get("/api/v1/indicators", params={"grain": "month"}).json()["rows"]
    shown = {r["kpi"]: r for r in api if r["period"] == period}
    currency = demo_ws.config.currency
    checked = {"value": 0, "change": 0, "interval": 0, "n": 0}
    for lang in ("en", "fa"):
        console = Console(record=True, width=250)
        data = build(demo_ws, lang=lang, period=period, grain="month", forecast=False)
        names = {i.id: i.name(lang) for i in data.indicators}
        for grid in kpi_grids(rows, [], names, lang=lang, currency=currency, period=period):
            show(console, grid)
        cli = ISOLATES.sub("", console.export_text())
        page = render(data, "html", tmp_path / f"report-{lang}.html").read_text(encoding="utf-8")
        book = openpyxl.load_workbook(render(data, "xlsx", tmp_path / f"report-{lang}.xlsx"))
        cells = {}
        for row in sheet_rows(book, "kpi", "period", "value"):
            if row["period"].value == period and row["kpi"].value in KPIS:
                cells.setdefault(row["kpi"].value, row)
        for kpi in KPIS:
            r, cell = shown[kpi], cells[kpi]
            unit, text = r["unit"], r["display"][lang]
            assert r["value"] is not None, kpi  # every unit is really checked
            assert text["value"] == by_hand(r["value"], unit, lang, currency), kpi
            assert text["value"] in cli and html.escape(text["value"]) in page, (kpi, lang, text["value"])
            assert excel_text(cell["value"].value, cell["value"].number_format, lang) == text["value"], (kpi, lang)
            checked["value"] += 1
            if r["change"] is not None:
                assert text["change"] == by_hand(r["change"], unit, lang, currency, change=True), kpi
                assert text["change"] in cli and html.escape(text["change"]) in page, (kpi, lang, text["change"])
                c = cell["change"]
                assert excel_text(c.value, c.number_format, lang) == text["change"], (kpi, lang)
                checked["change"] += 1
            if r["ci_low"] is not None:
                assert text["interval"] == interval_by_hand(r["ci_low"], r["ci_high"], unit, lang, currency), kpi
                assert text["interval"] in cli and html.escape(text["interval"]) in page, (kpi, lang)
                lo, hi = cell["ci_low"], cell["ci_high"]
                low = max(lo.value, 0.0) if unit not in CAN_BE_NEGATIVE else lo.value
                assert excel_text(hi.value, hi.number_format, lang) == by_hand(r["ci_high"], unit, lang, currency)
                assert excel_text(low, lo.number_format, lang).removesuffix(UNIT[lang][unit].format(cur=currency)) \
                    == text["interval"].split(" – ")[0], (kpi, lang)
                checked["interval"] += 1
            # The sample size is a count: grouped, whole, in the workbook as a count (never a percent).
            assert text["n"] == by_hand(r["n"], "count", lang, currency) and text["n"] in cli
            assert excel_text(cell["n"].value, cell["n"].number_format, lang) == text["n"]
            for col in ("numerator", "denominator"):
                if cell[col].value is not None:
                    assert "%" not in cell[col].number_format and "٪" not in cell[col].number_format, (kpi, col)
            checked["n"] += 1
        change = shown["win_rate"]["display"][lang]["change"]
        assert change.endswith(" pp" if lang == "en" else " واحد درصد") and html.escape(change) in page
    # Each unit in both languages, and most of them with a change and an interval.
    assert checked["value"] == checked["n"] == 2 * len(KPIS)
    assert checked["change"] >= 2 * 6 and checked["interval"] >= 2 * 6, checked


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


def cli(ws, lang: str, *args: str) -> str:
    """The installed command's screen, wide enough that no cell wraps, without bidi isolates."""
    out = subprocess.run([str(SALESSCOPE), *args, "-w", str(ws.path), "--lang", lang], capture_output=True, text=True,
                         timeout=600, env={**os.environ, "COLUMNS": "250", "LINES": "10000"})
    assert out.returncode == 0, out.stderr
    return ISOLATES.sub("", out.stdout)


def test_forecast_and_plan_read_the_same_on_every_surface(demo_ws, as_role, tmp_path):
    client, _ = as_role("boss")
    cur = demo_ws.config.currency
    fc = client.get("/api/v1/forecast", params={"periods": 3}).json()
    plan = client.get("/api/v1/plan", params={"target": "400000", "period": "2026-Q3"}).json()
    assert fc["rows"] and plan["needs"] and plan["channels"] and fc["track_record"]["n"]
    for lang in ("en", "fa"):
        # The display strings, written by hand from the raw numbers.
        expect: list[str] = []  # every text that must read the same on every surface
        for r in fc["rows"]:
            d = r["display"][lang]
            for k in ("expected", "won_to_date", "from_pipeline", "from_run_rate"):
                assert d[k] == by_hand(r[k], "money", lang, cur), (k, lang)
            for band in ("80", "95"):
                assert d[f"interval_{band}"] == interval_by_hand(r[f"low_{band}"], r[f"high_{band}"], "money", lang, cur)
            expect += [d["expected"], d["interval_80"], d["interval_95"], d["from_pipeline"]]
        scores = fc["track_record"]["display"][lang]["all"]
        for k in ("mape", "wape", "bias", "coverage_80", "coverage_95"):
            assert scores[k] == by_hand(fc["track_record"][k], "percent", lang, cur), k
        assert scores["n"] == by_hand(fc["track_record"]["n"], "count", lang, cur)
        assert plan["display"][lang]["gap"] == by_hand(plan["gap"], "money", lang, cur)
        needs = []
        for item, e in plan["needs"].items():
            unit, d = "hours" if item == "hours" else "count", e["display"][lang]
            assert d["value"] == by_hand(e["value"], unit, lang, cur), item
            assert d["interval_80"] == interval_by_hand(e["low_80"], e["high_80"], unit, lang, cur), item
            if e["last_period"] is not None:
                assert d["last_period"] == by_hand(e["last_period"], unit, lang, cur), item
            needs.append((item, e, d))
        for c in plan["channels"]:
            d = c["display"][lang]
            assert d["leads"] == by_hand(c["leads"]["value"], "count", lang, cur)
            if c["rrroi"] is not None:
                assert d["rrroi"] == by_hand(c["rrroi"], "points_per_hour", lang, cur)
            if c["hours"]["value"] is not None:
                assert d["hours"] == by_hand(c["hours"]["value"], "hours", lang, cur)
                expect.append(d["interval_80"])
            expect.append(d["leads"])
        expect += [plan["display"][lang]["gap"]] + [d[k] for _, _, d in needs for k in ("value", "interval_80", "last_period")]

        # The report (HTML) and the terminal show those very strings; the terminal's amounts are in the
        # currency its titles name.
        data = build(demo_ws, lang=lang, grain="month", target=400000, target_period="2026-Q3",
                     sections=["forecast"])
        page = ISOLATES.sub("", html.unescape(render(data, "html", tmp_path / f"outlook-{lang}.html")
                                              .read_text(encoding="utf-8")))
        screen = cli(demo_ws, lang, "forecast") + cli(demo_ws, lang, "plan", "--target", "400000", "--period", "2026-Q3")
        for text in expect:
            assert text in page, (lang, text)
            assert text.removesuffix(f" {cur}") in screen, (lang, text)
        assert f"{scores['mape']}" in page and f"{scores['mape']}" in screen

        # The workbook keeps numbers, in formats that show the same text.
        book = openpyxl.load_workbook(render(data, "xlsx", tmp_path / f"outlook-{lang}.xlsx"))
        periods = {row["period"].value: row for row in sheet_rows(book, "period", "expected", "low_80")}
        for r in fc["rows"]:
            row, d = periods[r["period"]], r["display"][lang]
            for k in ("expected", "from_pipeline", "from_run_rate"):
                assert excel_text(row[k].value, row[k].number_format, lang) == d[k], (k, lang)
            lo, hi = row["low_80"], row["high_80"]
            assert f"{excel_text(max(lo.value, 0.0), lo.number_format, lang)} – " \
                   f"{excel_text(hi.value, hi.number_format, lang)}".replace(f" {cur} – ", " – ") == d["interval_80"]
        items = {row["item"].value: row for row in sheet_rows(book, "item", "value", "last_period")
                 if row["channel"].value is None}
        for item, _, d in needs:
            cell = items[item]["value"]
            assert excel_text(cell.value, cell.number_format, lang) == d["value"], (item, lang)
            assert "%" not in cell.number_format


def test_the_dashboards_funnel_and_targets_read_as_written_by_hand(demo_ws, as_role):
    """The funnel's counts and conversions and a card's target come from the server as text, the
    same as every other surface writes them (the page formats none of them itself)."""
    client, _ = as_role("boss")
    rows = client.get("/api/v1/funnel", params={"grain": "month", "by": "channel"}).json()["rows"]
    counted = [r for r in rows if r["count"] is not None and r["conversion"] is not None]
    assert len(counted) > 20
    for r in counted:
        for lang in ("en", "fa"):
            assert r["display"][lang]["count"] == by_hand(r["count"], "count", lang, ""), r
            assert r["display"][lang]["conversion"] == by_hand(r["conversion"], "percent", lang, ""), r
    from salesscope.formatting import display

    for unit, target in (("money", 52300.00000000002), ("percent", 41.25), ("days", 30.0)):
        shown = display({"value": None, "unit": unit, "target": target}, "EUR")
        for lang in ("en", "fa"):
            assert shown[lang]["target"] == by_hand(target, unit, lang, "EUR")

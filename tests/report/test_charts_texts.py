"""The chart module and the report's texts: pure functions, no browser."""

from __future__ import annotations

import itertools
import math

from sample import sample_report

from salesscope import charts
from salesscope.report import texts


def test_nice_ticks_cover_the_range() -> None:
    for lo, hi in [(0, 9.3), (0.12, 0.47), (-3, 250), (5, 5), (1e6, 3.2e6)]:
        ticks = charts.nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and len(ticks) >= 2
        steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
        assert len(steps) == 1


def test_trend_in_persian_has_persian_ticks_and_gaps_for_undefined() -> None:
    data = sample_report("fa")
    fig = charts.trend(data.kpis, "rrroi", lang="fa")
    line = [t for t in fig.data if t.mode == "lines+markers"][0]
    assert all(ch in "۰۱۲۳۴۵۶۷۸۹-−" for x in line.x for ch in x)
    assert any(v is None or math.isnan(v) for v in line.y)  # 2026-04 is undefined: a gap, not 0
    assert "تعریف‌نشده" in line.customdata
    ticks = fig.layout.yaxis.ticktext
    assert ticks and all(not any(c.isascii() and c.isdigit() for c in t) for t in ticks)
    assert "Vazirmatn" in fig.layout.font.family


def test_funnel_and_breakdown_figures() -> None:
    data = sample_report("en")
    fig = charts.funnel(data.funnel, lang="en")
    assert list(fig.data[0].x) == [1200, 950, 400, 180, 60]
    assert fig.data[0].text[1].startswith("Contacted: 950 (79.2%)")
    bars = charts.breakdown(data.breakdowns["team"], "win_rate", "team", lang="fa")
    assert set(bars.data[0].y) == {"North", "South"}
    spark = charts.sparkline(data.kpis, "win_rate")
    assert len(spark.data[0].y) == 6


def test_value_formatting_and_reasons() -> None:
    assert texts.format_value(63.16, "percent", "en") == "63.2%"
    assert texts.format_value(float("nan"), "percent", "fa") == "—"
    assert texts.format_value(1234567.0, "money", "fa", "IRR") == "۱٬۲۳۴٬۵۶۷ IRR"
    assert texts.format_value(-2.5, "percent", "en", signed=True) == "-2.50 pp"  # a percentage changes in points
    assert texts.reason_text("missing_input:quotas", "en") == "the quotas table is empty"
    assert texts.reason_text("missing_input:quotas", "fa") == "جدول سهمیه‌ها خالی است"
    assert texts.reason_text("some_new_code", "en") == "some new code"

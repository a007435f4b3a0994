"""Jalali and fiscal bucketing, around Nowruz and the Esfand leap day."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from salesscope.engine.calendar import period_of, periods_between
from salesscope.vocab import Calendar, Grain


@pytest.mark.parametrize(("day", "grain", "calendar", "fs", "label", "start", "end"), [
    # Nowruz 1403 falls on 2024-03-20; 1402 Esfand ends the day before
    ("2024-03-19", "month", "jalali", 1, "1402-12", "2024-02-20", "2024-03-19"),
    ("2024-03-20", "month", "jalali", 1, "1403-01", "2024-03-20", "2024-04-19"),
    # 1403 is a leap year: Esfand has 30 days, so 2025-03-20 is still 1403
    ("2025-03-20", "month", "jalali", 1, "1403-12", "2025-02-19", "2025-03-20"),
    ("2025-03-20", "year", "jalali", 1, "1403", "2024-03-20", "2025-03-20"),
    ("2025-03-21", "quarter", "jalali", 1, "1404-Q1", "2025-03-21", "2025-06-21"),
    # Persian weeks start on Saturday
    ("2026-02-25", "week", "jalali", 1, "1404-W49", "2026-02-21", "2026-02-27"),
    ("2026-02-25", "week", "gregorian", 1, "2026-W09", "2026-02-23", "2026-03-01"),
    # a fiscal year starting in April (Gregorian) and in Mehr (Jalali month 7)
    ("2026-02-21", "quarter", "gregorian", 4, "FY2025-Q4", "2026-01-01", "2026-03-31"),
    ("2026-04-01", "year", "gregorian", 4, "FY2026", "2026-04-01", "2027-03-31"),
    ("2025-10-01", "year", "jalali", 7, "FY1404", "2025-09-23", "2026-09-22"),
])
def test_period_of(day, grain, calendar, fs, label, start, end):
    p = period_of(dt.date.fromisoformat(day), Grain(grain), Calendar(calendar), fs)
    assert (p.label, p.start.isoformat(), p.end.isoformat()) == (label, start, end)


def test_periods_are_contiguous():
    ps = periods_between(dt.date(2023, 1, 1), dt.date(2026, 12, 31), Grain.MONTH, Calendar.JALALI)
    for a, b in itertools.pairwise(ps):
        assert b.start == a.end + dt.timedelta(days=1)


def test_jalali_buckets_in_queries(make_ws):
    leads = [{"lead_id": f"l{i}", "created_at": d} for i, d in
             enumerate(["2024-03-19 23:30", "2024-03-20 00:10", "2024-03-25 10:00", "2025-03-20 12:00", "2025-03-21 09:00"])]
    ws = make_ws({"leads": leads}, calendar="jalali")
    df = ws.kpis(["lead_conversion_rate"], grain="month", start="2024-03-01", end="2025-03-31")
    counts = dict(zip(df["period"], df["denominator"], strict=True))
    assert counts["1402-12"] == 1 and counts["1403-01"] == 2
    assert counts["1403-12"] == 1 and counts["1404-01"] == 1
    yearly = ws.kpis(["lead_conversion_rate"], grain="year", start="2024-03-01", end="2025-03-31")
    assert dict(zip(yearly["period"], yearly["denominator"], strict=True)) == {"1402": 1, "1403": 3, "1404": 1}
    assert str(yearly.iloc[1].period_start.date()) == "2024-03-20"

"""Reports default to the last period the data covers whole, not the one in progress."""

from __future__ import annotations

import datetime as dt

import pytest

from salesscope.report.builder import build

FIRST, LAST = dt.date(2025, 12, 1), dt.date(2026, 5, 13)


@pytest.fixture
def ws(make_ws):
    days = (LAST - FIRST).days + 1
    leads = [{"lead_id": f"l{i}", "created_at": f"{FIRST + dt.timedelta(days=i)} 09:00", "channel": "web"}
             for i in range(days)]
    opps = [{"opportunity_id": f"o{i}", "created_at": f"{FIRST + dt.timedelta(days=i)} 10:00",
             "closed_at": f"{FIRST + dt.timedelta(days=i + 5)} 10:00", "status": "won" if i % 3 else "lost",
             "amount": 100 + i} for i in range(0, days - 5, 2)]
    return make_ws({"leads": leads, "opportunities": opps})


# today is well after the data's end, so "ended before today" alone would pick the period in progress
@pytest.mark.parametrize(("grain", "calendar", "expected"), [
    ("month", "gregorian", "2026-04"),     # May holds 13 days of data
    ("quarter", "gregorian", "2026-Q1"),   # Q2 holds 43 days
    ("month", "jalali", "1405-01"),        # 1405-02 began on 2026-04-21: 23 days of data
    ("quarter", "jalali", "1404-Q4"),      # 1404-Q4 is 2025-12-22..2026-03-20, all inside the data
])
def test_report_picks_the_last_complete_period(ws, grain, calendar, expected):
    data = build(ws, grain=grain, calendar=calendar, forecast=False, today=dt.date(2026, 9, 1))
    assert data.period == expected
    assert data.kpis["complete"][data.kpis["period"] == expected].all()


def test_a_period_asked_for_is_reported_even_in_progress(ws):
    data = build(ws, grain="month", period="2026-05", forecast=False, today=dt.date(2026, 9, 1))
    assert data.period == "2026-05"
    assert not data.kpis["complete"][data.kpis["period"] == "2026-05"].any()

"""Every result row says whether the data covers its period whole, at every grain in both calendars.

The data runs from 2026-01-01 to 2026-05-13: it starts within a Jalali month (1404-10 began on
2025-12-22) and an ISO week, and ends in the middle of a month, a quarter, a Jalali month
(1405-02 began on 2026-04-21), a week and a year. The expected days are counted by hand below.
"""

from __future__ import annotations

import datetime as dt

import pytest

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 5, 13)


@pytest.fixture
def ws(make_ws):
    days = (LAST - FIRST).days + 1
    leads = [{"lead_id": f"l{i}", "created_at": f"{FIRST + dt.timedelta(days=i)} 09:00", "channel": "web"}
             for i in range(days)]
    return make_ws({"leads": leads})


# (grain, calendar) -> {period label: (days covered, complete)}
EXPECTED = {
    ("month", "gregorian"): {"2026-01": (31, True), "2026-02": (28, True), "2026-04": (30, True),
                             "2026-05": (13, False)},
    ("quarter", "gregorian"): {"2026-Q1": (90, True), "2026-Q2": (30 + 13, False)},
    ("year", "gregorian"): {"2026": (31 + 28 + 31 + 30 + 13, False)},
    # 2026-01-01 is a Thursday (its ISO week began on Monday 2025-12-29); 2026-05-13 a Wednesday
    ("week", "gregorian"): {"2026-W01": (4, False), "2026-W02": (7, True), "2026-W20": (3, False)},
    ("day", "gregorian"): {"2026-05-13": (1, True), "2026-01-01": (1, True)},
    # Dey 1404 = 2025-12-22..2026-01-20; Farvardin 1405 = 2026-03-21..04-20; Ordibehesht from 04-21
    ("month", "jalali"): {"1404-10": (20, False), "1404-11": (30, True), "1405-01": (31, True),
                          "1405-02": (23, False)},
    ("quarter", "jalali"): {"1404-Q4": (31 + 28 + 20, False), "1405-Q1": (11 + 30 + 13, False)},
    ("year", "jalali"): {"1404": (31 + 28 + 20, False), "1405": (11 + 30 + 13, False)},
    # Persian weeks start on Saturday: 2026-05-09 to 2026-05-15 holds 5 days of data
    ("week", "jalali"): {"1405-W08": (5, False)},
}


@pytest.mark.parametrize(("grain", "calendar"), list(EXPECTED))
def test_rows_say_how_much_of_their_period_the_data_covers(ws, grain, calendar):
    df = ws.kpis(["lead_conversion_rate", "lgr"], grain=grain, calendar=calendar)
    assert df.attrs["data_start"] == FIRST.isoformat() and df.attrs["data_end"] == LAST.isoformat()
    for label, (days, complete) in EXPECTED[(grain, calendar)].items():
        rows = df[df["period"] == label]
        assert len(rows) == 2, (label, df["period"].unique())
        assert set(rows["days_covered"]) == {days}, label
        assert set(rows["complete"]) == {complete}, label
    # a period is complete exactly when the data covers each of its days
    length = (df["period_end"] - df["period_start"]).dt.days + 1
    assert (df["complete"] == (df["days_covered"] == length)).all()
    # the change of each row is marked when the period it is measured against is partial
    per = df[df["kpi"] == "lgr"].sort_values("period_start")
    assert list(per["previous_complete"])[1:] == list(per["complete"])[:-1]


def test_previous_period_before_the_data_is_not_whole(ws):
    df = ws.kpis(["lead_conversion_rate"], grain="month")
    jan, may = (df[df["period"] == p].iloc[0] for p in ("2026-01", "2026-05"))
    assert not jan.previous_complete  # December holds no data
    assert may.previous_complete and not may.complete


def test_breakdown_rows_carry_the_flags(ws):
    df = ws.kpis(["lead_conversion_rate"], grain="quarter", by=["channel"])
    q2 = df[df["period"] == "2026-Q2"]
    assert len(q2) and not q2["complete"].any() and set(q2["days_covered"]) == {43}


def test_a_deal_closed_after_every_record_was_created_extends_the_data(make_ws):
    ws = make_ws({"opportunities": [
        {"opportunity_id": "o1", "created_at": "2026-01-10", "closed_at": "2026-03-31", "status": "won",
         "amount": 10},
        {"opportunity_id": "o2", "created_at": "2026-02-01", "status": "open", "amount": 5}]})
    df = ws.kpis(["win_rate"], grain="month")
    assert df.attrs["data_end"] == "2026-03-31"
    assert df.set_index("period").loc["2026-03", "complete"]
    assert not df.set_index("period").loc["2026-01", "complete"]  # the data starts on the 10th


def test_an_empty_workspace_covers_nothing(make_ws):
    df = make_ws().kpis(["win_rate"], start="2026-01-01", end="2026-01-31")
    assert df.attrs["data_end"] is None
    assert not df["complete"].any() and (df["days_covered"] == 0).all()

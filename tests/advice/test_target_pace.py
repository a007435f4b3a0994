"""A target's pace in a period not over yet: worked by hand for a sum that accumulates (quota
attainment) and for a rate, which holds its level to the period's end."""

from __future__ import annotations

import datetime as dt

from salesscope.advice.targets import pace

APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def test_an_accumulating_indicator_is_held_to_its_share_of_the_period():
    # 21 of 30 days gone, 63% of the quota won: 90% by the end at this speed, behind the 70% due by now
    p = pace("quota_attainment", 63.0, None, True, *APRIL, dt.date(2026, 4, 22))
    assert p["target"] == 100.0 and p["elapsed"] == 21 / 30
    assert round(p["expected"], 6) == 70.0 and not p["on_pace"]
    assert round(p["projected"], 6) == 90.0 and round(p["projected_progress"], 6) == 90.0
    assert [(m["percent"], m["due"], m["reached"]) for m in p["milestones"]] == [
        (50, "2026-04-15", True), (90, "2026-04-27", False), (100, "2026-04-30", False)]
    # a target of its own replaces the implicit 100%
    p = pace("quota_attainment", 63.0, 80.0, True, *APRIL, dt.date(2026, 4, 22))
    assert round(p["progress"], 6) == round(100 * 63 / 80, 6) and p["on_pace"] is True


def test_a_rate_holds_its_level_and_has_no_milestone_days():
    # win rate 27% against a 30% target: 90% of it, wherever in the month
    p = pace("win_rate", 27.0, 30.0, True, *APRIL, dt.date(2026, 4, 10))
    assert p["projected"] == 27.0 and round(p["progress"], 6) == 90.0 and p["expected"] == 100.0
    assert not p["on_pace"] and all(m["due"] is None for m in p["milestones"])
    # lower is better: 12 days against a 10-day target is 10/12 of it
    p = pace("sales_cycle_days", 12.0, 10.0, False, *APRIL, dt.date(2026, 4, 10))
    assert round(p["progress"], 6) == round(100 * 10 / 12, 6)


def test_no_pace_without_a_target_a_value_or_time_left():
    assert pace("win_rate", 27.0, None, True, *APRIL, dt.date(2026, 4, 10)) is None
    assert pace("quota_attainment", None, None, True, *APRIL, dt.date(2026, 4, 10)) is None
    assert pace("quota_attainment", 50.0, None, True, *APRIL, dt.date(2026, 5, 1)) is None  # over
    assert pace("quota_attainment", 50.0, None, True, *APRIL, dt.date(2026, 4, 1)) is None  # not begun

"""The plan on a workspace small enough to compute by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from salesscope.errors import QueryError
from salesscope.forecast import plan

MARCH = dt.datetime(2026, 3, 2, 10)


def tiny_frames() -> dict[str, pd.DataFrame]:
    """March 2026: 4 won at 5,000 and 12 lost (win rate 25%); 40 leads, 16 converted (40%);
    40 activities (10 per win); web 30 leads in 15 h (LGR 2), referral 10 leads in 10 h (LGR 1);
    200 hours logged in all."""
    opps = pd.DataFrame({
        "opportunity_id": [f"O{i}" for i in range(16)],
        "created_at": [MARCH] * 16,
        "status": ["won"] * 4 + ["lost"] * 12,
        "closed_at": [dt.datetime(2026, 3, 12)] * 4 + [dt.datetime(2026, 3, 31, 12)] * 12,
        "amount": [5000.0] * 16, "rep_id": ["R1"] * 16, "channel": ["web"] * 16,
    })
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(40)],
        "created_at": [MARCH + dt.timedelta(hours=i) for i in range(40)],
        "channel": ["web"] * 30 + ["referral"] * 10, "rep_id": ["R1"] * 40,
        "qualified_at": [MARCH + dt.timedelta(days=3)] * 16 + [None] * 24,
    })
    acts = pd.DataFrame({
        "activity_id": [f"A{i}" for i in range(40)],
        "occurred_at": [MARCH + dt.timedelta(hours=i) for i in range(40)],
        "channel": ["email"] * 40, "rep_id": ["R1"] * 40,
    })
    time_log = pd.DataFrame({
        "rep_id": ["R1"] * 3, "day": [dt.date(2026, 3, 5)] * 3, "hours": [15.0, 10.0, 175.0],
        "channel": ["web", "referral", None], "purpose": ["lead_generation", "lead_generation", "selling"],
    })
    reps = pd.DataFrame({"rep_id": ["R1"], "name": ["Sara"], "team": ["North"]})
    return {"reps": reps, "opportunities": opps, "leads": leads, "activities": acts, "time_log": time_log}


@pytest.fixture
def tiny(make_ws):
    return make_ws(tiny_frames())


def test_plan_gives_the_hand_computed_answer(tiny):
    p = plan(tiny, 30_000, "2026-04")
    assert p.base_period == "2026-03" and p.gap == pytest.approx(30_000)
    needs = {k: e.value for k, e in p.needs.items()}
    # 30,000 / 5,000 = 6 wins; / 25% = 24 opportunities; / 40% = 60 leads; 6 x 10 = 60 activities.
    assert needs["wins"] == pytest.approx(6)
    assert needs["opportunities"] == pytest.approx(24)
    assert needs["leads"] == pytest.approx(60)
    assert needs["outreach"] == pytest.approx(60)
    # 20 extra leads in the current 3:1 split: web 30 + 15 = 45 at 2/h, referral 10 + 5 = 15 at 1/h.
    ch = {c.channel: c for c in p.channels}
    assert ch["web"].leads.value == pytest.approx(45) and ch["web"].hours.value == pytest.approx(22.5)
    assert ch["referral"].leads.value == pytest.approx(15) and ch["referral"].hours.value == pytest.approx(15)
    assert needs["hours"] == pytest.approx(37.5)
    assert p.reachable is True
    # Every figure carries its interval, around the point value.
    for e in p.needs.values():
        assert e.low_95 <= e.low_80 <= e.high_80 <= e.high_95
    d = p.to_dict()
    assert d["assumptions"] and all(set(a) == {"en", "fa"} for a in d["assumptions"])


def test_target_beyond_reach_is_reported(tiny):
    p = plan(tiny, 1_000_000, "2026-04")
    assert p.reachable is False
    reasons = " ".join(r["en"] for r in p.reasons)
    assert "Out of reach" in reasons
    assert "1,250 prospecting hours" in reasons and "200 hours" in reasons  # 750 h web + 500 h referral
    assert "2,000 leads" in reasons
    assert all(r["fa"] for r in p.reasons)


def test_plan_rejects_a_period_that_is_over(tiny):
    with pytest.raises(QueryError, match="already over"):
        plan(tiny, 10_000, "2026-02")


def test_cli_plan_in_persian(tiny):
    from salesscope.cli import app

    res = CliRunner().invoke(app, ["plan", "-w", str(tiny.path), "--target", "1000000", "--period", "2026-04",
                                   "--lang", "fa"])
    assert res.exit_code == 0, res.output
    assert "دست‌نیافتنی" in res.output and "۲٬۰۰۰" in res.output


def test_a_period_under_way_is_planned_for_the_days_left(make_ws):
    """A deal closed on 2026-04-10 puts the data's last day in April: of the second quarter's 91
    days, 81 are left (11 April to 30 June); the 200 hours logged in the first quarter become 200 x 81 / 91."""
    frames = tiny_frames()
    late = frames["opportunities"].iloc[[0]].assign(opportunity_id="O-late", created_at=dt.datetime(2026, 4, 1),
                                                    closed_at=dt.datetime(2026, 4, 10, 9))
    frames["opportunities"] = pd.concat([frames["opportunities"], late], ignore_index=True)
    ws = make_ws(frames)
    p = plan(ws, 1_000_000, "2026-Q2")
    assert p.days_left == 81
    assumptions = " ".join(a["en"] for a in p.assumptions)
    assert "81 of its 91 days are left" in assumptions and "81 days left" in assumptions
    reasons = " ".join(r["en"] for r in p.reasons)
    assert p.base_period == "2026-Q1"
    assert f"{round(200 * 81 / 91)} hours the whole team logs in 81 days" in reasons
    whole = plan(ws, 1_000_000, "2026-Q3")  # a quarter still to come keeps all its days
    assert whole.days_left == 92 and "200 hours the whole team logs in 92 days" in " ".join(
        r["en"] for r in whole.reasons)

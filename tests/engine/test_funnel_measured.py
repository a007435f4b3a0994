"""The funnel shows a stage the data cannot measure as not measured, never as 0 or 100% drop-off."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesscope.engine.funnel import funnel

T0 = dt.datetime(2026, 3, 2, 9)


def leads(n=30, qualified=(), contacted=()):
    return [{"lead_id": f"L{i}", "created_at": T0 + dt.timedelta(hours=i), "channel": "web" if i % 2 else "email",
             "qualified_at": T0 + dt.timedelta(days=2) if i in qualified else None,
             "first_contacted_at": T0 + dt.timedelta(days=1) if i in contacted else None} for i in range(n)]


def deals(ids, won=()):
    return [{"opportunity_id": f"O{i}", "lead_id": f"L{i}", "created_at": T0 + dt.timedelta(days=3),
             "status": "won" if i in won else "open"} for i in ids]


def stages(df: pd.DataFrame) -> pd.DataFrame:
    return df.groupby("stage", sort=False).agg(count=("count", lambda c: c.sum(min_count=1)),
                                               conversion=("conversion", "first"), note=("note", "first"))


def test_without_activities_contacted_is_not_measured(make_ws):
    # 10 leads qualified, 6 of them with a deal, 3 won; no activity and no first-contact date
    ws = make_ws({"leads": leads(qualified=range(10)), "opportunities": deals(range(6), won=range(3))})
    s = stages(funnel(ws))
    assert pd.isna(s.loc["contacted", "count"]) and s.loc["contacted", "note"] == "not_measured"
    assert pd.isna(s.loc["contacted", "conversion"])
    # qualified is measured against the last measured stage: the leads
    assert s.loc["qualified", "count"] == 10 and s.loc["qualified", "conversion"] == pytest.approx(10 / 30 * 100)
    assert s.loc["opportunity", "conversion"] == pytest.approx(60.0)
    assert s.loc["won", "conversion"] == pytest.approx(50.0)


def test_contacted_is_measured_from_first_contact_dates(make_ws):
    ws = make_ws({"leads": leads(qualified=range(10), contacted=range(20)), "opportunities": deals(range(6))})
    s = stages(funnel(ws))
    assert s.loc["contacted", "count"] == 20 and pd.isna(s.loc["contacted", "note"])
    assert s.loc["qualified", "conversion"] == pytest.approx(50.0)


def test_qualification_never_recorded_apart_from_a_deal_is_not_a_100_percent_stage(make_ws):
    # every qualified lead has a deal: "opportunity / qualified" would read 100% by construction
    ws = make_ws({"leads": leads(qualified=range(8)), "opportunities": deals(range(8), won=range(2))})
    df = funnel(ws, by="channel")
    opp = df[df["stage"] == "opportunity"]
    assert (opp["note"] == "not_separate").all() and opp["conversion"].isna().all()
    assert opp["count"].sum() == 8  # the count itself stands


def test_without_qualification_dates_deals_follow_the_leads(make_ws):
    ws = make_ws({"leads": leads(), "opportunities": deals(range(12))})
    s = stages(funnel(ws))
    assert s.loc["qualified", "note"] == "not_measured"
    assert s.loc["opportunity", "conversion"] == pytest.approx(12 / 30 * 100)


def test_without_deals_the_last_stages_are_not_measured(make_ws):
    ws = make_ws({"leads": leads(qualified=range(5))})
    s = stages(funnel(ws))
    assert s.loc["opportunity", "note"] == s.loc["won", "note"] == "not_measured"
    assert pd.isna(s.loc["won", "count"])

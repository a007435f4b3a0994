"""A lead links to its deal from either side; conversion and the funnel read both.

One set of leads and deals is loaded three ways: the link on the lead only, on the deal only,
and on both. The expected conversions are counted from the rows themselves.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesscope.engine.funnel import funnel
from salesscope.engine.links import disagreements

CHANNELS = ("web", "email", "referral")


def rows():
    """45 leads over two months; every third lead (and every fifth) gets a deal, half of them won."""
    leads, deals = [], []
    for i in range(45):
        created = dt.datetime(2026, 1, 3, 9) + dt.timedelta(days=i)
        leads.append({"lead_id": f"L{i}", "created_at": created, "channel": CHANNELS[i % 3]})
        if i % 3 == 0 or i % 5 == 0:
            deals.append({"opportunity_id": f"O{i}", "created_at": created + dt.timedelta(days=4),
                          "closed_at": created + dt.timedelta(days=20), "status": "won" if i % 2 else "lost",
                          "amount": 100.0, "_lead": f"L{i}"})
    return leads, deals


def load(make_ws, side: str, activities: list[dict] | None = None):
    leads, deals = rows()
    by_lead = {d["_lead"]: d["opportunity_id"] for d in deals}
    if side in ("lead", "both"):
        leads = [{**r, "opportunity_id": by_lead.get(r["lead_id"])} for r in leads]
    deals = [{k: v for k, v in d.items() if k != "_lead"} | ({"lead_id": d["_lead"]} if side in ("deal", "both") else {})
             for d in deals]
    return make_ws({"leads": leads, "opportunities": deals} | ({"activities": activities} if activities else {}))


def expected_conversion() -> pd.DataFrame:
    leads, deals = rows()
    linked = {d["_lead"] for d in deals}
    df = pd.DataFrame(leads)
    df["period"] = df["created_at"].dt.strftime("%Y-%m")
    df["converted"] = df["lead_id"].isin(linked)
    return df.groupby(["period", "channel"]).agg(made=("converted", "size"), converted_n=("converted", "sum")).reset_index()


@pytest.mark.parametrize("side", ["lead", "deal", "both"])
def test_conversion_is_the_same_whichever_side_holds_the_link(make_ws, side):
    ws = load(make_ws, side)
    got = ws.kpis(["lead_conversion_rate"], by=["channel"])
    want = expected_conversion()
    merged = want.merge(got, on=["period", "channel"])
    assert len(merged) == len(want) > 0
    assert (merged["denominator"] == merged["made"]).all() and (merged["numerator"] == merged["converted_n"]).all()
    assert merged["value"].to_numpy() == pytest.approx((merged["converted_n"] / merged["made"] * 100).to_numpy())


def test_the_funnel_reads_both_sides(make_ws):
    by_lead, by_deal = funnel(load(make_ws, "lead")), funnel(load(make_ws, "deal"))
    pd.testing.assert_frame_equal(by_lead, by_deal)
    leads, deals = rows()
    opp = by_deal[by_deal["stage"] == "opportunity"]["count"].sum()
    won = by_deal[by_deal["stage"] == "won"]["count"].sum()
    assert opp == len(deals) and won == sum(d["status"] == "won" for d in deals)


def test_links_that_disagree_are_listed(make_ws):
    leads, deals = rows()
    by_lead = {d["_lead"]: d["opportunity_id"] for d in deals}
    by_lead["L3"] = "O0"  # the lead names another lead's deal
    leads = [{**r, "opportunity_id": by_lead.get(r["lead_id"])} for r in leads]
    deals = [{**{k: v for k, v in d.items() if k != "_lead"}, "lead_id": d["_lead"]} for d in deals]
    ws = make_ws({"leads": leads, "opportunities": deals})
    got = disagreements(ws.backend)
    pairs = set(zip(got["lead_id"], got["opportunity_id"], strict=True))
    # L3 says O0 (whose own lead is L0); O3 says L3 (which says O0)
    assert pairs == {("L3", "O0"), ("L3", "O3")}
    row = got[got["opportunity_id"] == "O0"].iloc[0]
    assert row.lead_says == "O0" and row.deal_says == "L0"
    assert disagreements(load(make_ws, "both").backend).empty


def touches(deals) -> list[dict]:
    """Calls logged on the lead for leads 0-9, and only on the deal for the other leads with a deal;
    lead 15 also has a call on its deal before the lead existed, which is not a first touch."""
    deal_of = {d["_lead"]: d["opportunity_id"] for d in deals}
    acts = []
    for i in range(45):
        created = dt.datetime(2026, 1, 3, 9) + dt.timedelta(days=i)
        at = created + dt.timedelta(hours=1 + i % 7)
        if i < 10:
            acts.append({"activity_id": f"A{i}", "occurred_at": at, "kind": "call", "lead_id": f"L{i}"})
        elif f"L{i}" in deal_of:
            acts.append({"activity_id": f"A{i}", "occurred_at": at, "kind": "call", "opportunity_id": deal_of[f"L{i}"]})
            acts.append({"activity_id": f"B{i}", "occurred_at": at + dt.timedelta(hours=30), "kind": "call",
                         "opportunity_id": deal_of[f"L{i}"]})
    acts.append({"activity_id": "early", "occurred_at": dt.datetime(2026, 1, 1), "kind": "call",
                 "opportunity_id": deal_of["L15"]})
    return acts


def expected_speed(deals) -> pd.DataFrame:
    """Hours from each lead's creation to its first touch at or after it, computed from the rows."""
    leads, _ = rows()
    created = {r["lead_id"]: r["created_at"] for r in leads}
    lead_of = {d["opportunity_id"]: d["_lead"] for d in deals}
    first: dict[str, dt.datetime] = {}
    for a in touches(deals):
        lead = a.get("lead_id") or lead_of[a["opportunity_id"]]
        if a["occurred_at"] >= created[lead] and (lead not in first or a["occurred_at"] < first[lead]):
            first[lead] = a["occurred_at"]
    df = pd.DataFrame(leads)
    df["period"] = df["created_at"].dt.strftime("%Y-%m")
    df["hours"] = [(first[r] - created[r]).total_seconds() / 3600 if r in first else None for r in df["lead_id"]]
    return df.groupby("period").agg(leads=("lead_id", "size"), contacted=("hours", "count"),
                                    median=("hours", "median")).reset_index()


@pytest.mark.parametrize("side", ["lead", "deal"])
def test_speed_to_lead_counts_calls_logged_on_the_linked_deal(make_ws, side):
    _, deals = rows()
    ws = load(make_ws, side, touches(deals))
    got = ws.kpis(["lead_response_time"])
    want = expected_speed(deals)
    merged = want.merge(got, on="period")
    assert len(merged) == len(want) == 2
    assert (merged["n"] == merged["contacted"]).all()
    assert merged["value"].to_numpy() == pytest.approx(merged["median"].to_numpy())
    # the funnel's contacted stage counts the same leads
    f = funnel(ws)
    assert f[f["stage"] == "contacted"]["count"].sum() == sum(want["contacted"]) > 10

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


def load(make_ws, side: str):
    leads, deals = rows()
    by_lead = {d["_lead"]: d["opportunity_id"] for d in deals}
    if side in ("lead", "both"):
        leads = [{**r, "opportunity_id": by_lead.get(r["lead_id"])} for r in leads]
    deals = [{k: v for k, v in d.items() if k != "_lead"} | ({"lead_id": d["_lead"]} if side in ("deal", "both") else {})
             for d in deals]
    return make_ws({"leads": leads, "opportunities": deals})


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

"""Every indicator against hand-computed expectations on small tables (KPIS.md examples included)."""

from __future__ import annotations

import math

import pytest

from salesscope.engine import TIDY_COLUMNS, VALUE_COLUMNS
from salesscope.errors import QueryError

REP = [{"rep_id": "r1", "name": "Sara", "team": "North", "hourly_cost": 10},
       {"rep_id": "r2", "name": "Reza", "team": "South", "hourly_cost": 20}]


def acts(prefix, n, when, channel="email", rep="r1", kind="outreach"):
    return [{"activity_id": f"{prefix}{i}", "occurred_at": when, "channel": channel, "rep_id": rep, "kind": kind}
            for i in range(n)]


def resp(prefix, n, when, act_prefix, channel="email"):
    return [{"response_id": f"{prefix}{i}", "occurred_at": when, "channel": channel, "activity_id": f"{act_prefix}{i}"}
            for i in range(n)]


def row(df, period, **dims):
    sel = df[df["period"] == period]
    for k, v in dims.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


@pytest.fixture
def rrroi_ws(make_ws):
    """KPIS.md: month 1: 1,000 emails, 50 responses, 20 h; month 2: 1,200 emails, 84 responses, 30 h."""
    return make_ws({
        "reps": REP,
        "activities": acts("a", 1000, "2026-01-05 10:00") + acts("b", 1200, "2026-02-05 10:00"),
        # a response counts in the period of the action it answers, even when it comes later
        "responses": resp("x", 50, "2026-01-06 10:00", "a") + resp("y", 84, "2026-03-02 10:00", "b"),
        "time_log": [{"rep_id": "r1", "day": "2026-01-10", "hours": 20, "channel": "email", "purpose": "prospecting"},
                     {"rep_id": "r1", "day": "2026-02-10", "hours": 30, "channel": "email", "purpose": "prospecting"}],
    })


def test_tidy_columns_are_exact(rrroi_ws):
    df = rrroi_ws.kpis(["rrroi"], by=["channel"])
    assert list(df.columns) == TIDY_COLUMNS + ["channel"] + VALUE_COLUMNS


def test_rrroi_worked_example(rrroi_ws):
    df = rrroi_ws.kpis(["rrroi"], grain="month", start="2026-01-01", end="2026-02-28")
    feb = row(df, "2026-02")
    assert feb.value == pytest.approx(0.2)
    assert feb.numerator == pytest.approx(2.0) and feb.denominator == pytest.approx(10.0)
    assert feb.n == 1200 and feb.unit == "points_per_hour"
    # The 95% interval of the rate change (Newcombe's hybrid score method, derived by hand below
    # from two Wilson intervals) spans zero: the rise may be noise. Divided by the 10 extra hours.
    low, high = newcombe_difference(84, 1200, 50, 1000)
    assert (low, high) == pytest.approx((-0.000156411, 0.039802073), abs=1e-9)
    assert feb.ci_low == pytest.approx(100 * low / 10, abs=1e-9)
    assert feb.ci_high == pytest.approx(100 * high / 10, abs=1e-9)
    jan = row(df, "2026-01")
    assert math.isnan(jan.value) and jan.reason == "no_previous_period"


def newcombe_difference(x2: int, n2: int, x1: int, n1: int) -> tuple[float, float]:
    """95% interval of x2/n2 - x1/n1 (Newcombe 1998, method 10), written out independently."""
    z = 1.959963984540054

    def wilson(x: int, n: int) -> tuple[float, float]:
        p = x / n
        centre, spread = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (centre - spread) / (1 + z * z / n), (centre + spread) / (1 + z * z / n)

    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    d = p2 - p1
    return d - math.hypot(p2 - l2, u1 - p1), d + math.hypot(u2 - p2, p1 - l1)


def test_rrroi_undefined_when_hours_do_not_change(make_ws):
    ws = make_ws({"reps": REP, "activities": acts("a", 100, "2026-01-05") + acts("b", 100, "2026-02-05"),
                  "responses": resp("x", 5, "2026-01-06", "a") + resp("y", 9, "2026-02-06", "b"),
                  "time_log": [{"rep_id": "r1", "day": d, "hours": 10, "purpose": "prospecting"}
                               for d in ("2026-01-03", "2026-02-03")]})
    feb = row(ws.kpis(["rrroi"]), "2026-02")
    assert math.isnan(feb.value) and feb.reason == "no_change_in_hours"


def test_rrroi_no_actions_and_hours_cut(make_ws):
    ws = make_ws({"reps": REP,
                  "activities": acts("a", 100, "2026-01-05") + acts("b", 100, "2026-02-05") + acts("c", 50, "2026-04-05"),
                  "responses": resp("x", 10, "2026-01-06", "a") + resp("y", 5, "2026-02-06", "b"),
                  "time_log": [{"rep_id": "r1", "day": d, "hours": h, "purpose": "prospecting"}
                               for d, h in (("2026-01-03", 20), ("2026-02-03", 10), ("2026-03-03", 5), ("2026-04-03", 8))]})
    df = ws.kpis(["rrroi"], start="2026-02-01", end="2026-04-30")
    feb = row(df, "2026-02")  # rate fell 10% -> 5% while hours were cut by 10: positive, restore the time
    assert feb.value == pytest.approx((5 - 10) / (10 - 20))
    assert feb.ci_low <= feb.value <= feb.ci_high
    assert row(df, "2026-03").reason == "no_actions"
    assert row(df, "2026-04").reason == "no_actions"  # the previous month had no actions


def test_lgr_example_and_fallback(make_ws):
    leads = [{"lead_id": f"l{i}", "created_at": "2026-03-03 09:00", "channel": "web", "rep_id": "r1"} for i in range(45)]
    ws = make_ws({"reps": REP, "leads": leads,
                  "time_log": [{"rep_id": "r1", "day": "2026-03-04", "hours": 30, "purpose": "lead_generation"},
                               {"rep_id": "r1", "day": "2026-03-04", "hours": 99, "purpose": "prospecting"}]})
    r = row(ws.kpis(["lgr"]), "2026-03")
    assert r.value == pytest.approx(1.5) and r.n == 45 and r.reason is None
    assert r.ci_low < 1.5 < r.ci_high
    ws2 = make_ws({"reps": REP, "leads": leads,
                   "time_log": [{"rep_id": "r1", "day": "2026-03-04", "hours": 30, "purpose": "prospecting"}]})
    r2 = row(ws2.kpis(["lgr"]), "2026-03")
    assert r2.value == pytest.approx(1.5) and r2.reason == "hours_from_prospecting"


def test_lead_response_time_and_conversion(make_ws):
    leads = [{"lead_id": f"l{i}", "created_at": "2026-03-02 08:00", "rep_id": "r1",
              "first_contacted_at": f"2026-03-02 {8 + h:02d}:00" if h is not None else None,
              "opportunity_id": f"o{i}" if i < 2 else None,
              "disqualified_at": "2026-03-20 10:00" if i == 4 else None}
             for i, h in enumerate([1, 2, 3, 10, None])]
    ws = make_ws({"reps": REP, "leads": leads})
    t = row(ws.kpis(["lead_response_time"], details=True), "2026-03")
    assert t.value == pytest.approx(2.5) and t.n == 4  # median of 1, 2, 3, 10 hours
    assert t.never_contacted_share == pytest.approx(20.0)
    c = row(ws.kpis(["lead_conversion_rate"], details=True), "2026-03")
    assert c.value == pytest.approx(40.0) and c.n == 5 and c.undecided == 2
    assert c.ci_low < 40 < c.ci_high


OPPS = [
    # won in March: amounts 100 and 300, cycles 10 and 20 days
    {"opportunity_id": "o1", "created_at": "2026-02-20 10:00", "closed_at": "2026-03-02 10:00", "status": "won",
     "amount": 100, "rep_id": "r1", "product": "A"},
    {"opportunity_id": "o2", "created_at": "2026-02-15 10:00", "closed_at": "2026-03-07 10:00", "status": "won",
     "amount": 300, "rep_id": "r2", "product": "B"},
    {"opportunity_id": "o3", "created_at": "2026-02-01 10:00", "closed_at": "2026-03-10 10:00", "status": "lost",
     "amount": 500, "rep_id": "r1", "product": "A"},
    # won in February: 200
    {"opportunity_id": "o4", "created_at": "2026-01-10 10:00", "closed_at": "2026-02-10 10:00", "status": "won",
     "amount": 200, "rep_id": "r1", "product": "A"},
    # open at the end of March: 1,000 at 50%
    {"opportunity_id": "o5", "created_at": "2026-03-15 10:00", "status": "open", "amount": 1000,
     "probability": 0.5, "rep_id": "r1", "product": "A"},
]


@pytest.fixture
def deals_ws(make_ws):
    return make_ws({
        "reps": REP, "opportunities": OPPS,
        "activities": acts("a", 12, "2026-03-03 10:00"),
        # a quarterly quota is prorated by days: March gets 31/90 of 900
        "quotas": [{"period_start": "2026-01-01", "period_end": "2026-03-31", "amount": 900, "rep_id": "r1"},
                   {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 500, "rep_id": "r1"}],
    })


def test_deal_indicators(deals_ws):
    df = deals_ws.kpis(["win_rate", "avg_deal_size", "sales_cycle_days", "revenue_growth", "activities_per_win",
                        "quota_attainment", "pipeline_coverage", "sales_velocity"], start="2026-03-01", end="2026-03-31")
    v = {r.kpi: r for r in df.itertuples()}
    assert v["win_rate"].value == pytest.approx(200 / 3) and v["win_rate"].n == 3
    assert v["avg_deal_size"].value == pytest.approx(200.0)
    assert v["sales_cycle_days"].value == pytest.approx(15.0)
    assert v["revenue_growth"].value == pytest.approx(100.0)  # 400 against 200
    assert v["activities_per_win"].value == pytest.approx(6.0)
    assert v["quota_attainment"].value == pytest.approx(400 / (900 * 31 / 90) * 100)
    assert v["pipeline_coverage"].value == pytest.approx(1000 / 500)
    # open at the start of March: o1, o2, o3 (o4 closed in February, o5 created mid-March)
    assert v["sales_velocity"].value == pytest.approx(3 * (2 / 3) * 200 / 15)


def test_revenue_growth_without_history(deals_ws):
    df = deals_ws.kpis(["revenue_growth"], start="2026-02-01", end="2026-02-28")
    assert row(df, "2026-02").reason == "no_previous_period"


def test_customer_indicators(make_ws):
    customers = ([{"customer_id": f"c{i}", "acquired_at": "2025-12-10", "segment": "smb", "rep_id": "r1"} for i in range(8)]
                 + [{"customer_id": "c8", "acquired_at": "2025-12-10", "churned_at": "2026-01-20", "segment": "smb"},
                    {"customer_id": "c9", "acquired_at": "2025-12-10", "churned_at": "2026-01-25", "segment": "mid"}]
                 + [{"customer_id": f"n{i}", "acquired_at": "2026-01-15", "segment": "mid"} for i in range(2)])
    opps = [{"opportunity_id": f"o{i}", "created_at": "2026-01-02", "closed_at": "2026-01-15", "status": "won",
             "amount": 600, "customer_id": f"n{i}"} for i in range(2)]
    ws = make_ws({"reps": REP, "customers": customers, "opportunities": opps,
                  "costs": [{"period_start": "2026-01-01", "period_end": "2026-01-31", "amount": 300, "channel": "web"}],
                  "time_log": [{"rep_id": "r1", "day": "2026-01-05", "hours": 5, "purpose": "prospecting"}]},
                 gross_margin=0.5)
    df = ws.kpis(["churn_rate", "cac", "clv_cac_ratio"], start="2026-01-01", end="2026-01-31", details=True)
    v = {r.kpi: r for r in df.itertuples()}
    assert v["churn_rate"].value == pytest.approx(20.0) and v["churn_rate"].n == 10
    assert v["cac"].value == pytest.approx((300 + 5 * 10) / 2)
    clv = (1200 / 12) * 0.5 / 0.2  # revenue per active customer x margin / churn
    assert v["clv_cac_ratio"].clv == pytest.approx(clv)
    assert v["clv_cac_ratio"].value == pytest.approx(clv / 175)
    by_seg = ws.kpis(["churn_rate"], by="segment", start="2026-01-01", end="2026-01-31")
    assert row(by_seg, "2026-01", segment="smb").value == pytest.approx(100 / 9)


def test_undefined_is_never_zero(make_ws):
    ws = make_ws({"reps": REP, "opportunities": [OPPS[4]]})
    df = ws.kpis(["win_rate", "avg_deal_size", "churn_rate"])
    assert df["value"].isna().all()
    assert set(df["reason"]) == {"no_closed_deals", "no_won_deals", "missing_input:customers"}


def test_impossible_breakdown_is_a_clear_error(deals_ws):
    with pytest.raises(QueryError, match="quota_attainment cannot be broken down by channel: the quotas table"):
        deals_ws.kpis(["quota_attainment"], by="channel")
    everything = deals_ws.kpis(None, by="product")
    assert set(everything[everything.kpi == "cac"]["reason"]) == {"no_dimension:product"}


def test_unknown_inputs_are_errors(deals_ws):
    with pytest.raises(QueryError, match="unknown indicator 'wins'"):
        deals_ws.kpis(["wins"])
    with pytest.raises(QueryError, match="grain 'fortnight' is not valid"):
        deals_ws.kpis(["win_rate"], grain="fortnight")


def test_breakdown_invariants(deals_ws):
    total = deals_ws.kpis(["win_rate", "revenue_growth"], start="2026-03-01", end="2026-03-31")
    by_rep = deals_ws.kpis(["win_rate", "revenue_growth"], by="rep", start="2026-03-01", end="2026-03-31")
    for kpi in ("win_rate", "revenue_growth"):
        assert by_rep[by_rep.kpi == kpi]["numerator"].sum() == pytest.approx(total[total.kpi == kpi]["numerator"].sum())
    assert by_rep[by_rep.kpi == "win_rate"]["n"].sum() == total[total.kpi == "win_rate"]["n"].sum()
    # a breakdown by a dimension with one value equals the total
    one = deals_ws.kpis(["win_rate"], by="team", start="2026-03-01", end="2026-03-31", scope={"team": ["North"]})
    north = deals_ws.kpis(["win_rate"], by="team", start="2026-03-01", end="2026-03-31")
    assert row(one, "2026-03", team="North").value == pytest.approx(row(north, "2026-03", team="North").value)


def test_scope_hides_other_reps(deals_ws):
    df = deals_ws.kpis(["win_rate"], by="rep", scope={"rep": ["r2"]}, start="2026-03-01", end="2026-03-31")
    assert set(df["rep"]) == {"r2"}
    assert deals_ws.kpis(["cac"], scope={"rep": ["r2"]})["reason"].isin(["outside_scope", "missing_input:customers"]).all()


def test_targets_and_status(make_ws):
    from salesscope.config import Target

    ws = make_ws({"reps": REP, "opportunities": OPPS})
    ws.config.targets = [Target(kpi="win_rate", value=60), Target(kpi="win_rate", value=70, by={"team": "South"})]
    df = ws.kpis(["win_rate"], by="team", start="2026-03-01", end="2026-03-31")
    north, south = row(df, "2026-03", team="North"), row(df, "2026-03", team="South")
    assert north.target == 60 and north.status == "missed"  # 1 won of 2
    assert south.target == 70 and south.status == "met"  # 1 of 1


def test_first_touch_is_after_the_lead_was_created(make_ws):
    ws = make_ws({
        "leads": [{"lead_id": "l1", "created_at": "2026-03-02 10:00"}],
        # the outreach that produced the lead came first; the first touch after it came 3 hours later
        "activities": [{"activity_id": "a1", "occurred_at": "2026-03-01 09:00", "channel": "email", "lead_id": "l1"},
                       {"activity_id": "a2", "occurred_at": "2026-03-02 13:00", "channel": "phone", "lead_id": "l1"}],
    })
    assert row(ws.kpis(["lead_response_time"]), "2026-03").value == pytest.approx(3.0)


def test_outreach_actions_are_every_kind_but_work_on_a_deal(make_ws):
    kinds = ["Call", "email", None, "visit", "follow_up", "Meeting"]
    ws = make_ws({
        "activities": [{"activity_id": f"a{i}", "occurred_at": "2026-03-03 10:00", "channel": "phone", "kind": k}
                       for i, k in enumerate(kinds)],
        "time_log": [{"rep_id": "r1", "day": "2026-03-03", "hours": 4, "purpose": "prospecting"}],
        "reps": REP,
    })
    r = row(ws.kpis(["rrroi"]), "2026-03")
    assert r.n == 4  # calls, emails, untyped touches and visits; not follow-ups or meetings on a deal


def test_a_time_log_without_purpose_is_prospecting_time(make_ws):
    leads = [{"lead_id": f"l{i}", "created_at": "2026-03-03 09:00"} for i in range(10)]
    ws = make_ws({"reps": REP, "leads": leads,
                  "time_log": [{"rep_id": "r1", "day": "2026-03-04", "hours": 4}]})
    r = row(ws.kpis(["lgr"]), "2026-03")
    assert r.value == pytest.approx(2.5) and r.reason == "hours_from_prospecting"

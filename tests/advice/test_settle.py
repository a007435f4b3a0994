"""One confidence rule, thin findings folded into one line, one finding per fact (on hand-made frames)."""

from __future__ import annotations

import numpy as np

from salesscope.advice.collect import run
from salesscope.advice.settle import settle
from salesscope.advice.stats import grade, pvalue_from_interval

from .tidy import context, frame, row


def test_grade_never_high_below_min_sample():
    assert grade(29, 1e-9, 30) == "low"
    assert grade(30, 1e-9, 30) == "high"
    assert grade(300, 0.005, 30) == "medium"
    assert grade(300, 0.03, 30) == "low"  # many tests run per period: 0.03 is not clear of chance
    assert grade(300, None, 30) == "medium"            # a change with no test is never high
    assert grade(300, None, 30, fact=True) == "high"   # a fact on enough cases is
    assert grade(3, None, 30, fact=True) == "low"


def test_pvalue_from_interval_matches_the_normal_test():
    # value 10, reference 6, 95% interval 8..12: standard error 1.0204, z = 3.92, p = 8.9e-5.
    assert abs(pvalue_from_interval(10.0, 6.0, 8.0, 12.0) - 8.87e-5) < 1e-6


def quota_rows(reps: dict[str, tuple[float, int]]) -> list[dict]:
    return [row("quota_attainment", 1, v, numerator=v * 100, denominator=10000, n=n, rep=r)
            for r, (v, n) in reps.items()]


def test_quota_on_a_few_deals_is_folded_not_rated():
    parts = frame(quota_rows({"R05": (11.7, 3), "R06": (20.0, 2), "R01": (60.0, 45)}))
    totals = frame([row("quota_attainment", 1, 50.0, numerator=5000, denominator=10000, n=50)])
    found = run(context(totals, "2024-02", parts={"rep": parts}))
    missed = [f for f in found if f.code == "target_missed"]
    assert {tuple(f.dimensions.items()) for f in missed} == {(), (("rep", "R01"),)}
    assert all(f.confidence == "high" for f in missed)  # 45 and 50 won deals: facts on enough cases
    [thin] = [f for f in found if f.code == "thin_sample"]
    assert {tuple(m["dimensions"].items()) for m in thin.evidence["members"]} == {(("rep", "R05"),), (("rep", "R06"),)}
    assert "rep R05, rep R06" in thin.advice_en.replace("Rep R05", "rep R05")
    assert "2 to 3 cases" in thin.advice_en and "at least 30" in thin.advice_en
    assert thin.evidence["periods_to_pool"] == 15  # 30 needed, 2 a month
    assert thin.confidence == "low"


def win_rows(value, prev, n, **dims):
    x = round(value * n / 100)
    return [row("win_rate", 0, prev, numerator=round(prev * n / 100), denominator=n, n=n, **dims),
            row("win_rate", 1, value, numerator=x, denominator=n, n=n, previous_value=prev, change=value - prev,
                ci_low=value - 5, ci_high=value + 5, **dims)]


def test_the_only_team_is_the_same_fact_as_the_total():
    totals = frame([*win_rows(30.0, 50.0, 400)])
    # One team holds every deal: its finding restates the total's.
    parts = frame(win_rows(30.0, 50.0, 400, team="Only"))
    found = run(context(totals, "2024-02", parts={"team": parts}))
    falling = [f for f in found if f.code == "win_rate_falling"]
    assert [f.dimensions for f in falling] == [{}]


def test_a_trend_and_its_anomaly_are_one_fact():
    values = [50.0 + (i % 3) for i in range(12)] + [30.0]
    totals = frame([row("win_rate", i, v, numerator=v * 4, denominator=400, n=400, ci_low=v - 5, ci_high=v + 5,
                        previous_value=values[i - 1] if i else np.nan, change=v - values[i - 1] if i else np.nan)
                    for i, v in enumerate(values)])
    found = run(context(totals, totals["period"].iloc[-1]))
    assert [f.code for f in found if f.kpi == "win_rate"] == ["win_rate_falling"]
    # Without the one-fact rule both would be there.
    from salesscope.advice.anomalies import anomaly_findings
    assert [f.code for f in anomaly_findings(context(totals, totals["period"].iloc[-1]))] == ["anomaly_low"]


def test_settle_regrades_a_rule_that_claimed_too_much():
    from salesscope.advice.texts import make
    f = make("cycle_lengthening", kpi="sales_cycle_days", period="2024-02", dims={}, confidence="high",
             evidence={"n": 40, "pvalue": 0.003},
             params={"where": {"en": "Overall", "fa": "در کل"}, "prev": 1, "value": 2, "n": 40})
    [g] = settle(context(frame([]).assign(kpi=[]), "2024-02"), [f])
    assert g.confidence == "medium"

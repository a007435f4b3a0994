"""The rules on hand-made tidy frames: RRROI's four readings and noise, thin samples, targets, anomalies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from salesscope.advice.anomalies import anomaly_findings
from salesscope.advice.collect import run
from salesscope.advice.microscope import total_vs_parts
from salesscope.advice.model import Finding, rank
from salesscope.advice.rrroi import rrroi_findings
from salesscope.advice.targets import target_findings

from .tidy import context, frame, row


def rrroi_ctx(value, points, hours, lo, hi, n=1200):
    rows = [row("rrroi", 0, np.nan, "points_per_hour", reason="no_previous_period", channel="email"),
            row("rrroi", 1, value, "points_per_hour", numerator=points, denominator=hours, n=n,
                ci_low=lo, ci_high=hi, channel="email")]
    parts = frame(rows)
    return context(frame([]).assign(kpi=[]), "2024-02", parts={"channel": parts})


@pytest.mark.parametrize(("points", "hours", "code"), [
    (2.0, 10.0, "rrroi_more_time"),      # more hours, rate up: give it more time
    (-2.0, 10.0, "rrroi_enough_time"),   # more hours, rate down: last period's time was enough
    (-2.0, -10.0, "rrroi_restore_time"),  # hours cut, rate down: restore the time
    (2.0, -10.0, "rrroi_cut_right"),     # hours cut, rate up: the cut was right
])
def test_rrroi_both_signs_hours_added_or_cut(points, hours, code):
    value = points / hours
    lo, hi = sorted(((points - 1.0) / hours, (points + 1.0) / hours)) if points > 0 else \
        sorted(((points + 1.0) / hours, (points - 1.0) / hours))
    [f] = rrroi_findings(rrroi_ctx(value, points, hours, lo, hi))
    assert f.code == code and f.kind == "advice" and f.dimensions == {"channel": "email"}
    assert f.evidence["extra_hours"] == hours and f.evidence["response_rate_change_points"] == points
    assert not f.evidence["within_noise"]


def test_rrroi_worked_example_interval_spanning_zero_is_noise():
    # KPIS.md: 50/1000 (20 h) -> 84/1200 (30 h): rrroi 0.2; Newcombe interval of the change -0.02..3.98 points.
    [f] = rrroi_findings(rrroi_ctx(0.2, 2.0, 10.0, -0.0016, 0.398))
    assert f.code == "rrroi_noise" and f.confidence == "low"
    assert f.evidence["change_ci_low"] == pytest.approx(-0.016) and f.evidence["change_ci_high"] == pytest.approx(3.98)
    assert "within noise" in f.advice_en and "نوسان" in f.advice_fa


def test_rrroi_thin_sample_warns_and_never_advises():
    [f] = rrroi_findings(rrroi_ctx(0.5, 5.0, 10.0, 0.2, 0.8, n=12))
    assert f.kind == "warning" and f.code == "thin_sample"
    assert "breakdown by channel" in f.advice_en


def test_rrroi_undefined_says_nothing():
    assert rrroi_findings(rrroi_ctx(np.nan, np.nan, 0.0, np.nan, np.nan)) == []


def quota_ctx(value: float, today: dt.date):
    totals = frame([row("quota_attainment", 3, value, numerator=value * 100, denominator=10000, n=40)])
    return context(totals, "2024-03", current="2024-04", today=today)


@pytest.mark.parametrize(("value", "code", "milestone"), [
    (40.0, "target_behind_pace", []), (60.0, "target_on_pace", [50]), (95.0, "target_on_pace", [50, 90]),
])
def test_current_period_target_pro_rated_to_the_day(value, code, milestone):
    # 15 April: 15 of 30 days gone, so half the quota is the pace.
    found = target_findings(quota_ctx(value, dt.date(2024, 4, 15)))
    [f] = [f for f in found if f.period == "2024-04"]
    assert f.code == code and f.kind == "target"
    assert f.evidence["expected_progress_percent"] == pytest.approx(50.0)
    assert f.evidence["milestone"] == milestone


def test_full_period_target_met_or_missed():
    totals = frame([row("win_rate", 1, 28.0, n=200, target=30.0, ci_low=22.0, ci_high=34.0),
                    row("win_rate", 1, 35.0, n=200, target=30.0, ci_low=29.0, ci_high=41.0, team="B")])
    totals.loc[0, "team"] = np.nan
    ctx = context(totals.iloc[[0]].drop(columns="team"), "2024-02", parts={"team": totals.iloc[[1]]})
    found = {f.code: f for f in target_findings(ctx)}
    assert found["target_missed"].evidence["milestone"] == [50, 90]
    assert found["target_met"].dimensions == {"team": "B"}


def series_ctx(values, kpi="win_rate", n=200):
    rows = [row(kpi, i, v, n=n, ci_low=v - 3, ci_high=v + 3) for i, v in enumerate(values)]
    totals = frame(rows)
    return context(totals, rows[-1]["period"])


def test_anomaly_by_median_and_mad():
    rng = np.random.default_rng(1)
    values = list(30 + rng.normal(0, 1, 10)) + [12.0]
    [f] = anomaly_findings(series_ctx(values))
    assert f.code == "anomaly_low" and f.evidence["method"] == "median_mad"


def test_anomaly_is_season_aware():
    rng = np.random.default_rng(2)
    values = [30 + (15 if i % 12 == 11 else 0) + rng.normal(0, 1) for i in range(36)]
    assert anomaly_findings(series_ctx(values)) == []  # every December is high: the season, not news
    values[-1] = 30 + rng.normal(0, 1)  # a December without its usual peak is the odd one
    [f] = anomaly_findings(series_ctx(values))
    assert f.code == "anomaly_low" and f.evidence["method"] == "like_periods"  # the Decembers before


def test_anomaly_never_on_a_thin_sample():
    values = [30.0 + (i % 3) for i in range(10)] + [5.0]
    assert anomaly_findings(series_ctx(values, n=10)) == []


def prop(kpi, i, value, n, **kw):
    return row(kpi, i, value, numerator=round(value * n / 100), denominator=n, n=n, **kw)


def test_one_segment_carries_the_change():
    # 400 deals a team: A falls 30% -> 12% (p < 0.001), B and C barely move; the total 30% -> 24%.
    total = [prop("win_rate", 0, 30.0, 1200), prop("win_rate", 1, 24.0, 1200, previous_value=30.0, change=-6.0)]
    parts = []
    for team, (a, b) in {"A": (30.0, 12.0), "B": (30.0, 30.5), "C": (30.0, 29.5)}.items():
        parts += [prop("win_rate", 0, a, 400, team=team),
                  prop("win_rate", 1, b, 400, previous_value=a, change=b - a, team=team)]
    ctx = context(frame(total), "2024-02", parts={"team": frame(parts)})
    [f] = total_vs_parts(ctx)
    assert f.code == "one_segment_carries" and f.dimensions == {"team": "A"}
    assert "by team" in f.advice_en


def test_parts_that_do_not_add_up_are_not_read_as_a_mix():
    # Without numerators and denominators the parts cannot be weighed against the total: nothing is said.
    total = [row("win_rate", 0, 30.0, n=600), row("win_rate", 1, 24.0, n=600, previous_value=30.0, change=-6.0)]
    parts = []
    for team, (a, b) in {"A": (30.0, 12.0), "B": (30.0, 30.5), "C": (30.0, 29.5)}.items():
        parts += [row("win_rate", 0, a, n=200, team=team),
                  row("win_rate", 1, b, n=200, previous_value=a, change=b - a, team=team)]
    assert total_vs_parts(context(frame(total), "2024-02", parts={"team": frame(parts)})) == []


def test_a_mix_shift_is_named_with_its_effects():
    # email 20% and referral 70%; the mix moves from 50/50 to 90/10 of 400 deals: the total falls 45% -> 27.25%.
    def r(i, won, n, **kw):
        return row("win_rate", i, 100 * won / n, numerator=won, denominator=n, n=n, **kw)

    total = [r(0, 180, 400), r(1, 109, 400, previous_value=45.0, change=-17.75)]
    parts = [r(0, 40, 200, channel="email"), r(0, 140, 200, channel="referral"),
             r(1, 83, 360, previous_value=20.0, change=100 * 83 / 360 - 20, channel="email"),
             r(1, 26, 40, previous_value=70.0, change=-5.0, channel="referral")]
    [f] = total_vs_parts(context(frame(total), "2024-02", parts={"channel": frame(parts)}))
    assert f.code == "mix_shift" and f.evidence["breakdown"] == "channel"
    # By hand: mix = (0.9-0.5)(0.2+83/360)/2 + (0.1-0.5)(0.7+0.65)/2 = 0.08611 - 0.27 = -18.39 points;
    # rate = (83/360-0.2)(0.5+0.9)/2 + (0.65-0.7)(0.5+0.1)/2 = 0.02139 - 0.015 = +0.64 points.
    assert abs(f.evidence["mix_effect"] - (-18.3889)) < 1e-3 and abs(f.evidence["rate_effect"] - 0.6389) < 1e-3
    assert abs(f.evidence["mix_effect"] + f.evidence["rate_effect"] - (-17.75)) < 1e-9
    assert "channel referral went from 50.0% to 10.0%" in f.advice_en


def test_run_sets_language():
    ctx = rrroi_ctx(0.2, 2.0, 10.0, 0.1, 0.3)
    found = run(ctx, lang="fa")
    assert found and found[0].advice == found[0].advice_fa


def test_findings_rank_by_kind_confidence_and_effect():
    """Scores by hand (kind weight x confidence weight x (1 + effect, at most 4)); a tie goes to the
    kind listed first (data, advice, warning, anomaly, target)."""
    def f(name, kind, confidence, effect):
        return Finding(kind, name, "2024-02", {}, {}, name, name, confidence, code=name, effect=effect)

    made = [f("d_warning", "warning", "medium", 1.0),    # 0.8 x 0.7 x 2     = 1.12
            f("b_anomaly", "anomaly", "high", 4.0),      # 0.7 x 1.0 x 5     = 3.5
            f("g_data", "data", "low", 0.0),             # 1.5 x 0.4 x 1     = 0.6
            f("c1_target", "target", "high", 2 / 3),     # 0.9 x 1.0 x 5/3   = 1.5
            f("a_target", "target", "high", 10.0),       # 0.9 x 1.0 x 5     = 4.5 (effect capped at 4)
            f("e_advice", "advice", "medium", 1.0),      # 1.0 x 0.7 x 2     = 1.4
            f("c2_advice", "advice", "high", 0.5)]       # 1.0 x 1.0 x 1.5   = 1.5
    ranked = rank(made)
    assert [x.kpi for x in ranked] == ["a_target", "b_anomaly", "c2_advice", "c1_target", "e_advice",
                                       "d_warning", "g_data"]
    assert [x.score for x in ranked] == [4.5, 3.5, 1.5, 1.5, 1.4, 1.12, 0.6]


def quarter_push(periods: int, rng) -> list[float]:
    """A win rate about 80% in the last month of each quarter and 49% in the others (the series ends
    just before a quarter's last month)."""
    return [(80.0 if i % 3 == 2 else 49.0) + rng.normal(0, 1.5) for i in range(periods)]


def test_a_value_the_quarter_brings_back_is_not_an_anomaly():
    rng = np.random.default_rng(4)
    values = quarter_push(14, rng) + [80.0]  # 2025-03: the quarter's last month, at its usual 80%
    assert anomaly_findings(series_ctx(values)) == []
    values[-1] = 49.0  # the same month at the first months' level: the push did not come
    [f] = anomaly_findings(series_ctx(values))
    assert f.code == "anomaly_low" and f.evidence["method"] == "like_periods"
    assert f.evidence["normal_low"] > 60  # the range is the like months', not the whole history's


def test_a_value_recurring_at_the_same_phase_is_the_season():
    """No clear pattern overall, but the same month of the last two quarters reached the value too."""
    rng = np.random.default_rng(5)
    values = [30 + rng.normal(0, 1) for _ in range(12)]
    values[9] = values[6] = 7.0  # the same month of the last two quarters at 7 days
    values.append(7.0)
    assert anomaly_findings(series_ctx(values, kpi="sales_cycle_days")) == []
    values[9] = 30.0  # only once before: an anomaly
    [f] = anomaly_findings(series_ctx(values, kpi="sales_cycle_days"))
    assert f.code == "anomaly_low"

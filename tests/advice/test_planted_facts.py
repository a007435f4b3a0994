"""Each planted fact of the demo (src/salesscope/demo/FACTS.md) yields the expected finding."""

from __future__ import annotations

import json
import re

from salesscope.advice import findings
from salesscope.advice.model import PUBLIC_KEYS
from salesscope.advice.settle import MOVES, sample_size


def pick(found, code, **dims):
    return [f for f in found if f.code == code and all(f.dimensions.get(k) == v for k, v in dims.items())]


def test_default_period_is_the_last_full_month(month_findings, facts):
    assert {f.period for f in month_findings if f.kind != "target"} == {facts.last_month.strftime("%Y-%m")}


def test_messaging_rrroi_positive_more_time(month_findings):
    [f] = pick(month_findings, "rrroi_more_time", channel="messaging")
    assert f.evidence["value"] > 0 and f.evidence["extra_hours"] > 0
    assert f.evidence["change_ci_low"] > 0  # the response-rate change is clear of zero
    assert f.confidence == "high"


def test_email_rrroi_negative(month_findings):
    found = [f for f in month_findings if f.kpi == "rrroi" and f.dimensions == {"channel": "email"}]
    if found:
        [f] = found
        assert f.code == "rrroi_enough_time" and f.evidence["value"] < 0 and f.evidence["extra_hours"] > 0
        return
    # At the default size email's interval just touches zero: it is one of the folded "within noise" members.
    [noise] = [f for f in month_findings if f.code == "rrroi_noise_folded"]
    [email] = [m for m in noise.evidence["members"] if m["dimensions"] == {"channel": "email"}]
    assert email["change_ci_low"] <= 0 <= email["change_ci_high"]
    assert "within noise" in noise.advice_en and "channel email" in noise.advice_en


def test_within_noise_and_thin_are_one_line_per_indicator(month_findings):
    for code in ("rrroi_noise_folded", "thin_sample", "rrroi_noise"):
        kpis = [f.kpi for f in month_findings if f.code == code]
        assert len(kpis) == len(set(kpis)), code
    assert not [f for f in month_findings if f.code == "rrroi_noise"]


def test_messaging_ranks_above_email(month_findings):
    order = [(f.kpi, f.dimensions.get("channel")) for f in month_findings]
    email = order.index(("rrroi", "email")) if ("rrroi", "email") in order else len(order)
    assert order.index(("rrroi", "messaging")) < email


def test_slow_rep(month_findings, facts):
    slow = pick(month_findings, "slow_lead_response")
    assert [f.dimensions["rep"] for f in slow] == [facts.slow_rep]
    assert slow[0].evidence["ratio"] > 3


def test_weak_team_win_rate_falls(month_findings, quarter_findings, facts):
    for found in (month_findings, quarter_findings):
        teams = {f.dimensions.get("team") for f in pick(found, "win_rate_falling") if "team" in f.dimensions}
        assert teams == {facts.weak_team}


def test_churn_rises_in_one_segment(month_findings, quarter_findings, facts):
    for found in (month_findings, quarter_findings):
        segs = {f.dimensions["segment"] for f in pick(found, "churn_rising") if "segment" in f.dimensions}
        assert segs == {facts.churn_segment}


def test_sms_anomaly_month(anomaly_month_findings, facts):
    hits = pick(anomaly_month_findings, "anomaly_low", channel=facts.anomaly_channel)
    assert hits and hits[0].evidence["measure"] == "response_rate"
    assert hits[0].period == facts.anomaly_month.strftime("%Y-%m")


def test_no_finding_rests_on_a_thin_sample(demo_ws, month_findings, quarter_findings, anomaly_month_findings):
    min_n = demo_ws.config.min_sample
    for f in [*month_findings, *quarter_findings, *anomaly_month_findings]:
        n = sample_size(f)
        if f.code == "thin_sample":
            assert f.kind == "warning" and f.confidence == "low" and n < min_n
            continue
        if f.confidence == "high":  # nothing high below min_sample, targets included
            assert n is None or n >= min_n, (f.code, f.dimensions, n)


def test_no_two_findings_state_the_same_fact(month_findings, quarter_findings, anomaly_month_findings):
    for found in (month_findings, quarter_findings, anomaly_month_findings):
        keys = [(f.code, f.kpi, tuple(sorted(f.dimensions.items()))) for f in found]
        assert len(keys) == len(set(keys))
        # A trend and an anomaly on the same indicator, place and direction are one fact.
        moves = [(f.kpi, tuple(sorted(f.dimensions.items())),
                  f.evidence.get("measure") or ("response_rate" if f.kpi == "rrroi" else "value"), MOVES[f.code])
                 for f in found if f.code in MOVES]
        assert len(moves) == len(set(moves)), moves


def test_ranked_and_public_shape(month_findings):
    scores = [f.score for f in month_findings]
    assert scores == sorted(scores, reverse=True)
    for f in month_findings:
        d = f.to_dict()
        assert tuple(d) == PUBLIC_KEYS
        json.dumps(d, allow_nan=False)
        assert f.confidence in ("high", "medium", "low")
        assert f.kind in ("data", "advice", "warning", "anomaly", "target")


def test_persian_texts_use_persian_digits_and_keep_names_as_the_data_has_them(month_findings):
    # a rep's or team's own id (R01) is written as in the tables; every number is in Persian digits
    own_id = re.compile(r"\b[A-Za-z][A-Za-z_-]*[0-9]+\b")
    named = 0
    for f in month_findings:
        named += len(own_id.findall(f.advice_fa))
        text = own_id.sub("", f.advice_fa)
        assert text and not re.search(r"[0-9]", text), f.advice_fa
        assert not re.search(r"[A-Za-z][۰-۹]", f.advice_fa), f.advice_fa
    assert named  # the demo's findings name reps by their ids


def test_lang_picks_the_text(demo_ws):
    fa = findings(demo_ws, period="2026-03", by=["channel"], lang="fa")
    assert fa and all(f.advice == f.advice_fa for f in fa)

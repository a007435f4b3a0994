"""The facts of FACTS.md, found in the raw tables with plain pandas."""

import math

import pandas as pd


def _month(ts: pd.Series) -> pd.Series:
    return ts.dt.to_period("M")


def _outreach(tables):
    acts = tables["activities"]
    out = acts[acts["kind"] == "outreach"].copy()
    out["month"] = _month(out["occurred_at"])
    out["answered"] = out["activity_id"].isin(tables["responses"]["activity_id"])
    return out


def _hours(tables, channel, month):
    log = tables["time_log"]
    sel = (log["purpose"] == "prospecting") & (log["channel"] == channel)
    return log.loc[sel & (pd.to_datetime(log["day"]).dt.to_period("M") == month), "hours"].sum()


def test_messaging_pays_for_more_hours_and_email_is_saturated(tables, facts):
    out = _outreach(tables)
    last, prev = pd.Period(facts.last_month, "M"), pd.Period(facts.previous_month, "M")
    for channel, rising in (("messaging", True), ("email", False)):
        extra = _hours(tables, channel, last) - _hours(tables, channel, prev)
        assert extra > 0.15 * _hours(tables, channel, prev)
        a = out[(out["channel"] == channel) & (out["month"] == last)]["answered"]
        b = out[(out["channel"] == channel) & (out["month"] == prev)]["answered"]
        diff = a.mean() - b.mean()
        se = math.sqrt(a.mean() * (1 - a.mean()) / len(a) + b.mean() * (1 - b.mean()) / len(b))
        rrroi = diff * 100 / extra
        if rising:
            assert diff > 0.03 and diff / se > 3 and rrroi > 0
        else:
            assert diff <= 0 and rrroi <= 0


def test_one_rep_answers_leads_slowly(tables, facts):
    leads = tables["leads"]
    hours = (leads["first_contacted_at"] - leads["created_at"]).dt.total_seconds() / 3600
    medians = hours.groupby(leads["rep_id"]).median()
    others = medians.drop(facts.slow_rep)
    assert medians[facts.slow_rep] > 3 * others.max()
    assert tables["reps"].set_index("rep_id").loc[facts.slow_rep, "name"] == "Omid Farahani"


def test_one_team_wins_less_in_the_last_quarter(tables, facts):
    opps = tables["opportunities"].merge(tables["reps"][["rep_id", "team"]], on="rep_id")
    closed = opps[opps["status"] != "open"].copy()
    closed["recent"] = _month(closed["closed_at"]) >= pd.Period(facts.weak_team_months[0], "M")
    rate = (closed["status"] == "won").groupby([closed["team"], closed["recent"]]).mean()
    assert facts.weak_team == "South"
    assert rate[("South", True)] < 0.6 * rate[("South", False)]
    for team in ("North", "Tehran"):
        assert rate[(team, True)] > 1.5 * rate[("South", True)]
        assert abs(rate[(team, True)] - rate[(team, False)]) < 0.08


def _churn(customers, month):
    start, end = month.start_time, (month + 1).start_time
    active = (customers["acquired_at"] < start) & ~(customers["churned_at"] < start)
    lost = customers["churned_at"].between(start, end, inclusive="left")
    return lost.sum() / active.sum()


def test_churn_rises_in_one_segment(tables, facts):
    customers = tables["customers"]
    recent = [pd.Period(m, "M") for m in facts.churn_months]
    before = [recent[0] - i for i in range(1, 7)]
    for segment in ("smb", "mid", "enterprise"):
        seg = customers[customers["segment"] == segment]
        now = sum(_churn(seg, m) for m in recent) / len(recent)
        then = sum(_churn(seg, m) for m in before) / len(before)
        if segment == facts.churn_segment:
            assert now > 2 * then
        else:
            assert now < then + 0.01


def test_sms_answers_collapse_for_one_month(tables, facts):
    out = _outreach(tables)
    sms = out[out["channel"] == facts.anomaly_channel].groupby("month")["answered"].mean()
    month = pd.Period(facts.anomaly_month, "M")
    assert sms[month] < 0.3 * sms.drop(month).median()
    assert sms.drop(month).min() > 0.6 * sms.drop(month).median()


def test_nowruz_dip_and_esfand_push(tables):
    acts = tables["activities"]
    per_day = acts[acts["kind"] == "outreach"].groupby(acts["occurred_at"].dt.date).size()
    per_day.index = pd.to_datetime(per_day.index)
    nowruz = per_day["2025-03-21":"2025-04-01"].mean()
    esfand = per_day["2025-02-20":"2025-03-15"].mean()
    autumn = per_day["2025-10-01":"2025-11-30"].mean()
    assert nowruz < 0.5 * autumn < esfand

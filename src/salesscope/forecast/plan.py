"""``plan(ws, target, period)``: the target worked back through the funnel at the workspace's own rates.

Every rate comes from the indicator engine (``ws.kpis``); this module only chains them, splits the
leads across channels, and propagates the rates' intervals by simulation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from salesscope import locale, semantic
from salesscope.errors import QueryError
from salesscope.forecast import data
from salesscope.forecast.api import data_now, stratified_deals
from salesscope.forecast.periods import Period, parse_period, periods_before
from salesscope.forecast.plan_inputs import Rates, gather
from salesscope.forecast.simulate import Settings, run
from salesscope.forecast.texts import both
from salesscope.formatting import Num
from salesscope.locale import Text
from salesscope.scope import Scope, ScopeArg
from salesscope.zoom import parse_calendar

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


def _days(p: Period) -> int:
    return (p.end - p.start).days + 1


def _name(kpi: str) -> dict[str, str]:
    from salesscope.semantic import builtin

    model = builtin()
    return {lang: model.name(kpi, lang) for lang in locale.languages()}

def _reason(code: str) -> dict[str, str]:
    from salesscope.engine.reasons import reason_text

    return {lang: reason_text(code, lang) for lang in locale.languages()}


def _words(group: str, value: str) -> dict[str, str]:
    return {lang: locale.word(group, value, lang) for lang in locale.languages()}


SIMS = 2000
LEADS_MARGIN = 2.0  # "out of reach" when leads needed exceed the best period by this factor


@dataclass
class Estimate:
    """A quantity the plan needs: its value at the rates' point estimates and its intervals."""

    value: float | None
    low_80: float | None = None
    high_80: float | None = None
    low_95: float | None = None
    high_95: float | None = None
    last_period: float | None = None  # what the base period actually had, for comparison


@dataclass
class ChannelNeed:
    channel: str
    leads: Estimate
    hours: Estimate
    returns: str  # holding | falling | unclear (from RRROI)
    rrroi: float | None
    hours_per_lead: float | None
    reason: str | None = None


@dataclass
class Plan:
    target: float
    period: str
    period_start: dt.date
    period_end: dt.date
    base_period: str
    group: str | None
    days_left: int  # the period's days after the data's last day (all of them for a period to come)
    gap: float | None
    won_to_date: float
    pipeline_expected: float
    needs: dict[str, Estimate] = field(default_factory=dict)  # wins, opportunities, leads, outreach, hours
    channels: list[ChannelNeed] = field(default_factory=list)
    reachable: bool | None = True
    reasons: list[dict[str, str]] = field(default_factory=list)
    assumptions: list[dict[str, str]] = field(default_factory=list)
    rates: dict[str, float | None] = field(default_factory=dict)
    parts: list[Plan] = field(default_factory=list)  # one plan per team or rep with --by

    def to_dict(self) -> dict:
        """Plain JSON-ready data (dates as ISO strings; texts in English and Persian)."""
        out = asdict(self)
        out["period_start"], out["period_end"] = self.period_start.isoformat(), self.period_end.isoformat()
        out["parts"] = [p.to_dict() for p in self.parts]
        return out


def _q(x: np.ndarray) -> dict[str, float | None]:
    x = x[np.isfinite(x)]
    if not len(x):
        return {"low_80": None, "high_80": None, "low_95": None, "high_95": None}
    lo95, lo80, hi80, hi95 = np.percentile(x, [2.5, 10, 90, 97.5])
    return {"low_80": float(lo80), "high_80": float(hi80), "low_95": float(lo95), "high_95": float(hi95)}


def _est(point: float, draws: np.ndarray, last: float | None = None) -> Estimate:
    return Estimate(float(point), **_q(draws), last_period=last)


def work_back(target: float, gap: float, rates: Rates, base: Period, group: str | None, period: Period,
              won: float, pipeline: float, rng: np.random.Generator, sims: int = SIMS,
              days_left: int | None = None) -> Plan:
    """Chain the rates from revenue back to hours; every step at the point values and in ``sims`` draws.

    ``days_left`` (default: the whole period) is the time there is for the work: the hours the team
    can give and the leads it can find are prorated from the base period to it."""
    days_left = _days(period) if days_left is None else days_left
    p = Plan(target=target, period=period.label, period_start=period.start, period_end=period.end,
             base_period=base.label, group=group, days_left=days_left, gap=gap, won_to_date=won,
             pipeline_expected=pipeline, rates={k: r.value for k, r in rates.chain.items()})
    p.assumptions.append(both("a_gap", won=Num(won, "money"), pipeline=Num(pipeline, "money"), gap=Num(gap, "money")))
    missing = [(k, r) for k, r in rates.chain.items() if r.value is None or not r.value > 0]
    if missing:
        for k, r in missing:
            p.reasons.append(both("why_rate", rate=_name(k), base=base.label, reason=_reason(r.reason or "no_data")))
        p.reachable = None
        return p
    v = {k: r.value for k, r in rates.chain.items() if r.value is not None}  # every one, as checked above
    d = {k: r.draws(rng, sims) for k, r in rates.chain.items()}
    wins, wins_d = gap / v["avg_deal_size"], gap / d["avg_deal_size"]
    opps, opps_d = wins / (v["win_rate"] / 100), wins_d / (d["win_rate"] / 100)
    leads, leads_d = opps / (v["lead_conversion_rate"] / 100), opps_d / (d["lead_conversion_rate"] / 100)
    acts, acts_d = wins * v["activities_per_win"], wins_d * d["activities_per_win"]
    last = rates.last
    p.needs = {"wins": _est(wins, wins_d, last.get("wins")), "opportunities": _est(opps, opps_d, last.get("opportunities")),
               "leads": _est(leads, leads_d, last.get("leads")), "outreach": _est(acts, acts_d, last.get("outreach"))}
    p.assumptions.append(both("a_rates", base=base.label, **{k: Num(x, semantic.builtin().indicators[k].unit.value) for k, x in v.items()}))

    # Leads to channels: current shares, with extra leads steered away from falling returns.
    chans = rates.channels
    total_now = sum(c.leads_now for c in chans)
    hours_pt, hours_d = 0.0, np.zeros(sims)
    if chans and total_now > 0:
        share = np.array([c.leads_now / total_now for c in chans])
        weight = share * np.array([c.weight for c in chans])
        weight = weight / weight.sum() if weight.sum() > 0 else share
        extra, extra_d = leads - total_now, leads_d - total_now
        for i, c in enumerate(chans):
            lc = c.leads_now + extra * weight[i] if extra > 0 else leads * share[i]
            lc_d = np.where(extra_d > 0, c.leads_now + extra_d * weight[i], leads_d * share[i])
            if c.hours_per_lead is None:
                p.channels.append(ChannelNeed(c.channel, _est(lc, lc_d, c.leads_now), Estimate(None), c.returns,
                                              c.rrroi, None, "no_hours_logged"))
                continue
            hpl_d = c.hours_per_lead_draws(rng, sims)
            h, h_d = lc * c.hours_per_lead, lc_d * hpl_d
            hours_pt, hours_d = hours_pt + h, hours_d + h_d
            p.channels.append(ChannelNeed(c.channel, _est(lc, lc_d, c.leads_now), _est(h, h_d, c.hours_now),
                                          c.returns, c.rrroi, c.hours_per_lead))
        p.needs["hours"] = _est(hours_pt, hours_d, sum(c.hours_now or 0 for c in chans))
        p.assumptions.append(both("a_channels"))
        p.assumptions.append(both("a_hours_rate"))
    if days_left < _days(period):
        p.assumptions.append(both("a_days_left", days=days_left, total=_days(period)))
    if rates.cycle_days is not None:
        p.assumptions.append(both("a_timing", cycle=Num(rates.cycle_days, "days"), days=days_left))
        if rates.cycle_days > days_left / 2:
            p.assumptions.append(both("a_cycle_long"))
    p.assumptions.append(both("a_uncertainty", sims=sims))

    # Out of reach: more hours than the team works, or far more leads than ever produced.
    # Both limits are a period's worth (the base period's), prorated to the part of the period left.
    pace = days_left / _days(period)
    p.reachable = True
    if rates.capacity_hours is not None and hours_pt > rates.capacity_hours * pace:
        p.reachable = False
        p.reasons.append(both("why_hours", hours=Num(hours_pt, "hours"), capacity=Num(rates.capacity_hours * pace, "hours"),
                              base=base.label, days=days_left))
    if rates.best_leads and leads > LEADS_MARGIN * rates.best_leads * pace:
        p.reachable = False
        p.reasons.append(both("why_leads", leads=Num(leads, "count"), best=Num(rates.best_leads * pace, "count"),
                              days=days_left))
    p.reasons.insert(0, both("reachable" if p.reachable else "out_of_reach"))
    return p


def plan(ws: Workspace, target: float, period: str, by: str | None = None, *, sims: int = SIMS, seed: int = 7,
         calendar: str | None = None, scope: ScopeArg = None, as_of: dt.date | None = None) -> Plan:
    """What it takes to reach ``target`` revenue in ``period`` (``2026-Q3``, ``1405-02``...).

    ``calendar`` reads the label (default: the workspace's); ``scope`` keeps only some reps' or teams' rows;
    ``as_of`` is the day the plan is made (default: the day after the data's last creation or close).

    >>> plan(ws, 500_000, "2026-Q3").to_dict()["needs"]["leads"]  # doctest: +SKIP
    """
    if not target > 0:
        raise QueryError(Text("error.forecast.target_not_positive", target=target))
    by = data.parse_group(by, ("team", "rep"))
    cal, fiscal = parse_calendar(calendar or ws.config.calendar), ws.config.fiscal_year_start_month
    per, grain = parse_period(period, cal, fiscal)
    scope = Scope.parse(scope)
    d, _ = stratified_deals(ws, by, scope)
    if as_of is not None:
        now = dt.datetime.combine(as_of, dt.time())
    else:
        now = data_now(d if scope.everything else data.deals(ws, None, None))
    if dt.datetime.combine(per.end, dt.time()) < now - dt.timedelta(days=1):
        raise QueryError(Text("error.forecast.period_over", period=per.label, end=now.date() - dt.timedelta(days=1)))
    base = periods_before(now.date(), 1, grain, cal, fiscal)[0]
    days_left = min(_days(per), (per.end - now.date()).days + 1)  # ``now`` is the day after the data's last
    r = run(d, max(now, dt.datetime.combine(per.start, dt.time())), [per], Settings(sims=200, seed=seed))
    won: dict[str | None, float] = {g: float(r.won_to_date[i, 0]) for i, g in enumerate(r.groups)}
    pipe: dict[str | None, float] = {g: float(r.pipeline_mean[i, 0]) for i, g in enumerate(r.groups)}
    groups = gather(ws, grain, cal, base, by, scope)
    rng = np.random.default_rng(seed)
    if by is None:
        rates = groups[None]
        gap = max(target - won.get("all", 0.0) - pipe.get("all", 0.0), 0.0)
        return work_back(target, gap, rates, base, None, per, won.get("all", 0.0), pipe.get("all", 0.0), rng, sims,
                         days_left)
    revenue = {g: (rt.revenue_now or 0.0) for g, rt in groups.items()}
    total_rev = sum(revenue.values())
    parts = []
    for g, rates in groups.items():
        share = revenue[g] / total_rev if total_rev > 0 else 1 / len(groups)
        t_g = target * share
        gap = max(t_g - won.get(g, 0.0) - pipe.get(g, 0.0), 0.0)
        parts.append(work_back(t_g, gap, rates, base, g, per, won.get(g, 0.0), pipe.get(g, 0.0), rng, sims,
                               days_left))
    whole = Plan(target=target, period=per.label, period_start=per.start, period_end=per.end, base_period=base.label,
                 group=None, days_left=days_left, gap=sum(p.gap or 0 for p in parts), won_to_date=sum(won.values()),
                 pipeline_expected=sum(pipe.values()), parts=parts)
    whole.reachable = all(p.reachable for p in parts) if all(p.reachable is not None for p in parts) else None
    whole.reasons = [both("reachable" if whole.reachable else "out_of_reach")]
    whole.assumptions = [both("a_split", by=_words("dim", by), base=base.label)]
    return whole

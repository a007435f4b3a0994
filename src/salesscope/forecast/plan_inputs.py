"""The plan's inputs: the engine's rates for the base period, per group and channel, and the time log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd

from salesscope.forecast.periods import Period
from salesscope.scope import Scope, ScopeArg

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

CHAIN = ("avg_deal_size", "win_rate", "lead_conversion_rate", "activities_per_win")
Z95 = 3.92  # width of a 95% interval in standard deviations


@dataclass
class Rate:
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None
    cap: float | None = None  # percentages cannot exceed 100

    def draws(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Plausible values: log-normal with the point value as median and the 95% interval's width."""
        v = self.value
        if self.ci_low and self.ci_high and self.ci_low > 0 and self.ci_high > self.ci_low:
            sigma = (np.log(self.ci_high) - np.log(self.ci_low)) / Z95
            x = v * np.exp(rng.normal(0.0, sigma, n))
        else:
            x = np.full(n, v, dtype=float)
        return np.minimum(x, self.cap) if self.cap else x


@dataclass
class ChannelInput:
    channel: str
    leads_now: float
    hours_now: float | None
    hours_per_lead: float | None
    lgr: Rate | None
    rrroi: float | None
    returns: str  # holding | falling | unclear
    weight: float  # share of the extra leads relative to the current share

    def hours_per_lead_draws(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.lgr is not None and self.lgr.value:
            return 1.0 / self.lgr.draws(rng, n)
        # Hours per lead from the log: the uncertainty is that of the lead count (Poisson).
        sigma = 1.0 / np.sqrt(max(self.leads_now, 1.0))
        return self.hours_per_lead * np.exp(rng.normal(0.0, sigma, n))


@dataclass
class Rates:
    chain: dict[str, Rate]
    channels: list[ChannelInput] = field(default_factory=list)
    cycle_days: float | None = None
    capacity_hours: float | None = None
    best_leads: float | None = None
    revenue_now: float | None = None
    last: dict[str, float] = field(default_factory=dict)


def _f(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _rate(row: pd.Series | None, cap: float | None = None) -> Rate:
    if row is None:
        return Rate(None, reason="no_data")
    return Rate(_f(row["value"]), _f(row["ci_low"]), _f(row["ci_high"]), row.get("reason"), cap)


def classify(row: pd.Series | None) -> tuple[float | None, str, float]:
    """RRROI as marginal return: rate and hours moving together (positive) means time still pays."""
    v = _f(row["value"]) if row is not None else None
    if row is None or v is None:
        return None, "unclear", 1.0
    if v > 0:
        return v, "holding", 1.0
    hi = _f(row["ci_high"])
    return v, "falling", 0.25 if hi is not None and hi < 0 else 0.5


def _cell(m: pd.DataFrame, kpi: str, col: str) -> float | None:
    """``col`` of indicator ``kpi``'s row in ``m`` (indexed by indicator), None when absent or undefined."""
    return _f(m.loc[kpi][col]) if kpi in m.index else None


def _at(df: pd.DataFrame, base: Period) -> pd.Series:
    return pd.to_datetime(df["period_start"]).dt.date == base.start


def _time_log(ws: Workspace, base: Period, by: str | None, scope: Scope) -> pd.DataFrame:
    """Hours logged in the base period per group, channel and purpose (the engine's time-log fact)."""
    from salesscope.engine import records

    t = records.placed(ws.model.facts["time_log"], records.context(ws, base.start, base.end, scope))
    if t is None:
        return pd.DataFrame({"grp": [], "channel": [], "purpose": [], "hours": []})
    grp = t[by] if by else ibis.literal("all")
    return ws.backend.execute(t.group_by(grp=grp, channel=t.channel, purpose=t.purpose).aggregate(
        hours=t.hours.sum()))


def gather(ws: Workspace, grain: str, calendar: str, base: Period, by: str | None,
           scope: ScopeArg = None) -> dict[str | None, Rates]:
    """Rates per group (the key is None without a breakdown) for the base period, within ``scope``."""
    scope = Scope.parse(scope)
    main = ws.kpis([*CHAIN, "sales_cycle_days"], by=by, grain=grain, calendar=calendar, start=base.start,
                   end=base.end, scope=scope)
    main = main[_at(main, base)]
    chan = ws.kpis(["lgr", "rrroi"], by=[by, "channel"] if by else "channel", grain=grain, calendar=calendar,
                   start=base.start, end=base.end, scope=scope)
    chan = chan[_at(chan, base)]
    hist = ws.kpis(["lgr"], grain=grain, calendar=calendar, by=by, end=base.end, scope=scope)
    logged = _time_log(ws, base, by, scope)
    key = (lambda df: df[by]) if by else (lambda df: pd.Series(["all"] * len(df), index=df.index))
    groups = sorted(set(key(main))) if len(main) else ["all"]
    out: dict[str | None, Rates] = {}
    for g in groups:
        m = main[key(main) == g].set_index("kpi")
        row = lambda k, m=m: m.loc[k] if k in m.index else None  # noqa: E731
        chain = {k: _rate(row(k), 100.0 if k in ("win_rate", "lead_conversion_rate") else None) for k in CHAIN}
        r = Rates(chain, cycle_days=_cell(m, "sales_cycle_days", "value"))
        lg = logged[logged["grp"] == g] if by else logged
        r.capacity_hours = float(lg["hours"].sum()) if len(lg) else None
        h = hist[(hist["kpi"] == "lgr") & (key(hist) == g)]
        r.best_leads = _f(h["numerator"].max()) if len(h) else None
        r.revenue_now = _cell(m, "avg_deal_size", "numerator")
        for k, col, name in (("win_rate", "numerator", "wins"), ("lead_conversion_rate", "numerator", "opportunities"),
                             ("lead_conversion_rate", "denominator", "leads"), ("activities_per_win", "numerator", "outreach")):
            if (x := _cell(m, k, col)) is not None:
                r.last[name] = x
        c = chan[key(chan) == g]
        for ch in sorted(set(c["channel"])):
            cl = c[(c["channel"] == ch) & (c["kpi"] == "lgr")]
            cr = c[(c["channel"] == ch) & (c["kpi"] == "rrroi")]
            leads_now = _f(cl["numerator"].iloc[0]) if len(cl) else None
            if not leads_now:
                continue
            rate = _rate(cl.iloc[0])
            hrs = lg[(lg["channel"] == ch) & lg["purpose"].isin(["prospecting", "lead_generation"])]["hours"].sum()
            lgr: Rate | None = rate if rate.value else None
            hpl = 1.0 / rate.value if rate.value else float(hrs) / leads_now if hrs > 0 else None
            rr, returns, weight = classify(cr.iloc[0] if len(cr) else None)
            r.channels.append(ChannelInput(ch, leads_now, float(hrs) if hrs > 0 else None, hpl, lgr, rr, returns, weight))
        out[g if by else None] = r
    return out

"""The demo data generator: a deterministic sales organisation with planted facts (``FACTS.md``).

>>> from datetime import date
>>> tables = generate(seed=7, scale=20_000, today=date(2026, 4, 15))
>>> sorted(tables)[:3]
['activities', 'costs', 'customers']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from salesscope.demo import facts as F
from salesscope.demo.month import CAMPAIGN, CH, TEXT, generate_month
from salesscope.demo.timeline import Timeline, build_timeline

# Shares of the activity budget: the rest are first touches of leads and sales activities.
OUTREACH_SHARE = 0.80
INBOUND_PER_ACTIVITY = 0.06
# Spend per campaign: (per action, per inbound lead, fixed per month at the default size, category).
SPEND = {
    "newsletter": (0.01, 0, 150, "marketing"), "cold-email": (0.02, 0, 80, "marketing"),
    "sms-promo": (0.04, 0, 0, "marketing"), "cold-calls": (0.05, 0, 0, "sales"),
    "telegram-ads": (0.25, 0, 300, "marketing"), "field-visits": (12.0, 0, 0, "sales"),
    "search-ads": (0, 8.0, 400, "marketing"), "referral-program": (0, 20.0, 0, "marketing"),
    "trade-show": (0, 0, 2_500, "marketing"),
}
CHUNKED = ("activities", "responses", "leads", "opportunities", "customers")


@dataclass
class DemoRun:
    """What every month of one run shares: the timeline and the size factors."""

    seed: int
    scale: int
    timeline: Timeline
    k: float  # outreach actions per planned action
    inbound: np.ndarray  # expected inbound leads per month
    spend: list[dict] = field(default_factory=list)

    @property
    def factor(self) -> float:
        return self.scale / F.DEFAULT_SCALE


def plan(seed: int = 7, scale: int | None = None, today: date | None = None) -> DemoRun:
    scale = int(scale or F.DEFAULT_SCALE)
    if scale < 1_000:
        raise ValueError(f"scale {scale} is too small: expected at least 1000 activities")
    tl = build_timeline(seed, today or date.today())
    speed = F.ACTIONS_PER_HOUR[None, :, None] * F.SPEED[:, None, None]
    k = OUTREACH_SHARE * scale / float((tl.hours * speed).sum())
    per_month = np.add.reduceat(tl.hours.sum(axis=(0, 1)), tl.bounds[:-1])
    inbound = INBOUND_PER_ACTIVITY * scale * per_month / per_month.sum()
    return DemoRun(seed, scale, tl, k, inbound)


def iter_months(p: DemoRun) -> Iterator[dict[str, pd.DataFrame]]:
    """The month-born rows, one month at a time, oldest first."""
    for m in range(F.MONTHS):
        month = generate_month(p.timeline, m, p.seed, p.k, float(p.inbound[m]))
        p.spend.append(month.pop("_spend"))
        yield month


def reps(p: DemoRun) -> pd.DataFrame:
    start = p.timeline.months[0]
    return pd.DataFrame({
        "rep_id": pd.Series(F.REP_IDS, dtype=TEXT),
        "name": pd.Series([r[1] for r in F.REPS], dtype=TEXT),
        "team": pd.Series([r[2] for r in F.REPS], dtype=TEXT),
        "manager": pd.Series([F.MANAGERS[r[2]] for r in F.REPS], dtype=TEXT),
        "hourly_cost": [r[3] for r in F.REPS],
        "active_from": [date(start.year - 1 - i % 3, 1 + i % 12, 1) for i in range(len(F.REPS))],
    })


def time_log(p: DemoRun) -> pd.DataFrame:
    tl = p.timeline
    parts = []
    for purpose, hours, names in (("prospecting", tl.hours, F.OUTREACH),
                                  ("lead_generation", tl.leadgen, F.LEADGEN)):
        rep, ch, day = np.nonzero(hours)
        parts.append(pd.DataFrame({
            "rep_id": pd.Series(F.REP_IDS[rep], dtype=TEXT),
            "day": (tl.days[day].astype("datetime64[D]")).astype(object),
            "hours": hours[rep, ch, day],
            "channel": pd.Series(np.array(names)[ch], dtype=TEXT),
            "purpose": pd.Series(np.full(rep.size, purpose), dtype=TEXT),
        }))
    return pd.concat(parts, ignore_index=True).sort_values(["day", "rep_id"], ignore_index=True)


def quotas(p: DemoRun) -> pd.DataFrame:
    """Monthly quotas per rep, set a little above what each rep wins on average, and quarterly
    quotas per team that equal the sum of their reps' monthly quotas (full quarters only)."""
    tl = p.timeline
    won = np.sum([s["won"] for s in p.spend], axis=0)
    load = np.add.reduceat(tl.hours.sum(axis=(0, 1)), tl.bounds[:-1])
    load = load / load.mean()
    amount = np.round(won[:, None] / F.MONTHS * 1.1 * load[None, :], -2)
    ends = [(pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date() for m in tl.months]
    rep_rows = pd.DataFrame({
        "period_start": np.tile(np.array(tl.months, dtype=object), len(F.REPS)),
        "period_end": np.tile(np.array(ends, dtype=object), len(F.REPS)),
        "amount": amount.ravel(),
        "rep_id": pd.Series(np.repeat(F.REP_IDS, F.MONTHS), dtype=TEXT),
        "team": pd.Series([None] * amount.size, dtype=TEXT),
    })
    rows = []
    for q in range(F.MONTHS - 2):
        if tl.months[q].month % 3 == 1:
            for t, team in enumerate(F.TEAMS):
                total = amount[F.REP_TEAM == t, q:q + 3].sum()
                rows.append((tl.months[q], ends[q + 2], round(float(total), 2), None, team))
    team_rows = pd.DataFrame(rows, columns=list(rep_rows.columns)).astype(
        {"rep_id": TEXT, "team": TEXT})
    # Quotas are set ahead: the next three months carry each rep's recent average, so that
    # pipeline coverage (open pipeline / next period's quota) is defined for the last month.
    ahead = [(pd.Timestamp(tl.months[-1]) + pd.offsets.MonthBegin(k)).date() for k in (1, 2, 3)]
    recent = np.round(amount[:, -3:].mean(axis=1), -2)
    next_rows = pd.DataFrame({
        "period_start": np.tile(np.array(ahead, dtype=object), len(F.REPS)),
        "period_end": np.tile(np.array([(pd.Timestamp(a) + pd.offsets.MonthEnd(0)).date() for a in ahead],
                                       dtype=object), len(F.REPS)),
        "amount": np.repeat(recent, 3),
        "rep_id": pd.Series(np.repeat(F.REP_IDS, 3), dtype=TEXT),
        "team": pd.Series([None] * (3 * len(F.REPS)), dtype=TEXT),
    })
    return pd.concat([rep_rows, next_rows, team_rows], ignore_index=True)


def costs(p: DemoRun) -> pd.DataFrame:
    channel_of = {name: ch for ch in F.CHANNELS for name, _ in F.CAMPAIGNS[ch]}
    rows = []
    for m, s in enumerate(p.spend):
        start = p.timeline.months[m]
        end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
        for i, name in enumerate(CAMPAIGN):
            per_action, per_lead, fixed, category = SPEND[name]
            amount = per_action * s["actions"][i] + per_lead * s["leads"][i] + fixed * p.factor
            if amount > 0:
                rows.append((start, end, round(float(amount), 2), category, channel_of[name], name))
    out = pd.DataFrame(rows, columns=["period_start", "period_end", "amount", "category",
                                      "channel", "campaign"])
    return out.astype({c: TEXT for c in ("category", "channel", "campaign")})


def finish(p: DemoRun) -> dict[str, pd.DataFrame]:
    """The tables that need the whole run: call after every month has been generated."""
    return {"reps": reps(p), "time_log": time_log(p), "quotas": quotas(p), "costs": costs(p)}


def generate(seed: int = 7, scale: int | None = None,
             today: date | None = None) -> dict[str, pd.DataFrame]:
    """All nine canonical tables in memory; ``scale`` is the number of activities (about).

    Data covers the 24 months that end with the last full month before ``today``.
    """
    p = plan(seed, scale, today)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in CHUNKED}
    for month in iter_months(p):
        for name, frame in month.items():
            parts[name].append(frame)
    tables = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    tables.update(finish(p))
    return dict(sorted(tables.items()))


__all__ = ["CH", "generate", "plan", "iter_months", "finish"]

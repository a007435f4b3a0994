"""Data health: what in the data itself makes the other findings unsafe, found before any advice.

Tables whose date ranges disagree (and which periods of which indicators that biases), impossible
figures (0% conversion while deals are won; a 100% win rate because no lost deal was ever
recorded), stages never recorded, and a period still in progress. Each is a finding of the ``data``
kind, ranked first, and the advice resting on the same numbers is withheld or reads around them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from salesscope import locale
from salesscope.advice.frames import Context, evidence, fnum, one, rows
from salesscope.advice.model import Finding
from salesscope.advice.texts import Num, Term, make
from salesscope.schema import Table
from salesscope.scope import EVERYTHING, Scope

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

# The column that dates each table's records.
DATED = {"leads": "created_at", "opportunities": "created_at", "activities": "occurred_at",
         "time_log": "day", "customers": "acquired_at"}
# (table, later table, indicators biased where the later table's records are missing)
DEPENDS = (
    ("leads", "opportunities", ("lead_conversion_rate",)),
    ("leads", "activities", ("lead_response_time",)),
    ("activities", "time_log", ("rrroi", "lgr")),
    ("opportunities", "activities", ("activities_per_win",)),
)
# Two tables' ranges disagree when one starts or ends this many days apart from the other.
GAP_DAYS = 45


@dataclass
class Health:
    """What the store says about itself, gathered once per run through the workspace's backend."""

    spans: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)
    lost_deals: int = 0
    won_deals: int = 0
    closed_deals: int = 0
    stages_recorded: int = 0
    opportunities: int = 0
    data_end: dt.date | None = None


def _day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def gather(ws: Workspace, scope: Scope = EVERYTHING) -> Health:
    """The store's health as far as ``scope`` lets the reader see it."""
    from salesscope.engine.records import table_rows

    h = Health()
    for table, column in DATED.items():
        try:
            t = table_rows(ws, Table(table), scope)
            if t is None:
                continue
            lo, hi = t[column].min().execute(), t[column].max().execute()
        except Exception:  # noqa: BLE001 - an absent or empty table simply says nothing
            continue
        first, last = _day(lo), _day(hi)
        if first and last:
            h.spans[table] = (first, last)
    try:
        o = table_rows(ws, Table.OPPORTUNITIES, scope)
        if o is None:
            return h
        h.opportunities = int(o.count().execute())
        h.lost_deals = int((o.status == "lost").sum().execute() or 0)
        h.won_deals = int((o.status == "won").sum().execute() or 0)
        h.closed_deals = int(o.status.isin(["won", "lost"]).sum().execute() or 0)
        h.stages_recorded = int(o.stage.notnull().sum().execute() or 0)
    except Exception:  # noqa: BLE001
        pass
    return h


def biased_before(h: Health) -> dict[str, dt.date]:
    """Per indicator, the first day its history can be trusted (a later table's records start then)."""
    out: dict[str, dt.date] = {}
    for a, b, kpis in DEPENDS:
        if a in h.spans and b in h.spans and (h.spans[b][0] - h.spans[a][0]).days > GAP_DAYS:
            for k in kpis:
                out[k] = max(out.get(k, h.spans[b][0]), h.spans[b][0])
    return out


def health_findings(ctx: Context) -> list[Finding]:
    h: Health | None = ctx.health
    if h is None:
        return []
    return [*_windows(ctx, h), *_impossible(ctx, h), *_stages(ctx, h), *_in_progress(ctx)]


def _windows(ctx: Context, h: Health) -> list[Finding]:
    out = []
    for a, b, kpis in DEPENDS:
        if a not in h.spans or b not in h.spans:
            continue
        (a0, a1), (b0, b1) = h.spans[a], h.spans[b]
        for edge, gap, day in (("start", (b0 - a0).days, b0), ("end", (a1 - b1).days, b1)):
            if gap <= GAP_DAYS:
                continue
            ev = {"tables": [a, b], "edge": edge, a: [a0, a1], b: [b0, b1], "gap_days": gap, "indicators": list(kpis),
                  "biased_before" if edge == "start" else "biased_after": day}
            params = {"a": Term(f"table.{a}"), "b": Term(f"table.{b}"), "a_day": str(a0 if edge == "start" else a1),
                      "b_day": str(day), "kpis": _names(ctx, kpis)}
            out.append(make("data_window", kpi=kpis[0], period=ctx.period, dims={}, evidence=ev, params=params,
                            confidence="high", effect=3.0, text=f"data_window_{edge}"))
    return out


def _names(ctx: Context, kpis: tuple[str, ...]) -> dict[str, str]:
    return {lang: locale.join([ctx.name(k)[lang] for k in kpis], lang) for lang in locale.languages()}


def _impossible(ctx: Context, h: Health) -> list[Finding]:
    out = []
    conv = rows(ctx.totals, "lead_conversion_rate")
    if not conv.empty:
        leads = sum(fnum(v) or 0 for v in conv["denominator"])
        converted = sum(fnum(v) or 0 for v in conv["numerator"])
        # Deals were won in the same months, yet not one lead ever converted: the link is lost.
        if leads >= ctx.min_sample and converted == 0 and h.won_deals > 0:
            row = one(ctx.totals, "lead_conversion_rate", ctx.period)
            ev: dict[str, Any] = {"leads": leads, "converted": 0, "won_deals": h.won_deals}
            if row is not None:
                ev = evidence(row, **ev)
            out.append(make("impossible_value", kpi="lead_conversion_rate", period=ctx.period, dims={},
                            evidence=ev, params={"leads": Num(leads, "count"), "deals": Num(h.won_deals, "count")},
                            confidence="high", effect=4.0, text="impossible_conversion"))
    wins = rows(ctx.totals, "win_rate")
    if not wins.empty and h.closed_deals >= ctx.min_sample and h.lost_deals == 0:
        row = one(ctx.totals, "win_rate", ctx.period)
        ev = {"closed_deals": h.closed_deals, "lost_deals": 0, **({"value": fnum(row["value"])} if row is not None else {})}
        out.append(make("impossible_value", kpi="win_rate", period=ctx.period, dims={}, evidence=ev,
                        params={"n": Num(h.closed_deals, "count")}, confidence="high", effect=4.0,
                        text="impossible_win_rate"))
    return out


def _stages(ctx: Context, h: Health) -> list[Finding]:
    if h.opportunities < ctx.min_sample or h.stages_recorded:
        return []
    return [make("stages_missing", kpi="pipeline_coverage", period=ctx.period, dims={},
                 evidence={"opportunities": h.opportunities, "stages_recorded": 0},
                 params={"n": Num(h.opportunities, "count")}, confidence="high", effect=1.0)]


def in_progress(ctx: Context) -> tuple[int, int] | None:
    """(days covered, days in the period) when the period asked is not over in the data, else None.

    Not over: today falls in it, or the data stop well before its end (the engine's ``days_covered``
    where it gives it); a quiet last day or two at the end of a period is not a cut-off.
    """
    here = ctx.totals[ctx.totals["period"].astype(str) == str(ctx.period)]
    if here.empty:
        return None
    start, end = pd.Timestamp(here["period_start"].iloc[0]).date(), pd.Timestamp(here["period_end"].iloc[0]).date()
    total = (end - start).days + 1
    covered = None
    if "days_covered" in here.columns and here["days_covered"].notna().any():
        covered = int(here["days_covered"].dropna().max())
    else:
        data_end = ctx.health.data_end if ctx.health else None
        if data_end is not None:
            covered = max(min((data_end - start).days + 1, total), 0)
    if ctx.today <= end:
        covered = min(covered if covered is not None else total, max((ctx.today - start).days, 0))
    elif covered is None or total - covered <= max(1, total // 4):
        return None
    return covered, total


def _in_progress(ctx: Context) -> list[Finding]:
    span = in_progress(ctx)
    if span is None:
        return []
    covered, total = span
    return [make("period_in_progress", kpi="", period=ctx.period, dims={},
                 evidence={"days_covered": covered, "days": total, "complete": False},
                 params={"period": ctx.period, "covered": Num(covered, "count"), "days": Num(total, "count")},
                 confidence="high", effect=4.0)]

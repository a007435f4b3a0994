"""Gather the engine frames a period's findings need, run every rule, rank the results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from salesscope import locale
from salesscope.advice.anomalies import anomaly_findings
from salesscope.advice.frames import Context, KpiMeta, periods, pick_period
from salesscope.advice.health import biased_before, gather, health_findings
from salesscope.advice.microscope import PROPORTIONS, total_vs_parts, wrong_zoom
from salesscope.advice.model import Finding, rank
from salesscope.advice.rrroi import rrroi_findings
from salesscope.advice.rules import indicator_findings
from salesscope.advice.settle import settle
from salesscope.advice.targets import target_findings
from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.scope import Scope, ScopeArg
from salesscope.vocab import Dimension

if TYPE_CHECKING:
    from salesscope.workspace import Workspace
    from salesscope.zoom import Zoom

DEFAULT_BY = (Dimension.CHANNEL, Dimension.REP, Dimension.TEAM, Dimension.SEGMENT)
COVERAGE_TARGET = 3.0


def _meta(ws: Workspace) -> dict[str, KpiMeta]:
    return {k: KpiMeta(k, {lang: i.name(lang) for lang in locale.languages()}, str(i.unit), str(i.direction))
            for k, i in ws.model.indicators.items()}


def build_context(ws: Workspace, *, period: str | None = None, zoom: Zoom | None = None, grain: str = "month",
                  calendar: str | None = None, by: Sequence[str] | str | None = None, today: dt.date | None = None,
                  scope: ScopeArg = None) -> Context:
    """Ask the engine for every frame the rules read: totals, breakdowns, and the neighbouring grains.

    The zoom is a :class:`Zoom` or its parts; its breakdown names the dimensions to examine one by one."""
    zoom = ws.zoom(zoom, grain=grain, calendar=calendar, by=by)
    grain, dims = zoom.grain, zoom.by or DEFAULT_BY
    zoom = zoom.replace(by=(), start=None, end=None)  # findings weigh the whole history
    today = today or dt.date.today()
    totals = ws.kpis(None, zoom=zoom, details=True, scope=scope)
    last_full, current = pick_period(totals, today, data_end(ws))
    if period is None:
        period = last_full
    elif str(period) not in set(totals["period"].astype(str)):
        known = ", ".join(periods(totals)["period"].astype(str).tolist()[-6:]) if not totals.empty else "none"
        raise QueryError(Text("error.advice.no_period", period=period, grain=Text(f"grain.{grain}"), known=known))
    if period is None:
        raise QueryError(Text("error.advice.no_data"))
    parts: dict[str, pd.DataFrame] = {}
    for dim in dims:
        if not isinstance(dim, Dimension):
            # a dimension of the data's own: every indicator is asked, those that lack it drop out
            part = ws.kpis(None, zoom=zoom.replace(by=(dim,)), details=True, scope=scope)
            parts[dim] = part[~part["reason"].fillna("").str.startswith("no_dimension:")].reset_index(drop=True)
            continue
        ids = [k for k, ind in ws.model.indicators.items() if dim in ind.dimensions]
        if ids:
            parts[dim.value] = ws.kpis(ids, zoom=zoom.replace(by=(dim,)), details=True, scope=scope)
    p = periods(totals)
    row = p[p["period"].astype(str) == str(period)].iloc[0]
    start, end = row["period_start"], row["period_end"]
    finer, coarser = grain.finer, grain.coarser
    finer_df = coarser_df = None
    if finer:
        # read from a little before the period, so the finer grain's first bucket has a previous one
        lookback = dt.timedelta(days=finer.max_days + 1)
        finer_df = ws.kpis(list(PROPORTIONS), zoom=zoom.replace(grain=finer, start=start - lookback, end=end),
                           scope=scope)
    if coarser:
        # and the coarser grain from the bucket before, so the period's coarser bucket has a previous one
        before = dt.timedelta(days=coarser.max_days + 1)
        coarser_df = ws.kpis(list(PROPORTIONS), zoom=zoom.replace(grain=coarser, start=start - before, end=start),
                             scope=scope)
    health = gather(ws, Scope.parse(scope))
    health.data_end = data_end(ws)
    return Context(totals=totals, period=str(period), grain=grain, parts=parts, meta=_meta(ws),
                   health=health, biased_before=biased_before(health),
                   min_sample=ws.config.min_sample, today=today, targets=list(ws.config.targets),
                   coverage_target=_coverage_target(ws), currency=ws.config.currency,
                   finer=finer_df, finer_grain=finer, coarser=coarser_df, coarser_grain=coarser,
                   current=current)


# The timestamps that say how far the data reach; a period ending after all of them is not full.
DATA_TIMES = (("activities", "occurred_at"), ("leads", "created_at"), ("opportunities", "closed_at"),
              ("customers", "acquired_at"))


def data_end(ws: Workspace) -> dt.date | None:
    """The last day any record is dated (through the workspace's backend), or None when unknown;
    read once per :meth:`Workspace.sharing` batch (advice, a report's "why" readings)."""
    return ws.shared(("data_end",), lambda: _data_end(ws))


def _data_end(ws: Workspace) -> dt.date | None:
    latest = None
    for table, column in DATA_TIMES:
        try:
            value = ws.table(table)[column].max().execute()
        except Exception:  # noqa: BLE001 - an absent or empty table simply says nothing
            continue
        if value is not None and not pd.isna(value):
            day = pd.Timestamp(value).date()
            latest = day if latest is None or day > latest else latest
    return latest


def _coverage_target(ws: Workspace) -> float:
    for t in ws.config.targets:
        if t.kpi == "pipeline_coverage" and not t.by:
            return float(t.value)
    return COVERAGE_TARGET


def run(ctx: Context, *, lang: str = "en") -> list[Finding]:
    """Every rule over one context, graded and settled (one finding per fact), ranked most valuable first."""
    data = health_findings(ctx)
    found = [*rrroi_findings(ctx), *indicator_findings(ctx), *target_findings(ctx),
             *total_vs_parts(ctx), *wrong_zoom(ctx), *anomaly_findings(ctx)]
    found = [*data, *settle(ctx, _dedupe(withheld(data, found)))]
    for f in found:
        f.lang = lang
    return rank(found)


def withheld(data: list[Finding], found: list[Finding]) -> list[Finding]:
    """What data health leaves standing: nothing on an impossible figure's indicator, and in a period
    still in progress only the pace against targets."""
    impossible = {f.kpi for f in data if f.code == "impossible_value"}
    partial = any(f.code == "period_in_progress" for f in data)
    return [f for f in found if f.kpi not in impossible
            and not (partial and not f.evidence.get("current_period"))]


def _dedupe(found: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in found:
        key = (f.code, f.kpi, f.period, tuple(sorted(f.dimensions.items())))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out

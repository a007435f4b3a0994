"""The lead funnel: lead -> contacted -> qualified -> opportunity -> won, per cohort of leads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from salesscope.engine.compute import Plan
from salesscope.engine.dimensions import stored_column
from salesscope.engine.facts import NONE, Ctx, Fact, _dim, _people, _record, lead_touches
from salesscope.engine.links import deals_by_lead
from salesscope.engine.request import Request
from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.schema import Table
from salesscope.scope import Scope
from salesscope.vocab import Dimension
from salesscope.zoom import Zoom

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

STAGES = ("lead", "contacted", "qualified", "opportunity", "won")


def lead_stages(ctx: Ctx) -> ir.Table:
    """One row per lead, dated by its creation, with the stages it has reached."""
    lead = ctx.table(Table.LEADS)
    touched = lead_touches(ctx)
    first = touched.group_by("_lid").aggregate(_touch=touched.count())
    opp = ctx.table(Table.OPPORTUNITIES)
    opp = opp.select(_oid=opp.opportunity_id, _status=opp.status)
    deals = deals_by_lead(ctx.backend)
    j = (lead.left_join(first, lead.lead_id == first._lid).left_join(opp, lead.opportunity_id == opp._oid)
         .left_join(deals, lead.lead_id == deals._dl_lead))
    j, people = _people(ctx, j, Table.LEADS)
    linked = j.opportunity_id.notnull() | j._dl_n.notnull()  # a deal named by either side
    return j.select(
        day=j.created_at.date(), **people, channel=_dim(j.channel), campaign=_dim(j.campaign),
        **ctx.extras(j, Table.LEADS),
        contacted=j.first_contacted_at.notnull() | j._touch.notnull(),
        qualified=j.qualified_at.notnull() | linked, recorded_qualified=j.qualified_at.notnull(),
        qualified_alone=j.qualified_at.notnull() & ~linked,
        opportunity=linked, won=(j._status == "won").fill_null(False) | j._dl_won.fill_null(False),
        **_record(ctx, j, Table.LEADS),
    )


LEAD_STAGES = Fact("lead_stages", (Table.LEADS,),
                   frozenset({Dimension.TEAM, Dimension.REP, Dimension.CHANNEL, Dimension.CAMPAIGN}), lead_stages,
                   extras_from=Table.LEADS)
FUNNEL_DIMS = LEAD_STAGES.dims


def funnel(ws: Workspace, *, zoom: Zoom | None = None, grain: str = "month", calendar: str | None = None,
           by: Any = None, start: Any = None, end: Any = None, scope: Scope | dict | None = None) -> pd.DataFrame:
    """Counts at each stage for the leads created in each period, with conversion and drop-off.

    The zoom is a :class:`Zoom` or its parts, as for ``ws.kpis``.

    >>> funnel(ws, grain="quarter", by="channel")  # doctest: +SKIP
    """
    zoom = ws.zoom(zoom, grain=grain, calendar=calendar, by=by, start=start, end=end)
    req = Request.build(ws, ids=["lead_conversion_rate"], zoom=zoom, scope=scope)
    plan = Plan(ws, req)
    for d in req.dims:
        if d not in FUNNEL_DIMS and d not in LEAD_STAGES.extra_dims(plan.columns):
            col = stored_column(d)
            raise QueryError(Text("error.funnel.cannot_break_down", dim=d, column=col))
    if not plan.counts.get(Table.LEADS.value):
        raise QueryError(Text("error.funnel.no_leads"))
    be = plan.backend
    measured, separate = _sources(be, LEAD_STAGES.build(plan.ctx).view(), plan.counts)
    facts = LEAD_STAGES.rows(plan.ctx)
    if facts is None:
        raise QueryError(Text("error.funnel.outside_scope"))
    facts = facts.join(plan.ctx.days, "day")
    agg = facts.group_by(plan.keys).aggregate(
        lead=facts.count(), contacted=facts.count(where=facts.contacted),
        qualified=facts.count(where=facts.qualified), opportunity=facts.count(where=facts.opportunity),
        won=facts.count(where=facts.won),
    )
    wide = be.execute(agg)
    wide["period_start"] = pd.to_datetime(wide["period_start"]).dt.normalize()
    labels = plan.frame[["period_start", "period_end", "period"]].copy()
    labels[["period_start", "period_end"]] = labels[["period_start", "period_end"]].apply(pd.to_datetime)
    inside = pd.to_datetime(pd.Series([p.start for p in plan.in_range]))
    wide = wide[wide["period_start"].isin(inside)].merge(labels, on="period_start")
    for stage in STAGES:  # a stage the data cannot tell is not measured, not 0
        if not measured[stage]:
            wide[stage] = np.nan
    dims = plan.keys[1:]
    long = wide.melt(id_vars=["period", "period_start", "period_end", *dims], value_vars=list(STAGES),
                     var_name="stage", value_name="count")
    long["stage_order"] = long["stage"].map({s: i for i, s in enumerate(STAGES)})
    long = long.sort_values(["period_start", *dims, "stage_order"]).reset_index(drop=True)
    # each stage against the last measured stage before it
    prev = long.groupby(["period_start", *dims], sort=False)["count"].transform(lambda c: c.ffill().shift(1))
    with np.errstate(divide="ignore", invalid="ignore"):
        conv = np.where(prev > 0, long["count"] / prev * 100, np.nan)
    long["note"] = [None if measured[s] else "not_measured" for s in long["stage"]]
    if measured["qualified"] and not separate:
        # every qualified lead has a deal: qualifying and opening a deal are one event in these data
        same = (long["stage"] == "opportunity").to_numpy() & measured["opportunity"]
        conv = np.where(same, np.nan, conv)
        long.loc[same, "note"] = "not_separate"
    long["conversion"] = conv
    long["drop_off"] = np.where(np.isnan(conv), np.nan, 100 - conv)
    long["count"] = long["count"].astype("Int64")
    for d in dims:
        long[d] = long[d].fillna(NONE)
    return long[["period", "period_start", "period_end", *dims, "stage", "count", "conversion", "drop_off", "note"]]


def _sources(be, facts, counts: dict[str, int]) -> tuple[dict[str, bool], bool]:
    """Which stages the data can measure at all (over every lead, whatever the period or scope),
    and whether qualification is recorded apart from opening a deal."""
    got = be.execute(facts.aggregate(
        contacted=facts.count(where=facts.contacted), qualified=facts.count(where=facts.recorded_qualified),
        qualified_alone=facts.count(where=facts.qualified_alone), opportunity=facts.count(where=facts.opportunity),
    )).iloc[0]
    deals = bool(counts.get(Table.OPPORTUNITIES.value))
    measured = {
        "lead": True,
        "contacted": int(got["contacted"]) > 0,
        "qualified": int(got["qualified"]) > 0,
        "opportunity": deals or int(got["opportunity"]) > 0,
        "won": deals,
    }
    return measured, int(got["qualified_alone"]) > 0

"""Facts: each canonical table (with the joins it needs) as one Ibis expression.

A fact has a ``day`` that places each row in a period (or, for snapshot facts, is joined to the
periods directly), string dimension columns, and value columns that measures aggregate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

import ibis
import ibis.expr.types as ir

from salesscope.engine.links import deals_by_lead
from salesscope.schema import Table
from salesscope.vocab import Dimension

NONE = "(none)"  # shown for a row without a dimension value (a deal with no product...)
# Activities that work an existing lead or deal; every other kind (none, outreach, call, email,
# sms, visit, ad...) is an outreach action for the response rate.
SALES_KINDS = ("follow_up", "follow-up", "followup", "meeting", "demo", "task", "note", "proposal",
               "negotiation")


@dataclass
class Ctx:
    """What fact builders need: the backend, the periods and the row filter of the request."""

    backend: ibis.BaseBackend
    days: ir.Table  # day -> period_start
    periods: ir.Table  # period_start, t_start, t_end (timestamps; t_end exclusive)
    scope: dict[str, list[str]] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)

    def table(self, name: Table) -> ir.Table:
        return self.backend.table(name.value)

    def reps(self) -> ir.Table:
        r = self.table(Table.REPS)
        return r.select(_rep_id=r.rep_id, _team=r.team, _hourly_cost=r.hourly_cost)


def _dim(col: ir.Value) -> ir.StringValue:
    return col.cast("string").fill_null(NONE)


def _with_team(ctx: Ctx, t: ir.Table, rep_col: str = "rep_id") -> ir.Table:
    reps = ctx.reps()
    return t.left_join(reps, t[rep_col] == reps._rep_id)


def _hours_between(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / 3600.0


@dataclass(frozen=True)
class Fact:
    """One kind of counted row: how it is built, how it is placed in time, what it can be split by.

    ``placed`` is the record-level counterpart of ``build``: which rows of ``rows_table`` the fact
    counts for a period, as SQL on the dates ``$s`` and ``$e`` (inclusive), so "the rows behind a
    number" are the rows it counted. ``time`` says in words what places a row in a period.
    """

    name: str
    tables: tuple[Table, ...]  # the inputs; the first one must hold data
    dims: frozenset[Dimension]
    build: Callable[[Ctx], ir.Table]
    snapshot: bool = False  # built already joined to the periods (has period_start, no day)
    time: str = ""
    placed: str = ""
    rows_table: str = ""

    @property
    def scope_columns(self) -> tuple[str, ...]:
        """The input columns that tie a row to a person (a user's scope filters on them)."""
        return ("rep_id",) if Dimension.REP in self.dims else ()


def activities(ctx: Ctx) -> ir.Table:
    a = _with_team(ctx, ctx.table(Table.ACTIVITIES))
    kind = a.kind.lower()
    return a.select(
        day=a.occurred_at.date(), rep=_dim(a.rep_id), team=_dim(a._team), channel=_dim(a.channel),
        campaign=_dim(a.campaign), is_outreach=kind.isnull() | ~kind.isin(SALES_KINDS),
    )


def responses(ctx: Ctx) -> ir.Table:
    """Responses, placed by the action they answer (an unlinked response by its own time)."""
    if ctx.row_counts.get(Table.RESPONSES.value, 0) == 0:
        # Without a responses table, an activity's responded_at says it was answered.
        a = _with_team(ctx, ctx.table(Table.ACTIVITIES))
        a = a.filter(a.responded_at.notnull())
        kind = a.kind.lower()
        a = a.filter(kind.isnull() | ~kind.isin(SALES_KINDS))
        return a.select(day=a.occurred_at.date(), rep=_dim(a.rep_id), team=_dim(a._team),
                        channel=_dim(a.channel), campaign=_dim(a.campaign))
    r = ctx.table(Table.RESPONSES)
    act = ctx.table(Table.ACTIVITIES)
    act = act.select(_aid=act.activity_id, _at=act.occurred_at, _ch=act.channel, _rep=act.rep_id,
                     _camp=act.campaign)
    j = r.left_join(act, r.activity_id == act._aid)
    j = _with_team(ctx, j, "_rep")
    return j.select(
        day=j._at.fill_null(j.occurred_at).date(), rep=_dim(j._rep), team=_dim(j._team),
        channel=_dim(j._ch.fill_null(j.channel)), campaign=_dim(j.campaign.fill_null(j._camp)),
    )


def time_log(ctx: Ctx) -> ir.Table:
    t = _with_team(ctx, ctx.table(Table.TIME_LOG))
    return t.select(
        day=t.day, rep=_dim(t.rep_id), team=_dim(t._team), channel=_dim(t.channel),
        # an undifferentiated time log is prospecting time (KPIS.md, LGR)
        purpose=t.purpose.fill_null("prospecting"), hours=t.hours.cast("float64"),
        labour_cost=(t.hours.cast("float64") * t._hourly_cost.cast("float64")).fill_null(0.0),
    )


def leads(ctx: Ctx) -> ir.Table:
    lead = ctx.table(Table.LEADS)
    act = ctx.table(Table.ACTIVITIES)
    # The first touch at or after the lead's creation (the outreach that produced a lead came before it).
    touches = act.filter(act.lead_id.notnull()).select(_lid=act.lead_id, _at=act.occurred_at)
    born = lead.select(_bid=lead.lead_id, _created=lead.created_at)
    touches = touches.join(born, (touches._lid == born._bid) & (touches._at >= born._created))
    first = touches.group_by("_lid").aggregate(_first=touches._at.min())
    deals = deals_by_lead(ctx.backend)
    j = lead.left_join(first, lead.lead_id == first._lid).left_join(deals, lead.lead_id == deals._dl_lead)
    j = _with_team(ctx, j)
    touched = j.first_contacted_at.fill_null(j._first)
    # converted: a deal linked from either side, or a recorded qualification
    converted = j.opportunity_id.notnull() | j._dl_n.notnull() | j.qualified_at.notnull()
    return j.select(
        day=j.created_at.date(), rep=_dim(j.rep_id), team=_dim(j._team), channel=_dim(j.channel),
        campaign=_dim(j.campaign), hours_to_contact=_hours_between(touched, j.created_at),
        converted=converted, undecided=~converted & j.disqualified_at.isnull(),
    )


def closed_deals(ctx: Ctx) -> ir.Table:
    o = _with_team(ctx, ctx.table(Table.OPPORTUNITIES))
    o = o.filter(o.closed_at.notnull() & o.status.isin(["won", "lost"]))
    return o.select(
        day=o.closed_at.date(), rep=_dim(o.rep_id), team=_dim(o._team), channel=_dim(o.channel),
        product=_dim(o.product), won=o.status == "won", lost=o.status == "lost",
        amount=o.amount.cast("float64"),
        cycle_days=_hours_between(o.closed_at, o.created_at) / 24.0,
    )


def _open_at(ctx: Ctx, at: str) -> ir.Table:
    """Opportunities open at each period's start (``t_start``) or end (``t_end``)."""
    o = _with_team(ctx, ctx.table(Table.OPPORTUNITIES))
    p = ctx.periods
    t = p[at]
    still_open = (o.status == "open") | (o.closed_at >= t)
    j = o.join(p, (o.created_at < t) & still_open)
    return j.select(
        period_start=j.period_start, rep=_dim(j.rep_id), team=_dim(j._team),
        channel=_dim(j.channel), product=_dim(j.product), amount=j.amount.cast("float64"),
        weighted=(j.amount.cast("float64") * j.probability.fill_null(0.0)),
    )


def open_at_end(ctx: Ctx) -> ir.Table:
    return _open_at(ctx, "t_end")


def open_at_start(ctx: Ctx) -> ir.Table:
    return _open_at(ctx, "t_start")


def customers_new(ctx: Ctx) -> ir.Table:
    c = _with_team(ctx, ctx.table(Table.CUSTOMERS))
    return c.select(day=c.acquired_at.date(), rep=_dim(c.rep_id), team=_dim(c._team),
                    segment=_dim(c.segment))


def customers_at_start(ctx: Ctx) -> ir.Table:
    """Customers active at each period's start, and whether they churned within it."""
    c = _with_team(ctx, ctx.table(Table.CUSTOMERS))
    p = ctx.periods
    j = c.join(p, (c.acquired_at < p.t_start) & (c.churned_at.isnull() | (c.churned_at >= p.t_start)))
    return j.select(
        period_start=j.period_start, rep=_dim(j.rep_id), team=_dim(j._team), segment=_dim(j.segment),
        churned=j.churned_at.notnull() & (j.churned_at < j.t_end),
    )


def _spread_by_day(ctx: Ctx, t: ir.Table, first: ir.Value, last: ir.Value) -> ir.Table:
    """Spread each row's amount evenly over the days of its period (a quota or a cost)."""
    t = t.mutate(_first=first, _last=last)
    t = t.mutate(_days=(t._last.delta(t._first, unit="day") + 1).cast("float64"))
    d = ctx.days.select(_spread_day=ctx.days.day)  # costs have a ``day`` column of their own
    j = t.join(d, (d._spread_day >= t._first) & (d._spread_day <= t._last))
    return j.mutate(daily=j.amount.cast("float64") / j._days)


def quotas(ctx: Ctx) -> ir.Table:
    q = _with_team(ctx, ctx.table(Table.QUOTAS))
    level = ibis.cases((q.rep_id.notnull(), "rep"), (q.team.notnull(), "team"), else_="company")
    q = q.mutate(_level=level, _qteam=q.team.fill_null(q._team))
    j = _spread_by_day(ctx, q, q.period_start, q.period_end)
    return j.select(day=j._spread_day, rep=_dim(j.rep_id), team=_dim(j._qteam), level=j._level, quota=j.daily)


def costs(ctx: Ctx) -> ir.Table:
    c = ctx.table(Table.COSTS)
    j = _spread_by_day(ctx, c, c.day.fill_null(c.period_start), c.day.fill_null(c.period_end))
    return j.select(day=j._spread_day, channel=_dim(j.channel), campaign=_dim(j.campaign), cost=j.daily)


D = Dimension
_PEOPLE = frozenset({D.REP, D.TEAM})
DAY = "CAST({} AS DATE)"  # stored times are local wall-clock: the date is taken as is


def _between(col: str) -> str:
    return f"{DAY.format(col)} BETWEEN $s AND $e"


# The built-in facts (read-only); a workspace's semantic model adds the user's own.
FACTS = MappingProxyType({f.name: f for f in (
    Fact("activities", (Table.ACTIVITIES,), _PEOPLE | {D.CHANNEL, D.CAMPAIGN}, activities,
         time="occurred_at", rows_table="activities", placed=_between("occurred_at")),
    Fact("responses", (Table.ACTIVITIES,), _PEOPLE | {D.CHANNEL, D.CAMPAIGN}, responses,
         time="the answered action's occurred_at", rows_table="responses", placed=_between("occurred_at")),
    Fact("time_log", (Table.TIME_LOG,), _PEOPLE | {D.CHANNEL}, time_log,
         time="day", rows_table="time_log", placed="day BETWEEN $s AND $e"),
    Fact("leads", (Table.LEADS,), _PEOPLE | {D.CHANNEL, D.CAMPAIGN}, leads,
         time="created_at", rows_table="leads", placed=_between("created_at")),
    Fact("closed_deals", (Table.OPPORTUNITIES,), _PEOPLE | {D.CHANNEL, D.PRODUCT}, closed_deals,
         time="closed_at", rows_table="opportunities",
         placed=f"status IN ('won', 'lost') AND {_between('closed_at')}"),
    Fact("open_at_end", (Table.OPPORTUNITIES,), _PEOPLE | {D.CHANNEL, D.PRODUCT}, open_at_end, True,
         time="open at the period's end", rows_table="opportunities",
         placed=f"{DAY.format('created_at')} <= $e AND (status = 'open' OR {DAY.format('closed_at')} > $e)"),
    Fact("open_at_start", (Table.OPPORTUNITIES,), _PEOPLE | {D.CHANNEL, D.PRODUCT}, open_at_start, True,
         time="open at the period's start", rows_table="opportunities",
         placed=f"{DAY.format('created_at')} < $s AND (status = 'open' OR {DAY.format('closed_at')} >= $s)"),
    Fact("customers_new", (Table.CUSTOMERS,), _PEOPLE | {D.SEGMENT}, customers_new,
         time="acquired_at", rows_table="customers", placed=_between("acquired_at")),
    Fact("customers_at_start", (Table.CUSTOMERS,), _PEOPLE | {D.SEGMENT}, customers_at_start, True,
         time="active at the period's start", rows_table="customers",
         placed=f"{DAY.format('acquired_at')} < $s AND (churned_at IS NULL OR {DAY.format('churned_at')} >= $s)"),
    Fact("quotas", (Table.QUOTAS,), _PEOPLE, quotas,
         time="period_start to period_end, spread evenly over its days", rows_table="quotas",
         placed="period_start <= $e AND period_end >= $s"),
    Fact("costs", (Table.COSTS,), frozenset({D.CHANNEL, D.CAMPAIGN}), costs,
         time="day, or period_start to period_end spread evenly over its days", rows_table="costs",
         placed="coalesce(day, period_start) <= $e AND coalesce(day, period_end) >= $s"),
)})

# The column each dimension reads in a fact.
DIM_COLUMN: dict[Dimension, str] = {d: ("rep" if d is D.REP else d.value) for d in Dimension}

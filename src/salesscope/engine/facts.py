"""Facts: each canonical table (with the joins it needs) as one Ibis expression.

A fact has a ``day`` that places each row in a period (or, for snapshot facts, is joined to the
periods directly), string dimension columns, and value columns that measures aggregate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from salesscope.engine.dimensions import extra_dims, store_columns
from salesscope.engine.links import deals_by_lead
from salesscope.schema import OWNER_COLUMN, Table, rep_role_column
from salesscope.scope import EVERYTHING, Scope
from salesscope.vocab import Dimension

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

NONE = "(none)"  # shown for a row without a dimension value (a deal with no product...)
# Activities that work an existing lead or deal; every other kind (none, outreach, call, email,
# sms, visit, ad...) is an outreach action for the response rate.
SALES_KINDS = ("follow_up", "follow-up", "followup", "meeting", "demo", "task", "note", "proposal",
               "negotiation")


@dataclass
class Ctx:
    """What fact builders need: the backend, the periods and the rows the reader may see."""

    backend: ibis.BaseBackend
    days: ir.Table  # day -> period_start
    periods: ir.Table  # period_start, t_start, t_end (timestamps; t_end exclusive)
    scope: Scope = EVERYTHING
    row_counts: dict[str, int] = field(default_factory=dict)
    records: bool = False  # also carry each input record's own columns (the rows behind a number)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stored columns per table (empty: read the store's)
    rep_role: str | None = None  # the rep role the ``rep`` dimension means (None: the owner)
    tables: Callable[[str], ir.Table] | None = None  # where tables are read (None: the backend)

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = store_columns(self.backend)

    def table(self, name: Table) -> ir.Table:
        return self.tables(name.value) if self.tables else self.backend.table(name.value)

    def rep_column(self, table: Table) -> str:
        """The column the ``rep`` dimension reads in ``table``: the configured role where the table
        holds it, else the owner."""
        role = rep_role_column(self.rep_role) if self.rep_role else None
        return role if role and role in self.columns.get(table.value, ()) else OWNER_COLUMN

    def extras(self, t: ir.Table, table: Table, prefix: str = "") -> dict[str, ir.Value]:
        """The extra dimensions (channel label, attributes, rep roles) ``table`` offers, read from
        ``t`` (which holds its columns, each under ``prefix``)."""
        return {name: _dim(t[prefix + col]) for name, col in extra_dims(self.columns.get(table.value, ())).items()}

    def reps(self) -> ir.Table:
        r = self.table(Table.REPS)
        return r.select(_rep_id=r.rep_id, _team=r.team, _hourly_cost=r.hourly_cost)


RECORD = "record:"  # prefix of an input record's own columns in a fact built with ``records``


def _record(ctx: Ctx, t: ir.Table, table: Table) -> dict[str, ir.Value]:
    """With ``ctx.records``, the columns of ``table`` that ``t`` was built from, prefixed."""
    if not ctx.records:
        return {}
    return {f"{RECORD}{c}": t[c] for c in ctx.table(table).columns}


def _dim(col: ir.Value) -> ir.StringValue:
    return col.cast("string").fill_null(NONE)


def _with_team(ctx: Ctx, t: ir.Table, rep_col: str = "rep_id") -> ir.Table:
    reps = ctx.reps()
    return t.left_join(reps, t[rep_col] == reps._rep_id)


def _people(ctx: Ctx, t: ir.Table, table: Table) -> tuple[ir.Table, dict[str, ir.Value]]:
    """``t`` joined to its rep's team, and its ``rep`` and ``team`` dimensions, for the rep role
    the workspace's ``rep`` means."""
    col = ctx.rep_column(table)
    t = _with_team(ctx, t, col)
    return t, {"rep": _dim(t[col]), "team": _dim(t._team)}


def _hours_between(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / 3600.0


@dataclass(frozen=True)
class Fact:
    """One kind of counted row: how it is built, how it is placed in time, what it can be split by.

    ``time`` says in words what places a row in a period. Built with ``Ctx.records``, a fact also
    carries each input record's own columns: the rows behind a number are the rows it counted.
    """

    name: str
    tables: tuple[Table, ...]  # the inputs; the first one must hold data
    dims: frozenset[Dimension]
    build: Callable[[Ctx], ir.Table]
    snapshot: bool = False  # built already joined to the periods (has period_start, no day)
    time: str = ""
    filters: str = ""  # in words, for a fact that keeps only some rows of its table
    extras_from: Table | None = None  # the table whose extra dimensions the fact carries

    def extra_dims(self, columns: dict[str, tuple[str, ...]]) -> frozenset[str]:
        """The channel label, attributes and rep roles the fact carries, given the stored columns."""
        return frozenset(extra_dims(columns.get(self.extras_from.value, ()))) if self.extras_from else frozenset()

    @property
    def scope_columns(self) -> tuple[str, ...]:
        """The input columns that tie a row to a person (a user's scope filters on them)."""
        return ("rep_id",) if Dimension.REP in self.dims else ()

    def rows(self, ctx: Ctx, rows: ir.Table | None = None) -> ir.Table | None:
        """The fact's rows (or ``rows``, its rollup) the reader may see: by the rep its scope
        columns name, and that rep's team (None when no column ties its rows to a person)."""
        # a fresh relation: a built fact may end in a join chain
        t = self.build(ctx).view() if rows is None else rows
        if not self.scope_columns:
            return t if ctx.scope.everything else None
        return ctx.scope.restrict(t, rep=DIM_COLUMN[Dimension.REP], team=DIM_COLUMN[Dimension.TEAM])


def activities(ctx: Ctx) -> ir.Table:
    a, people = _people(ctx, ctx.table(Table.ACTIVITIES), Table.ACTIVITIES)
    kind = a.kind.lower()
    return a.select(
        day=a.occurred_at.date(), **people, channel=_dim(a.channel),
        campaign=_dim(a.campaign), is_outreach=kind.isnull() | ~kind.isin(SALES_KINDS),
        **ctx.extras(a, Table.ACTIVITIES), **_record(ctx, a, Table.ACTIVITIES),
    )


def responses(ctx: Ctx) -> ir.Table:
    """Responses, placed by the action they answer (an unlinked response by its own time)."""
    if ctx.row_counts.get(Table.RESPONSES.value, 0) == 0:
        # Without a responses table, an activity's responded_at says it was answered.
        a, people = _people(ctx, ctx.table(Table.ACTIVITIES), Table.ACTIVITIES)
        a = a.filter(a.responded_at.notnull())
        kind = a.kind.lower()
        a = a.filter(kind.isnull() | ~kind.isin(SALES_KINDS))
        return a.select(day=a.occurred_at.date(), **people, channel=_dim(a.channel), campaign=_dim(a.campaign),
                        **ctx.extras(a, Table.ACTIVITIES), **_record(ctx, a, Table.ACTIVITIES))
    r = ctx.table(Table.RESPONSES)
    act = ctx.table(Table.ACTIVITIES)
    # Only the answered actions are joined: the join then holds the responses' actions, not
    # every action (which a plan without row counts, inside an import, would otherwise hold).
    act = act.filter(act.activity_id.isin(r.activity_id))
    # the answered action's own dimensions (its extras under "_x_")
    extra = extra_dims(ctx.columns.get(Table.ACTIVITIES.value, ()))
    act = act.select(_aid=act.activity_id, _at=act.occurred_at, _ch=act.channel,
                     _rep=act[ctx.rep_column(Table.ACTIVITIES)], _camp=act.campaign,
                     **{f"_x_{c}": act[c] for c in extra.values()})
    j = r.left_join(act, r.activity_id == act._aid)
    j = _with_team(ctx, j, "_rep")
    extras = ctx.extras(j, Table.ACTIVITIES, prefix="_x_")
    if "channel_label" in extras and "channel_label" in j.columns:  # an unlinked response's own label
        extras["channel_label"] = _dim(j["_x_channel_label"].fill_null(j.channel_label))
    return j.select(
        day=j._at.fill_null(j.occurred_at).date(), rep=_dim(j._rep), team=_dim(j._team),
        channel=_dim(j._ch.fill_null(j.channel)), campaign=_dim(j.campaign.fill_null(j._camp)), **extras,
        **_record(ctx, j, Table.RESPONSES),
    )


def time_log(ctx: Ctx) -> ir.Table:
    t = _with_team(ctx, ctx.table(Table.TIME_LOG))
    return t.select(
        day=t.day, rep=_dim(t.rep_id), team=_dim(t._team), channel=_dim(t.channel),
        **ctx.extras(t, Table.TIME_LOG),
        # an undifferentiated time log is prospecting time (KPIS.md, LGR)
        purpose=t.purpose.fill_null("prospecting"), hours=t.hours.cast("float64"),
        labour_cost=(t.hours.cast("float64") * t._hourly_cost.cast("float64")).fill_null(0.0),
        **_record(ctx, t, Table.TIME_LOG),
    )


def lead_touches(ctx: Ctx) -> ir.Table:
    """Every activity that touches a lead (``_lid``, ``_at``): logged on the lead itself, or logged
    only on a deal that is linked to the lead from either side (``leads.opportunity_id`` or
    ``opportunities.lead_id``), as CRMs that log calls on the deal do."""
    import ibis

    act = ctx.table(Table.ACTIVITIES)
    lead = ctx.table(Table.LEADS)
    opp = ctx.table(Table.OPPORTUNITIES)
    direct = act.filter(act.lead_id.notnull()).select(_lid=act.lead_id, _at=act.occurred_at)
    on_deal = act.filter(act.lead_id.isnull() & act.opportunity_id.notnull())
    links = ibis.union(
        lead.filter(lead.opportunity_id.notnull()).select(_lk_lead=lead.lead_id, _lk_opp=lead.opportunity_id),
        opp.filter(opp.lead_id.notnull()).select(_lk_lead=opp.lead_id, _lk_opp=opp.opportunity_id),
        distinct=True,
    )
    via = on_deal.join(links, on_deal.opportunity_id == links._lk_opp)
    return ibis.union(direct, via.select(_lid=via._lk_lead, _at=via.occurred_at))


def leads(ctx: Ctx) -> ir.Table:
    lead = ctx.table(Table.LEADS)
    # The first touch at or after the lead's creation (the outreach that produced a lead came before it).
    touches = lead_touches(ctx)
    born = lead.select(_bid=lead.lead_id, _created=lead.created_at)
    touches = touches.join(born, (touches._lid == born._bid) & (touches._at >= born._created))
    first = touches.group_by("_lid").aggregate(_first=touches._at.min())
    deals = deals_by_lead(ctx.backend)
    j = lead.left_join(first, lead.lead_id == first._lid).left_join(deals, lead.lead_id == deals._dl_lead)
    j, people = _people(ctx, j, Table.LEADS)
    touched = j.first_contacted_at.fill_null(j._first)
    # converted: a deal linked from either side, or a recorded qualification
    converted = j.opportunity_id.notnull() | j._dl_n.notnull() | j.qualified_at.notnull()
    return j.select(
        day=j.created_at.date(), **people, channel=_dim(j.channel),
        campaign=_dim(j.campaign), hours_to_contact=_hours_between(touched, j.created_at),
        converted=converted, undecided=~converted & j.disqualified_at.isnull(), **ctx.extras(j, Table.LEADS), **_record(ctx, j, Table.LEADS),
    )


def closed_deals(ctx: Ctx) -> ir.Table:
    o, people = _people(ctx, ctx.table(Table.OPPORTUNITIES), Table.OPPORTUNITIES)
    o = o.filter(o.closed_at.notnull() & o.status.isin(["won", "lost"]))
    return o.select(
        day=o.closed_at.date(), **people, channel=_dim(o.channel),
        product=_dim(o.product), won=o.status == "won", lost=o.status == "lost",
        amount=o.amount.cast("float64"),
        cycle_days=_hours_between(o.closed_at, o.created_at) / 24.0, **ctx.extras(o, Table.OPPORTUNITIES), **_record(ctx, o, Table.OPPORTUNITIES),
    )


def _open_at(ctx: Ctx, at: str) -> ir.Table:
    """Opportunities open at each period's start (``t_start``) or end (``t_end``)."""
    o, _ = _people(ctx, ctx.table(Table.OPPORTUNITIES), Table.OPPORTUNITIES)
    p = ctx.periods
    t = p[at]
    still_open = (o.status == "open") | (o.closed_at >= t)
    j = o.join(p, (o.created_at < t) & still_open)
    return j.select(
        period_start=j.period_start, rep=_dim(j[ctx.rep_column(Table.OPPORTUNITIES)]), team=_dim(j._team),
        channel=_dim(j.channel), product=_dim(j.product), amount=j.amount.cast("float64"),
        weighted=(j.amount.cast("float64") * j.probability.fill_null(0.0)), **ctx.extras(j, Table.OPPORTUNITIES), **_record(ctx, j, Table.OPPORTUNITIES),
    )


def open_at_end(ctx: Ctx) -> ir.Table:
    return _open_at(ctx, "t_end")


def open_at_start(ctx: Ctx) -> ir.Table:
    return _open_at(ctx, "t_start")


def customers_new(ctx: Ctx) -> ir.Table:
    c, people = _people(ctx, ctx.table(Table.CUSTOMERS), Table.CUSTOMERS)
    return c.select(day=c.acquired_at.date(), **people, segment=_dim(c.segment), **ctx.extras(c, Table.CUSTOMERS), **_record(ctx, c, Table.CUSTOMERS))


def customers_at_start(ctx: Ctx) -> ir.Table:
    """Customers active at each period's start, and whether they churned within it."""
    c, _ = _people(ctx, ctx.table(Table.CUSTOMERS), Table.CUSTOMERS)
    p = ctx.periods
    j = c.join(p, (c.acquired_at < p.t_start) & (c.churned_at.isnull() | (c.churned_at >= p.t_start)))
    return j.select(
        period_start=j.period_start, rep=_dim(j[ctx.rep_column(Table.CUSTOMERS)]), team=_dim(j._team),
        segment=_dim(j.segment), churned=j.churned_at.notnull() & (j.churned_at < j.t_end),
        **ctx.extras(j, Table.CUSTOMERS), **_record(ctx, j, Table.CUSTOMERS),
    )


def _spread_by_day(ctx: Ctx, t: ir.Table, first: ir.Value, last: ir.Value) -> ir.Table:
    """Spread each row's amount evenly over the days of its period (a quota or a cost)."""
    t = t.mutate(_first=first, _last=last)
    t = t.mutate(_days=(t._last.delta(t._first, unit="day") + 1).cast("float64"))
    d = ctx.days.select(_spread_day=ctx.days.day)  # costs have a ``day`` column of their own
    j = t.join(d, (d._spread_day >= t._first) & (d._spread_day <= t._last))
    return j.mutate(daily=j.amount.cast("float64") / j._days)


def quotas(ctx: Ctx) -> ir.Table:
    import ibis

    q = _with_team(ctx, ctx.table(Table.QUOTAS))
    level = ibis.cases((q.rep_id.notnull(), "rep"), (q.team.notnull(), "team"), else_="company")
    q = q.mutate(_level=level, _qteam=q.team.fill_null(q._team))
    j = _spread_by_day(ctx, q, q.period_start, q.period_end)
    return j.select(day=j._spread_day, rep=_dim(j.rep_id), team=_dim(j._qteam), level=j._level, quota=j.daily,
                    **_record(ctx, j, Table.QUOTAS))


def costs(ctx: Ctx) -> ir.Table:
    c = ctx.table(Table.COSTS)
    j = _spread_by_day(ctx, c, c.day.fill_null(c.period_start), c.day.fill_null(c.period_end))
    return j.select(day=j._spread_day, channel=_dim(j.channel), campaign=_dim(j.campaign), cost=j.daily,
                    **ctx.extras(j, Table.COSTS), **_record(ctx, j, Table.COSTS))


D = Dimension
_PEOPLE = frozenset({D.REP, D.TEAM})
# The built-in facts (read-only); a workspace's semantic model adds the user's own.
FACTS = MappingProxyType({f.name: f for f in (
    Fact("activities", (Table.ACTIVITIES,), _PEOPLE | {D.CHANNEL, D.CAMPAIGN}, activities,
         time="occurred_at", extras_from=Table.ACTIVITIES),
    Fact("responses", (Table.ACTIVITIES,), _PEOPLE | {D.CHANNEL, D.CAMPAIGN}, responses,
         time="the answered action's occurred_at", extras_from=Table.ACTIVITIES),
    Fact("time_log", (Table.TIME_LOG,), _PEOPLE | {D.CHANNEL}, time_log,
         time="day", extras_from=Table.TIME_LOG),
    Fact("leads", (Table.LEADS,), _PEOPLE | {D.CHANNEL, D.CAMPAIGN}, leads,
         time="created_at", extras_from=Table.LEADS),
    Fact("closed_deals", (Table.OPPORTUNITIES,), _PEOPLE | {D.CHANNEL, D.PRODUCT}, closed_deals,
         time="closed_at", extras_from=Table.OPPORTUNITIES),
    Fact("open_at_end", (Table.OPPORTUNITIES,), _PEOPLE | {D.CHANNEL, D.PRODUCT}, open_at_end, True,
         time="open at the period's end", extras_from=Table.OPPORTUNITIES),
    Fact("open_at_start", (Table.OPPORTUNITIES,), _PEOPLE | {D.CHANNEL, D.PRODUCT}, open_at_start, True,
         time="open at the period's start", extras_from=Table.OPPORTUNITIES),
    Fact("customers_new", (Table.CUSTOMERS,), _PEOPLE | {D.SEGMENT}, customers_new,
         time="acquired_at", extras_from=Table.CUSTOMERS),
    Fact("customers_at_start", (Table.CUSTOMERS,), _PEOPLE | {D.SEGMENT}, customers_at_start, True,
         time="active at the period's start", extras_from=Table.CUSTOMERS),
    Fact("quotas", (Table.QUOTAS,), _PEOPLE, quotas,
         time="period_start to period_end, spread evenly over its days"),
    Fact("costs", (Table.COSTS,), frozenset({D.CHANNEL, D.CAMPAIGN}), costs,
         time="day, or period_start to period_end spread evenly over its days", extras_from=Table.COSTS),
)})

# The column each dimension reads in a fact.
DIM_COLUMN: dict[Dimension, str] = {d: ("rep" if d is D.REP else d.value) for d in Dimension}

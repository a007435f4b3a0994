"""What the forecast reads from the store: life-table counts, the open pipeline, run-rate inputs.

Everything that scans a whole table is aggregated in the database through Ibis; only the deals
open at a date come back row by row, since those are simulated one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pandas as pd

from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.schema import Table
from salesscope.scope import Scope, ScopeArg
from salesscope.zoom import parse_dimension

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

NONE = "(none)"
DAY_S = 86_400.0
GROUP_DIMS = ("team", "rep", "channel")
CLOSED = ("won", "lost")


def epoch(day: dt.date | dt.datetime) -> float:
    """Seconds since 1970 of a wall-clock date, as the store's timestamps are read."""
    if not isinstance(day, dt.datetime):
        day = dt.datetime.combine(day, dt.time())
    return (day - dt.datetime(1970, 1, 1)).total_seconds()


def _present(ws: Workspace, name: str) -> bool:
    be = ws.backend
    return name in be.list_tables() and int(be.table(name).count().execute()) > 0


def deals(ws: Workspace, by: str | None, stratum: str | None, scope: ScopeArg = None) -> ir.Table:
    """Opportunities with times as epoch seconds, a ``grp`` (the breakdown) and a ``stratum``.

    ``scope`` (a :class:`Scope`, or ``{"rep": [...]}`` / ``{"team": [...]}`` as ``ws.kpis`` takes
    it) keeps only those reps' or teams' deals, inside the query.
    """
    if not _present(ws, Table.OPPORTUNITIES.value):
        raise QueryError(Text("error.forecast.no_opportunities"))
    scope = Scope.parse(scope)
    o = ws.table(Table.OPPORTUNITIES)
    if by == "team" or scope.teams is not None:
        if not _present(ws, Table.REPS.value):
            raise QueryError(Text("error.forecast.no_reps"))
        r = ws.table(Table.REPS)
        r = r.select(_rep_id=r.rep_id, _team=r.team)
        o = o.left_join(r, o.rep_id == r._rep_id)
    kept = scope.restrict(o, rep="rep_id", team="_team" if "_team" in o.columns else None)
    assert kept is not None, "rep_id is always there, and _team is joined whenever the scope names teams"
    o = kept
    match parse_group(by):
        case "team":
            grp = o._team
        case "rep":
            grp = o.rep_id
        case "channel":
            grp = o.channel
        case _:
            grp = ibis.literal("all")
    strat = o[stratum].cast("string").fill_null(NONE) if stratum else ibis.literal("all")
    return o.select(
        opportunity_id=o.opportunity_id, status=o.status.lower(),
        c=o.created_at.epoch_seconds().cast("float64"), x=o.closed_at.epoch_seconds().cast("float64"),
        amount=o.amount.cast("float64"), probability=o.probability.cast("float64"),
        stage=o.stage, grp=grp.cast("string").fill_null(NONE), stratum=strat,
    ).filter(lambda t: t.c.notnull())


def parse_group(by: str | None, allowed: Sequence[str] = GROUP_DIMS) -> str | None:
    """A forecast or plan breakdown: one dimension, among those deals can be grouped by."""
    if by is None or by == "":
        return None
    dim = str(parse_dimension(by))
    if dim not in allowed:
        raise QueryError(Text("error.forecast.bad_breakdown", by=by, options=", ".join(allowed)))
    return dim


def _closed_before(d: ir.Table, as_of: ir.Value) -> ir.BooleanValue:
    return d.status.isin(CLOSED) & d.x.notnull() & (d.x < as_of)


def life_counts(d: ir.Table, origins: Sequence[float], bin_days: float) -> pd.DataFrame:
    """Won, lost and still-open (censored) deals per origin, stratum and age bin, as known at each origin."""
    a = ibis.memtable({"as_of": [float(o) for o in origins]})
    # A closed deal without a close date cannot be placed in time; it is left out.
    d = d.filter(~d.status.isin(CLOSED) | d.x.notnull())
    j = d.cross_join(a).filter(lambda t: t.c < t.as_of)
    closed = _closed_before(j, j.as_of)
    dur = ibis.ifelse(closed, j.x - j.c, j.as_of - j.c) / DAY_S
    event = ibis.ifelse(closed, j.status, ibis.literal("censored"))
    j = j.mutate(age_bin=(dur / bin_days).floor().cast("int64"), event=event)
    out = j.group_by(["as_of", "stratum", "age_bin", "event"]).agg(n=j.count()).to_pandas()
    return out


def open_at(d: ir.Table, as_of: float) -> pd.DataFrame:
    """The deals open at ``as_of``, one row each, with how they ended if they have."""
    t = d.filter((d.c < as_of) & ~_closed_before(d, ibis.literal(as_of)))
    t = t.filter(~t.status.isin(CLOSED) | t.x.notnull())
    return t.to_pandas()


def creation_counts(d: ir.Table, as_of: float, window_days: int, bucket_days: int) -> pd.DataFrame:
    """Deals created per group and stratum in equal buckets of the trailing window (all buckets present)."""
    lo = as_of - window_days * DAY_S
    t = d.filter((d.c >= lo) & (d.c < as_of))
    t = t.mutate(bucket=((ibis.literal(as_of) - t.c) / (bucket_days * DAY_S)).floor().cast("int64"))
    got = t.group_by(["grp", "stratum", "bucket"]).agg(n=t.count()).to_pandas()
    buckets = range(window_days // bucket_days)
    if got.empty:
        return got
    pairs = got[["grp", "stratum"]].drop_duplicates()
    full = pairs.merge(pd.DataFrame({"bucket": list(buckets)}), how="cross")
    out = full.merge(got, on=["grp", "stratum", "bucket"], how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    return out


def won_amounts(d: ir.Table, as_of: float, window_days: int) -> pd.DataFrame:
    """Count, sum and sum of squares of won amounts per group and stratum over the trailing window."""
    lo = as_of - window_days * DAY_S
    t = d.filter((d.status == "won") & (d.x >= lo) & (d.x < as_of) & d.amount.notnull())
    g = t.group_by(["grp", "stratum"]).agg(n=t.count(), s=t.amount.sum(), ss=(t.amount * t.amount).sum())
    return g.to_pandas()


def won_between(d: ir.Table, ranges: Sequence[tuple[float, float]]) -> pd.DataFrame:
    """Won revenue per group within each [start, end) range (``lo``, ``hi`` in epoch seconds)."""
    r = ibis.memtable({"lo": [float(a) for a, _ in ranges], "hi": [float(b) for _, b in ranges]})
    t = d.filter((d.status == "won") & d.x.notnull())
    j = t.cross_join(r).filter(lambda q: (q.x >= q.lo) & (q.x < q.hi))
    return j.group_by(["lo", "grp"]).agg(won=j.amount.fill_null(0).sum(), n=j.count()).to_pandas()


def last_event(d: ir.Table) -> dt.datetime | None:
    """The latest creation or close time in the store: the data's 'now'."""
    row = d.aggregate(c=d.c.max(), x=d.x.max()).to_pandas().iloc[0]
    vals = [v for v in (row["c"], row["x"]) if pd.notna(v)]
    if not vals:
        return None
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=float(max(vals)))

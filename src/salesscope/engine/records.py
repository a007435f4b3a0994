"""Record-level reads through the engine's facts: the rows behind a number and dimension values.

Both go through the same facts, scope and backend as the indicators, so the rows behind a number
are exactly the rows the number counted, and a reader sees only the rows their scope allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from salesscope.engine import calendar as cal
from salesscope.engine import dimensions
from salesscope.engine.facts import NONE, RECORD, Ctx, Fact, _dim
from salesscope.schema import Table
from salesscope.scope import EVERYTHING, Scope
from salesscope.vocab import Dimension
from salesscope.zoom import Dim

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

ROW_LIMIT = 500


def period_tables(periods: list[cal.Period]) -> tuple[ir.Table, ir.Table]:
    """The day -> period table and the periods' bounds as timestamps (``t_end`` exclusive)."""
    bounds = pa.table({
        "period_start": pa.array([p.start for p in periods], pa.date32()),
        "t_start": pa.array([dt.datetime.combine(p.start, dt.time()) for p in periods], pa.timestamp("us")),
        "t_end": pa.array([dt.datetime.combine(p.end + cal.ONE_DAY, dt.time()) for p in periods],
                          pa.timestamp("us")),
    })
    return ibis.memtable(cal.day_table(periods)), ibis.memtable(bounds)


def context(ws: Workspace, first: dt.date, last: dt.date, scope: Scope = EVERYTHING, *,
            records: bool = False) -> Ctx:
    """A fact context with one period, ``first`` to ``last`` (inclusive)."""
    from salesscope.engine.catalog import table_stats

    days, bounds = period_tables([cal.Period(first, last, "")])
    return Ctx(ws.backend, days, bounds, scope, table_stats(ws.backend)[0], records, rep_role=ws.config.rep_role)


def placed(fact: Fact, ctx: Ctx) -> ir.Table | None:
    """The fact's rows in scope, placed in the context's periods (None when out of scope)."""
    t = fact.rows(ctx)
    if t is None or fact.snapshot:
        return t
    return t.join(ctx.days, "day")


def table_rows(ws: Workspace, table: Table, scope: Scope = EVERYTHING) -> ir.Table | None:
    """A canonical table's records the reader may see: by their rep, and that rep's team (None when
    the table's records belong to no rep)."""
    t = ws.table(table)
    if scope.everything:
        return t
    if "rep_id" not in t.columns:
        return None
    r = ws.table(Table.REPS)
    t = t.left_join(r.select(_scope_rep=r.rep_id, _scope_team=r.team), t.rep_id == r.rep_id)
    kept = scope.restrict(t, rep="rep_id", team="_scope_team")
    return None if kept is None else kept.drop("_scope_rep", "_scope_team")


@dataclass
class Behind:
    """The input records one fact of an indicator counted (one page of them), or why there are none."""

    fact: str
    table: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    truncated: bool = False
    reason: str | None = None
    total: int = 0  # records matching, on every page


@dataclass(frozen=True)
class Page:
    """Which records to return: sorted by ``sort`` (a record column), those containing ``search``
    in any column (case-insensitive), ``limit`` of them from ``offset``."""

    offset: int = 0
    limit: int = ROW_LIMIT
    sort: str | None = None
    descending: bool = False
    search: str = ""


REP_NAME = "rep_name"  # the owner's name beside ``rep_id``, from the reps table


def _with_rep_names(ws: Workspace, t: ir.Table, ctx: Ctx) -> ir.Table:
    """The records with their rep's name beside ``rep_id`` (when both exist)."""
    if "rep_id" not in t.columns or REP_NAME in t.columns or not ctx.row_counts.get(Table.REPS.value):
        return t
    reps = ws.table(Table.REPS)
    names = reps.select(_rid=reps.rep_id, **{REP_NAME: reps["name"]}).distinct(on="_rid", keep="first")
    joined = t.left_join(names, t.rep_id == names._rid).drop("_rid")
    cols = list(t.columns)
    cols.insert(cols.index("rep_id") + 1, REP_NAME)
    return joined.select(*cols)


def _searched(t: ir.Table, text: str) -> ir.Table:
    needle = text.strip().lower()
    if not needle:
        return t
    hits = [t[c].cast("string").lower().contains(needle).fill_null(False) for c in t.columns]
    cond = hits[0]
    for h in hits[1:]:
        cond = cond | h
    return t.filter(cond)


def rows_behind(ws: Workspace, facts: list[Fact], first: dt.date, last: dt.date,
                where: Mapping[Dim, str], scope: Scope = EVERYTHING,
                limit: int = ROW_LIMIT, page: Page | None = None) -> list[Behind]:
    """For each fact, the input records it places in [first, last], filtered and in scope: one
    ``page`` of them (default: the first ``limit`` in column order) and how many there are."""
    dimensions.check(where, ws.backend)
    page = page or Page(limit=limit)
    ctx = context(ws, first, last, scope, records=True)
    out = []
    for fact in facts:
        entry = Behind(fact.name, fact.tables[0].value)
        out.append(entry)
        if not ctx.row_counts.get(entry.table):
            entry.reason = f"missing_input:{entry.table}"
            continue
        t = placed(fact, ctx)
        if t is None:
            entry.reason = "outside_scope"
            continue
        lacking = [d for d in where if d not in fact.dims and d not in fact.extra_dims(ctx.columns)]
        if lacking:
            entry.reason = f"no_dimension:{lacking[0]}"
            continue
        for dim, value in where.items():
            t = t.filter(t[str(dim)] == value)
        cols = [c for c in t.columns if c.startswith(RECORD)]
        t = t.select(**{c.removeprefix(RECORD): t[c] for c in cols}).distinct()  # a quota spread over days is one record
        t = _searched(_with_rep_names(ws, t, ctx), page.search)
        keys = list(t.columns)
        order = []
        if page.sort in keys:
            order.append(ibis.desc(page.sort) if page.descending else ibis.asc(page.sort))
        order += [k for k in keys if k != page.sort]
        entry.total = int(ws.backend.execute(t.count()))
        df = ws.backend.execute(t.order_by(*order).limit(page.limit + 1, offset=page.offset))
        entry.truncated = len(df) > page.limit
        entry.rows = df.head(page.limit)
    return out


def roster(ctx: Ctx) -> ir.Table:
    """The reps and their teams, whether or not they have rows yet."""
    r = ctx.table(Table.REPS)
    return r.select(rep=_dim(r.rep_id), team=_dim(r.team))


ROSTER = Fact("roster", (Table.REPS,), frozenset({Dimension.REP, Dimension.TEAM}), roster)


def dimension_values(ws: Workspace, dim: Dim, scope: Scope = EVERYTHING) -> list[str]:
    """Every value of ``dim`` in the roster and the facts that carry it, within scope."""
    from salesscope.engine.catalog import table_stats

    dimensions.check([dim], ws.backend)
    counts, found = table_stats(ws.backend)
    today = dt.date.today()
    first, last = found or (today, today)
    days, bounds = period_tables([cal.Period(first, last, "")])
    ctx = Ctx(ws.backend, days, bounds, scope, counts, rep_role=ws.config.rep_role)
    col = str(dim)
    parts = []
    for fact in (ROSTER, *ws.model.facts.values()):
        if dim not in fact.dims | fact.extra_dims(ctx.columns) or not counts.get(fact.tables[0].value):
            continue
        t = fact.rows(ctx)
        if t is not None:
            parts.append(t.select(value=t[col]))
    if not parts:
        return []
    values = ws.backend.execute(ibis.union(*parts, distinct=True))["value"]
    return sorted(v for v in values.dropna().astype(str) if v != NONE)

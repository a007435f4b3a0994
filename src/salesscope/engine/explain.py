"""``kpi --explain``: an indicator's formula in words, from its declaration, and the SQL it runs.

The SQL is complete: the request's calendar (its periods and their days) is a CTE at the top of
each statement, so it runs as printed against the workspace's store (``duckdb store.duckdb``)
or the configured database, and returns the measures per period and breakdown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ibis

from salesscope.engine.compute import Plan
from salesscope.engine.request import Request

if TYPE_CHECKING:
    from salesscope.engine.indicators import Indicator
    from salesscope.semantic import SemanticModel
    from salesscope.workspace import Workspace
    from salesscope.zoom import Zoom

PERIODS, DAYS = "calendar_periods", "calendar_days"
# One row per day of each period, from the periods CTE, where the dialect can generate a series.
SERIES = {
    "duckdb": f"SELECT CAST(unnest(generate_series(t_start, t_end - INTERVAL 1 DAY, INTERVAL 1 DAY)) AS DATE) "
              f"AS day, period_start FROM {PERIODS}",
    "postgres": f"SELECT CAST(generate_series(t_start, t_end - INTERVAL '1 day', INTERVAL '1 day') AS DATE) "
                f"AS day, period_start FROM {PERIODS}",
}


def words(model: SemanticModel, ind: Indicator) -> list[str]:
    """The declaration in words: what it means, its formula, each measure with its filter, each fact."""
    dims = ", ".join(sorted(d.value for d in ind.dimensions)) or "none"
    lines = [f"{ind.id}: {ind.name()}", *([ind.description()] if ind.description() else []),
             f"unit: {ind.unit.value}, {ind.direction.value.replace('_', ' ')}; breakdowns: {dims}",
             f"value = {ind.metric.words()}", "measures:"]
    width = max(len(m) for m in ind.measures)
    lines += [f"  {m.name:<{width}}  {m.words()}" for m in model.measures_of(ind)]
    lines.append("facts:")
    for name in ind.facts:
        f = model.facts[name]
        kept = f" where {f.filters}" if f.filters else ""
        lines.append(f"  {name}: rows of {f.tables[0].value}{kept}, placed by {f.time}")
    return lines


def _literal(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return f"TIMESTAMP '{v.isoformat(sep=' ')}'"
    return f"DATE '{v.isoformat()}'"


def _calendar(plan: Plan, dialect: str) -> list[tuple[str, str]]:
    """The periods (and their days) of the request as CTEs."""
    periods = [(p.start, dt.datetime.combine(p.start, dt.time()), dt.datetime.combine(p.end, dt.time())
                + dt.timedelta(days=1)) for p in plan.periods]
    values = ",\n    ".join(f"({', '.join(_literal(v) for v in row)})" for row in periods)
    ctes = [(PERIODS, f"SELECT * FROM (VALUES {values}) AS p(period_start, t_start, t_end)")]
    if dialect in SERIES:
        ctes.append((DAYS, SERIES[dialect]))
    else:
        days = ",\n    ".join(f"({_literal(p.start + dt.timedelta(days=i))}, {_literal(p.start)})"
                         for p in plan.periods for i in range((p.end - p.start).days + 1))
        ctes.append((DAYS, f"SELECT * FROM (VALUES {days}) AS d(day, period_start)"))
    return ctes


def runnable_sql(plan: Plan, expr: ibis.Table, dialect: str) -> str:
    """``expr`` as SQL with the in-memory calendar tables replaced by CTEs."""
    sql = str(ibis.to_sql(expr, dialect=dialect)).strip()
    for table, name in ((plan.ctx.periods, PERIODS), (plan.ctx.days, DAYS)):
        sql = sql.replace(f'"{table.op().name}"', name).replace(table.op().name, name)
    ctes = ",\n".join(f"{name} AS ({body})" for name, body in _calendar(plan, dialect))
    if sql[:5].upper() == "WITH ":
        return f"WITH {ctes},\n{sql[5:]}"
    return f"WITH {ctes}\n{sql}"


def explain(ws: Workspace, kpi: str, zoom: Zoom | None = None, **parts: Any) -> str:
    """``kpi`` in words, then the SQL of its measures, one statement per fact, in the backend's dialect
    (the zoom as a :class:`Zoom` or its parts, as for ``ws.kpis``)."""
    model = ws.model
    req = Request.build(ws, ids=[kpi], zoom=ws.zoom(zoom, **parts))
    ind = model.indicator(kpi)
    plan = Plan(ws, req)
    dialect = plan.backend.name
    out = ["\n".join(words(model, ind)),
             f"-- The SQL ({dialect}) of each fact's measures per period; it runs as printed against "
             + (str(ws.store_path) if dialect == "duckdb" else "the configured database") + "."]
    for fact_name in ind.facts:
        measures = model.measures_of(ind, fact_name)
        expr = plan.aggregate_expr(model.facts[fact_name], measures)
        if expr is None:
            out.append(f"-- fact {fact_name}: outside the request's scope")
            continue
        out.append(f"-- fact {fact_name}: {', '.join(m.name for m in measures)}\n"
                     + runnable_sql(plan, expr, dialect) + ";")
    return "\n\n".join(out)

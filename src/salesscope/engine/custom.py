"""The workspace's catalogue: the built-in indicators plus the user's own from the config.

A user's indicator is a ratio, difference or sum of measures, each a count, sum, mean, median or
distinct count over one canonical table with optional filters. They become facts and measures
like the built-in ones, so they run on every backend and at every zoom.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import ibis.expr.types as ir
import numpy as np

from salesscope.config import CONFIG_FILE, IndicatorDecl, MeasureDecl, _line_of
from salesscope.engine import formulas as fx
from salesscope.engine.facts import FACTS, Ctx, Fact, _dim, _with_team
from salesscope.engine.indicators import CATALOG, Indicator
from salesscope.engine.measures import MEASURES, Agg, Measure
from salesscope.errors import ConfigError
from salesscope.schema import TABLES, Kind, Table
from salesscope.vocab import Dimension, Direction, Stage, Unit

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

DEFAULT_TIME = {Table.ACTIVITIES: "occurred_at", Table.RESPONSES: "occurred_at", Table.LEADS: "created_at",
                Table.OPPORTUNITIES: "created_at", Table.CUSTOMERS: "acquired_at", Table.TIME_LOG: "day",
                Table.COSTS: "day", Table.QUOTAS: "period_start", Table.REPS: "active_from"}
AGGS = {"count": Agg.COUNT, "sum": Agg.SUM, "mean": Agg.MEAN, "median": Agg.MEDIAN}


def _build(table: Table, time: str, where: dict, column: str | None, ctx: Ctx) -> ir.Table:
    t = ctx.table(table)
    for col, val in where.items():
        vals = [str(v) for v in val] if isinstance(val, list) else [str(val)]
        t = t.filter(t[col].cast("string").isin(vals))
    spec = TABLES[table]
    if spec.has("rep_id"):
        t = _with_team(ctx, t)
    cols = {"day": t[time].cast("date") if spec.column(time).kind is Kind.TIMESTAMP else t[time]}
    if spec.has("rep_id"):
        cols |= {"rep": _dim(t.rep_id), "team": _dim(t._team)}
    for d in ("channel", "campaign", "product", "segment"):
        if spec.has(d):
            cols[d] = _dim(t[d])
    if column:
        cols["value"] = t[column].cast("float64") if spec.column(column).kind is not Kind.TEXT else t[column]
    return t.select(**cols)


def _dims(table: Table) -> frozenset[Dimension]:
    spec = TABLES[table]
    dims = {Dimension(d) for d in ("channel", "campaign", "product", "segment") if spec.has(d)}
    if spec.has("rep_id"):
        dims |= {Dimension.REP, Dimension.TEAM}
    return frozenset(dims)


def _formula(decl: IndicatorDecl, names: list[str], f: fx.Frame) -> fx.Out:
    vals = [f(n) for n in names]
    if decl.kind == "ratio":
        value = fx.div(vals[0], vals[1]) * decl.scale
        num, den = vals[0], vals[1]
        why = fx.reasons(f.size, (vals[1] == 0, "zero_denominator"), (np.isnan(vals[1]), "no_data"))
    elif decl.kind == "difference":
        value, num, den = (vals[0] - vals[1]) * decl.scale, vals[0], vals[1]
        why = fx.reasons(f.size, (np.isnan(value), "no_data"))
    else:
        value = np.sum(vals, axis=0) * decl.scale
        num, den = value, np.full(f.size, np.nan)
        why = fx.reasons(f.size, (np.isnan(value), "no_data"))
    n = np.nan_to_num(vals[-1] if decl.kind == "ratio" else vals[0])
    return fx.Out(fx.undefined_where(value, why), num, den, n, why)


def _problem(ws: Workspace, loc: tuple, message: str) -> ConfigError:
    path = ws.path / CONFIG_FILE
    try:
        line = _line_of(path.read_text(encoding="utf-8"), loc)
    except OSError:
        line = None
    return ConfigError(f"{path}{f':{line}' if line else ''} {'.'.join(map(str, loc))}: {message}")


def _measure(ws: Workspace, i: int, j: int, decl: IndicatorDecl, m: MeasureDecl) -> str:
    loc = ("indicators", i, "measures", j)
    try:
        table = Table(m.table)
    except ValueError:
        raise _problem(ws, (*loc, "table"), f"unknown table {m.table!r}: expected one of "
                       f"{', '.join(t.value for t in Table)}") from None
    spec = TABLES[table]
    time = m.time or DEFAULT_TIME[table]
    for key, col in (("time", time), ("column", m.column), *(("where", c) for c in m.where)):
        if col is not None and not spec.has(col):
            raise _problem(ws, (*loc, key), f"the {table.value} table has no column {col!r}: expected one of "
                           f"{', '.join(c.name for c in spec.columns)}")
    if spec.column(time).kind not in (Kind.TIMESTAMP, Kind.DATE):
        raise _problem(ws, (*loc, "time"), f"column {time!r} is not a date or time")
    if m.agg != "count" and m.column is None:
        raise _problem(ws, (*loc, "agg"), f"agg {m.agg!r} needs a 'column'")
    name = f"{decl.id}.{j}"
    fact = Fact(name, (table,), _dims(table),
                partial(_build, table, time, dict(m.where), m.column))
    FACTS[name] = fact
    MEASURES[name] = Measure(name, name, AGGS[m.agg], "value" if m.column else None)
    return name


def catalog(ws: Workspace) -> dict[str, Indicator]:
    """Built-in indicators, then the workspace's own (validated, with the config line of any error)."""
    out = dict(CATALOG)
    for i, decl in enumerate(ws.config.indicators):
        if decl.id in out:
            raise _problem(ws, ("indicators", i, "id"), f"indicator id {decl.id!r} is already taken")
        need = 2 if decl.kind in ("ratio", "difference") else 1
        if len(decl.measures) < need or (decl.kind != "sum" and len(decl.measures) != 2):
            raise _problem(ws, ("indicators", i, "measures"),
                           f"a {decl.kind} needs {'exactly 2' if need == 2 else 'at least 1'} measures")
        try:
            unit = Unit(decl.unit)
        except ValueError:
            raise _problem(ws, ("indicators", i, "unit"), f"unit {decl.unit!r} is not one of "
                           f"{', '.join(u.value for u in Unit)}") from None
        names = [_measure(ws, i, j, decl, m) for j, m in enumerate(decl.measures)]
        out[decl.id] = Indicator(
            decl.id, decl.name_en, decl.name_fa or decl.name_en, Stage.RESULTS, unit, Direction(decl.direction),
            tuple(names), partial(_formula, decl, names), decl.description, decl.description,
            requires=tuple(dict.fromkeys(Table(m.table) for m in decl.measures)), estimate=False,
        )
    return out

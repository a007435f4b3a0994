"""A workspace's own indicators, declared in ``salesscope.yaml``, as facts, measures and indicators.

A user's indicator is a ratio, difference or sum of measures, each a count, sum, mean or median
over one canonical table with optional filters. Each measure becomes a fact of its own (the
table with the filters applied, placed in time by the declared column), so it runs on every
backend and at every zoom like a built-in. Problems are collected, each with its config line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from salesscope.config import IndicatorDecl, MeasureDecl
from salesscope.engine.facts import Ctx, Fact, _dim, _people, _record
from salesscope.engine.indicators import Indicator
from salesscope.engine.measures import Agg, Cond, Measure
from salesscope.engine.metrics import Difference, Metric, Ratio, Sum
from salesscope.schema import TABLES, Kind, Table
from salesscope.vocab import Dimension, Direction, Stage, Unit

if TYPE_CHECKING:
    import ibis.expr.types as ir

DEFAULT_TIME = {Table.ACTIVITIES: "occurred_at", Table.RESPONSES: "occurred_at", Table.LEADS: "created_at",
                Table.OPPORTUNITIES: "created_at", Table.CUSTOMERS: "acquired_at", Table.TIME_LOG: "day",
                Table.COSTS: "day", Table.QUOTAS: "period_start", Table.REPS: "active_from"}
AGGS = {"count": Agg.COUNT, "sum": Agg.SUM, "mean": Agg.MEAN, "median": Agg.MEDIAN}
SPLITS = ("channel", "campaign", "product", "segment")


@dataclass
class UserParts:
    """What the config adds to the model, and what is wrong with it (config path, message)."""

    facts: dict[str, Fact] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    problems: list[tuple[tuple, str]] = field(default_factory=list)


def _build(table: Table, time: str, where: tuple[Cond, ...], column: str | None, ctx: Ctx) -> ir.Table:
    t = ctx.table(table)
    for cond in where:
        t = t.filter(t[cond.column].cast("string").isin(list(cond.values)))
    spec = TABLES[table]
    people: dict[str, ir.Value] = {}
    if spec.has("rep_id"):
        t, people = _people(ctx, t, table)
    cols = {"day": t[time].cast("date") if spec.column(time).kind is Kind.TIMESTAMP else t[time], **people}
    for d in SPLITS:
        if spec.has(d):
            cols[d] = _dim(t[d])
    if column:
        cols["value"] = t[column].cast("float64") if spec.column(column).kind is not Kind.TEXT else t[column]
    return t.select(**cols, **ctx.extras(t, table), **_record(ctx, t, table))


def _dims(table: Table) -> frozenset[Dimension]:
    spec = TABLES[table]
    dims = {Dimension(d) for d in SPLITS if spec.has(d)}
    if spec.has("rep_id"):
        dims |= {Dimension.REP, Dimension.TEAM}
    return frozenset(dims)


def _measure(out: UserParts, i: int, j: int, decl: IndicatorDecl, m: MeasureDecl) -> str | None:
    loc = ("indicators", i, "measures", j)
    try:
        table = Table(m.table)
    except ValueError:
        out.problems.append(((*loc, "table"), f"unknown table {m.table!r}: expected one of "
                             f"{', '.join(t.value for t in Table)}"))
        return None
    spec = TABLES[table]
    time = m.time or DEFAULT_TIME[table]
    bad = False
    for key, col in (("time", time), ("column", m.column), *(("where", c) for c in m.where)):
        if col is not None and not spec.has(col):
            out.problems.append(((*loc, key), f"the {table.value} table has no column {col!r}: expected one of "
                                 f"{', '.join(c.name for c in spec.columns)}"))
            bad = True
    if bad:
        return None
    if spec.column(time).kind not in (Kind.TIMESTAMP, Kind.DATE):
        out.problems.append(((*loc, "time"), f"column {time!r} is not a date or time"))
        return None
    if m.agg != "count" and m.column is None:
        out.problems.append(((*loc, "agg"), f"agg {m.agg!r} needs a 'column'"))
        return None
    where = tuple(Cond(col, "in", tuple(str(v) for v in (val if isinstance(val, list) else [val])))
                  for col, val in m.where.items())
    name = f"{decl.id}.{j}"
    out.facts[name] = Fact(name, (table,), _dims(table), partial(_build, table, time, where, m.column),
                           time=time, filters=" and ".join(c.words() for c in where), extras_from=table)
    out.measures[name] = Measure(name, name, AGGS[m.agg], "value" if m.column else None)
    return name


def user_parts(decls: list[IndicatorDecl], taken: set[str]) -> UserParts:
    """Facts, measures and indicators of the config's ``indicators``, with every problem found."""
    out = UserParts()
    for i, decl in enumerate(decls):
        ok = True
        if decl.id in taken:
            out.problems.append((("indicators", i, "id"), f"indicator id {decl.id!r} is already taken"))
            ok = False
        taken.add(decl.id)
        need = 2 if decl.kind in ("ratio", "difference") else 1
        if len(decl.measures) < need or (decl.kind != "sum" and len(decl.measures) != 2):
            out.problems.append((("indicators", i, "measures"),
                                 f"a {decl.kind} needs {'exactly 2' if need == 2 else 'at least 1'} measures"))
            ok = False
        try:
            unit = Unit(decl.unit)
        except ValueError:
            out.problems.append((("indicators", i, "unit"), f"unit {decl.unit!r} is not one of "
                                 f"{', '.join(u.value for u in Unit)}"))
            ok = False
        found = [_measure(out, i, j, decl, m) for j, m in enumerate(decl.measures)]
        names = [n for n in found if n is not None]
        if not ok or len(names) < len(found):
            continue
        metric: Metric
        if decl.kind == "ratio":
            metric = Ratio(names[0], names[1], decl.scale)
        elif decl.kind == "difference":
            metric = Difference(names[0], names[1], decl.scale)
        else:
            metric = Sum(tuple(names), decl.scale)
        out.indicators.append(Indicator(
            decl.id, Stage.RESULTS, unit, Direction(decl.direction), metric,
            requires=tuple(dict.fromkeys(Table(m.table) for m in decl.measures)), estimate=False, hints=False,
            names={"en": decl.name_en, **({"fa": decl.name_fa} if decl.name_fa else {})},
            descriptions={"en": decl.description} if decl.description else {},
        ))
    return out

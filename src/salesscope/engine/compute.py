"""Run a request: aggregate each fact once in the backend, then assemble the tidy result.

The heavy work (joins, bucketing, counting, medians) happens in the database through Ibis; what
comes back is one small frame per fact (periods x dimension values), on which the indicator
formulas are evaluated column-wise.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from salesscope.engine import calendar as cal
from salesscope.engine.facts import DIM_COLUMN, FACTS, Ctx, Fact
from salesscope.engine.formulas import Frame
from salesscope.engine.indicators import Indicator
from salesscope.engine.measures import MEASURES, Agg, Measure
from salesscope.engine.request import Request
from salesscope.engine.stats import median_ranks
from salesscope.errors import QueryError
from salesscope.schema import Table
from salesscope.vocab import Direction

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

TIDY_COLUMNS = ["kpi", "period", "period_start", "period_end"]
VALUE_COLUMNS = ["value", "unit", "numerator", "denominator", "n", "ci_low", "ci_high",
                 "previous_value", "change", "reason", "target", "status"]
# The time column that dates each table, to find the data's range when none is asked for.
TIME_COLUMN = {Table.ACTIVITIES: "occurred_at", Table.LEADS: "created_at", Table.OPPORTUNITIES: "created_at",
               Table.CUSTOMERS: "acquired_at", Table.TIME_LOG: "day"}


def row_counts(backend: ibis.BaseBackend) -> dict[str, int]:
    present = set(backend.list_tables())
    return {t.value: int(backend.table(t.value).count().execute()) if t.value in present else 0 for t in Table}


def data_range(backend: ibis.BaseBackend, counts: dict[str, int]) -> tuple[dt.date, dt.date] | None:
    lows, highs = [], []
    for table, col in TIME_COLUMN.items():
        if counts.get(table.value):
            t = backend.table(table.value)
            row = t.aggregate(lo=t[col].min(), hi=t[col].max()).execute().iloc[0]
            lows.append(pd.Timestamp(row["lo"]).date())
            highs.append(pd.Timestamp(row["hi"]).date())
    return (min(lows), max(highs)) if lows else None


class Plan:
    """The periods and context of one request."""

    def __init__(self, ws: Workspace, req: Request) -> None:
        self.ws, self.req = ws, req
        self.backend = ws.backend
        self.counts = row_counts(self.backend)
        first, last = req.start, req.end
        if first is None or last is None:
            found = data_range(self.backend, self.counts)
            today = dt.date.today()
            lo, hi = found or (today, today)
            first, last = first or lo, last or max(hi, first or lo)
        g, c, fs = req.grain, req.calendar, req.fiscal_start
        self.in_range = cal.periods_between(first, last, g, c, fs)
        before = [cal.shift(self.in_range[0], -k, g, c, fs) for k in (2, 1)]
        after = [cal.shift(self.in_range[-1], 1, g, c, fs)]
        self.periods = before + self.in_range + after
        self.frame = cal.periods_frame(self.periods)
        pt = pa.table({
            "period_start": pa.array([p.start for p in self.periods], pa.date32()),
            "t_start": pa.array([dt.datetime.combine(p.start, dt.time()) for p in self.periods], pa.timestamp("us")),
            "t_end": pa.array([dt.datetime.combine(p.end + cal.ONE_DAY, dt.time()) for p in self.periods],
                              pa.timestamp("us")),
        })
        self.ctx = Ctx(self.backend, ibis.memtable(cal.day_table(self.periods)), ibis.memtable(pt),
                       {k: list(v) for k, v in req.scope.items()}, self.counts)
        self.keys = ["period_start"] + [DIM_COLUMN[d] for d in req.dims]

    # -- building the queries ------------------------------------------------------------------
    def fact_table(self, fact: Fact) -> ibis.Table | None:
        """The fact placed in periods and restricted to the request's scope; None if out of scope."""
        t = fact.build(self.ctx).view()  # a fresh relation: a built fact may end in a join chain
        for key, values in self.ctx.scope.items():
            if key not in t.columns:
                return None
            t = t.filter(t[key].isin(values))
        if not fact.snapshot:
            t = t.join(self.ctx.days, "day")
        if fact.name == "quotas":
            t = t.filter(t.level == self.quota_level(t))
        return t

    def quota_level(self, t: ibis.Table) -> str:
        """Quotas may be set per rep, team or company: reps' quotas add up to their team's and the
        company's, so the finest level present is used, and a coarser one only where it is alone."""
        levels = set(t.select("level").distinct().execute()["level"])
        dims = {d.value for d in self.req.dims}
        order = ["rep"] if "rep" in dims else ["rep", "team"] if "team" in dims else ["rep", "team", "company"]
        return next((lv for lv in order if lv in levels), order[-1])

    def aggregate_exprs(self, fact: Fact, measures: list[Measure]) -> list[ibis.Table]:
        t = self.fact_table(fact)
        if t is None:
            return []
        keys = self.keys
        plain = {"_rows": t.count()}
        for m in measures:
            where = m.where(t) if m.where else None
            col = t[m.column] if m.column else None
            match m.agg:
                case Agg.COUNT:
                    plain[m.name] = t.count(where=where) if where is not None else t.count()
                case Agg.SUM:
                    plain[m.name] = col.sum(where=where)
                case Agg.MEAN:
                    plain[m.name] = col.mean(where=where)
                case Agg.STD:
                    plain[m.name] = col.std(where=where)
                case Agg.MEDIAN:
                    plain[m.name] = col.median(where=where)
                case Agg.MEDIAN_CI:
                    pass
        exprs = [t.group_by(keys).aggregate(**plain)]
        for m in measures:
            if m.agg is Agg.MEDIAN_CI:
                exprs.append(self._median_ci(t, m))
        return exprs

    def _median_ci(self, t: ibis.Table, m: Measure) -> ibis.Table:
        """Median, p90, and the order statistics bounding the median's 95% interval."""
        if m.where is not None:
            t = t.filter(m.where(t))
        t = t.filter(t[m.column].notnull())
        by = [t[k] for k in self.keys]
        t = t.mutate(_rn=ibis.row_number().over(group_by=by, order_by=t[m.column]) + 1,
                     _cnt=t.count().over(group_by=by))
        lo, hi = median_ranks(t._cnt)
        t = t.mutate(_lo=lo, _hi=hi)
        col = t[m.column]
        return t.group_by(self.keys).aggregate(**{
            m.name: col.median(), f"{m.name}_p90": col.quantile(0.9),
            f"{m.name}_lo": col.max(where=t._rn == t._lo), f"{m.name}_hi": col.max(where=t._rn == t._hi),
        })

    def run_fact(self, fact: Fact, measures: list[Measure]) -> pd.DataFrame | None:
        exprs = self.aggregate_exprs(fact, measures)
        if not exprs:
            return None
        frames = [self.backend.execute(e) for e in exprs]
        out = frames[0]
        for extra in frames[1:]:
            out = out.merge(extra, on=self.keys, how="left")
        out["period_start"] = pd.to_datetime(out["period_start"]).dt.normalize()
        for k in self.keys[1:]:
            out[k] = out[k].astype("object")
        return out.rename(columns={"_rows": f"_rows_{fact.name}"})


def _grid(plan: Plan, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Every period x every dimension combination seen in the indicator's facts."""
    periods = plan.frame[["period_start"]].assign(period_start=lambda d: pd.to_datetime(d.period_start))
    dims = plan.keys[1:]
    if not dims:
        return periods
    combos = pd.concat([f[dims] for f in frames], ignore_index=True).drop_duplicates() if frames else None
    if combos is None or combos.empty:
        return periods.iloc[0:0].assign(**{d: pd.Series(dtype="object") for d in dims})
    return periods.merge(combos, how="cross")


def _neighbours(df: pd.DataFrame, plan: Plan, cols: list[str]) -> pd.DataFrame:
    """Add ``<col>__prev`` and ``<col>__next`` from the neighbouring periods of the same combo."""
    links = plan.frame[["period_start", "prev_start", "next_start"]].copy()
    for c in links.columns:
        links[c] = pd.to_datetime(links[c])
    df = df.merge(links, on="period_start", how="left")
    dims = plan.keys[1:]
    base = df[["period_start", *dims, *cols]]
    for side in ("prev", "next"):
        other = base.rename(columns={"period_start": f"{side}_start", **{c: f"{c}__{side}" for c in cols}})
        df = df.merge(other, on=[f"{side}_start", *dims], how="left")
    return df


def _targets(ws: Workspace, ind: Indicator, rows: pd.DataFrame, dims: list[str]) -> tuple[np.ndarray, np.ndarray]:
    target = np.full(len(rows), np.nan)
    for t in ws.config.targets:
        if t.kpi != ind.id:
            continue
        mask = np.ones(len(rows), dtype=bool)
        for dim, value in t.by.items():
            if dim.value not in dims:
                mask[:] = False
                break
            mask &= (rows[dim.value] == value).to_numpy()
        # a target for a specific dimension value beats a general one
        target = np.where(mask & (np.isnan(target) | bool(t.by)), t.value, target)
    value = rows["value"].to_numpy(dtype="float64", na_value=np.nan)
    ok = ~np.isnan(target) & ~np.isnan(value)
    met = value >= target if ind.direction is Direction.HIGHER_IS_BETTER else value <= target
    status = np.where(ok, np.where(met, "met", "missed"), None)
    return target, status


def _undefined_rows(plan: Plan, ind: Indicator, reason: str) -> pd.DataFrame:
    rows = plan.frame.iloc[2:-1][["period", "period_start", "period_end"]].copy()
    rows["period_start"], rows["period_end"] = pd.to_datetime(rows.period_start), pd.to_datetime(rows.period_end)
    for d in plan.keys[1:]:
        rows[d] = None
    return rows.assign(kpi=ind.id, value=np.nan, unit=ind.unit.value, numerator=np.nan, denominator=np.nan,
                       n=0, ci_low=np.nan, ci_high=np.nan, previous_value=np.nan, change=np.nan,
                       reason=reason, target=np.nan, status=None)


def _evaluate(plan: Plan, ind: Indicator, facts: dict[str, pd.DataFrame | None], notes: dict) -> pd.DataFrame:
    used = [facts[f] for f in ind.facts if facts.get(f) is not None]
    grid = _grid(plan, used)
    measure_cols: list[str] = []
    for name in ind.facts:
        fr = facts.get(name)
        wanted = [c for m in ind.measures if MEASURES[m].fact == name for c in MEASURES[m].outputs()]
        if fr is None:
            grid = grid.assign(**{c: (0.0 if MEASURES.get(c) and MEASURES[c].additive else np.nan) for c in wanted})
        else:
            cols = [c for c in wanted + [f"_rows_{name}"] if c in fr.columns]
            grid = grid.merge(fr[plan.keys + cols], on=plan.keys, how="left")
        for m in ind.measures:
            if MEASURES[m].fact == name and MEASURES[m].additive:
                grid[m] = grid[m].astype("float64").fillna(0.0)
        measure_cols += wanted
    grid = _neighbours(grid, plan, measure_cols)
    primary = facts.get(ind.facts[0])
    if primary is not None and len(primary):
        has_rows = primary[primary[f"_rows_{ind.facts[0]}"] > 0]
        first = has_rows["period_start"].min() if len(has_rows) else pd.NaT
        grid["no_history"] = (grid["prev_start"] < first).astype("float64") if pd.notna(first) else 1.0
    else:
        grid["no_history"] = 1.0
    out = ind.formula(Frame(grid, plan.ws.config.gross_margin, notes))
    res = grid[plan.keys].copy()
    res["value"] = out.value
    res["numerator"], res["denominator"] = out.numerator, out.denominator
    res["n"] = np.nan_to_num(out.n).astype("int64")
    res["ci_low"] = out.ci_low if out.ci_low is not None else np.nan
    res["ci_high"] = out.ci_high if out.ci_high is not None else np.nan
    res["reason"] = [None if r is None else str(r).removeprefix("note:") for r in out.reason]
    if plan.req.details:
        for k, v in out.details.items():
            res[k] = v
    # previous period's value of the same indicator, same combo
    links = plan.frame[["period_start", "prev_start"]].apply(pd.to_datetime)
    res = res.merge(links, on="period_start", how="left")
    prev = res[plan.keys + ["value"]].rename(columns={"period_start": "prev_start", "value": "previous_value"})
    res = res.merge(prev, on=["prev_start", *plan.keys[1:]], how="left").drop(columns="prev_start")
    res["change"] = res["value"] - res["previous_value"]
    inside = pd.to_datetime(pd.Series([p.start for p in plan.in_range]))
    res = res[res["period_start"].isin(inside)]
    labels = plan.frame[["period_start", "period_end", "period"]].copy()
    labels["period_start"] = pd.to_datetime(labels["period_start"])
    labels["period_end"] = pd.to_datetime(labels["period_end"])
    res = res.merge(labels, on="period_start", how="left")
    res["kpi"], res["unit"] = ind.id, ind.unit.value
    res["target"], res["status"] = _targets(plan.ws, ind, res, plan.keys[1:])
    return res


def compute(ws: Workspace, req: Request) -> pd.DataFrame:
    """Evaluate every requested indicator; return the tidy result."""
    from salesscope.engine.custom import catalog

    plan = Plan(ws, req)
    known = catalog(ws)
    dims = set(req.dims)
    results: list[pd.DataFrame] = []
    todo: list[Indicator] = []
    pending: list[tuple[int, Indicator, str]] = []
    for ind in (known[i] for i in req.ids):
        missing_dims = [d for d in req.dims if d not in ind.dimensions]
        if missing_dims:
            lacking = _lacking(ind, missing_dims[0])
            if req.explicit:
                raise QueryError(
                    f"{ind.id} cannot be broken down by {missing_dims[0].value}: {lacking} "
                    f"(it can be broken down by: {', '.join(sorted(d.value for d in ind.dimensions)) or 'nothing'})"
                )
            pending.append((len(todo) + len(pending), ind, f"no_dimension:{missing_dims[0].value}"))
            continue
        empty = [t for t in ind.requires if not plan.counts.get(t.value)]
        if empty:
            pending.append((len(todo) + len(pending), ind, f"missing_input:{empty[0].value}"))
            continue
        todo.append(ind)
    wanted: dict[str, list[Measure]] = {}
    for ind in todo:
        for m in ind.measures:
            ms = wanted.setdefault(MEASURES[m].fact, [])
            if MEASURES[m] not in ms:
                ms.append(MEASURES[m])
    facts: dict[str, pd.DataFrame | None] = {}
    hidden: set[str] = set()
    for name, measures in wanted.items():
        fact = FACTS[name]
        if not plan.counts.get(fact.tables[0].value):
            facts[name] = None
            continue
        fr = plan.run_fact(fact, measures)
        if fr is None:
            hidden.add(name)
        facts[name] = fr
    notes = {}
    tl = facts.get("time_log")
    if tl is not None and "lead_generation_hours" in tl and "prospecting_hours" in tl:
        notes["lgr_hours_from_prospecting"] = tl["lead_generation_hours"].fillna(0).sum() == 0 and \
            tl["prospecting_hours"].fillna(0).sum() > 0
    for ind in todo:
        if hidden & set(ind.facts):
            results.append(_undefined_rows(plan, ind, "outside_scope"))
        else:
            results.append(_evaluate(plan, ind, facts, notes))
    for _, ind, reason in pending:
        results.append(_undefined_rows(plan, ind, reason))
    return _tidy(results, req)


def _lacking(ind: Indicator, dim) -> str:
    for f in ind.facts:
        if dim not in FACTS[f].dims:
            table = FACTS[f].tables[0].value
            col = "rep_id" if dim.value in ("rep", "team") else dim.value
            return f"the {table} table has no {col!r} column"
    return "its inputs do not carry it"


def _tidy(results: list[pd.DataFrame], req: Request) -> pd.DataFrame:
    dims = [DIM_COLUMN[d] for d in req.dims]
    cols = TIDY_COLUMNS + dims + VALUE_COLUMNS
    if not results:
        return pd.DataFrame(columns=cols)
    df = pd.concat([r for r in results if len(r)] or results[:1], ignore_index=True)
    extra = [c for c in df.columns if c not in cols] if req.details else []
    order = {k: i for i, k in enumerate(req.ids)}
    df["_order"] = df["kpi"].map(order)
    df = df.sort_values(["_order", "period_start", *dims], kind="stable").drop(columns="_order")
    df = df[cols + extra].reset_index(drop=True)
    for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "previous_value", "change", "target"):
        df[c] = df[c].astype("float64")
        df.loc[~np.isfinite(df[c]), c] = np.nan
    df["n"] = df["n"].fillna(0).astype("int64")
    df["period_start"] = pd.to_datetime(df["period_start"])
    df["period_end"] = pd.to_datetime(df["period_end"])
    for c in ["kpi", "period", "unit", "reason", "status", *dims]:
        df[c] = df[c].astype("object").where(df[c].notna(), None)
    return df

"""Run a request: aggregate each fact once in the backend, then assemble the tidy result.

The heavy work (joins, bucketing, counting, medians) happens in the database through Ibis; what
comes back is one small frame per fact (periods x dimension values), on which the indicator
formulas are evaluated column-wise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from salesscope.engine import calendar as cal
from salesscope.engine import rollup
from salesscope.engine.catalog import Catalog, table_stats
from salesscope.engine.coverage import COVERAGE_COLUMNS, coverage_frame
from salesscope.engine.dimensions import store_columns, stored_column
from salesscope.engine.facts import Ctx, Fact
from salesscope.engine.formulas import Frame
from salesscope.engine.indicators import Indicator
from salesscope.engine.measures import Agg, Measure
from salesscope.engine.request import Request
from salesscope.engine.stats import median_ranks
from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.vocab import Direction, Grain

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

TIDY_COLUMNS = ["kpi", "period", "period_start", "period_end"]
VALUE_COLUMNS = ["value", "unit", "numerator", "denominator", "n", "ci_low", "ci_high",
                 "previous_value", "change", "reason", "target", "status", *COVERAGE_COLUMNS]
# A request for, say, days up to the year 7000 would build millions of empty periods.
MAX_PERIODS = 5000


def check_span(first: dt.date, last: dt.date, grain: Grain) -> None:
    """Refuse a range that holds more than MAX_PERIODS periods of the grain."""
    n = (last - first).days // grain.min_days + 1
    if n > MAX_PERIODS:
        raise QueryError(Text("error.kpi.too_many_periods", first=first, last=last, n=n, grain=Text(f"grain.{grain}"),
                              most=MAX_PERIODS))


class Plan:
    """The periods and context of one request."""

    def __init__(self, ws: Workspace, req: Request) -> None:
        self.ws, self.req = ws, req
        self.backend = ws.backend
        self.catalog: Catalog = ws.shared(("catalog",), lambda: Catalog(self.backend))
        self.counts, found = ws.shared(("table_stats",), lambda: table_stats(self.backend, self.catalog))
        self.data_span = found  # the first and last day the data holds, or None
        first, last = req.start, req.end
        if first is None or last is None:
            today = dt.date.today()
            lo, hi = found or (today, today)
            first, last = first or lo, last or max(hi, first or lo)
        g, c, fs = req.grain, req.calendar, req.fiscal_start
        check_span(first, last, g)
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
        self.columns = ws.shared(("columns",), lambda: store_columns(self.backend, catalog=self.catalog))
        self.ctx = Ctx(self.backend, ibis.memtable(cal.day_table(self.periods)), ibis.memtable(pt),
                       req.scope, self.counts, columns=self.columns, rep_role=ws.config.rep_role,
                       tables=self.catalog.table)
        self.keys = ["period_start"] + [str(d) for d in req.dims]
        self.rollups = ws.shared(("rollups",), lambda: rollup.available(self.catalog, self.counts, self.columns,
                                                                         ws.config.rep_role))
        self.keyed: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}  # see _keyed
        self.grids: dict[tuple[int, ...], tuple[list[pd.DataFrame], pd.DataFrame, pd.Index]] = {}  # see _grid

    def dimensions(self, ind: Indicator) -> frozenset[str]:
        """What ``ind`` can be broken down by here: its built-in dimensions and the extra ones
        (channel label, attributes, rep roles) every one of its facts carries."""
        extra = [self.ws.model.facts[f].extra_dims(self.columns) for f in ind.facts]
        return frozenset(ind.dimensions) | (frozenset.intersection(*extra) if extra else frozenset())

    # -- building the queries ------------------------------------------------------------------
    def fact_table(self, fact: Fact, rows: ibis.Table | None = None) -> ibis.Table | None:
        """The fact (or ``rows``, its rollup) placed in periods and restricted to the request's
        scope; None if out of scope."""
        t = fact.rows(self.ctx, rows)
        if t is None:
            return None
        if not fact.snapshot:
            t = t.join(self.ctx.days, "day")
        if fact.name == "quotas":
            t = t.filter(t.level == self.quota_level(t))
        return t

    def quota_level(self, t: ibis.Table) -> str:
        """Quotas may be set per rep, team or company: reps' quotas add up to their team's and the
        company's, so the finest level present is used, and a coarser one only where it is alone."""
        levels = self.ws.shared(("quota_levels", self.req.scope),
                                lambda: set(t.select("level").distinct().execute()["level"]))
        dims = {str(d) for d in self.req.dims}
        order = ["rep"] if "rep" in dims else ["rep", "team"] if "team" in dims else ["rep", "team", "company"]
        return next((lv for lv in order if lv in levels), order[-1])

    def aggregate_expr(self, fact: Fact, measures: list[Measure]) -> ibis.Table | None:
        """One grouped query for all of a fact's measures (None when the fact is out of scope)."""
        t = self.fact_table(fact)
        return None if t is None else self.aggregate_rows(t, measures)

    def rollup_expr(self, fact: Fact, measures: list[Measure], rolled: rollup.Rollup) -> ibis.Table | None:
        """The same query as :meth:`aggregate_expr`, combined from the fact's per-day rollup (and its
        medians' values), with the same numbers (None when the fact is out of scope)."""
        t = self.fact_table(fact, self.catalog.table(rolled.table))
        if t is None:
            return None
        sums = [m for m in measures if m.agg in rollup.DECOMPOSABLE]
        t = rollup.group_means(sums, t, self.keys)
        out = t.group_by(self.keys).aggregate(_rows=t._rows.sum().cast("int64"),
                                              **{m.name: rollup.combined(m, t) for m in sums})
        medians = [Measure(m.name, m.fact, m.agg, f"v__{rollup.key(m)}") for m in measures if m.agg in rollup.MEDIANS]
        if medians:
            values = self.fact_table(fact, self.catalog.table(rolled.values_table))
            assert values is not None  # the same scope as the rollup's
            out = out.join(self.aggregate_rows(values, medians).drop("_rows"), self.keys)
        return out

    def aggregate_rows(self, t: ibis.Table, measures: list[Measure]) -> ibis.Table:
        """``t``'s rows (placed in periods) grouped by the request's keys, with the measures."""
        medians = [m for m in measures if m.agg is Agg.MEDIAN_CI]
        for m in medians:
            # The median's interval bounds are order statistics: rank each measured value within
            # its group (values outside the measure's filter become NULL and sort last).
            cond = m.condition(t)
            v = t[m.column] if cond is None else ibis.ifelse(cond, t[m.column], ibis.null("float64"))
            t = t.mutate(**{f"_v_{m.name}": v})
            v, by = t[f"_v_{m.name}"], [t[k] for k in self.keys]
            t = t.mutate(**{f"_rn_{m.name}": ibis.row_number().over(group_by=by, order_by=ibis.asc(v, nulls_first=False)) + 1,
                            f"_n_{m.name}": v.count().over(group_by=by)})
            lo, hi = median_ranks(t[f"_n_{m.name}"])
            t = t.mutate(**{f"_lo_{m.name}": lo, f"_hi_{m.name}": hi})
        metrics = {"_rows": t.count()}
        for m in measures:
            where = m.condition(t)
            match m.agg:
                case Agg.COUNT:
                    metrics[m.name] = t.count(where=where) if where is not None else t.count()
                case Agg.SUM:
                    metrics[m.name] = m.value(t).sum(where=where)
                case Agg.MEAN:
                    metrics[m.name] = m.value(t).mean(where=where)
                case Agg.STD:
                    metrics[m.name] = m.value(t).std(where=where)
                case Agg.MEDIAN:
                    # a masked column, not ``where=``: Spark needs a constant percentile argument
                    col = m.value(t)
                    masked = col if where is None else ibis.ifelse(where, col, ibis.null("float64"))
                    metrics[m.name] = masked.median()
                case Agg.MEDIAN_CI:
                    v, rn = t[f"_v_{m.name}"], t[f"_rn_{m.name}"]
                    metrics[m.name] = v.median()
                    metrics[f"{m.name}_p90"] = v.quantile(0.9)
                    metrics[f"{m.name}_lo"] = v.max(where=rn == t[f"_lo_{m.name}"])
                    metrics[f"{m.name}_hi"] = v.max(where=rn == t[f"_hi_{m.name}"])
        return t.group_by(self.keys).aggregate(**metrics)

    def run_fact(self, fact: Fact, measures: list[Measure]) -> pd.DataFrame | None:
        """The fact's measures per period and dimension values; within a :meth:`Workspace.sharing`
        batch, read once for every request of the same breakdown and scope: a request whose periods
        are among those already read (the same grain and calendar) takes their rows, as each
        period's aggregates depend on that period's rows alone."""
        periods = tuple((p.start, p.end) for p in self.periods)
        key = ("fact", fact.name, tuple(self.keys), periods, self.req.scope)
        held: dict[frozenset[str], pd.DataFrame | None] = self.ws.shared(key, dict)
        names = frozenset(m.name for m in measures)
        for have, frame in held.items():
            if names <= have:
                return frame
        read: list = self.ws.shared(("fact_reads", fact.name, tuple(self.keys), self.req.scope), list)
        frame = next((_periods_of(fr, periods) for have, spans, fr in read
                      if names <= have and spans.issuperset(periods) and fr is not None), None)
        if frame is None:
            frame = self._run_fact(fact, measures)
            read.append((names, frozenset(periods), frame))
        held[names] = frame
        return frame

    def _run_fact(self, fact: Fact, measures: list[Measure]) -> pd.DataFrame | None:
        rolled = self.rollups.get(fact.name)
        if rolled is not None and rolled.serves(self.keys[1:], measures):
            rollup.reads["rollup"] += 1
            expr = self.rollup_expr(fact, measures, rolled)
        else:
            rollup.reads["raw"] += 1
            expr = self.aggregate_expr(fact, measures)
        if expr is None:
            return None
        out = self.backend.execute(expr)
        out["period_start"] = pd.to_datetime(out["period_start"]).dt.normalize()
        for k in self.keys[1:]:
            out[k] = out[k].astype("object")
        return out.rename(columns={"_rows": f"_rows_{fact.name}"})


def _periods_of(frame: pd.DataFrame, periods: tuple[tuple[dt.date, dt.date], ...]) -> pd.DataFrame:
    """A fact's rows for some of the periods it was read for."""
    starts = pd.to_datetime(pd.Series([start for start, _ in periods])).dt.normalize()
    return frame[frame["period_start"].isin(starts)].reset_index(drop=True)


def _grid(plan: Plan, frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.Index]:
    """Every dimension combination seen in the indicator's facts x every period, combo-major, so
    that the previous and next period of a row are the rows just before and after it; and its keys.
    Indicators of the same facts share one (each adds its measures to a copy)."""
    key = tuple(id(f) for f in frames)
    held = plan.grids.get(key)
    if held is None or any(a is not b for a, b in zip(held[0], frames, strict=True)):
        grid = _new_grid(plan, frames)
        held = plan.grids[key] = (frames, grid, grid.set_index(plan.keys).index)
    return held[1], held[2]


def _new_grid(plan: Plan, frames: list[pd.DataFrame]) -> pd.DataFrame:
    periods = pd.to_datetime(pd.Series(plan.frame["period_start"]))
    n_periods = len(periods)
    dims = plan.keys[1:]
    if dims:
        combos = pd.concat([f[dims] for f in frames], ignore_index=True).drop_duplicates() if frames else None
        if combos is None or combos.empty:
            combos = pd.DataFrame({d: pd.Series(dtype="object") for d in dims})
        combos = combos.sort_values(dims).reset_index(drop=True)
    else:
        combos = pd.DataFrame(index=[0])
    grid = combos.loc[np.repeat(combos.index.to_numpy(), n_periods)].reset_index(drop=True)
    grid.insert(0, "period_start", np.tile(periods.to_numpy(), len(combos)))
    grid["_pos"] = np.tile(np.arange(n_periods), len(combos))
    return grid


def _keyed(plan: Plan, fr: pd.DataFrame) -> pd.DataFrame:
    """A fact's aggregates indexed by their keys (period and dimension values), made once per frame."""
    keyed = plan.keyed.get(id(fr))
    if keyed is None or keyed[0] is not fr:
        keyed = plan.keyed[id(fr)] = (fr, fr.set_index(plan.keys))
    return keyed[1]


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
    status = np.where(ok, np.where(met, "met", "missed"), np.array(None))
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
    measures = plan.ws.model.measures
    used = [facts[f] for f in ind.facts if facts.get(f) is not None]
    grid, at = _grid(plan, used)
    for name in ind.facts:
        fr = facts.get(name)
        wanted = [c for m in ind.measures if measures[m].fact == name for c in measures[m].outputs()]
        if fr is None:
            grid = grid.assign(**{c: (0.0 if c in measures and measures[c].additive else np.nan) for c in wanted})
        else:
            cols = [c for c in wanted + [f"_rows_{name}"] if c in fr.columns]
            # the fact's rows placed on the grid's (a left join on the keys, which are unique in a fact)
            placed = _keyed(plan, fr)[cols].reindex(at)
            grid = grid.assign(**{c: placed[c].to_numpy() for c in cols})
        for m in ind.measures:
            if measures[m].fact == name and measures[m].additive:
                grid[m] = grid[m].astype("float64").fillna(0.0)
    pos = grid["_pos"].to_numpy()
    first_period = np.inf
    primary = facts.get(ind.facts[0])
    if primary is not None and len(primary):
        rows_col = f"_rows_{ind.facts[0]}"
        with_rows = primary.loc[primary[rows_col] > 0, "period_start"]
        if len(with_rows):
            starts = pd.to_datetime(pd.Series(plan.frame["period_start"]))
            first_period = int(np.searchsorted(starts.to_numpy(), with_rows.min().to_datetime64()))
    grid["_no_history"] = (pos - 1 < first_period).astype("float64")
    frame = Frame(grid, plan.ws.config.gross_margin, notes, pos=pos, n_periods=len(plan.frame))
    out = ind.formula(frame)
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
    res["previous_value"] = frame.shift(res["value"].to_numpy(dtype="float64"), -1)
    res["change"] = res["value"] - res["previous_value"]
    res = res[(pos >= 2) & (pos < len(plan.frame) - 1)]  # drop the context periods around the range
    labels = plan.frame[["period_start", "period_end", "period"]].copy()
    labels["period_start"] = pd.to_datetime(labels["period_start"])
    labels["period_end"] = pd.to_datetime(labels["period_end"])
    res = res.merge(labels, on="period_start", how="left", sort=False)
    res["kpi"], res["unit"] = ind.id, ind.unit.value
    res["target"], res["status"] = _targets(plan.ws, ind, res, plan.keys[1:])
    return res


def compute(ws: Workspace, req: Request) -> pd.DataFrame:
    """Evaluate every requested indicator; return the tidy result."""
    model = ws.model
    plan = Plan(ws, req)
    known = model.indicators
    results: list[pd.DataFrame] = []
    todo: list[Indicator] = []
    pending: list[tuple[int, Indicator, str]] = []
    for ind in (known[i] for i in req.ids):
        can_by = plan.dimensions(ind)
        missing_dims = [str(d) for d in req.dims if d not in can_by]
        if missing_dims:
            lacking = _lacking(model.facts, ind, missing_dims[0], plan.columns)
            if req.explicit:
                can = ", ".join(sorted(str(d) for d in can_by)) or Text("error.kpi.nothing")
                raise QueryError(Text("error.kpi.cannot_break_down", kpi=ind.id, dim=missing_dims[0],
                                      lacking=lacking, can=can))
            pending.append((len(todo) + len(pending), ind, f"no_dimension:{missing_dims[0]}"))
            continue
        empty = [t for t in ind.requires if not plan.counts.get(t.value)]
        if empty:
            pending.append((len(todo) + len(pending), ind, f"missing_input:{empty[0].value}"))
            continue
        todo.append(ind)
    wanted: dict[str, list[Measure]] = {}
    for ind in todo:
        for m in model.measures_of(ind):
            ms = wanted.setdefault(m.fact, [])
            if m not in ms:
                ms.append(m)
    facts: dict[str, pd.DataFrame | None] = {}
    hidden: set[str] = set()
    for name, measures in wanted.items():
        fact = model.facts[name]
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
    return _tidy(results, req, plan)


def _lacking(facts: Mapping[str, Fact], ind: Indicator, dim: str, columns: dict[str, tuple[str, ...]]) -> Text:
    for f in ind.facts:
        if dim not in facts[f].dims and dim not in facts[f].extra_dims(columns):
            return Text("error.kpi.table_lacks", table=facts[f].tables[0].value, column=stored_column(dim))
    return Text("error.kpi.inputs_lack")


def _tidy(results: list[pd.DataFrame], req: Request, plan: Plan) -> pd.DataFrame:
    dims = [str(d) for d in req.dims]
    cols = TIDY_COLUMNS + dims + VALUE_COLUMNS
    if not results:
        return _with_span(pd.DataFrame(columns=cols), plan)
    df = pd.concat([r for r in results if len(r)] or results[:1], ignore_index=True)
    df["period_start"] = pd.to_datetime(df["period_start"])
    df = df.merge(coverage_frame(plan.periods, plan.data_span), on="period_start", how="left", sort=False)
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
    df["days_covered"] = df["days_covered"].astype("int64")
    return _with_span(df, plan)


def _with_span(df: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The data's first and last day ride on the result (``df.attrs``, ISO dates, so that the result
    still serialises), so that every surface can say how far the data reaches."""
    span = plan.data_span
    df.attrs["data_start"], df.attrs["data_end"] = (span[0].isoformat(), span[1].isoformat()) if span else (None, None)
    return df

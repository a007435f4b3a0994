"""The 15 indicators' measures in hand-written DuckDB SQL: the practical floor on one machine.

One grouped query per input table and breakdown, straight on the store; the shared arithmetic
turns the measures into values. A benchmark reference, not a product path.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from salesscope.bench import arith
from salesscope.sqlvalue import scalar

D = "coalesce(CAST({} AS VARCHAR), '(none)')"


def _keys(dims: list[str], cols: dict[str, str]) -> tuple[str, str]:
    sel = "".join(f", {D.format(cols[d])} AS {d}" for d in dims)
    grp = "".join(f", {d}" for d in dims)
    return sel, grp


def _sql(dims: list[str], lo: dt.date, hi: dt.date) -> dict[str, str]:
    """The measure queries of one breakdown, each grouped by month and the breakdown."""
    rng = f"BETWEEN DATE '{lo}' AND DATE '{hi}'"
    q: dict[str, str] = {}
    a_sel, grp = _keys(dims, {"channel": "channel", "rep": "rep_id"})
    if dims == ["channel", "rep"]:
        q["activities"] = f"""
            SELECT date_trunc('month', occurred_at)::DATE AS month{a_sel},
                   count(*) FILTER (WHERE kind IS NULL OR lower(kind) NOT IN ('follow_up', 'follow-up', 'followup', 'meeting', 'demo', 'task', 'note', 'proposal', 'negotiation')) AS actions,
                   count(*) AS activities
            FROM activities WHERE occurred_at::DATE {rng} GROUP BY ALL"""
        r_sel, _ = _keys(dims, {"channel": "coalesce(a.channel, r.channel)", "rep": "a.rep_id"})
        q["responses"] = f"""
            SELECT date_trunc('month', coalesce(a.occurred_at, r.occurred_at))::DATE AS month{r_sel},
                   count(*) AS responses
            FROM responses r LEFT JOIN activities a ON a.activity_id = r.activity_id
            WHERE coalesce(a.occurred_at, r.occurred_at)::DATE {rng} GROUP BY ALL"""
        l_sel, _ = _keys(dims, {"channel": "l.channel", "rep": "l.rep_id"})
        q["leads"] = f"""
            WITH touch AS (SELECT lead_id, min(occurred_at) AS first_at FROM activities
                           WHERE lead_id IS NOT NULL GROUP BY lead_id),
            l AS (SELECT l.*, (epoch(coalesce(l.first_contacted_at, t.first_at)) - epoch(l.created_at)) / 3600.0 AS h
                  FROM leads l LEFT JOIN touch t USING (lead_id))
            SELECT date_trunc('month', created_at)::DATE AS month{l_sel}, count(*) AS leads,
                   count(*) FILTER (WHERE opportunity_id IS NOT NULL OR qualified_at IS NOT NULL) AS leads_converted,
                   count(h) AS leads_contacted, median(h) AS response_hours
            FROM l WHERE created_at::DATE {rng} GROUP BY ALL"""
    t_sel, _ = _keys(dims, {"channel": "t.channel", "rep": "t.rep_id"})
    q["time_log"] = f"""
        SELECT date_trunc('month', t.day)::DATE AS month{t_sel},
               coalesce(sum(t.hours) FILTER (WHERE coalesce(t.purpose, 'prospecting') = 'prospecting'), 0) AS prospecting_hours,
               coalesce(sum(t.hours) FILTER (WHERE t.purpose = 'lead_generation'), 0) AS lead_generation_hours,
               coalesce(sum(coalesce(t.hours * r.hourly_cost::DOUBLE, 0))
                        FILTER (WHERE coalesce(t.purpose, 'prospecting') IN ('prospecting', 'lead_generation')), 0) AS acquisition_labour_cost
        FROM time_log t LEFT JOIN reps r USING (rep_id) WHERE t.day {rng} GROUP BY ALL"""
    q["closed"] = f"""
        SELECT date_trunc('month', closed_at)::DATE AS month{a_sel},
               count(*) FILTER (WHERE status = 'won') AS won, count(*) FILTER (WHERE status = 'lost') AS lost,
               sum(amount::DOUBLE) FILTER (WHERE status = 'won') AS won_amount,
               count(amount) FILTER (WHERE status = 'won') AS won_with_amount,
               median((epoch(closed_at) - epoch(created_at)) / 86400.0) FILTER (WHERE status = 'won') AS cycle_days
        FROM opportunities WHERE closed_at IS NOT NULL AND status IN ('won', 'lost') AND closed_at::DATE {rng}
        GROUP BY ALL"""
    months = f"SELECT range::DATE AS month FROM range(DATE '{lo}', DATE '{hi}' + INTERVAL 2 MONTH, INTERVAL 1 MONTH)"
    o_sel, _ = _keys(dims, {"channel": "o.channel", "rep": "o.rep_id"})
    q["open_start"] = f"""
        SELECT m.month{o_sel}, count(*) AS open_count_start
        FROM ({months}) m JOIN opportunities o
          ON o.created_at < m.month AND (o.status = 'open' OR o.closed_at >= m.month)
        WHERE m.month <= DATE '{hi}' GROUP BY ALL"""
    if dims != ["channel", "rep"]:
        q["open_end"] = f"""
            SELECT (m.month - INTERVAL 1 MONTH)::DATE AS month{o_sel}, sum(o.amount::DOUBLE) AS open_value_end
            FROM ({months}) m JOIN opportunities o
              ON o.created_at < m.month AND (o.status = 'open' OR o.closed_at >= m.month)
            WHERE m.month > DATE '{lo}' GROUP BY ALL"""
        q_sel, _ = _keys(dims, {"rep": "q.rep_id"})
        q["quotas"] = f"""
            WITH q AS (SELECT * FROM quotas WHERE rep_id IS NOT NULL OR NOT EXISTS
                       (SELECT 1 FROM quotas WHERE rep_id IS NOT NULL))
            SELECT date_trunc('month', d.day)::DATE AS month{q_sel},
                   sum(q.amount::DOUBLE / (q.period_end - q.period_start + 1)) AS quota
            FROM q, LATERAL (SELECT unnest(generate_series(q.period_start, q.period_end, INTERVAL 1 DAY))::DATE AS day) d
            WHERE d.day {rng} GROUP BY ALL"""
        c_sel, _ = _keys(dims, {"rep": "c.rep_id"})
        q["customers_new"] = f"""
            SELECT date_trunc('month', acquired_at)::DATE AS month{c_sel}, count(*) AS new_customers
            FROM customers c WHERE acquired_at::DATE {rng} GROUP BY ALL"""
        q["customers_start"] = f"""
            SELECT m.month{c_sel}, count(*) AS active_start,
                   count(*) FILTER (WHERE c.churned_at < m.month + INTERVAL 1 MONTH) AS churned
            FROM ({months}) m JOIN customers c
              ON c.acquired_at < m.month AND (c.churned_at IS NULL OR c.churned_at >= m.month)
            WHERE m.month <= DATE '{hi}' GROUP BY ALL"""
    if not dims:
        q["costs"] = f"""
            WITH c AS (SELECT amount, coalesce(day, period_start) AS f, coalesce(day, period_end) AS l FROM costs)
            SELECT date_trunc('month', d.day)::DATE AS month, sum(c.amount::DOUBLE / (c.l - c.f + 1)) AS costs
            FROM c, LATERAL (SELECT unnest(generate_series(c.f, c.l, INTERVAL 1 DAY))::DATE AS day) d
            WHERE d.day {rng} GROUP BY ALL"""
    return q


def measures(con: duckdb.DuckDBPyConnection, dims: list[str], months: pd.DatetimeIndex) -> tuple[pd.DataFrame, dict]:
    lo = months.min().date()
    hi = (months.max() + pd.offsets.MonthEnd(0)).date()
    out: pd.DataFrame | None = None
    first: dict[str, pd.Series] = {}
    for name, sql in _sql(dims, lo, hi).items():
        df = con.execute(sql).df()
        df["month"] = pd.to_datetime(df["month"])
        if name == "activities":
            first["activities"] = df["month"]
        if name == "closed":
            first["closed_deals"] = df["month"]
        out = df if out is None else out.merge(df, on=["month", *dims], how="outer")
    return out, arith.first_months(first)


def compute(con: duckdb.DuckDBPyConnection, months: pd.DatetimeIndex, in_range: pd.DatetimeIndex,
            gross_margin: float = 1.0) -> pd.DataFrame:
    """All 15 indicators at their benchmark breakdowns, defined values only."""
    lgr_fallback = scalar(con.execute("SELECT count(*) FROM time_log WHERE purpose = 'lead_generation'")) == 0
    frames = []
    for dims in arith.levels():
        m, first = measures(con, list(dims), months)
        g = arith.full_grid(m, list(dims), months)
        vals = arith.values(g, list(dims), first, gross_margin, lgr_fallback)
        frames.append(arith.tidy(g, list(dims), vals, in_range))
    return pd.concat(frames, ignore_index=True)

"""The 15 indicators in plain, vectorised pandas: what a user would otherwise script.

Reads the canonical tables into DataFrames, aggregates per month and breakdown with ``groupby``,
and hands the measures to the shared arithmetic. A benchmark reference, not a product path.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from salesscope.bench import arith

NONE = "(none)"
SALES_KINDS = ("follow_up", "follow-up", "followup", "meeting", "demo", "task", "note", "proposal",
               "negotiation")


TABLES = ("reps", "activities", "responses", "time_log", "leads", "opportunities", "customers", "quotas",
          "costs")


def load(store: Path | duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every canonical table of a workspace store as a pandas DataFrame."""
    con = store if isinstance(store, duckdb.DuckDBPyConnection) else duckdb.connect(str(store), read_only=True)
    try:
        return {n: con.execute(f'SELECT * FROM "{n}"').df() for n in TABLES}
    finally:
        if con is not store:
            con.close()


def _month(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.to_period("M").dt.to_timestamp()


def _dims(df: pd.DataFrame, **cols: pd.Series) -> pd.DataFrame:
    out = df.assign(**{k: v.astype("object").where(v.notna(), NONE) for k, v in cols.items()})
    return out


def _spread(df: pd.DataFrame, value: str, first: pd.Series, last: pd.Series) -> pd.DataFrame:
    """Spread each row's amount evenly over its days, then add it up per month."""
    first, last = pd.to_datetime(first), pd.to_datetime(last)
    days = (last - first).dt.days.to_numpy() + 1
    rows = np.repeat(np.arange(len(df)), days)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(days) - days, days)
    day = first.to_numpy()[rows] + offset.astype("timedelta64[D]")
    out = df.iloc[rows].reset_index(drop=True)
    out["month"] = _month(pd.Series(day))
    out[value] = out[value].astype("float64").to_numpy() / np.repeat(days, days)
    return out


def _open_counts(o: pd.DataFrame, keys: list[str], months: pd.DatetimeIndex, value: str | None) -> pd.DataFrame:
    """Opportunities (count or summed amount) open at each month's start: created before it and
    still open or closed on or after it; a running sum of entries minus exits."""
    w = o[value].astype("float64").fillna(0.0) if value else pd.Series(1.0, index=o.index)
    enter = (_month(o.created_at) + pd.DateOffset(months=1))
    closed = o.status != "open"
    exit_ = (_month(o.closed_at) + pd.DateOffset(months=1)).where(closed)
    counted = ~closed | o.closed_at.notna()
    ev = pd.concat([
        o.loc[counted, keys].assign(month=enter[counted], d=w[counted]),
        o.loc[closed & o.closed_at.notna(), keys].assign(month=exit_[closed & o.closed_at.notna()],
                                                         d=-w[closed & o.closed_at.notna()]),
    ])
    ev = ev.groupby([*keys, "month"], dropna=False)["d"].sum().reset_index()
    combos = ev[keys].drop_duplicates() if keys else None
    grid = pd.DataFrame({"month": months})
    if keys:
        grid = grid.merge(combos, how="cross")
    full = pd.concat([grid.assign(d=0.0), ev[ev.month < months.min()].assign(month=months.min()),
                      ev[ev.month >= months.min()]])
    full = full.groupby([*keys, "month"], dropna=False)["d"].sum().reset_index().sort_values("month")
    full["v"] = full.groupby(keys)["d"].cumsum() if keys else full["d"].cumsum()
    return full[full.month.isin(months)].drop(columns="d")


def measures(t: dict[str, pd.DataFrame], dims: list[str], months: pd.DatetimeIndex) -> tuple[pd.DataFrame, dict]:
    """The measures of the benchmark's indicators at one breakdown, per month; first months."""
    reps = t["reps"][["rep_id", "hourly_cost"]]
    parts: list[pd.DataFrame] = []
    first: dict[str, pd.Series] = {}

    def agg(df: pd.DataFrame, **spec) -> pd.DataFrame:
        df = df[df.month.isin(months)]
        return df.groupby(["month", *dims], dropna=False).agg(**spec).reset_index()

    a = t["activities"]
    a = _dims(a, channel=a.channel, rep=a.rep_id).assign(month=_month(a.occurred_at))
    first["activities"] = a.month[a.month.isin(months)]
    if dims == ["channel", "rep"]:
        kind = a.kind.str.lower()
        a["outreach"] = kind.isna() | ~kind.isin(SALES_KINDS)
        parts.append(agg(a, actions=("outreach", "sum"), activities=("activity_id", "size")))

        r = t["responses"]
        acts = t["activities"][["activity_id", "occurred_at", "channel", "rep_id"]].rename(
            columns={"activity_id": "_aid", "occurred_at": "_at", "channel": "_ch", "rep_id": "_rep"})
        r = r.merge(acts, left_on="activity_id", right_on="_aid", how="left")
        r = _dims(r, channel=r._ch.fillna(r.channel), rep=r._rep).assign(month=_month(r._at.fillna(r.occurred_at)))
        parts.append(agg(r, responses=("response_id", "size")))

        leads = t["leads"]
        touch = t["activities"].dropna(subset=["lead_id"]).groupby("lead_id").occurred_at.min().rename("_first")
        leads = leads.merge(touch, left_on="lead_id", right_index=True, how="left")
        touched = leads.first_contacted_at.fillna(leads._first)
        leads = _dims(leads, channel=leads.channel, rep=leads.rep_id).assign(
            month=_month(leads.created_at),
            hours=(touched - leads.created_at).dt.total_seconds() / 3600.0,
            converted=leads.opportunity_id.notna() | leads.qualified_at.notna())
        parts.append(agg(leads, leads=("lead_id", "size"), leads_converted=("converted", "sum"),
                         leads_contacted=("hours", "count"), response_hours=("hours", "median")))

    tl = t["time_log"].merge(reps, on="rep_id", how="left")
    tl = _dims(tl, channel=tl.channel, rep=tl.rep_id).assign(month=_month(tl.day))
    tl["hours"] = tl.hours.astype("float64")
    tl["purpose"] = tl.purpose.fillna("prospecting")  # an undifferentiated log is prospecting time
    tl["prosp"] = tl.hours.where(tl.purpose == "prospecting", 0.0)
    tl["leadgen"] = tl.hours.where(tl.purpose == "lead_generation", 0.0)
    labour = (tl.hours * tl.hourly_cost.astype("float64")).fillna(0.0)
    tl["labour"] = labour.where(tl.purpose.isin(["prospecting", "lead_generation"]), 0.0)
    parts.append(agg(tl, prospecting_hours=("prosp", "sum"), lead_generation_hours=("leadgen", "sum"),
                     acquisition_labour_cost=("labour", "sum")))

    o = t["opportunities"]
    o = _dims(o, channel=o.channel, rep=o.rep_id)
    c = o[o.closed_at.notna() & o.status.isin(["won", "lost"])].copy()
    c["month"] = _month(c.closed_at)
    first["closed_deals"] = c.month[c.month.isin(months)]
    c["won"], c["lost"] = c.status == "won", c.status == "lost"
    c["amount"] = c.amount.astype("float64")
    c["won_amount"] = c.amount.where(c.won)
    c["cycle"] = ((c.closed_at - c.created_at).dt.total_seconds() / 86400.0).where(c.won)
    parts.append(agg(c, won=("won", "sum"), lost=("lost", "sum"), won_amount=("won_amount", "sum"),
                     won_with_amount=("won_amount", "count"), cycle_days=("cycle", "median")))
    plan = pd.DatetimeIndex(sorted(set(months) | {months.max() + pd.DateOffset(months=1)}))
    start = _open_counts(o, dims, plan, None).rename(columns={"v": "open_count_start"})
    parts.append(start[start.month.isin(months)])
    if dims != ["channel", "rep"]:
        end = _open_counts(o, dims, plan, "amount")
        end["month"] = end.month - pd.DateOffset(months=1)  # open at the end of m = at the start of m+1
        parts.append(end[end.month.isin(months)].rename(columns={"v": "open_value_end"}))

        q = t["quotas"]
        if q.rep_id.notna().any():  # reps' quotas add up to their team's: the finest level counts
            q = q[q.rep_id.notna()]
        q = _spread(q, "amount", q.period_start, q.period_end)
        q = _dims(q, rep=q.rep_id)
        parts.append(agg(q, quota=("amount", "sum")))

        cu = t["customers"]
        cu = _dims(cu, rep=cu.rep_id)
        acq, churn = _month(cu.acquired_at), _month(cu.churned_at)
        cu = cu.assign(month=acq)
        parts.append(agg(cu, new_customers=("customer_id", "size")))
        act = _open_counts(cu.assign(status=np.where(cu.churned_at.notna(), "churned", "open"),
                                     created_at=cu.acquired_at, closed_at=cu.churned_at), dims, plan, None)
        parts.append(act.rename(columns={"v": "active_start"}))
        gone = cu[churn.notna() & (churn > acq)].assign(month=churn)
        parts.append(agg(gone, churned=("customer_id", "size")))
    if dims == []:
        co = t["costs"]
        co = _spread(co, "amount", co.day.fillna(co.period_start), co.day.fillna(co.period_end))
        parts.append(agg(co, costs=("amount", "sum")))
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part, on=["month", *dims], how="outer")
    return out, arith.first_months(first)


def compute(t: dict[str, pd.DataFrame], months: pd.DatetimeIndex, in_range: pd.DatetimeIndex,
            gross_margin: float = 1.0) -> pd.DataFrame:
    """All 15 indicators at their benchmark breakdowns, defined values only."""
    lgr_fallback = t["time_log"].purpose.eq("lead_generation").sum() == 0
    frames = []
    for dims in arith.levels():
        m, first = measures(t, list(dims), months)
        g = arith.full_grid(m, list(dims), months)
        vals = arith.values(g, list(dims), first, gross_margin, lgr_fallback)
        frames.append(arith.tidy(g, list(dims), vals, in_range))
    return pd.concat(frames, ignore_index=True)

"""The indicator arithmetic over per-month measures, shared by the benchmark's two references.

The pandas and hand-written SQL references each compute the measures (counts, sums, medians per
month and breakdown) their own way; this module turns a table of measures into indicator values, as
KPIS.md defines them. It exists to check the engine's numbers, not to serve users.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def levels() -> dict[tuple[str, ...], tuple[str, ...]]:
    """The breakdown each indicator is measured at in the benchmark, from the semantic model:
    month x channel x rep where its inputs carry both, otherwise the finest the inputs allow."""
    from salesscope.semantic import builtin

    return builtin().agreement_levels()


ADDITIVE = ("actions", "activities", "responses", "prospecting_hours", "lead_generation_hours", "leads",
            "leads_converted", "leads_contacted", "won", "lost", "won_amount", "won_with_amount",
            "open_count_start", "open_value_end", "quota", "costs", "acquisition_labour_cost",
            "new_customers", "active_start", "churned")


def _div(a: pd.Series, b: pd.Series) -> pd.Series:
    out = a / b.where(b != 0)
    return out.where(np.isfinite(out))


def full_grid(measures: pd.DataFrame, dims: list[str], months: pd.DatetimeIndex) -> pd.DataFrame:
    """Every month x every breakdown seen, additive measures 0 where nothing happened."""
    if dims:
        combos = measures[dims].drop_duplicates()
        grid = pd.DataFrame({"month": months}).merge(combos, how="cross")
    else:
        grid = pd.DataFrame({"month": months})
    out = grid.merge(measures, on=["month", *dims], how="left")
    for c in ADDITIVE:
        if c in out:
            out[c] = out[c].astype("float64").fillna(0.0)
    return out


def _shifted(g: pd.DataFrame, dims: list[str], months: int) -> pd.DataFrame:
    """The measures of the month ``months`` away, aligned on each row."""
    other = g.copy()
    other["month"] = other["month"] - pd.DateOffset(months=months)
    return g[["month", *dims]].merge(other, on=["month", *dims], how="left")


def values(g: pd.DataFrame, dims: list[str], first: dict[str, pd.Timestamp], gross_margin: float = 1.0,
           lgr_from_prospecting: bool = False) -> dict[str, pd.Series]:
    """Indicator values on the grid ``g`` (NaN where undefined), for the indicators of its level."""
    prev, nxt = _shifted(g, dims, -1), _shifted(g, dims, 1)
    out: dict[str, pd.Series] = {}
    level = tuple(dims)

    def p(col: str) -> pd.Series:
        return prev[col].astype("float64").fillna(0.0) if col in ADDITIVE else prev[col]

    def history(fact: str) -> pd.Series:
        start = first.get(fact)
        return (g["month"] - pd.DateOffset(months=1)) >= start if start is not None else g["month"].isna()

    if level == ("channel", "rep"):
        rate, rate0 = _div(g.responses, g.actions) * 100, _div(p("responses"), p("actions")) * 100
        extra = g.prospecting_hours - p("prospecting_hours")
        ok = (g.actions > 0) & history("activities") & (p("actions") > 0) & (extra != 0)
        out["rrroi"] = _div(rate - rate0, extra).where(ok)
        hours = g.prospecting_hours if lgr_from_prospecting else g.lead_generation_hours
        out["lgr"] = _div(g.leads, hours)
        out["lead_response_time"] = g.response_hours.where((g.leads > 0) & (g.leads_contacted > 0))
        out["lead_conversion_rate"] = _div(g.leads_converted, g.leads) * 100
        closed = g.won + g.lost
        out["win_rate"] = _div(g.won, closed) * 100
        size = _div(g.won_amount, g.won_with_amount)
        out["avg_deal_size"] = size
        out["sales_cycle_days"] = g.cycle_days.where(g.won > 0)
        velocity = _div(g.open_count_start * _div(g.won, closed) * size, g.cycle_days)
        out["sales_velocity"] = velocity.where((closed > 0) & (g.won_with_amount > 0) & (g.cycle_days > 0))
        rev0 = p("won_amount")
        out["revenue_growth"] = (_div(g.won_amount - rev0, rev0) * 100).where(history("closed_deals"))
        out["activities_per_win"] = _div(g.activities, g.won)
    elif level == ("rep",):
        quota_next = nxt["quota"].astype("float64").fillna(0.0)
        out["pipeline_coverage"] = _div(g.open_value_end, quota_next)
        out["quota_attainment"] = _div(g.won_amount, g.quota) * 100
        out["churn_rate"] = _div(g.churned, g.active_start) * 100
    else:
        spend = g.costs + g.acquisition_labour_cost
        cac = _div(spend, g.new_customers)
        out["cac"] = cac
        churn = _div(g.churned, g.active_start)
        clv = _div(_div(g.won_amount, g.active_start + g.new_customers) * gross_margin, churn)
        ok = (g.active_start > 0) & (g.churned > 0) & (g.new_customers > 0)
        out["clv_cac_ratio"] = _div(clv, cac).where(ok)
    return out


def tidy(g: pd.DataFrame, dims: list[str], vals: dict[str, pd.Series], months: pd.DatetimeIndex) -> pd.DataFrame:
    """Defined values only, as rows of kpi, month, the breakdown and value."""
    frames = [pd.DataFrame(columns=["month", *dims, "kpi", "value"])]
    for kpi, v in vals.items():
        f = g[["month", *dims]].assign(kpi=kpi, value=v.to_numpy())
        frames.append(f[f["value"].notna() & f["month"].isin(months)])
    return pd.concat(frames, ignore_index=True)


def first_months(months_with_rows: dict[str, pd.Series]) -> dict[str, pd.Timestamp]:
    return {k: v.min() for k, v in months_with_rows.items() if len(v)}

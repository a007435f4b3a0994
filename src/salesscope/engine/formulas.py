"""The arithmetic of each indicator over aggregated measures (vectorised over result rows).

Each formula reads measures for the period (``f("x")``), the previous period (``f("x", -1)``) or
the next one (``f("x", +1)``), and returns value, numerator, denominator, n, interval and the
reason a value is undefined. Undefined stays NaN with a reason; it never becomes 0 or infinity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from salesscope.engine import stats

if TYPE_CHECKING:
    import pandas as pd

NAN = np.nan


class Frame:
    """Measures of every result row, with the previous and next period's beside them."""

    def __init__(self, df: pd.DataFrame, gross_margin: float = 1.0, notes: dict | None = None, *,
                 pos: np.ndarray | None = None, n_periods: int | None = None):
        self.df = df
        self.gross_margin = gross_margin
        self.notes = notes or {}
        # rows are grouped by dimension values, periods in order: ``pos`` is a row's period index
        self.pos = np.zeros(len(df), dtype=int) if pos is None else pos
        self.n_periods = n_periods or 1

    def __call__(self, name: str, shift: int = 0) -> np.ndarray:
        values = self.df[name].to_numpy(dtype="float64", na_value=np.nan)
        return values if shift == 0 else self.shift(values, shift)

    def shift(self, values: np.ndarray, shift: int) -> np.ndarray:
        """The value of the period ``shift`` steps away (same dimension values); NaN past the edge."""
        out = np.roll(values, -shift)
        target = self.pos + shift
        return np.where((target >= 0) & (target < self.n_periods), out, np.nan)

    @property
    def size(self) -> int:
        return len(self.df)


@dataclass
class Out:
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    n: np.ndarray
    reason: np.ndarray
    ci_low: np.ndarray | None = None
    ci_high: np.ndarray | None = None
    details: dict[str, np.ndarray] = field(default_factory=dict)


def div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, NaN where b is 0 or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((b != 0) & ~np.isnan(b), a / np.where(b == 0, 1, b), NAN)


def reasons(size: int, *rules: tuple[np.ndarray, str]) -> np.ndarray:
    """The first rule that holds names why a row is undefined; None where none holds."""
    out = np.full(size, None, dtype=object)
    for cond, why in reversed(rules):
        out = np.where(cond, why, out)
    return out


def undefined_where(value: np.ndarray, reason: np.ndarray) -> np.ndarray:
    undefined = np.array([r is not None and not str(r).startswith("note:") for r in reason], dtype=bool)
    return np.where(undefined | ~np.isfinite(value), NAN, value)


def rrroi(f: Frame) -> Out:
    acts, acts0 = f("actions"), f("actions", -1)
    resp, resp0 = f("responses"), f("responses", -1)
    hours, hours0 = f("prospecting_hours"), f("prospecting_hours", -1)
    rate, rate0 = div(resp, acts) * 100, div(resp0, acts0) * 100
    extra = hours - hours0
    change = rate - rate0
    why = reasons(f.size, (acts == 0, "no_actions"), (f("_no_history") > 0, "no_previous_period"),
                  (acts0 == 0, "no_actions"),
                  ((hours == 0) & (hours0 == 0), "no_prospecting_hours"), (extra == 0, "no_change_in_hours"))
    value = undefined_where(div(change, extra), why)
    lo, hi = stats.newcombe_diff(resp, acts, resp0, acts0)
    lo_v, hi_v = div(lo, extra), div(hi, extra)
    ci_low, ci_high = np.fmin(lo_v, hi_v), np.fmax(lo_v, hi_v)  # cutting hours flips the interval
    return Out(value, change, extra, acts, why, np.where(np.isnan(value), NAN, ci_low),
               np.where(np.isnan(value), NAN, ci_high),
               {"response_rate": rate, "previous_response_rate": rate0, "change_low": lo, "change_high": hi})


def lgr(f: Frame) -> Out:
    leads = f("leads")
    fallback = f.notes.get("lgr_hours_from_prospecting", False)
    hours = f("prospecting_hours") if fallback else f("lead_generation_hours")
    why = reasons(f.size, (hours == 0, "no_lead_generation_hours"))
    if fallback:
        why = np.where(why == None, "note:hours_from_prospecting", why)  # noqa: E711 - elementwise
    value = undefined_where(div(leads, hours), why)
    lo, hi = stats.poisson_rate(leads, hours)
    return Out(value, leads, hours, leads, why, lo, hi)


def lead_response_time(f: Frame) -> Out:
    leads, contacted = f("leads"), f("leads_contacted")
    why = reasons(f.size, (leads == 0, "no_leads"), (contacted == 0, "no_contacted_leads"))
    value = undefined_where(f("response_hours"), why)
    return Out(value, NAN * value, NAN * value, contacted, why, f("response_hours_lo"), f("response_hours_hi"),
               {"p90": f("response_hours_p90"), "never_contacted_share": div(leads - contacted, leads) * 100})


def lead_conversion_rate(f: Frame) -> Out:
    leads, conv = f("leads"), f("leads_converted")
    why = reasons(f.size, (leads == 0, "no_leads"))
    lo, hi = stats.wilson(conv, leads)
    return Out(undefined_where(div(conv, leads) * 100, why), conv, leads, leads, why, lo, hi,
               {"undecided": f("leads_undecided")})


def win_rate(f: Frame) -> Out:
    won, closed = f("won"), f("won") + f("lost")
    why = reasons(f.size, (closed == 0, "no_closed_deals"))
    lo, hi = stats.wilson(won, closed)
    return Out(undefined_where(div(won, closed) * 100, why), won, closed, closed, why, lo, hi)


def avg_deal_size(f: Frame) -> Out:
    total, n = f("won_amount"), f("won_with_amount")
    why = reasons(f.size, (n == 0, "no_won_deals"))
    mean = undefined_where(div(total, n), why)
    lo, hi = stats.positive_mean_interval(mean, f("won_amount_std"), n)  # amounts are positive and skewed
    return Out(mean, total, n, n, why, lo, hi, {"median": f("won_amount_median")})


def sales_cycle_days(f: Frame) -> Out:
    won = f("won")
    why = reasons(f.size, (won == 0, "no_won_deals"))
    value = undefined_where(f("cycle_days"), why)
    return Out(value, NAN * value, NAN * value, won, why, f("cycle_days_lo"), f("cycle_days_hi"),
               {"p90": f("cycle_days_p90")})


def pipeline_coverage(f: Frame) -> Out:
    pipeline, quota_next = f("open_value_end"), f("quota", +1)
    why = reasons(f.size, (np.isnan(quota_next) | (quota_next == 0), "no_quota_next_period"))
    value = undefined_where(div(pipeline, quota_next), why)
    return Out(value, pipeline, quota_next, f("open_count_end"), why,
               details={"weighted_pipeline": f("open_weighted_end"),
                        "weighted_coverage": div(f("open_weighted_end"), quota_next)})


def sales_velocity(f: Frame) -> Out:
    won, closed, n_amount = f("won"), f("won") + f("lost"), f("won_with_amount")
    cycle = f("cycle_days")
    rate, size = div(won, closed), div(f("won_amount"), n_amount)
    why = reasons(f.size, (closed == 0, "no_closed_deals"), (n_amount == 0, "no_won_deals"),
                  (~(cycle > 0), "no_cycle_length"))
    numerator = f("open_count_start") * rate * size
    value = undefined_where(div(numerator, cycle), why)
    return Out(value, numerator, cycle, closed, why,
               details={"open_at_start": f("open_count_start"), "win_rate": rate * 100, "avg_deal_size": size})


def revenue_growth(f: Frame) -> Out:
    rev, rev0 = f("won_amount"), f("won_amount", -1)
    no_history = f("_no_history") > 0
    why = reasons(f.size, (no_history, "no_previous_period"), (rev0 == 0, "no_previous_revenue"))
    value = undefined_where(div(rev - rev0, rev0) * 100, why)
    return Out(value, rev, rev0, f("won"), why)


def quota_attainment(f: Frame) -> Out:
    rev, quota = f("won_amount"), f("quota")
    why = reasons(f.size, (quota == 0, "no_quota"))
    return Out(undefined_where(div(rev, quota) * 100, why), rev, quota, f("won"), why)


def activities_per_win(f: Frame) -> Out:
    acts, won = f("activities"), f("won")
    why = reasons(f.size, (won == 0, "no_won_deals"))
    value = undefined_where(div(acts, won), why)
    wlo, whi = stats.poisson_rate(won, np.ones(f.size))
    return Out(value, acts, won, won, why, np.where(np.isnan(value), NAN, div(acts, whi)),
               np.where(np.isnan(value), NAN, div(acts, wlo)))


def _cac(f: Frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    spend = f("costs") + f("acquisition_labour_cost")
    new = f("new_customers")
    return div(spend, new), spend, new


def cac(f: Frame) -> Out:
    value, spend, new = _cac(f)
    why = reasons(f.size, (new == 0, "no_new_customers"))
    return Out(undefined_where(value, why), spend, new, new, why,
               details={"labour_cost": f("acquisition_labour_cost"), "costs": f("costs")})


def clv_cac_ratio(f: Frame) -> Out:
    cac_v, _, new = _cac(f)
    active, churned = f("active_start"), f("churned")
    revenue_per_customer = div(f("won_amount"), active + new)
    churn = div(churned, active)
    clv = div(revenue_per_customer * f.gross_margin, churn)
    why = reasons(f.size, (active == 0, "no_active_customers"), (churned == 0, "no_churn"),
                  (new == 0, "no_new_customers"))
    value = undefined_where(div(clv, cac_v), why)
    return Out(value, clv, cac_v, active, why, details={"clv": clv, "cac": cac_v, "churn_rate": churn * 100})


def churn_rate(f: Frame) -> Out:
    active, churned = f("active_start"), f("churned")
    why = reasons(f.size, (active == 0, "no_active_customers"))
    lo, hi = stats.wilson(churned, active)
    return Out(undefined_where(div(churned, active) * 100, why), churned, active, active, why, lo, hi)

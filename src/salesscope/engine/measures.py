"""Measures: named aggregates over one fact, declared once and shared by the indicators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import ibis.expr.types as ir


class Agg(StrEnum):
    COUNT = "count"
    SUM = "sum"
    MEAN = "mean"
    STD = "std"
    MEDIAN = "median"
    # median with the order statistics of its 95% interval and the 90th percentile:
    # yields <name>, <name>_lo, <name>_hi, <name>_p90
    MEDIAN_CI = "median_ci"


Where = Callable[[ir.Table], ir.BooleanValue]


@dataclass(frozen=True)
class Measure:
    name: str
    fact: str
    agg: Agg
    column: str | None = None
    where: Where | None = None

    @property
    def additive(self) -> bool:
        """Counts and sums are 0 where a period has no rows; other aggregates are undefined."""
        return self.agg in (Agg.COUNT, Agg.SUM)

    def outputs(self) -> list[str]:
        if self.agg is Agg.MEDIAN_CI:
            return [self.name, f"{self.name}_lo", f"{self.name}_hi", f"{self.name}_p90"]
        return [self.name]


def _purpose(*names: str) -> Where:
    return lambda t: t.purpose.isin(list(names))


M, A = Measure, Agg
MEASURES: dict[str, Measure] = {m.name: m for m in (
    M("actions", "activities", A.COUNT, where=lambda t: t.is_outreach),
    M("activities", "activities", A.COUNT),
    M("responses", "responses", A.COUNT),
    M("prospecting_hours", "time_log", A.SUM, "hours", _purpose("prospecting")),
    M("lead_generation_hours", "time_log", A.SUM, "hours", _purpose("lead_generation")),
    M("acquisition_labour_cost", "time_log", A.SUM, "labour_cost", _purpose("prospecting", "lead_generation")),
    M("leads", "leads", A.COUNT),
    M("leads_converted", "leads", A.COUNT, where=lambda t: t.converted),
    M("leads_undecided", "leads", A.COUNT, where=lambda t: t.undecided),
    M("leads_contacted", "leads", A.COUNT, where=lambda t: t.hours_to_contact.notnull()),
    M("response_hours", "leads", A.MEDIAN_CI, "hours_to_contact"),
    M("won", "closed_deals", A.COUNT, where=lambda t: t.won),
    M("lost", "closed_deals", A.COUNT, where=lambda t: t.lost),
    M("won_amount", "closed_deals", A.SUM, "amount", lambda t: t.won),
    M("won_with_amount", "closed_deals", A.COUNT, where=lambda t: t.won & t.amount.notnull()),
    M("won_amount_std", "closed_deals", A.STD, "amount", lambda t: t.won),
    M("won_amount_median", "closed_deals", A.MEDIAN, "amount", lambda t: t.won),
    M("cycle_days", "closed_deals", A.MEDIAN_CI, "cycle_days", lambda t: t.won),
    M("open_value_end", "open_at_end", A.SUM, "amount"),
    M("open_weighted_end", "open_at_end", A.SUM, "weighted"),
    M("open_count_end", "open_at_end", A.COUNT),
    M("open_count_start", "open_at_start", A.COUNT),
    M("new_customers", "customers_new", A.COUNT),
    M("active_start", "customers_at_start", A.COUNT),
    M("churned", "customers_at_start", A.COUNT, where=lambda t: t.churned),
    M("quota", "quotas", A.SUM, "quota"),
    M("costs", "costs", A.SUM, "cost"),
)}

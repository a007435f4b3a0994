"""Measures: named aggregates over one fact, declared once and shared by the indicators."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class Cond:
    """One condition of a measure's filter, declared so it can be run, printed and put in words.

    ``is``: a boolean column holds; ``in``: the column (as text) is one of ``values``;
    ``set``: the column is not empty.
    """

    column: str
    op: Literal["is", "in", "set"] = "is"
    values: tuple[str, ...] = ()

    def expr(self, t: ir.Table) -> ir.BooleanValue:
        col = t[self.column]
        match self.op:
            case "is":
                return col
            case "in":
                return (col if col.type().is_string() else col.cast("string")).isin(list(self.values))
            case "set":
                return col.notnull()
        raise ValueError(self.op)

    def words(self) -> str:
        match self.op:
            case "is":
                return self.column
            case "in":
                return f"{self.column} in ({', '.join(self.values)})"
            case "set":
                return f"{self.column} is set"
        raise ValueError(self.op)


def is_(column: str) -> Cond:
    return Cond(column)


def in_(column: str, *values: str) -> Cond:
    return Cond(column, "in", tuple(values))


def set_(column: str) -> Cond:
    return Cond(column, "set")


@dataclass(frozen=True)
class Measure:
    name: str
    fact: str
    agg: Agg
    column: str | None = None
    where: tuple[Cond, ...] = ()  # all must hold

    def condition(self, t: ir.Table) -> ir.BooleanValue | None:
        """The filter as an Ibis expression on the fact, None when the measure takes every row."""
        return reduce(lambda a, b: a & b, (c.expr(t) for c in self.where)) if self.where else None

    def value(self, t: ir.Table) -> ir.Column:
        """The measured column of fact ``t`` (every aggregate but a count has one)."""
        if self.column is None:
            raise ValueError(f"measure {self.name}: {self.agg.value} needs a column")
        return t[self.column]

    def words(self) -> str:
        """``sum of hours over time_log where purpose in (prospecting)``."""
        what = f"{self.agg.value.removesuffix('_ci')} of {self.column}" if self.column else "count of rows"
        cond = f" where {' and '.join(c.words() for c in self.where)}" if self.where else ""
        return f"{what} over {self.fact}{cond}"

    @property
    def additive(self) -> bool:
        """Counts and sums are 0 where a period has no rows; other aggregates are undefined."""
        return self.agg in (Agg.COUNT, Agg.SUM)

    def outputs(self) -> list[str]:
        if self.agg is Agg.MEDIAN_CI:
            return [self.name, f"{self.name}_lo", f"{self.name}_hi", f"{self.name}_p90"]
        return [self.name]


def _purpose(*names: str) -> tuple[Cond, ...]:
    return (in_("purpose", *names),)


M, A = Measure, Agg
# The built-in measures (read-only); a workspace's semantic model adds the user's own.
MEASURES = MappingProxyType({m.name: m for m in (
    M("actions", "activities", A.COUNT, where=(is_("is_outreach"),)),
    M("activities", "activities", A.COUNT),
    M("responses", "responses", A.COUNT),
    M("prospecting_hours", "time_log", A.SUM, "hours", _purpose("prospecting")),
    M("lead_generation_hours", "time_log", A.SUM, "hours", _purpose("lead_generation")),
    M("acquisition_labour_cost", "time_log", A.SUM, "labour_cost", _purpose("prospecting", "lead_generation")),
    M("leads", "leads", A.COUNT),
    M("leads_converted", "leads", A.COUNT, where=(is_("converted"),)),
    M("leads_undecided", "leads", A.COUNT, where=(is_("undecided"),)),
    M("leads_contacted", "leads", A.COUNT, where=(set_("hours_to_contact"),)),
    M("response_hours", "leads", A.MEDIAN_CI, "hours_to_contact"),
    M("won", "closed_deals", A.COUNT, where=(is_("won"),)),
    M("lost", "closed_deals", A.COUNT, where=(is_("lost"),)),
    M("won_amount", "closed_deals", A.SUM, "amount", (is_("won"),)),
    M("won_with_amount", "closed_deals", A.COUNT, where=(is_("won"), set_("amount"))),
    M("won_amount_std", "closed_deals", A.STD, "amount", (is_("won"),)),
    M("won_amount_median", "closed_deals", A.MEDIAN, "amount", (is_("won"),)),
    M("cycle_days", "closed_deals", A.MEDIAN_CI, "cycle_days", (is_("won"),)),
    M("open_value_end", "open_at_end", A.SUM, "amount"),
    M("open_weighted_end", "open_at_end", A.SUM, "weighted"),
    M("open_count_end", "open_at_end", A.COUNT),
    M("open_count_start", "open_at_start", A.COUNT),
    M("new_customers", "customers_new", A.COUNT),
    M("active_start", "customers_at_start", A.COUNT),
    M("churned", "customers_at_start", A.COUNT, where=(is_("churned"),)),
    M("quota", "quotas", A.SUM, "quota"),
    M("costs", "costs", A.SUM, "cost"),
)})

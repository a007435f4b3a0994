"""The 15 indicators of KPIS.md, declared once: stage, unit, direction, measures, formula.

Their names and descriptions are in the locale catalogues (``indicator.<id>.name`` and
``.description``); a user's indicator carries its own. These are declarations only. A workspace's semantic model (:mod:`salesscope.semantic`) resolves
them, with the user's own, into what every surface reads; the resolved fields (facts, tables,
dimensions) are empty here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from salesscope import locale
from salesscope.engine.metrics import Formula, Metric
from salesscope.schema import Table
from salesscope.vocab import Dimension, Direction, Stage, Unit

if TYPE_CHECKING:
    from salesscope.engine import formulas as fx


@dataclass(frozen=True)
class Indicator:
    id: str
    stage: Stage
    unit: Unit
    direction: Direction
    metric: Metric
    requires: tuple[Table, ...] = ()  # tables that must hold data; the measures' other inputs may be empty
    estimate: bool = True  # whether the value is a sample estimate with an interval
    hints: bool = True  # advice holds an action hint for it in every language (else the generic one)
    # resolved by the semantic model from the measures:
    facts: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    dimensions: frozenset[Dimension] = frozenset()
    # A user's indicator names itself, by language ({"en": ..., "fa": ...}); a built-in's words
    # are in the locale catalogues.
    names: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str = locale.DEFAULT) -> str:
        """What the indicator is called in ``lang``."""
        return self._words("name", self.names, lang) or self.id

    def description(self, lang: str = locale.DEFAULT) -> str:
        """What the indicator measures, in ``lang`` ("" when nobody said)."""
        return self._words("description", self.descriptions, lang)

    def _words(self, what: str, own: Mapping[str, str], lang: str) -> str:
        if own:
            return own.get(lang) or own.get(locale.DEFAULT) or ""
        key = f"indicator.{self.id}.{what}"
        return locale.text(key, lang) if locale.has(key) else ""

    @property
    def measures(self) -> tuple[str, ...]:
        return self.metric.measures

    def formula(self, f: fx.Frame) -> fx.Out:
        return self.metric.evaluate(f)


S, U, H, L = Stage, Unit, Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
T = Table
_DEAL_SIZE = ("won", "won_amount", "won_with_amount", "won_amount_std", "won_amount_median")

# The built-in indicators, in display order. A test may declare another by replacing this tuple.
BUILTINS: tuple[Indicator, ...] = (
    Indicator(
        "rrroi", S.PROSPECTING,
        U.POINTS_PER_HOUR, H, Formula("rrroi", ("actions", "responses", "prospecting_hours")),
        requires=(T.ACTIVITIES, T.TIME_LOG), hints=False),
    Indicator(
        "lgr", S.PROSPECTING, U.LEADS_PER_HOUR, H,
        Formula("lgr", ("leads", "lead_generation_hours", "prospecting_hours")),
        requires=(T.LEADS, T.TIME_LOG)),
    Indicator(
        "lead_response_time", S.LEADS, U.HOURS, L,
        Formula("lead_response_time", ("leads", "leads_contacted", "response_hours")), requires=(T.LEADS,)),
    Indicator(
        "lead_conversion_rate", S.LEADS, U.PERCENT, H,
        Formula("lead_conversion_rate", ("leads", "leads_converted", "leads_undecided")), requires=(T.LEADS,)),
    Indicator(
        "win_rate", S.OPPORTUNITIES, U.PERCENT, H, Formula("win_rate", ("won", "lost")), requires=(T.OPPORTUNITIES,)),
    Indicator(
        "avg_deal_size", S.OPPORTUNITIES, U.MONEY, H,
        Formula("avg_deal_size", _DEAL_SIZE), requires=(T.OPPORTUNITIES,)),
    Indicator(
        "sales_cycle_days", S.OPPORTUNITIES, U.DAYS, L, Formula("sales_cycle_days", ("won", "cycle_days")), requires=(T.OPPORTUNITIES,)),
    Indicator(
        "pipeline_coverage", S.OPPORTUNITIES, U.RATIO, H,
        Formula("pipeline_coverage", ("open_value_end", "open_weighted_end", "open_count_end", "quota")),
        requires=(T.OPPORTUNITIES, T.QUOTAS), estimate=False, hints=False),
    Indicator(
        "sales_velocity", S.OPPORTUNITIES, U.MONEY_PER_DAY, H,
        Formula("sales_velocity", ("open_count_start", "won", "lost", "won_amount", "won_with_amount", "cycle_days")),
        requires=(T.OPPORTUNITIES,), estimate=False),
    Indicator(
        "revenue_growth", S.RESULTS, U.PERCENT, H, Formula("revenue_growth", ("won", "won_amount")), requires=(T.OPPORTUNITIES,),
        estimate=False),
    Indicator(
        "quota_attainment", S.RESULTS, U.PERCENT, H,
        Formula("quota_attainment", ("won", "won_amount", "quota")), requires=(T.OPPORTUNITIES, T.QUOTAS),
        estimate=False),
    Indicator(
        "activities_per_win", S.RESULTS, U.RATIO, L,
        Formula("activities_per_win", ("activities", "won")),
        requires=(T.ACTIVITIES, T.OPPORTUNITIES)),
    Indicator(
        "cac", S.CUSTOMERS, U.MONEY, L,
        Formula("cac", ("costs", "acquisition_labour_cost", "new_customers")),
        requires=(T.CUSTOMERS, T.COSTS), estimate=False),
    Indicator(
        "clv_cac_ratio", S.CUSTOMERS, U.RATIO, H,
        Formula("clv_cac_ratio", ("costs", "acquisition_labour_cost", "new_customers", "active_start", "churned", "won_amount")),
        requires=(T.CUSTOMERS, T.COSTS, T.OPPORTUNITIES), estimate=False, hints=False),
    Indicator(
        "churn_rate", S.CUSTOMERS, U.PERCENT, L, Formula("churn_rate", ("active_start", "churned")), requires=(T.CUSTOMERS,)),
)

"""The 15 indicators of KPIS.md, declared once: names, stage, unit, direction, measures, formula.

These are declarations only. A workspace's semantic model (:mod:`salesscope.semantic`) resolves
them, with the user's own, into what every surface reads; the resolved fields (facts, tables,
dimensions) are empty here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesscope.engine.metrics import Formula, Metric
from salesscope.schema import Table
from salesscope.vocab import Dimension, Direction, Stage, Unit

if TYPE_CHECKING:
    from salesscope.engine import formulas as fx


@dataclass(frozen=True)
class Indicator:
    id: str
    name_en: str
    name_fa: str
    stage: Stage
    unit: Unit
    direction: Direction
    metric: Metric
    description_en: str
    description_fa: str
    requires: tuple[Table, ...] = ()  # tables that must hold data; the measures' other inputs may be empty
    estimate: bool = True  # whether the value is a sample estimate with an interval
    hints: bool = True  # advice holds an action hint for it in every language (else the generic one)
    # resolved by the semantic model from the measures:
    facts: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    dimensions: frozenset[Dimension] = frozenset()

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
        "rrroi", "Return on prospecting time (RRROI)", "بازده زمان مشتری‌یابی (RRROI)", S.PROSPECTING,
        U.POINTS_PER_HOUR, H, Formula("rrroi", ("actions", "responses", "prospecting_hours")),
        "Change in response rate since the previous period per extra hour spent prospecting.",
        "تغییر نرخ پاسخ نسبت به دورهٔ قبل به ازای هر ساعت اضافهٔ صرف‌شده برای مشتری‌یابی.",
        requires=(T.ACTIVITIES, T.TIME_LOG), hints=False),
    Indicator(
        "lgr", "Lead generation rate (LGR)", "نرخ تولید سرنخ (LGR)", S.PROSPECTING, U.LEADS_PER_HOUR, H,
        Formula("lgr", ("leads", "lead_generation_hours", "prospecting_hours")),
        "Leads created per hour spent generating them.",
        "تعداد سرنخ‌های ایجادشده به ازای هر ساعت کار برای تولید سرنخ.",
        requires=(T.LEADS, T.TIME_LOG)),
    Indicator(
        "lead_response_time", "Speed to lead", "سرعت پاسخ به سرنخ", S.LEADS, U.HOURS, L,
        Formula("lead_response_time", ("leads", "leads_contacted", "response_hours")),
        "Median hours from a lead's creation to its first outreach touch.",
        "میانهٔ ساعت‌های بین ایجاد سرنخ تا نخستین تماس با آن.", requires=(T.LEADS,)),
    Indicator(
        "lead_conversion_rate", "Lead conversion rate", "نرخ تبدیل سرنخ", S.LEADS, U.PERCENT, H,
        Formula("lead_conversion_rate", ("leads", "leads_converted", "leads_undecided")),
        "Share of the leads created in the period that became an opportunity.",
        "درصد سرنخ‌های ایجادشده در دوره که به فرصت فروش تبدیل شدند.", requires=(T.LEADS,)),
    Indicator(
        "win_rate", "Win rate", "نرخ موفقیت", S.OPPORTUNITIES, U.PERCENT, H, Formula("win_rate", ("won", "lost")),
        "Won deals as a share of deals closed in the period.",
        "سهم معاملات موفق از معاملات بسته‌شده در دوره.", requires=(T.OPPORTUNITIES,)),
    Indicator(
        "avg_deal_size", "Average deal size", "میانگین اندازهٔ معامله", S.OPPORTUNITIES, U.MONEY, H,
        Formula("avg_deal_size", _DEAL_SIZE), "Mean amount of the deals won in the period (median alongside).",
        "میانگین مبلغ معاملات موفق دوره (میانه در کنار آن).", requires=(T.OPPORTUNITIES,)),
    Indicator(
        "sales_cycle_days", "Sales cycle", "چرخهٔ فروش", S.OPPORTUNITIES, U.DAYS, L, Formula("sales_cycle_days", ("won", "cycle_days")),
        "Median days from opportunity creation to close, over deals won in the period.",
        "میانهٔ روزهای بین ایجاد فرصت تا بستن آن، برای معاملات موفق دوره.", requires=(T.OPPORTUNITIES,)),
    Indicator(
        "pipeline_coverage", "Pipeline coverage", "پوشش قیف فروش", S.OPPORTUNITIES, U.RATIO, H,
        Formula("pipeline_coverage", ("open_value_end", "open_weighted_end", "open_count_end", "quota")),
        "Open pipeline value at the end of the period divided by the next period's quota.",
        "ارزش فرصت‌های باز در پایان دوره تقسیم بر سهمیهٔ دورهٔ بعد.",
        requires=(T.OPPORTUNITIES, T.QUOTAS), estimate=False, hints=False),
    Indicator(
        "sales_velocity", "Sales velocity", "سرعت فروش", S.OPPORTUNITIES, U.MONEY_PER_DAY, H,
        Formula("sales_velocity", ("open_count_start", "won", "lost", "won_amount", "won_with_amount", "cycle_days")),
        "Open opportunities x win rate x average deal size / sales cycle: expected revenue per day.",
        "فرصت‌های باز × نرخ موفقیت × میانگین معامله ÷ چرخهٔ فروش: درآمد مورد انتظار در روز.",
        requires=(T.OPPORTUNITIES,), estimate=False),
    Indicator(
        "revenue_growth", "Revenue growth", "رشد درآمد", S.RESULTS, U.PERCENT, H, Formula("revenue_growth", ("won", "won_amount")),
        "Change in won revenue against the previous period, in percent.",
        "درصد تغییر درآمد حاصل از معاملات موفق نسبت به دورهٔ قبل.", requires=(T.OPPORTUNITIES,),
        estimate=False),
    Indicator(
        "quota_attainment", "Quota attainment", "تحقق سهمیه", S.RESULTS, U.PERCENT, H,
        Formula("quota_attainment", ("won", "won_amount", "quota")), "Won revenue as a percent of the period's quota.",
        "درآمد معاملات موفق به صورت درصدی از سهمیهٔ دوره.", requires=(T.OPPORTUNITIES, T.QUOTAS),
        estimate=False),
    Indicator(
        "activities_per_win", "Activities per win", "فعالیت به ازای هر موفقیت", S.RESULTS, U.RATIO, L,
        Formula("activities_per_win", ("activities", "won")), "Outreach and sales activities per deal won.",
        "تعداد فعالیت‌های بازاریابی و فروش به ازای هر معاملهٔ موفق.",
        requires=(T.ACTIVITIES, T.OPPORTUNITIES)),
    Indicator(
        "cac", "Customer acquisition cost (CAC)", "هزینهٔ جذب مشتری (CAC)", S.CUSTOMERS, U.MONEY, L,
        Formula("cac", ("costs", "acquisition_labour_cost", "new_customers")),
        "Sales and marketing costs plus prospecting hours at each rep's hourly cost, per new customer.",
        "هزینه‌های فروش و بازاریابی به‌علاوهٔ ساعت‌های مشتری‌یابی به نرخ هر فروشنده، به ازای هر مشتری جدید.",
        requires=(T.CUSTOMERS, T.COSTS), estimate=False),
    Indicator(
        "clv_cac_ratio", "CLV to CAC", "نسبت ارزش طول عمر مشتری به هزینهٔ جذب", S.CUSTOMERS, U.RATIO, H,
        Formula("clv_cac_ratio", ("costs", "acquisition_labour_cost", "new_customers", "active_start", "churned", "won_amount")),
        "Customer lifetime value (revenue per customer x margin / churn) over CAC.",
        "ارزش طول عمر مشتری (درآمد هر مشتری × حاشیهٔ سود ÷ نرخ ریزش) تقسیم بر هزینهٔ جذب.",
        requires=(T.CUSTOMERS, T.COSTS, T.OPPORTUNITIES), estimate=False, hints=False),
    Indicator(
        "churn_rate", "Churn rate", "نرخ ریزش مشتری", S.CUSTOMERS, U.PERCENT, L, Formula("churn_rate", ("active_start", "churned")),
        "Customers lost in the period over customers active at its start.",
        "مشتریان از‌دست‌رفته در دوره تقسیم بر مشتریان فعال در آغاز آن.", requires=(T.CUSTOMERS,)),
)

"""The 15 indicators of KPIS.md, declared once: names, stage, unit, direction, measures, formula."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from salesscope.engine import formulas as fx
from salesscope.engine.facts import FACTS
from salesscope.engine.measures import MEASURES
from salesscope.schema import Table
from salesscope.vocab import Dimension, Direction, Stage, Unit


@dataclass(frozen=True)
class Indicator:
    id: str
    name_en: str
    name_fa: str
    stage: Stage
    unit: Unit
    direction: Direction
    measures: tuple[str, ...]
    formula: Callable[[fx.Frame], fx.Out]
    description_en: str
    description_fa: str
    requires: tuple[Table, ...] = ()  # tables that must hold data; the measures' other inputs may be empty
    estimate: bool = True  # whether the value is a sample estimate with an interval

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(MEASURES[m].fact for m in self.measures))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(dict.fromkeys(t for f in self.facts for t in FACTS[f].tables))

    @property
    def dimensions(self) -> frozenset[Dimension]:
        dims = frozenset(Dimension)
        for f in self.facts:
            dims &= FACTS[f].dims
        return dims


S, U, H, L = Stage, Unit, Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
T = Table
_DEAL_SIZE = ("won", "won_amount", "won_with_amount", "won_amount_std", "won_amount_median")

CATALOG: dict[str, Indicator] = {i.id: i for i in (
    Indicator(
        "rrroi", "Return on prospecting time (RRROI)", "بازده زمان مشتری‌یابی (RRROI)", S.PROSPECTING,
        U.POINTS_PER_HOUR, H, ("actions", "responses", "prospecting_hours"), fx.rrroi,
        "Change in response rate since the previous period per extra hour spent prospecting.",
        "تغییر نرخ پاسخ نسبت به دورهٔ قبل به ازای هر ساعت اضافهٔ صرف‌شده برای مشتری‌یابی.",
        requires=(T.ACTIVITIES, T.TIME_LOG)),
    Indicator(
        "lgr", "Lead generation rate (LGR)", "نرخ تولید سرنخ (LGR)", S.PROSPECTING, U.LEADS_PER_HOUR, H,
        ("leads", "lead_generation_hours", "prospecting_hours"), fx.lgr,
        "Leads created per hour spent generating them.",
        "تعداد سرنخ‌های ایجادشده به ازای هر ساعت کار برای تولید سرنخ.",
        requires=(T.LEADS, T.TIME_LOG)),
    Indicator(
        "lead_response_time", "Speed to lead", "سرعت پاسخ به سرنخ", S.LEADS, U.HOURS, L,
        ("leads", "leads_contacted", "response_hours"), fx.lead_response_time,
        "Median hours from a lead's creation to its first outreach touch.",
        "میانهٔ ساعت‌های بین ایجاد سرنخ تا نخستین تماس با آن.", requires=(T.LEADS,)),
    Indicator(
        "lead_conversion_rate", "Lead conversion rate", "نرخ تبدیل سرنخ", S.LEADS, U.PERCENT, H,
        ("leads", "leads_converted", "leads_undecided"), fx.lead_conversion_rate,
        "Share of the leads created in the period that became an opportunity.",
        "درصد سرنخ‌های ایجادشده در دوره که به فرصت فروش تبدیل شدند.", requires=(T.LEADS,)),
    Indicator(
        "win_rate", "Win rate", "نرخ موفقیت", S.OPPORTUNITIES, U.PERCENT, H, ("won", "lost"), fx.win_rate,
        "Won deals as a share of deals closed in the period.",
        "سهم معاملات موفق از معاملات بسته‌شده در دوره.", requires=(T.OPPORTUNITIES,)),
    Indicator(
        "avg_deal_size", "Average deal size", "میانگین اندازهٔ معامله", S.OPPORTUNITIES, U.MONEY, H,
        _DEAL_SIZE, fx.avg_deal_size, "Mean amount of the deals won in the period (median alongside).",
        "میانگین مبلغ معاملات موفق دوره (میانه در کنار آن).", requires=(T.OPPORTUNITIES,)),
    Indicator(
        "sales_cycle_days", "Sales cycle", "چرخهٔ فروش", S.OPPORTUNITIES, U.DAYS, L, ("won", "cycle_days"),
        fx.sales_cycle_days, "Median days from opportunity creation to close, over deals won in the period.",
        "میانهٔ روزهای بین ایجاد فرصت تا بستن آن، برای معاملات موفق دوره.", requires=(T.OPPORTUNITIES,)),
    Indicator(
        "pipeline_coverage", "Pipeline coverage", "پوشش قیف فروش", S.OPPORTUNITIES, U.RATIO, H,
        ("open_value_end", "open_weighted_end", "open_count_end", "quota"), fx.pipeline_coverage,
        "Open pipeline value at the end of the period divided by the next period's quota.",
        "ارزش فرصت‌های باز در پایان دوره تقسیم بر سهمیهٔ دورهٔ بعد.",
        requires=(T.OPPORTUNITIES, T.QUOTAS), estimate=False),
    Indicator(
        "sales_velocity", "Sales velocity", "سرعت فروش", S.OPPORTUNITIES, U.MONEY_PER_DAY, H,
        ("open_count_start", "won", "lost", "won_amount", "won_with_amount", "cycle_days"), fx.sales_velocity,
        "Open opportunities x win rate x average deal size / sales cycle: expected revenue per day.",
        "فرصت‌های باز × نرخ موفقیت × میانگین معامله ÷ چرخهٔ فروش: درآمد مورد انتظار در روز.",
        requires=(T.OPPORTUNITIES,), estimate=False),
    Indicator(
        "revenue_growth", "Revenue growth", "رشد درآمد", S.RESULTS, U.PERCENT, H, ("won", "won_amount"),
        fx.revenue_growth, "Change in won revenue against the previous period, in percent.",
        "درصد تغییر درآمد حاصل از معاملات موفق نسبت به دورهٔ قبل.", requires=(T.OPPORTUNITIES,),
        estimate=False),
    Indicator(
        "quota_attainment", "Quota attainment", "تحقق سهمیه", S.RESULTS, U.PERCENT, H,
        ("won", "won_amount", "quota"), fx.quota_attainment, "Won revenue as a percent of the period's quota.",
        "درآمد معاملات موفق به صورت درصدی از سهمیهٔ دوره.", requires=(T.OPPORTUNITIES, T.QUOTAS),
        estimate=False),
    Indicator(
        "activities_per_win", "Activities per win", "فعالیت به ازای هر موفقیت", S.RESULTS, U.RATIO, L,
        ("activities", "won"), fx.activities_per_win, "Outreach and sales activities per deal won.",
        "تعداد فعالیت‌های بازاریابی و فروش به ازای هر معاملهٔ موفق.",
        requires=(T.ACTIVITIES, T.OPPORTUNITIES)),
    Indicator(
        "cac", "Customer acquisition cost (CAC)", "هزینهٔ جذب مشتری (CAC)", S.CUSTOMERS, U.MONEY, L,
        ("costs", "acquisition_labour_cost", "new_customers"), fx.cac,
        "Sales and marketing costs plus prospecting hours at each rep's hourly cost, per new customer.",
        "هزینه‌های فروش و بازاریابی به‌علاوهٔ ساعت‌های مشتری‌یابی به نرخ هر فروشنده، به ازای هر مشتری جدید.",
        requires=(T.CUSTOMERS, T.COSTS), estimate=False),
    Indicator(
        "clv_cac_ratio", "CLV to CAC", "نسبت ارزش طول عمر مشتری به هزینهٔ جذب", S.CUSTOMERS, U.RATIO, H,
        ("costs", "acquisition_labour_cost", "new_customers", "active_start", "churned", "won_amount"),
        fx.clv_cac_ratio, "Customer lifetime value (revenue per customer x margin / churn) over CAC.",
        "ارزش طول عمر مشتری (درآمد هر مشتری × حاشیهٔ سود ÷ نرخ ریزش) تقسیم بر هزینهٔ جذب.",
        requires=(T.CUSTOMERS, T.COSTS, T.OPPORTUNITIES), estimate=False),
    Indicator(
        "churn_rate", "Churn rate", "نرخ ریزش مشتری", S.CUSTOMERS, U.PERCENT, L, ("active_start", "churned"),
        fx.churn_rate, "Customers lost in the period over customers active at its start.",
        "مشتریان از‌دست‌رفته در دوره تقسیم بر مشتریان فعال در آغاز آن.", requires=(T.CUSTOMERS,)),
)}

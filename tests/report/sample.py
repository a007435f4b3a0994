"""A small hand-made report (tidy frames with the engine's exact columns) for renderer tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from salesscope.report.builder import IndicatorInfo, ReportData

INDICATORS = [
    IndicatorInfo("rrroi", {"en": "Return on prospecting investment", "fa": "بازده سرمایه‌گذاری جست‌وجو"}, "prospecting", "points_per_hour", "higher_is_better", ("channel", "rep", "team")),
    IndicatorInfo("lgr", {"en": "Lead generation rate", "fa": "نرخ تولید سرنخ"}, "prospecting", "leads_per_hour", "higher_is_better", ("channel", "rep", "team")),
    IndicatorInfo("lead_response_time", {"en": "Speed to lead", "fa": "سرعت پاسخ به سرنخ"}, "leads", "hours", "lower_is_better", ("channel", "rep", "team")),
    IndicatorInfo("lead_conversion_rate", {"en": "Lead conversion rate", "fa": "نرخ تبدیل سرنخ"}, "leads", "percent", "higher_is_better", ("channel", "rep", "team")),
    IndicatorInfo("win_rate", {"en": "Win rate", "fa": "نرخ برد"}, "opportunities", "percent", "higher_is_better", ("channel", "rep", "team")),
    IndicatorInfo("avg_deal_size", {"en": "Average deal size", "fa": "میانگین اندازه معامله"}, "opportunities", "money", "higher_is_better", ("channel", "rep", "team")),
    IndicatorInfo("sales_cycle_days", {"en": "Sales cycle length", "fa": "طول چرخه فروش"}, "opportunities", "days", "lower_is_better", ("channel", "rep", "team")),
    IndicatorInfo("pipeline_coverage", {"en": "Pipeline coverage", "fa": "پوشش قیف فروش"}, "opportunities", "ratio", "higher_is_better", ("rep", "team")),
    IndicatorInfo("sales_velocity", {"en": "Sales velocity", "fa": "سرعت فروش"}, "opportunities", "money_per_day", "higher_is_better", ("rep", "team")),
    IndicatorInfo("revenue_growth", {"en": "Revenue growth", "fa": "رشد درآمد"}, "results", "percent", "higher_is_better", ("channel", "rep", "team")),
    IndicatorInfo("quota_attainment", {"en": "Quota attainment", "fa": "تحقق سهمیه"}, "results", "percent", "higher_is_better", ("rep", "team")),
    IndicatorInfo("activities_per_win", {"en": "Activities per win", "fa": "فعالیت به ازای هر برد"}, "results", "ratio", "lower_is_better", ("channel", "rep", "team")),
    IndicatorInfo("cac", {"en": "Customer acquisition cost", "fa": "هزینه جذب مشتری"}, "customers", "money", "lower_is_better", ("channel",)),
    IndicatorInfo("clv_cac_ratio", {"en": "CLV to CAC ratio", "fa": "نسبت ارزش طول عمر به هزینه جذب"}, "customers", "ratio", "higher_is_better", ()),
    IndicatorInfo("churn_rate", {"en": "Churn rate", "fa": "نرخ ریزش مشتری"}, "customers", "percent", "lower_is_better", ("rep",)),
]
COLUMNS = ["kpi", "period", "period_start", "period_end", "value", "unit", "numerator", "denominator",
           "n", "ci_low", "ci_high", "previous_value", "change", "reason", "target", "status"]
PERIODS = [(f"2026-{m:02d}", dt.date(2026, m, 1), (pd.Timestamp(2026, m, 1) + pd.offsets.MonthEnd()).date())
           for m in range(1, 7)]


def _rows(dims: dict[str, str] | None = None, seed: int = 1, periods=PERIODS) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for info in INDICATORS:
        prev = None
        for label, start, end in periods:
            v = float(rng.uniform(5, 60))
            reason = None
            if info.id == "rrroi" and label == "2026-04":
                v, reason = np.nan, "no_change_in_hours"
            if info.id == "churn_rate":
                v, reason = np.nan, "missing_input:customers"
            n = int(rng.integers(10, 400))
            row = dict(kpi=info.id, period=label, period_start=start, period_end=end, value=v, unit=info.unit,
                       numerator=v * n / 100, denominator=n, n=n, ci_low=v * 0.9 if info.unit == "percent" else np.nan,
                       ci_high=v * 1.1 if info.unit == "percent" else np.nan, previous_value=prev,
                       change=(v - prev) if prev is not None and not np.isnan(v) and not np.isnan(prev) else np.nan,
                       reason=reason if prev is not None else (reason or "no_previous_period"),
                       target=30.0 if info.id == "win_rate" else np.nan,
                       status=("met" if v >= 30 else "missed") if info.id == "win_rate" else None)
            row.update(dims or {})
            out.append(row)
            prev = v
    return out


def sample_report(lang: str = "en", scope: dict | None = None) -> ReportData:
    kpis = pd.DataFrame(_rows(), columns=COLUMNS)
    last = PERIODS[-1:]
    breakdowns = {}
    for dim, values in {"channel": ["email", "phone", "=cmd|' /C calc'!A0"], "team": ["North", "South"],
                        "rep": ["R01", "R02", "R03"]}.items():
        frames = [pd.DataFrame(_rows({dim: v}, seed=i + 5, periods=last)) for i, v in enumerate(values)]
        f = pd.concat(frames, ignore_index=True)
        keep = {i.id for i in INDICATORS if dim in i.dimensions}
        breakdowns[dim] = f[f["kpi"].isin(keep)][COLUMNS[:4] + [dim] + COLUMNS[4:]].reset_index(drop=True)
    funnel = pd.DataFrame({"period": "2026-06", "period_start": PERIODS[-1][1], "period_end": PERIODS[-1][2],
                           "stage": ["lead", "contacted", "qualified", "opportunity", "won"],
                           "count": [1200, 950, 400, 180, 60],
                           "conversion": [np.nan, 79.2, 42.1, 45.0, 33.3],
                           "drop_off": [np.nan, 20.8, 57.9, 55.0, 66.7]})
    findings = [
        {"kind": "advice", "kpi": "rrroi", "period": "2026-06", "dimensions": {"channel": "email"},
         "evidence": {"value": 0.2, "n": 1200, "extra_hours": 10.0},
         "advice_en": "More prospecting time on email pays: +0.2 points of response rate per extra hour.",
         "advice_fa": "زمان بیشتر برای جست‌وجو در ایمیل می‌ارزد: ۰٫۲ واحد درصد به ازای هر ساعت اضافه.",
         "confidence": "high"},
        {"kind": "warning", "kpi": "win_rate", "period": "2026-06", "dimensions": {"rep": "R03"},
         "evidence": {"n": 4, "value": 75.0},
         "advice_en": "Too thin: R03's win rate rests on 4 deals; look at the quarter instead.",
         "advice_fa": "نمونه کم است: نرخ برد R03 بر ۴ معامله استوار است؛ به فصل نگاه کنید.",
         "confidence": "low"},
    ]
    imports = pd.DataFrame({"import_id": ["i1"], "started_at": [pd.Timestamp("2026-07-01 09:30")],
                            "files": ["leads.csv, deals.xlsx"], "summary": ["read 1,020 = loaded 1,000 + rejected 20"]})
    quarantine = pd.DataFrame({"table": ["leads", "opportunities"], "reason": ["not a valid date", "unknown status"],
                               "rows": [15, 5]})
    return ReportData(workspace="Demo Co", currency="IRR", lang=lang, calendar="gregorian", grain="month",
                      period="2026-06", period_start=PERIODS[-1][1], period_end=PERIODS[-1][2],
                      indicators=INDICATORS, kpis=kpis, breakdowns=breakdowns, funnel=funnel,
                      findings=findings, imports=imports, quarantine=quarantine, scope=scope or {},
                      generated_at=dt.datetime(2026, 7, 2, 8, 0))

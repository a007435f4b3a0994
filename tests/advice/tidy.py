"""Hand-made tidy frames with the engine's exact columns, for unit tests of the rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from salesscope.advice.frames import Context, KpiMeta

COLUMNS = ["kpi", "period", "period_start", "period_end", "value", "unit", "numerator", "denominator", "n",
           "ci_low", "ci_high", "previous_value", "change", "reason", "target", "status"]
META = {
    "rrroi": KpiMeta("rrroi", {"en": "RRROI", "fa": "بازده زمان مشتری‌یابی"}, "points_per_hour"),
    "win_rate": KpiMeta("win_rate", {"en": "Win rate", "fa": "نرخ موفقیت"}, "percent"),
    "churn_rate": KpiMeta("churn_rate", {"en": "Churn rate", "fa": "نرخ ریزش"}, "percent", "lower_is_better"),
    "quota_attainment": KpiMeta("quota_attainment", {"en": "Quota attainment", "fa": "تحقق سهمیه"}, "percent"),
}


def month(i: int, year: int = 2024) -> tuple[str, dt.date, dt.date]:
    y, m = year + i // 12, i % 12 + 1
    start = dt.date(y, m, 1)
    end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    return f"{y}-{m:02d}", start, end


def row(kpi: str, i: int, value: float, unit: str = "percent", **kw) -> dict:
    label, start, end = month(i)
    out = {c: np.nan for c in COLUMNS}
    out.update(kpi=kpi, period=label, period_start=start, period_end=end, value=value, unit=unit, reason=None,
               status=None)
    out.update(kw)
    return out


def frame(rows: list[dict], **dims: str) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in COLUMNS:
        if c not in df:
            df[c] = np.nan
    return df


def context(totals: pd.DataFrame, period: str, **kw) -> Context:
    return Context(totals=totals, period=period, meta=META, today=kw.pop("today", dt.date(2030, 1, 1)), **kw)

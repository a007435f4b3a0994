"""Why a value is undefined (or how it was computed), in words, for every reason the engine gives."""

from __future__ import annotations

import math

# code -> texts; ``{arg}`` is what follows the colon (``missing_input:quotas``).
REASONS: dict[str, dict[str, str]] = {
    "no_actions": {"en": "no outreach actions in this or the previous period",
                   "fa": "در این دوره یا دورهٔ قبل اقدامی برای تماس ثبت نشده"},
    "no_previous_period": {"en": "no data for the previous period", "fa": "برای دورهٔ قبل داده‌ای نیست"},
    "no_prospecting_hours": {"en": "no prospecting hours logged", "fa": "ساعت مشتری‌یابی ثبت نشده"},
    "no_change_in_hours": {"en": "prospecting hours did not change", "fa": "ساعت‌های مشتری‌یابی تغییری نکرده"},
    "no_lead_generation_hours": {"en": "no lead-generation hours logged", "fa": "ساعت تولید سرنخ ثبت نشده"},
    "hours_from_prospecting": {"en": "hours taken from the prospecting total (no lead-generation hours logged)",
                               "fa": "ساعت‌ها از کل ساعت‌های مشتری‌یابی گرفته شده (ساعت تولید سرنخ ثبت نشده)"},
    "no_leads": {"en": "no leads created", "fa": "سرنخی ایجاد نشده"},
    "no_contacted_leads": {"en": "no lead was contacted", "fa": "با هیچ سرنخی تماس گرفته نشده"},
    "no_closed_deals": {"en": "no deal closed", "fa": "هیچ معامله‌ای بسته نشده"},
    "no_won_deals": {"en": "no deal won", "fa": "هیچ معامله‌ای موفق نبوده"},
    "no_cycle_length": {"en": "no sales cycle length", "fa": "طول چرخهٔ فروش معلوم نیست"},
    "no_quota": {"en": "no quota for this period", "fa": "برای این دوره سهمیه‌ای تعیین نشده"},
    "no_quota_next_period": {"en": "no quota for the next period", "fa": "برای دورهٔ بعد سهمیه‌ای تعیین نشده"},
    "no_previous_revenue": {"en": "no revenue in the previous period", "fa": "در دورهٔ قبل درآمدی نبوده"},
    "no_new_customers": {"en": "no new customers", "fa": "مشتری جدیدی جذب نشده"},
    "no_active_customers": {"en": "no active customers at the start", "fa": "در آغاز دوره مشتری فعالی نبوده"},
    "no_churn": {"en": "no customer churned, so lifetime value is unbounded",
                 "fa": "هیچ مشتری‌ای ریزش نکرده، پس ارزش طول عمر نامحدود است"},
    "missing_input": {"en": "the {arg} table is empty", "fa": "جدول {arg} خالی است"},
    "no_dimension": {"en": "its inputs cannot be broken down by {arg}",
                     "fa": "داده‌های آن را نمی‌توان بر اساس {arg} تفکیک کرد"},
    "outside_scope": {"en": "needs data outside what you may see", "fa": "به داده‌هایی بیرون از دسترسی شما نیاز دارد"},
    "zero_denominator": {"en": "the denominator is zero", "fa": "مخرج صفر است"},
    "no_data": {"en": "no data", "fa": "داده‌ای نیست"},
}


def reason_text(reason: object, lang: str = "en") -> str:
    """A machine reason (``missing_input:quotas``) in words.

    >>> reason_text("missing_input:quotas", "en")
    'the quotas table is empty'
    """
    if reason is None or (isinstance(reason, float) and math.isnan(reason)) or str(reason) == "":
        return ""
    code, _, arg = str(reason).partition(":")
    entry = REASONS.get(code)
    if entry is None:
        return str(reason).replace("_", " ")
    return (entry.get(lang) or entry["en"]).format(arg=arg)

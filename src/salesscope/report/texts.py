"""Every word a report prints, in English and Persian, and the formatting of values by unit."""

from __future__ import annotations

from salesscope.engine.reasons import reason_text as engine_reason_text
from salesscope.formatting import change_text, value_text
from salesscope.i18n import Lang, to_persian_digits

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Sales report", "fa": "گزارش فروش"},
    "period": {"en": "Period", "fa": "دوره"},
    "grain": {"en": "Grain", "fa": "دانه‌بندی"},
    "calendar": {"en": "Calendar", "fa": "تقویم"},
    "generated": {"en": "Generated", "fa": "تهیه‌شده در"},
    "scope": {"en": "Showing only", "fa": "فقط برای"},
    "contents": {"en": "Contents", "fa": "فهرست"},
    "summary": {"en": "Summary", "fa": "خلاصه"},
    "funnel": {"en": "Funnel", "fa": "قیف فروش"},
    "advice": {"en": "What to do, ranked", "fa": "چه باید کرد، به ترتیب اهمیت"},
    "warnings": {"en": "Microscope warnings", "fa": "هشدارهای ذره‌بین"},
    "data_quality": {"en": "Data quality", "fa": "کیفیت داده‌ها"},
    "imports": {"en": "Imports", "fa": "ورود داده‌ها"},
    "quarantine": {"en": "Quarantined rows by reason", "fa": "ردیف‌های قرنطینه‌شده بر اساس دلیل"},
    "no_imports": {"en": "No import has been recorded.", "fa": "هیچ ورود داده‌ای ثبت نشده است."},
    "no_quarantine": {"en": "No row was quarantined.", "fa": "هیچ ردیفی قرنطینه نشده است."},
    "no_findings": {"en": "No finding for this period.", "fa": "برای این دوره یافته‌ای نیست."},
    "no_warnings": {"en": "No warning for this period.", "fa": "برای این دوره هشداری نیست."},
    "breakdown_by": {"en": "By {dim}", "fa": "بر اساس {dim}"},
    "no_breakdown": {"en": "No indicator of this stage can be broken down by {dim}.",
                     "fa": "هیچ شاخصی از این مرحله را نمی‌توان بر اساس {dim} تفکیک کرد."},
    "value": {"en": "Value", "fa": "مقدار"},
    "change": {"en": "Change", "fa": "تغییر"},
    "target": {"en": "Target", "fa": "هدف"},
    "n": {"en": "n", "fa": "n"},
    "sample": {"en": "n = {n}", "fa": "n = {n}"},
    "undefined": {"en": "undefined: {reason}", "fa": "تعریف‌نشده: {reason}"},
    "met": {"en": "target met", "fa": "هدف محقق شد"},
    "missed": {"en": "target missed", "fa": "هدف محقق نشد"},
    "no_target": {"en": "no target", "fa": "بدون هدف"},
    "vs_previous": {"en": "vs previous period", "fa": "نسبت به دوره قبل"},
    "ci": {"en": "95% interval", "fa": "بازه ۹۵٪"},
    "stage": {"en": "Stage", "fa": "مرحله"},
    "count": {"en": "Count", "fa": "تعداد"},
    "conversion": {"en": "Conversion", "fa": "تبدیل"},
    "drop_off": {"en": "Drop-off", "fa": "ریزش"},
    "kind": {"en": "Kind", "fa": "نوع"},
    "indicator": {"en": "Indicator", "fa": "شاخص"},
    "confidence": {"en": "Confidence", "fa": "اطمینان"},
    "evidence": {"en": "Evidence", "fa": "شواهد"},
    "dimensions": {"en": "Where", "fa": "کجا"},
    "started": {"en": "Started", "fa": "شروع"},
    "files": {"en": "Files", "fa": "فایل‌ها"},
    "summary_col": {"en": "Result", "fa": "نتیجه"},
    "table": {"en": "Table", "fa": "جدول"},
    "reason": {"en": "Reason", "fa": "دلیل"},
    "rows": {"en": "Rows", "fa": "ردیف‌ها"},
    "no_funnel": {"en": "The funnel is not available for this data.",
                  "fa": "قیف فروش برای این داده‌ها در دسترس نیست."},
    "digest_subject": {"en": "SalesScope {schedule} digest: {period}",
                       "fa": "خلاصه {schedule} SalesScope: {period}"},
    "digest_body": {"en": "Your {schedule} sales digest for {period}.{scope}",
                    "fa": "خلاصه {schedule} فروش شما برای {period}.{scope}"},
    "digest_attached": {"en": "The full report is attached ({name}).", "fa": "گزارش کامل پیوست است ({name})."},
    "digest_link": {"en": "The dashboard: {url}", "fa": "داشبورد: {url}"},
    "digest_too_big": {"en": "The full report ({size}) is too large to attach; open the dashboard or run "
                             "'salesscope report'.",
                       "fa": "گزارش کامل ({size}) برای پیوست بزرگ است؛ داشبورد را باز کنید یا "
                             "'salesscope report' را اجرا کنید."},
    "weekly": {"en": "weekly", "fa": "هفتگی"},
    "monthly": {"en": "monthly", "fa": "ماهانه"},
    "advice_sheet": {"en": "Advice", "fa": "توصیه‌ها"},
}

STAGES: dict[str, dict[str, str]] = {
    "prospecting": {"en": "Prospecting", "fa": "جست‌وجوی مشتری"},
    "leads": {"en": "Leads", "fa": "سرنخ‌ها"},
    "opportunities": {"en": "Opportunities", "fa": "فرصت‌های فروش"},
    "results": {"en": "Results", "fa": "نتایج"},
    "customers": {"en": "Customers", "fa": "مشتریان"},
}

DIMENSIONS: dict[str, dict[str, str]] = {
    "team": {"en": "team", "fa": "تیم"},
    "rep": {"en": "rep", "fa": "فروشنده"},
    "channel": {"en": "channel", "fa": "کانال"},
    "campaign": {"en": "campaign", "fa": "کمپین"},
    "product": {"en": "product", "fa": "محصول"},
    "segment": {"en": "segment", "fa": "بخش بازار"},
}

GRAINS: dict[str, dict[str, str]] = {
    "day": {"en": "day", "fa": "روز"}, "week": {"en": "week", "fa": "هفته"},
    "month": {"en": "month", "fa": "ماه"}, "quarter": {"en": "quarter", "fa": "فصل"},
    "year": {"en": "year", "fa": "سال"},
}

CALENDARS: dict[str, dict[str, str]] = {
    "gregorian": {"en": "Gregorian", "fa": "میلادی"}, "jalali": {"en": "Jalali", "fa": "شمسی"},
}

KINDS: dict[str, dict[str, str]] = {
    "data": {"en": "data", "fa": "داده"}, "advice": {"en": "advice", "fa": "توصیه"}, "warning": {"en": "warning", "fa": "هشدار"},
    "anomaly": {"en": "anomaly", "fa": "ناهنجاری"}, "target": {"en": "target", "fa": "هدف"},
}

CONFIDENCE: dict[str, dict[str, str]] = {
    "high": {"en": "high", "fa": "زیاد"}, "medium": {"en": "medium", "fa": "متوسط"},
    "low": {"en": "low", "fa": "کم"},
}


def t(key: str, lang: Lang, **kw: object) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled."""
    entry = TEXTS[key]
    return (entry.get(lang) or entry["en"]).format(**kw)


def label(table: dict[str, dict[str, str]], key: object, lang: Lang) -> str:
    """A vocabulary word in ``lang``; an unknown key is shown as it is."""
    entry = table.get(str(key))
    return (entry.get(lang) or entry["en"]) if entry else str(key)


def reason_text(reason: object, lang: Lang) -> str:
    """A machine reason (``missing_input:quotas``) as words in ``lang``."""
    return engine_reason_text(reason, lang) or engine_reason_text("no_data", lang)


def digits(text: object, lang: Lang) -> str:
    """``text`` with Persian digits in ``fa``."""
    return to_persian_digits(str(text)) if lang == "fa" else str(text)


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA
    except (TypeError, ValueError):
        return False


def format_value(value: object, unit: str, lang: Lang, currency: str = "",
                 signed: bool = False) -> str:
    """A value (or, ``signed``, a change) with its unit, as every surface shows it."""
    if is_missing(value):
        return "—"
    return (change_text if signed else value_text)(value, unit, lang, currency)

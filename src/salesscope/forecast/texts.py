"""Everything the forecast and the plan say to a user, in English and Persian."""

from __future__ import annotations

from salesscope.i18n import Lang, format_number, to_persian_digits

T: dict[str, dict[str, str]] = {
    # forecast table headers
    "period": {"en": "Period", "fa": "دوره"},
    "expected": {"en": "Expected", "fa": "پیش‌بینی"},
    "interval_80": {"en": "80% interval", "fa": "بازه ۸۰٪"},
    "interval_95": {"en": "95% interval", "fa": "بازه ۹۵٪"},
    "won_to_date": {"en": "Won so far", "fa": "برد تا امروز"},
    "from_pipeline": {"en": "From open pipeline", "fa": "از قیف باز"},
    "from_run_rate": {"en": "From new business", "fa": "از فروش‌های جدید"},
    "open_deals": {"en": "Open deals", "fa": "فرصت‌های باز"},
    "forecast_title": {"en": "Revenue forecast (as of {as_of})", "fa": "پیش‌بینی درآمد (تا {as_of})"},
    "track_title": {"en": "Track record", "fa": "کارنامه پیش‌بینی"},
    "track_line": {
        "en": "Backtested from {n_origins} past period starts ({n} forecasts): MAPE {mape}%, WAPE {wape}%, "
              "bias {bias}%; the 80% interval held the actual {c80}% of the time, the 95% interval {c95}%.",
        "fa": "آزمون روی {n_origins} آغاز دوره گذشته ({n} پیش‌بینی): MAPE {mape}٪، WAPE {wape}٪، سوگیری "
              "{bias}٪؛ بازه ۸۰٪ در {c80}٪ موارد و بازه ۹۵٪ در {c95}٪ موارد مقدار واقعی را در بر گرفت.",
    },
    "track_none": {"en": "Not enough history to backtest the forecast.",
                   "fa": "سابقه کافی برای آزمودن پیش‌بینی وجود ندارد."},
    "method_history": {
        "en": "Win chances and close timing are learned from {n_closed} closed deals (by {stratum} and age).",
        "fa": "شانس برد و زمان بسته‌شدن از {n_closed} فرصت بسته‌شده (بر پایه {stratum} و سن فرصت) برآورد شده است.",
    },
    "method_stated_probability": {
        "en": "Too few closed deals to learn from: each open deal counts at its stated probability, "
              "closing in the first period; new business is not forecast.",
        "fa": "فرصت‌های بسته‌شده برای یادگیری کافی نیست: هر فرصت باز با احتمال ثبت‌شده‌اش و در دوره نخست "
              "حساب شده و فروش جدید پیش‌بینی نشده است.",
    },
    "note_unvalued": {
        "en": "{n} open deals have no amount and are left out of the pipeline: {ids}.",
        "fa": "{n} فرصت باز مبلغی ندارند و از قیف باز کنار گذاشته شده‌اند: {ids}.",
    },
    # plan
    "plan_title": {"en": "Plan to reach {target} in {period}", "fa": "برنامه رسیدن به {target} در {period}"},
    "item": {"en": "What it takes", "fa": "آنچه لازم است"},
    "needed": {"en": "Needed", "fa": "لازم"},
    "now": {"en": "Last period", "fa": "دوره گذشته"},
    "gap": {"en": "Revenue still to find", "fa": "درآمدی که باید ساخته شود"},
    "wins": {"en": "Deals to win", "fa": "فرصت‌هایی که باید برد"},
    "opportunities": {"en": "Opportunities", "fa": "فرصت‌های فروش"},
    "leads": {"en": "Leads", "fa": "سرنخ‌ها"},
    "outreach": {"en": "Outreach and sales activities", "fa": "فعالیت‌های مشتری‌یابی و فروش"},
    "hours": {"en": "Prospecting hours", "fa": "ساعت مشتری‌یابی"},
    "channel": {"en": "Channel", "fa": "کانال"},
    "channel_hours": {"en": "Hours by channel", "fa": "ساعت به تفکیک کانال"},
    "returns_holding": {"en": "returns holding", "fa": "بازده پایدار"},
    "returns_falling": {"en": "returns falling", "fa": "بازده نزولی"},
    "returns_unclear": {"en": "returns unclear", "fa": "بازده نامشخص"},
    "reachable": {"en": "Reachable at current rates.", "fa": "با نرخ‌های کنونی دست‌یافتنی است."},
    "out_of_reach": {"en": "Out of reach at current rates.", "fa": "با نرخ‌های کنونی دست‌نیافتنی است."},
    "why_hours": {
        "en": "It needs {hours} prospecting hours, more than the {capacity} hours the whole team logs in {days} days "
              "at the pace of {base}.",
        "fa": "به {hours} ساعت مشتری‌یابی نیاز دارد، بیش از {capacity} ساعتی که کل تیم با آهنگ {base} در {days} روز "
              "ثبت می‌کند.",
    },
    "why_leads": {
        "en": "It needs {leads} leads, more than twice the best period so far ({best} leads in {days} days at its pace).",
        "fa": "به {leads} سرنخ نیاز دارد، بیش از دو برابر بهترین دوره تاکنون ({best} سرنخ در {days} روز با آهنگ آن).",
    },
    "why_rate": {
        "en": "The {rate} of {base} is undefined ({reason}), so the funnel cannot be worked back.",
        "fa": "{rate} در {base} تعریف‌نشده است ({reason})، پس قیف را نمی‌توان به عقب محاسبه کرد.",
    },
    "a_rates": {
        "en": "Rates are those of {base}: win rate {win_rate}%, average deal {avg_deal_size}, lead conversion "
              "{lead_conversion_rate}%, {activities_per_win} activities per win.",
        "fa": "نرخ‌ها مربوط به {base} است: نرخ برد {win_rate}٪، میانگین فروش {avg_deal_size}، تبدیل سرنخ "
              "{lead_conversion_rate}٪، {activities_per_win} فعالیت برای هر برد.",
    },
    "a_gap": {
        "en": "Of the target, {won} is already won and {pipeline} is expected from the open pipeline; "
              "the plan covers the remaining {gap}.",
        "fa": "از هدف، {won} به دست آمده و {pipeline} از فرصت‌های باز انتظار می‌رود؛ برنامه {gap} باقی‌مانده را پوشش می‌دهد.",
    },
    "a_timing": {
        "en": "New opportunities are assumed to close within the period; the median sales cycle is {cycle} days "
              "and the period has {days} days left.",
        "fa": "فرض شده فرصت‌های جدید در همین دوره بسته می‌شوند؛ میانه چرخه فروش {cycle} روز است و {days} روز از دوره "
              "باقی مانده است.",
    },
    "a_days_left": {
        "en": "The period is under way: {days} of its {total} days are left after the data's last day, and the "
              "hours and leads it can take are counted for those days only.",
        "fa": "دوره آغاز شده است: پس از آخرین روز داده‌ها {days} روز از {total} روز آن مانده و ساعت‌ها و سرنخ‌هایی "
              "که می‌توان به کار گرفت فقط برای همین روزها شمرده شده است.",
    },
    "a_cycle_long": {
        "en": "The sales cycle is longer than half the period: much of this work must start before it.",
        "fa": "چرخه فروش از نیمی از دوره بلندتر است: بخش بزرگی از این کار باید پیش از آغاز دوره شروع شود.",
    },
    "a_channels": {
        "en": "Leads come from channels in their current shares; extra leads go less to channels whose RRROI "
              "shows falling returns (half weight when negative, a quarter when clearly negative).",
        "fa": "سرنخ‌ها به نسبت سهم کنونی کانال‌ها می‌آیند؛ سرنخ‌های اضافه کمتر به کانال‌هایی می‌رسد که RRROI آن‌ها "
              "بازده نزولی نشان می‌دهد (نصف وزن اگر منفی، یک‌چهارم اگر به‌روشنی منفی).",
    },
    "a_hours_rate": {
        "en": "Hours per lead are 1/LGR where lead-generation hours are logged, otherwise prospecting hours "
              "logged on the channel per lead it produced.",
        "fa": "ساعت لازم برای هر سرنخ برابر ۱/LGR است، جایی که ساعت تولید سرنخ ثبت شده؛ وگرنه ساعت "
              "مشتری‌یابی ثبت‌شده در آن کانال به ازای هر سرنخ.",
    },
    "a_uncertainty": {
        "en": "Intervals come from simulating each rate within its 95% interval ({sims} draws).",
        "fa": "بازه‌ها از شبیه‌سازی هر نرخ در بازه ۹۵٪ آن ({sims} بار) به دست آمده‌اند.",
    },
    "a_split": {
        "en": "The target is split across each {by} by its share of revenue won in {base}.",
        "fa": "هدف به نسبت سهم هر {by} از درآمد {base} میان آن‌ها تقسیم شده است.",
    },
    "no_hours_rate": {"en": "no hours logged for this channel", "fa": "ساعتی برای این کانال ثبت نشده"},
}


def _show(value: object, lang: Lang) -> str:
    """A value as the reader's language writes it: digits, separators, or the text in that language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en"))
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, (int, float)):
        return format_number(value, lang, 0 if abs(value) >= 100 or float(value).is_integer() else 1)
    return to_persian_digits(str(value)) if lang == "fa" else str(value)


def unvalued_note(ids: list[str], lang: Lang = "en", shown: int = 5) -> str:
    """The open deals the forecast left out for want of an amount, named (the first few), or ""."""
    if not ids:
        return ""
    names = ", ".join(ids[:shown]) + (f", … (+{len(ids) - shown})" if len(ids) > shown else "")
    # record ids stay as the CRM writes them (no Persian digits): they are looked up, not read
    return T["note_unvalued"][lang].format(n=_show(len(ids), lang), ids=names)


def text(key: str, lang: Lang = "en", **values: object) -> str:
    """The text for ``key`` in ``lang`` with the values filled in."""
    return T[key].get(lang, T[key]["en"]).format(**{k: _show(v, lang) for k, v in values.items()})


def both(key: str, **values: object) -> dict[str, str]:
    """The text in every language, for JSON outputs."""
    return {lang: text(key, lang, **values) for lang in ("en", "fa")}

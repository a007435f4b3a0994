"""The catalogue of finding texts, keyed by finding code, in English and Persian."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesscope.i18n import Lang, format_number, to_persian_digits

# code -> {"kind": ..., "en": template, "fa": template}. Placeholders are filled by ``render``.
CATALOGUE: dict[str, dict[str, str]] = {
    "rrroi_more_time": {
        "kind": "advice",
        "en": "{where}: {hours} more prospecting hours lifted the response rate by {points} points "
              "(RRROI {value} points per extra hour). Give prospecting more time{scope}.",
        "fa": "{where}: {hours} ساعت بازاریابی بیشتر، نرخ پاسخ را {points} واحد درصد بالا برد "
              "(RRROI برابر {value} واحد درصد به ازای هر ساعت اضافه). به بازاریابی{scope} زمان بیشتری بدهید.",
    },
    "rrroi_enough_time": {
        "kind": "advice",
        "en": "{where}: {hours} more prospecting hours, yet the response rate fell by {points} points "
              "(RRROI {value} points per extra hour). Last period's time was enough; more hours only add cost.",
        "fa": "{where}: با {hours} ساعت بازاریابی بیشتر، نرخ پاسخ {points} واحد درصد کم شد "
              "(RRROI برابر {value} واحد درصد به ازای هر ساعت اضافه). زمان دورهٔ قبل کافی بود؛ ساعت بیشتر فقط هزینه می‌افزاید.",
    },
    "rrroi_restore_time": {
        "kind": "advice",
        "en": "{where}: prospecting hours were cut by {hours} and the response rate fell by {points} points "
              "(RRROI {value} points per hour). Restore the time.",
        "fa": "{where}: ساعت‌های بازاریابی {hours} ساعت کم شد و نرخ پاسخ {points} واحد درصد افت کرد "
              "(RRROI برابر {value} واحد درصد در ساعت). زمان را برگردانید.",
    },
    "rrroi_cut_right": {
        "kind": "advice",
        "en": "{where}: prospecting hours were cut by {hours} and the response rate still rose by {points} points "
              "(RRROI {value} points per hour). The cut was right.",
        "fa": "{where}: ساعت‌های بازاریابی {hours} ساعت کم شد و نرخ پاسخ باز هم {points} واحد درصد بالا رفت "
              "(RRROI برابر {value} واحد درصد در ساعت). کاهش زمان درست بود.",
    },
    "rrroi_noise": {
        "kind": "advice",
        "en": "{where}: the response rate moved {points} points with {hours} hours of change (RRROI {value}), "
              "but the 95% interval of that change ({low} to {high} points) spans zero: within noise. "
              "Do not change the hours on this evidence alone.",
        "fa": "{where}: نرخ پاسخ با {hours} ساعت تغییر، {points} واحد درصد جابه‌جا شد (RRROI برابر {value})، "
              "اما بازهٔ اطمینان ۹۵٪ این تغییر ({low} تا {high} واحد درصد) صفر را در بر می‌گیرد: در حد نوسان تصادفی است. "
              "تنها بر این پایه ساعت‌ها را تغییر ندهید.",
    },
    "slow_lead_response": {
        "kind": "advice",
        "en": "{where}: leads wait a median {value} hours for a first touch, against {peer} hours for peers "
              "({ratio} times slower, {n} leads). Review this rep's lead routing and follow-up routine.",
        "fa": "{where}: سرنخ‌ها به‌طور میانه {value} ساعت منتظر نخستین تماس می‌مانند، در برابر {peer} ساعت برای همکاران "
              "({ratio} برابر کندتر، {n} سرنخ). مسیر ارجاع سرنخ و روال پیگیری این فروشنده را بازبینی کنید.",
    },
    "lead_conversion_falling": {
        "kind": "advice",
        "en": "{where}: lead conversion fell from {prev}% to {value}%{span} ({n} leads; p{p}). "
              "Check lead quality and how leads are qualified on the channels that feed it.",
        "fa": "{where}: نرخ تبدیل سرنخ از {prev}٪ به {value}٪ رسید{span} ({n} سرنخ؛ p{p}). "
              "کیفیت سرنخ‌ها و شیوهٔ ارزیابی آن‌ها را در کانال‌های ورودی بررسی کنید.",
    },
    "rep_win_rate_below_team": {
        "kind": "advice",
        "en": "{where}: win rate {value}% on {n} closed deals, against {peer}% for the rest of the team "
              "(p{p}). Coach this rep on qualifying and closing, and review their lost deals.",
        "fa": "{where}: نرخ برد {value}٪ از {n} معاملهٔ بسته‌شده، در برابر {peer}٪ برای بقیهٔ تیم (p{p}). "
              "این فروشنده را در ارزیابی و بستن معامله مربیگری کنید و معاملات باخته‌اش را مرور کنید.",
    },
    "win_rate_falling": {
        "kind": "advice",
        "en": "{where}: win rate fell from {prev}% to {value}%{span} ({n} closed deals; p{p}). "
              "Review the recent lost deals for a common cause (price, competitor, fit).",
        "fa": "{where}: نرخ برد از {prev}٪ به {value}٪ افت کرد{span} ({n} معاملهٔ بسته‌شده؛ p{p}). "
              "معاملات باختهٔ اخیر را برای یافتن علت مشترک (قیمت، رقیب، تناسب) مرور کنید.",
    },
    "pipeline_coverage_low": {
        "kind": "advice",
        "en": "{where}: open pipeline covers {value} times next period's quota, under the {target} times target. "
              "Add about {gap} of pipeline, or expect to miss the quota.",
        "fa": "{where}: قیف فروش باز {value} برابر سهمیهٔ دورهٔ بعد است، کمتر از هدف {target} برابر. "
              "حدود {gap} به قیف فروش بیفزایید، وگرنه احتمالاً سهمیه محقق نمی‌شود.",
    },
    "cycle_lengthening": {
        "kind": "advice",
        "en": "{where}: the sales cycle lengthened from {prev} to {value} days (median of {n} won deals). "
              "Find the stage where deals stall and remove the delay.",
        "fa": "{where}: چرخهٔ فروش از {prev} به {value} روز طولانی شد (میانهٔ {n} معاملهٔ برده). "
              "مرحله‌ای را که معاملات در آن می‌مانند پیدا کنید و تأخیر را بردارید.",
    },
    "cac_outpacing_clv": {
        "kind": "advice",
        "en": "{where}: customer acquisition cost changed {cac_change}% while lifetime value changed "
              "{clv_change}%; CLV/CAC is now {value}. Cut the costliest acquisition spend or raise value per customer.",
        "fa": "{where}: هزینهٔ جذب مشتری {cac_change}٪ تغییر کرد در حالی که ارزش طول عمر مشتری {clv_change}٪ "
              "تغییر کرد؛ نسبت CLV به CAC اکنون {value} است. پرهزینه‌ترین هزینه‌های جذب را کم کنید یا ارزش هر مشتری را بالا ببرید.",
    },
    "churn_rising": {
        "kind": "advice",
        "en": "{where}: churn rose from {prev}% to {value}%{span} ({n} customer-periods; p{p}). "
              "Contact the at-risk customers in this group and find out why they leave.",
        "fa": "{where}: نرخ ریزش مشتری از {prev}٪ به {value}٪ رسید{span} ({n} مشتری-دوره؛ p{p}). "
              "با مشتریان در معرض ریزش در این گروه تماس بگیرید و علت رفتنشان را بیابید.",
    },
    "kpi_worsening": {
        "kind": "advice",
        "en": "{where}: {kpi} worsened from {prev} to {value}{unit} in {period}, beyond its 95% interval "
              "({low} to {high}). {hint}",
        "fa": "{where}: {kpi} در {period} از {prev} به {value}{unit} بدتر شد، بیرون از بازهٔ اطمینان ۹۵٪ "
              "({low} تا {high}). {hint}",
    },
    "revenue_falling": {
        "kind": "advice",
        "en": "{where}: won revenue fell {value}% in {period}{span} ({n} won deals). {hint}",
        "fa": "{where}: درآمد حاصل از معاملات برده در {period} {value}٪ کاهش یافت{span} "
              "({n} معاملهٔ برده). {hint}",
    },
    "target_met": {
        "kind": "target",
        "en": "{where}: {kpi} reached {value}{unit} in {period} against a target of {target}{unit} "
              "({progress}% of target; milestone {milestone}).",
        "fa": "{where}: {kpi} در {period} به {value}{unit} رسید در برابر هدف {target}{unit} "
              "({progress}٪ هدف؛ نقطهٔ عطف {milestone}).",
    },
    "target_missed": {
        "kind": "target",
        "en": "{where}: {kpi} ended {period} at {value}{unit}, {progress}% of the {target}{unit} target "
              "(milestone reached: {milestone}). Plan how to close the gap next period.",
        "fa": "{where}: {kpi} دورهٔ {period} را با {value}{unit} به پایان برد، {progress}٪ هدف {target}{unit} "
              "(نقطهٔ عطف رسیده: {milestone}). برای پر کردن این فاصله در دورهٔ بعد برنامه بریزید.",
    },
    "target_on_pace": {
        "kind": "target",
        "en": "{where}: {kpi} is at {progress}% of the {period} target with {elapsed}% of the period gone: "
              "on pace (milestone reached: {milestone}).",
        "fa": "{where}: {kpi} با گذشت {elapsed}٪ از دورهٔ {period} به {progress}٪ هدف رسیده است: "
              "مطابق برنامه (نقطهٔ عطف رسیده: {milestone}).",
    },
    "target_behind_pace": {
        "kind": "target",
        "en": "{where}: {kpi} is at {progress}% of the {period} target with {elapsed}% of the period gone, "
              "behind the pro-rated pace of {expected}% (milestone reached: {milestone}). Act now to catch up.",
        "fa": "{where}: {kpi} با گذشت {elapsed}٪ از دورهٔ {period} تنها به {progress}٪ هدف رسیده است، "
              "عقب‌تر از روند متناسب {expected}٪ (نقطهٔ عطف رسیده: {milestone}). همین حالا برای جبران اقدام کنید.",
    },
    "data_window_start": {
        "kind": "data",
        "en": "Data windows disagree: {a} start on {a_day} but {b} only on {b_day}. {kpis} before {b_day} count only "
              "part of what happened and are biased; those periods are left out of every comparison.",
        "fa": "بازه‌های داده با هم نمی‌خوانند: {a} از {a_day} آغاز می‌شوند اما {b} تنها از {b_day}. {kpis} پیش از "
              "{b_day} تنها بخشی از رخدادها را می‌شمارند و سوگیری دارند؛ آن دوره‌ها از همهٔ مقایسه‌ها کنار گذاشته می‌شوند.",
    },
    "data_window_end": {
        "kind": "data",
        "en": "Data windows disagree: {a} run to {a_day} but {b} stop on {b_day}. {kpis} after {b_day} count only "
              "part of what happened and are biased: import the missing {b} before acting on them.",
        "fa": "بازه‌های داده با هم نمی‌خوانند: {a} تا {a_day} ادامه دارند اما {b} در {b_day} پایان می‌یابند. {kpis} پس از "
              "{b_day} تنها بخشی از رخدادها را می‌شمارند و سوگیری دارند: پیش از اقدام، {b} جاافتاده را وارد کنید.",
    },
    "impossible_conversion": {
        "kind": "data",
        "en": "Overall: lead conversion is 0% on {leads} leads, yet {deals} deals were won: the leads' conversions "
              "are not recorded (check how qualified_at, opportunity_id or the deals' lead_id are mapped). "
              "No advice is given on lead conversion until that is fixed.",
        "fa": "در کل: نرخ تبدیل سرنخ روی {leads} سرنخ صفر است، با این حال {deals} معامله برده شده است: تبدیل "
              "سرنخ‌ها ثبت نشده است (نگاشت qualified_at، opportunity_id یا lead_id معاملات را بررسی کنید). "
              "تا رفع آن، دربارهٔ نرخ تبدیل سرنخ توصیه‌ای داده نمی‌شود.",
    },
    "impossible_win_rate": {
        "kind": "data",
        "en": "Overall: win rate is 100% on {n} closed deals because no lost deal was ever recorded: lost deals are "
              "missing from the export or the status mapping. No advice is given on win rate until that is fixed.",
        "fa": "در کل: نرخ برد روی {n} معاملهٔ بسته‌شده ۱۰۰٪ است چون هیچ معاملهٔ باخته‌ای ثبت نشده است: معاملات باخته "
              "در خروجی یا نگاشت وضعیت جا افتاده‌اند. تا رفع آن، دربارهٔ نرخ برد توصیه‌ای داده نمی‌شود.",
    },
    "stages_missing": {
        "kind": "data",
        "en": "No stage was ever recorded on {n} deals: where deals stall cannot be seen. Map the CRM's stage column "
              "when importing.",
        "fa": "روی {n} معامله هیچ مرحله‌ای ثبت نشده است: نمی‌توان دید معاملات کجا می‌مانند. هنگام ورود داده، "
              "ستون مرحلهٔ CRM را نگاشت کنید.",
    },
    "period_in_progress": {
        "kind": "data",
        "en": "{period} is still in progress: the data cover {covered} of its {days} days. Its figures are partial, "
              "so no change in it is reported; compare it once it is over, or track it against targets.",
        "fa": "{period} هنوز در جریان است: داده‌ها {covered} روز از {days} روز آن را پوشش می‌دهند. ارقام آن ناقص‌اند، "
              "پس هیچ تغییری در آن گزارش نمی‌شود؛ پس از پایان آن مقایسه کنید یا آن را با هدف‌ها بسنجید.",
    },
    "seasonal_pattern": {
        "kind": "warning",
        "en": "{kpi} repeats a pattern every {cycle}: highest in periods like {peak_like} (about {peak}%), lowest "
              "in periods like {low_like} (about {low}%){why}. {period} ({value}%) is in line with the same point of "
              "earlier cycles ({like}%), so its move from {prev}% is the pattern, not news. Compare like with like.",
        "fa": "{kpi} در هر {cycle} الگویی تکرارشونده دارد: بیشترین در دوره‌هایی مانند {peak_like} (حدود {peak}٪) و "
              "کمترین در دوره‌هایی مانند {low_like} (حدود {low}٪){why}. {period} ({value}٪) با همین نقطه در دوره‌های پیشین ({like}٪) "
              "هم‌خوان است، پس جابه‌جایی آن از {prev}٪ همان الگوست، نه خبر تازه. دوره‌های همانند را با هم مقایسه کنید.",
    },
    "thin_sample": {
        "kind": "warning",
        "en": "{kpi} in {period}: too few cases to act on for {members} ({sizes} cases; at least {min_sample} "
              "needed). {settle}",
        "fa": "{kpi} در {period} برای {members} بر موارد بسیار کمی تکیه دارد ({sizes} مورد؛ دست‌کم {min_sample} "
              "لازم است) و نمی‌توان بر پایه‌اش اقدام کرد. {settle}",
    },
    "rrroi_noise_folded": {
        "kind": "advice",
        "en": "{kpi} in {period}: for {members} the response rate moved within noise after the change in "
              "prospecting hours (each 95% interval spans zero). Do not change the hours on this evidence.",
        "fa": "{kpi} در {period}: برای {members} نرخ پاسخ پس از تغییر ساعت‌های بازاریابی در حد نوسان تصادفی "
              "جابه‌جا شد (بازهٔ اطمینان ۹۵٪ هر کدام صفر را در بر می‌گیرد). تنها بر این پایه ساعت‌ها را تغییر ندهید.",
    },
    "simpson_reversal": {
        "kind": "warning",
        "en": "{kpi} changed {change} overall in {period}, but moved the other way in {k} of {m} groups by {dim}: "
              "the total hides its parts (Simpson's paradox){explain}. Read it by {dim}, not as a total.",
        "fa": "{kpi} در {period} در کل {change} تغییر کرد، اما در {k} گروه از {m} گروه به تفکیک {dim} "
              "در جهت مخالف حرکت کرد: کل، اجزایش را پنهان می‌کند (پارادوکس سیمپسون){explain}. "
              "آن را به تفکیک {dim} بخوانید، نه به‌صورت کل.",
    },
    "mix_shift": {
        "kind": "warning",
        "en": "{kpi} changed {change} overall in {period} mostly because the mix moved: {member} went from {before}% "
              "to {after}% of the cases (mix effect {mix}), while the groups by {dim} themselves moved {rate} "
              "(rate effect). Read it by {dim}: the total is not a change in performance.",
        "fa": "{kpi} در {period} در کل {change} تغییر کرد، بیشتر به این دلیل که ترکیب جابه‌جا شد: سهم {member} از "
              "{before}٪ به {after}٪ موارد رسید (اثر ترکیب {mix})، در حالی که خود گروه‌ها به تفکیک {dim} {rate} "
              "تغییر کردند (اثر نرخ). آن را به تفکیک {dim} بخوانید: تغییر کل، تغییر در عملکرد نیست.",
    },
    "one_segment_carries": {
        "kind": "warning",
        "en": "{kpi} changed {change} overall in {period}, and {member} alone carries it ({part_change}) while "
              "the other groups by {dim} barely moved. Read it by {dim}: the story is in {member}.",
        "fa": "{kpi} در {period} در کل {change} تغییر کرد و تقریباً همهٔ آن از {member} است ({part_change})، "
              "در حالی که دیگر گروه‌ها به تفکیک {dim} تقریباً ثابت ماندند. آن را به تفکیک {dim} بخوانید: ماجرا در {member} است.",
    },
    "zoom_in": {
        "kind": "warning",
        "en": "{kpi} looks steady by {grain} in {period} ({change}, within noise), but by {finer} {sub} changed "
              "{sub_change} (p{p}). Zoom in: read it by {finer}.",
        "fa": "{kpi} در مقیاس {grain} در {period} ثابت به نظر می‌رسد ({change}، در حد نوسان)، اما در مقیاس {finer}، "
              "{sub} به اندازهٔ {sub_change} تغییر کرد (p{p}). بزرگ‌نمایی را بیشتر کنید: آن را در مقیاس {finer} بخوانید.",
    },
    "zoom_out": {
        "kind": "warning",
        "en": "{kpi} swung {change} by {grain} in {period}, but the swing is within noise (p{p}); by {coarser} "
              "({coarse_period}) it changed {coarse_change}. Zoom out: read it by {coarser}.",
        "fa": "{kpi} در مقیاس {grain} در {period} به اندازهٔ {change} نوسان کرد، اما این نوسان در حد نوسان تصادفی است "
              "(p{p})؛ در مقیاس {coarser} ({coarse_period}) تغییر آن {coarse_change} است. "
              "بزرگ‌نمایی را کم کنید: آن را در مقیاس {coarser} بخوانید.",
    },
    "anomaly_high": {
        "kind": "anomaly",
        "en": "{where}: {kpi} in {period} is {value}{unit}, far above its normal range ({low} to {high}, "
              "from {k} earlier periods by {method}). Check this period's data, then look for the cause.",
        "fa": "{where}: {kpi} در {period} برابر {value}{unit} است، بسیار بالاتر از محدودهٔ عادی خود "
              "({low} تا {high}، بر پایهٔ {k} دورهٔ پیشین به روش {method}). داده‌های این دوره را بررسی و سپس علت را جست‌وجو کنید.",
    },
    "anomaly_low": {
        "kind": "anomaly",
        "en": "{where}: {kpi} in {period} is {value}{unit}, far below its normal range ({low} to {high}, "
              "from {k} earlier periods by {method}). Check this period's data, then look for the cause.",
        "fa": "{where}: {kpi} در {period} برابر {value}{unit} است، بسیار پایین‌تر از محدودهٔ عادی خود "
              "({low} تا {high}، بر پایهٔ {k} دورهٔ پیشین به روش {method}). داده‌های این دوره را بررسی و سپس علت را جست‌وجو کنید.",
    },
}

# Words that appear inside texts: vocabulary values, grains, dimensions, methods, milestones.
TERMS: dict[str, dict[str, str]] = {
    "overall": {"en": "Overall", "fa": "در کل"},
    "email": {"en": "email", "fa": "ایمیل"}, "sms": {"en": "SMS", "fa": "پیامک"},
    "phone": {"en": "phone", "fa": "تلفن"}, "messaging": {"en": "messaging", "fa": "پیام‌رسان"},
    "social": {"en": "social media", "fa": "شبکه‌های اجتماعی"}, "web": {"en": "web", "fa": "وب‌سایت"},
    "in_person": {"en": "in person", "fa": "حضوری"}, "referral": {"en": "referral", "fa": "معرفی"},
    "event": {"en": "events", "fa": "رویداد"}, "other": {"en": "other", "fa": "سایر"},
    "(none)": {"en": "(none)", "fa": "(بدون مقدار)"},
    "dim.team": {"en": "team", "fa": "تیم"}, "dim.rep": {"en": "rep", "fa": "فروشنده"},
    "dim.channel": {"en": "channel", "fa": "کانال"}, "dim.campaign": {"en": "campaign", "fa": "کمپین"},
    "dim.product": {"en": "product", "fa": "محصول"}, "dim.segment": {"en": "segment", "fa": "بخش بازار"},
    "grain.day": {"en": "day", "fa": "روز"}, "grain.week": {"en": "week", "fa": "هفته"},
    "grain.month": {"en": "month", "fa": "ماه"}, "grain.quarter": {"en": "quarter", "fa": "فصل"},
    "grain.year": {"en": "year", "fa": "سال"},
    "zoom.grain": {"en": "read it by {0}", "fa": "آن را در مقیاس {0} بخوانید"},
    "zoom.drop": {"en": "read it without the breakdown by {0}", "fa": "آن را بدون تفکیک {0} بخوانید"},
    "wide": {"en": ", and its 95% interval runs from {0} to {1}", "fa": "، و بازهٔ اطمینان ۹۵٪ آن از {0} تا {1} است"},
    "method.median_mad": {"en": "median and MAD", "fa": "میانه و انحراف مطلق از میانه"},
    "method.stl": {"en": "seasonal decomposition (STL)", "fa": "تجزیهٔ فصلی (STL)"},
    "method.median_mad_seasonal": {"en": "median and MAD, checked against the same period a year before",
                                   "fa": "میانه و انحراف مطلق از میانه، در مقایسه با همین دوره در سال قبل"},
    "span.one": {"en": "", "fa": ""},
    "simpson.plain": {"en": "", "fa": ""},
    "simpson.mix": {"en": ": the total {0} because the mix moved to {1} (from {2}% to {3}% of the cases; mix effect "
                          "{4}), while within each {5} it {6} (rate effect {7})",
                    "fa": ": کل {0} چون ترکیب به سوی {1} رفت (از {2}٪ به {3}٪ موارد؛ اثر ترکیب {4})، در حالی که "
                          "درون هر {5} {6} (اثر نرخ {7})"},
    "dir.rose": {"en": "rose", "fa": "بالا رفت"}, "dir.fell": {"en": "fell", "fa": "پایین آمد"},
    "table.leads": {"en": "leads", "fa": "سرنخ‌ها"}, "table.opportunities": {"en": "deals", "fa": "معاملات"},
    "table.activities": {"en": "activities", "fa": "فعالیت‌ها"}, "table.time_log": {"en": "time-log entries",
                                                                                  "fa": "ثبت‌های زمان کار"},
    "table.customers": {"en": "customers", "fa": "مشتریان"},
    "range": {"en": "{0} to {1}", "fa": "{0} تا {1}"},
    "settle.pool_or": {"en": "About {0} {1} pooled would settle it: read it by {2}.",
                       "fa": "دادهٔ حدود {0} {1} با هم آن را روشن می‌کند: آن را در مقیاس {2} بخوانید."},
    "settle.drop": {"en": "About {0} {1} pooled would settle it, or read it without the breakdown by {2}.",
                    "fa": "دادهٔ حدود {0} {1} با هم آن را روشن می‌کند، یا آن را بدون تفکیک {2} بخوانید."},
    "settle.pool": {"en": "About {0} {1} pooled would settle it.",
                    "fa": "دادهٔ حدود {0} {1} با هم آن را روشن می‌کند."},
    "settle.more": {"en": "More data would settle it.", "fa": "دادهٔ بیشتر آن را روشن می‌کند."},
    "grains.day": {"en": "days", "fa": "روز"}, "grains.week": {"en": "weeks", "fa": "هفته"},
    "grains.month": {"en": "months", "fa": "ماه"}, "grains.quarter": {"en": "quarters", "fa": "فصل"},
    "grains.year": {"en": "years", "fa": "سال"},
    "scope.channel": {"en": " on this channel", "fa": " در این کانال"},
    "scope.rep": {"en": " for this rep", "fa": " برای این فروشنده"},
    "scope.team": {"en": " in this team", "fa": " در این تیم"},
    "scope.other": {"en": " here", "fa": " در این بخش"},
    "scope.none": {"en": "", "fa": ""},
    "span.like": {"en": " (against the same point of earlier {0}s)", "fa": " (در برابر همین نقطه در {0}‌های پیشین)"},
    "span.recent": {"en": " (against the {0} periods before)", "fa": " (در برابر {0} دورهٔ پیش از آن)"},
    "cycle.quarter": {"en": "quarter", "fa": "فصل"}, "cycle.year": {"en": "year", "fa": "سال"},
    "cycle.week": {"en": "week", "fa": "هفته"},
    "pattern.none": {"en": "", "fa": ""},
    "pattern.quarter_end": {"en": ": deals are pushed to the end of each quarter",
                            "fa": ": معاملات به پایان هر فصل هل داده می‌شوند"},
    "span.pooled": {"en": " (the last {0} periods pooled, against the {0} before)",
                    "fa": " (مجموع {0} دورهٔ اخیر در برابر {0} دورهٔ پیش از آن)"},
    "milestone.none": {"en": "none yet", "fa": "هنوز هیچ"},
    "milestone.50": {"en": "50%", "fa": "۵۰٪"}, "milestone.90": {"en": "90%", "fa": "۹۰٪"},
    "milestone.100": {"en": "100%", "fa": "۱۰۰٪"},
}

UNITS: dict[str, dict[str, str]] = {
    "percent": {"en": "%", "fa": "٪"}, "ratio": {"en": "x", "fa": " برابر"},
    "hours": {"en": " hours", "fa": " ساعت"}, "days": {"en": " days", "fa": " روز"},
    "points_per_hour": {"en": " points per hour", "fa": " واحد درصد در ساعت"},
    "leads_per_hour": {"en": " leads per hour", "fa": " سرنخ در ساعت"},
    "money": {"en": " {cur}", "fa": " {cur}"}, "money_per_day": {"en": " {cur} per day", "fa": " {cur} در روز"},
    "count": {"en": "", "fa": ""},
}
DECIMALS = {"percent": 1, "ratio": 2, "hours": 1, "days": 1, "points_per_hour": 2, "leads_per_hour": 2,
            "money": 0, "money_per_day": 0, "count": 0}

# One action per indicator, used where a change has no dedicated rule.
HINTS: dict[str, dict[str, str]] = {
    "lgr": {"en": "Check which lead-generation activities stopped paying and move hours to the ones that do.",
            "fa": "بررسی کنید کدام فعالیت‌های سرنخ‌یابی دیگر بازده ندارند و ساعت‌ها را به فعالیت‌های پربازده ببرید."},
    "avg_deal_size": {"en": "Look for discounting or a shift to smaller deals; protect price and upsell.",
                      "fa": "تخفیف‌دهی یا حرکت به سوی معاملات کوچک‌تر را بررسی کنید؛ از قیمت محافظت و فروش مکمل را دنبال کنید."},
    "sales_velocity": {"en": "Find which of its parts slipped (open deals, win rate, deal size or cycle) and act on that one.",
                       "fa": "ببینید کدام جزء آن افت کرده (معاملات باز، نرخ برد، اندازهٔ معامله یا چرخه) و روی همان کار کنید."},
    "revenue_growth": {"en": "Compare won deals by channel and rep to see where revenue was lost.",
                       "fa": "معاملات برده را به تفکیک کانال و فروشنده مقایسه کنید تا ببینید درآمد کجا از دست رفته است."},
    "quota_attainment": {"en": "Review the pipeline of the reps furthest behind quota.",
                         "fa": "قیف فروش فروشندگانی را که بیشترین فاصله را با سهمیه دارند مرور کنید."},
    "activities_per_win": {"en": "Effort per win is rising: focus activity on better-qualified opportunities.",
                           "fa": "تلاش لازم برای هر برد بیشتر شده است: فعالیت‌ها را بر فرصت‌های بهتر ارزیابی‌شده متمرکز کنید."},
    "lead_response_time": {"en": "Route new leads faster and set a first-touch deadline.",
                           "fa": "سرنخ‌های تازه را سریع‌تر ارجاع دهید و برای نخستین تماس مهلت بگذارید."},
    "win_rate": {"en": "Review the recent lost deals for a common cause.",
                 "fa": "معاملات باختهٔ اخیر را برای یافتن علت مشترک مرور کنید."},
    "lead_conversion_rate": {"en": "Check lead quality and qualification.",
                             "fa": "کیفیت سرنخ‌ها و شیوهٔ ارزیابی آن‌ها را بررسی کنید."},
    "sales_cycle_days": {"en": "Find the stage where deals stall.", "fa": "مرحله‌ای را که معاملات در آن می‌مانند پیدا کنید."},
    "cac": {"en": "Cut the costliest acquisition spend.", "fa": "پرهزینه‌ترین هزینه‌های جذب را کم کنید."},
    "churn_rate": {"en": "Contact at-risk customers.", "fa": "با مشتریان در معرض ریزش تماس بگیرید."},
    "": {"en": "Look at its breakdown to find where it changed.",
         "fa": "تفکیک آن را ببینید تا معلوم شود کجا تغییر کرده است."},
}


@dataclass(frozen=True)
class Num:
    """A number to format in the reader's digits; ``signed`` adds a + to positive values."""

    value: float | None
    decimals: int = 1
    signed: bool = False


@dataclass(frozen=True)
class Term:
    """A vocabulary word looked up in ``TERMS``; ``args`` fill its own placeholders."""

    key: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class PValue:
    """A p-value with its relation sign: "=0.012", or "<0.001" when smaller."""

    value: float | None


def term(key: str, lang: Lang, *args: Any) -> str:
    entry = TERMS.get(key)
    if entry is None:  # a user's own value (a rep id, a team name): only its digits change
        return to_persian_digits(key) if lang == "fa" else key
    text = entry[lang]
    return text.format(*(fmt(a, lang) for a in args)) if args else text


def fmt(value: Any, lang: Lang) -> str:
    """Format one placeholder value for ``lang``."""
    if isinstance(value, Num):
        if value.value is None:
            return "—"
        text = format_number(value.value, lang, value.decimals)
        if value.signed and value.value > 0:
            text = "+" + text
        return text
    if isinstance(value, Term):
        return term(value.key, lang, *value.args)
    if isinstance(value, PValue):
        if value.value is None:
            return "—"
        text = "<0.001" if value.value < 0.001 else f"={value.value:.3f}"
        return to_persian_digits(text) if lang == "fa" else text
    if isinstance(value, dict):  # a text already given per language
        return value[lang]
    if isinstance(value, float):
        return format_number(value, lang, 2)
    text = str(value)
    return to_persian_digits(text) if lang == "fa" else text


def render(code: str, params: dict[str, Any], lang: Lang) -> str:
    """The finding text for ``code`` in ``lang``, its placeholders filled from ``params``."""
    template = CATALOGUE[code][lang]
    return template.format(**{k: fmt(v, lang) for k, v in params.items()})


def render_both(code: str, params: dict[str, Any]) -> tuple[str, str]:
    return render(code, params, "en"), render(code, params, "fa")


def make(code: str, *, kpi: str, period: str, dims: dict[str, str], evidence: dict[str, Any],
         params: dict[str, Any], confidence: str, effect: float = 1.0, text: str | None = None):
    """A Finding for ``code`` with both texts rendered from ``params`` (by the template ``text``, default ``code``)."""
    from salesscope.advice.model import Finding

    en, fa = render_both(text or code, params)
    return Finding(CATALOGUE[text or code]["kind"], kpi, str(period), dict(dims), {**evidence, "code": code},
                   en, fa, confidence, code=code, effect=effect)


# The words of ``salesscope why`` and its report section (placeholders filled by ``render_why``).
WHY_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "{kpi} in {period}: {before}{unit} to {after}{unit} ({change}) against {base}",
              "fa": "{kpi} در {period}: از {before}{unit} به {after}{unit} ({change}) در برابر {base}"},
    "effects": {"en": "By {dim}: mix effect {mix} ({mix_ci}), rate effect {rate} ({rate_ci}).",
                "fa": "به تفکیک {dim}: اثر ترکیب {mix} ({mix_ci})، اثر نرخ {rate} ({rate_ci})."},
    "cause.mix": {"en": "Mostly the mix: the share of {member} went from {before}% to {after}% of the cases.",
                  "fa": "بیشتر ترکیب: سهم {member} از {before}٪ به {after}٪ موارد رسید."},
    "cause.simpson": {"en": "The mix moved the total one way while within the groups it moved the other "
                            "(Simpson's paradox): the share of {member} went from {before}% to {after}% of the cases.",
                      "fa": "ترکیب، کل را به یک سو برد در حالی که درون گروه‌ها جهت وارونه بود (پارادوکس سیمپسون): "
                            "سهم {member} از {before}٪ به {after}٪ موارد رسید."},
    "cause.rate": {"en": "Mostly the groups themselves: {member} moved from {before}{unit} to {after}{unit}.",
                   "fa": "بیشتر خود گروه‌ها: {member} از {before}{unit} به {after}{unit} رسید."},
    "reason.parts_do_not_add_up": {"en": "By {dim}: its parts do not add up to the total, so it cannot be split.",
                                   "fa": "به تفکیک {dim}: اجزا با کل جمع نمی‌شوند، پس نمی‌توان آن را تفکیک کرد."},
    "reason.not_available": {"en": "By {dim}: this indicator's data do not carry it.",
                             "fa": "به تفکیک {dim}: داده‌های این شاخص چنین تفکیکی ندارند."},
    "reason.no_data": {"en": "By {dim}: no data to split.", "fa": "به تفکیک {dim}: داده‌ای برای تفکیک نیست."},
    "interval": {"en": "95% {0} to {1}", "fa": "۹۵٪: {0} تا {1}"},
    "no_interval": {"en": "no interval for this indicator", "fa": "بدون بازه برای این شاخص"},
    "col.member": {"en": "member", "fa": "عضو"}, "col.share": {"en": "share %", "fa": "سهم ٪"},
    "col.rate": {"en": "value", "fa": "مقدار"}, "col.mix": {"en": "mix", "fa": "ترکیب"},
    "col.rate_effect": {"en": "rate", "fa": "نرخ"}, "col.total": {"en": "total", "fa": "جمع"},
}


def render_why(key: str, lang: Lang, **params: Any) -> str:
    return WHY_TEXTS[key][lang].format(**{k: fmt(v, lang) for k, v in params.items()})

"""Every reason the engine can give has words in English and Persian."""

from __future__ import annotations

import inspect
import re

from salesscope import locale
from salesscope.engine import compute, formulas, metrics
from salesscope.engine.reasons import reason_text


def test_every_reason_code_has_both_texts():
    source = "".join(inspect.getsource(m) for m in (formulas, compute, metrics))
    # reasons appear as the last item of a rule, ``(cond, "no_actions")``, or as an f-string prefix
    codes = set(re.findall(r'"(?:note:)?((?:no|outside|zero)_[a-z_]+)"\)', source))
    codes |= set(re.findall(r'f"([a-z_]+):\{', source)) - {"note"}
    assert {"no_actions", "no_change_in_hours", "no_previous_period", "missing_input"} <= codes
    for code in codes:
        for lang in locale.languages():
            assert locale.own(lang).get(f"reason.{code}"), (lang, code)


def test_reason_text():
    assert reason_text("no_dimension:channel", "fa") == "داده‌های آن را نمی‌توان بر اساس کانال تفکیک کرد"
    assert reason_text("missing_input:quotas", "fa") == "جدول سهمیه‌ها خالی است"
    assert reason_text("missing_input:time_log", "en") == "the time_log table is empty"
    assert reason_text(None) == ""

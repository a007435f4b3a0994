"""The report's words (``report.<key>`` in the locale catalogue) and the formatting of values by unit."""

from __future__ import annotations

from salesscope import locale
from salesscope.engine.reasons import reason_text as engine_reason_text
from salesscope.formatting import change_text, value_text
from salesscope.i18n import Lang


def t(key: str, lang: Lang, **kw: object) -> str:
    """The report text ``key`` (``report.<key>`` in the locale catalogue) in ``lang``."""
    return locale.text(f"report.{key}", lang, **kw)


def reason_text(reason: object, lang: Lang) -> str:
    """A machine reason (``missing_input:quotas``) as words in ``lang``."""
    return engine_reason_text(reason, lang) or engine_reason_text("no_data", lang)


def digits(text: object, lang: Lang) -> str:
    """``text`` in the language's digits."""
    return locale.digits(text, lang)


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

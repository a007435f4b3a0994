"""How a value reads, the same on every surface: the terminal, HTML and PDF reports, the workbook,
the API's display strings and the digest.

- Significant digits, so a value that is not zero never reads 0 (``0.0039``, ``40.9``, ``217,345``).
- Units on values and on changes: a change of a percentage is in points (``+1.1 pp``), money carries
  the currency code (``52,300 USD``).
- Persian digits in Persian text, never inside identifiers: only the numbers formatted here change
  digits, a rep ``R09`` stays ``R09``.
- Text meant for a terminal or a mixed-direction line can be isolated (Unicode bidi isolates), so a
  right-to-left line cannot reorder numbers and ids.
"""

from __future__ import annotations

import math
from typing import Any

from salesscope.i18n import Lang, to_persian_digits

SIGNIFICANT = 3
# Units whose values are whole things or amounts where cents do not matter once they are large.
_WHOLE = {"count", "money", "money_per_day"}
MONEY = ("money", "money_per_day")
# Quantities that cannot be negative: an interval for them is never shown below zero.
NON_NEGATIVE = {"count", "money", "money_per_day", "percent", "hours", "days", "leads_per_hour", "ratio"}

UNIT_WORDS: dict[str, dict[str, str]] = {
    "percent": {"en": "%", "fa": "٪"},
    "points_per_hour": {"en": " pp/h", "fa": " واحد درصد در ساعت"},
    "leads_per_hour": {"en": " leads/h", "fa": " سرنخ در ساعت"},
    "hours": {"en": " h", "fa": " ساعت"},
    "days": {"en": " days", "fa": " روز"},
    "ratio": {"en": "×", "fa": "×"},
    "count": {"en": "", "fa": ""},
    "money": {"en": "", "fa": ""},
    "money_per_day": {"en": "/day", "fa": " در روز"},
}
POINTS = {"en": " pp", "fa": " واحد درصد"}
UNDEFINED = "—"

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


def is_missing(value: Any) -> bool:
    """None, NaN, pandas' NA and infinities: a value that cannot be shown as a number."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def decimals_for(value: float, unit: str = "", significant: int = SIGNIFICANT) -> int:
    """Decimals that show ``significant`` digits of ``value`` (none for large counts and money).

    >>> [decimals_for(v) for v in (0.0039, 0.41, 40.91, 217.3, 52300)]
    [4, 2, 1, 0, 0]
    """
    size = abs(value)
    if size == 0 or (unit in _WHOLE and size >= 100) or (unit == "count" and float(value).is_integer()):
        return 0
    if size >= 10 ** (significant - 1):
        return 0
    return max(0, significant - 1 - math.floor(math.log10(size)))


def number(value: Any, lang: Lang = "en", unit: str = "", *, signed: bool = False,
           significant: int = SIGNIFICANT) -> str:
    """A number with thousands separators, enough digits to be read, in the language's digits.

    >>> number(0.0039)
    '0.0039'
    >>> number(52300.00000000002, unit="money")
    '52,300'
    >>> number(-1.25, "fa", signed=True)
    '−۱٫۲۵'
    """
    if is_missing(value):
        return UNDEFINED
    v = float(value)
    places = decimals_for(v, unit, significant)
    text = f"{abs(v) if signed else v:,.{places}f}"
    if places and abs(v) < 1:
        text = text.rstrip("0").rstrip(".")
    if signed:
        text = ("+" if v > 0 else "-" if v < 0 else "±") + text
    return to_persian_digits(text) if lang == "fa" else text


def _unit(unit: str, lang: Lang, currency: str, change: bool = False) -> str:
    if change and unit == "percent":
        return POINTS[lang]
    if unit in MONEY:
        return (f" {currency}" if currency else "") + UNIT_WORDS[unit][lang]
    return UNIT_WORDS.get(unit, {"en": "", "fa": ""})[lang]


def value_text(value: Any, unit: str, lang: Lang = "en", currency: str = "") -> str:
    """A value with its unit: ``40.9%``, ``52,300 USD``, ``0.0039 pp/h``, ``۴۰٫۹٪``.

    >>> value_text(0.0039, "points_per_hour")
    '0.0039 pp/h'
    >>> value_text(52300.00000000002, "money", currency="USD")
    '52,300 USD'
    """
    if is_missing(value):
        return UNDEFINED
    return number(value, lang, unit) + _unit(unit, lang, currency)


def change_text(change: Any, unit: str, lang: Lang = "en", currency: str = "") -> str:
    """A signed change with its unit; the change of a percentage is in points.

    >>> change_text(1.09, "percent")
    '+1.09 pp'
    >>> change_text(-2500, "money", currency="IRR")
    '-2,500 IRR'
    """
    if is_missing(change):
        return ""
    return number(change, lang, unit, signed=True) + _unit(unit, lang, currency, change=True)


def interval_bounds(low: Any, high: Any, unit: str) -> tuple[float | None, float | None]:
    """The interval to show: a quantity that cannot be negative is never shown below zero."""
    lo = None if is_missing(low) else float(low)
    hi = None if is_missing(high) else float(high)
    if lo is not None and unit in NON_NEGATIVE:
        lo = max(lo, 0.0)
    return lo, hi


def interval_text(low: Any, high: Any, unit: str, lang: Lang = "en", currency: str = "") -> str:
    """``35.4–46.7%``, ``1,200–5,400 USD``: both ends in the same digits, the unit once.

    >>> interval_text(-120.0, 480.0, "money", currency="USD")
    '0 – 480 USD'
    """
    lo, hi = interval_bounds(low, high, unit)
    if lo is None or hi is None:
        return ""
    return f"{number(lo, lang, unit)} – {number(hi, lang, unit)}" + _unit(unit, lang, currency)


def digits(text: Any, lang: Lang) -> str:
    """Numbers and dates (``2026-03``, ``1404/01/12``) in the language's digits; never an id."""
    s = str(text)
    return to_persian_digits(s).replace("−", "-") if lang == "fa" else s


def isolate(text: str, direction: str = "auto") -> str:
    """``text`` wrapped in Unicode bidi isolates (``ltr``, ``rtl`` or ``auto``), so a line in the
    other direction cannot reorder it."""
    if not text:
        return text
    return {"ltr": LRI, "rtl": RLI}.get(direction, FSI) + text + PDI


def rounded(value: Any, significant: int = 12) -> Any:
    """A float without binary noise (``52300.00000000002`` -> ``52300.0``) for files scripts read."""
    if is_missing(value) or not isinstance(value, float):
        return value
    if value == 0:
        return 0.0
    return round(value, max(0, significant - 1 - math.floor(math.log10(abs(value)))))


EXCEL_FORMATS = {
    "percent": '0.0"%"',
    "points_per_hour": '0.0000" pp/h"',
    "leads_per_hour": '0.00" leads/h"',
    "hours": '#,##0.0" h"',
    "days": '#,##0.0" days"',
    "ratio": '0.00"×"',
    "count": "#,##0",
    "money": "#,##0",
    "money_per_day": "#,##0",
}


def excel_format(unit: str, currency: str = "") -> str:
    """The workbook number format of a unit (a count is not a percent; money carries its currency)."""
    fmt = EXCEL_FORMATS.get(unit, "General")
    if unit in MONEY and currency:
        fmt += f'" {currency}"' + ('"/day"' if unit == "money_per_day" else "")
    return fmt

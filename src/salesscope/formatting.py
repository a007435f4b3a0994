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

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from salesscope import locale
from salesscope.i18n import Lang

SIGNIFICANT = 3
# Units whose values are whole things or amounts where cents do not matter once they are large.
_WHOLE = {"count", "money", "money_per_day"}
MONEY = ("money", "money_per_day")
# Quantities that cannot be negative: an interval for them is never shown below zero.
NON_NEGATIVE = {"count", "money", "money_per_day", "percent", "hours", "days", "leads_per_hour", "ratio"}

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
    [5, 3, 1, 0, 0]
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
    return locale.digits(text, lang)


def unit_text(unit: str, lang: Lang = "en", currency: str = "", change: bool = False) -> str:
    """The unit after a number (``unit.<unit>`` in the locale catalogue); a percentage's change is in points.

    >>> unit_text("money", currency="USD"), unit_text("percent", change=True)
    (' USD', ' pp')
    """
    if change and unit == "percent":
        unit = "points"
    word = locale.text(f"unit.{unit}", lang) if locale.has(f"unit.{unit}") else ""
    return (f" {currency}" if currency and unit in MONEY else "") + word


def value_text(value: Any, unit: str, lang: Lang = "en", currency: str = "") -> str:
    """A value with its unit: ``40.9%``, ``52,300 USD``, ``0.0039 pp/h``, ``۴۰٫۹٪``.

    >>> value_text(0.0039, "points_per_hour")
    '0.0039 pp/h'
    >>> value_text(52300.00000000002, "money", currency="USD")
    '52,300 USD'
    """
    if is_missing(value):
        return UNDEFINED
    return number(value, lang, unit) + unit_text(unit, lang, currency)


def fixed(value: Any, lang: Lang, places: int) -> str:
    """A number with exactly ``places`` decimals, for the ticks of a scale, which share their decimals.

    >>> fixed(2.5, "fa", 1)
    '۲٫۵'
    """
    if is_missing(value):
        return UNDEFINED
    return locale.digits(f"{float(value):,.{places}f}", lang)


def change_text(change: Any, unit: str, lang: Lang = "en", currency: str = "") -> str:
    """A signed change with its unit; the change of a percentage is in points.

    >>> change_text(1.09, "percent")
    '+1.09 pp'
    >>> change_text(-2500, "money", currency="IRR")
    '-2,500 IRR'
    """
    if is_missing(change):
        return ""
    return number(change, lang, unit, signed=True) + unit_text(unit, lang, currency, change=True)


@dataclass(frozen=True)
class Num:
    """A number for a sentence that says its unit in its own words: digits as :func:`number` writes
    them for ``unit``.

    >>> Num(0.00389, "points_per_hour").text("en"), Num(1.25, "percent", signed=True).text("fa")
    ('0.00389', '+۱٫۲۵')
    """

    value: Any
    unit: str = ""
    signed: bool = False

    def text(self, lang: Lang) -> str:
        return number(self.value, lang, self.unit, signed=self.signed)


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
    return f"{number(lo, lang, unit)} – {number(hi, lang, unit)}" + unit_text(unit, lang, currency)


def digits(text: Any, lang: Lang) -> str:
    """Numbers and dates (``2026-03``, ``1404/01/12``) in the language's digits; never an id."""
    s = str(text)
    return locale.digits(s, lang).replace(locale.text("meta.minus", lang), "-")


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


def excel_format(unit: str, currency: str = "", *, change: bool = False, value: Any = None,
                 lang: Lang = "en") -> str:
    """The workbook number format that shows ``value`` as :func:`value_text` (or, ``change``,
    :func:`change_text`) writes it: same digits, same unit; a count is never a percent.

    >>> excel_format("percent", value=40.91)
    '#,##0.0"%"'
    >>> excel_format("points_per_hour", value=0.00389)
    '#,##0.#####" pp/h"'
    >>> excel_format("count", value=80)
    '#,##0'
    """
    places = 2 if is_missing(value) else decimals_for(float(value), unit)
    small = not is_missing(value) and 0 < abs(float(value)) < 1
    body = "#,##0" + ("." + ("#" if small else "0") * places if places else "")
    suffix = unit_text(unit, lang, currency, change=change)
    fmt = body + (f'"{suffix}"' if suffix else "")
    if change:
        fmt = f"+{fmt};-{fmt};{fmt}"
    return fmt


# Evidence behind a finding, in words: each key's label and how its value reads.
_SAME_UNIT = {"value", "previous_value", "ci_low", "ci_high", "compared_value", "compared_previous",
              "measured_value", "normal_low", "normal_high", "peer_median", "coarser_value", "target"}
_CHANGE = {"change", "change_ci_low", "change_ci_high", "coarser_change", "others_max_change"}
_POINTS = {"change_points", "response_rate_change_points"}
_PERCENT = {"progress_percent", "expected_progress_percent"}
_HIDDEN = {"code", "unit", "confidence_rule", "members", "carrier", "method", "measure", "coarser_pvalue"}
def pvalue_text(p: Any, lang: Lang = "en") -> str:
    """``p < 0.001``, ``p = 0.03``: a p-value as people write it."""
    if is_missing(p):
        return UNDEFINED
    text = "p < 0.001" if float(p) < 0.001 else f"p = {number(float(p), lang='en', significant=2)}"
    return locale.digits(text, lang)


def evidence_words(evidence: dict[str, Any], unit: str, lang: Lang = "en", currency: str = "") -> list[tuple[str, str]]:
    """The evidence behind a finding as (label, text) pairs in words, with units; machine keys left out."""
    out = []
    for key, v in (evidence or {}).items():
        if key in _HIDDEN or isinstance(v, dict) or v is None:
            continue
        name = locale.text(f"evidence.{key}", lang) if locale.has(f"evidence.{key}") else key.replace("_", " ")
        if isinstance(v, bool):
            text = locale.text(f"evidence.{str(v).lower()}", lang)
        elif isinstance(v, list):
            if not v or isinstance(v[0], dict):
                continue
            text = locale.join([digits(x, lang) for x in v], lang)
            if key == "milestone":
                text += locale.text("unit.percent", lang)
        elif isinstance(v, str):
            text = digits(v, lang) if key.endswith("period") else v
        elif key == "pvalue":
            text = pvalue_text(v, lang)
        elif key in _SAME_UNIT:
            text = value_text(v, unit, lang, currency)
        elif key in _CHANGE:
            text = change_text(v, unit, lang, currency)
        elif key in _POINTS:
            text = number(v, lang, signed=True) + locale.text("unit.points", lang)
        elif key in _PERCENT:
            text = value_text(v, "percent", lang)
        elif key == "elapsed_share":
            text = value_text(100 * float(v), "percent", lang)
        elif key == "extra_hours":
            text = value_text(v, "hours", lang)
        elif key == "ratio":
            text = value_text(v, "ratio", lang)
        else:
            text = number(v, lang, "count")
        out.append((name, text))
    return out


def display(row: dict[str, Any], currency: str = "") -> dict[str, dict[str, str]]:
    """How a tidy row reads, in both languages: the strings the API gives the dashboard.

    >>> display({"value": 0.0039, "change": 0.0012, "unit": "points_per_hour", "n": 812,
    ...          "ci_low": -0.001, "ci_high": 0.009})["en"]["change"]
    '+0.0012 pp/h'
    """
    unit = str(row.get("unit") or "")
    out = {}
    for lang in locale.languages():
        out[lang] = {"value": value_text(row.get("value"), unit, lang, currency),
                     "change": change_text(row.get("change"), unit, lang, currency),
                     "interval": interval_text(row.get("ci_low"), row.get("ci_high"), unit, lang, currency),
                     "n": number(row.get("n"), lang, "count"),
                     "target": value_text(row.get("target"), unit, lang, currency)}
    return out


def counts_display(counts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """How counts (rows read, loaded, rejected...) read, in every language.

    >>> counts_display({"loaded": 12000, "rejected": 3})["en"]
    {'loaded': '12,000', 'rejected': '3'}
    """
    return {lang: {k: number(v, lang, "count") for k, v in counts.items()} for lang in locale.languages()}


def pace_display(pace: dict[str, Any], unit: str, end: dt.date, calendar: str = "gregorian",
                 currency: str = "") -> dict[str, dict[str, Any]]:
    """How a target's pace reads (``salesscope.advice.targets.pace``), in every language: progress
    and expected progress, the value and progress the pace puts at the period's ``end``, and each
    milestone with the day it falls due (empty when a milestone has no day)."""
    from salesscope.i18n import format_date

    def day(iso: str | None, lang: Lang) -> str:
        return format_date(dt.date.fromisoformat(iso), lang, calendar) if iso else ""

    return {lang: {"progress": value_text(pace["progress"], "percent", lang),
                   "expected": value_text(pace["expected"], "percent", lang),
                   "projected": value_text(pace["projected"], unit, lang, currency),
                   "projected_progress": value_text(pace["projected_progress"], "percent", lang),
                   "end": day(end.isoformat(), lang),
                   "milestones": [{"percent": number(m["percent"], lang, "count") + unit_text("percent", lang),
                                   "due": day(m["due"], lang)}
                                  for m in pace["milestones"]]}
            for lang in locale.languages()}


def funnel_display(row: dict[str, Any]) -> dict[str, dict[str, str]]:
    """How a funnel row's count and conversion read, in both languages."""
    return {lang: {"count": number(row.get("count"), lang, "count"),
                   "conversion": value_text(row.get("conversion"), "percent", lang)}
            for lang in locale.languages()}

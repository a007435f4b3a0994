"""How the forecast's and the plan's numbers read, the same in the terminal, the report, the workbook
and the dashboard (which shows the display strings the API gives it).

Every text comes from :mod:`salesscope.formatting`; this module only says which unit each number has.
Amounts carry the currency code; the plan's quantities are counts, but for its hours.
"""

from __future__ import annotations

from typing import Any

from salesscope import locale
from salesscope.formatting import UNDEFINED, interval_text, number, value_text
from salesscope.i18n import Lang

# The forecast frame's amounts; its other number, open_deals, is a count.
MONEY_COLUMNS = ("expected", "won_to_date", "from_pipeline", "from_run_rate")
# The track record's scores: percentages; n is a count.
SCORES = ("mape", "wape", "bias", "coverage_80", "coverage_95")


def need_unit(item: str) -> str:
    """The unit of what the plan needs: ``hours`` for hours, a count for deals, leads, outreach..."""
    return "hours" if item == "hours" else "count"


def money(value: Any, lang: Lang, currency: str) -> str:
    """An amount with its currency code: ``716,956 USD``."""
    return value_text(value, "money", lang, currency)


def span(low: Any, high: Any, unit: str, lang: Lang, currency: str = "") -> str:
    """An interval, or the undefined mark when either end is missing."""
    return interval_text(low, high, unit, lang, currency) or UNDEFINED


def forecast_row(r: dict[str, Any], lang: Lang, currency: str) -> dict[str, str]:
    """One period's forecast as it reads: amounts, both intervals and the open deals."""
    out = {k: money(r.get(k), lang, currency) for k in MONEY_COLUMNS}
    out["interval_80"] = span(r.get("low_80"), r.get("high_80"), "money", lang, currency)
    out["interval_95"] = span(r.get("low_95"), r.get("high_95"), "money", lang, currency)
    out["open_deals"] = number(r.get("open_deals"), lang, "count")
    return out


def score(key: str, value: Any, lang: Lang) -> str:
    """A track-record score: ``17.6%``, ``33`` forecasts."""
    return value_text(value, "count" if key == "n" else "percent", lang)


def track_row(s: dict[str, Any], lang: Lang) -> dict[str, str]:
    return {k: score(k, s.get(k), lang) for k in ("n", *SCORES)}


def need(item: str, e: dict[str, Any], lang: Lang) -> dict[str, str]:
    """One line of the plan: the value needed, its intervals and what the base period had."""
    unit = need_unit(item)
    return {"value": value_text(e.get("value"), unit, lang), "last_period": value_text(e.get("last_period"), unit, lang),
            "interval_80": span(e.get("low_80"), e.get("high_80"), unit, lang),
            "interval_95": span(e.get("low_95"), e.get("high_95"), unit, lang)}


def channel(c: dict[str, Any], lang: Lang) -> dict[str, str]:
    """A channel's leads and hours, the hours' interval and what the base period logged, and its RRROI."""
    hours = need("hours", c["hours"], lang)
    return {"leads": value_text(c["leads"].get("value"), "count", lang), "hours": hours["value"],
            "interval_80": hours["interval_80"], "last_period": hours["last_period"],
            "rrroi": value_text(c.get("rrroi"), "points_per_hour", lang)}


def row_display(r: dict[str, Any], currency: str) -> dict[str, dict[str, str]]:
    """A forecast row's display strings in every language, as the API gives them."""
    return {lang: forecast_row(r, lang, currency) for lang in locale.languages()}


def track_display(track: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The track record's scores as they read, overall and per horizon, in every language."""
    return {lang: {"all": track_row(track, lang),
                   "by_horizon": {h: track_row(s, lang) for h, s in (track.get("by_horizon") or {}).items()}}
            for lang in locale.languages()}


def plan_display(p: dict[str, Any], currency: str) -> dict[str, Any]:
    """A plan (``Plan.to_dict()``) with display strings on its amounts, needs and channels, parts included."""
    langs = locale.languages()
    p["display"] = {lang: {"target": money(p.get("target"), lang, currency), "gap": money(p.get("gap"), lang, currency)}
                    for lang in langs}
    for item, e in (p.get("needs") or {}).items():
        e["display"] = {lang: need(item, e, lang) for lang in langs}
    for c in p.get("channels") or []:
        c["display"] = {lang: channel(c, lang) for lang in langs}
    for part in p.get("parts") or []:
        plan_display(part, currency)
    return p

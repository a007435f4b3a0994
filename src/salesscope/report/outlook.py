"""The report's forecast-and-plan section: asked once in ``build``, shown by the HTML/PDF and XLSX renderers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from salesscope import locale
from salesscope.errors import QueryError
from salesscope.forecast import display
from salesscope.forecast.texts import (
    bands_note,
    compared_text,
    method_text,
    track_text,
    unvalued_note,
)
from salesscope.forecast.texts import text as ftext
from salesscope.i18n import Lang, format_date
from salesscope.report.texts import digits


def word(key: str, lang: Lang, **values: Any) -> str:
    """The section's text ``key`` (``outlook.<key>`` in the locale catalogue)."""
    return locale.text(f"outlook.{key}", lang, **values)


@dataclass
class Outlook:
    """The forecast frame (its ``attrs`` hold the track record) and the plan, or why either is missing."""

    frame: pd.DataFrame | None = None
    plan: dict[str, Any] | None = None
    reason: str | None = None
    plan_reason: str | None = None


def gather(ws: Any, *, scope: dict[str, list[str]] | None, grain: str, calendar: str, periods: int = 3,
           target: float | None = None, target_period: str | None = None) -> Outlook:
    """Ask the forecast (and the plan, when a target is given) within the report's scope."""
    from salesscope.forecast import forecast, plan

    out = Outlook()
    try:
        out.frame = forecast(ws, periods=periods, grain=grain, calendar=calendar, scope=scope or None)
    except QueryError as e:
        out.reason = str(e)
    if target is not None and target_period:
        try:
            out.plan = plan(ws, target, target_period, calendar=calendar, scope=scope or None).to_dict()
        except QueryError as e:
            out.plan_reason = str(e)
    return out


def _pick(both: dict[str, str] | None, lang: Lang) -> str:
    return (both or {}).get(lang) or (both or {}).get("en", "")


TONE: dict[bool | None, str] = {True: "good", False: "bad"}  # a plan's tone by whether it is reachable
PERIOD = re.compile(r"([0-9۰-۹]{4}-(?:Q[1-4۱-۴]|W[0-9۰-۹]{2}|[0-9۰-۹]{2}))")


def iso(text: str, lang: Lang) -> str:
    """Period labels in a Persian sentence wrapped in LRI ... PDI, so "1404-Q4" is not reordered (HTML only)."""
    return PERIOD.sub("\u2066\\1\u2069", text) if locale.is_rtl(lang) else text


def _plan_block(p: dict[str, Any], lang: Lang, currency: str, whole: bool) -> dict[str, Any]:
    money = lambda v: display.money(v, lang, currency)  # noqa: E731
    needs = [[ftext("gap", lang), money(p["gap"]), "", "", ""]]
    for k, e in (p.get("needs") or {}).items():
        shown = display.need(k, e, lang)
        needs.append([ftext(k, lang), shown["value"], shown["interval_80"], shown["interval_95"], shown["last_period"]])
    channels = []
    for c in p.get("channels") or []:
        shown = display.channel(c, lang)
        channels.append([locale.word("channel", c["channel"], lang), shown["leads"],
                         shown["hours"] if c["hours"]["value"] is not None else ftext("no_hours_rate", lang),
                         shown["interval_80"], shown["last_period"], ftext(f"returns_{c['returns']}", lang)])
    return {"title": iso(ftext("plan_title", lang, target="\u2066" + money(p["target"]) + "\u2069",
                               period=p["period"]), lang) + (f" — {p['group']}" if p.get("group") else ""),
            "base": iso(word("base", lang, base=digits(p["base_period"], lang)), lang),
            # The whole plan's verdict is the section's headline; only its reasons are repeated here.
            "reasons": [iso(_pick(r, lang), lang) for r in (p.get("reasons") or [])[1 if whole else 0:]],
            "tone": TONE.get(p.get("reachable"), "flat"),
            "needs": needs, "channels": channels,
            "assumptions": [iso(_pick(a, lang), lang) for a in p.get("assumptions") or []]}


def html_context(o: Outlook | None, lang: Lang, currency: str, date_cal: str,
                 chart: Callable[[Any, str], Any]) -> dict[str, Any] | None:
    """Every text of the section in the reader's language; ``chart`` embeds a plotly figure."""
    if o is None:
        return None
    from salesscope import charts

    out: dict[str, Any] = {"title": word("section", lang), "forecast": word("forecast", lang)}
    heads = ["period", "expected", "interval_80", "interval_95", "won_to_date", "from_pipeline", "from_run_rate",
             "open_deals"]
    out["plan_heads"] = [ftext(k, lang) for k in ("item", "needed", "interval_80", "interval_95", "now")]
    out["channel_heads"] = [ftext(k, lang) for k in ("channel", "leads", "hours", "interval_80", "now")] + [word("returns", lang)]
    out["assumptions_title"] = word("assumptions", lang)
    if o.frame is None:
        out["missing"] = word("no_forecast", lang, reason=o.reason or "")
    else:
        df, a = o.frame, o.frame.attrs
        out["as_of"] = word("as_of", lang, date=format_date(pd.Timestamp(a["as_of"]).date(), lang, date_cal))
        out["method"] = " ".join(x for x in (
            method_text(a, lang), bands_note(a, lang), unvalued_note(a.get("unvalued") or [], lang)) if x)
        out["heads"] = [ftext(k, lang) for k in heads]
        out["rows"] = [[digits(r["period"], lang), *(display.forecast_row(r, lang, currency)[k] for k in heads[1:])]
                       for r in df.to_dict("records")]
        labels = {"expected": ftext("expected", lang), "band_80": word("band_80", lang), "band_95": word("band_95", lang)}
        out["chart"] = chart(charts.forecast(df, lang=lang, labels=labels, currency=currency), "forecast-chart")
        out["track_title"] = ftext("track_title", lang)
        out["track"] = " ".join(x for x in (track_text(a.get("track_record"), lang), compared_text(a, lang)) if x)
        tr = a.get("track_record") or {}
        out["track_heads"] = [word("horizon", lang), word("forecasts", lang), "MAPE", "WAPE", word("bias", lang),
                              word("coverage_80", lang), word("coverage_95", lang)]
        scores = [(word("everything", lang), tr)] + [(digits(h, lang), s) for h, s in (tr.get("by_horizon") or {}).items()]
        out["track_rows"] = [[h, *display.track_row(s, lang).values()] for h, s in scores] if tr.get("n") else []
    if o.plan is not None:
        p = o.plan
        out["plan"] = {"verdict": _pick((p.get("reasons") or [None])[0], lang),
                       "tone": TONE.get(p.get("reachable"), "flat"),
                       "parts": [_plan_block(q, lang, currency, not p.get("parts")) for q in (p.get("parts") or [p])],
                       "assumptions": [iso(_pick(x, lang), lang) for x in p.get("assumptions") or []]
                       if p.get("parts") else []}
    else:
        out["no_plan"] = word("plan_failed", lang, reason=o.plan_reason) if o.plan_reason else word("no_plan", lang, command="salesscope report --target AMOUNT --plan-period PERIOD")
    return out


FORECAST_COLS = ["period", "period_start", "period_end", "expected", "low_80", "high_80", "low_95", "high_95",
                 "won_to_date", "from_pipeline", "from_run_rate", "from_track_record", "open_deals"]
PLAN_COLS = ["group", "item", "channel", "value", "low_80", "high_80", "low_95", "high_95", "last_period"]
TRACK_COLS = ["horizon", "n", "mape", "wape", "bias", "coverage_80", "coverage_95"]


def xlsx_sheets(w: Any, o: Outlook | None, lang: Lang) -> None:
    """A "Forecast" sheet (rows, method, track record) and, with a target, a "Plan" sheet, typed cells."""
    if o is None:
        return
    ws = w.sheet(word("sheet_forecast", lang))
    if o.frame is None:
        w.table(ws, ["reason"], 1, [80])
        w.string(ws, 1, 0, word("no_forecast", lang, reason=o.reason or ""))
    else:
        df = o.frame
        cols = [c for c in df.columns if c not in FORECAST_COLS[:3]]
        headers = FORECAST_COLS[:3] + cols
        w.table(ws, headers, len(df), [10, 12, 12] + [14] * len(cols))
        for r, rec in enumerate(df.to_dict("records"), start=1):
            for c, col in enumerate(headers):
                v = rec.get(col)
                if col in ("period_start", "period_end"):
                    w.when(ws, r, c, v)
                elif col in FORECAST_COLS[3:]:
                    w.number(ws, r, c, v, "count" if col == "open_deals" else "money")
                else:
                    w.string(ws, r, c, v)
        a = df.attrs
        r = len(df) + 2
        w.string(ws, r, 0, method_text(a, lang))
        w.string(ws, r + 1, 0, " ".join(x for x in (track_text(a.get("track_record"), lang), compared_text(a, lang)) if x))
        if a.get("unvalued"):
            r += 1
            w.string(ws, r + 1, 0, unvalued_note(a["unvalued"], lang))
        tr = a.get("track_record") or {}
        if tr.get("n"):
            r += 3
            for c, h in enumerate(TRACK_COLS):
                ws.write_string(r, c, h, w.header)
            scores = [("all", tr)] + [(str(h), s) for h, s in (tr.get("by_horizon") or {}).items()]
            for i, (h, s) in enumerate(scores, start=r + 1):
                w.string(ws, i, 0, h)
                for c, k in enumerate(TRACK_COLS[1:], start=1):
                    w.number(ws, i, c, s.get(k), "count" if k == "n" else "percent")
    if o.plan is None:
        return
    ws = w.sheet(word("sheet_plan", lang))
    rows: list[list[Any]] = []
    for p in o.plan.get("parts") or [o.plan]:
        rows.append([p.get("group"), "gap", None, p.get("gap"), None, None, None, None, None])
        for k, e in (p.get("needs") or {}).items():
            rows.append([p.get("group"), k, None, e["value"], e["low_80"], e["high_80"], e["low_95"], e["high_95"],
                         e["last_period"]])
        for ch in p.get("channels") or []:
            for k in ("leads", "hours"):
                e = ch[k]
                rows.append([p.get("group"), k, ch["channel"], e["value"], e["low_80"], e["high_80"], e["low_95"],
                             e["high_95"], e["last_period"]])
    w.table(ws, PLAN_COLS, len(rows), [12, 14, 12] + [12] * 6)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if c < 3:
                w.string(ws, r, c, v)
            else:
                w.number(ws, r, c, v, "money" if row[1] == "gap" else display.need_unit(row[1]))
    r = len(rows) + 2
    texts = [_pick(x, lang) for x in o.plan.get("reasons") or []]
    for p in o.plan.get("parts") or [o.plan]:
        texts += [_pick(x, lang) for x in p.get("assumptions") or []]
    texts += [_pick(x, lang) for x in o.plan.get("assumptions") or []] if o.plan.get("parts") else []
    for i, line in enumerate(dict.fromkeys(texts)):
        w.string(ws, r + i, 0, line)


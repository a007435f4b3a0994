"""The report as one self-contained HTML file: fonts, styles, plotly.js and charts all inline."""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from salesscope import charts, locale
from salesscope.formatting import change_text, evidence_words, interval_text, number, value_text
from salesscope.i18n import Lang, format_date
from salesscope.report import outlook
from salesscope.report.builder import IndicatorInfo, ReportData
from salesscope.report.texts import digits, format_value, is_missing, reason_text, t

CHART_CONFIG = {"displayModeBar": False, "responsive": True}


def _import_files(files: Any) -> str:
    """The imported files' names, from the JSON list the importer records (or its plain text)."""
    try:
        names = json.loads(files)
    except (TypeError, ValueError):
        return str(files or "")
    return ", ".join(Path(str(n)).name for n in names) if isinstance(names, list) else str(files)


def _import_summary(summary: Any, lang: Lang) -> str:
    """Counts per table that always add up: read = loaded + rejected."""
    try:
        tables = json.loads(summary).get("tables", {})
    except (TypeError, ValueError, AttributeError):
        return str(summary or "")
    return "; ".join(t(
        "import_line", lang, table=locale.word("table", name, lang), **{k: number(c.get(k, 0), lang, "count") for k in ("read", "loaded", "rejected")})
        for name, c in tables.items() if isinstance(c, dict))


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("salesscope.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env


@lru_cache(maxsize=4)
def _font(name: str) -> str:
    data = resources.files("salesscope.report").joinpath("assets", "fonts", name).read_bytes()
    return base64.b64encode(data).decode("ascii")


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _chart(fig: Any, div_id: str) -> Markup:
    """A chart drawn once the embedded fonts are ready, so plotly measures labels in the right font."""
    spec = fig.to_json().replace("</", "<\\/")  # a "</script>" inside data must not end the script
    return Markup(
        f'<div class="chart" dir="ltr"><div id="{div_id}" class="plotly-graph-div"></div>'
        f"<script>(function(){{var s={spec};var c={json.dumps(CHART_CONFIG)};"
        f"document.fonts.ready.then(function(){{Plotly.newPlot('{div_id}',s.data,s.layout,c);}});}})();"
        "</script></div>")


def _tone(change: Any, direction: str) -> str:
    """``good``/``bad``/``flat`` for a change, given whether higher is better."""
    if is_missing(change) or float(change) == 0:
        return "flat"
    better = float(change) > 0 if direction != "lower_is_better" else float(change) < 0
    return "good" if better else "bad"


def _card(info: IndicatorInfo, row: pd.Series | None, trend: pd.DataFrame, data: ReportData) -> dict[str, Any]:
    lang, cur = data.lang, data.currency
    get = (lambda k: row.get(k) if row is not None else None)  # noqa: E731
    value = get("value")
    card: dict[str, Any] = {"id": info.id, "name": info.name(lang), "other_name": info.name(locale.DEFAULT) if lang != locale.DEFAULT else "",
                            "defined": not is_missing(value)}
    card["value"] = format_value(value, info.unit, lang, cur)
    card["undefined"] = t("undefined", lang, reason=reason_text(get("reason"), lang)) if is_missing(value) else ""
    change = get("change")
    card["change"] = change_text(change, info.unit, lang, cur)
    card["change_reason"] = "" if not is_missing(change) else reason_text(
        "no_previous_period" if is_missing(get("previous_value")) else get("reason"), lang)
    card["tone"] = _tone(change, info.direction)
    n = get("n")
    card["n"] = t("sample", lang, n=number(n, lang, "count")) if not is_missing(n) else ""
    lo, hi = get("ci_low"), get("ci_high")
    card["ci"] = f"{t('ci', lang)}: {interval_text(lo, hi, info.unit, lang, cur)}" if interval_text(lo, hi, info.unit) else ""
    status, target = get("status"), get("target")
    card["status"] = str(status) if not is_missing(status) and str(status) in ("met", "missed") else ""
    card["status_text"] = locale.text(f"status.{card['status'] or 'none'}", lang)
    card["target"] = format_value(target, info.unit, lang, cur) if not is_missing(target) else ""
    note = get("reason")
    card["note"] = reason_text(note, lang) if not is_missing(value) and not is_missing(note) and str(note) else ""
    card["chart"] = _chart(charts.trend(trend, lang=lang, currency=cur), f"trend-{info.id}") if len(trend) else ""
    return card


def _breakdown_table(infos: list[IndicatorInfo], frame: pd.DataFrame, dim: str, data: ReportData) -> dict | None:
    lang = data.lang
    cols = [i for i in infos if i.id in set(frame["kpi"])] if len(frame) else []
    if not cols:
        return None
    rows = []
    for key, part in frame.groupby(dim, sort=True):
        cells: list[dict[str, Any]] = []
        for info in cols:
            r = part[part["kpi"] == info.id]
            if r.empty:
                cells.append({"text": "—", "n": "", "title": ""})
                continue
            r0 = r.iloc[0]
            v = r0.get("value")
            cells.append({
                "text": format_value(v, info.unit, lang, data.currency) if not is_missing(v)
                else t("undefined", lang, reason=reason_text(r0.get("reason"), lang)),
                "undefined": is_missing(v),
                "n": t("sample", lang, n=number(r0.get("n"), lang, "count")) if not is_missing(r0.get("n")) else "",
            })
        rows.append({"key": str(key), "cells": cells})  # an id (a rep's R09) keeps its own digits
    return {"dim": dim, "title": t("breakdown_by", lang, dim=locale.word("dim", dim, lang)),
            "columns": [i.name(lang) for i in cols], "rows": rows}


def _finding(f: dict[str, Any], names: dict[str, IndicatorInfo], lang: Lang, currency: str) -> dict[str, Any]:
    info = names.get(f.get("kpi", ""))
    dims = ", ".join(f"{locale.word('dim', k, lang)}: {v}" for k, v in (f.get("dimensions") or {}).items())
    return {"kind": f.get("kind", ""), "kind_text": locale.word("kind", f.get("kind", ""), lang),
            "kpi": info.name(lang) if info else f.get("kpi", ""), "period": digits(f.get("period", ""), lang),
            "dims": dims, "text": f.get(f"advice_{lang}") or f.get("advice_en"),
            "confidence": locale.word("confidence", f.get("confidence", ""), lang),
            "evidence": evidence_words(f.get("evidence") or {}, str((f.get("evidence") or {}).get("unit") or ""),
                                       lang, currency)}


def _funnel_rows(fun: pd.DataFrame, lang: Lang) -> list[dict[str, str]]:

    fun = fun.assign(count=fun["count"].astype("Float64"), note=fun.get("note"))
    agg = fun.groupby("stage", sort=False, as_index=False, dropna=False).agg(
        count=("count", lambda c: c.sum(min_count=1)), conversion=("conversion", "first"),
        drop_off=("drop_off", "first"), note=("note", "first"))
    order = {s: i for i, s in enumerate(charts.FUNNEL_STAGES)}
    agg = agg.sort_values("stage", key=lambda s: s.map(order))
    return [{"stage": locale.word("funnel", r.stage, lang),
             "count": number(r.count, lang, "count"),
             "conversion": (locale.word("funnel", r.note, lang) if isinstance(r.note, str) and r.note
                            else value_text(r.conversion, "percent", lang)),
             "drop_off": value_text(r.drop_off, "percent", lang)}
            for r in agg.itertuples()]


def _when(value: Any, lang: Lang, calendar: str) -> str:
    if is_missing(value):
        return "—"
    ts = pd.Timestamp(value)
    return f"{format_date(ts.date(), lang, calendar)} {digits(ts.strftime('%H:%M'), lang)}"


def context(data: ReportData) -> dict[str, Any]:
    """The template's variables: every text already in the reader's language and digits."""
    lang = data.lang
    date_cal = locale.text("meta.calendar", lang) or data.calendar
    names = {i.id: i for i in data.indicators}
    current = data.current().set_index("kpi") if len(data.kpis) else pd.DataFrame()
    sections = []
    for stage, infos in data.stages() if "indicators" in data.sections else ():
        cards = []
        for info in infos:
            row = current.loc[info.id] if info.id in current.index else None
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            cards.append(_card(info, row, data.kpis[data.kpis["kpi"] == info.id], data))
        tables = [tb for dim, frame in data.breakdowns.items()
                  if (tb := _breakdown_table(infos, frame, dim, data)) is not None]
        sections.append({"id": stage, "title": locale.word("stage", stage, lang), "cards": cards, "tables": tables})
    fun = data.funnel
    has_funnel = fun is not None and len(fun) > 0
    scope = "; ".join(f"{locale.word('dim', k, lang)}: {digits(', '.join(v), lang)}" for k, v in data.scope.items())
    return {
        "lang": lang, "dir": "rtl" if locale.is_rtl(lang) else "ltr", "t": lambda key, **kw: t(key, lang, **kw),
        "workspace": data.workspace, "period": digits(data.period, lang),
        "period_from": format_date(data.period_start, lang, date_cal),
        "period_to": format_date(data.period_end, lang, date_cal),
        "grain": locale.word("grain", data.grain, lang), "calendar": locale.word("calendar", data.calendar, lang),
        "generated": format_date(data.generated_at.date(), lang, date_cal) + " " + digits(data.generated_at.strftime("%H:%M"), lang),
        "scope": scope, "sections": sections, "show": set(data.sections),
        "funnel_chart": _chart(charts.funnel(fun, lang=lang), "funnel-chart") if has_funnel else "",
        "funnel_rows": _funnel_rows(fun, lang) if has_funnel else [],
        "advice": [_finding(f, names, lang, data.currency) for f in data.advice()],
        "warnings": [_finding(f, names, lang, data.currency) for f in data.warnings()],
        "why": data.why,
        "more_findings": t("more_findings", lang, n=number(data.more(), lang, "count"),
                           workbook="salesscope report --format xlsx", advise="salesscope advise --all")
        if data.more() else "",
        "imports": [{"started": _when(r.started_at, lang, date_cal), "files": _import_files(r.files),
                     "summary": _import_summary(r.summary, lang)}
                    for r in (data.imports if data.imports is not None else pd.DataFrame()).itertuples()],
        "quarantine": [{"table": r.table, "reason": r.reason, "rows": number(r.rows, lang, "count")}
                       for r in (data.quarantine if data.quarantine is not None else pd.DataFrame()).itertuples()],
        "font_regular": _font("Vazirmatn-Regular.woff2"), "font_bold": _font("Vazirmatn-Bold.woff2"),
        "plotly_js": Markup(_plotly_js()),
        "forecast": outlook.html_context(data.outlook, lang, data.currency, date_cal, _chart),
    }


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document that opens with no network."""
    return _env().get_template("report.html.j2").render(**context(data))

"""Gather what a report shows from a workspace: indicators, funnel, breakdowns, advice, data quality.

Renderers (HTML, PDF, XLSX) take the :class:`ReportData` built here and never query anything, so
the engine is asked once per report and every format shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from salesscope import locale
from salesscope.errors import QueryError, UsageError
from salesscope.i18n import Lang, to_ascii_digits
from salesscope.locale import Text
from salesscope.workspace import batch

DEFAULT_BREAKDOWNS = ("channel", "team", "rep")
DIMENSIONS = ("team", "rep", "channel", "campaign", "product", "segment")  # built in; others come from the data
# What a report can hold, in its order; ``build(sections=...)`` leaves the others out.
SECTIONS = ("indicators", "funnel", "forecast", "advice", "quality")
TREND_PERIODS = 12
STAGE_ORDER = ("prospecting", "leads", "opportunities", "results", "customers")


@dataclass(frozen=True)
class IndicatorInfo:
    """What a report needs to know about one indicator (a slice of the engine's catalogue)."""

    id: str
    names: Mapping[str, str]  # by language
    stage: str
    unit: str
    direction: str
    dimensions: tuple[str, ...] = ()
    descriptions: Mapping[str, str] = field(default_factory=dict)  # by language

    def name(self, lang: Lang) -> str:
        return self.names.get(lang) or self.names.get(locale.DEFAULT) or self.id


@dataclass
class ReportData:
    """Everything one report shows, already computed."""

    workspace: str
    currency: str
    lang: Lang
    calendar: str
    grain: str
    period: str
    period_start: dt.date
    period_end: dt.date
    indicators: list[IndicatorInfo]
    kpis: pd.DataFrame  # tidy, no dimension columns, the trend up to and including ``period``
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # dim -> tidy for ``period``
    funnel: pd.DataFrame | None = None
    findings: list[dict[str, Any]] | None = None  # None when the advice engine is absent
    why: list[dict[str, Any]] = field(default_factory=list)  # "why did it change?" readings, in ``lang``
    imports: pd.DataFrame | None = None
    quarantine: pd.DataFrame | None = None
    scope: dict[str, list[str]] = field(default_factory=dict)
    outlook: Any = None  # report.outlook.Outlook: the forecast and plan; None when not asked for
    sections: tuple[str, ...] = SECTIONS  # the parts shown
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def stages(self) -> list[tuple[str, list[IndicatorInfo]]]:
        """Indicators grouped by funnel stage, in funnel order."""
        known = [s for s in STAGE_ORDER if any(i.stage == s for i in self.indicators)]
        extra = sorted({i.stage for i in self.indicators} - set(known))
        return [(s, [i for i in self.indicators if i.stage == s]) for s in known + extra]

    def current(self) -> pd.DataFrame:
        """One row per indicator for the report's period."""
        return self.kpis[self.kpis["period"] == self.period]

    def top(self) -> list[dict[str, Any]]:
        """The most valuable findings, as ``salesscope advise`` shows them; the workbook holds every one."""
        from salesscope.advice.model import TOP

        return (self.findings or [])[:TOP]

    def more(self) -> int:
        """How many findings the top leaves out."""
        return len(self.findings or []) - len(self.top())

    def warnings(self) -> list[dict[str, Any]]:
        return [f for f in self.top() if f["kind"] == "warning"]

    def advice(self) -> list[dict[str, Any]]:
        return [f for f in self.top() if f["kind"] != "warning"]


def catalog_info(ws: Any = None) -> list[IndicatorInfo]:
    """The workspace's semantic model (the built-ins alone without one) as :class:`IndicatorInfo`."""
    from salesscope.semantic import builtin

    model = ws.model if ws is not None else builtin()
    return [IndicatorInfo(
        id=ind.id, names={lang: ind.name(lang) for lang in locale.languages()}, stage=ind.stage.value,
        unit=ind.unit.value, direction=ind.direction.value, dimensions=tuple(sorted(d.value for d in ind.dimensions)),
        descriptions={lang: ind.description(lang) for lang in locale.languages()})
        for ind in model.indicators.values()]


def _pick_period(kpis: pd.DataFrame, period: str | None, today: dt.date) -> pd.Series:
    """The row (period, start, end) the report is about: asked for, else the last one that ended
    before ``today`` and that the data covers whole."""
    cols = ["period", "period_start", "period_end"] + (["complete"] if "complete" in kpis else [])
    periods = kpis[cols].drop_duplicates("period").sort_values("period_start")
    if periods.empty:
        raise QueryError(Text("error.report.no_data"))
    if period is not None:
        wanted = to_ascii_digits(period).strip().replace("/", "-")
        match = periods[periods["period"].astype(str) == wanted]
        if match.empty:
            shown = ", ".join(periods["period"].astype(str).tail(6))
            raise QueryError(Text("error.report.no_period", period=period, shown=shown))
        return match.iloc[-1]
    ends = pd.to_datetime(periods["period_end"]).dt.date
    finished = periods[ends < today]
    whole = finished[finished["complete"].astype(bool)] if "complete" in finished else finished
    return next(p for p in (whole, finished, periods) if not p.empty).iloc[-1]


def _kpis(ws: Any, scope: dict[str, list[str]], **kw: Any) -> pd.DataFrame:
    if scope:
        return ws.kpis(scope=scope, **kw)
    return ws.kpis(**kw)


def _findings(ws: Any, scope: dict[str, list[str]], **kw: Any) -> list[dict[str, Any]]:
    from salesscope.advice import findings

    return [_as_dict(f) for f in findings(ws, scope=scope or None, **kw)]


WHY_KPIS = 2  # ratio indicators whose change the report explains


def _why(ws: Any, scope: dict[str, list[str]], found: list[dict[str, Any]], *, period: str, grain: str,
         calendar: str, lang: Lang, today: dt.date) -> list[dict[str, Any]]:
    """"Why did it change?" for the proportions the top findings speak of (else the win rate), in ``lang``."""
    from salesscope.advice.microscope import PROPORTIONS
    from salesscope.advice.model import TOP
    from salesscope.advice.why import describe, why

    named = [f["kpi"] for f in found[:TOP] if f["kpi"] in PROPORTIONS]
    kpis = [k for k in dict.fromkeys([*named, "win_rate"]) if k in ws.model.indicators][:WHY_KPIS]
    out = []
    for kpi in kpis:
        try:
            w = why(ws, kpi, period=period, grain=grain, calendar=calendar, today=today, scope=scope or None)
        except QueryError:
            continue  # no data, or nothing to compare with: nothing to explain
        ind = ws.model.indicators[kpi]
        out.append(describe(w, lang, ind.name(lang), ws.config.currency))
    return out


def _as_dict(f: Any) -> dict[str, Any]:
    return f.to_dict() if hasattr(f, "to_dict") else dict(f)


def data_quality(ws: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was imported (newest first) and quarantined rows counted by table and reason."""
    con = ws.duckdb
    imports = con.execute(
        'SELECT import_id, started_at, files, summary FROM "_imports" ORDER BY started_at DESC LIMIT 50'
    ).df()
    # Only the reason's text before a colon-separated value is grouped, so no user value leaks.
    quarantine = con.execute(
        'SELECT target_table AS "table", reason, count(*) AS rows FROM "_quarantine" '
        "GROUP BY 1, 2 ORDER BY rows DESC, 1, 2 LIMIT 200"
    ).df()
    return imports, quarantine


@batch
def build(ws: Any, *, lang: Lang = "en", calendar: str | None = None, period: str | None = None,
          grain: str = "month", by: list[str] | None = None,
          scope: dict[str, list[str]] | None = None, today: dt.date | None = None,
          forecast: bool = True, target: float | None = None, target_period: str | None = None,
          sections: Sequence[str] | None = None) -> ReportData:
    """Ask the engine (and the advice engine) everything a report shows, once.

    ``forecast`` adds the forecast of the coming periods; ``target`` and ``target_period`` add a plan.
    ``sections`` (default: all of ``SECTIONS``) names the parts to show; the others are not computed.
    """
    shown = check_sections(sections)
    forecast = forecast and "forecast" in shown
    from salesscope.engine.funnel import funnel as engine_funnel

    scope = {k: [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])] for k, v in (scope or {}).items()}
    calendar = calendar or str(getattr(ws.config.calendar, "value", ws.config.calendar))
    today = today or dt.date.today()
    infos = catalog_info(ws)
    allk = _kpis(ws, scope, grain=grain, calendar=calendar)
    chosen = _pick_period(allk, period, today)
    start = pd.Timestamp(chosen["period_start"]).date()
    end = pd.Timestamp(chosen["period_end"]).date()
    starts = sorted(pd.to_datetime(allk["period_start"]).dt.date.unique())
    window = [s for s in starts if s <= start][-TREND_PERIODS:]
    kpis = allk[pd.to_datetime(allk["period_start"]).dt.date.isin(window)].reset_index(drop=True)

    fun = None
    if "funnel" in shown:
        try:
            fkw: dict[str, Any] = dict(grain=grain, calendar=calendar, start=start, end=end)
            fun = engine_funnel(ws, scope=scope, **fkw) if scope else engine_funnel(ws, **fkw)
            fun = fun[fun["period"] == chosen["period"]]
        except QueryError:
            fun = None
    found = _findings(ws, scope, period=str(chosen["period"]), grain=grain, calendar=calendar,
                      by=by, lang=lang) if "advice" in shown else None
    why = _why(ws, scope, found, period=str(chosen["period"]), grain=grain, calendar=calendar, lang=lang,
               today=today) if found is not None else []
    # after the advice, which read every breakdown over the whole history: the period is taken from it
    breakdowns: dict[str, pd.DataFrame] = {}
    for dim in (by or list(DEFAULT_BREAKDOWNS)) if "indicators" in shown else ():
        # built-in dimensions are known per indicator; the data's own (an attribute, the channel
        # label, a rep role) are asked of every indicator, and those that lack them drop out
        ids = [i.id for i in infos if dim in i.dimensions] if dim in DIMENSIONS else None
        if ids == []:
            continue
        part = _kpis(ws, scope, ids=ids, grain=grain, calendar=calendar, by=[dim], start=start, end=end)
        part = part[part["period"] == chosen["period"]]
        breakdowns[dim] = part[~part["reason"].fillna("").str.startswith("no_dimension:")]
    imports, quarantine = data_quality(ws) if "quality" in shown else (None, None)
    outlook = None
    if forecast:
        from salesscope.report.outlook import gather

        outlook = gather(ws, scope=scope, grain=grain, calendar=calendar, target=target, target_period=target_period)
    return ReportData(
        workspace=ws.config.name, currency=ws.config.currency, lang=lang, calendar=calendar,
        grain=grain, period=str(chosen["period"]), period_start=start, period_end=end,
        indicators=infos, kpis=kpis, breakdowns=breakdowns, funnel=fun, findings=found, why=why,
        imports=imports, quarantine=quarantine, scope=scope, outlook=outlook, sections=shown)


def check_sections(sections: Sequence[str] | str | None) -> tuple[str, ...]:
    """The report sections asked for, in the report's order (all of them when none is named)."""
    if sections is None:
        return SECTIONS
    names = [s.strip().lower() for s in (sections.split(",") if isinstance(sections, str) else sections)]
    names = [s for s in names if s]
    unknown = [s for s in names if s not in SECTIONS]
    if unknown or not names:
        raise UsageError(Text("error.report.unknown_section", section=(unknown or [""])[0],
                              options=", ".join(SECTIONS)))
    return tuple(s for s in SECTIONS if s in names)


def scope_from_filter(filter_json: str | dict[str, Any] | None) -> dict[str, list[str]]:
    """A subscription's filter (``{"team": "North"}``) as an engine scope (``{"team": ["North"]}``)."""
    raw = json.loads(filter_json) if isinstance(filter_json, str) and filter_json else (filter_json or {})
    return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in raw.items()}

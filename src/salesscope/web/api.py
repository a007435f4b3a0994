"""Read-only REST routes: indicators at any zoom, the overview, funnel, advice, dimensions, rows."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from salesscope import locale
from salesscope.engine.records import ROW_LIMIT, Page
from salesscope.errors import QueryError
from salesscope.formatting import counts_display, display, funnel_display, pace_display
from salesscope.locale import Text
from salesscope.scope import Scope
from salesscope.vocab import Calendar, Grain
from salesscope.web.auth import authenticate, check_where, scope_for
from salesscope.web.rows import dimension_values, rows_behind, rows_csv
from salesscope.web.service import Service, to_records
from salesscope.web.store import from_memory_or_thread
from salesscope.web.users import User
from salesscope.zoom import Zoom

router = APIRouter(prefix="/api/v1", tags=["indicators"])
SPARK_POINTS = 12


# The dependencies and the routes of cached answers are coroutines that answer on the event loop
# when memory has all they need (who is asking, the answer): a cached page then costs no hop to
# a worker thread. Anything that needs the store or a computation runs in a worker thread.
async def current_user(request: Request) -> User:
    """Who is asking: from memory on the event loop, or from the store in a worker thread."""
    return await from_memory_or_thread(authenticate, request)


def cached_get(path: str, **options: Any) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """``router.get`` for a route answered by :meth:`Service.answer`: on the event loop when the
    answer is kept, in a worker thread otherwise. The function itself stays as written (the
    warm-up calls it from its own thread)."""
    def register(endpoint: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(endpoint)
        async def route(*args: Any, **kwargs: Any) -> Response:
            return await from_memory_or_thread(endpoint, *args, **kwargs)

        router.get(path, **options)(route)
        return endpoint

    return register


async def service(request: Request) -> Service:
    return request.app.state.service


UserDep = Annotated[User, Depends(current_user)]
SvcDep = Annotated[Service, Depends(service)]


async def zoom_query(
    request: Request,
    grain: Grain = Grain.MONTH,
    calendar: Calendar | None = None,
    by: Annotated[str | None, Query(description="comma-separated dimensions, e.g. team,rep")] = None,
    from_: Annotated[str | None, Query(alias="from", description="first day, inclusive: ISO or Jalali "
                                                                  "(1405/01/01), any digits")] = None,
    to: Annotated[str | None, Query(description="last day, inclusive: ISO or Jalali, any digits")] = None,
    where: Annotated[list[str] | None, Query(description="drill-down filter dim:value, repeatable")] = None,
) -> Zoom:
    """The zoom of ``salesscope kpi`` from the query string: grain, calendar, breakdown, range, filters."""
    return Zoom.parse(grain=grain, calendar=calendar, by=by, start=from_, end=to, where=where,
                      config=request.app.state.service.config)


ZoomDep = Annotated[Zoom, Depends(zoom_query)]


def _scoped(user: User, svc: Service, zoom: Zoom) -> Scope:
    check_where(user, {str(d): v for d, v in zoom.where}, svc.team_of())
    return scope_for(user)


def _displayed(rows: list[dict[str, Any]], svc: Service, data_end: Any = None,
               calendar: str = "gregorian") -> list[dict[str, Any]]:
    """Each row with ``display``: its value, change, interval and n as every surface writes them;
    a period the data do not cover to its end (``data_end``) with its ``pace`` where it has a target."""
    currency = svc.ws.config.currency
    for r in rows:
        r["display"] = display(r, currency)
        if data_end is not None:
            r["pace"] = _pace(r, svc, dt.date.fromisoformat(str(data_end)[:10]), calendar)
    return rows


def _pace(row: dict[str, Any], svc: Service, data_end: dt.date, calendar: str) -> dict[str, Any] | None:
    from salesscope.advice.targets import pace

    ind = svc.catalog().get(str(row.get("kpi")))
    if ind is None or not row.get("period_start") or not row.get("period_end"):
        return None
    start, end = (dt.date.fromisoformat(str(row[k])[:10]) for k in ("period_start", "period_end"))
    p = pace(str(row["kpi"]), row.get("value"), row.get("target"), str(ind.direction) == "higher_is_better",
             start, end, data_end + dt.timedelta(days=1))
    if p is None:
        return None
    return {**p, "display": pace_display(p, str(ind.unit), end, calendar, svc.ws.config.currency)}


def _filter(df, zoom: Zoom):
    """The rows matching the zoom's drill-down filters (computed with the filtered dimensions)."""
    for dim, value in zoom.where:
        if str(dim) in df.columns:
            df = df[df[str(dim)].astype(str) == value]
    return df


@router.get("/status")
def status(svc: SvcDep) -> dict[str, bool]:
    """Whether an import is under way (answered without the store, so while one runs too)."""
    return {"importing": svc.import_running}


@router.get("/me")
def me(user: UserDep) -> dict[str, Any]:
    """The logged-in user and what they may see."""
    return {**user.public(), "scope": scope_for(user).as_dict()}


@cached_get("/catalog", response_model=list[dict[str, Any]])
def catalog(user: UserDep, svc: SvcDep) -> Response:
    """The indicators: id, names and descriptions in both languages, unit, direction, stage."""
    def build() -> list[dict[str, Any]]:
        return [{
            "id": ind.id, **{f"name_{lang}": ind.name(lang) for lang in locale.languages()}, "stage": str(ind.stage),
            "unit": str(ind.unit), "direction": str(ind.direction),
            "tables": [str(t) for t in ind.tables],
            "dimensions": [str(d) for d in ind.dimensions],
            **{f"description_{lang}": ind.description(lang) for lang in locale.languages()},
        } for ind in svc.catalog().values()]

    return svc.answer(("catalog",), build)


@cached_get("/indicators", response_model=dict[str, Any])
def indicators(user: UserDep, svc: SvcDep, zoom: ZoomDep,
               ids: Annotated[str | None, Query(description="comma-separated indicator ids")] = None,
               details: bool = False) -> Response:
    """The tidy result of ``salesscope kpi``: one row per indicator x period x dimension values."""
    scope = _scoped(user, svc, zoom)
    id_list = [i.strip() for i in (ids or "").split(",") if i.strip()] or None

    def build() -> dict[str, Any]:
        df = svc.kpis(ids=id_list, zoom=zoom.replace(by=zoom.breakdown), scope=scope, details=details)
        data_end = df.attrs.get("data_end")
        return {"rows": _displayed(to_records(_filter(df, zoom)), svc, data_end, str(zoom.calendar)),
                "data_end": data_end}

    return svc.answer(("indicators", tuple(id_list or ()), zoom, scope, details), build, scope)


@cached_get("/overview", response_model=dict[str, Any])
def overview(user: UserDep, svc: SvcDep, zoom: ZoomDep) -> Response:
    """One card per indicator: the latest period's value, change, target status, n and a sparkline."""
    scope = _scoped(user, svc, zoom)

    def build() -> dict[str, Any]:
        df = _filter(svc.kpis(ids=None, zoom=zoom.replace(by=tuple(zoom.filters)), scope=scope), zoom)
        cards = []
        for kpi, part in df.groupby("kpi", sort=False):
            part = part.sort_values("period_start")
            series = to_records(part[["period", "period_start", "value"]].tail(SPARK_POINTS))
            last = _displayed(to_records(part.tail(1)), svc, df.attrs.get("data_end"), str(zoom.calendar))[0] \
                if len(part) else {}
            cards.append({"kpi": kpi, "latest": last, "spark": series})
        return {"cards": cards, "data_end": df.attrs.get("data_end")}

    return svc.answer(("overview", zoom.replace(by=()), scope), build, scope)


@cached_get("/funnel", response_model=dict[str, Any])
def funnel(user: UserDep, svc: SvcDep, zoom: ZoomDep) -> Response:
    """Counts per funnel stage with conversion and drop-off, at the zoom asked."""
    scope = _scoped(user, svc, zoom)

    def build() -> dict[str, Any]:
        df = svc.funnel(zoom=zoom.replace(by=zoom.breakdown), scope=scope)
        return {"rows": [{**r, "display": funnel_display(r)} for r in to_records(_filter(df, zoom))]}

    return svc.answer(("funnel", zoom, scope), build, scope)


@cached_get("/funnel/stages", response_model=dict[str, Any])
def stage_funnel(user: UserDep, svc: SvcDep) -> Response:
    """Deals per pipeline stage from the CRM's stage history (a CRM database read in place):
    reached, moved on, still open, conversion and days in stage, within the user's scope."""
    from salesscope.engine.stages import stage_funnel as run

    scope = scope_for(user)
    return svc.answer(("stage_funnel", scope), lambda: {"rows": to_records(run(svc.ws, scope=scope))}, scope)


@cached_get("/advice", response_model=dict[str, Any])
def advice(user: UserDep, svc: SvcDep, zoom: ZoomDep,
           lang: Annotated[str, Query(pattern="^(en|fa)$")] = "en") -> Response:
    """What to do about the indicators, from the advice engine, within the user's scope."""
    from salesscope.web.advice_bridge import advice_of

    scope = _scoped(user, svc, zoom)
    return svc.answer(("advice", zoom, scope, lang), lambda: advice_of(svc, zoom, scope, lang), scope)


@router.get("/changes")
def changes(user: UserDep, svc: SvcDep, zoom: ZoomDep,
            lang: Annotated[str, Query(pattern="^(en|fa)$")] = "en") -> dict[str, Any]:
    """What changed in the last finished period of the zoom's grain (the dashboard asks for a week):
    the advice findings, most valuable first, and how many there are of each kind."""
    from salesscope.advice.model import Kind
    from salesscope.web.advice_bridge import advice_of

    items = advice_of(svc, zoom, _scoped(user, svc, zoom), lang)["items"]
    counts = {str(k): sum(f["kind"] == k for f in items) for k in Kind}
    kinds = [{"kind": k, "count": n, "display": counts_display({"count": n})} for k, n in counts.items() if n]
    return {"period": items[0]["period"] if items else None, "total": len(items),
            "display": counts_display({"total": len(items)}), "kinds": kinds, "items": items}


@cached_get("/why/{kpi}", response_model=dict[str, Any])
def why(kpi: str, user: UserDep, svc: SvcDep, zoom: ZoomDep,
        period: Annotated[str | None, Query(description="period label, e.g. 2026-02 (default: last complete)")] = None,
        against: Annotated[str, Query(pattern="^(previous|like)$")] = "previous") -> Response:
    """Why a ratio indicator changed: mix and rate effects per member of each breakdown, with 95% intervals."""
    from salesscope.advice.why import why as explain

    scope = _scoped(user, svc, zoom)
    today = zoom.end + dt.timedelta(days=1) if zoom.end else None

    def build() -> dict[str, Any]:
        from salesscope.advice.why import describe

        with svc.reading() as ws:
            w = explain(ws, kpi, period=period, grain=zoom.grain, calendar=zoom.calendar,
                        by=zoom.by or None, against=against, today=today or None, scope=scope)
            ind = ws.model.indicators[kpi]
            texts = {lang: describe(w, lang, ind.name(lang), ws.config.currency) for lang in locale.languages()}
        return {**w.to_dict(), "texts": texts}

    return svc.answer(("why", kpi, period, against, zoom, scope), build, scope)


@router.get("/dimensions/{dim}/values")
def dimension(dim: str, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """The values of one dimension that the user may see (for filters and drill-downs)."""
    return {"dimension": dim, "values": dimension_values(svc, dim, scope_for(user))}


@router.get("/indicators/{kpi}/rows", response_model=None)
def rows(kpi: str, user: UserDep, svc: SvcDep, zoom: ZoomDep,
         period_start: dt.date, period_end: dt.date,
         table: Annotated[list[str] | None, Query(description="only these of the indicator's tables (facts)")] = None,
         offset: Annotated[int, Query(ge=0)] = 0,
         limit: Annotated[int, Query(ge=1, le=1000)] = ROW_LIMIT,
         sort: Annotated[str | None, Query(description="column to sort by")] = None,
         desc: bool = False,
         q: Annotated[str, Query(max_length=200, description="keep records containing this text")] = "",
         lang: Annotated[str | None, Query(description="language of headers and cells")] = None,
         format: Annotated[str, Query(pattern="^(json|csv)$")] = "json") -> dict[str, Any] | Response:
    """The input records behind one number: the indicator's tables in that period and drill-down,
    one page at a time (sorted, searched), headers and cells in the reader's language and calendar;
    ``format=csv`` downloads every record of one table as listed."""
    scope = _scoped(user, svc, zoom)
    language = lang if lang and locale.supported(lang) else svc.ws.config.language
    page = Page(offset, limit, sort, desc, q)
    if format == "csv":
        if not table or len(table) != 1:
            raise QueryError(Text("error.web.download_one_table"))
        text = rows_csv(svc, kpi, table[0], period_start, period_end, zoom.filters, scope, page,
                        lang=language, calendar=str(zoom.calendar))
        name = f"{kpi}-{table[0]}-{period_start}-{period_end}.csv"
        return Response(text, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return rows_behind(svc, kpi, period_start, period_end, zoom.filters, scope, page, lang=language,
                       calendar=str(zoom.calendar), facts=table)

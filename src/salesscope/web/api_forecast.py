"""Forecast and plan routes: where the coming periods will land, and what a revenue target takes."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from salesscope.errors import UsageError
from salesscope.locale import Text
from salesscope.scope import Scope
from salesscope.typed import ascii_text, parse_number
from salesscope.vocab import Calendar, Grain
from salesscope.web.api import SvcDep, UserDep
from salesscope.web.auth import scope_for
from salesscope.web.service import Service, to_records

router = APIRouter(prefix="/api/v1", tags=["forecast"])


def clean(value: Any) -> Any:
    """JSON-ready: undefined floats (NaN, infinity) become null at any depth."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def forecast_payload(df, currency: str) -> dict[str, Any]:
    """The forecast frame as the API returns it: rows, method, track record, and its texts in en and fa;
    each row and score carries its display strings (``display[lang]``), as every other surface writes them."""
    from salesscope.forecast import display
    from salesscope.forecast.texts import (
        bands_note,
        compared_text,
        method_text,
        track_text,
        unvalued_note,
    )

    a = df.attrs
    track = a.get("track_record")
    texts = {"method": {lang: f"{method_text(a, lang)} {bands_note(a, lang)}" for lang in ("en", "fa")}}
    if track is not None:
        texts["track"] = {lang: track_text(track, lang) for lang in ("en", "fa")}
        track = {**track, "display": display.track_display(track)}
    compared = a.get("compared")
    if compared:
        texts["compared"] = {lang: compared_text(a, lang) for lang in ("en", "fa")}
        other = compared["track_record"]
        compared = {**compared, "track_record": {**other, "display": display.track_display(other)}}
    rows = [{**r, "display": display.row_display(r, currency)} for r in to_records(df)]
    if a.get("unvalued"):
        texts["unvalued"] = {lang: unvalued_note(a["unvalued"], lang) for lang in ("en", "fa")}
    return clean({"as_of": a["as_of"], "method": a["method"], "notes": list(a.get("notes") or []),
                  "unvalued": list(a.get("unvalued") or []),
                  "stratum": a["stratum"], "n_closed": a["n_closed"], "calibration": a.get("calibration"),
                  "n_open": a.get("n_open"), "n_staged": a.get("n_staged"), "n_stage_closed": a.get("n_stage_closed"),
                  "compared": compared,
                  "rows": rows,
                  "track_record": track, "texts": texts})


def run_forecast(svc: Service, *, periods: int, grain: str, calendar: str | None, by: str | None,
                 track_record: bool, scope: Scope) -> dict[str, Any]:
    """The forecast within ``scope``, cached until the next import or settings change."""
    from salesscope.forecast import forecast as compute

    key = ("forecast", periods, grain, calendar, by, track_record, scope)
    return svc.cached(key, lambda: forecast_payload(compute(
        svc.ws, periods=periods, grain=grain, calendar=calendar, by=by, track_record=track_record,
        scope=scope), svc.ws.config.currency), scope)


def run_plan(svc: Service, *, target: float, period: str, by: str | None, calendar: str | None,
             scope: Scope) -> dict[str, Any]:
    """The plan within ``scope``, cached like the forecast."""
    from salesscope.forecast import plan as compute
    from salesscope.forecast.display import plan_display

    key = ("plan", target, period, by, calendar, scope)
    return svc.cached(key, lambda: clean(plan_display(compute(svc.ws, target, period, by=by, calendar=calendar,
                                                              scope=scope).to_dict(), svc.ws.config.currency)), scope)


@router.get("/forecast")
def forecast(
    user: UserDep, svc: SvcDep,
    periods: Annotated[int, Query(ge=1, le=24, description="how many periods ahead, the current one first")] = 3,
    grain: Grain = Grain.MONTH,
    calendar: Calendar | None = None,
    by: Annotated[Literal["team", "rep", "channel"] | None, Query(description="one line per team, rep or channel")] = None,
    track_record: Annotated[bool, Query(description="also backtest the method on past periods (slower)")] = True,
) -> dict[str, Any]:
    """Revenue for the next periods with 80%/95% intervals, its parts (won so far, open pipeline, new
    business) and the forecast's own track record; built only from the deals the user may see."""
    return run_forecast(svc, periods=periods, grain=grain.value, calendar=calendar.value if calendar else None,
                        by=by, track_record=track_record, scope=scope_for(user))


@router.get("/plan")
def plan(
    user: UserDep, svc: SvcDep,
    target: Annotated[str, Query(max_length=40, description="revenue to reach, in the workspace currency; "
                                                            "any digits, thousands separators allowed")],
    period: Annotated[str, Query(min_length=4, max_length=16, description="2026-Q3, 2026-07, 1405-Q2 (any digits)")],
    by: Annotated[Literal["team", "rep"] | None, Query(description="split the target per team or rep")] = None,
    calendar: Annotated[Calendar | None, Query(description="the calendar of the period label")] = None,
) -> dict[str, Any]:
    """What it takes to reach the target: deals, opportunities, leads, outreach and prospecting hours per
    channel, each with 80%/95% intervals, the assumptions, and whether it is within reach."""
    amount = parse_number(target, "target")
    if amount <= 0:
        raise UsageError(Text("error.forecast.target_not_positive", target=target))
    return run_plan(svc, target=amount, period=ascii_text(period), by=by,
                    calendar=calendar.value if calendar else None, scope=scope_for(user))

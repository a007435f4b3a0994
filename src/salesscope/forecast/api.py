"""``forecast(ws, ...)``: revenue for the next periods with 80%/95% intervals and a track record."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from salesscope.errors import QueryError
from salesscope.forecast import backtest as bt
from salesscope.forecast import bands, data, stages
from salesscope.forecast.periods import ONE_DAY, periods_from
from salesscope.forecast.simulate import Settings, run
from salesscope.locale import Text
from salesscope.scope import Scope, ScopeArg
from salesscope.vocab import Calendar, Grain
from salesscope.workspace import Workspace, batch
from salesscope.zoom import parse_calendar, parse_grain

COLUMNS = ["period", "period_start", "period_end", "expected", "low_80", "high_80", "low_95", "high_95",
           "won_to_date", "from_pipeline", "from_run_rate", "from_track_record", "open_deals"]
N_ORIGINS = 24  # past period starts the forecast is rerun from: its track record and its calibration


def stratified_deals(ws: Workspace, by: str | None, scope: Scope) -> tuple[pd.DataFrame, str | None]:
    """The deals and their stratum: deals are calibrated by product when products are recorded
    (a deal keeps its product for life), else all in one stratum."""
    d = data.deals(ws, by, "product", scope)
    strata = d["stratum"]
    if strata[strata != data.NONE].nunique() > 1:
        return d, "product"
    return d.assign(stratum=np.full(len(d), "all", dtype=object)), None


def data_now(d) -> dt.datetime:
    """The day after the latest recorded creation or close: where the data's present is."""
    last = data.last_event(d)
    if last is None:
        raise QueryError(Text("error.forecast.no_opportunities"))
    return dt.datetime.combine(last.date() + ONE_DAY, dt.time())


@batch
def forecast(ws: Workspace, periods: int = 3, grain: Grain | str = Grain.MONTH, calendar: Calendar | str | None = None,
             by: str | None = None,
             *, as_of: dt.date | None = None, track_record: bool = True, sims: int = 2000,
             seed: int = 7, scope: ScopeArg = None) -> pd.DataFrame:
    """Revenue per period (and ``by`` group) with 80%/95% intervals; ``.attrs`` holds the track record.

    With ``track_record`` the method is rerun from past period starts, and its errors there set the
    bands and correct the expected value (see :mod:`salesscope.forecast.bands`); the track record
    scores the bands as they would have been drawn then. Without it, or with too little history, the
    bands are the simulation's alone and ``attrs["notes"]`` says they are unchecked.

    ``scope`` restricts every deal read (history, pipeline, run-rate, backtest) to some reps or teams.

    Where the store keeps a stage history (a CRM read in place), an open deal's chances come from
    the deals that were in the same stage for as long (``method`` is ``stage_and_age``, see
    :mod:`salesscope.forecast.stages`), and ``attrs["compared"]`` holds the track record of the
    stage-less method on the same origins. Otherwise ``method`` is ``history`` (deal age) and
    ``notes`` says why stage was not used (``no_stage_history``, ``stage_history_thin``).

    >>> df = forecast(ws, periods=3, grain="quarter", calendar="jalali", by="team")  # doctest: +SKIP
    """
    if periods < 1:
        raise QueryError(Text("error.forecast.bad_periods", periods=periods))
    grain, calendar = parse_grain(grain), parse_calendar(calendar or ws.config.calendar)
    by = data.parse_group(by)
    fiscal = ws.config.fiscal_year_start_month
    scope = Scope.parse(scope)
    d, stratum = stratified_deals(ws, by, scope)
    _require_amounts(d)
    # The data's present is the store's, even when a scope's own deals stop earlier.
    end = data_now(d if scope.everything else data.deals(ws, None, None))
    start = dt.datetime.combine(as_of, dt.time()) if as_of else end
    ahead = periods_from(start.date(), periods, grain, calendar, fiscal)
    settings = Settings(sims=sims, seed=seed)
    entries = stages.history(ws, d, scope)
    r = run(d, start, ahead, settings, entries)
    out = bt.summarise(r)
    out["horizon"] = out["period"].map({p.label: h + 1 for h, p in enumerate(ahead)})
    calibration = None
    compared = None
    if track_record:
        def backtest(stage_entries):
            return bt.backtest(d, periods=periods, grain=grain, calendar=calendar, fiscal_start=fiscal,
                               data_end=min(end, start), n_origins=N_ORIGINS, settings=Settings(sims=1000, seed=seed),
                               stage_entries=stage_entries)

        back = backtest(entries if r.method == "stage_and_age" else None)
        calibration = bands.fit(back, grain)
        if r.method == "stage_and_age":
            # the same origins forecast by deal age alone: what the stage history adds
            other = backtest(None)
            compared = {"method": "history", "track_record": bt.track_record(bands.walk_forward(other, grain),
                                                                             other.attrs.get("deals"))}
    out = bands.apply(out, calibration)
    notes = [*r.notes, *([] if calibration else ["bands_unchecked"])]
    if entries is None and r.method != "stated_probability":
        notes.append("no_stage_history")
    if by:
        out = out.rename(columns={"group": by})
        cols = COLUMNS[:3] + [by] + COLUMNS[3:]
    else:
        cols = COLUMNS
    out = out[cols]
    out.attrs.update(as_of=start.date().isoformat(), method=r.method, notes=notes,
                     stratum=stratum or "all", n_closed=_n_closed(d, start), sims=sims,
                     n_open=len(r.open_frame) if r.open_frame is not None else 0,
                     n_staged=r.n_staged, n_stage_closed=r.n_stage_closed,
                     unvalued=r.unvalued, calibration=calibration.to_dict() if calibration else None)
    if track_record:
        out.attrs["track_record"] = bt.track_record(bands.walk_forward(back, grain), back.attrs.get("deals"))
        out.attrs["compared"] = compared
    return out


def _require_amounts(d) -> None:
    """Revenue cannot be forecast from deals none of which has an amount: undefined, not zero."""
    if d["amount"].count() == 0:
        raise QueryError(Text("error.forecast.no_amounts", n=len(d)))


def _n_closed(d, as_of: dt.datetime) -> int:
    return int((d["status"].isin(data.CLOSED) & (d["x"] < data.epoch(as_of))).sum())

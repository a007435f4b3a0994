"""The forecast's own track record: the same method run from past dates, scored against what happened.

Each past period start is an as-of date; the store is read as it stood then (deals created
before it, closes before it), and the forecast is compared with the revenue actually won.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from salesscope.forecast import data
from salesscope.forecast.calibration import fit
from salesscope.forecast.periods import ONE_DAY, Period, periods_from
from salesscope.forecast.simulate import DAY_S, Settings, run
from salesscope.vocab import Calendar, Grain

Q = {"low_95": 2.5, "low_80": 10.0, "high_80": 90.0, "high_95": 97.5}


def summarise(run_, groups: list[str] | None = None) -> pd.DataFrame:
    """Mean and interval bounds per group and period of a simulation run."""
    rows = []
    qs = np.percentile(run_.samples, list(Q.values()), axis=0)  # 4 x groups x periods
    for gi, g in enumerate(run_.groups):
        for j, p in enumerate(run_.periods):
            row = {"period": p.label, "period_start": p.start, "period_end": p.end, "group": g,
                   "expected": float(run_.samples[:, gi, j].mean())}
            row.update({k: float(qs[i, gi, j]) for i, k in enumerate(Q)})
            row.update(won_to_date=float(run_.won_to_date[gi, j]),
                       from_pipeline=float(run_.pipeline_mean[gi, j]),
                       from_run_rate=float(run_.run_rate_mean[gi, j]),
                       open_deals=int(run_.open_deals[gi]) if j == 0 else None)
            rows.append(row)
    return pd.DataFrame(rows)


def origins(d, grain: Grain, calendar: Calendar, fiscal_start: int, data_end: dt.datetime, n: int,
            min_history_days: int) -> list[Period]:
    """Past periods whose start can serve as an as-of date: whole, and with enough history before."""
    first = d["c"].min()
    if pd.isna(first):
        return []
    earliest = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=float(first) + min_history_days * DAY_S)
    out: list[Period] = []
    p = periods_from(data_end.date(), 1, grain, calendar, fiscal_start)[0]
    from salesscope.engine.calendar import shift

    while len(out) < n:
        p = shift(p, -1, grain, calendar, fiscal_start)
        if dt.datetime.combine(p.start, dt.time()) < earliest:
            break
        if dt.datetime.combine(p.end + ONE_DAY, dt.time()) <= data_end:
            out.append(p)
    return out[::-1]


class Outcomes:
    """Each valued open deal's predicted chance of a win and what happened, ``(origin, p, won)``,
    as a back-test keeps them in its frame's ``attrs``. Immutable, so the copies pandas makes of a
    frame's ``attrs`` on every operation share it instead of copying each of its tuples."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[tuple[str, float, bool]]) -> None:
        self.rows: tuple[tuple[str, float, bool], ...] = tuple(rows)

    def __deepcopy__(self, memo: dict) -> Outcomes:
        return self

    def __len__(self) -> int:
        return len(self.rows)


def backtest(d, *, periods: int, grain: Grain, calendar: Calendar, fiscal_start: int, data_end: dt.datetime,
             n_origins: int = 12, min_history_days: int = 180, settings: Settings | None = None,
             stage_entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Forecast vs actual for every past origin, horizon and group whose period has ended.

    ``attrs["deals"]`` holds, per origin, each valued open deal's predicted chance of a win within
    the forecast's periods and whether it was won in them (:class:`Outcomes`, see :func:`brier`).
    """
    settings = settings or Settings(sims=1000)
    frames: list[pd.DataFrame] = []
    deals: list[tuple[str, float, bool]] = []
    for first in origins(d, grain, calendar, fiscal_start, data_end, n_origins, min_history_days):
        as_of = dt.datetime.combine(first.start, dt.time())
        ahead = [p for p in periods_from(first.start, periods, grain, calendar, fiscal_start)
                 if dt.datetime.combine(p.end + ONE_DAY, dt.time()) <= data_end]
        r = run(d, as_of, ahead, settings, stage_entries)
        if r.open_frame is not None and len(r.open_frame):
            o = r.open_frame
            won = (o["status"] == "won") & (o["x"] < data.epoch(ahead[-1].end + ONE_DAY))
            deals += [(first.label, float(p), bool(w)) for p, w in zip(o["p_horizon"], won, strict=True)]
        s = summarise(r)
        s["origin"] = first.label
        s["origin_start"] = first.start
        s["horizon"] = s["period"].map({p.label: h + 1 for h, p in enumerate(ahead)})
        actual = data.won_between(d, [(data.epoch(p.start), data.epoch(p.end + ONE_DAY)) for p in ahead])
        actual["period_start"] = [(dt.datetime(1970, 1, 1) + dt.timedelta(seconds=v)).date() for v in actual["lo"]]
        s = s.merge(actual[["period_start", "grp", "won"]].rename(columns={"grp": "group", "won": "actual"}),
                    on=["period_start", "group"], how="left")
        s["actual"] = s["actual"].fillna(0.0)
        frames.append(s)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out["in_80"] = (out["actual"] >= out["low_80"]) & (out["actual"] <= out["high_80"])
    out["in_95"] = (out["actual"] >= out["low_95"]) & (out["actual"] <= out["high_95"])
    out.attrs["deals"] = Outcomes(deals)
    return out


def brier(deals: Outcomes | None, origins: list[str]) -> float | None:
    """The mean squared gap between the open deals' predicted chance of a win within the forecast's
    periods and what happened (1 won, 0 not), over the given origins: 0 is perfect, 0.25 a coin."""
    kept = set(origins)
    gaps = [(p - float(won)) ** 2 for origin, p, won in (deals.rows if deals else ()) if origin in kept]
    return float(np.mean(gaps)) if gaps else None


def track_record(bt: pd.DataFrame, deals: Outcomes | None = None) -> dict:
    """Error and interval coverage of a backtest, overall and per horizon; with the backtest's
    ``deals`` (its ``attrs["deals"]``), the Brier score of their win chances over the same origins."""
    def score(b: pd.DataFrame) -> dict:
        pos = b[b["actual"] > 0]
        return {
            "n": int(len(b)),
            "mape": float((abs(pos["expected"] - pos["actual"]) / pos["actual"]).mean() * 100) if len(pos) else None,
            "wape": float(abs(b["expected"] - b["actual"]).sum() / b["actual"].sum() * 100)
            if b["actual"].sum() > 0 else None,
            "bias": float((b["expected"].sum() - b["actual"].sum()) / b["actual"].sum() * 100)
            if b["actual"].sum() > 0 else None,
            "coverage_80": float(b["in_80"].mean() * 100) if len(b) else None,
            "coverage_95": float(b["in_95"].mean() * 100) if len(b) else None,
        }

    if bt.empty:
        return {"n": 0, "mape": None, "wape": None, "bias": None, "coverage_80": None, "coverage_95": None,
                "brier": None, "by_horizon": {}, "origins": []}
    out = score(bt)
    out["by_horizon"] = {int(h): score(b) for h, b in bt.groupby("horizon")}
    out["origins"] = sorted(bt["origin"].unique().tolist())
    out["brier"] = brier(deals, out["origins"])
    return out


def calibration(d, *, data_end: dt.datetime, horizon_days: int = 90, step_days: int = 30,
                min_history_days: int = 180, bins: int = 10, settings: Settings | None = None) -> pd.DataFrame:
    """Predicted vs realised chance of a win within ``horizon_days``, by decile of the prediction.

    Deals open at each past as-of date are scored with a life table fitted on what was known then.
    """
    settings = settings or Settings()
    first = d["c"].min()
    t = float(first) + min_history_days * DAY_S
    end = data.epoch(data_end) - horizon_days * DAY_S
    preds = []
    while t <= end:
        open_ = data.open_at(d, t)
        if len(open_):
            counts = data.life_counts(d, [t], settings.bin_days)
            lt = fit(counts, settings.bin_days, (t - open_["c"].min()) / DAY_S + 2 * horizon_days,
                     min_closed=settings.min_closed, tail_min=settings.tail_min)
            age = (t - open_["c"].to_numpy(float)) / DAY_S
            q = lt.win_between(open_["stratum"].astype(str).to_numpy(), age, age, age + horizon_days)
            won = (open_["status"] == "won") & (open_["x"] < t + horizon_days * DAY_S)
            preds.append(pd.DataFrame({"predicted": q, "won": won.to_numpy(bool)}))
        t += step_days * DAY_S
    if not preds:
        return pd.DataFrame()
    p = pd.concat(preds, ignore_index=True)
    p["decile"] = pd.qcut(p["predicted"].rank(method="first"), bins, labels=False) + 1
    g = p.groupby("decile").agg(n=("won", "size"), wins=("won", "sum"), predicted=("predicted", "mean"))
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(g["wins"], g["n"], alpha=0.05, method="wilson")
    g["realised"] = g["wins"] / g["n"]
    g["ci_low"], g["ci_high"] = lo, hi
    g["within"] = (g["predicted"] >= g["ci_low"]) & (g["predicted"] <= g["ci_high"])
    return g.reset_index()

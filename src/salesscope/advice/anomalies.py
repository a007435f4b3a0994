"""Anomalies: a value far outside its own history's normal range, like with like.

When the history repeats a pattern (the position in the quarter, the month of the year, the weekday:
:func:`salesscope.advice.baseline.find_cycle`, as every other rule reads it) the normal range is
that of the like periods; otherwise a robust range over the history (seasonally adjusted by STL
when two years of it allow). Either way, a value that earlier periods at the same position in a
cycle also reached is the season returning, not an anomaly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesscope.advice.baseline import CYCLES, compare_values, like_indexes
from salesscope.advice.frames import Context, dims_dict, dims_of, evidence, fnum, series, where
from salesscope.advice.model import Finding
from salesscope.advice.stats import is_thin, pvalue_of_z, robust_range
from salesscope.advice.texts import Num, Term, make
from salesscope.vocab import Grain

THRESHOLD = 3.5  # robust z beyond which a value is out of range (Iglewicz and Hoaglin's cut-off)
MIN_HISTORY = 6
# Series checked besides each indicator's value: (kpi, detail column) -> its name in the catalogue.
DETAIL_SERIES = {
    ("rrroi", "response_rate"): Term("advice.series.response_rate"),
}
# Values that are differences or ratios of differences swing by construction; their history says little.
SKIP = ("rrroi", "revenue_growth")


def anomaly_findings(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for df in [ctx.totals, *(ctx.parts[d] for d in ("channel", "team", "segment") if d in ctx.parts)]:
        dl = dims_of(df)
        here = df[df["period"].astype(str) == str(ctx.period)]
        for _, row in here.iterrows():
            kpi = str(row["kpi"])
            cols: list[tuple[str, Term | None]] = [("value", None)] if kpi not in SKIP else []
            cols += [(c, names) for (k, c), names in DETAIL_SERIES.items() if k == kpi and c in df.columns]
            for col, names in cols:
                f = _check(ctx, df, row, dims_dict(row, dl), col, names)
                if f is not None:
                    out.append(f)
    return out


def _check(ctx: Context, df: pd.DataFrame, row: pd.Series, d: dict[str, str], col: str,
           names: Term | None) -> Finding | None:
    kpi = str(row["kpi"])
    if col == "value" and is_thin(row, ctx.min_sample, check_width=False):
        return None
    n = fnum(row.get("n"))
    if n is not None and n < ctx.min_sample:
        return None
    s = ctx.trusted(series(df, kpi, d), kpi)
    s = s[s["_start"] <= pd.Timestamp(row["period_start"])]
    values = np.array([fnum(v) if fnum(v) is not None else np.nan for v in s[col]], dtype=float)
    if len(values) < MIN_HISTORY + 1 or not np.isfinite(values[-1]):
        return None
    current, history = values[-1], values[:-1]
    found = _normal_range(current, history, ctx.grain)
    if found is None:
        return None
    method, low, high = found
    # The period's own sampling noise widens the range: a value on few cases may stray further.
    lo_ci, hi_ci = (fnum(row.get("ci_low")), fnum(row.get("ci_high"))) if col == "value" else (None, None)
    if lo_ci is not None and hi_ci is not None and hi_ci > lo_ci:
        centre, sigma = (high + low) / 2, (high - low) / (2 * THRESHOLD)
        sigma = float(np.hypot(sigma, (hi_ci - lo_ci) / 3.92))
        low, high = centre - THRESHOLD * sigma, centre + THRESHOLD * sigma
    low = max(low, 0.0)  # every indicator checked here is a count, rate, duration or money: never negative
    if low <= current <= high:
        return None
    if method != "like_periods" and _season_returns(current, history, low, high, ctx.grain):
        return None
    code = "anomaly_high" if current > high else "anomaly_low"
    unit = "percent" if col == "response_rate" else None
    spread = (high - low) / (2 * THRESHOLD) or 1.0
    centre = (high + low) / 2
    ev = evidence(row, measure=col, measured_value=float(current), normal_low=float(low), normal_high=float(high),
                  history_periods=int(np.isfinite(history).sum()), method=method,
                  pvalue=pvalue_of_z((current - centre) / spread))
    params = {"where": where(d), "kpi": names or ctx.name(kpi), "period": ctx.period,
              "value": ctx.num(kpi, current, unit=unit), "unit": ctx.unit(kpi, unit),
              "low": ctx.num(kpi, low, unit=unit), "high": ctx.num(kpi, high, unit=unit),
              "k": Num(int(np.isfinite(history).sum()), "count"), "method": Term(f"method.{method}")}
    distance = min(abs(current - high), abs(current - low)) / spread
    return make(code, kpi=kpi, period=ctx.period, dims=d, evidence=ev, params=params,
                confidence="high" if distance > 2 else "medium", effect=1 + distance / 2)


def _normal_range(current: float, history: np.ndarray, grain: Grain) -> tuple[str, float, float] | None:
    """(method, low, high): the like periods' range when the history repeats a pattern, else a robust one."""
    like = compare_values(current, history, grain) if np.isfinite(history).all() else None
    if like is not None and like.cycle is not None:
        return "like_periods", like.baseline - THRESHOLD * like.spread, like.baseline + THRESHOLD * like.spread
    season = grain.season
    values = np.append(history, current)
    result = _stl(values, season) if season and np.isfinite(values).all() and len(history) >= 2 * season else None
    if result is not None:
        return "stl", *result
    r = robust_range(history, THRESHOLD)
    if r is None:
        return None
    return "median_mad", r[2], r[3]


def _season_returns(current: float, history: np.ndarray, low: float, high: float, grain: Grain) -> bool:
    """True when earlier periods at the same position in a cycle (the same month of earlier quarters or
    years, the same weekday) were out of the whole history's range the same way: twice, or the only
    time the history shows. (A range drawn from the like periods has the cycle in it already.)"""
    side = (lambda v: v > high) if current > high else (lambda v: v < low)
    for length, _name in (*CYCLES.get(grain, ()), *(((grain.season, "year"),) if grain.season else ())):
        like = history[like_indexes(len(history), length)]
        like = like[np.isfinite(like)]
        beyond = int(sum(side(v) for v in like))
        if beyond >= 2 or (beyond == 1 and len(like) == 1):
            return True
    return False


def _stl(values: np.ndarray, season: int) -> tuple[float, float] | None:
    """The normal range of the last value: the history's seasonally adjusted spread plus this season's part.

    The spread is taken on the adjusted history (trend + remainder), not on STL's remainder alone,
    which a fit over two or three seasons drives to nearly zero.
    """
    from statsmodels.tsa.seasonal import STL

    hist = values[:-1]
    try:
        fit = STL(hist, period=season, robust=True).fit()
    except ValueError:
        return None
    seasonal = np.asarray(fit.seasonal)
    r = robust_range(hist - seasonal, THRESHOLD)
    if r is None:
        return None
    _med, _sigma, lo, hi = r
    this_season = float(seasonal[-season])  # the same position one season back
    return lo + this_season, hi + this_season

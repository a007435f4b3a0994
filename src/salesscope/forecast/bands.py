"""Bands that hold: the simulation's intervals recalibrated on the forecast's own past errors.

The simulation knows the noise it models (which open deals win, when, for how much; how the pace of
new deals varies) but not what it leaves out: deals pushed to the end of each quarter, a pace that
drifts. The backtest shows both. Each past forecast's error is taken on the log scale and measured in
units of that forecast's own simulated spread. When the errors depend on the period's position in a
cycle (the month in its quarter, the month or quarter in its year) the forecast is moved by the mean
error of its position, like with like; the remaining errors give the factor by which the simulated
spread is widened (or narrowed), with Student's t quantiles for the number of past forecasts behind it.

With fewer than ``MIN_POINTS`` past forecasts to learn from, there is no calibration and the forecast
says its bands are unchecked.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesscope.engine.stats import f_oneway_pvalue, t_ppf, ttest_1samp_pvalue
from salesscope.vocab import Grain

MIN_POINTS = 12      # past forecasts with a known outcome needed before the bands are calibrated
MIN_PER_POSITION = 3  # ... and per position of a cycle before the cycle is believed
CYCLE_P = 0.001      # errors must differ by position this clearly to call it a pattern
BIAS_P = 0.01        # a horizon's errors must lean one way this clearly to be corrected
Z80 = 1.2815515655446004  # the standard normal's 90% quantile: an 80% band is +-Z80 sd
LEVELS = {"80": 0.80, "95": 0.95}
SPREAD_FLOOR = 0.02  # smallest simulated log-spread a past error is measured against
OFFSET_SHARE = 0.05  # the log scale is shifted by this share of the typical forecast, so zero is allowed
MEAN_DAYS = {Grain.DAY: 1.0, Grain.WEEK: 7.0, Grain.MONTH: 365.2425 / 12, Grain.QUARTER: 365.2425 / 4,
             Grain.YEAR: 365.2425}
REF = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Calibration:
    """How a forecast's centre moves and its spread scales, learned from ``n`` past forecasts."""

    grain: Grain
    n: int
    offset: float                 # added before taking logs
    widths: dict[str, float]      # per level, the band's half-width in units of the simulated spread
    bias: dict[int, float]        # mean log error per horizon the forecast clearly missed one way
    cycle: int | None = None      # cycle length in periods when the errors follow a pattern
    shifts: tuple[float, ...] = ()  # mean log error per position of the cycle
    cycle_pvalue: float | None = None
    # the largest past miss on the log scale: a band reaches at most twice as far (a past spread
    # cut to SPREAD_FLOOR would otherwise scale a wide one out of all measure)
    widest: float = math.inf

    def shift_at(self, start: dt.date, horizon: int) -> float:
        """The log shift of a forecast of the period starting on ``start``, ``horizon`` periods ahead."""
        s = self.bias.get(int(horizon), 0.0)
        return s + (self.shifts[position(start, self.grain, self.cycle)] if self.cycle else 0.0)

    @property
    def cycle_name(self) -> str | None:
        return dict(self.grain.cycles).get(self.cycle) if self.cycle else None

    def to_dict(self) -> dict:
        return {"n": self.n, "widths": {k: round(v, 3) for k, v in self.widths.items()}, "cycle": self.cycle, "cycle_name": self.cycle_name,
                "bias_percent": {h: round(100 * math.expm1(b), 1) for h, b in self.bias.items()},
                "adjustments_percent": [round(100 * math.expm1(s), 1) for s in self.shifts],
                "cycle_pvalue": self.cycle_pvalue}


def position(start: dt.date, grain: Grain, length: int) -> int:
    """The position of the period starting on ``start`` in a cycle of ``length`` periods."""
    return round((start - REF).days / MEAN_DAYS[grain]) % length


def _log_spread(low: np.ndarray, high: np.ndarray, offset: float) -> np.ndarray:
    """The simulated spread on the log scale, read from the 80% band."""
    s = (np.log(high + offset) - np.log(low + offset)) / (2 * Z80)
    return np.maximum(s, SPREAD_FLOOR)


def _cycles(grain: Grain) -> tuple[int, ...]:
    return tuple(length for length, _name in grain.cycles)


def _centre(err: np.ndarray, pos: np.ndarray, length: int) -> tuple[np.ndarray, tuple[float, ...]]:
    shifts = tuple(float(err[pos == p].mean()) for p in range(length))
    return np.array([shifts[p] for p in pos]), shifts


def _best_cycle(err: np.ndarray, starts: list[dt.date], grain: Grain) -> tuple[int, float] | None:
    """The cycle whose positions explain the errors (one-way ANOVA): the shortest that does, and a
    longer one only when it explains what the shorter leaves (the month of the year beyond the quarter's).

    Forecasts of one period from several origins share its outcome: the test takes one mean error per period.
    """
    per = pd.Series(err).groupby(pd.Series(starts)).mean()
    periods, left = list(per.index), per.to_numpy(float)
    best = None
    for length in sorted(_cycles(grain)):
        pos = np.array([position(s, grain, length) for s in periods])
        groups = [left[pos == p] for p in range(length)]
        if any(len(g) < MIN_PER_POSITION for g in groups):
            continue
        if all(np.allclose(g, g[0]) for g in groups):
            continue
        p = f_oneway_pvalue(*groups)
        if math.isfinite(p) and p < CYCLE_P:
            best = (length, p)
            left = left - _centre(left, pos, length)[0]
    return best


def _horizon_shifts(err: np.ndarray, horizons: np.ndarray) -> dict[int, float]:
    """The mean error of each horizon the forecast clearly misses one way (one-sample t-test): its bias.

    At one horizon every past forecast is of a different period, so the errors are independent enough to test.
    """
    out = {}
    for h in np.unique(horizons):
        e = err[horizons == h]
        if len(e) >= MIN_PER_POSITION and np.ptp(e) > 0 and ttest_1samp_pvalue(e) < BIAS_P:
            out[int(h)] = float(e.mean())
    return out


def _widths(z: np.ndarray, periods: int, fitted: int) -> dict[str, float]:
    """Per level, the band's half-width in simulated spreads: the past errors' own quantile (split
    conformal) where there are enough of them, and never less than Student's t times their RMS.

    Forecasts of one period from several origins share its surprise: the degrees of freedom count
    the distinct periods, not the forecasts.
    """
    n = len(z)
    rms = float(np.sqrt(np.mean(z * z)))
    df = max(periods - fitted - 1, 1)
    out = {}
    for name, level in LEVELS.items():
        w = float(t_ppf(0.5 + level / 2, np.array(float(df)))) * rms * math.sqrt(1 + 1 / periods)
        k = math.ceil((n + 1) * level)
        if k <= n:
            w = max(w, float(np.sort(np.abs(z))[k - 1]))
        out[name] = w
    return out


def fit(points: pd.DataFrame, grain: Grain) -> Calibration | None:
    """A calibration from past forecasts (rows with horizon, period_start, expected, low_80, high_80, actual)."""
    if points.empty:  # no past forecast at all (too little history for any origin)
        return None
    pts = points.dropna(subset=["expected", "low_80", "high_80", "actual"])
    if len(pts) < MIN_POINTS:
        return None
    expected = pts["expected"].to_numpy(float)
    typical = float(np.median(expected[expected > 0])) if (expected > 0).any() else 0.0
    offset = max(OFFSET_SHARE * typical, 1.0)
    err = np.log(pts["actual"].to_numpy(float) + offset) - np.log(expected + offset)
    spread = _log_spread(pts["low_80"].to_numpy(float), pts["high_80"].to_numpy(float), offset)
    horizons = pts["horizon"].to_numpy(int)
    bias = _horizon_shifts(err, horizons)
    centre = np.array([bias.get(int(h), 0.0) for h in horizons])
    starts = list(pts["period_start"])
    found = _best_cycle(err - centre, starts, grain)
    shifts: tuple[float, ...] = ()
    if found is not None:
        length = found[0]
        pos = np.array([position(s, grain, length) for s in starts])
        seasonal, shifts = _centre(err - centre, pos, length)
        centre = centre + seasonal
    z = (err - centre) / spread
    return Calibration(grain, len(pts), offset, _widths(z, len(set(starts)), (found[0] if found else 0) + len(bias)), bias,
                       found[0] if found else None, shifts, found[1] if found else None,
                       widest=float(np.abs(err - centre).max()))


def apply(frame: pd.DataFrame, cal: Calibration | None) -> pd.DataFrame:
    """The frame (with a ``horizon`` column) with its expected value moved and its bands rescaled;
    ``from_track_record`` says by how much the expected value moved.

    Without a calibration the frame keeps the simulation's own figures (a move of 0).
    """
    out = frame.copy()
    out["from_track_record"] = 0.0
    if cal is None or out.empty:
        return out
    c = cal.offset
    spread = _log_spread(out["low_80"].to_numpy(float), out["high_80"].to_numpy(float), c)
    shift = np.array([cal.shift_at(s, h) for s, h in zip(out["period_start"], out["horizon"], strict=True)])
    centre = np.log(out["expected"].to_numpy(float) + c) + shift
    floor = out["won_to_date"].to_numpy(float) if "won_to_date" in out else np.zeros(len(out))
    expected = np.maximum(np.exp(centre) - c, floor)
    out["from_track_record"] = expected - out["expected"].to_numpy(float)
    out["expected"] = expected
    for name in LEVELS:
        half = np.minimum(cal.widths[name] * spread, 2 * cal.widest)
        out[f"low_{name}"] = np.maximum(np.exp(centre - half) - c, floor)
        out[f"high_{name}"] = np.maximum(np.exp(centre + half) - c, expected)
    return out


def walk_forward(bt: pd.DataFrame, grain: Grain) -> pd.DataFrame:
    """The backtest with each origin's bands calibrated on the forecasts whose periods had ended before it.

    Origins with too little earlier history to calibrate on are left out: this is how the calibrated
    forecast would have done, each time knowing only its past.
    """
    if bt.empty:
        return bt
    frames = []
    for origin, rows in bt.groupby("origin_start", sort=True):
        known = bt[bt["period_end"] < origin]
        cal = fit(known, grain)
        if cal is None:
            continue
        frames.append(apply(rows, cal))
    if not frames:
        return bt.iloc[0:0]
    out = pd.concat(frames, ignore_index=True)
    out["in_80"] = (out["actual"] >= out["low_80"]) & (out["actual"] <= out["high_80"])
    out["in_95"] = (out["actual"] >= out["low_95"]) & (out["actual"] <= out["high_95"])
    return out

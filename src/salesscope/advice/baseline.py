"""Like with like: the periodic structure of a workspace's own history, and what a period is compared with.

A proportion's history (successes and cases per period) is checked for a repeating pattern at the
cycles its grain allows (position in the quarter and month of the year for months, quarter of the
year for quarters, weekday for days): a one-way analysis of variance of the period rates by
position. When one is found, a period is compared with its like periods (the same position in
earlier cycles); otherwise with the periods just before it. The test allows for variation between
periods beyond sampling noise (quasi-binomial), estimated from the history itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from salesscope.advice.stats import pvalue_of_z
from salesscope.engine.stats import f_oneway_pvalue
from salesscope.vocab import Grain

# (cycle length in periods, name) per grain; the name says what the position is a position in.
CYCLES = {g.value: g.cycles for g in Grain}
SEASONAL_P = 0.001   # the history's rates must differ by position this clearly to call it a pattern
MIN_CYCLES = 2       # full cycles of history needed before a pattern is believed
LIKE_PERIODS = 4     # like periods pooled for the comparison
RECENT_PERIODS = 3   # periods just before pooled when there is no pattern


@dataclass(frozen=True)
class Cycle:
    length: int
    name: str
    pvalue: float
    rates: tuple[float, ...]  # mean rate (0-1) per position, position 0 being the current period's


@dataclass(frozen=True)
class Comparison:
    """A period's rate against its baseline, in points, with a test that allows for extra variation."""

    rate: float
    baseline: float
    n: float
    baseline_n: float
    baseline_periods: tuple[int, ...]  # indexes into the history
    cycle: Cycle | None
    z: float
    pvalue: float
    low: float
    high: float

    @property
    def diff(self) -> float:
        return 100 * (self.rate - self.baseline)


def _rates(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, x / np.where(n > 0, n, 1), np.nan)


def find_cycle(r: np.ndarray, grain: str) -> Cycle | None:
    """The clearest repeating pattern in a history of values whose last period is followed by the one compared.

    Position 0 is the position of the period after the history (the one to be compared).
    """
    best = None
    for length, name in CYCLES.get(grain, ()):
        if len(r) < MIN_CYCLES * length:
            continue
        # position of history index i relative to the next period (index len(r))
        pos = (np.arange(len(r)) - len(r)) % length
        groups = [r[(pos == p) & np.isfinite(r)] for p in range(length)]
        if any(len(g) < 2 for g in groups):
            continue
        if all(np.allclose(g, g[0]) for g in groups):
            continue
        p = f_oneway_pvalue(*groups)
        if math.isfinite(p) and p < SEASONAL_P and (best is None or p < best.pvalue):
            best = Cycle(length, name, p, tuple(float(np.mean(g)) for g in groups))
    return best


def _extra_variance(x: np.ndarray, n: np.ndarray, cycle: Cycle | None) -> float:
    """Variance of the period rates beyond sampling noise, after taking out the pattern."""
    r = _rates(x, n)
    ok = np.isfinite(r) & (n > 0)
    if ok.sum() < 4:
        return 0.0
    resid = r.copy()
    if cycle is not None:
        pos = (np.arange(len(r)) - len(r)) % cycle.length
        resid = r - np.array([cycle.rates[p] for p in pos])
    resid, nn = resid[ok], n[ok]
    pooled = float(x[ok].sum() / nn.sum())  # a period at 0% or 100% still has sampling noise
    sampling = float(np.mean(pooled * (1 - pooled) / nn))
    return max(float(np.var(resid, ddof=1)) - sampling, 0.0)


def compare(x: float, n: float, hx: np.ndarray, hn: np.ndarray, grain: str) -> Comparison | None:
    """The period (x successes of n) against its like periods, or the periods just before it."""
    if n <= 0 or len(hx) == 0:
        return None
    cycle = find_cycle(_rates(hx, hn), grain)
    idx = np.arange(len(hx))
    if cycle is not None:
        like = like_indexes(len(hx), cycle.length)[-LIKE_PERIODS:]
    else:
        like = idx[-RECENT_PERIODS:]
    like = like[hn[like] > 0]
    if len(like) == 0:
        return None
    bx, bn = float(hx[like].sum()), float(hn[like].sum())
    rate, base = x / n, bx / bn
    extra = _extra_variance(hx, hn, cycle)
    pooled = (x + bx) / (n + bn)
    var = pooled * (1 - pooled) * (1 / n + 1 / bn) + extra * (1 + 1 / len(like))
    if var <= 0:
        return None
    se = math.sqrt(var)
    z = (rate - base) / se
    p = pvalue_of_z(z)
    return Comparison(rate, base, n, bn, tuple(int(i) for i in like), cycle, z, 1.0 if p is None else p,
                      100 * (rate - base - 1.96 * se), 100 * (rate - base + 1.96 * se))


@dataclass(frozen=True)
class ValueComparison:
    """A period's value against the mean of its like (or recent) periods, tested against their spread."""

    value: float
    baseline: float
    baseline_periods: tuple[int, ...]
    cycle: Cycle | None
    z: float
    pvalue: float
    spread: float  # the standard deviation the value is measured against (on the log scale with ``log``)


def like_indexes(n: int, length: int) -> np.ndarray:
    """Indexes of a history of ``n`` periods at the same position in a cycle of ``length`` as the period after it."""
    idx = np.arange(n)
    return idx[((idx - n) % length) == 0]


def compare_values(value: float, history: np.ndarray, grain: str, *, log: bool = False) -> ValueComparison | None:
    """``value`` against its like periods (or the ones just before), on the log scale for money and counts.

    The spread is the history's own period-to-period variation once any pattern is taken out, so a
    series that swings by nature is not news when it swings.
    """
    h = np.asarray(history, dtype=float)
    if log:
        if value <= 0 or (h[np.isfinite(h)] <= 0).any():
            return None
        value, h = math.log(value), np.log(np.where(np.isfinite(h), h, np.nan))
    ok = np.isfinite(h)
    if ok.sum() < 2 * RECENT_PERIODS:
        return None
    cycle = find_cycle(h, grain) if ok.all() else None
    idx = np.arange(len(h))
    if cycle is not None:
        like = like_indexes(len(h), cycle.length)[-LIKE_PERIODS:]
        pos = (idx - len(h)) % cycle.length
        resid = h - np.array([cycle.rates[p] for p in pos])
    else:
        like = idx[ok][-RECENT_PERIODS:]
        resid = h - np.nanmedian(h)
    like = like[ok[like]]
    resid = resid[ok]
    sd = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
    sd = max(sd, float(np.std(resid, ddof=1)) / 2)  # a MAD of nearly tied values understates the spread
    if len(like) == 0 or sd <= 0:
        return None
    base = float(np.mean(h[like]))
    spread = sd * math.sqrt(1 + 1 / len(like))
    z = (value - base) / spread
    p = pvalue_of_z(z)
    if log:
        value, base = math.exp(value), math.exp(base)
    return ValueComparison(value, base, tuple(int(i) for i in like), cycle, z, 1.0 if p is None else p, spread)

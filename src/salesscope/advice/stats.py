"""The tests findings rest on: thin samples, two proportions, robust distance from a history."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesscope.advice.frames import fnum
from salesscope.engine.stats import normal_pvalue, wilson_fraction

# An interval is "wide" when it is wider than this many percentage points (rates) ...
WIDE_PERCENT_POINTS = 40.0
# ... or, for other units, when its width exceeds this multiple of the value itself.
WIDE_RELATIVE = 2.0
# Many tests run over every indicator and breakdown: a change is reported below SIGNIFICANT only.
SIGNIFICANT = 0.01
VERY_SIGNIFICANT = 0.001


def is_thin(row: pd.Series | None, min_sample: int, *, check_width: bool = True) -> bool:
    """True when a value rests on fewer than ``min_sample`` cases or its 95% interval is very wide."""
    if row is None or fnum(row.get("value")) is None:
        return True
    n = fnum(row.get("n"))
    if n is not None and n < min_sample:
        return True
    return check_width and is_wide(row)


def is_wide(row: pd.Series) -> bool:
    lo, hi, v = fnum(row.get("ci_low")), fnum(row.get("ci_high")), fnum(row.get("value"))
    if lo is None or hi is None or v is None:
        return False
    if str(row.get("unit")) == "percent":
        return hi - lo > WIDE_PERCENT_POINTS
    return hi - lo > WIDE_RELATIVE * abs(v) and abs(v) > 0


@dataclass(frozen=True)
class PropTest:
    """Two proportions compared: difference in points (p1 - p2), its Newcombe interval, p-value."""

    diff: float
    low: float
    high: float
    pvalue: float
    z: float

    @property
    def significant(self) -> bool:
        return self.pvalue < SIGNIFICANT


def two_proportions(x1: float | None, n1: float | None, x2: float | None, n2: float | None) -> PropTest | None:
    """Score test and Newcombe interval for x1/n1 - x2/n2; None when undefined.

    statsmodels' ``test_proportions_2indep(method="score")`` and ``confint_proportions_2indep(method="newcomb")``
    in closed form (the same operations, the same bits), without loading statsmodels and scipy.stats."""
    a, na, b, nb = (fnum(v) for v in (x1, n1, x2, n2))
    if a is None or na is None or b is None or nb is None:
        return None
    if na <= 0 or nb <= 0 or a < 0 or b < 0 or a > na or b > nb:
        return None
    if (a + b == 0) or (a + b == na + nb):  # both all-or-nothing: no variance to test
        return None
    p1, p2 = a / na, b / nb
    # the score test of equal rates: the pooled rate's variance, with the small-sample correction
    nobs = na + nb
    pooled = (a + b) / nobs
    var = (pooled * (1 - pooled) / na + pooled * (1 - pooled) / nb) * (nobs / (nobs - 1))
    z = (p1 - p2) / math.sqrt(var)
    # Newcombe's hybrid score interval of the difference, from each rate's Wilson interval
    (lo1, lo2), (hi1, hi2) = wilson_fraction(np.array([a, b]), np.array([na, nb]))
    diff = p1 - p2
    low = diff - math.sqrt((p1 - lo1) ** 2 + (hi2 - p2) ** 2)
    high = diff + math.sqrt((p2 - lo2) ** 2 + (hi1 - p1) ** 2)
    p = normal_pvalue(z)
    return PropTest(100 * diff, 100 * float(low), 100 * float(high), p if math.isfinite(p) else 1.0, float(z))


def confidence_of(pvalue: float | None) -> str:
    if pvalue is None:
        return "low"
    return "high" if pvalue < VERY_SIGNIFICANT else "medium" if pvalue < SIGNIFICANT else "low"


def robust_range(history: np.ndarray, threshold: float = 3.5) -> tuple[float, float, float, float] | None:
    """(median, MAD-based sigma, low, high) of a history; None when it has no spread."""
    h = history[np.isfinite(history)]
    if len(h) < 6:
        return None
    med = float(np.median(h))
    mad = float(np.median(np.abs(h - med)))
    if mad == 0:
        return None
    sigma = 1.4826 * mad  # MAD scaled to a normal standard deviation
    return med, sigma, med - threshold * sigma, med + threshold * sigma


def pvalue_of_z(z: float | None) -> float | None:
    """Two-sided p-value of a standard normal statistic."""
    if z is None or not math.isfinite(z):
        return None
    return math.erfc(abs(z) / math.sqrt(2))


def pvalue_from_interval(value: float | None, reference: float | None, low: float | None,
                         high: float | None) -> float | None:
    """Normal-approximation p-value of ``value`` against ``reference``, reading the spread from a 95% interval."""
    if value is None or reference is None or low is None or high is None or high <= low:
        return None
    return pvalue_of_z((value - reference) / ((high - low) / (2 * 1.96)))


def grade(n: float | None, pvalue: float | None, min_sample: int, *, fact: bool = False) -> str:
    """The one confidence rule: below ``min_sample`` cases never more than low; then the test decides.

    A fact (money against a quota, an impossible figure) has no test: enough cases make it high.
    A change with no test available is never more than medium.
    """
    if n is not None and n < min_sample:
        return "low"
    if pvalue is None:
        return "high" if fact and n is not None else "medium"
    return confidence_of(pvalue)


def pvalue_two_intervals(value: float | None, low: float | None, high: float | None, other: float | None,
                         other_low: float | None, other_high: float | None) -> float | None:
    """Two estimates compared, each with its own 95% interval (normal approximation of their difference)."""
    if value is None or low is None or high is None or other is None or other_low is None or other_high is None:
        return None
    if high < low or other_high < other_low:
        return None
    se = math.hypot((high - low) / 3.92, (other_high - other_low) / 3.92)
    return pvalue_of_z((value - other) / se) if se > 0 else None

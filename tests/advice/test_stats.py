"""The two-proportion test is computed without statsmodels; statsmodels is the reference it must
match bit for bit."""

from __future__ import annotations

import math

import numpy as np
from statsmodels.stats import proportion as reference

from salesscope.advice.stats import two_proportions


def _reference(a: float, na: float, b: float, nb: float) -> tuple[float, ...]:
    with np.errstate(divide="ignore", invalid="ignore"):
        res = reference.test_proportions_2indep(a, na, b, nb, method="score")
        lo, hi = reference.confint_proportions_2indep(a, na, b, nb, method="newcomb")
    p = float(res.pvalue)
    return 100 * (a / na - b / nb), 100 * float(lo), 100 * float(hi), p if math.isfinite(p) else 1.0, float(res.statistic)


def test_two_proportions_match_statsmodels_exactly():
    rng = np.random.default_rng(3)
    compared = 0
    for i in range(3000):
        na, nb = float(rng.integers(1, 3000)), float(rng.integers(1, 3000))
        a, b = float(rng.integers(0, na + 1)), float(rng.integers(0, nb + 1))
        a = 0.0 if i % 5 == 0 else a  # a rate of zero, and one of one
        b = nb if i % 7 == 0 else b
        got = two_proportions(a, na, b, nb)
        if got is None:
            continue
        compared += 1
        assert (got.diff, got.low, got.high, got.pvalue, got.z) == _reference(a, na, b, nb)
    assert compared > 2900


def test_two_proportions_textbook_and_undefined():
    # 40/100 against 25/100, by hand: pooled rate 0.325, variance 0.325 * 0.675 * (1/100 + 1/100)
    # * 200/199, z = 0.15 / 0.0664 = 2.259, p = 0.0239; Newcombe from the Wilson intervals
    # (30.94%, 49.80%) and (17.54%, 34.30%): 15 - 12.99 = 2.01 to 15 + 12.31 = 27.31 points
    t = two_proportions(40, 100, 25, 100)
    assert t is not None
    assert round(t.diff, 6) == 15.0 and round(t.z, 3) == 2.259 and round(t.pvalue, 4) == 0.0239
    assert (round(t.low, 2), round(t.high, 2)) == (2.01, 27.31)
    assert two_proportions(0, 100, 0, 50) is None  # no successes anywhere: nothing to test
    assert two_proportions(5, 0, 3, 10) is None
    assert two_proportions(None, 10, 3, 10) is None

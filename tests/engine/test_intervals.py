"""The intervals are computed without loading statsmodels or scipy.stats; those are the references
they must match bit for bit."""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from salesscope.engine.stats import (
    chi2_ppf,
    f_oneway_pvalue,
    normal_pvalue,
    t_ppf,
    ttest_1samp_pvalue,
    wilson,
)


def test_wilson_matches_statsmodels_exactly():
    n = np.repeat(np.arange(1, 301), 7).astype(float)
    k = np.concatenate([np.array([0, 1, n_ // 3, n_ // 2, n_ - 1, n_, n_ + 2]) for n_ in range(1, 301)]).astype(float)
    lo, hi = wilson(k, n)
    ref_lo, ref_hi = proportion_confint(np.minimum(k, n), n, alpha=0.05, method="wilson")
    assert np.array_equal(lo, np.asarray(ref_lo) * 100)
    assert np.array_equal(hi, np.asarray(ref_hi) * 100)


def test_wilson_is_undefined_without_trials():
    lo, hi = wilson([0, 3, 5], [0, 0, 10])
    assert np.isnan(lo[:2]).all() and np.isnan(hi[:2]).all()
    # 5 of 10: the textbook interval 23.7% .. 76.3%
    assert (round(lo[2], 1), round(hi[2], 1)) == (23.7, 76.3)


def test_quantiles_match_scipy_stats_exactly():
    df = np.concatenate([np.arange(0, 400, dtype=float), [0.5, 1e4, np.nan, -1.0]])
    for q in (0.025, 0.975):
        assert np.array_equal(chi2_ppf(q, df), stats.chi2.ppf(q, df), equal_nan=True)
        assert np.array_equal(t_ppf(q, df), stats.t.ppf(q, df), equal_nan=True)
    assert round(float(t_ppf(0.975, np.array(10.0))), 3) == 2.228  # the table's t(0.975, 10)


def _samples(rng: np.random.Generator, k: int) -> list[np.ndarray]:
    """k groups of 2 to 8 values, of scales from thousandths to millions, some rounded (ties)."""
    scale = 10.0 ** rng.integers(-3, 7)
    groups = [rng.normal(rng.normal(), rng.uniform(0.01, 3), rng.integers(2, 9)) * scale for _ in range(k)]
    return [np.round(g) for g in groups] if rng.random() < 0.2 else groups


def _same(got: float, ref: float) -> bool:
    return got == float(ref) or (math.isnan(got) and math.isnan(float(ref)))


def test_tests_match_scipy_stats_exactly():
    rng = np.random.default_rng(7)
    for _ in range(500):
        groups = _samples(rng, int(rng.integers(2, 6)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns on the rounded, nearly constant samples
            assert _same(f_oneway_pvalue(*groups), stats.f_oneway(*groups).pvalue)
            assert _same(ttest_1samp_pvalue(groups[0]), stats.ttest_1samp(groups[0], 0.0).pvalue)
    for z in rng.normal(0, 4, 500):
        assert normal_pvalue(z) == float(stats.norm.sf(abs(z)) * 2)


def test_anova_of_constant_groups():
    # each group constant, the groups apart: certain; all one value: undefined (as SciPy says)
    assert f_oneway_pvalue(np.array([1.0, 1.0]), np.array([2.0, 2.0, 2.0])) == 0.0
    assert math.isnan(f_oneway_pvalue(np.array([1.0, 1.0]), np.array([1.0, 1.0])))
    # the textbook example: groups (1, 2, 3) and (4, 5, 6): F = 13.5 on (1, 4) degrees of freedom
    assert round(f_oneway_pvalue(np.array([1.0, 2, 3]), np.array([4.0, 5, 6])), 4) == 0.0213

"""The intervals are computed without loading statsmodels or scipy.stats; those are the references
they must match bit for bit."""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from salesscope.engine.stats import chi2_ppf, t_ppf, wilson


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

"""Intervals for the estimates the indicators report, vectorised over result rows."""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype="float64")


def wilson(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a proportion, in percent; NaN where there are no trials."""
    k, n = _arr(successes), _arr(trials)
    ok = n > 0
    lo = np.full(k.shape, np.nan)
    hi = np.full(k.shape, np.nan)
    if ok.any():
        from statsmodels.stats.proportion import proportion_confint

        l_, h_ = proportion_confint(np.minimum(k[ok], n[ok]), n[ok], alpha=0.05, method="wilson")
        lo[ok], hi[ok] = np.asarray(l_) * 100, np.asarray(h_) * 100
    return lo, hi


def newcombe_diff(k1, n1, k2, n2) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of p1 - p2 (percentage points) by Newcombe's hybrid score method."""
    p1 = np.where(_arr(n1) > 0, _arr(k1) / np.where(_arr(n1) > 0, _arr(n1), 1), np.nan) * 100
    p2 = np.where(_arr(n2) > 0, _arr(k2) / np.where(_arr(n2) > 0, _arr(n2), 1), np.nan) * 100
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def poisson_rate(count, exposure) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) 95% interval of ``count / exposure`` for a Poisson count."""
    from scipy import stats

    k, e = _arr(count), _arr(exposure)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(k > 0, stats.chi2.ppf(0.025, 2 * k) / 2, 0.0)
        hi = stats.chi2.ppf(0.975, 2 * k + 2) / 2
        ok = e > 0
        return np.where(ok, lo / np.where(ok, e, 1), np.nan), np.where(ok, hi / np.where(ok, e, 1), np.nan)


def positive_mean_interval(mean, std, n) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of the mean of a positive, skewed quantity (deal amounts), on the log scale, so
    it never goes below zero: the amounts are taken as log-normal with the sample's mean and standard
    deviation, and Cox's interval for a log-normal mean is used. NaN below two observations.

    >>> lo, hi = positive_mean_interval(200.0, 141.42, 2)
    >>> bool(0 < lo < 200 < hi)
    True
    """
    from scipy import stats

    m, s, k = _arr(mean), _arr(std), _arr(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_log = np.log1p((s / m) ** 2)
        se = np.sqrt(var_log / k + var_log**2 / (2 * np.maximum(k - 1, 1)))
        half = stats.t.ppf(0.975, np.maximum(k - 1, 1)) * se
        log_mean = np.log(m)
        lo, hi = np.exp(log_mean - half), np.exp(log_mean + half)
    ok = (k >= 2) & (m > 0)
    return np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)


def median_ranks(n):
    """1-based ranks of the order statistics bounding a 95% interval of the median (Conover).

    Works on numbers and on Ibis expressions alike, so the database picks the two values.
    """
    import ibis

    if isinstance(n, ibis.Expr):
        root = n.cast("float64").sqrt()
        lo = (n / 2 - Z95 * root / 2).round().cast("int64")
        hi = (n / 2 + 1 + Z95 * root / 2).round().cast("int64")
        return ibis.greatest(lo, 1), ibis.least(hi, n)
    root = np.sqrt(n)
    return max(int(round(n / 2 - Z95 * root / 2)), 1), min(int(round(n / 2 + 1 + Z95 * root / 2)), n)

"""Intervals for the estimates the indicators report, vectorised over result rows."""

from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054
Z95_WILSON = 1.9599639845400545  # scipy.stats.norm.isf(0.025), as statsmodels reads it


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype="float64")


def wilson(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a proportion, in percent; NaN where there are no trials."""
    lo, hi = wilson_fraction(successes, trials)
    return lo * 100, hi * 100


def wilson_fraction(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a proportion, as fractions; NaN where there are no trials.

    The closed form, computed as statsmodels' ``proportion_confint(method="wilson")`` computes it
    (same operations, same bits), without loading statsmodels for it.
    """
    k, n = _arr(successes), _arr(trials)
    ok = n > 0
    lo = np.full(k.shape, np.nan)
    hi = np.full(k.shape, np.nan)
    if ok.any():
        k_, n_ = np.minimum(k[ok], n[ok]), n[ok]
        q = k_ / n_
        crit2 = Z95_WILSON**2
        denom = 1 + crit2 / n_
        center = (q + crit2 / (2 * n_)) / denom
        dist = Z95_WILSON * np.sqrt(q * (1.0 - q) / n_ + crit2 / (4.0 * n_**2))
        dist /= denom
        lo[ok] = np.clip(center - dist, 0, 1)
        hi[ok] = np.clip(center + dist, 0, 1)
    return lo, hi


def newcombe_diff(k1, n1, k2, n2) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of p1 - p2 (percentage points) by Newcombe's hybrid score method."""
    p1 = np.where(_arr(n1) > 0, _arr(k1) / np.where(_arr(n1) > 0, _arr(n1), 1), np.nan) * 100
    p2 = np.where(_arr(n2) > 0, _arr(k2) / np.where(_arr(n2) > 0, _arr(n2), 1), np.nan) * 100
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def chi2_ppf(q: float, df: np.ndarray) -> np.ndarray:
    """``scipy.stats.chi2.ppf(q, df)`` (same bits) through scipy.special, which loads in a fraction
    of scipy.stats' time; NaN where ``df`` is not positive."""
    from scipy import special

    with np.errstate(invalid="ignore"):
        return np.where(df > 0, 2 * special.gammaincinv(df / 2, q), np.nan)


def t_ppf(q: float, df: np.ndarray) -> np.ndarray:
    """``scipy.stats.t.ppf(q, df)`` (same bits) through scipy.special; NaN where ``df`` is not positive."""
    from scipy import special

    with np.errstate(invalid="ignore"):
        return np.where(df > 0, special.stdtrit(df, q), np.nan)


def normal_pvalue(z: float) -> float:
    """Two-sided p-value of a standard normal statistic: ``scipy.stats.norm.sf(abs(z)) * 2`` (same bits)."""
    from scipy import special

    return float(special.ndtr(-abs(z)) * 2)


def f_oneway_pvalue(*groups: np.ndarray) -> float:
    """``scipy.stats.f_oneway(*groups).pvalue`` (one-way ANOVA, equal variances) for one-dimensional
    groups of at least one value each, through scipy.special; the same operations as SciPy's."""
    from scipy import special

    samples = [_arr(g) for g in groups]
    if len(samples) < 2 or any(len(g) == 0 for g in samples) or all(len(g) == 1 for g in samples):
        return math.nan
    alldata = np.concatenate(samples)
    bign = len(alldata)
    offset = np.mean(alldata, keepdims=True)
    centred = alldata - offset
    normalized_ss = np.sum(centred) ** 2.0 / bign
    sstot = np.vecdot(centred, centred) - normalized_ss
    ssbn = 0.0
    for g in samples:
        ssbn = ssbn + np.sum(g - offset) ** 2.0 / len(g)
    ssbn = ssbn - normalized_ss
    sswn = sstot - ssbn
    dfbn, dfwn = len(samples) - 1, bign - len(samples)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (ssbn / dfbn) / (sswn / dfwn)
    if np.all(np.diff(alldata) == 0):
        return math.nan
    if all(np.all(np.diff(g) == 0) for g in samples):
        f = np.inf
    return float(special.fdtrc(dfbn, dfwn, f))


def ttest_1samp_pvalue(values: np.ndarray, popmean: float = 0.0) -> float:
    """``scipy.stats.ttest_1samp(values, popmean).pvalue`` (two-sided) through scipy.special."""
    from scipy import special

    a = _arr(values)
    n = len(a)
    if n == 0:
        return math.nan
    mean = np.mean(a)
    var = np.mean((a - np.mean(a, keepdims=True)) ** 2) * (n / (n - 1)) if n > 1 else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (mean - popmean) / np.sqrt(var / n)
    return float(2 * special.stdtr(n - 1, -np.abs(t)))


def poisson_rate(count, exposure) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) 95% interval of ``count / exposure`` for a Poisson count."""
    k, e = _arr(count), _arr(exposure)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(k > 0, chi2_ppf(0.025, 2 * k) / 2, 0.0)
        hi = chi2_ppf(0.975, 2 * k + 2) / 2
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
    m, s, k = _arr(mean), _arr(std), _arr(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_log = np.log1p((s / m) ** 2)
        se = np.sqrt(var_log / k + var_log**2 / (2 * np.maximum(k - 1, 1)))
        half = t_ppf(0.975, np.maximum(k - 1, 1)) * se
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

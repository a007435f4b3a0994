"""Win probabilities and close timing calibrated on the workspace's own closed deals.

A discrete-time life table with two competing outcomes (won, lost) and censoring (deals still
open at the as-of date) gives, per stratum, the cumulative chance of having been won by each age.
From it, a deal open at age ``a`` has ``P(won between ages a0 and a1) = (F(a1) - F(a0)) / S(a)``:
the win probability and its timing come from the same history, and deals that have aged past
the usual cycle lose probability as they should.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ALL = "(all)"


@dataclass(frozen=True)
class Curve:
    """Survival ``S`` and cumulative win incidence ``F`` at ages ``k * bin_days``."""

    S: np.ndarray
    F: np.ndarray
    n_closed: int
    n_won: int


@dataclass
class LifeTable:
    bin_days: float
    curves: dict[str, Curve] = field(default_factory=dict)

    @property
    def n_closed(self) -> int:
        return self.curves[ALL].n_closed if ALL in self.curves else 0

    def curve(self, stratum: str) -> Curve:
        return self.curves.get(stratum) or self.curves[ALL]

    def _interp(self, arr: np.ndarray, ages: np.ndarray) -> np.ndarray:
        grid = np.arange(len(arr)) * self.bin_days
        return np.interp(np.maximum(ages, 0.0), grid, arr)

    def win_between(self, strata: np.ndarray, age_now: np.ndarray, a0: np.ndarray,
                    a1: np.ndarray) -> np.ndarray:
        """P(won at an age in [a0, a1) | still open at ``age_now``), per deal (ages in days)."""
        out = np.zeros(len(age_now))
        for s in np.unique(strata):
            m = strata == s
            c = self.curve(str(s))
            surv = self._interp(c.S, age_now[m])
            lo = self._interp(c.F, np.maximum(a0[m], age_now[m]))
            hi = self._interp(c.F, a1[m])
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(surv > 1e-12, (hi - lo) / surv, 0.0)
            out[m] = np.clip(np.where(a1[m] > a0[m], p, 0.0), 0.0, 1.0)
        return out


def _curve(counts: pd.DataFrame, bin_days: float, horizon_days: float, tail_min: float) -> Curve:
    """One stratum's curves from its counts (columns age_bin, event, n)."""
    bins, n, event = counts["age_bin"].to_numpy("int64"), counts["n"].to_numpy(float), counts["event"].to_numpy()
    k_obs = int(bins.max()) + 1 if len(bins) else 1
    k_max = max(k_obs, int(np.ceil(horizon_days / bin_days))) + 1

    def per_bin(name: str) -> np.ndarray:
        m = (event == name) & (bins >= 0)
        return np.bincount(bins[m], weights=n[m], minlength=k_max).astype(float)

    won, lost, cens = per_bin("won"), per_bin("lost"), per_bin("censored")
    events = won + lost + cens
    at_risk = events[::-1].cumsum()[::-1]
    exposure = at_risk - cens / 2.0  # actuarial: a deal censored in a bin was at risk half of it
    # Where few deals remain (the long tail), bins share one pooled hazard rather than jump about.
    thin = exposure < tail_min
    first_thin = int(np.argmax(thin)) if thin.any() else k_max
    hw = np.divide(won, exposure, out=np.zeros(k_max), where=exposure > 0)
    hl = np.divide(lost, exposure, out=np.zeros(k_max), where=exposure > 0)
    if first_thin < k_max:
        ex = exposure[first_thin:].sum()
        hw[first_thin:] = won[first_thin:].sum() / ex if ex > 0 else 0.0
        hl[first_thin:] = lost[first_thin:].sum() / ex if ex > 0 else 0.0
    h = np.minimum(hw + hl, 1.0)
    S = np.concatenate([[1.0], np.cumprod(1.0 - h)])
    F = np.concatenate([[0.0], np.cumsum(S[:-1] * hw)])
    return Curve(S=S, F=F, n_closed=int(won.sum() + lost.sum()), n_won=int(won.sum()))


def fit(counts: pd.DataFrame, bin_days: float, horizon_days: float, *, min_closed: int = 30,
        tail_min: float = 10.0) -> LifeTable:
    """Life tables for every stratum with at least ``min_closed`` closed deals, and for all deals."""
    lt = LifeTable(bin_days)
    lt.curves[ALL] = _curve(counts, bin_days, horizon_days, tail_min)
    if "stratum" in counts and counts["stratum"].nunique() > 1:
        for s, sub in counts.groupby("stratum"):
            c = _curve(sub, bin_days, horizon_days, tail_min)
            if c.n_closed >= min_closed:
                lt.curves[str(s)] = c
    return lt

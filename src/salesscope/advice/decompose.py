"""Why a ratio changed: its change split into mix and rate effects per member of a breakdown.

For a ratio R = sum(x_i) / sum(d_i) over the members i of a breakdown, with shares w_i = d_i / sum(d)
and member rates r_i = x_i / d_i, the change between two periods splits exactly (the midpoint rule):

    R1 - R0 = sum_i (w1_i - w0_i) * (r0_i + r1_i) / 2      mix: the members' weight moved
            + sum_i (r1_i - r0_i) * (w0_i + w1_i) / 2      rate: the members themselves moved

A member present in one period only takes its one rate for both. For proportions (successes out of
cases) the intervals come from a parametric bootstrap: cases redrawn multinomially over the members,
successes binomially within them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesscope.advice.frames import fnum

DRAWS = 2000
SEED = 20260228


@dataclass(frozen=True)
class Effect:
    """One member's part of the change, in the indicator's unit (points for a percentage)."""

    member: str
    share_before: float
    share_after: float
    rate_before: float | None
    rate_after: float | None
    n_before: float
    n_after: float
    mix: float
    rate: float
    mix_ci: tuple[float, float] | None = None
    rate_ci: tuple[float, float] | None = None

    @property
    def total(self) -> float:
        return self.mix + self.rate


@dataclass(frozen=True)
class Decomposition:
    """The change of one ratio between two periods, by one breakdown; effects ranked by contribution."""

    dimension: str
    before: float
    after: float
    effects: list[Effect] = field(default_factory=list)
    mix_ci: tuple[float, float] | None = None
    rate_ci: tuple[float, float] | None = None

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def mix(self) -> float:
        return sum(e.mix for e in self.effects)

    @property
    def rate(self) -> float:
        return sum(e.rate for e in self.effects)

    @property
    def cause(self) -> str:
        """"mix" when the members' weights moved more of the total than their own rates did, else "rate"."""
        return "mix" if abs(self.mix) > abs(self.rate) else "rate"


def _pair(v: np.ndarray) -> tuple[float, float]:
    """A (low, high) interval as plain floats."""
    return float(v[0]), float(v[1])


def _split(x0: np.ndarray, d0: np.ndarray, x1: np.ndarray, d1: np.ndarray, scale: float):
    """Mix and rate effects per member (arrays of the last axis); works on bootstrap draws too."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r0 = np.where(d0 > 0, x0 / np.where(d0 > 0, d0, 1), np.nan)
        r1 = np.where(d1 > 0, x1 / np.where(d1 > 0, d1, 1), np.nan)
    r0, r1 = np.where(np.isnan(r0), r1, r0), np.where(np.isnan(r1), r0, r1)
    r0, r1 = np.nan_to_num(r0), np.nan_to_num(r1)
    w0 = d0 / d0.sum(axis=-1, keepdims=True)
    w1 = d1 / d1.sum(axis=-1, keepdims=True)
    mix = (w1 - w0) * (r0 + r1) / 2 * scale
    rate = (r1 - r0) * (w0 + w1) / 2 * scale
    return mix, rate


def decompose(members: list[str], before: list[tuple[float, float]], after: list[tuple[float, float]], *,
              dimension: str, scale: float = 100.0, proportion: bool = True, draws: int = DRAWS) -> Decomposition | None:
    """Split the change of sum(x)/sum(d) between ``before`` and ``after`` ((x, d) per member) into effects.

    >>> d = decompose(["A", "B"], [(80, 100), (20, 100)], [(225, 300), (15, 100)], dimension="team")
    >>> round(d.before, 1), round(d.after, 1), d.cause
    (50.0, 60.0, 'mix')
    """
    x0, d0 = (np.array([float(v[i]) for v in before]) for i in (0, 1))
    x1, d1 = (np.array([float(v[i]) for v in after]) for i in (0, 1))
    if d0.sum() <= 0 or d1.sum() <= 0 or len(members) < 1:
        return None
    mix, rate = _split(x0, d0, x1, d1, scale)
    mix_ci = rate_ci = None
    total_mix_ci = total_rate_ci = None
    if proportion and draws:
        rng = np.random.default_rng(SEED)
        p0, p1 = np.clip(x0 / np.where(d0 > 0, d0, 1), 0, 1), np.clip(x1 / np.where(d1 > 0, d1, 1), 0, 1)
        bd0 = rng.multinomial(int(d0.sum()), d0 / d0.sum(), size=draws)
        bd1 = rng.multinomial(int(d1.sum()), d1 / d1.sum(), size=draws)
        bx0, bx1 = rng.binomial(bd0, p0), rng.binomial(bd1, p1)
        bmix, brate = _split(bx0.astype(float), bd0.astype(float), bx1.astype(float), bd1.astype(float), scale)
        mix_ci = np.percentile(bmix, [2.5, 97.5], axis=0).T
        rate_ci = np.percentile(brate, [2.5, 97.5], axis=0).T
        total_mix_ci = _pair(np.percentile(bmix.sum(axis=1), [2.5, 97.5]))
        total_rate_ci = _pair(np.percentile(brate.sum(axis=1), [2.5, 97.5]))
    effects = []
    for i, m in enumerate(members):
        effects.append(Effect(
            member=str(m), share_before=float(d0[i] / d0.sum()), share_after=float(d1[i] / d1.sum()),
            rate_before=float(scale * x0[i] / d0[i]) if d0[i] > 0 else None,
            rate_after=float(scale * x1[i] / d1[i]) if d1[i] > 0 else None,
            n_before=float(d0[i]), n_after=float(d1[i]), mix=float(mix[i]), rate=float(rate[i]),
            mix_ci=_pair(mix_ci[i]) if mix_ci is not None else None,
            rate_ci=_pair(rate_ci[i]) if rate_ci is not None else None))
    effects.sort(key=lambda e: -abs(e.total))
    return Decomposition(dimension, float(scale * x0.sum() / d0.sum()), float(scale * x1.sum() / d1.sum()),
                         effects, total_mix_ci, total_rate_ci)


def from_frame(df: pd.DataFrame, kpi: str, period: str, previous: str, dimension: str, *,
               proportion: bool, draws: int = DRAWS) -> Decomposition | None:
    """The decomposition of ``kpi`` between two periods from an engine frame broken down by ``dimension``."""
    if df is None or df.empty or dimension not in df.columns:
        return None
    here = df[df["kpi"] == kpi]
    pairs: dict[str, list[tuple[float, float] | None]] = {}
    scale = None
    for i, label in enumerate((previous, period)):
        for _, r in here[here["period"].astype(str) == str(label)].iterrows():
            x, d, v = fnum(r.get("numerator")), fnum(r.get("denominator")), fnum(r.get("value"))
            if x is None or d is None or d <= 0:
                continue
            if scale is None and v is not None and x:
                scale = round(v / (x / d), 6)
            pairs.setdefault(str(r[dimension]), [None, None])[i] = (x, d)
    if not pairs:
        return None
    members = sorted(pairs)
    before = [pairs[m][0] or (0.0, 0.0) for m in members]
    after = [pairs[m][1] or (0.0, 0.0) for m in members]
    return decompose(members, before, after, dimension=dimension, scale=scale or 1.0, proportion=proportion,
                     draws=draws)

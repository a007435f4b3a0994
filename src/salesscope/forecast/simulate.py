"""One forecast at one as-of date: calibrate, weight the open deals, add the run-rate, simulate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesscope.forecast import data, stages
from salesscope.forecast.calibration import LifeTable, fit
from salesscope.forecast.periods import ONE_DAY, Period

DAY_S = data.DAY_S


@dataclass(frozen=True)
class Settings:
    bin_days: float = 14.0  # age resolution of the life table
    rate_window_days: int = 180  # trailing window for the rate of new deals
    amount_window_days: int = 365  # trailing window for won amounts
    bucket_days: int = 30  # creation counts per bucket, to measure how much the rate varies
    sims: int = 2000
    seed: int = 7
    min_closed: int = 30  # closed deals needed before history outranks stated probabilities
    min_closed_stage: int = 20  # closed deals a stage cell needs before its own history is used
    tail_min: float = 30.0  # deals at risk below which age bins share one pooled hazard
    min_amounts: int = 5  # won deals needed before a group's own amounts are used
    chunk: int = 250


@dataclass
class Run:
    """The simulated revenue of each group in each period, with its parts."""

    as_of: dt.datetime
    periods: list[Period]
    groups: list[str]
    samples: np.ndarray  # sims x groups x periods: total revenue
    won_to_date: np.ndarray  # groups x periods (only the period holding as_of can be nonzero)
    pipeline_mean: np.ndarray  # groups x periods
    run_rate_mean: np.ndarray  # groups x periods
    open_deals: np.ndarray  # groups
    method: str  # "stage_and_age", "history" (deal age) or "stated_probability"
    notes: list[str] = field(default_factory=list)
    unvalued: list[str] = field(default_factory=list)  # ids of the open deals left out for want of an amount
    open_frame: pd.DataFrame | None = None  # the open deals with their probabilities
    n_staged: int = 0  # open deals whose chances come from their stage and time in stage
    n_stage_closed: int = 0  # closed deals with a stage history the stage cells learned from


def _edges(as_of: float, periods: list[Period]) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([max(as_of, data.epoch(p.start)) for p in periods])
    hi = np.array([data.epoch(p.end + ONE_DAY) for p in periods])
    return lo, hi


def deal_probabilities(lt: LifeTable, deals: pd.DataFrame, as_of: float, periods: list[Period]) -> np.ndarray:
    """P(won within each period) for each open deal: deals x periods."""
    lo, hi = _edges(as_of, periods)
    c = deals["c"].to_numpy(float)
    strata = deals["stratum"].astype(str).to_numpy()
    age = (as_of - c) / DAY_S
    out = np.zeros((len(deals), len(periods)))
    for j in range(len(periods)):
        out[:, j] = lt.win_between(strata, age, (lo[j] - c) / DAY_S, (hi[j] - c) / DAY_S)
    return out


def _amount_stats(won: pd.DataFrame, min_n: int) -> Callable[[str, str], tuple[float, float]]:
    """A lookup (group, stratum) -> (mean, variance) of won amounts, pooling when a cell is thin."""
    grp, stratum = won["grp"].to_numpy(), won["stratum"].to_numpy()
    n_, s_, ss_ = (won[c].to_numpy() for c in ("n", "s", "ss"))

    def stats(rows: np.ndarray | slice) -> tuple[float, float, int]:
        # the cells' sums added in row order, as the frame's own sums add them
        n, s, ss = n_[rows].sum(), s_[rows].sum(), ss_[rows].sum()
        if n == 0:
            return float("nan"), float("nan"), 0
        mean = s / n
        var = max((ss - n * mean * mean) / (n - 1), 0.0) if n > 1 else 0.0
        return mean, var, int(n)

    overall = stats(slice(None))

    def lookup(g: str, s: str) -> tuple[float, float]:
        for rows in ((grp == g) & (stratum == s), stratum == s, grp == g):
            m, v, n = stats(rows)
            if n >= min_n:
                return m, v
        return overall[0], overall[1]

    return lookup


def _new_wins(lt: LifeTable, stratum: str, as_of: float, periods: list[Period]) -> np.ndarray:
    """Expected wins per period from one deal a day created from ``as_of`` on."""
    lo, hi = _edges(as_of, periods)
    last = hi.max()
    created = np.arange(as_of + DAY_S / 2, last, DAY_S)
    strata = np.full(len(created), stratum)
    zero = np.zeros(len(created))
    out = np.zeros(len(periods))
    for j in range(len(periods)):
        out[j] = lt.win_between(strata, zero, (lo[j] - created) / DAY_S, (hi[j] - created) / DAY_S).sum()
    return out


def _gamma_sum(rng: np.random.Generator, k: np.ndarray, mean: float, var: float) -> np.ndarray:
    """The sum of ``k`` amounts drawn from a gamma with this mean and variance."""
    if not np.isfinite(var) or var <= 0:
        return k * mean
    shape, scale = mean * mean / var, var / mean
    return np.where(k > 0, rng.gamma(np.maximum(k * shape, 1e-12), scale), 0.0)


def _by_stage(entries: pd.DataFrame, open_: pd.DataFrame, t0: float, periods: list[Period], settings: Settings,
              horizon: float) -> tuple[np.ndarray, np.ndarray, int]:
    """P(won within each period) of the open deals placed in a stage cell, which deals those are
    (a mask) and how many closed deals the cells learned from."""
    st = stages.fit_stages(entries, t0, settings.bin_days, horizon, min_closed=settings.min_closed_stage,
                           tail_min=settings.tail_min)
    keys, since = st.place(entries, open_["opportunity_id"], t0)
    staged = keys != ""
    lo, hi = _edges(t0, periods)
    q = np.zeros((int(staged.sum()), len(periods)))
    for j in range(len(periods)):
        u0, u1 = np.full(len(q), (lo[j] - t0) / DAY_S), np.full(len(q), (hi[j] - t0) / DAY_S)
        q[:, j] = stages.win_between(st, keys[staged], since[staged], u0, u1)
    return q, staged, st.n_closed


def run(d, as_of: dt.datetime, periods: list[Period], settings: Settings,
        stage_entries: pd.DataFrame | None = None) -> Run:
    """Simulate revenue per group and period from the store as it stood at ``as_of``.

    With ``stage_entries`` (a stage history, see :func:`salesscope.forecast.stages.history`) and
    enough closed deals in it, an open deal's chances come from its stage and time in stage.
    """
    rng = np.random.default_rng(settings.seed)
    t0 = data.epoch(as_of)
    horizon = (data.epoch(periods[-1].end + ONE_DAY) - t0) / DAY_S
    counts = data.life_counts(d, [t0], settings.bin_days)
    open_ = data.open_at(d, t0)
    created = data.creation_counts(d, t0, settings.rate_window_days, settings.bucket_days)
    won = data.won_amounts(d, t0, settings.amount_window_days)
    age_span = ((t0 - open_["c"].min()) / DAY_S if len(open_) else 0.0) + horizon
    lt = fit(counts, settings.bin_days, age_span + 2 * horizon, min_closed=settings.min_closed,
             tail_min=settings.tail_min)
    amount_of = _amount_stats(won, settings.min_amounts)
    notes: list[str] = []

    first = periods[0]
    so_far = data.won_between(d, [(data.epoch(first.start), t0)]) if data.epoch(first.start) < t0 else None
    groups = sorted(set(open_["grp"]) | set(created["grp"] if len(created) else []) |
                    set(so_far["grp"] if so_far is not None else []))
    if not groups:
        groups = ["all"]
    gi = {g: i for i, g in enumerate(groups)}
    G, P = len(groups), len(periods)

    # Open pipeline: a deal without an amount cannot be valued; it is counted and left out.
    valued = open_["amount"].notna().to_numpy()
    unvalued = open_.loc[~valued, "opportunity_id"].astype(str).tolist()
    if unvalued:
        notes.append("missing_amounts")
    open_ = open_[valued].reset_index(drop=True)
    amounts = open_["amount"].to_numpy(float, copy=True)
    n_staged = n_stage_closed = 0
    if lt.n_closed >= settings.min_closed:
        method = "history"
        q = deal_probabilities(lt, open_, t0, periods)
        if stage_entries is not None:
            by_stage, staged, n_stage_closed = _by_stage(stage_entries, open_, t0, periods, settings, horizon)
            if n_stage_closed >= settings.min_closed:
                method, n_staged = "stage_and_age", int(staged.sum())
                q[staged] = by_stage
            else:
                notes.append("stage_history_thin")
    else:
        # Too little closed history to learn from: the CRM's stated probability, closing in the first period.
        method = "stated_probability"
        q = np.zeros((len(open_), P))
        q[:, 0] = open_["probability"].fillna(0).clip(0, 1).to_numpy(float)
    open_ = open_.assign(p_horizon=q.sum(1), amount_used=amounts)
    onehot = np.zeros((len(open_), G))
    onehot[np.arange(len(open_)), [gi[g] for g in open_["grp"]]] = 1.0
    cum = np.cumsum(q, axis=1)
    samples = np.zeros((settings.sims, G, P))
    for lo in range(0, settings.sims, settings.chunk):
        n = min(settings.chunk, settings.sims - lo)
        u = rng.random((n, len(open_)))
        outcome = (u[:, :, None] >= cum[None, :, :]).sum(-1)
        for j in range(P):
            samples[lo:lo + n, :, j] = ((outcome == j) * amounts) @ onehot
    pipeline_mean = np.zeros((G, P))
    np.add.at(pipeline_mean, [gi[g] for g in open_["grp"]], q * amounts[:, None])

    # Run-rate: deals not yet created, at each group's recent pace; the pace itself varies as it
    # has from month to month (a gamma-Poisson mixture), which widens the interval honestly.
    run_rate_mean = np.zeros((G, P))
    if method != "stated_probability" and len(created):
        wins_per_daily_deal = {s: _new_wins(lt, s, t0, periods) for s in created["stratum"].unique()}
        for g, rows in created.groupby("grp"):
            per_bucket = rows.groupby("bucket")["n"].sum().to_numpy(float)
            m, v = per_bucket.mean(), per_bucket.var(ddof=1) if len(per_bucket) > 1 else 0.0
            shape = m * m / (v - m) if v > m > 0 else np.inf
            mult = rng.gamma(shape, 1 / shape, settings.sims) if np.isfinite(shape) else np.ones(settings.sims)
            for s, srows in rows.groupby("stratum"):
                rate = srows["n"].sum() / settings.rate_window_days
                mu = rate * wins_per_daily_deal[s]
                mean_amt, var_amt = amount_of(g, s)
                if not np.isfinite(mean_amt):
                    continue
                k = rng.poisson(mult[:, None] * mu[None, :])
                samples[:, gi[g], :] += _gamma_sum(rng, k, mean_amt, var_amt)
                run_rate_mean[gi[g]] += mu * mean_amt
    elif method == "stated_probability":
        notes.append("no_run_rate_without_history")

    won_to_date = np.zeros((G, P))
    if so_far is not None:
        for _, r in so_far.iterrows():
            won_to_date[gi[r["grp"]], 0] = float(r["won"])
    samples += won_to_date[None]
    open_count = np.bincount([gi[g] for g in open_["grp"]], minlength=G)
    return Run(as_of, periods, groups, samples, won_to_date, pipeline_mean, run_rate_mean,
               open_count, method, notes, unvalued, open_, n_staged, n_stage_closed)

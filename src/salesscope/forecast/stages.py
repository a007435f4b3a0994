"""Win chances by stage and time in stage, where the store keeps a stage history.

An export holds only a deal's last stage; a CRM read in place (Odoo) keeps every stage change, so
the forecast can ask: of the deals that were in this stage, this long, how many were won, and when?

Every stay in a stage is looked at at fixed moments of its time in stage (``moments``: every week
for the first month, then less often) while the deal is still open and still in that stage. From
each moment the deal is followed to its close, or to the forecast's origin if it is still open
then (censored). The moments fall in time-in-stage buckets (``BUCKETS``: 0, 7, 14, 30... days),
and each (stage, bucket) cell gets one life table over the days since the moment (competing
outcomes won and lost, as in :mod:`salesscope.forecast.calibration`). An open deal in stage *s*
for *d* days is read from the cell of its last moment *m*, as open for ``d - m`` days since: its
chance of a win between two dates comes from the cell's curves exactly as a deal's comes from the
age curves. (A deal still in its stage is a little less advanced than an open deal of its cell
``d - m`` days on; the moments are close enough for that to matter little.)

Only what was known at the origin is used: stage entries before it, closes before it. A cell with
fewer than ``Settings.min_closed_stage`` closed deals pools the stage's buckets; a stage thin even
then, or a deal without a stage history, is forecast by its age alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesscope.engine.stages import has_history, stage_changes
from salesscope.forecast.calibration import ALL, LifeTable, fit
from salesscope.forecast.data import CLOSED, DAY_S

if TYPE_CHECKING:
    from salesscope.scope import ScopeArg
    from salesscope.workspace import Workspace

BUCKETS = (0.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0)  # days in stage at which a bucket starts
POOLED = "*"  # a stage's cell pooling all its buckets


def history(ws: Workspace, deals: pd.DataFrame, scope: ScopeArg = None) -> pd.DataFrame | None:
    """Every stage entry of a deal in ``deals`` (the forecast's deal table) as ``opportunity_id``,
    ``stage``, ``t`` (epoch seconds), with the deal's ``status`` and close ``x``; ``None`` when the
    store keeps no stage history."""
    if not has_history(ws):
        return None
    h = stage_changes(ws, scope)
    if h.empty:
        return None
    t = (pd.to_datetime(h["entered_at"]) - pd.Timestamp(1970, 1, 1)).dt.total_seconds()
    out = pd.DataFrame({"opportunity_id": h["opportunity_id"].astype(str), "stage": h["stage"].astype(str), "t": t})
    d = deals[["opportunity_id", "status", "x"]].assign(opportunity_id=deals["opportunity_id"].astype(str))
    out = out.dropna(subset=["t"]).merge(d, on="opportunity_id", how="inner")
    return out.sort_values(["opportunity_id", "t"], kind="stable").reset_index(drop=True)


def cell(stage: str, bucket: int | str) -> str:
    """A cell's key: the stage and its bucket (or ``POOLED``), apart by a character no name holds."""
    return f"{stage}\x1f{bucket}"


def moments(up_to_days: float) -> np.ndarray:
    """The days in stage at which a stay is looked at: weekly for a month, fortnightly to three
    months, monthly to six, then every two months."""
    grid = np.concatenate([np.arange(0, 28, 7), np.arange(28, 90, 14), np.arange(90, 180, 30),
                           np.arange(180, max(up_to_days, 180) + 60, 60)])
    return grid[grid <= max(up_to_days, 0)].astype(float)


def bucket(days: np.ndarray | float) -> np.ndarray:
    """The time-in-stage bucket of ``days`` in stage."""
    return np.searchsorted(BUCKETS, days, side="right") - 1


def observations(entries: pd.DataFrame, t0: float) -> pd.DataFrame:
    """One row per moment of a stay before ``t0`` at which the deal is open and in its stage:
    ``opportunity_id``, ``stage``, ``bucket``, ``event`` (won, lost or censored at ``t0``) and
    ``days`` from that moment to the event."""
    e = entries[entries["t"] < t0]
    left = e.groupby("opportunity_id")["t"].shift(-1).fillna(np.inf).to_numpy(float)
    closed = (e["status"].isin(CLOSED) & e["x"].notna() & (e["x"] < t0)).to_numpy(bool)
    close = np.where(closed, e["x"].to_numpy(float), np.inf)
    frames = []
    longest = (t0 - e["t"].min()) / DAY_S if len(e) else 0.0
    for start in moments(longest):
        at = e["t"].to_numpy(float) + start * DAY_S
        ok = (at < t0) & (at < left) & (at < close)
        if not ok.any():
            continue
        end = np.where(closed, close, t0)[ok]
        frames.append(pd.DataFrame({
            "opportunity_id": e["opportunity_id"].to_numpy()[ok], "stage": e["stage"].to_numpy()[ok],
            "bucket": int(bucket(start)),
            "event": np.where(closed[ok], e["status"].to_numpy()[ok], "censored"),
            "days": (end - at[ok]) / DAY_S}))
    if not frames:
        return pd.DataFrame(columns=["opportunity_id", "stage", "bucket", "event", "days"])
    return pd.concat(frames, ignore_index=True)


@dataclass
class StageTable:
    """Life tables per (stage, bucket) cell and per stage, and the closed deals they learned from."""

    table: LifeTable
    n_closed: int  # distinct deals closed before the origin whose stay was observed

    def place(self, entries: pd.DataFrame, deal_ids: pd.Series, t0: float) -> tuple[np.ndarray, np.ndarray]:
        """Per deal: its cell (``""`` when it has none with enough history) and its days since the cell's moment."""
        e = entries[entries["t"] < t0]
        last = e.groupby("opportunity_id").tail(1).set_index("opportunity_id")
        ids = deal_ids.astype(str)
        stage = ids.map(last["stage"]).to_numpy(object)
        days = ((t0 - ids.map(last["t"]).to_numpy(float)) / DAY_S)
        keys = np.full(len(ids), "", dtype=object)
        since = np.zeros(len(ids))
        for i, (s, d) in enumerate(zip(stage, days, strict=True)):
            if not isinstance(s, str) or not np.isfinite(d):
                continue
            moment = moments(d)[-1]
            for key in (cell(s, int(bucket(moment))), cell(s, POOLED)):
                if key in self.table.curves:
                    keys[i], since[i] = key, d - moment
                    break
        return keys, since


def fit_stages(entries: pd.DataFrame, t0: float, bin_days: float, horizon_days: float, *, min_closed: int,
               tail_min: float) -> StageTable:
    """The cells' life tables from the stays observed before ``t0``."""
    obs = observations(entries, t0)
    closed = obs[obs["event"] != "censored"]
    n_closed = int(closed["opportunity_id"].nunique())
    if obs.empty:
        return StageTable(LifeTable(bin_days), 0)
    obs = obs.assign(age_bin=(obs["days"] / bin_days).astype(int))
    by_cell = obs.assign(stratum=[cell(s, b) for s, b in zip(obs["stage"], obs["bucket"], strict=True)])
    by_stage = obs.assign(stratum=obs["stage"].map(lambda s: cell(s, POOLED)))
    both = pd.concat([by_cell, by_stage])
    counts = both.groupby(["stratum", "age_bin", "event"]).size().rename("n").reset_index()
    span = float(obs["days"].max()) + horizon_days + 60
    lt = fit(counts, bin_days, span, min_closed=0, tail_min=tail_min)
    # a deal is looked at several times in a cell: a cell needs enough distinct deals closed
    deals = both[both["event"] != "censored"].groupby("stratum")["opportunity_id"].nunique()
    lt.curves = {k: c for k, c in lt.curves.items() if k != ALL and deals.get(k, 0) >= min_closed}
    return StageTable(lt, n_closed)


def win_between(st: StageTable, keys: np.ndarray, since: np.ndarray, u0: np.ndarray, u1: np.ndarray) -> np.ndarray:
    """P(won between ``u0`` and ``u1`` days after the origin) for deals placed in a cell."""
    return st.table.win_between(keys.astype(str), since, since + u0, since + u1)

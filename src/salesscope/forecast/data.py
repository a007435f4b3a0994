"""What the forecast reads from the store: life-table counts, the open pipeline, run-rate inputs.

The deals are read from the store once per forecast, one row each with the few columns the
forecast uses (a few hundred thousand at most); the life tables, pipelines, run rates and
revenues of every back-test origin are then counted from those rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd

from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.schema import Table
from salesscope.scope import Scope, ScopeArg
from salesscope.zoom import parse_dimension

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

NONE = "(none)"
DAY_S = 86_400.0
GROUP_DIMS = ("team", "rep", "channel")
CLOSED = ("won", "lost")
TEXT_COLUMNS = ("opportunity_id", "status", "stage", "grp", "stratum")


def epoch(day: dt.date | dt.datetime) -> float:
    """Seconds since 1970 of a wall-clock date, as the store's timestamps are read."""
    if not isinstance(day, dt.datetime):
        day = dt.datetime.combine(day, dt.time())
    return (day - dt.datetime(1970, 1, 1)).total_seconds()


def _present(ws: Workspace, name: str) -> bool:
    be = ws.backend
    return name in be.list_tables() and int(be.table(name).count().execute()) > 0


def deals(ws: Workspace, by: str | None, stratum: str | None, scope: ScopeArg = None) -> pd.DataFrame:
    """Opportunities with times as epoch seconds, a ``grp`` (the breakdown) and a ``stratum``, read
    once: a forecast and its back-tests ask them dozens of questions, each a filter over these rows.
    They come in the order of their ids, so that the same deals give the same simulated bounds
    whatever order the store (or a join) keeps them in.

    ``scope`` (a :class:`Scope`, or ``{"rep": [...]}`` / ``{"team": [...]}`` as ``ws.kpis`` takes
    it) keeps only those reps' or teams' deals, inside the query.
    """
    if not _present(ws, Table.OPPORTUNITIES.value):
        raise QueryError(Text("error.forecast.no_opportunities"))
    scope = Scope.parse(scope)
    o = ws.table(Table.OPPORTUNITIES)
    if by == "team" or scope.teams is not None:
        if not _present(ws, Table.REPS.value):
            raise QueryError(Text("error.forecast.no_reps"))
        r = ws.table(Table.REPS)
        r = r.select(_rep_id=r.rep_id, _team=r.team)
        o = o.left_join(r, o.rep_id == r._rep_id)
    kept = scope.restrict(o, rep="rep_id", team="_team" if "_team" in o.columns else None)
    assert kept is not None, "rep_id is always there, and _team is joined whenever the scope names teams"
    o = kept
    match parse_group(by):
        case "team":
            grp = o._team
        case "rep":
            grp = o.rep_id
        case "channel":
            grp = o.channel
        case _:
            grp = ibis.literal("all")
    strat = o[stratum].cast("string").fill_null(NONE) if stratum else ibis.literal("all")
    out = o.select(
        opportunity_id=o.opportunity_id, status=o.status.lower(),
        c=o.created_at.epoch_seconds().cast("float64"), x=o.closed_at.epoch_seconds().cast("float64"),
        amount=o.amount.cast("float64"), probability=o.probability.cast("float64"),
        stage=o.stage, grp=grp.cast("string").fill_null(NONE), stratum=strat,
    ).filter(lambda t: t.c.notnull()).order_by("opportunity_id").to_pandas()
    # Python strings: the back-tests filter these rows thousands of times, which costs several
    # times more on Arrow-backed columns
    text = [c for c in TEXT_COLUMNS if c in out.columns]
    return out.astype(dict.fromkeys(text, object))


def parse_group(by: str | None, allowed: Sequence[str] = GROUP_DIMS) -> str | None:
    """A forecast or plan breakdown: one dimension, among those deals can be grouped by."""
    if by is None or by == "":
        return None
    dim = str(parse_dimension(by))
    if dim not in allowed:
        raise QueryError(Text("error.forecast.bad_breakdown", by=by, options=", ".join(allowed)))
    return dim


def _closed_before(d: pd.DataFrame, as_of: float | np.ndarray) -> np.ndarray:
    return (d["status"].isin(CLOSED) & (d["x"] < as_of)).to_numpy(bool)


def _placeable(d: pd.DataFrame) -> pd.DataFrame:
    """The deals that can be placed in time: a closed deal without a close date is left out."""
    return d[~d["status"].isin(CLOSED) | d["x"].notna()]


def _sums(codes: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Per code, the values added one after the other in row order (as the database adds them)."""
    return np.bincount(codes, weights=values, minlength=n)


def life_counts(d: pd.DataFrame, origins: Sequence[float], bin_days: float) -> pd.DataFrame:
    """Won, lost and still-open (censored) deals per origin, stratum and age bin, as known at each origin."""
    d = _placeable(d)
    c, x, status = d["c"].to_numpy(float), d["x"].to_numpy(float), d["status"]
    frames = []
    for as_of in (float(o) for o in origins):
        seen = c < as_of
        closed = _closed_before(d, as_of)[seen]
        dur = np.where(closed, x[seen] - c[seen], as_of - c[seen]) / DAY_S
        frames.append(pd.DataFrame({
            "as_of": as_of, "stratum": d["stratum"].to_numpy()[seen],
            "age_bin": np.floor(dur / bin_days).astype("int64"),
            "event": np.where(closed, status.to_numpy()[seen], "censored"),
        }))
    j = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["as_of", "stratum", "age_bin", "event"])
    return j.groupby(["as_of", "stratum", "age_bin", "event"], sort=False).size().rename("n").reset_index()


def open_at(d: pd.DataFrame, as_of: float) -> pd.DataFrame:
    """The deals open at ``as_of``, one row each, with how they ended if they have."""
    return _placeable(d[(d["c"] < as_of).to_numpy(bool) & ~_closed_before(d, as_of)]).reset_index(drop=True)


def creation_counts(d: pd.DataFrame, as_of: float, window_days: int, bucket_days: int) -> pd.DataFrame:
    """Deals created per group and stratum in equal buckets of the trailing window (all buckets
    present), sorted by group, stratum and bucket; a group and stratum appear when they have a deal
    in the window."""
    c = d["c"].to_numpy(float)
    seen = (c >= as_of - window_days * DAY_S) & (c < as_of)
    n_buckets = window_days // bucket_days
    grps, gi = np.unique(d["grp"].to_numpy()[seen], return_inverse=True)
    strata, si = np.unique(d["stratum"].to_numpy()[seen], return_inverse=True)
    pairs, pi = np.unique(gi * len(strata) + si, return_inverse=True)
    bucket = np.floor((as_of - c[seen]) / (bucket_days * DAY_S)).astype("int64")
    inside = bucket < n_buckets  # a deal created exactly at the window's start falls past its last bucket
    n = np.bincount(pi[inside] * n_buckets + bucket[inside], minlength=len(pairs) * n_buckets)
    return pd.DataFrame({
        "grp": np.repeat(grps[pairs // len(strata)], n_buckets).astype(object),
        "stratum": np.repeat(strata[pairs % len(strata)], n_buckets).astype(object),
        "bucket": np.tile(np.arange(n_buckets, dtype="int64"), len(pairs)),
        "n": n.astype("int64"),
    })


def won_amounts(d: pd.DataFrame, as_of: float, window_days: int) -> pd.DataFrame:
    """Count, sum and sum of squares of won amounts per group and stratum over the trailing window."""
    lo = as_of - window_days * DAY_S
    t = d[(d["status"] == "won") & (d["x"] >= lo) & (d["x"] < as_of) & d["amount"].notna()]
    g = t.groupby(["grp", "stratum"])
    out, codes, amount = g.size().rename("n").reset_index(), g.ngroup().to_numpy(), t["amount"].to_numpy(float)
    return out.assign(s=_sums(codes, len(out), amount), ss=_sums(codes, len(out), amount * amount))


def won_between(d: pd.DataFrame, ranges: Sequence[tuple[float, float]]) -> pd.DataFrame:
    """Won revenue per group within each [start, end) range (``lo``, ``hi`` in epoch seconds)."""
    t = d[(d["status"] == "won") & d["x"].notna()]
    x, amount = t["x"].to_numpy(float), t["amount"].fillna(0).to_numpy(float)
    frames = []
    for lo, hi in ranges:
        m = (x >= lo) & (x < hi)
        groups, codes = np.unique(t["grp"].to_numpy()[m], return_inverse=True)
        frames.append(pd.DataFrame({"lo": float(lo), "grp": groups, "won": _sums(codes, len(groups), amount[m]),
                                    "n": np.bincount(codes, minlength=len(groups)).astype("int64")}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["lo", "grp", "won", "n"])


def last_event(d: pd.DataFrame) -> dt.datetime | None:
    """The latest creation or close time in the store: the data's 'now'."""
    vals = [v for v in (d["c"].max(), d["x"].max()) if pd.notna(v)]
    if not vals:
        return None
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=float(max(vals)))

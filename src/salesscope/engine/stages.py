"""The deal funnel by stage, from a stage history: how many deals reached each stage, how many of
those that left it went further, and how long they stayed.

A stage history is read only where the CRM keeps one: a workspace reading a CRM database in place
whose mapping declares the ``stage_changes`` view (the Odoo mapping does). An export holds only a
deal's last stage, so it cannot tell the stages a deal passed through.

Stages are ordered by the CRM's own stage order. A deal *reached* a stage when it entered it or
any later one (a skipped stage was passed). Of the deals that reached a stage, those still open
whose furthest stage is this one have not decided yet; the conversion is the share of the others
that reached the next stage. Time in stage runs from entering a stage to entering the next one
(or to the close, for a deal's last stage); a stay still going is not counted. A scope keeps the
deals of some reps or teams, as for the indicators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.schema import Table
from salesscope.scope import Scope, ScopeArg

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

STAGE_CHANGES = "stage_changes"
COLUMNS = ["stage", "stage_order", "reached", "moved_on", "undecided", "conversion", "stays",
           "days_median", "days_mean", "note"]


def has_history(ws: Workspace) -> bool:
    """Whether the workspace's store holds a stage history."""
    return STAGE_CHANGES in ws.backend.list_tables()


def _error(key: str) -> QueryError:
    return QueryError(Text(f"stages.{key}"))


def stage_changes(ws: Workspace, scope: ScopeArg = None) -> pd.DataFrame:
    """Every stage a deal in scope entered, in order, with the deal's status and close and when it left."""
    if not has_history(ws):
        raise _error("no_history")
    be, scope = ws.backend, Scope.parse(scope)
    o = be.table(Table.OPPORTUNITIES.value).select("opportunity_id", "status", "closed_at", "rep_id")
    if scope.teams is not None:
        r = be.table(Table.REPS.value)
        r = r.select(_rep=r.rep_id, _team=r.team)
        o = o.left_join(r, o.rep_id == r._rep)
    kept = scope.restrict(o, rep="rep_id", team="_team" if "_team" in o.columns else None)
    assert kept is not None, "rep_id is always there"
    opps = be.execute(kept.select("opportunity_id", "status", "closed_at"))
    df = be.execute(be.table(STAGE_CHANGES)).merge(opps, on="opportunity_id", how="inner")
    df["entered_at"] = pd.to_datetime(df["entered_at"])
    df["closed_at"] = pd.to_datetime(df["closed_at"])
    df = df.sort_values(["opportunity_id", "entered_at", "stage_order"], kind="stable").reset_index(drop=True)
    nxt = df.groupby("opportunity_id")["entered_at"].shift(-1)
    closed = df["closed_at"].where((df["status"] != "open") & (df["closed_at"] > df["entered_at"]))
    df["left_at"] = nxt.fillna(closed)
    return df


def stage_funnel(ws: Workspace, scope: ScopeArg = None) -> pd.DataFrame:
    """One row per stage, in the CRM's order: ``reached``, ``moved_on`` (reached a later stage),
    ``undecided`` (open, no further yet), ``conversion`` (percent of the decided that moved on),
    ``stays`` (finished stays) with their ``days_median`` and ``days_mean``, and a ``note`` saying
    why a value is undefined."""
    df = stage_changes(ws, scope)
    if df.empty:
        raise _error("empty")
    # every stage of the pipeline, also those no deal in scope reached
    t = ws.backend.table(STAGE_CHANGES)
    order = ws.backend.execute(t.group_by("stage").aggregate(stage_order=t.stage_order.min()))
    order = order.sort_values(["stage_order", "stage"])
    deals = df.groupby("opportunity_id").agg(furthest=("stage_order", "max"), status=("status", "first"))
    days = (df["left_at"] - df["entered_at"]).dt.total_seconds() / 86400
    rows = []
    stages = list(order.itertuples(index=False))
    for i, s in enumerate(stages):
        reached = int((deals["furthest"] >= s.stage_order).sum())
        undecided = int(((deals["furthest"] == s.stage_order) & (deals["status"] == "open")).sum())
        last = i + 1 == len(stages)
        further = int((deals["furthest"] > s.stage_order).sum())
        decided = reached - undecided
        if last:
            conversion, note = np.nan, "last_stage"
        elif decided == 0:
            conversion, note = np.nan, "none_decided"
        else:
            conversion, note = further / decided * 100, None
        stay = days[(df["stage"] == s.stage) & days.notna()]
        rows.append({"stage": s.stage, "stage_order": s.stage_order, "reached": reached, "moved_on": None if last else further,
                     "undecided": undecided, "conversion": conversion, "stays": len(stay),
                     "days_median": stay.median() if len(stay) else np.nan,
                     "days_mean": stay.mean() if len(stay) else np.nan, "note": note})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["moved_on"] = out["moved_on"].astype("Int64")
    return out

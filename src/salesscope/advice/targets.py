"""Targets: progress against the period's target, milestones at 50%, 90% and 100%, pro-rated to the day."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from salesscope.advice.frames import Context, dims_dict, dims_of, evidence, fnum, where
from salesscope.advice.model import Finding
from salesscope.advice.stats import pvalue_from_interval
from salesscope.advice.texts import Num, Term, make

MILESTONES = (50, 90, 100)
# Indicators that accumulate through a period, so part of a period is held to part of the target.
CUMULATIVE = ("quota_attainment",)
# Indicators whose own value is already progress against a target of 100%.
IMPLICIT_TARGET = {"quota_attainment": 100.0}


def milestone(progress: float) -> Term:
    reached = [m for m in MILESTONES if progress >= m]
    return Term(f"milestone.{reached[-1]}" if reached else "milestone.none")


def progress_of(value: float, target: float, higher_is_better: bool) -> float | None:
    """Percent of the target achieved; for lower-is-better indicators, target over value."""
    if higher_is_better:
        return 100 * value / target if target else None
    return 100 * target / value if value > 0 else None


def pace(kpi: str, value: float | None, target: float | None, higher_is_better: bool,
         start: dt.date, end: dt.date, today: dt.date) -> dict | None:
    """Where a period not over yet stands against its target on ``today`` (the day after the last
    the data hold): progress now, the share of the period gone, the progress a steady pace would
    have by now, the value and progress the present pace puts at the period's end, and for an
    indicator that accumulates through the period, the day each milestone falls due on a steady
    pace and whether it is reached. None without a value or a target, or once the period is over.

    >>> p = pace("quota_attainment", 40.0, None, True, dt.date(2026, 4, 1), dt.date(2026, 4, 30),
    ...          dt.date(2026, 4, 13))
    >>> round(p["projected"], 1), p["on_pace"], [(m["percent"], m["due"], m["reached"]) for m in p["milestones"]]
    (100.0, True, [(50, '2026-04-15', False), (90, '2026-04-27', False), (100, '2026-04-30', False)])
    """
    target = target or IMPLICIT_TARGET.get(kpi)
    total, gone = (end - start).days + 1, (today - start).days
    if value is None or not target or not 0 < gone < total:
        return None
    cumulative = kpi in CUMULATIVE
    share = gone / total
    projected = value / share if cumulative else value  # a rate holds its level; a sum keeps its speed
    progress = progress_of(value, target, higher_is_better)
    at_end = progress_of(projected, target, higher_is_better)
    if progress is None or at_end is None:
        return None
    expected = 100 * share if cumulative else 100.0
    milestones = [{"percent": m, "due": (start + dt.timedelta(days=math.ceil(total * m / 100) - 1)).isoformat()
                   if cumulative else None, "reached": progress >= m} for m in MILESTONES]
    return {"target": target, "progress": progress, "elapsed": share, "expected": expected,
            "projected": projected, "projected_progress": at_end, "on_pace": progress >= expected,
            "milestones": milestones}


def target_findings(ctx: Context) -> list[Finding]:
    """Final status for the period asked, and pace for the current period when the data reach it."""
    out: list[Finding] = []
    for df in [ctx.totals, *ctx.parts.values()]:
        dl = dims_of(df)
        for label, current in ((ctx.period, False), (ctx.current, True)):
            if label is None or (current and label == ctx.period):
                continue
            for row in rows_with_target(df, label):
                f = _one(ctx, row, dims_dict(row, dl), label, current)
                if f is not None:
                    out.append(f)
    return out


def rows_with_target(df: pd.DataFrame, period: str):
    here = df[df["period"].astype(str) == str(period)]
    for _, row in here.iterrows():
        if fnum(row.get("target")) is not None or str(row["kpi"]) in IMPLICIT_TARGET:
            yield row


def _elapsed(row: pd.Series, today: dt.date) -> float:
    start, end = pd.Timestamp(row["period_start"]).date(), pd.Timestamp(row["period_end"]).date()
    total = (end - start).days + 1
    return min(max((today - start).days + 1, 0), total) / total


def _one(ctx: Context, row: pd.Series, d: dict[str, str], label: str, current: bool) -> Finding | None:
    kpi, value = str(row["kpi"]), fnum(row["value"])
    target = fnum(row.get("target")) or IMPLICIT_TARGET.get(kpi)
    if value is None or not target:
        return None
    meta = ctx.kpi_meta(kpi, str(row.get("unit")))
    progress = progress_of(value, target, meta.higher_is_better)
    if progress is None:
        return None
    elapsed = _elapsed(row, ctx.today) if current else 1.0
    expected = 100 * elapsed if kpi in CUMULATIVE else 100.0
    lo, hi = fnum(row.get("ci_low")), fnum(row.get("ci_high"))
    ev = evidence(row, target=target, pvalue=pvalue_from_interval(value, target, lo, hi), progress_percent=progress, milestone=[m for m in MILESTONES if progress >= m],
                  elapsed_share=elapsed, expected_progress_percent=expected, current_period=current)
    params = {"where": where(d), "kpi": ctx.name(kpi), "period": label, "value": ctx.num(kpi, value),
              "unit": ctx.unit(kpi), "target": ctx.num(kpi, target), "progress": Num(progress, "percent"),
              "milestone": milestone(progress), "elapsed": Num(100 * elapsed, "percent"),
              "expected": Num(expected, "percent")}
    if current:
        code = "target_on_pace" if progress >= expected else "target_behind_pace"
    else:
        code = "target_met" if progress >= 100 else "target_missed"
    good = code in ("target_met", "target_on_pace")
    confidence = "high" if not current or elapsed >= 0.5 else "medium"
    shortfall = 0.0 if good else (expected - progress) / 25
    return make(code, kpi=kpi, period=label, dims=d, evidence=ev, params=params, confidence=confidence,
                effect=shortfall if not good else 0.2)

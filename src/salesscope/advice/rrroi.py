"""RRROI advice per channel and rep, as KPIS.md gives it: both signs, hours added or cut, noise."""

from __future__ import annotations

import pandas as pd

from salesscope.advice.frames import Context, dims_dict, dims_of, evidence, fnum, rows, where
from salesscope.advice.model import Finding
from salesscope.advice.settle import thin_warning
from salesscope.advice.stats import is_thin, pvalue_of_z
from salesscope.advice.texts import Num, Term, make

KPI = "rrroi"


def rrroi_findings(ctx: Context) -> list[Finding]:
    """One finding per channel, rep and the total whose RRROI is defined in the period."""
    out: list[Finding] = []
    frames = [ctx.totals] + [ctx.parts[d] for d in ("channel", "rep") if d in ctx.parts]
    for df in frames:
        for _, row in rows(df, KPI, ctx.period).iterrows():
            f = _one(ctx, row, dims_of(df))
            if f is not None:
                out.append(f)
    return out


def _one(ctx: Context, row: pd.Series, dims: list[str]) -> Finding | None:
    value, points, hours = fnum(row["value"]), fnum(row.get("numerator")), fnum(row.get("denominator"))
    if value is None or hours is None or hours == 0:
        return None  # undefined (no_change_in_hours / no_actions): nothing to advise
    if points is None:
        points = value * hours
    d = dims_dict(row, dims)
    if is_thin(row, ctx.min_sample, check_width=False):
        return thin_warning(ctx, row, d)
    lo, hi = fnum(row.get("ci_low")), fnum(row.get("ci_high"))
    # The interval of the response-rate change, back in points (the engine divides it by the hours).
    plo: float | None = None
    phi: float | None = None
    if lo is not None and hi is not None:
        plo, phi = sorted((lo * hours, hi * hours))
    noise = plo is not None and phi is not None and plo <= 0 <= phi
    half = (phi - plo) / 2 / 1.96 if plo is not None and phi is not None and phi > plo else None
    z = abs(points) / half if half else 0.0
    ev = evidence(row, response_rate_change_points=points, extra_hours=hours,
                  change_ci_low=plo, change_ci_high=phi, within_noise=noise, pvalue=pvalue_of_z(z) if half else None)
    scope = Term(f"scope.{next(iter(d))}" if d and next(iter(d)) in ("channel", "rep", "team") else
                 "scope.other" if d else "scope.none")
    params = {"where": where(d), "scope": scope, "value": Num(value, "points_per_hour", signed=True),
              "points": Num(abs(points), "points"), "hours": Num(abs(hours), "hours"),
              "low": Num(plo, "points", signed=True), "high": Num(phi, "points", signed=True)}
    if noise:
        params.update(points=Num(points, "points", signed=True), hours=Num(hours, "hours", signed=True))
        return make("rrroi_noise", kpi=KPI, period=ctx.period, dims=d, evidence=ev, params=params,
                    confidence="low", effect=0.0)
    if hours > 0:
        code = "rrroi_more_time" if value > 0 else "rrroi_enough_time"
    else:
        code = "rrroi_restore_time" if value > 0 else "rrroi_cut_right"
    confidence = "high" if z >= 2.58 else "medium" if plo is not None else "low"
    return make(code, kpi=KPI, period=ctx.period, dims=d, evidence=ev, params=params,
                confidence=confidence, effect=min(z / 2, 4.0) if z else 1.0)

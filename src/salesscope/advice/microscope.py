"""Microscope warnings: too thin, the total hides its parts, wrong zoom; each names the zoom to use."""

from __future__ import annotations

import pandas as pd

from salesscope.advice.decompose import from_frame
from salesscope.advice.frames import (
    Context,
    evidence,
    fnum,
    member,
    one,
    periods,
    previous_period,
    rows,
)
from salesscope.advice.model import Finding
from salesscope.advice.stats import (
    SIGNIFICANT,
    VERY_SIGNIFICANT,
    is_thin,
    pvalue_two_intervals,
    two_proportions,
)
from salesscope.advice.texts import Num, PValue, Term, make

# Indicators whose numerator/denominator are a count of successes out of a count of cases.
PROPORTIONS = ("win_rate", "lead_conversion_rate", "churn_rate")
# A total's change must be at least this share of its previous value to count as a change.
MIN_RELATIVE_CHANGE = 0.03
# In "one segment carries", the other parts moved at most this share of the carrier's change.
CARRIER_SHARE = 0.25
# A fine-grain swing worth a warning: at least this many points, or this share of the previous value.
SWING_POINTS, SWING_RELATIVE = 5.0, 0.25
# A total's move worth reading by its parts (a warning not to act on the total, so a looser bar than advice).
TOTAL_MOVED_P = 0.05
# ... and plainly noise: a chance swing at least this likely.
NOISE_P = 0.2


def _meaningful(change: float | None, previous: float | None) -> bool:
    if change is None or change == 0:
        return False
    return previous is None or previous == 0 or abs(change) >= MIN_RELATIVE_CHANGE * abs(previous)


def total_vs_parts(ctx: Context) -> list[Finding]:
    """Simpson's paradox (parts move against the total), a change the mix explains, one part carrying it.

    Only for ratios whose parts add up to the total (successes out of cases, money over deals), and
    only when the total's change is itself unlikely to be chance.
    """
    out: list[Finding] = []
    for dim, df in ctx.parts.items():
        for kpi in sorted(df["kpi"].astype(str).unique()):
            total = one(ctx.totals, kpi, ctx.period)
            if total is None or is_thin(total, ctx.min_sample, check_width=False):
                continue
            change, prev = fnum(total.get("change")), fnum(total.get("previous_value"))
            if not _meaningful(change, prev):
                continue
            parts = rows(df, kpi, ctx.period)
            parts = parts[[fnum(c) is not None for c in parts["change"]]]
            if len(parts) < 2 or not adds_up(total, rows(df, kpi, ctx.period)):
                continue
            p = change_pvalue(ctx.totals, kpi, ctx.period, {})
            if p is None or p >= TOTAL_MOVED_P:
                continue
            f = (_simpson(ctx, kpi, dim, total, parts) or _mix(ctx, kpi, dim, total)
                 or _carrier(ctx, kpi, dim, total, parts, df))
            if f is not None:
                f.evidence["pvalue"] = p
                out.append(f)
    return out


def adds_up(total: pd.Series, parts: pd.DataFrame) -> bool:
    """Whether the parts' numerators and denominators sum to the total's (within rounding)."""
    tx, td = fnum(total.get("numerator")), fnum(total.get("denominator"))
    xs = [v for v in map(fnum, parts["numerator"]) if v is not None]
    ds = [v for v in map(fnum, parts["denominator"]) if v is not None]
    if tx is None or not td or len(xs) < len(parts) or len(ds) < len(parts):
        return False
    return abs(sum(xs) - tx) <= 0.005 * abs(tx) + 1e-9 and abs(sum(ds) - td) <= 0.005 * abs(td) + 1e-9


def change_pvalue(df: pd.DataFrame, kpi: str, period: str, d: dict[str, str]) -> float | None:
    """p-value of the change from the previous period: a two-proportion test for proportions,
    else the two periods' intervals."""
    label = previous_period(rows(df, kpi), period)
    row, prev = one(df, kpi, period, d), (one(df, kpi, label, d) if label else None)
    if row is None or prev is None:
        return None
    if kpi in PROPORTIONS:
        t = two_proportions(row.get("numerator"), row.get("denominator"), prev.get("numerator"),
                            prev.get("denominator"))
        return t.pvalue if t else None
    return pvalue_two_intervals(fnum(row.get("value")), fnum(row.get("ci_low")), fnum(row.get("ci_high")),
                                fnum(prev.get("value")), fnum(prev.get("ci_low")), fnum(prev.get("ci_high")))


def _mix(ctx: Context, kpi: str, dim: str, total: pd.Series) -> Finding | None:
    """The total moved mostly because its parts' weights moved (mix effect clear of zero), not their rates."""
    prev = previous_period(rows(ctx.parts[dim], kpi), ctx.period)
    d = from_frame(ctx.parts[dim], kpi, ctx.period, prev, dim, proportion=kpi in PROPORTIONS) if prev else None
    if d is None or d.cause != "mix" or d.mix_ci is None or d.mix_ci[0] <= 0 <= d.mix_ci[1]:
        return None
    if abs(d.mix) < abs(d.change) / 2:
        return None
    gainer = max(d.effects, key=lambda e: e.mix if d.change > 0 else -e.mix)
    ev = evidence(total, breakdown=dim, mix_effect=d.mix, rate_effect=d.rate, mix_ci=d.mix_ci, rate_ci=d.rate_ci,
                  parts=[{"dimensions": {dim: e.member}, "share_before": e.share_before, "share_after": e.share_after,
                          "rate_before": e.rate_before, "rate_after": e.rate_after, "mix": e.mix, "rate": e.rate}
                         for e in d.effects])
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "change": ctx.change(kpi, d.change),
              "member": member({dim: gainer.member}), "before": Num(100 * gainer.share_before, "percent"),
              "after": Num(100 * gainer.share_after, "percent"), "mix": ctx.change(kpi, d.mix),
              "rate": ctx.change(kpi, d.rate), "dim": Term(f"dim.{dim}")}
    return make("mix_shift", kpi=kpi, period=ctx.period, dims={}, evidence=ev, params=params,
                confidence="high", effect=2.0)


def _weights(parts: pd.DataFrame) -> list[float]:
    return [fnum(n) or 1.0 for n in parts["n"]] if "n" in parts else [1.0] * len(parts)


def _changes(total: pd.Series, parts: pd.DataFrame) -> tuple[float | None, list[float]]:
    """The total's change and its parts' (None for the total when it or any part has none)."""
    change = fnum(total["change"])
    changes = [c for c in map(fnum, parts["change"]) if c is not None]
    return (change if len(changes) == len(parts) else None), changes


def _simpson(ctx: Context, kpi: str, dim: str, total: pd.Series, parts: pd.DataFrame) -> Finding | None:
    change, changes = _changes(total, parts)
    if change is None:
        return None
    w = _weights(parts)
    against = [i for i, c in enumerate(changes) if c * change < 0 and _meaningful(c, fnum(parts.iloc[i]["previous_value"]))]
    share = sum(w[i] for i in against) / sum(w)
    if len(against) < max(2, (2 * len(changes) + 2) // 3) or share < 2 / 3:
        return None
    confidence = "high" if len(against) == len(changes) else "medium"
    ev = evidence(total, breakdown=dim, parts=[
        {"dimensions": {dim: str(r[dim])}, "value": fnum(r["value"]), "previous_value": fnum(r["previous_value"]),
         "change": fnum(r["change"]), "n": fnum(r.get("n"))} for _, r in parts.iterrows()])
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "change": ctx.change(kpi, change),
              "k": Num(len(against), "count"), "m": Num(len(changes), "count"), "dim": Term(f"dim.{dim}"),
              "explain": _mix_explanation(ctx, kpi, dim, change, ev)}
    return make("simpson_reversal", kpi=kpi, period=ctx.period, dims={}, evidence=ev, params=params,
                confidence=confidence, effect=2.0 + share)


def _mix_explanation(ctx: Context, kpi: str, dim: str, change: float, ev: dict) -> Term | str:
    """"the total rose because the mix moved to A (50% to 75% of cases); within each team it fell", when
    the decomposition says so; the evidence gains the mix and rate effects."""
    prev = previous_period(rows(ctx.parts[dim], kpi), ctx.period)
    d = from_frame(ctx.parts[dim], kpi, ctx.period, prev, dim, proportion=kpi in PROPORTIONS) if prev else None
    if d is None or d.cause != "mix":
        return Term("simpson.plain")
    ev.update(mix_effect=d.mix, rate_effect=d.rate, mix_ci=d.mix_ci, rate_ci=d.rate_ci)
    gainer = max(d.effects, key=lambda e: e.mix if change > 0 else -e.mix)  # the member whose weight moved the total
    up = Term("dir.rose" if change > 0 else "dir.fell")
    within = Term("dir.fell" if change > 0 else "dir.rose")
    return Term("simpson.mix", (up, member({dim: gainer.member}), Num(100 * gainer.share_before, "percent"),
                                Num(100 * gainer.share_after, "percent"), ctx.change(kpi, d.mix),
                                Term(f"dim.{dim}"), within, ctx.change(kpi, d.rate)))


def _carrier(ctx: Context, kpi: str, dim: str, total: pd.Series, parts: pd.DataFrame,
             df: pd.DataFrame) -> Finding | None:
    if len(parts) < 3:
        return None
    change, changes = _changes(total, parts)
    if change is None:
        return None
    order = sorted(range(len(changes)), key=lambda i: -abs(changes[i]))
    top, rest = order[0], order[1:]
    big = changes[top]
    if big * change <= 0 or abs(big) < abs(change):
        return None
    if any(abs(changes[i]) > CARRIER_SHARE * abs(big) for i in rest):
        return None
    row = parts.iloc[top]
    if is_thin(row, ctx.min_sample, check_width=False):
        return None
    d = {dim: str(row[dim])}
    p = change_pvalue(df, kpi, ctx.period, d)
    if p is None or p >= SIGNIFICANT:
        return None  # the carrier's own change is within noise
    ev = evidence(total, breakdown=dim, carrier={"dimensions": d, "change": big, "n": fnum(row.get("n"))},
                  others_max_change=max(abs(changes[i]) for i in rest))
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "change": ctx.change(kpi, change),
              "member": member(d), "part_change": ctx.change(kpi, big), "dim": Term(f"dim.{dim}")}
    return make("one_segment_carries", kpi=kpi, period=ctx.period, dims=d, evidence=ev, params=params,
                confidence="medium", effect=1.5)


def prop_test(df: pd.DataFrame | None, kpi: str, period: str, dims: dict[str, str] | None = None):
    """(row, previous row, two-proportion test of this period against the one before) or None."""
    if df is None or df.empty:
        return None
    row = one(df, kpi, period, dims)
    prev_label = previous_period(rows(df, kpi), period)
    prev = one(df, kpi, prev_label, dims) if prev_label else None
    if row is None or prev is None:
        return None
    t = two_proportions(row.get("numerator"), row.get("denominator"), prev.get("numerator"), prev.get("denominator"))
    return (row, prev, t) if t is not None else None


def wrong_zoom(ctx: Context) -> list[Finding]:
    """A change a finer grain shows and this one hides, or a swing that is noise at this grain."""
    out: list[Finding] = []
    for kpi in PROPORTIONS:
        here = prop_test(ctx.totals, kpi, ctx.period)
        if here is None:
            continue
        row, prev, t = here
        if t.significant:
            continue
        f = _zoom_in(ctx, kpi, row, t) or _zoom_out(ctx, kpi, row, t)
        if f is not None:
            out.append(f)
    return out


def _zoom_in(ctx: Context, kpi: str, row: pd.Series, t) -> Finding | None:
    if ctx.finer is None or ctx.finer_grain is None:
        return None
    fine = rows(ctx.finer, kpi)
    if fine.empty:
        return None
    start, end = pd.Timestamp(row["period_start"]).date(), pd.Timestamp(row["period_end"]).date()
    p = periods(fine)
    inside = p[(p["period_start"] >= start) & (p["period_end"] <= end)]
    best = None
    for label in inside["period"]:
        r = prop_test(ctx.finer, kpi, str(label))
        if r is None or is_thin(r[0], ctx.min_sample, check_width=False) or is_thin(r[1], ctx.min_sample, check_width=False):
            continue
        if r[2].pvalue < VERY_SIGNIFICANT and (best is None or r[2].pvalue < best[2].pvalue):
            best = r
    if best is None:
        return None
    sub, _prev, st = best
    ev = evidence(row, pvalue=t.pvalue, finer_grain=ctx.finer_grain, finer_period=str(sub["period"]),
                  finer_value=fnum(sub["value"]), finer_change=st.diff, finer_pvalue=st.pvalue, finer_n=fnum(sub.get("n")))
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "grain": Term(f"grain.{ctx.grain}"),
              "change": ctx.change(kpi, t.diff), "finer": Term(f"grain.{ctx.finer_grain}"),
              "sub": str(sub["period"]), "sub_change": ctx.change(kpi, st.diff), "p": PValue(st.pvalue)}
    return make("zoom_in", kpi=kpi, period=ctx.period, dims={}, evidence=ev, params=params,
                confidence="medium", effect=1.5)


def _zoom_out(ctx: Context, kpi: str, row: pd.Series, t) -> Finding | None:
    if t.pvalue < NOISE_P:
        return None  # a swing this unlikely by chance is not plain noise, nor is it a clear change
    prev_value = fnum(row.get("previous_value"))
    big = abs(t.diff) >= SWING_POINTS or (prev_value and abs(t.diff) >= SWING_RELATIVE * abs(prev_value))
    if not big or ctx.coarser is None or ctx.coarser_grain is None:
        return None
    start = pd.Timestamp(row["period_start"]).date()
    coarse = rows(ctx.coarser, kpi)
    if coarse.empty:
        return None
    p = periods(coarse)
    holder = p[(p["period_start"] <= start) & (p["period_end"] >= start)]
    if holder.empty:
        return None
    label = str(holder.iloc[0]["period"])
    c = one(ctx.coarser, kpi, label)
    if c is None:
        return None
    ct = prop_test(ctx.coarser, kpi, label)
    if ct is None or ct[2].pvalue >= SIGNIFICANT:
        return None  # the coarser grain shows no clear change either: nothing to read there
    coarse_change = ct[2].diff
    ev = evidence(row, pvalue=t.pvalue, coarser_grain=ctx.coarser_grain, coarser_period=label,
                  coarser_value=fnum(c["value"]), coarser_change=coarse_change,
                  coarser_pvalue=ct[2].pvalue if ct else None)
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "grain": Term(f"grain.{ctx.grain}"),
              "change": ctx.change(kpi, t.diff), "p": PValue(t.pvalue),
              "coarser": Term(f"grain.{ctx.coarser_grain}"), "coarse_period": label,
              "coarse_change": ctx.change(kpi, coarse_change)}
    return make("zoom_out", kpi=kpi, period=ctx.period, dims={}, evidence=ev, params=params,
                confidence="medium" if t.pvalue > 0.2 else "low", effect=1.0)

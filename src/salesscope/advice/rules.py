"""Advice for the indicators other than RRROI, each grounded in the engine's evidence."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd

from salesscope import locale
from salesscope.advice.baseline import compare, compare_values
from salesscope.advice.frames import (
    Context,
    dims_dict,
    evidence,
    fnum,
    one,
    periods,
    previous_period,
    rows,
    series,
    where,
)
from salesscope.advice.model import Finding
from salesscope.advice.settle import thin_warning
from salesscope.advice.stats import (
    SIGNIFICANT,
    VERY_SIGNIFICANT,
    confidence_of,
    is_thin,
    pvalue_from_interval,
    pvalue_two_intervals,
    two_proportions,
)
from salesscope.advice.texts import Num, PValue, Term, hint, make
from salesscope.formatting import value_text

SLOW_FACTOR = 2.0          # a rep this many times slower than the peers' median is "far slower"
POOL = 3                   # periods pooled when one period alone cannot show a trend
# Medians and other estimates tested through their intervals (discrete, asymmetric) must clear a stricter bar.
APPROXIMATE_P = 0.001
THIN_POINTS = 15.0         # ... as is one that moved this many points
THIN_P = 0.05              # a move on a thin sample this unlikely by chance is named as too thin to act on
UNDECIDED_SKIP = 0.30      # lead cohorts with this share still undecided say nothing yet
CYCLE_MIN_RELATIVE = 0.10  # a cycle must lengthen by at least this share to be news
CAC_GAP_POINTS = 5.0       # CAC growth must beat CLV growth by this many points

# Indicators whose change has a dedicated rule; every other indicator of the frames (a new
# built-in, a user's own) gets the generic "worsened beyond its interval" check.
DEDICATED = ("rrroi", "lead_conversion_rate", "win_rate", "sales_cycle_days", "pipeline_coverage",
             "revenue_growth", "cac", "clv_cac_ratio", "churn_rate")


def generic_kpis(df: pd.DataFrame) -> list[str]:
    """The indicators of a frame with no dedicated rule, in the frame's order."""
    return [k for k in dict.fromkeys(df["kpi"]) if k not in DEDICATED] if "kpi" in df else []


def _frames(ctx: Context, *dims: str) -> list[tuple[pd.DataFrame, list[str]]]:
    out: list[tuple[pd.DataFrame, list[str]]] = [(ctx.totals, [])]
    out += [(ctx.parts[d], [d]) for d in dims if d in ctx.parts]
    return out


def _pooled(df: pd.DataFrame, kpi: str, period: str, d: dict[str, str],
            k: int) -> tuple[tuple[float, float], tuple[float, float], list[str], list[str]] | None:
    """Numerator/denominator summed over the last k periods and the k before (None if incomplete)."""
    p = periods(rows(df, kpi))
    labels = [str(x) for x in p["period"]]
    if period not in labels:
        return None
    i = labels.index(period)
    if i + 1 < 2 * k:
        return None
    recent, before = labels[i - k + 1:i + 1], labels[i - 2 * k + 1:i - k + 1]
    sums: list[tuple[float, float]] = []
    for group in (recent, before):
        xs, ns = [], []
        for lab in group:
            r = one(df, kpi, lab, d)
            x, n = (None, None) if r is None else (fnum(r.get("numerator")), fnum(r.get("denominator")))
            if x is None or n is None:
                return None
            xs.append(x)
            ns.append(n)
        sums.append((sum(xs), sum(ns)))
    return sums[0], sums[1], recent, before


def _history(ctx: Context, df: pd.DataFrame, kpi: str,
             d: dict[str, str]) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """(successes, cases) of the trusted periods before ``ctx.period`` (oldest first), or None."""
    period = ctx.period
    s = ctx.trusted(series(df, kpi, d), kpi)
    labels = [str(x) for x in s["period"]]
    if period not in labels:
        return None
    s = s.iloc[:labels.index(period)]
    x = np.array([fnum(v) or 0.0 for v in s["numerator"]], dtype=float)
    n = np.array([fnum(v) or 0.0 for v in s["denominator"]], dtype=float)
    return x, n, [str(v) for v in s["period"]]


def proportion_trend(ctx: Context, kpi: str, code: str, worse: int, dims: tuple[str, ...]) -> list[Finding]:
    """A proportion that moved the bad way (worse=-1 falling, +1 rising), like with like.

    The period is compared with its like periods when the history repeats a pattern (the same month
    of earlier quarters, say), else with the periods just before; when that shows nothing, the last
    POOL periods pooled against the POOL before, so a steady drift is not lost in monthly noise.
    A pattern that explains what a naive month-on-month reading would call a change is reported once,
    for the total, as a pattern.
    """
    out: list[Finding] = []
    for df, dl in _frames(ctx, *dims):
        for _, row in rows(df, kpi, ctx.period).iterrows():
            d = dims_dict(row, dl)
            undecided = fnum(row.get("undecided"))
            n = fnum(row.get("n")) or fnum(row.get("denominator"))
            x1, n1 = fnum(row.get("numerator")), fnum(row.get("denominator"))
            hist = _history(ctx, df, kpi, d)
            if (undecided is not None and n and undecided / n > UNDECIDED_SKIP) or x1 is None or n1 is None or hist is None:
                continue
            hx, hn, labels = hist
            c = compare(x1, n1, hx, hn, ctx.grain)
            if c is None:
                continue
            if n1 < ctx.min_sample:
                if c.diff * worse > 0 and (c.pvalue < THIN_P or abs(c.diff) >= THIN_POINTS):
                    out.append(thin_warning(ctx, row, d))  # it looks like news, but on too few cases
                continue
            found = None
            if c.pvalue < SIGNIFICANT and c.diff * worse > 0:
                before = [labels[i] for i in c.baseline_periods]
                found = (x1, n1, c.baseline * c.baseline_n, c.baseline_n, [ctx.period], before,
                         c.diff, c.low, c.high, c.pvalue, c.z, c.cycle)
            elif c.cycle is None or c.cycle.length == POOL:
                pooled = _pooled(df, kpi, ctx.period, d, POOL)
                if pooled is not None:
                    (px, pn), (qx, qn), recent, before = pooled
                    t = two_proportions(px, pn, qx, qn)
                    # A second look at the same series: it must clear the stricter bar.
                    if t is not None and t.pvalue < VERY_SIGNIFICANT and t.diff * worse > 0:
                        found = (px, pn, qx, qn, recent, before, t.diff, t.low, t.high, t.pvalue, t.z, None)
            if found is None:
                if not d and c.cycle is not None:
                    out.extend(_pattern(ctx, kpi, row, hx, hn, labels, c))
                continue
            x1, n1, x2, n2, recent, before, diff, low, high, pvalue, z, cycle = found
            if n1 < ctx.min_sample or n2 < ctx.min_sample:
                out.append(thin_warning(ctx, row, d))
                continue
            ev = evidence(row, compared_value=100 * x1 / n1, compared_previous=100 * x2 / n2,
                          pooled_periods=len(recent), recent_periods=recent, earlier_periods=before, n=n1,
                          n_previous=n2, change_points=diff, change_ci_low=low, change_ci_high=high, pvalue=pvalue,
                          like_periods=cycle is not None, cycle=cycle.name if cycle else None)
            if cycle is not None:
                span = Term("span.like", (Term(f"cycle.{cycle.name}"),))
            elif len(recent) == 1:
                span = Term("span.recent", (Num(len(before), "count"),))
            else:
                span = Term("span.pooled", (Num(len(recent), "count"),))
            params = {"where": where(d), "prev": Num(100 * x2 / n2, "percent"), "value": Num(100 * x1 / n1, "percent"),
                      "n": Num(n1, "count"), "p": PValue(pvalue), "span": span}
            out.append(make(code, kpi=kpi, period=ctx.period, dims=d, evidence=ev, params=params,
                            confidence="medium", effect=abs(z) / 2))
    return out


def _pattern(ctx: Context, kpi: str, row: pd.Series, hx, hn, labels, c) -> list[Finding]:
    """The repeating pattern, once, when a naive reading against the period before would call it news."""
    if len(hx) == 0 or hn[-1] <= 0:
        return []
    naive = two_proportions(c.rate * c.n, c.n, hx[-1], hn[-1])
    if naive is None or naive.pvalue >= SIGNIFICANT:
        return []
    cyc = c.cycle
    peak = int(np.argmax(cyc.rates))
    low = int(np.argmin(cyc.rates))
    # Position 0 is this period's; name the others by their distance from it.
    peak_label = labels[len(labels) - cyc.length + peak] if peak else ctx.period
    low_label = labels[len(labels) - cyc.length + low] if low else ctx.period
    ev = evidence(row, cycle=cyc.name, cycle_length=cyc.length, cycle_pvalue=cyc.pvalue,
                  position_rates=[100 * r for r in cyc.rates], peak_like=peak_label, low_like=low_label,
                  like_value=100 * c.baseline, previous_value=100 * hx[-1] / hn[-1], pvalue=cyc.pvalue,
                  n=c.n, like_n=c.baseline_n)
    params = {"kpi": ctx.name(kpi), "cycle": Term(f"cycle.{cyc.name}"), "peak": Num(100 * max(cyc.rates), "percent"),
              "low": Num(100 * min(cyc.rates), "percent"), "peak_like": peak_label, "low_like": low_label,
              "period": ctx.period, "value": Num(100 * c.rate, "percent"), "like": Num(100 * c.baseline, "percent"),
              "prev": Num(100 * hx[-1] / hn[-1], "percent"), "why": Term("pattern.none")}
    if cyc.name == "quarter" and peak_label[-2:].isdigit() and int(peak_label[-2:]) % 3 == 0:
        params["why"] = Term("pattern.quarter_end")
    return [make("seasonal_pattern", kpi=kpi, period=ctx.period, dims={}, evidence=ev, params=params,
                 confidence="medium", effect=1.0)]


def slow_lead_response(ctx: Context) -> list[Finding]:
    """A rep whose median speed to lead is far slower than the other reps'."""
    df = ctx.parts.get("rep")
    here = rows(df, "lead_response_time", ctx.period)
    if here.empty:
        return []
    solid = {str(r["rep"]): r for _, r in here.iterrows() if not is_thin(r, ctx.min_sample, check_width=False)}
    out = []
    for _, row in here.iterrows():
        rep, value = str(row["rep"]), fnum(row["value"])
        peers = [v for k, r in solid.items() if k != rep and (v := fnum(r["value"])) is not None]
        if value is None or len(peers) < 2:
            continue
        peer = statistics.median(peers)
        if peer <= 0 or value < SLOW_FACTOR * peer:
            continue
        d = {"rep": rep}
        if rep not in solid:
            out.append(thin_warning(ctx, row, d))
            continue
        lo = fnum(row.get("ci_low"))
        ev = evidence(row, peer_median=peer, ratio=value / peer, peers=len(peers),
                      pvalue=pvalue_from_interval(value, peer, lo, fnum(row.get("ci_high"))))
        params = {"where": where(d), "value": Num(value, "hours"), "peer": Num(peer, "hours"),
                  "ratio": Num(value / peer, "ratio"), "n": Num(fnum(row.get("n")), "count")}
        out.append(make("slow_lead_response", kpi="lead_response_time", period=ctx.period, dims=d, evidence=ev,
                        params=params, confidence="high" if lo is not None and lo > peer else "medium",
                        effect=value / peer))
    return out


def rep_win_rate_below_team(ctx: Context) -> list[Finding]:
    """A rep whose win rate is significantly below the rest of the team's (two-proportion test)."""
    total = one(ctx.totals, "win_rate", ctx.period)
    here = rows(ctx.parts.get("rep"), "win_rate", ctx.period)
    if total is None or here.empty:
        return []
    tx, tn = fnum(total.get("numerator")), fnum(total.get("denominator"))
    out = []
    for _, row in here.iterrows():
        x, n = fnum(row.get("numerator")), fnum(row.get("denominator"))
        if tx is None or tn is None or x is None or n is None or tn - n <= 0:
            continue
        t = two_proportions(x, n, tx - x, tn - n)
        if t is None or not t.significant or t.diff >= 0:
            continue
        d = {"rep": str(row["rep"])}
        if is_thin(row, ctx.min_sample, check_width=False):
            out.append(thin_warning(ctx, row, d))
            continue
        peer = 100 * (tx - x) / (tn - n)
        ev = evidence(row, team_value=fnum(total["value"]), rest_of_team_value=peer, rest_of_team_n=tn - n,
                      change_points=t.diff, change_ci_low=t.low, change_ci_high=t.high, pvalue=t.pvalue)
        params = {"where": where(d), "value": Num(fnum(row["value"]), "percent"), "peer": Num(peer, "percent"),
                  "n": Num(n, "count"), "p": PValue(t.pvalue)}
        out.append(make("rep_win_rate_below_team", kpi="win_rate", period=ctx.period, dims=d, evidence=ev,
                        params=params, confidence=confidence_of(t.pvalue), effect=abs(t.z) / 2))
    return out


def pipeline_coverage_low(ctx: Context) -> list[Finding]:
    """Open pipeline under the coverage target (the workspace's target, else 3x)."""
    out = []
    for df, dl in _frames(ctx, "team", "rep"):
        for _, row in rows(df, "pipeline_coverage", ctx.period).iterrows():
            value, d = fnum(row["value"]), dims_dict(row, dl)
            target = fnum(row.get("target")) or ctx.coverage_target
            if value is None or value >= target:
                continue
            if is_thin(row, ctx.min_sample, check_width=False):
                out.append(thin_warning(ctx, row, d))
                continue
            quota = fnum(row.get("denominator"))
            gap = (target - value) * quota if quota else None
            ev = evidence(row, target=target, pipeline_gap=gap)
            params = {"where": where(d), "value": Num(value, "ratio"), "target": Num(target, "ratio"),
                      "gap": {lang: value_text(gap, "money", lang, ctx.currency) for lang in locale.languages()}}
            out.append(make("pipeline_coverage_low", kpi="pipeline_coverage", period=ctx.period, dims=d,
                            evidence=ev, params=params, confidence="high" if value < 0.8 * target else "medium",
                            effect=(target - value) / target * 4))
    return out


def _against_previous(ctx: Context, df: pd.DataFrame, row: pd.Series, kpi: str, d: dict[str, str]) -> float | None:
    """p-value of a change that must be clear both of the two periods' sampling noise (each with its own
    interval) and of the series' usual swing (its like or recent periods); the larger of the two."""
    label = previous_period(rows(df, kpi), ctx.period)
    prev = one(df, kpi, label, d) if label else None
    if prev is None:
        return None
    p = pvalue_two_intervals(fnum(row.get("value")), fnum(row.get("ci_low")), fnum(row.get("ci_high")),
                             fnum(prev.get("value")), fnum(prev.get("ci_low")), fnum(prev.get("ci_high")))
    s = ctx.trusted(series(df, kpi, d), kpi)
    labels = [str(x) for x in s["period"]]
    value = fnum(row.get("value"))
    if p is None or value is None or ctx.period not in labels:
        return p
    hist = np.array([fnum(v) if fnum(v) is not None else np.nan for v in s["value"].iloc[:labels.index(ctx.period)]],
                    dtype=float)
    c = compare_values(value, hist, ctx.grain)
    return p if c is None else max(p, c.pvalue)


def cycle_lengthening(ctx: Context) -> list[Finding]:
    """The median sales cycle lengthened beyond what the two periods' intervals allow."""
    out = []
    for df, dl in _frames(ctx, "team"):
        for _, row in rows(df, "sales_cycle_days", ctx.period).iterrows():
            value, prev = fnum(row["value"]), fnum(row.get("previous_value"))
            if value is None or prev is None or prev <= 0 or value < prev * (1 + CYCLE_MIN_RELATIVE):
                continue
            d = dims_dict(row, dl)
            p = _against_previous(ctx, df, row, "sales_cycle_days", d)
            if p is None or p >= APPROXIMATE_P:
                continue
            if is_thin(row, ctx.min_sample):
                out.append(thin_warning(ctx, row, d))
                continue
            ev = evidence(row, relative_change=(value - prev) / prev, pvalue=p)
            params = {"where": where(d), "prev": Num(prev, "days"), "value": Num(value, "days"),
                      "n": Num(fnum(row.get("n")), "count")}
            out.append(make("cycle_lengthening", kpi="sales_cycle_days", period=ctx.period, dims=d, evidence=ev,
                            params=params, confidence="medium", effect=4 * (value - prev) / prev))
    return out


def cac_outpacing_clv(ctx: Context) -> list[Finding]:
    """CAC growing faster than CLV (from the engine's cac and clv_cac_ratio rows, CLV alongside)."""
    cac, ratio = one(ctx.totals, "cac", ctx.period), one(ctx.totals, "clv_cac_ratio", ctx.period)
    if cac is None or ratio is None:
        return []
    c, cp = fnum(cac["value"]), fnum(cac.get("previous_value"))
    prev_label = previous_period(rows(ctx.totals, "clv_cac_ratio"), ctx.period)
    prev_ratio = one(ctx.totals, "clv_cac_ratio", prev_label) if prev_label else None
    clv, clvp = fnum(ratio.get("clv")), fnum(prev_ratio.get("clv")) if prev_ratio is not None else None
    if c is None or cp is None or clv is None or clvp is None or cp <= 0 or clvp <= 0:
        return []
    cac_g, clv_g = 100 * (c - cp) / cp, 100 * (clv - clvp) / clvp
    if cac_g <= 0 or cac_g - clv_g < CAC_GAP_POINTS:
        return []
    if is_thin(cac, ctx.min_sample, check_width=False):
        return [thin_warning(ctx, cac, {})]
    ev = evidence(ratio, cac=c, cac_previous=cp, cac_change_percent=cac_g, clv=clv, clv_previous=clvp,
                  clv_change_percent=clv_g, n=fnum(cac.get("n")))
    params = {"where": where({}), "cac_change": Num(cac_g, "percent", signed=True),
              "clv_change": Num(clv_g, "percent", signed=True), "value": Num(fnum(ratio["value"]), "ratio")}
    conf = "high" if (fnum(ratio["value"]) or 0) < 3 and cac_g - clv_g > 20 else "medium"
    return [make("cac_outpacing_clv", kpi="clv_cac_ratio", period=ctx.period, dims={}, evidence=ev, params=params,
                 confidence=conf, effect=(cac_g - clv_g) / 10)]


def generic_worsening(ctx: Context) -> list[Finding]:
    """Any other indicator whose previous value lies outside this period's interval, on the bad side."""
    out = []
    for df, dl in _frames(ctx, "team"):
        for kpi in generic_kpis(df):
            for _, row in rows(df, kpi, ctx.period).iterrows():
                value, prev = fnum(row["value"]), fnum(row.get("previous_value"))
                lo, hi = fnum(row.get("ci_low")), fnum(row.get("ci_high"))
                if value is None or prev is None or lo is None or hi is None:
                    continue
                higher = ctx.kpi_meta(kpi, str(row.get("unit"))).higher_is_better
                if not ((higher and hi < prev) or (not higher and lo > prev)):
                    continue
                d = dims_dict(row, dl)
                p = _against_previous(ctx, df, row, kpi, d)
                if p is None or p >= APPROXIMATE_P:
                    continue
                if is_thin(row, ctx.min_sample):
                    out.append(thin_warning(ctx, row, d))
                    continue
                ev = evidence(row, pvalue=p)
                params = {"where": where(d), "kpi": ctx.name(kpi), "period": ctx.period, "prev": ctx.num(kpi, prev),
                          "value": ctx.num(kpi, value), "unit": ctx.unit(kpi), "low": ctx.num(kpi, lo),
                          "high": ctx.num(kpi, hi), "hint": hint(kpi)}
                gap = abs(prev - value) / (abs(hi - lo) / 2 or 1)
                out.append(make("kpi_worsening", kpi=kpi, period=ctx.period, dims=d, evidence=ev, params=params,
                                confidence="medium", effect=gap))
    return out


def revenue_falling(ctx: Context) -> list[Finding]:
    """Won revenue fell markedly against its like periods (or the ones before), beyond its usual swing."""
    out = []
    for df, dl in _frames(ctx, "team"):
        for _, row in rows(df, "revenue_growth", ctx.period).iterrows():
            value, revenue = fnum(row["value"]), fnum(row.get("numerator"))
            if value is None or value > -10 or revenue is None:
                continue
            d = dims_dict(row, dl)
            s = series(df, "revenue_growth", d)
            labels = [str(x) for x in s["period"]]
            hist = np.array([fnum(v) if fnum(v) is not None else np.nan
                             for v in s["numerator"].iloc[:labels.index(ctx.period)]], dtype=float)
            c = compare_values(revenue, hist, ctx.grain, log=True)
            if c is None or c.z >= 0:
                continue
            if is_thin(row, ctx.min_sample, check_width=False):
                out.append(thin_warning(ctx, row, d))
                continue
            change = 100 * (c.value - c.baseline) / c.baseline
            span = Term("span.like", (Term(f"cycle.{c.cycle.name}"),)) if c.cycle else Term(
                "span.recent", (Num(len(c.baseline_periods), "count"),))
            params = {"where": where(d), "period": ctx.period, "value": Num(abs(change), "percent"), "span": span,
                      "n": Num(fnum(row.get("n")), "count"), "hint": hint("revenue_growth")}
            ev = evidence(row, pvalue=c.pvalue, baseline_revenue=c.baseline, change_percent=change,
                          like_periods=c.cycle is not None)
            out.append(make("revenue_falling", kpi="revenue_growth", period=ctx.period, dims=d, evidence=ev,
                            params=params, confidence="medium", effect=abs(change) / 20))
    return out


def indicator_findings(ctx: Context) -> list[Finding]:
    """Every indicator rule but RRROI's."""
    return [
        *slow_lead_response(ctx),
        *proportion_trend(ctx, "lead_conversion_rate", "lead_conversion_falling", -1, ("channel",)),
        *rep_win_rate_below_team(ctx),
        *proportion_trend(ctx, "win_rate", "win_rate_falling", -1, ("team", "channel", "segment")),
        *proportion_trend(ctx, "churn_rate", "churn_rising", +1, ("segment", "team")),
        *pipeline_coverage_low(ctx),
        *cycle_lengthening(ctx),
        *cac_outpacing_clv(ctx),
        *generic_worsening(ctx),
        *revenue_falling(ctx),
    ]

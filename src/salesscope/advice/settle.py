"""After the rules: one confidence rule for every finding, thin and inconclusive ones folded, one finding per fact."""

from __future__ import annotations

import math

import pandas as pd

from salesscope import locale
from salesscope.advice.frames import Context, evidence, where
from salesscope.advice.model import Finding
from salesscope.advice.stats import SIGNIFICANT, grade
from salesscope.advice.texts import Num, Term, make

# Findings that state a fact rather than estimate a change: enough cases make them high without a test.
FACTS = ("target_met", "target_missed", "pipeline_coverage_low")
# Warnings whose confidence is their own (they rest on the whole period's total, already checked).
OWN_CONFIDENCE = ("simpson_reversal", "mix_shift", "one_segment_carries", "zoom_in", "zoom_out", "seasonal_pattern")
# Sample sizes a finding's evidence may carry; the smallest one is what the finding rests on.
SAMPLE_KEYS = ("n", "n_previous", "rest_of_team_n", "like_n")
# Findings folded into one line per indicator: too thin to act on, or within noise.
FOLDED = ("thin_sample", "rrroi_noise")
# Which way the measure a change finding speaks of moved.
MOVES = {
    "win_rate_falling": "down", "lead_conversion_falling": "down", "churn_rising": "up",
    "cycle_lengthening": "up", "revenue_falling": "down", "anomaly_high": "up", "anomaly_low": "down",
    "rrroi_more_time": "up", "rrroi_cut_right": "up", "rrroi_enough_time": "down", "rrroi_restore_time": "down",
}
# Among findings stating the same fact, the one kept: advice first, then anomalies. An RRROI reading
# where the response rate moved against the hours (more hours, lower rate; fewer hours, higher rate)
# does not explain an abnormal rate: the anomaly is kept.
KIND_ORDER = ("advice", "warning", "target", "anomaly")
YIELDS_TO_ANOMALY = ("rrroi_enough_time", "rrroi_cut_right")


def sample_size(f: Finding) -> float | None:
    sizes = [s for k in SAMPLE_KEYS if isinstance(s := f.evidence.get(k), (int, float))]
    return min(sizes) if sizes else None


def settle(ctx: Context, found: list[Finding]) -> list[Finding]:
    """Grade every finding by one rule, fold the thin and the inconclusive, keep one finding per fact."""
    kept, folded = [], []
    for f in found:
        n = sample_size(f)
        p = f.evidence.get("pvalue")
        if isinstance(p, float) and p >= SIGNIFICANT and f.code not in (*OWN_CONFIDENCE, *FOLDED):
            continue  # within noise once every test of the run is counted
        if f.code in FOLDED or (n is not None and n < ctx.min_sample and f.code not in OWN_CONFIDENCE):
            folded.append(f)
            continue
        if f.code not in OWN_CONFIDENCE:
            f.confidence = grade(n, f.evidence.get("pvalue"), ctx.min_sample, fact=f.code in FACTS)
        elif n is not None and n < ctx.min_sample:
            f.confidence = "low"
        f.evidence["confidence_rule"] = {"n": n, "pvalue": f.evidence.get("pvalue"), "min_sample": ctx.min_sample}
        f.rescore()
        kept.append(f)
    return [*one_per_fact(ctx, consequences(under_warnings(kept))), *fold(ctx, folded)]


# Indicators multiplied out of others: a move explained by a finding on one of their parts is that fact.
COMPOSITES = {"sales_velocity": ("win_rate", "avg_deal_size", "sales_cycle_days")}


def consequences(found: list[Finding]) -> list[Finding]:
    """Drop a composite indicator's move when one of its parts already has a finding in the period."""
    moved = {f.kpi for f in found if f.kind != "target"}
    return [f for f in found if not (f.kpi in COMPOSITES and f.kind != "target"
                                     and moved & set(COMPOSITES[f.kpi]))]


# Findings about a total that a Simpson warning on the same indicator explains (and would contradict).
TOTAL_CHANGES = (*MOVES, "kpi_worsening", "zoom_in", "zoom_out")


def under_warnings(found: list[Finding]) -> list[Finding]:
    """A change read under a Simpson or mix warning is part of that warning, not a finding of its own:
    the total's, and the other breakdowns' (their mix moved too)."""
    explained = {f.kpi: f.evidence.get("breakdown") for f in found if f.code in ("simpson_reversal", "mix_shift")}
    return [f for f in found if not (f.kpi in explained and f.code in TOTAL_CHANGES
                                     and explained[f.kpi] not in f.dimensions)]


def _move(ctx: Context, f: Finding) -> tuple | None:
    """(indicator, where, measure, up or down) of a change finding; None for the others."""
    direction = MOVES.get(f.code)
    if f.code == "kpi_worsening":
        direction = "down" if ctx.kpi_meta(f.kpi).higher_is_better else "up"
    if direction is None:
        return None
    measure = f.evidence.get("measure") or ("response_rate" if f.kpi == "rrroi" else "value")
    return f.kpi, tuple(sorted(f.dimensions.items())), measure, direction


def _same_numbers(a: Finding, b: Finding) -> bool:
    keys = ("value", "numerator", "denominator", "n")
    va, vb = [a.evidence.get(k) for k in keys], [b.evidence.get(k) for k in keys]
    return va[0] is not None and all(x == y for x, y in zip(va, vb, strict=True))


def one_per_fact(ctx: Context, found: list[Finding]) -> list[Finding]:
    """Drop a finding that restates another: the same numbers one level down (a team holding all the data),
    or the same indicator moving the same way at the same place (a trend and its anomaly)."""
    def priority(f: Finding) -> int:
        return len(KIND_ORDER) if f.code in YIELDS_TO_ANOMALY else KIND_ORDER.index(f.kind)

    order = sorted(found, key=lambda f: (len(f.dimensions), priority(f), -f.score))
    kept: list[Finding] = []
    moves: set[tuple] = set()
    for f in order:
        if any(k.kpi == f.kpi and k.code == f.code and set(k.dimensions.items()) < set(f.dimensions.items())
               and _same_numbers(k, f) for k in kept):
            continue
        m = _move(ctx, f)
        if m is not None and m in moves:
            continue
        if m is not None:
            moves.add(m)
        kept.append(f)
    return kept


def fold(ctx: Context, folded: list[Finding]) -> list[Finding]:
    """One line per indicator and reason for everything too thin to act on or within noise."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in folded:
        reason = "rrroi_noise" if f.code == "rrroi_noise" else "thin_sample"
        groups.setdefault((f.kpi, reason), []).append(f)
    out = []
    for (kpi, reason), group in sorted(groups.items()):
        out.append(_noise_line(ctx, kpi, group) if reason == "rrroi_noise" else _thin_line(ctx, kpi, group))
    return out


def _members(group: list[Finding]) -> tuple[list[dict[str, str]], dict[str, str]]:
    seen: list[dict[str, str]] = []
    for f in group:
        if f.dimensions not in seen:
            seen.append(f.dimensions)
    seen.sort(key=lambda d: (len(d), sorted(d.items())))
    texts = {lang: locale.join([where(d)[lang] if i == 0 else _lower(where(d)[lang]) for i, d in enumerate(seen)],
                               lang) for lang in locale.languages()}
    return seen, texts


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _thin_line(ctx: Context, kpi: str, group: list[Finding]) -> Finding:
    members, texts = _members(group)
    sizes = [n for n in (sample_size(f) for f in group) if n is not None]
    smallest = max(min(sizes), 1.0) if sizes else 1.0
    pool = math.ceil(ctx.min_sample / smallest)
    coarser = ctx.grain.coarser
    dims = sorted({d for m in members for d in m})
    pooled = (Num(pool, "count"), Term(f"grains.{ctx.grain}"))
    if dims:
        settle_by = Term("settle.drop", (*pooled, Term(f"dim.{dims[0]}")))
    elif coarser and pool > 1:
        settle_by = Term("settle.pool_or", (*pooled, Term(f"grain.{coarser}")))
    else:
        settle_by = Term("settle.pool", pooled) if pool > 1 else Term("settle.more")
    ev = {"members": [{"dimensions": f.dimensions, "n": sample_size(f), "code": f.code} for f in group],
          "n": min(sizes) if sizes else None, "n_max": max(sizes) if sizes else None,
          "min_sample": ctx.min_sample, "periods_to_pool": pool, "thin": True}
    lo, hi = (min(sizes), max(sizes)) if sizes else (None, None)
    sizes_text = Num(lo, "count") if lo == hi else Term("range", (Num(lo, "count"), Num(hi, "count")))
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "members": texts, "sizes": sizes_text,
              "min_sample": Num(ctx.min_sample, "count"), "settle": settle_by}
    return make("thin_sample", kpi=kpi, period=ctx.period, dims=members[0] if len(members) == 1 else {},
                evidence=ev, params=params, confidence="low", effect=0.0)


def thin_warning(ctx: Context, row: pd.Series, dims: dict[str, str]) -> Finding:
    """The warning that replaces a finding resting on a thin sample; folded with its indicator's others later."""
    kpi = str(row["kpi"])
    marker = Finding("warning", kpi, ctx.period, dims, evidence(row), "", "", "low", code="thin_sample")
    return _thin_line(ctx, kpi, [marker])


def _noise_line(ctx: Context, kpi: str, group: list[Finding]) -> Finding:
    members, texts = _members(group)
    ev = {"members": [{"dimensions": f.dimensions, "change_ci_low": f.evidence.get("change_ci_low"),
                       "change_ci_high": f.evidence.get("change_ci_high"), "n": f.evidence.get("n")} for f in group],
          "within_noise": True}
    params = {"kpi": ctx.name(kpi), "period": ctx.period, "members": texts}
    return make("rrroi_noise_folded", kpi=kpi, period=ctx.period, dims=members[0] if len(members) == 1 else {},
                evidence=ev, params=params, confidence="low", effect=0.0)

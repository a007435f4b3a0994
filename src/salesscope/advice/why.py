"""Why did a ratio indicator change? Its change against the previous (or like) period split into mix and
rate effects per member of each breakdown, ranked by contribution, with 95% intervals.

>>> import salesscope
>>> from salesscope.advice.why import why
>>> ws = salesscope.open("salesscope-workspace")                     # doctest: +SKIP
>>> w = why(ws, "win_rate", period="2026-02", by=["channel"])       # doctest: +SKIP
>>> w.breakdowns[0].cause                                          # doctest: +SKIP
'mix'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from salesscope.advice.baseline import find_cycle
from salesscope.advice.decompose import Decomposition, from_frame
from salesscope.advice.frames import fnum, one, periods, pick_period, previous_period, rows
from salesscope.advice.microscope import PROPORTIONS, adds_up
from salesscope.advice.model import clean
from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.vocab import Dimension

if TYPE_CHECKING:
    from salesscope.scope import ScopeArg
    from salesscope.workspace import Workspace

DEFAULT_BY = ("channel", "team", "rep", "product", "segment")
AGAINST = ("previous", "like")


@dataclass
class Breakdown:
    """One dimension's reading of the change, or why it cannot be read (``reason``)."""

    dimension: str
    decomposition: Decomposition | None = None
    reason: str | None = None

    @property
    def cause(self) -> str | None:
        return self.decomposition.cause if self.decomposition else None

    @property
    def simpson(self) -> bool:
        """The members moved against the total: the mix carried it the other way."""
        d = self.decomposition
        return bool(d and d.cause == "mix" and d.rate * d.change < 0)

    def to_dict(self) -> dict[str, Any]:
        d = self.decomposition
        if d is None:
            return {"dimension": self.dimension, "reason": self.reason}
        return clean({
            "dimension": self.dimension, "cause": d.cause, "simpson": self.simpson,
            "mix": d.mix, "mix_ci": d.mix_ci, "rate": d.rate, "rate_ci": d.rate_ci,
            "members": [{"member": e.member, "share_before": 100 * e.share_before, "share_after": 100 * e.share_after,
                         "rate_before": e.rate_before, "rate_after": e.rate_after, "n_before": e.n_before,
                         "n_after": e.n_after, "mix": e.mix, "mix_ci": e.mix_ci, "rate": e.rate,
                         "rate_ci": e.rate_ci, "total": e.total} for e in d.effects],
        })


@dataclass
class Why:
    kpi: str
    period: str
    against: str
    compared_with: str
    before: float
    after: float
    unit: str
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def main(self) -> Breakdown | None:
        """The breakdown whose mix explains the most of the change, else the first readable one."""
        readable = [(b, b.decomposition) for b in self.breakdowns if b.decomposition]
        if not readable:
            return None
        return max(readable, key=lambda pair: abs(pair[1].mix))[0]

    def to_dict(self) -> dict[str, Any]:
        return clean({"kpi": self.kpi, "period": self.period, "against": self.against,
                      "compared_with": self.compared_with, "before": self.before, "after": self.after,
                      "change": self.change, "unit": self.unit,
                      "breakdowns": [b.to_dict() for b in self.breakdowns]})


def _like_period(totals, kpi: str, period: str, grain: str) -> str | None:
    """The period one cycle back when the indicator's history repeats a pattern, else None."""
    p = periods(rows(totals, kpi))
    labels = [str(x) for x in p["period"]]
    if period not in labels:
        return None
    i = labels.index(period)
    hist = [one(totals, kpi, lab) for lab in labels[:i]]
    x = np.array([(fnum(r.get("numerator")) if r is not None else None) or 0.0 for r in hist], dtype=float)
    n = np.array([(fnum(r.get("denominator")) if r is not None else None) or 0.0 for r in hist], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        cycle = find_cycle(np.where(n > 0, x / np.where(n > 0, n, 1), np.nan), grain)
    if cycle is None or i - cycle.length < 0:
        return None
    return labels[i - cycle.length]


def why(ws: Workspace, kpi: str, *, period: str | None = None, grain: str = "month", calendar: str | None = None,
        by: Sequence[str] | None = None, against: str = "previous", today: dt.date | None = None,
        scope: ScopeArg = None) -> Why:
    """Decompose the change of ratio indicator ``kpi`` in ``period`` (default: the last complete one)."""
    from salesscope.advice.collect import data_end

    cat = ws.model.indicators
    if kpi not in cat:
        raise QueryError(Text("error.kpi.unknown", kpi=kpi, hint="", known=", ".join(sorted(cat))))
    if against not in AGAINST:
        raise QueryError(Text("error.why.bad_against", against=against))
    totals = ws.kpis([kpi], grain=grain, calendar=calendar, scope=scope)
    if totals.empty or totals["value"].isna().all():
        raise QueryError(Text("error.why.no_data", kpi=kpi, grain=grain))
    if period is None:
        period, _ = pick_period(totals, today or dt.date.today(), data_end(ws))
    here = one(totals, kpi, period)
    if here is None or fnum(here.get("denominator")) == 0:  # no cases in the period
        raise QueryError(Text("error.why.no_period", period=period, kpi=kpi, grain=grain))
    num, den = fnum(here.get("numerator")), fnum(here.get("denominator"))
    if num is None or den is None:
        raise QueryError(Text("error.why.not_a_ratio", kpi=kpi))
    base = _like_period(totals, kpi, str(period), grain) if against == "like" else None
    base = base or previous_period(rows(totals, kpi), str(period))
    prev = one(totals, kpi, base) if base else None
    pnum, pden = (fnum(prev.get("numerator")), fnum(prev.get("denominator"))) if prev is not None else (None, None)
    if prev is None or pnum is None or not pden:
        raise QueryError(Text("error.why.no_previous", kpi=kpi, period=period))
    supported = {d.value for d in cat[kpi].dimensions}
    dims = list(by) if by else [d for d in DEFAULT_BY if d in supported]
    for d in dims:
        if d not in {x.value for x in Dimension}:
            raise QueryError(Text("error.why.unknown_dimension", dim=d))
    value = fnum(here["value"])
    scale = value / (num / den) if num and value is not None \
        else 100.0 if str(here.get("unit")) == "percent" else 1.0
    out = Why(kpi, str(period), against, str(base), scale * pnum / pden, scale * num / den, str(here.get("unit")))
    for d in dims:
        if d not in supported:
            out.breakdowns.append(Breakdown(d, reason=f"not_available_by:{d}"))
            continue
        parts = ws.kpis([kpi], grain=grain, calendar=calendar, by=[d], scope=scope)
        if not (adds_up(here, rows(parts, kpi, str(period))) and adds_up(prev, rows(parts, kpi, str(base)))):
            out.breakdowns.append(Breakdown(d, reason="parts_do_not_add_up"))
            continue
        dec = from_frame(parts, kpi, str(period), str(base), d, proportion=kpi in PROPORTIONS)
        if dec is not None and len(dec.effects) < 2:
            continue  # one member (everything unlabelled, say) splits nothing
        out.breakdowns.append(Breakdown(d, dec, None if dec else "no_data"))
    # The breakdown whose mix moved the total most first.
    out.breakdowns.sort(key=lambda b: -abs(b.decomposition.mix) if b.decomposition else 0.0)
    return out


def describe(w: Why, lang: str, name: str, currency: str) -> dict[str, Any]:
    """Every text of a reading in ``lang``: its headline and, per breakdown, its effects, its cause and a
    table of members (or why it cannot be split). The CLI, the report and the dashboard show these."""
    from salesscope import locale
    from salesscope.advice.frames import member
    from salesscope.advice.texts import Num, Term, dim_value, fmt, render_why
    from salesscope.formatting import change_text, unit_text

    unit = unit_text(w.unit, lang, currency)

    def num(x: float | None, signed: bool = False) -> Num:
        return Num(x, w.unit, signed)

    def share(x: float) -> Num:
        return Num(100 * x, "percent")

    def change(x: float | None) -> str:
        return change_text(x, w.unit, lang, currency) or "—"

    def ci(pair: Any) -> str:
        if not pair:
            return render_why("no_interval", lang)
        return locale.text("why.interval", lang, *(change(v) for v in pair))

    out: dict[str, Any] = {
        "title": render_why("title", lang, kpi=name, period=w.period, before=num(w.before), after=num(w.after),
                            unit=unit, change=change(w.change), base=w.compared_with),
        "columns": [render_why(f"col.{c}", lang) for c in ("member", "share", "rate", "mix", "rate_effect", "total")],
        "breakdowns": []}
    for b in w.breakdowns:
        dim, d = Term(f"dim.{b.dimension}"), b.decomposition
        if d is None:
            key = "reason.not_available" if (b.reason or "").startswith("not_available") else f"reason.{b.reason}"
            out["breakdowns"].append({"dimension": b.dimension, "note": render_why(key, lang, dim=dim)})
            continue
        top = max(d.effects, key=lambda e: abs(e.mix) if d.cause == "mix" else abs(e.rate))
        who = member({b.dimension: top.member})
        if d.cause == "mix":
            cause = render_why("cause.simpson" if b.simpson else "cause.mix", lang, member=who,
                               before=share(top.share_before), after=share(top.share_after))
        else:
            cause = render_why("cause.rate", lang, member=who, before=num(top.rate_before), after=num(top.rate_after),
                               unit=unit)
        rows = [[fmt(dim_value(b.dimension, e.member), lang),
                 f"{fmt(share(e.share_before), lang)} → {fmt(share(e.share_after), lang)}",
                 f"{fmt(num(e.rate_before), lang)} → {fmt(num(e.rate_after), lang)}",
                 fmt(num(e.mix, True), lang), fmt(num(e.rate, True), lang), fmt(num(e.total, True), lang)]
                for e in d.effects]
        out["breakdowns"].append({
            "dimension": b.dimension, "cause": cause, "simpson": b.simpson, "rows": rows,
            "effects": render_why("effects", lang, dim=dim, mix=change(d.mix), mix_ci=ci(d.mix_ci),
                                  rate=change(d.rate), rate_ci=ci(d.rate_ci))})
    return out

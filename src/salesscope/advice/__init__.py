"""Advice and the microscope: what to do, and when the numbers mislead.

>>> import salesscope
>>> from salesscope.advice import findings
>>> ws = salesscope.open("salesscope-workspace")                    # doctest: +SKIP
>>> [f.advice for f in findings(ws, grain="month", lang="fa")[:5]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from salesscope.advice.model import TOP, Confidence, Finding, Kind
from salesscope.advice.texts import KIND
from salesscope.workspace import batch

if TYPE_CHECKING:
    from salesscope.advice.collect import build_context, run
    from salesscope.scope import ScopeArg
    from salesscope.workspace import Workspace
    from salesscope.zoom import Zoom

__all__ = ["KIND", "TOP", "Confidence", "Finding", "Kind", "findings", "run", "build_context"]


@batch
def findings(ws: Workspace, *, period: str | None = None, zoom: Zoom | None = None, grain: str = "month",
             calendar: str | None = None, by: Sequence[str] | str | None = None, lang: str = "en",
             today: dt.date | None = None, scope: ScopeArg = None) -> list[Finding]:
    """Findings for one period (default: the last full one), ranked most valuable first.

    ``scope`` restricts every number behind the findings to some reps or teams, as in ``ws.kpis``.

    >>> findings(ws, period="2026-03", by=["channel", "rep"])  # doctest: +SKIP
    """
    from salesscope.advice.collect import build_context, run

    ctx = build_context(ws, period=period, zoom=zoom, grain=grain, calendar=calendar, by=by, today=today,
                        scope=scope)
    return run(ctx, lang=lang)


def __getattr__(name: str) -> Any:
    """``run`` and ``build_context`` load the statistics only when advice is asked for: the semantic
    model reads this package's hints without them."""
    if name in ("run", "build_context"):
        from salesscope.advice import collect

        return getattr(collect, name)
    raise AttributeError(name)

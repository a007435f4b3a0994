"""Ask the advice engine for findings at the dashboard's zoom, inside the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesscope.scope import Scope
    from salesscope.web.service import Service
    from salesscope.zoom import Zoom


def advise(svc: Service, zoom: Zoom, scope: Scope, lang: str) -> list[dict[str, Any]]:
    """Findings as the advice engine's public dicts (kind, kpi, period, dimensions, evidence, texts)."""
    from salesscope.advice import findings

    # Advice speaks about the last full period before "today"; the range's end stands for it.
    today = zoom.end + dt.timedelta(days=1) if zoom.end else None
    with svc.reading() as ws:
        found = findings(ws, zoom=zoom.replace(by=zoom.breakdown), lang=lang,
                         today=today, scope=scope)
    items = [f.to_dict() for f in found]
    for dim, value in zoom.where:
        items = [f for f in items if (f.get("dimensions") or {}).get(str(dim), value) == value]
    return items


def advice_of(svc: Service, zoom: Zoom, scope: Scope, lang: str) -> dict[str, Any]:
    """The advice page's answer, cached until the next import (the bell reads the same one)."""
    return svc.cached(("advice", zoom, scope, lang), lambda: {"items": advise(svc, zoom, scope, lang)}, scope)

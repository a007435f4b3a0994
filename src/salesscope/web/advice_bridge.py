"""Ask the advice engine for findings at the dashboard's zoom, inside the user's scope."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import TYPE_CHECKING, Any

from salesscope.errors import QueryError

if TYPE_CHECKING:
    from salesscope.web.api import Zoom
    from salesscope.web.service import Scope, Service


def _public(finding: Any) -> dict[str, Any]:
    if hasattr(finding, "to_dict"):
        return finding.to_dict()
    return dict(finding)


def advise(svc: Service, zoom: Zoom, scope: Scope, lang: str) -> list[dict[str, Any]]:
    """Findings as the advice engine's public dicts (kind, kpi, period, dimensions, evidence, texts)."""
    try:
        from salesscope import advice as engine
    except ImportError:
        engine = None
    fn = getattr(engine, "findings", None)
    if fn is None:
        raise QueryError("advice is not available in this installation")
    params = inspect.signature(fn).parameters
    # Advice speaks about the last full period before "today"; the range's end stands for it.
    today = dt.date.fromisoformat(zoom.end) + dt.timedelta(days=1) if zoom.end else None
    wanted = {"grain": zoom.grain, "calendar": zoom.calendar, "by": zoom.engine_by() or None,
              "start": zoom.start, "end": zoom.end, "lang": lang, "scope": scope, "today": today}
    if scope is not None and "scope" not in params:
        # Advice built from everyone's rows could leak them; refuse rather than filter afterwards.
        raise QueryError("this advice engine cannot restrict its findings to a team or rep yet")
    kwargs = {k: v for k, v in wanted.items() if k in params and (v is not None or k == "scope")}
    with svc.lock:
        findings = fn(svc.ws, **kwargs)
    items = [_public(f) for f in findings]
    for dim, value in zoom.where.items():
        items = [f for f in items if (f.get("dimensions") or {}).get(dim, value) == value]
    return items

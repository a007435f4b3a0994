"""Print the queries an indicator compiles to: cheap, and it builds trust."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis

from salesscope.engine.compute import Plan
from salesscope.engine.request import Request

if TYPE_CHECKING:
    from salesscope.workspace import Workspace
    from salesscope.zoom import Zoom


def explain(ws: Workspace, kpi: str, zoom: Zoom | None = None, **parts: Any) -> str:
    """The SQL that computes ``kpi``'s measures, one statement per fact, in the backend's dialect
    (the zoom as a :class:`Zoom` or its parts, as for ``ws.kpis``)."""
    model = ws.model
    req = Request.build(ws, ids=[kpi], zoom=ws.zoom(zoom, **parts))
    ind = model.indicator(kpi)
    plan = Plan(ws, req)
    dialect = plan.backend.name
    parts = [f"-- {ind.id}: {ind.name_en}", f"-- measures: {', '.join(ind.measures)}"]
    for fact_name in ind.facts:
        measures = model.measures_of(ind, fact_name)
        expr = plan.aggregate_expr(model.facts[fact_name], measures)
        if expr is None:
            parts.append(f"-- fact {fact_name}: outside the request's scope")
            continue
        parts.append(f"-- fact {fact_name}: {', '.join(m.name for m in measures)}")
        parts.append(str(ibis.to_sql(expr, dialect=dialect)).strip() + ";")
    return "\n\n".join(parts)

"""Record-level lookups for the dashboard: dimension values and the rows behind a number.

Both are answered by the engine's facts on the workspace's backend, inside the reader's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from salesscope.engine import records
from salesscope.errors import QueryError
from salesscope.scope import Scope
from salesscope.web.service import Service, to_records
from salesscope.zoom import Dim, parse_dimension, parse_where


def dimension_values(svc: Service, dim: str, scope: Scope) -> list[str]:
    """Distinct values of one dimension that the user may see."""
    dimension = parse_dimension(dim)
    return svc.cached(("dimvalues", dimension, scope), lambda: records.dimension_values(svc.ws, dimension, scope),
                      scope)


def rows_behind(svc: Service, kpi: str, start: dt.date, end: dt.date, where: Mapping[Dim, str],
                scope: Scope) -> dict[str, Any]:
    """The input records of an indicator placed in [start, end], filtered and scoped."""
    catalog = svc.catalog()
    if kpi not in catalog:
        raise QueryError(f"unknown indicator {kpi!r}: expected one of {', '.join(catalog)}",
                         fa=f"شاخص {kpi!r} شناخته نیست؛ شاخص‌های موجود: {', '.join(catalog)}")
    filters = dict(parse_where(where))
    facts = [svc.ws.model.facts[f] for f in catalog[kpi].facts]

    def run() -> dict[str, Any]:
        found = records.rows_behind(svc.ws, facts, start, end, filters, scope)
        return {"kpi": kpi, "start": start.isoformat(), "end": end.isoformat(),
                "tables": [{"fact": b.fact, "table": b.table, "rows": to_records(b.rows),
                            "truncated": b.truncated, "reason": b.reason} for b in found]}

    return svc.cached(("rows", kpi, start, end, tuple(sorted((str(d), v) for d, v in filters.items())), scope), run, scope)

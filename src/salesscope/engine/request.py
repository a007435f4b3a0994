"""A validated indicator request: which indicators, at what zoom, over which range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesscope.engine import dimensions
from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.scope import EVERYTHING, Scope, ScopeArg
from salesscope.zoom import Zoom

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


@dataclass(frozen=True)
class Request:
    ids: tuple[str, ...]
    explicit: bool  # the user named the indicators (an impossible breakdown is then an error)
    zoom: Zoom
    details: bool = False
    scope: Scope = EVERYTHING

    # the zoom's parts, as the engine reads them
    grain = property(lambda self: self.zoom.grain)
    calendar = property(lambda self: self.zoom.calendar)
    fiscal_start = property(lambda self: self.zoom.fiscal_start)
    dims = property(lambda self: self.zoom.by)
    start = property(lambda self: self.zoom.start)
    end = property(lambda self: self.zoom.end)

    @classmethod
    def build(cls, ws: Workspace, *, ids: Sequence[str] | str | None = None, zoom: Zoom,
              details: bool = False, scope: ScopeArg = None) -> Request:
        known = ws.model.indicators
        if isinstance(ids, str):
            ids = [i for i in ids.split(",") if i.strip()]
        explicit = bool(ids)
        chosen = tuple(i.strip() for i in ids) if ids else tuple(known)
        for i in chosen:
            if i not in known:
                from salesscope.typed import suggestion

                raise QueryError(Text("error.kpi.unknown", kpi=i, hint=suggestion(i, known), known=", ".join(known)))
        dimensions.check(zoom.breakdown, ws.backend)
        return cls(ids=chosen, explicit=explicit, zoom=zoom, details=details, scope=Scope.parse(scope))

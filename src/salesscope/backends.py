"""Connect a workspace to the engine that runs its indicator queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

from salesscope.errors import WorkspaceError

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


def connect(ws: Workspace) -> ibis.BaseBackend:
    """The Ibis backend named by the workspace config; DuckDB shares the store's connection."""
    kind = ws.config.backend.kind
    if kind == "duckdb":
        return ibis.duckdb.from_connection(ws.duckdb)
    raise WorkspaceError(f"backend {kind!r} is not available in this installation")

"""The workspace's catalogue: the built-in indicators plus the user's own from the config."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesscope.engine.indicators import CATALOG, Indicator

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


def catalog(ws: Workspace) -> dict[str, Indicator]:
    return dict(CATALOG)

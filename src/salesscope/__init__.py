"""SalesScope: measure a sales organisation with 15 indicators at any zoom.

>>> import salesscope
>>> ws = salesscope.open("salesscope-workspace")          # doctest: +SKIP
>>> ws.kpis(["win_rate"], grain="month", by=["team"])       # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesscope.errors import SalesScopeError

if TYPE_CHECKING:
    from salesscope.workspace import Workspace, init, open  # noqa: A004 - mirrors builtins.open on purpose

__all__ = ["SalesScopeError", "Workspace", "init", "open"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """The workspace API, imported on first use so that ``salesscope --version`` starts fast."""
    if name in ("Workspace", "init", "open"):
        from salesscope import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'salesscope' has no attribute {name!r}")

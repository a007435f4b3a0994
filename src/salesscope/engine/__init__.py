"""The indicator engine: declarations compiled to Ibis, run by the workspace's backend.

A workspace's indicators, measures and facts are in its semantic model (``ws.model``);
``CATALOG`` is the built-in indicators alone, resolved, read-only.
"""

from typing import Any

from salesscope.engine.compute import TIDY_COLUMNS, VALUE_COLUMNS, compute
from salesscope.engine.funnel import STAGES, funnel
from salesscope.engine.indicators import Indicator
from salesscope.engine.request import Request

__all__ = ["CATALOG", "Indicator", "Request", "STAGES", "TIDY_COLUMNS",
           "VALUE_COLUMNS", "compute", "funnel"]


def __getattr__(name: str) -> Any:
    if name == "CATALOG":
        from salesscope.semantic import builtin

        return builtin().indicators
    raise AttributeError(name)

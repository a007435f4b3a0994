"""The indicator engine: declarations compiled to Ibis, run by the workspace's backend.

A workspace's indicators, measures and facts are in its semantic model (``ws.model``);
``CATALOG`` is the built-in indicators alone, resolved, read-only. The engine runs in
``salesscope.engine.compute.compute`` and ``salesscope.engine.funnel.funnel``.

The names below are imported on first use: reading the declarations (``salesscope kpi --list``)
does not load Ibis, pandas or the statistics libraries.
"""

from importlib import import_module
from typing import Any

__all__ = ["CATALOG", "Indicator", "Request", "STAGES", "TIDY_COLUMNS", "VALUE_COLUMNS"]

_HOMES = {
    "TIDY_COLUMNS": "compute", "VALUE_COLUMNS": "compute", "STAGES": "funnel",
    "Indicator": "indicators", "Request": "request",
}


def __getattr__(name: str) -> Any:
    if name == "CATALOG":
        from salesscope.semantic import builtin

        return builtin().indicators
    if name in _HOMES:
        return getattr(import_module(f"salesscope.engine.{_HOMES[name]}"), name)
    raise AttributeError(name)

"""The indicator engine: declarations compiled to Ibis, run by the workspace's backend.

A workspace's indicators, measures and facts are in its semantic model (``ws.model``; the
built-ins alone are ``salesscope.semantic.builtin()``). The engine runs in
``salesscope.engine.compute.compute`` and ``salesscope.engine.funnel.funnel``.

The names below are imported on first use: reading the declarations (``salesscope kpi --list``)
does not load Ibis, pandas or the statistics libraries.
"""

from importlib import import_module
from typing import Any

__all__ = ["Indicator", "Request", "STAGES", "TIDY_COLUMNS", "VALUE_COLUMNS"]

_HOMES = {
    "TIDY_COLUMNS": "compute", "VALUE_COLUMNS": "compute", "STAGES": "funnel",
    "Indicator": "indicators", "Request": "request",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"salesscope.engine.{_HOMES[name]}"), name)
    raise AttributeError(name)

"""The indicator engine: declarations compiled to Ibis, run by the workspace's backend."""

from salesscope.engine.compute import TIDY_COLUMNS, VALUE_COLUMNS, compute
from salesscope.engine.indicators import CATALOG, Indicator
from salesscope.engine.request import Request

__all__ = ["CATALOG", "Indicator", "Request", "TIDY_COLUMNS", "VALUE_COLUMNS", "compute"]

from salesscope.engine.funnel import STAGE_NAMES, STAGE_NOTES, STAGES, funnel  # noqa: E402

__all__ += ["STAGES", "STAGE_NAMES", "STAGE_NOTES", "funnel"]

"""SalesScope: measure a sales organisation with 15 indicators at any zoom.

>>> import salesscope
>>> ws = salesscope.open("salesscope-workspace")          # doctest: +SKIP
>>> ws.kpis(["win_rate"], grain="month", by=["team"])       # doctest: +SKIP
"""

from salesscope.errors import SalesScopeError
from salesscope.workspace import Workspace, init, open  # noqa: A004 - mirrors builtins.open on purpose

__all__ = ["SalesScopeError", "Workspace", "init", "open"]
__version__ = "0.1.0"

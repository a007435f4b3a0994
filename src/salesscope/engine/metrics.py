"""How an indicator turns its measures into a value: one declaration form for built-in and user
indicators, in the spirit of dbt MetricFlow's simple, ratio and derived metrics.

``Ratio``, ``Difference`` and ``Sum`` (a ``Sum`` of one measure is a simple metric) are declared
over named measures, whose filters live on the measures; a ``Formula`` keeps a Python function
for the indicators whose statistics (intervals, comparisons with the previous period) need one.
Every kind can say in words what it computes, for ``kpi --list`` and ``kpi --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesscope.engine import formulas as fx


def _scaled(text: str, scale: float) -> str:
    return text if scale == 1 else f"({text}) x {scale:g}"


@dataclass(frozen=True)
class Formula:
    """A statistical formula in Python over the named measures (``f("won")``, ``f("won", -1)``):
    the function ``name`` of :mod:`salesscope.engine.formulas`, loaded (with NumPy) when evaluated."""

    name: str
    measures: tuple[str, ...]
    reasons: tuple[str, ...] = ()  # reason codes it may give, checked for words in every language

    def evaluate(self, f: fx.Frame) -> fx.Out:
        from salesscope.engine import formulas

        return getattr(formulas, self.name)(f)

    def words(self) -> str:
        return f"a formula ({self.name}) over {', '.join(self.measures)}"


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator x scale; undefined where the denominator is 0 or has no data."""

    numerator: str
    denominator: str
    scale: float = 1.0
    reasons = ("zero_denominator", "no_data")

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def evaluate(self, f: fx.Frame) -> fx.Out:
        import numpy as np

        from salesscope.engine import formulas as fx

        num, den = f(self.numerator), f(self.denominator)
        value = fx.div(num, den) * self.scale
        why = fx.reasons(f.size, (den == 0, "zero_denominator"), (np.isnan(den), "no_data"))
        return fx.Out(fx.undefined_where(value, why), num, den, np.nan_to_num(den), why)

    def words(self) -> str:
        return _scaled(f"{self.numerator} / {self.denominator}", self.scale)


@dataclass(frozen=True)
class Difference:
    """(first - second) x scale."""

    first: str
    second: str
    scale: float = 1.0
    reasons = ("no_data",)

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.first, self.second)

    def evaluate(self, f: fx.Frame) -> fx.Out:
        import numpy as np

        from salesscope.engine import formulas as fx

        a, b = f(self.first), f(self.second)
        value = (a - b) * self.scale
        why = fx.reasons(f.size, (np.isnan(value), "no_data"))
        return fx.Out(fx.undefined_where(value, why), a, b, np.nan_to_num(a), why)

    def words(self) -> str:
        return _scaled(f"{self.first} - {self.second}", self.scale)


@dataclass(frozen=True)
class Sum:
    """The sum of one or more measures x scale (one measure: a simple metric)."""

    measures: tuple[str, ...]
    scale: float = 1.0
    reasons = ("no_data",)

    def evaluate(self, f: fx.Frame) -> fx.Out:
        import numpy as np

        from salesscope.engine import formulas as fx

        vals = [f(m) for m in self.measures]
        value = np.sum(vals, axis=0) * self.scale
        why = fx.reasons(f.size, (np.isnan(value), "no_data"))
        return fx.Out(fx.undefined_where(value, why), value, np.full(f.size, np.nan), np.nan_to_num(vals[0]), why)

    def words(self) -> str:
        return _scaled(" + ".join(self.measures), self.scale)


Metric = Formula | Ratio | Difference | Sum

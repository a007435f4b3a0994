"""The semantic model of a workspace: every indicator, measure, fact, dimension, grain, reason code,
advice hint and label, in one immutable object that every surface receives.

It is built once per workspace and config version (``Workspace.model``) from the built-in
declarations (:mod:`salesscope.engine.indicators`, ``measures``, ``facts``) and the user's own
(``indicators:`` in ``salesscope.yaml``), and checks itself as it loads: every problem is
collected with its place and reported together.

>>> model = ws.model                                    # doctest: +SKIP
>>> model.indicator("win_rate").dimensions              # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from salesscope import locale
from salesscope.engine import facts as _facts
from salesscope.engine import indicators as _indicators
from salesscope.engine import measures as _measures
from salesscope.engine.facts import Fact
from salesscope.engine.indicators import Indicator
from salesscope.engine.measures import Agg, Measure
from salesscope.errors import ConfigError, QueryError
from salesscope.locale import Text
from salesscope.vocab import Dimension, Grain

if TYPE_CHECKING:
    from salesscope.config import WorkspaceConfig

LANGS = locale.languages()
# The breakdowns the cross-backend agreement test compares each indicator at: month x channel x
# rep where its inputs carry both, otherwise the finest of them they allow.
AGREEMENT_DIMS = (Dimension.CHANNEL, Dimension.REP)


@dataclass(frozen=True)
class SemanticModel:
    indicators: Mapping[str, Indicator]
    measures: Mapping[str, Measure]
    facts: Mapping[str, Fact]
    reasons: Mapping[str, Mapping[str, str]]  # reason code -> words per language ({arg} after a colon)
    hints: Mapping[str, Mapping[str, str]]  # indicator id ("" for any other) -> advice hint per language
    dimensions: tuple[Dimension, ...] = tuple(Dimension)
    grains: tuple[Grain, ...] = tuple(Grain)
    version: str = ""

    # -- indicators --------------------------------------------------------------------------
    def indicator(self, kpi: str) -> Indicator:
        try:
            return self.indicators[kpi]
        except KeyError:
            raise QueryError(Text("error.kpi.unknown", kpi=kpi, hint="", known=", ".join(self.indicators))) from None

    def name(self, kpi: str, lang: str = "en") -> str:
        ind = self.indicators.get(kpi)
        if ind is None:
            return kpi
        return ind.name(lang)

    def names(self, lang: str = "en") -> dict[str, str]:
        return {k: self.name(k, lang) for k in self.indicators}

    def hint(self, kpi: str) -> Mapping[str, str]:
        """The action advice suggests for a change in ``kpi`` (the generic one if it has none)."""
        return self.hints.get(kpi) or self.hints[""]

    def measures_of(self, ind: Indicator, fact: str | None = None) -> list[Measure]:
        return [self.measures[m] for m in ind.measures if fact is None or self.measures[m].fact == fact]

    def with_median(self, ind: Indicator) -> bool:
        """Whether the value itself is built on a median (Spark's percentile is approximate)."""
        return any(m.agg is Agg.MEDIAN_CI for m in self.measures_of(ind))

    def agreement_levels(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Indicator ids by the breakdown the cross-backend agreement test compares them at."""
        out: dict[tuple[str, ...], list[str]] = {}
        for ind in self.indicators.values():
            level = tuple(d.value for d in AGREEMENT_DIMS if d in ind.dimensions)
            out.setdefault(level, []).append(ind.id)
        return {k: tuple(v) for k, v in out.items()}


def _resolve(ind: Indicator, measures: Mapping[str, Measure], facts: Mapping[str, Fact]) -> Indicator:
    fact_names = tuple(dict.fromkeys(measures[m].fact for m in ind.measures))
    dims = frozenset(Dimension)
    for f in fact_names:
        dims &= facts[f].dims
    tables = tuple(dict.fromkeys(t for f in fact_names for t in facts[f].tables))
    return replace(ind, facts=fact_names, tables=tables, dimensions=dims)


def _config_problem(config_path: Path | None, loc: tuple, message: str) -> str:
    from salesscope.config import _line_of

    line = None
    if config_path is not None:
        try:
            line = _line_of(config_path.read_text(encoding="utf-8"), loc)
        except OSError:
            line = None
    where = f"{config_path}{f':{line}' if line else ''} " if config_path else ""
    return f"{where}{'.'.join(map(str, loc))}: {message}"


def build(config: WorkspaceConfig | None = None, config_path: Path | None = None) -> SemanticModel:
    """The model of the built-ins plus ``config``'s own indicators; raises ConfigError listing
    every problem found, each with its place."""
    from salesscope.semantic.check import check
    from salesscope.semantic.user import user_parts

    builtins = _indicators.BUILTINS
    facts: dict[str, Fact] = dict(_facts.FACTS)
    measures: dict[str, Measure] = dict(_measures.MEASURES)
    decls = list(config.indicators) if config is not None else []
    user = user_parts(decls, {i.id for i in builtins})
    facts |= user.facts
    measures |= user.measures
    problems = [_config_problem(config_path, loc, msg) for loc, msg in user.problems]
    declared = [*builtins, *user.indicators]
    missing = [(i, m) for i in declared for m in i.measures if m not in measures]
    problems += [f"indicator {i.id}: measure {m!r} is not declared" for i, m in missing]
    problems += [f"measure {m.name}: fact {m.fact!r} is not declared"
                 for m in measures.values() if m.fact not in facts]
    if problems:
        raise ConfigError(Text("error.config.invalid", problems="\n".join(problems)))
    indicators = {i.id: _resolve(i, measures, facts) for i in declared}
    version = json.dumps([d.model_dump(mode="json") for d in decls], sort_keys=True) if decls else ""
    model = SemanticModel(
        indicators=MappingProxyType(indicators), measures=MappingProxyType(measures),
        facts=MappingProxyType(facts), reasons=MappingProxyType(locale.by_language("reason")),
        hints=MappingProxyType({("" if k == "default" else k): v for k, v in locale.by_language("hint").items()}), version=version,
    )
    problems = check(model, builtins)
    if problems:
        raise ConfigError(Text("error.model.problems", problems="\n".join(problems)))
    return model


_BUILTIN: dict[int, SemanticModel] = {}


def builtin() -> SemanticModel:
    """The model of the built-in indicators alone (no workspace), built once per declaration set."""
    key = id(_indicators.BUILTINS)
    if key not in _BUILTIN:
        _BUILTIN.clear()
        _BUILTIN[key] = build()
    return _BUILTIN[key]


__all__ = ["LANGS", "SemanticModel", "build", "builtin"]

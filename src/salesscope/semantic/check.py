"""The semantic model's own checks, run as it loads: each problem names its place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesscope import locale
from salesscope.engine.indicators import Indicator

if TYPE_CHECKING:
    from salesscope.semantic import SemanticModel

# Reasons the engine gives for any indicator (an empty table, a breakdown its inputs lack, the scope).
ENGINE_REASONS = ("missing_input", "no_dimension", "outside_scope")


def _place(ind: Indicator, builtins: tuple[Indicator, ...]) -> str:
    where = "salesscope/engine/indicators.py" if ind.id in {b.id for b in builtins} else "salesscope.yaml"
    return f"{where}: indicator {ind.id}"


def check(model: SemanticModel, builtins: tuple[Indicator, ...]) -> list[str]:
    """Every problem of the model, each with its place; empty when it is sound."""
    from salesscope.semantic import LANGS

    problems: list[str] = []
    for code, words in model.reasons.items():
        for lang in LANGS:
            if not words.get(lang):
                problems.append(f"salesscope/locale/{lang}.yaml: reason.{code} has no words")
    codes = set(ENGINE_REASONS)
    for ind in model.indicators.values():
        codes |= set(getattr(ind.metric, "reasons", ()))
    for code in sorted(codes - set(model.reasons)):
        problems.append(f"salesscope/locale/en.yaml: reason {code} is given but has no words")
    if "" not in model.hints:
        problems.append("salesscope/locale/en.yaml: hint.default is missing")
    for ind in model.indicators.values():
        place = _place(ind, builtins)
        for lang in LANGS:
            if ind.hints and not model.hints.get(ind.id, {}).get(lang):
                problems.append(f"{place}: no advice hint in {lang!r} (declare hints=False to use the generic one)")
        if not ind.hints and ind.id in model.hints:
            problems.append(f"{place}: says it has no advice hints, but the catalogue holds hint.{ind.id}")
        if ind.names:  # its own words: an English name, and no empty one
            if not ind.names.get(locale.DEFAULT) or not all(ind.names.values()):
                problems.append(f"{place}: a name in every language is required")
        else:
            for lang in LANGS:
                if not locale.own(lang).get(f"indicator.{ind.id}.name"):
                    problems.append(f"salesscope/locale/{lang}.yaml: indicator.{ind.id}.name is missing")
        missing = [t for t in ind.requires if t not in ind.tables]
        if missing:
            problems.append(f"{place}: requires {', '.join(t.value for t in missing)}, which none of its measures read")
    listed = {i for ids in model.agreement_levels().values() for i in ids}
    for kpi in set(model.indicators) - listed:
        problems.append(f"indicator {kpi}: not in the cross-backend agreement test")
    return problems

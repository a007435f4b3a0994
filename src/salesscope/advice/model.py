"""The finding: one piece of advice, warning, anomaly or target status, with the evidence behind it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    DATA = "data"  # the data itself is unsafe: ranked above everything resting on it
    ADVICE = "advice"
    WARNING = "warning"
    ANOMALY = "anomaly"
    TARGET = "target"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# How much each kind and confidence weigh in the ranking; a rule's effect size scales them.
KIND_WEIGHT = {Kind.DATA: 1.5, Kind.ADVICE: 1.0, Kind.TARGET: 0.9, Kind.WARNING: 0.8, Kind.ANOMALY: 0.7}
CONFIDENCE_WEIGHT = {Confidence.HIGH: 1.0, Confidence.MEDIUM: 0.7, Confidence.LOW: 0.4}
MAX_EFFECT = 4.0

TOP = 10  # findings a reader is shown first, most valuable first (advise, the report); the rest are counted

PUBLIC_KEYS = ("kind", "kpi", "period", "dimensions", "evidence", "advice_en", "advice_fa", "confidence")


def clean(value: Any) -> Any:
    """JSON-safe evidence: numpy scalars to Python, NaN/inf to None, nested containers cleaned."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, dict)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f if math.isfinite(f) else None


@dataclass
class Finding:
    """One ranked finding; ``to_dict()`` gives the public JSON shape.

    >>> f = Finding("advice", "rrroi", "2026-03", {"channel": "email"}, {"value": 0.2},
    ...             "More time on email.", "زمان بیشتر برای ایمیل.", "high", code="rrroi_more_time")
    >>> sorted(f.to_dict())[:3]
    ['advice_en', 'advice_fa', 'confidence']
    """

    kind: str
    kpi: str
    period: str
    dimensions: dict[str, str]
    evidence: dict[str, Any]
    advice_en: str
    advice_fa: str
    confidence: str
    code: str = ""
    score: float = 0.0
    lang: str = "en"
    effect: float = field(default=1.0, repr=False)

    def __post_init__(self) -> None:
        self.kind = Kind(self.kind).value
        self.confidence = Confidence(self.confidence).value
        self.evidence = clean(self.evidence)
        self.dimensions = {str(k): str(v) for k, v in self.dimensions.items()}
        if not self.score:
            self.rescore()

    def rescore(self) -> None:
        """The ranking score from kind, confidence and effect size."""
        eff = min(abs(self.effect), MAX_EFFECT) if math.isfinite(self.effect) else MAX_EFFECT
        self.score = round(KIND_WEIGHT[Kind(self.kind)] * CONFIDENCE_WEIGHT[Confidence(self.confidence)]
                           * (1.0 + eff), 4)

    @property
    def advice(self) -> str:
        """The text in the language the findings were asked for."""
        return self.text(self.lang)

    def text(self, lang: str) -> str:
        """The text in ``lang`` (English for a language the finding was not written in)."""
        return {"en": self.advice_en, "fa": self.advice_fa}.get(lang) or self.advice_en

    def to_dict(self) -> dict[str, Any]:
        """The public shape: exactly kind, kpi, period, dimensions, evidence, advice_en, advice_fa, confidence."""
        return {k: getattr(self, k) for k in PUBLIC_KEYS}


def rank(findings: list[Finding]) -> list[Finding]:
    """Most valuable first; ties broken by kind, then indicator, so the order is stable."""
    order = list(Kind)
    return sorted(findings, key=lambda f: (-f.score, order.index(Kind(f.kind)), f.kpi, f.code,
                                           sorted(f.dimensions.items())))

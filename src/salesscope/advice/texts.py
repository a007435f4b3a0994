"""Finding texts: ``finding.<code>`` templates from the locale catalogue, filled with values formatted
for the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesscope import locale
from salesscope.formatting import Num, number, pvalue_text
from salesscope.i18n import Lang

# The kind of each finding; its words are ``finding.<code>`` in the locale catalogue.
KIND: dict[str, str] = {
    **dict.fromkeys(("rrroi_more_time", "rrroi_enough_time", "rrroi_restore_time", "rrroi_cut_right",
                     "rrroi_noise", "slow_lead_response", "lead_conversion_falling", "rep_win_rate_below_team",
                     "win_rate_falling", "pipeline_coverage_low", "cycle_lengthening", "cac_outpacing_clv",
                     "churn_rising", "kpi_worsening", "revenue_falling", "rrroi_noise_folded"), "advice"),
    **dict.fromkeys(("target_met", "target_missed", "target_on_pace", "target_behind_pace"), "target"),
    **dict.fromkeys(("data_window_start", "data_window_end", "impossible_conversion", "impossible_win_rate",
                     "stages_missing", "period_in_progress"), "data"),
    **dict.fromkeys(("seasonal_pattern", "thin_sample", "simpson_reversal", "mix_shift", "one_segment_carries",
                     "zoom_in", "zoom_out"), "warning"),
    **dict.fromkeys(("anomaly_high", "anomaly_low"), "anomaly"),
}

@dataclass(frozen=True)
class Term:
    """A word of the locale catalogue: the advice's own (``span.pooled`` is ``advice.span.pooled``)
    or a shared one (``dim.team``, ``grain.month``); ``args`` fill its own placeholders."""

    key: str
    args: tuple[Any, ...] = ()

    @property
    def catalogue_key(self) -> str:
        own = f"advice.{self.key}"
        return own if locale.has(own) else self.key


def hint(kpi: str) -> Term:
    """The one action advised for a change of ``kpi`` that has no dedicated rule."""
    key = f"hint.{kpi}"
    return Term(key if locale.has(key) else "hint.default")


@dataclass(frozen=True)
class Name:
    """A team's, rep's, source's or campaign's own name or id, written as the data has it in every
    language (``R01`` stays ``R01`` in a Persian sentence, as in the tables and the CRM)."""

    text: str


@dataclass(frozen=True)
class PValue:
    """A p-value, as people write it: "p = 0.012", "p < 0.001"."""

    value: float | None


def dim_value(dim: str, value: str) -> Term | Name:
    """A dimension value as words: a channel of the vocabulary is translated, a team's or a rep's
    own name or id is kept as it is."""
    if value == "(none)":
        return Term("no_value")
    if dim == "channel" and locale.has(f"channel.{value}"):
        return Term(f"channel.{value}")
    return Name(str(value))


def fmt(value: Any, lang: Lang) -> str:
    """Format one placeholder value for ``lang``."""
    if isinstance(value, Num):
        return value.text(lang)
    if isinstance(value, Term):
        return locale.text(value.catalogue_key, lang, *(fmt(a, lang) for a in value.args))
    if isinstance(value, PValue):
        return pvalue_text(value.value, lang)
    if isinstance(value, Name):
        return value.text
    if isinstance(value, dict):  # a text already given per language
        return value.get(lang) or value[locale.DEFAULT]
    if isinstance(value, float):
        return number(value, lang)
    return locale.digits(value, lang)


def render(code: str, params: dict[str, Any], lang: Lang) -> str:
    """The finding text for ``code`` in ``lang``, its placeholders filled from ``params``."""
    return locale.text(f"finding.{code}", lang, **{k: fmt(v, lang) for k, v in params.items()})


def make(code: str, *, kpi: str, period: str, dims: dict[str, str], evidence: dict[str, Any],
         params: dict[str, Any], confidence: str, effect: float = 1.0, text: str | None = None):
    """A Finding for ``code`` with both texts rendered from ``params`` (by the template ``text``, default ``code``)."""
    from salesscope.advice.model import Finding

    template = text or code
    en, fa = render(template, params, "en"), render(template, params, "fa")
    return Finding(KIND[template], kpi, str(period), dict(dims), {**evidence, "code": code},
                   en, fa, confidence, code=code, effect=effect)


def render_why(key: str, lang: Lang, **params: Any) -> str:
    """A text of ``salesscope why`` and its report section (``why.<key>`` in the locale catalogue)."""
    return locale.text(f"why.{key}", lang, **{k: fmt(v, lang) for k, v in params.items()})

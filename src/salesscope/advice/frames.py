"""Reading the engine's tidy frames: the context the rules work on, and small row helpers."""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from salesscope import locale
from salesscope.advice.texts import Num, Term, dim_value, fmt
from salesscope.formatting import change_text, unit_text
from salesscope.vocab import Dimension, Direction, Grain

DIMENSIONS = tuple(d.value for d in Dimension)


@dataclass(frozen=True)
class KpiMeta:
    """What the rules need to know about an indicator (taken from the engine's catalogue)."""

    id: str
    names: Mapping[str, str]  # by language
    unit: str
    direction: str = Direction.HIGHER_IS_BETTER.value

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER_IS_BETTER.value


@dataclass
class Context:
    """Everything the rules read: engine frames at the asked grain (total and per dimension) and settings."""

    totals: pd.DataFrame
    period: str
    grain: Grain = Grain.MONTH
    parts: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, KpiMeta] = field(default_factory=dict)
    min_sample: int = 30
    today: dt.date = field(default_factory=dt.date.today)
    targets: list[Any] = field(default_factory=list)
    coverage_target: float = 3.0
    currency: str = "USD"
    finer: pd.DataFrame | None = None
    finer_grain: Grain | None = None
    coarser: pd.DataFrame | None = None
    coarser_grain: Grain | None = None
    current: str | None = None  # the period holding today, if the data reach it
    health: Any = None  # what the store says about itself (advice.health.Health)
    biased_before: dict[str, dt.date] = field(default_factory=dict)  # per indicator: history trusted from

    def trusted(self, s: pd.DataFrame, kpi: str) -> pd.DataFrame:
        """A ``series`` without the periods a data window biases for this indicator."""
        start = self.biased_before.get(kpi)
        if start is None or s.empty:
            return s
        return s[pd.to_datetime(s["period_start"]) >= pd.Timestamp(start)]

    def kpi_meta(self, kpi: str, unit: str | None = None) -> KpiMeta:
        if kpi in self.meta:
            return self.meta[kpi]
        return KpiMeta(kpi, {}, unit or "count")

    def name(self, kpi: str) -> dict[str, str]:
        names = self.kpi_meta(kpi).names
        return {lang: names.get(lang) or names.get(locale.DEFAULT) or kpi for lang in locale.languages()}

    def unit(self, kpi: str, unit: str | None = None) -> dict[str, str]:
        """The unit written after a value of ``kpi``, as on every other surface (``%``, `` USD``, `` pp/h``)."""
        u = unit or self.kpi_meta(kpi).unit
        return {lang: unit_text(u, lang, self.currency) for lang in locale.languages()}

    def num(self, kpi: str, value: Any, *, signed: bool = False, unit: str | None = None) -> Num:
        """A value of ``kpi`` for a sentence that writes the unit itself (``{value}{unit}``)."""
        return Num(fnum(value), unit or self.kpi_meta(kpi).unit, signed)

    def change(self, kpi: str, value: Any) -> dict[str, str]:
        """A change of ``kpi`` with its unit (points for a percentage): ``+1.2 pp``, ``-2,500 USD``."""
        u = self.kpi_meta(kpi).unit
        return {lang: change_text(fnum(value), u, lang, self.currency) or "—" for lang in locale.languages()}


def fnum(x: Any) -> float | None:
    """A float, or None for anything undefined (None, NaN, NA)."""
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def dims_of(df: pd.DataFrame) -> list[str]:
    """The dimension columns of a tidy frame: the built-in ones, and any other the engine put
    between the period and the value (the channel label, an attribute, a rep role)."""
    cols = list(df.columns)
    between = cols[cols.index("period_end") + 1:cols.index("value")] if {"period_end", "value"} <= set(cols) else []
    return [c for c in cols if c in DIMENSIONS or c in between]


def dims_dict(row: pd.Series, dims: list[str]) -> dict[str, str]:
    return {d: str(row[d]) for d in dims}


def where(dims: dict[str, str]) -> dict[str, str]:
    """'Channel email' / 'کانال ایمیل'; 'Overall' for the total."""
    if not dims:
        return {lang: locale.text("advice.overall", lang) for lang in locale.languages()}
    out = {}
    for lang in locale.languages():
        parts = [f"{fmt(Term(f'dim.{d}'), lang)} {fmt(dim_value(d, v), lang)}" for d, v in dims.items()]
        out[lang] = locale.label(locale.join(parts, lang))
    return out


def member(dims: dict[str, str]) -> dict[str, str]:
    """The same phrase, lower-case, for the middle of a sentence."""
    w = where(dims)
    return {lang: text[:1].lower() + text[1:] for lang, text in w.items()}


def rows(df: pd.DataFrame | None, kpi: str, period: str | None = None) -> pd.DataFrame:
    """The rows of ``kpi`` (in ``period``), in the frame's order and with its index."""
    if df is None or df.empty:
        return pd.DataFrame(columns=[] if df is None else df.columns)
    parts = _by_kpi(df)
    out = parts.get(kpi)
    if out is None:
        return df.iloc[:0]
    if period is not None:
        out = out[out["period"].astype(str) == str(period)]
    return out.copy(deep=False)  # copy-on-write: a caller's change stays its own


# The rules read one indicator's rows hundreds of times from the same few frames: each frame is
# split by indicator once, for as long as it lives (frames are not changed once built).
_SPLIT: dict[int, dict[str, pd.DataFrame]] = {}


def _by_kpi(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    key = id(df)
    parts = _SPLIT.get(key)
    if parts is None:
        parts = _SPLIT[key] = {str(k): g for k, g in df.groupby("kpi", sort=False)}
        weakref.finalize(df, _SPLIT.pop, key, None)
    return parts


def one(df: pd.DataFrame | None, kpi: str, period: str | None, dims: dict[str, str] | None = None) -> pd.Series | None:
    """The row of ``kpi`` in ``period`` for these dimension values, or None."""
    out = rows(df, kpi, period)
    for d, v in (dims or {}).items():
        if d not in out.columns:
            return None
        out = out[out[d].astype(str) == v]
    return None if out.empty else out.iloc[0]


def periods(df: pd.DataFrame) -> pd.DataFrame:
    """Distinct periods with their bounds, oldest first."""
    p = df[["period", "period_start", "period_end"]].drop_duplicates("period").copy()
    p["period_start"] = pd.to_datetime(p["period_start"]).dt.date
    p["period_end"] = pd.to_datetime(p["period_end"]).dt.date
    return p.sort_values("period_start").reset_index(drop=True)


def previous_period(df: pd.DataFrame, period: str) -> str | None:
    p = periods(df)
    idx = p.index[p["period"].astype(str) == str(period)]
    if len(idx) == 0 or idx[0] == 0:
        return None
    prev = p.iloc[idx[0] - 1]
    this = p.iloc[idx[0]]
    # Only the bucket just before counts; a gap in the data is not a previous period.
    if prev["period_end"] + dt.timedelta(days=1) != this["period_start"]:
        return None
    return str(prev["period"])


def series(df: pd.DataFrame | None, kpi: str, dims: dict[str, str] | None = None) -> pd.DataFrame:
    """One indicator's rows for one set of dimension values, oldest first."""
    out = rows(df, kpi)
    for d, v in (dims or {}).items():
        out = out[out[d].astype(str) == v]
    if out.empty:
        return out
    out = out.copy()
    out["_start"] = pd.to_datetime(out["period_start"])
    return out.sort_values("_start")


def evidence(row: pd.Series, **extra: Any) -> dict[str, Any]:
    """The standard evidence of one engine row: value, previous value, change, sample size, interval."""
    ev = {
        "value": fnum(row.get("value")),
        "previous_value": fnum(row.get("previous_value")),
        "change": fnum(row.get("change")),
        "numerator": fnum(row.get("numerator")),
        "denominator": fnum(row.get("denominator")),
        "n": fnum(row.get("n")),
        "ci_low": fnum(row.get("ci_low")),
        "ci_high": fnum(row.get("ci_high")),
        "unit": None if pd.isna(row.get("unit")) else str(row.get("unit")),
    }
    ev.update(extra)
    return ev


def pick_period(totals: pd.DataFrame, today: dt.date,
                data_end: dt.date | None = None) -> tuple[str | None, str | None]:
    """(the last full period before today that the data cover to its end, the period holding today if any)."""
    if totals.empty:
        return None, None
    p = periods(totals)
    full = p[p["period_end"] < today]
    if data_end is not None:
        full = full[full["period_end"] <= data_end]
    current = p[(p["period_start"] <= today) & (p["period_end"] >= today)]
    last_full = str(full.iloc[-1]["period"]) if not full.empty else str(p.iloc[-1]["period"])
    return last_full, (str(current.iloc[0]["period"]) if not current.empty else None)

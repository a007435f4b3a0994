"""Plotly figures built from tidy frames, shared by the reports and the web dashboard.

Every function is pure: a tidy DataFrame (the engine's columns) in, a ``plotly`` Figure out, with
``lang`` deciding digits, labels and the font. Persian digits are put in tick and hover texts here
because plotly.js only knows ASCII digits.

>>> fig = trend(df[df.kpi == "win_rate"], lang="fa")   # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from salesscope import locale
from salesscope.engine.funnel import STAGES
from salesscope.formatting import fixed, is_missing, number, value_text
from salesscope.i18n import Lang

FONT_FAMILY = "Vazirmatn, 'Noto Naskh Arabic', 'Noto Sans Arabic', 'DejaVu Sans', sans-serif"
COLORS = ("#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#64748b")
FUNNEL_STAGES = STAGES  # in the funnel's order; their names are funnel.<stage> in the locale catalogue


def _digits(text: object, lang: Lang) -> str:
    return locale.digits(text, lang)


def _num(value: float | None, lang: Lang, unit: str = "", currency: str = "") -> str:
    """A value as every other surface writes it, with its unit; undefined is said in words."""
    if is_missing(value):
        return locale.text("chart.undefined", lang)
    return value_text(value, unit, lang, currency)


def _unit(rows: pd.DataFrame) -> str:
    """The unit of one indicator's rows (the engine's ``unit`` column), or none."""
    units = rows["unit"].dropna().unique() if "unit" in rows.columns else []
    return str(units[0]) if len(units) == 1 else ""


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick positions covering ``lo..hi`` (1, 2, 2.5 or 5 times a power of ten apart).

    >>> nice_ticks(0, 9.3)
    [0.0, 2.5, 5.0, 7.5, 10.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi == lo:
        hi, lo = hi + (abs(hi) or 1) * 0.5, lo - (abs(lo) or 1) * 0.5
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    ticks, v = [], start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi:
        ticks.append(round(v, 10))
    return ticks


def _decimals_for(ticks: Sequence[float]) -> int:
    """The fewest decimals that print every tick exactly."""
    return next((d for d in range(5) if all(abs(round(v, d) - v) < 1e-9 for v in ticks)), 4)


def _base_layout(lang: Lang, height: int, title: str | None = None) -> dict:
    return dict(
        height=height,
        margin=dict(l=8, r=8, t=30 if title else 8, b=8),
        title=dict(text=title, font=dict(size=13), x=0.5 if locale.is_rtl(lang) else 0.0,
                   xanchor="center" if locale.is_rtl(lang) else "left") if title else None,
        font=dict(family=FONT_FAMILY, size=11, color="#1f2937"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=locale.text("meta.decimal", lang) + locale.text("meta.group", lang),
        showlegend=False,
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
    )


def _value_axis(values: Sequence[float], lang: Lang, include_zero: bool = False) -> dict:
    finite = [float(v) for v in values if v is not None and not pd.isna(v) and math.isfinite(v)]
    if include_zero:
        finite.append(0.0)
    if not finite:
        return dict(showticklabels=False, showgrid=False, zeroline=False)
    ticks = nice_ticks(min(finite), max(finite), 4)
    dec = _decimals_for(ticks)
    pad = (ticks[-1] - ticks[0]) * 0.06  # keep the lowest tick label off the other axis
    return dict(tickmode="array", tickvals=ticks, ticktext=[fixed(v, lang, dec) for v in ticks],
                range=[ticks[0] - pad, ticks[-1] + pad], gridcolor="#e5e7eb", zeroline=False,
                automargin=True)


def trend(df: pd.DataFrame, kpi: str | None = None, *, lang: Lang = "en", dim: str | None = None,
          title: str | None = None, height: int = 160, currency: str = "") -> go.Figure:
    """A line per indicator over periods (one per ``dim`` value), with its 95% band and target."""
    rows = df if kpi is None else df[df["kpi"] == kpi]
    rows = rows.sort_values("period_start")
    fig = go.Figure()
    groups = [(None, rows)] if dim is None else list(rows.groupby(dim, sort=True))
    all_values: list[float] = []
    for i, (key, part) in enumerate(groups):
        x = [_digits(p, lang) for p in part["period"]]
        y = pd.to_numeric(part["value"], errors="coerce")
        all_values += list(y.dropna())
        color = COLORS[i % len(COLORS)]
        if dim is None and {"ci_low", "ci_high"} <= set(part.columns):
            lo = pd.to_numeric(part["ci_low"], errors="coerce")
            hi = pd.to_numeric(part["ci_high"], errors="coerce")
            if lo.notna().any():
                all_values += list(lo.dropna()) + list(hi.dropna())
                fig.add_trace(go.Scatter(x=x + x[::-1], y=list(hi) + list(lo)[::-1], fill="toself", mode="lines",
                                         fillcolor="rgba(37,99,235,0.12)", line=dict(width=0),
                                         hoverinfo="skip", connectgaps=False))
        texts = [_num(v, lang, _unit(part), currency) for v in y]
        fig.add_trace(go.Scatter(
            x=x, y=list(y), mode="lines+markers", name=_digits(key, lang) if key is not None else "",
            line=dict(color=color, width=2), marker=dict(size=5), connectgaps=False,
            customdata=texts, hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>"))
    if "target" in rows.columns:
        target = pd.to_numeric(rows["target"], errors="coerce").dropna()
        if len(target):
            tv = float(target.iloc[-1])
            all_values.append(tv)
            fig.add_hline(y=tv, line=dict(color="#9ca3af", dash="dash", width=1))
    layout = _base_layout(lang, height, title)
    layout["showlegend"] = dim is not None
    fig.update_layout(**layout)
    fig.update_xaxes(type="category", showgrid=False, tickangle=0, automargin=True, nticks=6)
    fig.update_yaxes(**_value_axis(all_values, lang))
    return fig


def breakdown(df: pd.DataFrame, kpi: str, dim: str, *, lang: Lang = "en", title: str | None = None,
              height: int | None = None, currency: str = "") -> go.Figure:
    """Horizontal bars of one indicator per value of ``dim``; undefined values are labelled so."""
    rows = df[df["kpi"] == kpi].copy()
    rows["_v"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows.sort_values("_v", na_position="first")
    labels = [_digits(v, lang) for v in rows[dim]]
    texts = [_num(v, lang, _unit(rows), currency) for v in rows["_v"]]
    fig = go.Figure(go.Bar(
        x=[0 if pd.isna(v) else v for v in rows["_v"]], y=labels, orientation="h", text=texts,
        textposition="auto", marker_color=[("#d1d5db" if pd.isna(v) else COLORS[0]) for v in rows["_v"]],
        customdata=texts, hovertemplate="%{y}: %{customdata}<extra></extra>"))
    fig.update_layout(**_base_layout(lang, height or max(120, 26 * len(rows) + 40), title))
    fig.update_xaxes(**_value_axis(list(rows["_v"]), lang, include_zero=True))
    fig.update_yaxes(type="category", automargin=True)
    return fig


def funnel(df: pd.DataFrame, *, lang: Lang = "en", title: str | None = None,
           height: int = 260) -> go.Figure:
    """The lead -> won funnel of one period: counts, conversion and drop-off at each stage."""
    order = list(FUNNEL_STAGES)
    df = df[df["count"].notna()]  # a stage the data do not measure has no bar
    rows = df.groupby("stage", sort=False, as_index=False).agg(
        count=("count", "sum"), conversion=("conversion", "first"), drop_off=("drop_off", "first"))
    rows["_o"] = rows["stage"].map({s: i for i, s in enumerate(order)})
    rows = rows.sort_values("_o")
    labels = [locale.word("funnel", s, lang) for s in rows["stage"]]
    texts = []
    for name, (_, r) in zip(labels, rows.iterrows(), strict=True):
        text = f"{name}: {number(r['count'], lang, 'count')}"
        if not pd.isna(r["conversion"]):
            text += f" ({_num(r['conversion'], lang, 'percent')})"
        texts.append(text)
    hover = [f"{locale.text('chart.drop_off', lang)}: {_num(d, lang, 'percent')}" for d in rows["drop_off"]]
    # Stage names go in the bar texts, not on the axis, so long Persian labels are never clipped.
    fig = go.Figure(go.Funnel(
        y=labels, x=list(rows["count"]), text=texts, textinfo="text", textposition="auto",
        customdata=hover, hovertemplate="%{text}<br>%{customdata}<extra></extra>",
        marker=dict(color=COLORS[: len(rows)])))
    fig.update_layout(**_base_layout(lang, height, title))
    fig.update_yaxes(showticklabels=False)
    return fig


def sparkline(df: pd.DataFrame, kpi: str | None = None, *, lang: Lang = "en",
              height: int = 40, currency: str = "") -> go.Figure:
    """A tiny trend without axes, for a card or a table cell."""
    rows = df if kpi is None else df[df["kpi"] == kpi]
    rows = rows.sort_values("period_start")
    y = pd.to_numeric(rows["value"], errors="coerce")
    fig = go.Figure(go.Scatter(x=[_digits(p, lang) for p in rows["period"]], y=list(y), mode="lines",
                               line=dict(color=COLORS[0], width=1.5), connectgaps=False,
                               customdata=[_num(v, lang, _unit(rows), currency) for v in y],
                               hovertemplate="%{x}: %{customdata}<extra></extra>"))
    layout = _base_layout(lang, height)
    layout["margin"] = dict(l=0, r=0, t=0, b=0)
    fig.update_layout(**layout)
    fig.update_xaxes(visible=False, type="category")
    fig.update_yaxes(visible=False)
    return fig


def forecast(df: pd.DataFrame, *, lang: Lang = "en", by: str | None = None, title: str | None = None,
             labels: dict[str, str] | None = None, height: int = 240, currency: str = "") -> go.Figure:
    """Expected revenue per period with its 80% and 95% bands (one line per ``by`` value, 80% bars)."""
    labels = labels or {}
    rows = df.sort_values("period_start")
    groups = [(None, rows)] if by is None else list(rows.groupby(by, sort=True))
    fig = go.Figure()
    values: list[float] = []
    for i, (key, part) in enumerate(groups):
        x = [_digits(p, lang) for p in part["period"]]
        color = COLORS[i % len(COLORS)]
        r, g, b = (int(color[k:k + 2], 16) for k in (1, 3, 5))
        values += list(part["high_95" if by is None else "high_80"]) + list(part["low_95" if by is None else "low_80"])
        if by is None:
            for lo, hi, alpha, name in (("low_95", "high_95", 0.12, "band_95"), ("low_80", "high_80", 0.25, "band_80")):
                fig.add_trace(go.Scatter(x=x + x[::-1], y=list(part[hi]) + list(part[lo])[::-1], fill="toself",
                                         mode="lines", line=dict(width=0), fillcolor=f"rgba({r},{g},{b},{alpha})",
                                         hoverinfo="skip", name=labels.get(name, name)))
        err = None if by is None else dict(type="data", symmetric=False, color=color, thickness=1,
                                           array=list(part["high_80"] - part["expected"]),
                                           arrayminus=list(part["expected"] - part["low_80"]))
        fig.add_trace(go.Scatter(
            x=x, y=list(part["expected"]), mode="lines+markers", error_y=err,
            name=str(key) if key is not None else labels.get("expected", "expected"),
            line=dict(color=color, width=2), marker=dict(size=6),
            customdata=[_num(v, lang, "money", currency) for v in part["expected"]],
            hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>"))
    layout = _base_layout(lang, height, title)
    layout["showlegend"] = True
    layout["legend"] = dict(orientation="h", y=-0.2, x=1 if locale.is_rtl(lang) else 0,
                            xanchor="right" if locale.is_rtl(lang) else "left")
    fig.update_layout(**layout)
    fig.update_xaxes(type="category", showgrid=False, tickangle=0, automargin=True)
    fig.update_yaxes(**_value_axis(values, lang, include_zero=True))
    return fig

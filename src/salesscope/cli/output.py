"""Turning tidy frames into what a person or a script reads: tables, CSV, JSON, Parquet."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
from rich.table import Table as RichTable

from salesscope.i18n import format_number, to_persian_digits

UNIT_SUFFIX = {
    "percent": "%", "points_per_hour": " pp/h", "leads_per_hour": " leads/h", "hours": " h",
    "days": " d", "money": "", "money_per_day": "/day", "ratio": "x", "count": "",
}


def records(df: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: ISO dates, null for undefined (never NaN or infinity)."""
    out = []
    for row in df.to_dict(orient="records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            elif isinstance(v, float) and not math.isfinite(v):
                v = None
            elif v is pd.NaT or (not isinstance(v, (list, dict, str)) and pd.isna(v)):
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            clean[k] = v
        out.append(clean)
    return out


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with '; numbers untouched."""
    out = df
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            risky = df[c].map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            if risky.any():
                out = out.copy() if out is df else out
                out[c] = df[c].where(~risky, "'" + df[c].astype(str))
    return out


def write_frame(df: pd.DataFrame, fmt: str, out: Path | None) -> str | None:
    """Write ``df`` as csv/json/parquet to ``out`` (or return the text for stdout)."""
    if fmt == "parquet":
        if out is None:
            raise ValueError("--format parquet needs --out FILE")
        df.to_parquet(out, index=False)
        return None
    if fmt == "csv":
        text = csv_safe(df).to_csv(index=False, date_format="%Y-%m-%d")
    elif fmt == "json":
        text = json.dumps(records(df), ensure_ascii=False, indent=2)
    else:
        raise ValueError(fmt)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
        return None
    return text


def fmt_value(value: float | None, unit: str, lang: str = "en") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    decimals = 0 if unit in ("money", "money_per_day", "count") else 2 if abs(value) < 100 else 1
    text = format_number(value, lang, decimals) + UNIT_SUFFIX.get(unit, "")
    return to_persian_digits(text) if lang == "fa" else text


def kpi_table(df: pd.DataFrame, dims: list[str], names: dict[str, str], title: str = "") -> RichTable:
    t = RichTable(title=title or None, show_lines=False, header_style="bold")
    for col in ["indicator", "period", *dims, "value", "change", "n", "95% interval", "note"]:
        t.add_column(col, justify="right" if col in ("value", "change", "n", "95% interval") else "left")
    for r in df.itertuples(index=False):
        r = r._asdict()
        ci = "" if pd.isna(r["ci_low"]) else \
            f"{fmt_value(r['ci_low'], 'count' if r['unit'] == 'money' else '')}–{fmt_value(r['ci_high'], r['unit'])}"
        # a change of a percentage is in percentage points
        change = "" if pd.isna(r["change"]) else ("+" if r["change"] > 0 else "") + (
            fmt_value(r["change"], "") + " pp" if r["unit"] == "percent" else fmt_value(r["change"], r["unit"]))
        note = r["reason"] or ""
        if r.get("status"):
            note = (note + " " if note else "") + f"target {fmt_value(r['target'], r['unit'])}: {r['status']}"
        t.add_row(names.get(r["kpi"], r["kpi"]), r["period"], *[str(r[d]) for d in dims],
                  fmt_value(r["value"], r["unit"]), change, str(r["n"]), ci, note)
    return t

"""Turning tidy frames into what a person or a script reads: tables, CSV, JSON, Parquet."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
from rich.table import Table as RichTable

from salesscope.cli.failure import choose, writable_file
from salesscope.errors import UsageError
from salesscope.i18n import format_number, to_persian_digits

UNIT_SUFFIX = {
    "en": {"percent": "%", "points_per_hour": " pp/h", "leads_per_hour": " leads/h", "hours": " h",
           "days": " d", "money": "", "money_per_day": "/day", "ratio": "x", "count": ""},
    "fa": {"percent": "٪", "points_per_hour": " واحد درصد در ساعت", "leads_per_hour": " سرنخ در ساعت",
           "hours": " ساعت", "days": " روز", "money": "", "money_per_day": " در روز", "ratio": " برابر",
           "count": ""},
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


FRAME_FORMATS = ("table", "csv", "json", "parquet")


def check_output(fmt: str, out: Path | None, *, list_only: bool = False) -> None:
    """Refuse a format or an output file that cannot work, before any work is done."""
    choose(fmt, ("table", "json") if list_only else FRAME_FORMATS, "--format")
    if fmt == "parquet" and out is None:
        raise UsageError("--format parquet writes a file: add --out FILE.parquet",
                         fa="قالب parquet فایل می‌نویسد: --out FILE.parquet را هم بدهید")
    writable_file(out)


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
    """A value with its unit, enough decimals to be read, in the language's digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    size = abs(value)
    decimals = 0 if unit in ("money", "money_per_day", "count") else \
        4 if size < 0.1 else 3 if size < 1 else 2 if size < 100 else 1
    return format_number(value, lang, decimals) + UNIT_SUFFIX[lang].get(unit, "")


HEADERS = {
    "en": ["indicator", "period", "value", "change", "n", "95% interval", "note"],
    "fa": ["شاخص", "دوره", "مقدار", "تغییر", "n", "بازهٔ ۹۵٪", "توضیح"],
}
STATUS = {"met": {"en": "target met", "fa": "هدف محقق شد"}, "missed": {"en": "target missed", "fa": "هدف محقق نشد"}}
PARTIAL = {"en": "in progress: {days} of {length} days of data", "fa": "ناتمام: {days} روز از {length} روز داده دارد"}
PARTIAL_CHANGE = {"en": "change measured against a partial period", "fa": "تغییر نسبت به دوره‌ای ناتمام سنجیده شده است"}


def coverage_note(r: dict, lang: str) -> str:
    """Why a row's period or its change is not whole ("" when both periods are complete)."""
    if "complete" not in r:
        return ""
    if not r["complete"]:
        length = (pd.Timestamp(r["period_end"]) - pd.Timestamp(r["period_start"])).days + 1
        return PARTIAL[lang].format(days=format_number(r["days_covered"], lang, 0),
                                    length=format_number(length, lang, 0))
    if not r["previous_complete"] and not pd.isna(r["change"]):
        return PARTIAL_CHANGE[lang]
    return ""


def kpi_table(df: pd.DataFrame, dims: list[str], names: dict[str, str], title: str = "",
              lang: str = "en") -> RichTable:
    """The tidy result as a terminal table, in English or Persian."""
    from salesscope.engine.reasons import reason_text

    head = HEADERS[lang]
    t = RichTable(title=title or None, show_lines=False, header_style="bold")
    for col in [head[0], head[1], *dims, *head[2:]]:
        t.add_column(col, justify="right" if col in head[2:6] else "left")
    for r in df.itertuples(index=False):
        r = r._asdict()
        unit = r["unit"]
        ci = "" if pd.isna(r["ci_low"]) else \
            f"{fmt_value(r['ci_low'], 'count' if unit == 'money' else '', lang)}–{fmt_value(r['ci_high'], unit, lang)}"
        # a change of a percentage is in percentage points
        change = "" if pd.isna(r["change"]) else ("+" if r["change"] > 0 else "") + (
            fmt_value(r["change"], "", lang) + (" pp" if lang == "en" else " واحد درصد") if unit == "percent"
            else fmt_value(r["change"], unit, lang))
        note = " · ".join(x for x in (reason_text(r["reason"], lang), coverage_note(r, lang)) if x)
        if r.get("status"):
            note = (note + " · " if note else "") + \
                f"{STATUS[r['status']][lang]} ({fmt_value(r['target'], unit, lang)})"
        period = to_persian_digits(r["period"]).replace("−", "-") if lang == "fa" else r["period"]
        n = format_number(r["n"], lang, 0)
        t.add_row(names.get(r["kpi"], r["kpi"]), period, *[str(r[d]) for d in dims],
                  fmt_value(r["value"], unit, lang), change, n, ci, note)
    return t

"""Turning tidy frames into what a person or a script reads: tables, CSV, JSON, Parquet."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from salesscope import locale
from salesscope.cli.failure import choose, writable_file
from salesscope.cli.screen import Grid
from salesscope.errors import UsageError
from salesscope.formatting import change_text, digits, interval_text, number, rounded, value_text
from salesscope.locale import Text

if TYPE_CHECKING:
    import pandas as pd


def records(df: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: ISO dates, null for undefined (never NaN or infinity)."""
    import pandas as pd

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
            clean[k] = rounded(v)
        out.append(clean)
    return out


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with '; numbers without binary
    noise (``52300.00000000002`` is written ``52300.0``)."""
    import pandas as pd

    out = df
    for c in df.columns:
        if pd.api.types.is_float_dtype(df[c]):
            out = out.copy() if out is df else out
            out[c] = df[c].map(rounded)
            continue
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
        raise UsageError(Text("error.cli.parquet_needs_out"))
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


# Column keys whose heading is named differently in the catalogue (cli.<word>).
HEADING = {"kpi": "indicator", "ci": "interval"}
OPTIONS = {"every": "--all", "range": "--from/--to", "wide": "--wide"}


def heading(key: str, lang: str) -> str:
    """A column heading: a column of the table, or a dimension's name."""
    word = HEADING.get(key, key)
    return locale.text(f"cli.{word}", lang) if locale.has(f"cli.{word}") else locale.label(locale.word("dim", key, lang))


def coverage_note(r: dict, lang: str) -> str:
    """Why a row's period or its change is not whole ("" when both periods are complete)."""
    if "complete" not in r:
        return ""
    import pandas as pd

    if not r["complete"]:
        length = (pd.Timestamp(r["period_end"]) - pd.Timestamp(r["period_start"])).days + 1
        return locale.text("cli.partial", lang, days=number(r["days_covered"], lang, "count"),
                                    length=number(length, lang, "count"))
    if not r["previous_complete"] and not pd.isna(r["change"]):
        return locale.text("cli.partial_change", lang)
    return ""


def last_complete(df: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The rows of the last complete period (the last period when none is complete) and its label."""
    if df.empty:
        return df, None
    whole = df[df["complete"].astype(bool)] if "complete" in df.columns else df
    pick = whole if len(whole) else df
    last = pick["period_start"].max()
    rows = df[df["period_start"] == last]
    return rows, str(rows["period"].iloc[0])


def kpi_grids(df: pd.DataFrame, dims: list[str], names: dict[str, str], *, lang: str = "en",
              currency: str = "", period: str | None = None) -> list[Grid]:
    """The tidy result as terminal grids: one, or with breakdowns one per indicator (so that 80
    columns hold them); ``period`` given: one period, named in the title."""
    if not dims:
        title = locale.text("cli.indicators_for", lang, period=digits(period, lang)) if period else ""
        return [_grid(df, dims, names, lang, currency, period, title, with_kpi=True)]
    when = f" · {digits(period, lang)}" if period else ""
    return [_grid(part, dims, names, lang, currency, period, names.get(kpi, kpi) + when, with_kpi=False)
            for kpi, part in df.groupby("kpi", sort=False)]


def _grid(df: pd.DataFrame, dims: list[str], names: dict[str, str], lang: str, currency: str,
          period: str | None, title: str, *, with_kpi: bool) -> Grid:
    from salesscope.engine.reasons import reason_text

    keys = [*(["kpi"] if with_kpi else []), *([] if period else ["period"]), *dims,
            "value", "change", "n", "ci", "note"]
    grid = Grid([heading(k, lang) for k in keys], lang=lang, title=title,
                numeric={i for i, k in enumerate(keys) if k in ("value", "change", "n", "ci")})
    for r in df.to_dict(orient="records"):
        unit = r["unit"]
        note = " · ".join(x for x in (reason_text(r["reason"], lang), coverage_note(r, lang)) if x)
        if r.get("status"):
            note = (note + " · " if note else "") + \
                f"{locale.text('status.' + r['status'], lang)} ({value_text(r['target'], unit, lang, currency)})"
        grid.add(*([names.get(r["kpi"], r["kpi"])] if with_kpi else []), *([] if period else [digits(r["period"], lang)]),
                 *[r[d] for d in dims], value_text(r["value"], unit, lang, currency),
                 change_text(r["change"], unit, lang, currency), number(r["n"], lang, "count"),
                 interval_text(r["ci_low"], r["ci_high"], unit, lang, currency), note)
    return grid

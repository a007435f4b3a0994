"""The report as a workbook: one sheet of tidy results per funnel stage, plus funnel, advice, data quality."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from salesscope import locale
from salesscope.advice.frames import where
from salesscope.formatting import evidence_words, excel_format, rounded
from salesscope.report import outlook
from salesscope.report.builder import ReportData
from salesscope.report.texts import is_missing, t

TIDY = ["kpi", "period", "period_start", "period_end", "value", "unit", "numerator", "denominator", "n",
        "ci_low", "ci_high", "previous_value", "change", "reason", "target", "status", "complete", "days_covered"]
NUMERIC = {"value", "numerator", "denominator", "n", "ci_low", "ci_high", "previous_value", "change", "target",
           "days_covered"}
DATES = {"period_start", "period_end"}
# Excel (and LibreOffice) run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@")
# Columns that are counts whatever the indicator's unit: a win rate's numerator counts won deals.
COUNTS = {"n", "days_covered", "numerator", "denominator"}


class _Writer:
    """Writes typed cells: numbers as numbers, dates as dates, user text never as a formula."""

    def __init__(self, book: xlsxwriter.Workbook, rtl: bool, currency: str = "") -> None:
        self.book, self.rtl, self.currency = book, rtl, currency
        self.header = book.add_format({"bold": True, "bg_color": "#F3F4F6", "bottom": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.text = book.add_format({})
        self.quoted = book.add_format({"quote_prefix": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._formats: dict[str, Any] = {}

    def sheet(self, name: str) -> Any:
        ws = self.book.add_worksheet(name[:31])
        if self.rtl:
            ws.right_to_left()
        return ws

    def string(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        text = "" if is_missing(value) else str(value)
        if not text:
            ws.write_blank(r, c, None)
        elif text.startswith(FORMULA_START):
            ws.write_string(r, c, text, self.quoted)  # stored as text, shown as typed, never evaluated
        else:
            ws.write_string(r, c, text, fmt or self.text)

    def number(self, ws: Any, r: int, c: int, value: Any, unit: str = "", change: bool = False) -> None:
        """A number cell, rounded to its precision, shown in its unit's format."""
        if is_missing(value):
            ws.write_blank(r, c, None)
            return
        fmt = excel_format(unit, self.currency, change=change, value=value, lang="fa" if self.rtl else "en")
        if fmt not in self._formats:
            self._formats[fmt] = self.book.add_format({"num_format": fmt})
        ws.write_number(r, c, rounded(float(value)), self._formats[fmt])

    def when(self, ws: Any, r: int, c: int, value: Any, with_time: bool = False) -> None:
        if is_missing(value):
            ws.write_blank(r, c, None)
            return
        ts = pd.Timestamp(value)
        ws.write_datetime(r, c, ts.to_pydatetime() if with_time else dt.datetime.combine(ts.date(), dt.time()),
                          self.datetime if with_time else self.date)

    def table(self, ws: Any, headers: list[str], rows: int, widths: list[int]) -> None:
        for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(0, c, h, self.header)
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(rows, 1), len(headers) - 1)


def _stage_frame(data: ReportData, ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    frames = [data.kpis[data.kpis["kpi"].isin(ids)]]
    dims: list[str] = []
    for dim, frame in data.breakdowns.items():
        part = frame[frame["kpi"].isin(ids)]
        if len(part):
            frames.append(part)
            dims.append(dim)
    return pd.concat(frames, ignore_index=True), dims


def write_xlsx(data: ReportData, out: Path) -> Path:
    """Write the workbook to ``out``."""
    lang = data.lang
    names = {i.id: i for i in data.indicators}
    book = xlsxwriter.Workbook(str(out), {"nan_inf_to_errors": False})
    w = _Writer(book, rtl=locale.is_rtl(lang), currency=data.currency)
    for stage, infos in data.stages() if "indicators" in data.sections else ():
        frame, dims = _stage_frame(data, [i.id for i in infos])
        headers = ["indicator", *TIDY[:4], *dims, *TIDY[4:]]
        ws = w.sheet(locale.word("stage", stage, lang))
        w.table(ws, headers, len(frame), [30, 20, 10, 12, 12, *[14] * len(dims), *[12] * 9, 24, 10, 9, 10, 12])
        for r, row in enumerate(frame.itertuples(index=False), start=1):
            rec = row._asdict()
            info = names.get(rec["kpi"])
            unit = str(rec.get("unit") or "")
            w.string(ws, r, 0, info.name(lang) if info else rec["kpi"])
            for c, col in enumerate(headers[1:], start=1):
                v = rec.get(col)
                if col in DATES:
                    w.when(ws, r, c, v)
                elif col in NUMERIC:
                    w.number(ws, r, c, v, "count" if col in COUNTS else unit,
                             change=col == "change")
                elif col == "complete":
                    ws.write_boolean(r, c, bool(v))
                else:
                    w.string(ws, r, c, v)
    if "funnel" in data.sections:
        _funnel_sheet(w, data)
    outlook.xlsx_sheets(w, data.outlook, lang)
    if "advice" in data.sections:
        _advice_sheet(w, data)
    if "quality" in data.sections:
        _quality_sheet(w, data)
    book.close()
    return out


def _funnel_sheet(w: _Writer, data: ReportData) -> None:
    if data.funnel is None or data.funnel.empty:
        return
    ws = w.sheet(t("funnel", data.lang))
    cols = [c for c in data.funnel.columns]
    w.table(ws, cols, len(data.funnel), [12] * len(cols))
    for r, row in enumerate(data.funnel.itertuples(index=False), start=1):
        for c, col in enumerate(cols):
            v = getattr(row, col)
            if col in DATES:
                w.when(ws, r, c, v)
            elif col in ("count",):
                w.number(ws, r, c, v, "count")
            elif col in ("conversion", "drop_off"):
                w.number(ws, r, c, v, "percent")
            elif col == "note":
                w.string(ws, r, c, locale.word("funnel", v, data.lang) if isinstance(v, str) and v else "")
            else:
                w.string(ws, r, c, v)


def _advice_sheet(w: _Writer, data: ReportData) -> None:
    lang = data.lang
    ws = w.sheet(t("advice_sheet", lang))
    headers = ["rank", "kind", "kpi", "indicator", "period", "dimensions", "advice", "confidence",
               "evidence", "advice_en", "advice_fa"]
    items = data.findings or []
    w.table(ws, headers, len(items), [6, 10, 18, 28, 10, 22, 70, 11, 40, 50, 50])
    names = {i.id: i for i in data.indicators}
    for r, f in enumerate(items, start=1):
        ws.write_number(r, 0, r)
        info = names.get(f.get("kpi", ""))
        dims = where({k: v for k, v in (f.get("dimensions") or {}).items() if not is_missing(v)})[lang]
        ev = f.get("evidence") or {}
        words = "; ".join(f"{k}: {v}" for k, v in evidence_words(ev, str(ev.get("unit") or ""), lang, data.currency))
        cells = [f.get("kind"), f.get("kpi"), info.name(lang) if info else f.get("kpi"),
                 f.get("period"), dims,
                 f.get(f"advice_{lang}") or f.get("advice_en"),
                 locale.word("confidence", f.get("confidence", ""), lang), words, f.get("advice_en"), f.get("advice_fa")]
        for c, v in enumerate(cells, start=1):
            w.string(ws, r, c, v, w.wrap if headers[c].startswith("advice") else None)


def _quality_sheet(w: _Writer, data: ReportData) -> None:
    lang = data.lang
    q = data.quarantine if data.quarantine is not None else pd.DataFrame(columns=["table", "reason", "rows"])
    ws = w.sheet(t("data_quality", lang))
    w.table(ws, ["table", "reason", "rows"], len(q), [16, 60, 10])
    for r, row in enumerate(q.itertuples(index=False), start=1):
        w.string(ws, r, 0, row.table)
        w.string(ws, r, 1, row.reason)
        w.number(ws, r, 2, row.rows, "count")

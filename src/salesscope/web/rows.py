"""Record-level lookups for the dashboard: dimension values and the rows behind a number.

Both are answered by the engine's facts on the workspace's backend, inside the reader's scope. The
rows come one page at a time, sorted and searched on the server, with their columns named and
their cells written in the reader's language and calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from salesscope import formatting, locale
from salesscope.engine import records
from salesscope.errors import QueryError
from salesscope.i18n import Lang, format_date, to_ascii_digits
from salesscope.locale import Text
from salesscope.scope import Scope
from salesscope.web.service import Service, to_records
from salesscope.zoom import Dim, parse_dimension, parse_where

MONEY_COLUMNS = {"amount", "cost", "hourly_cost"}
# A column whose values are words of the catalogue: the section naming them.
WORD_COLUMNS = {"status": "deal_status", "channel": "channel"}
DOWNLOAD_LIMIT = 100_000


def dimension_values(svc: Service, dim: str, scope: Scope) -> list[str]:
    """Distinct values of one dimension that the user may see."""
    dimension = parse_dimension(dim)
    return svc.cached(("dimvalues", dimension, scope), lambda: records.dimension_values(svc.ws, dimension, scope),
                      scope)


def column_label(name: str, lang: Lang) -> str:
    """A record column as a reader names it: the catalogue's word, an attribute's or role's name."""
    if locale.has(f"column.{name}"):
        return locale.text(f"column.{name}", lang)
    if name.startswith("attr_"):
        return name.removeprefix("attr_").replace("_", " ")
    if name.startswith("rep_"):
        return f"{locale.text('dim.rep', lang)} ({name.removeprefix('rep_').replace('_', ' ')})"
    return name.replace("_", " ")


def cell_text(column: str, value: Any, lang: Lang, calendar: str) -> str:
    """One cell as the dashboard shows it: dates in the reader's calendar, numbers through the
    formatter, catalogue words translated, ids as they are."""
    if value is None or (not isinstance(value, str) and formatting.is_missing(value) and not _is_day(value)):
        return formatting.UNDEFINED
    if _is_day(value):
        text = format_date(value, lang, calendar)
        if isinstance(value, dt.datetime) and value.time() != dt.time():
            text += " " + locale.digits(value.strftime("%H:%M"), lang)
        return text
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        whole = float(value).is_integer()
        return formatting.number(float(value), lang, "money" if column in MONEY_COLUMNS else "count" if whole else "")
    section = WORD_COLUMNS.get(column)
    if section and locale.has(f"{section}.{value}"):
        return locale.text(f"{section}.{value}", lang)
    return str(value)


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date)


def _plain(column: str, value: Any, lang: Lang, calendar: str) -> Any:
    """A cell for a downloaded file: words and dates as shown (ASCII digits), numbers as numbers."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if formatting.is_missing(value):
            return ""
        return int(value) if float(value).is_integer() else formatting.rounded(float(value))
    text = cell_text(column, value, lang, calendar)
    return "" if text == formatting.UNDEFINED else to_ascii_digits(text)


def _frame(b: records.Behind) -> list[dict[str, Any]]:
    import pandas as pd

    df = b.rows.astype(object).where(pd.notna(b.rows), None)
    return [{k: (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v) for k, v in r.items()}
            for r in df.to_dict("records")]


def _select(svc: Service, kpi: str, facts: list[str] | None) -> list[Any]:
    catalog = svc.catalog()
    if kpi not in catalog:
        raise QueryError(Text("error.kpi.unknown", kpi=kpi, known=", ".join(catalog), hint=""))
    names = list(catalog[kpi].facts)
    if facts:
        unknown = [f for f in facts if f not in names]
        if unknown:
            raise QueryError(Text("error.kpi.no_table", kpi=kpi, table=unknown[0], options=", ".join(names)))
        names = [f for f in names if f in facts]
    return [svc.ws.model.facts[f] for f in names]


def rows_behind(svc: Service, kpi: str, start: dt.date, end: dt.date, where: Mapping[Dim, str],
                scope: Scope, page: records.Page | None = None, *, lang: Lang = "en",
                calendar: str = "gregorian", facts: list[str] | None = None) -> dict[str, Any]:
    """The input records of an indicator placed in [start, end], filtered and scoped: one page of
    each table, its total, its columns' names and its cells as the reader reads them."""
    page = page or records.Page()
    chosen = _select(svc, kpi, facts)
    filters = dict(parse_where(where))

    def run() -> dict[str, Any]:
        found = records.rows_behind(svc.ws, chosen, start, end, filters, scope, page=page)
        tables = []
        for b in found:
            cols = list(b.rows.columns)
            raw = _frame(b)
            tables.append({
                "fact": b.fact, "table": b.table, "rows": to_records(b.rows), "truncated": b.truncated,
                "reason": b.reason, "total": b.total, "offset": page.offset, "limit": page.limit,
                "columns": [{"id": c, "label": column_label(c, lang)} for c in cols],
                "shown": [[cell_text(c, r[c], lang, calendar) for c in cols] for r in raw],
                # the page's place among all records, as the reader writes numbers
                "display": {k: formatting.number(v, lang, "count") for k, v in
                            {"first": page.offset + 1 if raw else 0, "last": page.offset + len(raw),
                             "total": b.total}.items()}})
        return {"kpi": kpi, "start": start.isoformat(), "end": end.isoformat(), "tables": tables}

    key = ("rows", kpi, start, end, tuple(sorted((str(d), v) for d, v in filters.items())), scope, page, lang,
           calendar, tuple(facts or ()))
    return svc.cached(key, run, scope)


def rows_csv(svc: Service, kpi: str, fact: str, start: dt.date, end: dt.date, where: Mapping[Dim, str],
             scope: Scope, page: records.Page, *, lang: Lang, calendar: str) -> str:
    """Every record of one table as the rows view lists it (sorted and searched), as CSV with the
    reader's headers: words and dates as shown, numbers as numbers."""
    full = records.Page(0, DOWNLOAD_LIMIT, page.sort, page.descending, page.search)
    with svc.reading():
        b = records.rows_behind(svc.ws, _select(svc, kpi, [fact]), start, end, dict(parse_where(where)), scope,
                                page=full)[0]
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets read the file as UTF-8
    w = csv.writer(out)
    cols = list(b.rows.columns)
    w.writerow([column_label(c, lang) for c in cols])
    for r in _frame(b):
        w.writerow([_plain(c, r[c], lang, calendar) for c in cols])
    return out.getvalue()

"""Typed source columns (Parquet dates, times and numbers) read as stored, not as text.

A typed value gives exactly what its text rendering would give through the text parsers, so a
Parquet file and the same data as CSV import alike; the text is rendered only for messages.
"""

from __future__ import annotations

import duckdb

from salesscope.ingest import parse
from salesscope.ingest.mapping import ColumnMap, Mapping
from salesscope.ingest.messages import sql_literal as lit
from salesscope.ingest.readers import q
from salesscope.schema import Kind

TEMPORAL = (Kind.TIMESTAMP, Kind.DATE)
NUMERIC = (Kind.MONEY, Kind.NUMBER, Kind.PROBABILITY)
INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT"}
INEXACT = {"DOUBLE", "FLOAT", "HUGEINT", "UHUGEINT"}
SAFE_SPAN = ("1701-01-01", "9998-12-31")  # typed dates outside it are read as text


def reads_natively(stype: str, kind: Kind, col: ColumnMap, mapping: Mapping | None) -> bool:
    """Whether a source column of stored type ``stype`` feeds a ``kind`` column as stored."""
    if kind in TEMPORAL:
        # A declared format would read the rendered text its own way.
        plain = not parse.date_patterns(mapping.date_format(col) if mapping else None)
        return plain and (stype == "DATE" or stype.startswith("TIMESTAMP"))
    if kind in NUMERIC:
        # A decimal comma would read the rendered decimal point as a thousands separator.
        point = (mapping.decimal(col) if mapping else None) != ","
        return point and (stype in INTEGERS or stype in INEXACT or stype.startswith("DECIMAL"))
    return False


def dates_safe(con: duckdb.DuckDBPyConnection, relation: str, headers: list[str]) -> set[str]:
    """Typed date columns whose every value reads the same as its text would.

    As text, a year 1000-1699 reads as a Jalali date and an infinite or BC value fails; such
    columns take the text path so that typed and text files import alike.
    """
    if not headers:
        return set()
    lo, hi = SAFE_SPAN
    aggs = ", ".join(f"coalesce(bool_and(CAST({q(h)} AS TIMESTAMP) BETWEEN TIMESTAMP {lit(lo)} "
                     f"AND TIMESTAMP {lit(hi)}), TRUE)" for h in headers)
    row = con.execute(f"SELECT {aggs} FROM {relation}").fetchone()
    assert row is not None
    return {h for h, ok in zip(headers, row, strict=True) if ok}


def value_sql(kind: Kind, stype: str | None, s: str, tz: str, percent: bool) -> str:
    """The canonical value of typed source column ``s``, equal to what its text would give."""
    t = stype or ""
    if kind in TEMPORAL:
        # Times with a zone are instants: shown as wall-clock time in the workspace's zone.
        ts = f"timezone({lit(tz)}, {s})" if "TIME ZONE" in t else s
        return f"CAST({ts} AS {'DATE' if kind is Kind.DATE else 'TIMESTAMP'})"
    # Integers and decimals convert exactly (or round as their text does); floats and huge
    # integers go through their shortest text, as the text path reads them.
    exact = t in INTEGERS or (t.startswith("DECIMAL") and _decimal_width(t) <= 18)
    via_text = f"CAST({s} AS VARCHAR)"
    if kind is Kind.MONEY:
        return f"TRY_CAST({s if exact else via_text} AS DECIMAL(18,2))"
    v = s if t == "DOUBLE" else f"CAST({s} AS DOUBLE)" if exact else \
        f"TRY_CAST({via_text} AS DOUBLE)"
    return f"({v} / 100.0)" if percent else v


def _decimal_width(t: str) -> int:
    """The precision of a DECIMAL(w,s) type name."""
    return int(t.partition("(")[2].partition(",")[0] or 18)

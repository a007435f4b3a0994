"""Periods of any grain on the Gregorian or Jalali calendar, as a day -> period table.

No engine has Jalali functions, so bucketing is a join on the date with this small table, built
with ``jdatetime``; the same join works on DuckDB, PostgreSQL and Spark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
import pandas as pd
import pyarrow as pa

from salesscope.vocab import Calendar, Grain

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str


def _jalali(d: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=d)


def _gregorian(y: int, m: int, d: int = 1) -> dt.date:
    return jdatetime.date(y, m, d).togregorian()


def _fiscal(year: int, month: int, fs: int) -> tuple[int, int]:
    """(fiscal year, 0-based month within it); the fiscal year is named by the year it starts in."""
    return (year, month - fs) if month >= fs else (year - 1, month - fs + 12)


def _shift_month(year: int, month: int, add: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + add
    return idx // 12, idx % 12 + 1


def period_of(day: dt.date, grain: Grain, calendar: Calendar = Calendar.GREGORIAN,
              fiscal_start: int = 1) -> Period:
    """The period holding ``day`` (grain and calendar typed: parsed once, where the request came in).

    >>> period_of(dt.date(2024, 3, 20), Grain.MONTH, Calendar.JALALI)
    Period(start=datetime.date(2024, 3, 20), end=datetime.date(2024, 4, 19), label='1403-01')
    """
    fy_prefix = "" if fiscal_start == 1 else "FY"
    if grain is Grain.DAY:
        label = day.isoformat() if calendar is Calendar.GREGORIAN else _jalali(day).strftime("%Y-%m-%d")
        return Period(day, day, label)
    if grain is Grain.WEEK:
        if calendar is Calendar.GREGORIAN:
            start = day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
            iso = start.isocalendar()
            return Period(start, start + 6 * ONE_DAY, f"{iso.year}-W{iso.week:02d}")
        start = day - dt.timedelta(days=(day.weekday() - 5) % 7)  # Persian weeks start on Saturday
        j = _jalali(start)
        week = (j.yday() - 1) // 7 + 1
        return Period(start, start + 6 * ONE_DAY, f"{j.year}-W{week:02d}")
    if calendar is Calendar.GREGORIAN:
        y, m = day.year, day.month
        make: Callable[[int, int, int], dt.date] = dt.date
    else:
        j = _jalali(day)
        y, m = j.year, j.month
        make = _gregorian
    if grain is Grain.MONTH:
        ny, nm = _shift_month(y, m, 1)
        return Period(make(y, m, 1), make(ny, nm, 1) - ONE_DAY, f"{y}-{m:02d}")
    fy, fm = _fiscal(y, m, fiscal_start)
    if grain is Grain.QUARTER:
        q = fm // 3
        sy, sm = _shift_month(fy, fiscal_start, q * 3)
        ey, em = _shift_month(sy, sm, 3)
        return Period(make(sy, sm, 1), make(ey, em, 1) - ONE_DAY, f"{fy_prefix}{fy}-Q{q + 1}")
    if grain is Grain.YEAR:
        ey, em = _shift_month(fy, fiscal_start, 12)
        return Period(make(fy, fiscal_start, 1), make(ey, em, 1) - ONE_DAY, f"{fy_prefix}{fy}")
    raise AssertionError(f"unhandled grain {grain}")


def periods_between(first: dt.date, last: dt.date, grain: Grain, calendar: Calendar,
                    fiscal_start: int = 1) -> list[Period]:
    """Every period overlapping [first, last], in order."""
    out = [period_of(first, grain, calendar, fiscal_start)]
    while out[-1].end < last:
        out.append(period_of(out[-1].end + ONE_DAY, grain, calendar, fiscal_start))
    return out


def shift(p: Period, n: int, grain: Grain, calendar: Calendar, fiscal_start: int = 1) -> Period:
    """The period ``n`` steps before (negative) or after (positive) ``p``."""
    for _ in range(abs(n)):
        p = period_of(p.start - ONE_DAY if n < 0 else p.end + ONE_DAY, grain, calendar, fiscal_start)
    return p


def periods_frame(periods: list[Period]) -> pd.DataFrame:
    """Periods with their neighbours' starts, for previous/next-period joins."""
    df = pd.DataFrame({
        "period_start": [p.start for p in periods],
        "period_end": [p.end for p in periods],
        "period": [p.label for p in periods],
    })
    df["prev_start"] = df["period_start"].shift(1)
    df["next_start"] = df["period_start"].shift(-1)
    return df


def day_table(periods: list[Period]) -> pa.Table:
    """One row per day of the periods: ``day`` -> ``period_start`` (both date32)."""
    days: list[dt.date] = []
    starts: list[dt.date] = []
    for p in periods:
        n = (p.end - p.start).days + 1
        days.extend(p.start + i * ONE_DAY for i in range(n))
        starts.extend([p.start] * n)
    return pa.table({"day": pa.array(days, pa.date32()), "period_start": pa.array(starts, pa.date32())})

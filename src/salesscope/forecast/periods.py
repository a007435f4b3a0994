"""Forecast periods: the engine's calendar periods, stepped forward and back, and parsed from labels."""

from __future__ import annotations

import datetime as dt
import re

from salesscope.engine.calendar import ONE_DAY, Period, period_of, shift
from salesscope.errors import QueryError
from salesscope.i18n import to_ascii_digits
from salesscope.locale import Text
from salesscope.vocab import Calendar, Grain

__all__ = ["Period", "period_of", "periods_from", "periods_before", "parse_period", "ONE_DAY"]


def periods_from(day: dt.date, n: int, grain: Grain, calendar: Calendar, fiscal_start: int = 1) -> list[Period]:
    """``n`` consecutive periods, the first one holding ``day``."""
    out = [period_of(day, grain, calendar, fiscal_start)]
    while len(out) < n:
        out.append(shift(out[-1], 1, grain, calendar, fiscal_start))
    return out


def periods_before(day: dt.date, n: int, grain: Grain, calendar: Calendar, fiscal_start: int = 1) -> list[Period]:
    """The ``n`` whole periods just before the one holding ``day``, oldest first."""
    cur = period_of(day, grain, calendar, fiscal_start)
    out: list[Period] = []
    while len(out) < n:
        cur = shift(cur, -1, grain, calendar, fiscal_start)
        out.append(cur)
    return out[::-1]


_LABEL = re.compile(r"^(?:FY)?(\d{4})(?:-(?:Q([1-4])|W(\d{2})|(\d{2})(?:-(\d{2}))?))?$")


def _first_day(y: int, m: int, d: int, calendar: Calendar) -> dt.date:
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    if calendar is Calendar.JALALI:
        import jdatetime

        return jdatetime.date(y, m, d).togregorian()
    return dt.date(y, m, d)


def parse_period(text: str, calendar: Calendar, fiscal_start: int = 1) -> tuple[Period, Grain]:
    """A period label (``2026``, ``2026-Q3``, ``1405-02``, ``2026-W10``, ``2026-07-01``) and its grain.

    >>> parse_period("2026-Q3", Calendar.GREGORIAN)[0].start
    datetime.date(2026, 7, 1)
    """
    cal = calendar
    m = _LABEL.match(to_ascii_digits(str(text).strip()).upper())
    if not m:
        raise QueryError(Text("error.forecast.bad_period", period=text))
    y, q, w, mo, d = m.groups()
    y = int(y)
    try:
        if q:
            grain, first = Grain.QUARTER, _first_day(y, fiscal_start + 3 * (int(q) - 1), 1, cal)
        elif w:
            grain, first = Grain.WEEK, dt.date.fromisocalendar(y, int(w), 1)
        elif d:
            grain, first = Grain.DAY, _first_day(y, int(mo), int(d), cal)
        elif mo:
            if not 1 <= int(mo) <= 12:
                raise ValueError("month must be 1-12")
            grain, first = Grain.MONTH, _first_day(y, int(mo), 1, cal)
        else:
            grain, first = Grain.YEAR, _first_day(y, fiscal_start, 1, cal)
    except ValueError as e:
        raise QueryError(Text("error.forecast.bad_date", period=text, calendar=Text(f"calendar.{cal.value}"), detail=e)) from None
    return period_of(first, grain, cal, fiscal_start), grain

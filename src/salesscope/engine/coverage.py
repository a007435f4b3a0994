"""How much of each period the data covers.

The data's span runs from its first to its last dated record (any canonical table). A period is
complete when it lies wholly inside that span; a period the data reaches only in part (the month
in progress when the export was taken, the first month of a history) says how many of its days
are covered, so that nothing compares it with a whole period as if it were whole.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesscope.engine.calendar import Period

COVERAGE_COLUMNS = ["complete", "days_covered", "previous_complete"]


def days_covered(p: Period, span: tuple[dt.date, dt.date] | None) -> int:
    """Days of ``p`` inside the data's span (both ends inclusive)."""
    if span is None:
        return 0
    first, last = max(p.start, span[0]), min(p.end, span[1])
    return max((last - first).days + 1, 0)


def is_complete(p: Period, span: tuple[dt.date, dt.date] | None) -> bool:
    return days_covered(p, span) == (p.end - p.start).days + 1


def coverage_frame(periods: list[Period], span: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    """One row per period (in order): ``period_start``, ``complete``, ``days_covered`` and
    ``previous_complete`` (whether the period each row's change is measured against is whole)."""
    df = pd.DataFrame({
        "period_start": pd.to_datetime(pd.Series([p.start for p in periods], dtype="object")),
        "complete": [is_complete(p, span) for p in periods],
        "days_covered": [days_covered(p, span) for p in periods],
    })
    df["previous_complete"] = df["complete"].shift(1, fill_value=False).astype(bool)
    return df


def last_complete(periods: list[Period], span: tuple[dt.date, dt.date] | None) -> Period | None:
    """The latest of ``periods`` that the data covers whole (None if none is)."""
    return next((p for p in reversed(periods) if is_complete(p, span)), None)

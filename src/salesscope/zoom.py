"""The zoom of a question: grain, calendar, fiscal-year start, range, breakdown and drill-down filters.

It is parsed once, where a request enters (a command-line option, a query string, a Python call),
into one immutable typed :class:`Zoom` that every surface passes down; nothing below the edge parses
a grain, a calendar or a breakdown again. Each part has one parser, and a bad value is refused with
a message, in English and Persian, that names the value and the choices.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from salesscope.errors import QueryError
from salesscope.locale import Listed, Text
from salesscope.vocab import Calendar, Dimension, Grain

if TYPE_CHECKING:
    from salesscope.config import WorkspaceConfig

E = TypeVar("E", bound=StrEnum)
# What each part is called in messages.
_WHAT = {Grain: "grain", Calendar: "calendar", Dimension: "dimension"}


def _choice(kind: type[E], value: Any) -> E:
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        raise QueryError(Text("error.zoom.bad_choice", what=Text(f"error.zoom.what.{_WHAT[kind]}"), value=value,
                              options=Listed(k.value for k in kind))) from None


def parse_grain(value: Grain | str) -> Grain:
    """>>> parse_grain(" Quarter ")
    <Grain.QUARTER: 'quarter'>
    """
    return _choice(Grain, value)


def parse_calendar(value: Calendar | str) -> Calendar:
    return _choice(Calendar, value)


# A dimension the data declare (the channel label, a free attribute, a rep role): its name as
# stored, lower-case snake case; the engine checks it against the store.
Dim = Dimension | str
_DATA_DIMENSION = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_dimension(value: Dim) -> Dim:
    """A built-in dimension, or the name of one the workspace's data declare.

    >>> parse_dimension("Team"), parse_dimension("segment_size")
    (<Dimension.TEAM: 'team'>, 'segment_size')
    """
    if isinstance(value, Dimension):
        return value
    name = str(value).strip().lower()
    if name in Dimension._value2member_map_:
        return Dimension(name)
    if not _DATA_DIMENSION.match(name):
        raise QueryError(Text("error.zoom.bad_dimension", value=value, options=Listed(d.value for d in Dimension)))
    return name


def parse_by(value: str | Iterable[Dim] | None) -> tuple[Dim, ...]:
    """A breakdown: ``"team,rep"`` or ``["team", "rep"]``; each dimension at most once.

    >>> parse_by("team, rep")
    (<Dimension.TEAM: 'team'>, <Dimension.REP: 'rep'>)
    """
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    names = [str(p).strip() for p in parts if p is not None and str(p).strip()]
    dims = tuple(parse_dimension(p) for p in names)
    if len(set(dims)) != len(dims):
        raise QueryError(Text("error.zoom.twice", by=",".join(names)))
    return dims


def parse_where(value: Mapping[Any, str] | Iterable[str] | None) -> tuple[tuple[Dim, str], ...]:
    """Drill-down filters: ``{"team": "North"}`` or ``["team:North", "channel:email"]``.

    >>> parse_where(["team:North"])
    ((<Dimension.TEAM: 'team'>, 'North'),)
    """
    if value is None:
        return ()
    if isinstance(value, Mapping):
        pairs = [(k, str(v)) for k, v in value.items()]
    else:
        pairs = []
        for item in value:
            dim, sep, val = str(item).partition(":")
            if not sep:
                raise QueryError(Text("error.zoom.bad_filter", item=item))
            pairs.append((dim, val))
    out = {parse_dimension(k): v for k, v in pairs}
    return tuple(out.items())


def parse_day(value: Any, what: str) -> dt.date | None:
    """An ISO or Jalali date as typed (any digits), or a date/datetime; None and "" stay None."""
    from salesscope.typed import parse_date

    if value is None or value == "":
        return None
    return parse_date(value, what)


@dataclass(frozen=True)
class Zoom:
    """How closely to look: periods of ``grain`` on ``calendar`` (years starting in month
    ``fiscal_start``), the days ``start`` to ``end`` (inclusive; None: the data's own span), one row
    per value of the ``by`` dimensions, only the rows matching ``where``."""

    grain: Grain = Grain.MONTH
    calendar: Calendar = Calendar.GREGORIAN
    fiscal_start: int = 1
    start: dt.date | None = None
    end: dt.date | None = None
    by: tuple[Dim, ...] = ()  # built-in dimensions, and the names of those the data declare
    where: tuple[tuple[Dim, str], ...] = ()

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise QueryError(Text("error.zoom.start_after_end", start=self.start, end=self.end))
        if not 1 <= self.fiscal_start <= 12:
            raise QueryError(Text("error.zoom.bad_fiscal_start", month=self.fiscal_start))

    @classmethod
    def parse(cls, *, grain: Grain | str = Grain.MONTH, calendar: Calendar | str | None = None,
              fiscal_start: int | None = None, start: Any = None, end: Any = None,
              by: str | Iterable[Dim] | None = None,
              where: Mapping[Any, str] | Iterable[str] | None = None,
              config: WorkspaceConfig | None = None) -> Zoom:
        """The zoom from the values as typed; the calendar and fiscal start default to ``config``'s."""
        if calendar is None or calendar == "":
            calendar = config.calendar if config is not None else Calendar.GREGORIAN
        if fiscal_start is None:
            fiscal_start = config.fiscal_year_start_month if config is not None else 1
        return cls(grain=parse_grain(grain), calendar=parse_calendar(calendar), fiscal_start=int(fiscal_start),
                   start=parse_day(start, "--from"), end=parse_day(end, "--to"), by=parse_by(by),
                   where=parse_where(where))

    def replace(self, **changes: Any) -> Zoom:
        """This zoom with some parts changed (already typed)."""
        return dataclasses.replace(self, **changes)

    @property
    def filters(self) -> dict[Dim, str]:
        return dict(self.where)

    @property
    def breakdown(self) -> tuple[Dim, ...]:
        """The dimensions an answer is computed by: the filtered ones too, so a filter runs on the
        engine's own rows."""
        return tuple(dict.fromkeys([*(d for d, _ in self.where), *self.by]))

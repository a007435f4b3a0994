"""A validated indicator request: which indicators, at what zoom, over which range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesscope.errors import QueryError
from salesscope.scope import EVERYTHING, Scope
from salesscope.vocab import Calendar, Dimension, Grain

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


def _enum(kind: type, value: Any, what: str):
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        options = ", ".join(k.value for k in kind)
        raise QueryError(f"{what} {value!r} is not valid: expected one of {options}",
                         fa=f"مقدار {value!r} برای {what} معتبر نیست؛ یکی از این‌ها را بدهید: {options}") from None


def parse_day(value: Any, what: str) -> dt.date | None:
    """An ISO or Jalali date as typed (any digits), or a date/datetime; None stays None."""
    from salesscope.typed import parse_date

    if value is None or value == "":
        return None
    return parse_date(value, what)


def split_dims(by: Sequence[str] | str | None) -> tuple[Dimension, ...]:
    if by is None:
        return ()
    parts = [p.strip() for p in (by.split(",") if isinstance(by, str) else by) if p and p.strip()]
    dims = tuple(_enum(Dimension, p, "breakdown") for p in parts)
    if len(set(dims)) != len(dims):
        raise QueryError(f"breakdown {','.join(parts)!r} names a dimension twice",
                         fa=f"تفکیک {','.join(parts)!r} یک بُعد را دو بار آورده است")
    return dims


@dataclass(frozen=True)
class Request:
    ids: tuple[str, ...]
    explicit: bool  # the user named the indicators (an impossible breakdown is then an error)
    grain: Grain
    calendar: Calendar
    fiscal_start: int
    dims: tuple[Dimension, ...]
    start: dt.date | None
    end: dt.date | None
    details: bool = False
    scope: Scope = EVERYTHING

    @classmethod
    def build(cls, ws: Workspace, *, ids: Sequence[str] | str | None = None, grain: str = "month",
              calendar: str | None = None, by: Sequence[str] | str | None = None, start: Any = None,
              end: Any = None, details: bool = False,
              scope: Scope | dict[str, Sequence[str]] | None = None) -> Request:
        known = ws.model.indicators
        if isinstance(ids, str):
            ids = [i for i in ids.split(",") if i.strip()]
        explicit = bool(ids)
        chosen = tuple(i.strip() for i in ids) if ids else tuple(known)
        for i in chosen:
            if i not in known:
                from salesscope.typed import suggestion

                hint_en, hint_fa = suggestion(i, known)
                raise QueryError(f"unknown indicator {i!r}{hint_en}: expected one of {', '.join(known)}",
                                 fa=f"شاخص {i!r} شناخته نیست{hint_fa}؛ شاخص‌های موجود: {', '.join(known)}")
        first, last = parse_day(start, "--from"), parse_day(end, "--to")
        if first and last and first > last:
            raise QueryError(f"--from {first} is after --to {last}",
                             fa=f"تاریخ آغاز ({first}) پس از تاریخ پایان ({last}) است")
        return cls(
            ids=chosen, explicit=explicit, grain=_enum(Grain, grain, "grain"),
            calendar=_enum(Calendar, calendar or ws.config.calendar, "calendar"),
            fiscal_start=ws.config.fiscal_year_start_month, dims=split_dims(by), start=first, end=last,
            details=details, scope=Scope.parse(scope),
        )

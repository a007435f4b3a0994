"""What a person types: numbers, dates and period labels, with Persian or Arabic digits, and Jalali dates.

Every surface where a value is typed (command-line options, API parameters) reads it through
these functions, so ``۲٬۵۰۰٬۰۰۰``, ``1404/12/29`` and ``۱۴۰۴-Q۴`` are understood everywhere.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

import jdatetime

from salesscope.errors import UsageError
from salesscope.i18n import to_ascii_digits
from salesscope.locale import Text

# Years before this are Jalali: the Jalali calendar is now in the 1400s, the Gregorian in the 2000s.
JALALI_BEFORE = 1700
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a mistyped word, if one is close enough."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, candidates: Iterable[str]) -> Text | str:
    """' (did you mean X?)' as a text, or an empty string when nothing is close."""
    guess = did_you_mean(word, candidates)
    return Text("error.did_you_mean", guess=guess) if guess else ""


def ascii_text(value: str) -> str:
    """Persian and Arabic digits (and their separators) as ASCII, surrounding space removed.

    >>> ascii_text(" ۱۴۰۴-Q۴ ")
    '1404-Q4'
    """
    return to_ascii_digits(value).strip()


def parse_number(value: str | float | int, what: str) -> float:
    """A number as typed: any digits, thousands separators, a leading currency-free sign.

    >>> parse_number("۲٬۵۰۰٬۰۰۰", "--target")
    2500000.0
    >>> parse_number("1,250,000.50", "--target")
    1250000.5
    """
    if isinstance(value, (int, float)):
        return float(value)
    text = ascii_text(str(value)).replace("\u2212", "-")
    compact = re.sub(r"[,_\s\u066c\u200c]", "", text)
    if not _NUMBER.match(compact):
        raise UsageError(Text("error.typed.not_a_number", what=what, value=value))
    return float(compact)


def parse_date(value: str | dt.date, what: str) -> dt.date:
    """A day as typed: ISO (``2026-03-31``) or Jalali (``1404/12/29``, ``۱۴۰۴-۱۲-۲۹``).

    >>> parse_date("۱۴۰۵/۰۱/۰۱", "--from")
    datetime.date(2026, 3, 21)
    >>> parse_date("2026-03-31", "--to")
    datetime.date(2026, 3, 31)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = ascii_text(str(value))
    m = _DATE.match(text.split("T")[0].split(" ")[0])
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            if y < JALALI_BEFORE:
                return jdatetime.date(y, mo, d).togregorian()
            return dt.date(y, mo, d)
        except ValueError:
            pass
    raise UsageError(Text("error.typed.not_a_date", what=what, value=value))

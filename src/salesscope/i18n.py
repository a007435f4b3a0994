"""Language helpers shared by every output: digits and dates in the reader's language (numbers are
written by :mod:`salesscope.formatting`)."""

from __future__ import annotations

import datetime as dt

import jdatetime

from salesscope import locale

# A language code with a catalogue in ``salesscope/locale`` (``en``, ``fa``...).
Lang = str

_FA_DIGITS = str.maketrans("0123456789.,-%", "۰۱۲۳۴۵۶۷۸۹٫٬−٪")
# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits, and their separators, to ASCII.
TO_ASCII_DIGITS = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬،", "01234567890123456789.,,"
)


def to_persian_digits(text: str) -> str:
    """>>> to_persian_digits("12.5%")
    '۱۲٫۵٪'
    """
    return str(text).translate(_FA_DIGITS)


def to_ascii_digits(text: str) -> str:
    """>>> to_ascii_digits("۱۴۰۲/۰۵/۱۳")
    '1402/05/13'
    """
    return str(text).translate(TO_ASCII_DIGITS)


def format_date(value: dt.date | None, lang: Lang = "en", calendar: str = "gregorian") -> str:
    """A date in the calendar the user reads: ``1403/01/01`` for Jalali, ISO otherwise."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    if calendar == "jalali":
        j = jdatetime.date.fromgregorian(date=value)
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    else:
        text = value.isoformat()
    return locale.digits(text, lang)

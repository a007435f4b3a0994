"""Value parsing, expressed as DuckDB SQL so that it runs vectorised over millions of rows.

Only what SQL cannot do runs in Python, and then once per DISTINCT value: Jalali dates (their
date part; the time part stays in SQL) and channel labels (``vocab.normalise_channel``).
"""

from __future__ import annotations

import re

import jdatetime

from salesscope.ingest.messages import sql_literal as lit
from salesscope.locale import Digits, Listed, Text

# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII, for translate() in SQL.
DIGITS_FROM = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
DIGITS_TO = "01234567890123456789"

# Currency words and signs, percent signs and invisible or non-breaking spaces around numbers.
NUMBER_NOISE = (
    r"(?i)(\$|€|£|¥|﷼|ریال|تومان|تومن|ر\.س|irr|irt|usd|eur|gbp|aed|try|rials?|tomans?|%|٪|"
    r"\s|\x{00a0}|\x{200c}|\x{200e}|\x{200f}|\x{202f})"
)
# A time with an explicit UTC offset or Z at the end: converted to the workspace's zone.
OFFSET_RE = r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$"
# A time given to the minute just before its offset.
MINUTES_RE = r"([T ][0-9]{1,2}:[0-9]{2})(\s*[zZ+-])"
# A Jalali date part (year 1000-1699) at the start of a value.
JALALI_RE = r"^1[0-6][0-9]{2}[/\-.][0-9]{1,2}[/\-.][0-9]{1,2}"
# d/m/Y or m/d/Y: cannot be read without knowing the order.
SLASHED_RE = r"^[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}([ T].*)?$"

_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", "T%H:%M", "T%H:%M:%S")
_DAYFIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d.%m.%y")
_MONTHFIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y")


def date_patterns(fmt: str | list[str] | None) -> list[str]:
    """strftime patterns a declared format stands for (none: ISO and Jalali only)."""
    if fmt is None or fmt in ("iso", "auto", "jalali"):
        return []
    if fmt == "dayfirst":
        return [d + t for d in _DAYFIRST for t in _TIMES]
    if fmt == "monthfirst":
        return [d + t for d in _MONTHFIRST for t in _TIMES]
    return [fmt] if isinstance(fmt, str) else list(fmt)


def expected_date(fmt: str | list[str] | None) -> Text:
    """What a date should look like, for error texts."""
    if fmt in ("dayfirst", "monthfirst", "jalali"):
        return Text(f"importing.expected_date.{fmt}")
    pats = date_patterns(fmt)
    if pats:
        return Text("importing.expected_date.format", formats=Listed(pats[:3], Text("meta.or")))
    return Text("importing.expected_date.any")


def digits_sql(expr: str) -> str:
    """Persian and Arabic digits to ASCII."""
    # translate() is slow on every value; most values are plain ASCII and skip it.
    return (f"(CASE WHEN regexp_matches({expr}, {lit('[' + DIGITS_FROM + ']')}) "
            f"THEN translate({expr}, {lit(DIGITS_FROM)}, {lit(DIGITS_TO)}) ELSE {expr} END)")


# A separator followed by other than three digits, or a comma after dot-grouped thousands, can only
# be a decimal separator: "12,5" and "1.234,5" use a decimal comma, "0.3" and "1,234.5" a point.
DECIMAL_COMMA_RE = r"^[-+(]?([0-9]*,([0-9]{1,2}|[0-9]{4,})|[0-9]{1,3}(\.[0-9]{3})+,[0-9]+)\)?$"
DECIMAL_POINT_RE = r"^[-+(]?([0-9]*\.([0-9]{1,2}|[0-9]{4,})|[0-9]{1,3}(,[0-9]{3})+\.[0-9]+)\)?$"


def number_clean_sql(expr: str) -> str:
    """Text of a number with digits, currency and noise cleaned; separators still as written."""
    x = (f"(CASE WHEN regexp_matches({expr}, {lit('[' + DIGITS_FROM + '٫٬،]')}) THEN translate("
         f"{expr}, {lit(DIGITS_FROM + '٫٬،')}, {lit(DIGITS_TO + '.,,')}) ELSE {expr} END)")
    return f"regexp_replace({x}, {lit(NUMBER_NOISE)}, '', 'g')"


def separators_sql(x: str, decimal: str) -> str:
    """Cleaned number text (:func:`number_clean_sql`) ready to CAST, for a decimal separator.

    ``decimal`` is ``"."`` or ``","`` when the mapping or the whole column says which, and
    ``"auto"`` for a column that mixes both: each value whose comma can only be decimal ("12,5")
    reads it so, any other comma groups thousands. A value is never read ten times off.
    """
    comma = f"replace(replace({x}, '.', ''), ',', '.')"
    point = f"replace({x}, ',', '')"
    if decimal == ",":
        x = comma
    elif decimal == ".":
        x = point
    else:
        x = f"(CASE WHEN regexp_matches({x}, {lit(DECIMAL_COMMA_RE)}) THEN {comma} ELSE {point} END)"
    # Accounting notation: (1,200) is -1200.
    return f"(CASE WHEN {x} LIKE '(%)' THEN '-' || trim({x}, '()') ELSE {x} END)"


def decimal_comma_column_sql(x: str) -> str:
    """Aggregate: whether a column of cleaned number texts writes its decimals with a comma.

    True when some value can only have a decimal comma and none can only have a decimal point;
    then "1,234" in that column is 1.234, as its other values say.
    """
    return (f"(coalesce(bool_or(regexp_matches({x}, {lit(DECIMAL_COMMA_RE)})), FALSE) AND NOT "
            f"coalesce(bool_or(regexp_matches({x}, {lit(DECIMAL_POINT_RE)})), FALSE))")


def timestamp_sql(expr: str, tz: str, fmt: str | list[str] | None) -> str:
    """A TIMESTAMP from text: offsets converted to ``tz``, naive values kept as local."""
    # DuckDB wants seconds before an offset: 10:00+03:30 becomes 10:00:00+03:30.
    with_seconds = f"regexp_replace({expr}, {lit(MINUTES_RE)}, '\\1:00\\2')"
    iso = (f"(CASE WHEN regexp_matches({expr}, {lit(OFFSET_RE)}) "
           f"THEN timezone({lit(tz)}, TRY_CAST({with_seconds} AS TIMESTAMPTZ)) "
           f"ELSE TRY_CAST({expr} AS TIMESTAMP) END)")
    pats = date_patterns(fmt)
    if not pats:
        # DuckDB reads 1/2/24 as 0001-02-24: a d/m/y or m/d/y value is never guessed.
        return f"(CASE WHEN regexp_matches({expr}, {lit(SLASHED_RE)}) THEN NULL ELSE {iso} END)"
    plist = "[" + ", ".join(lit(p) for p in pats) + "]"
    return f"coalesce(try_strptime({expr}, {plist}), {iso})"


def jalali_key_sql(expr: str) -> str:
    """The Jalali date part of a value, or '' when it has none."""
    return f"regexp_extract({expr}, {lit(JALALI_RE)}, 0)"


def jalali_to_iso(key: str) -> tuple[str | None, Text | None]:
    """A Jalali date part as (ISO date, None), or (None, what is wrong with it).

    >>> jalali_to_iso("1402/05/13")
    ('2023-08-04', None)
    >>> str(jalali_to_iso("1402/13/40")[1])
    'month 1-12'
    """
    y, m, d = (int(p) for p in re.split(r"[/\-.]", key))
    if not 1 <= m <= 12:
        return None, Text("importing.jalali.month")
    leap = jdatetime.date(y, 1, 1).isleap()
    days = 31 if m <= 6 else 30 if m <= 11 else (30 if leap else 29)
    if not 1 <= d <= days:
        return None, Text("importing.jalali.day", days=Digits(days), month=Text(f"jalali_month.{m}"),
                          year=Digits(y))
    return jdatetime.date(y, m, d).togregorian().isoformat(), None


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("_", " ").replace("-", " ").replace("\u200c", " ").split())


STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "won": ("won", "closed won", "closedwon", "win", "success", "successful", "موفق", "برنده",
            "برد", "بسته شده موفق", "فروش موفق"),
    "lost": ("lost", "closed lost", "closedlost", "lose", "failed", "ناموفق", "از دست رفته",
             "شکست", "باخت", "بازنده", "بسته شده ناموفق", "لغو شده"),
    "open": ("open", "in progress", "active", "pending", "باز", "جاری", "در جریان", "فعال",
             "در حال پیگیری"),
}
PURPOSE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "prospecting": ("prospecting", "prospect", "مشتری یابی", "مشتریابی", "بازاریابی"),
    "lead_generation": ("lead generation", "leadgen", "lead gen", "تولید سرنخ", "سرنخ یابی",
                        "جذب سرنخ"),
    "selling": ("selling", "sales", "sale", "فروش"),
    "other": ("other", "سایر", "دیگر", "غیره"),
}


def vocabulary_sql(expr: str, synonyms: dict[str, tuple[str, ...]]) -> str:
    """A closed-vocabulary value from common spellings; NULL when unknown."""
    key = (f"trim(regexp_replace(lower(translate({expr}, chr(8204) || 'يكى', ' یکی')), "
           "'[\\s_\\-]+', ' ', 'g'))")
    whens = " ".join(
        f"WHEN {key} IN ({', '.join(lit(_norm(s)) for s in spellings)}) THEN {lit(value)}"
        for value, spellings in synonyms.items()
    )
    return f"(CASE {whens} ELSE NULL END)"


def value_map_sql(expr: str, values: dict[str, str | None]) -> str:
    """Apply a mapping's ``values:`` (case-insensitive; ``*`` is a wildcard); others pass."""
    whens = []
    for key, out in values.items():
        k = key.strip().lower()
        target = "NULL" if out is None else lit(str(out))
        if "*" in k:
            pattern = k.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            whens.append(f"WHEN lower({expr}) LIKE {lit(pattern.replace('*', '%'))} ESCAPE '\\' "
                         f"THEN {target}")
        else:
            whens.append(f"WHEN lower({expr}) = {lit(k)} THEN {target}")
    return f"(CASE WHEN {expr} IS NULL THEN NULL {' '.join(whens)} ELSE {expr} END)"

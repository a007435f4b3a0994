"""Reason codes for rejected rows and their texts in English and Persian.

Each template uses ``{name}`` placeholders. The importer fills them inside DuckDB (see
:func:`sql_text`) so that a million rejections cost one query, not a Python loop.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a row was rejected; stored as ``reason_code`` in the quarantine."""

    BAD_DATE = "bad_date"
    AMBIGUOUS_DATE = "ambiguous_date"
    BAD_JALALI_DATE = "bad_jalali_date"
    BAD_NUMBER = "bad_number"
    NEGATIVE = "negative"
    PROBABILITY_RANGE = "probability_range"
    MISSING_VALUE = "missing_value"
    MISSING_CLOSE_DATE = "missing_close_date"
    ORDER = "order"
    DUPLICATE_KEY = "duplicate_key"
    DANGLING_REFERENCE = "dangling_reference"
    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_PURPOSE = "unknown_purpose"
    OUTSIDE_SCOPE = "outside_scope"
    STORED_OUTSIDE_SCOPE = "stored_outside_scope"
    REFERENCE_OUTSIDE_SCOPE = "reference_outside_scope"


REASONS: dict[Reason, tuple[str, str]] = {
    Reason.BAD_DATE: (
        "not a valid date ({expected})",
        "تاریخ معتبر نیست ({expected})",
    ),
    Reason.AMBIGUOUS_DATE: (
        "ambiguous date: day and month cannot be told apart "
        "(declare format: dayfirst or monthfirst in a mapping file)",
        "تاریخ مبهم است: روز و ماه از هم قابل تشخیص نیستند "
        "(در فایل نگاشت format: dayfirst یا monthfirst را تعیین کنید)",
    ),
    Reason.BAD_JALALI_DATE: (
        "not a valid Jalali date ({detail})",
        "تاریخ شمسی معتبر نیست ({detail_fa})",
    ),
    Reason.BAD_NUMBER: (
        "not a number (expected digits like 1250000 or 1,250,000.50)",
        "عدد نیست (نمونهٔ درست: 1250000 یا 1,250,000.50)",
    ),
    Reason.NEGATIVE: (
        "must not be negative",
        "نباید منفی باشد",
    ),
    Reason.PROBABILITY_RANGE: (
        "probability must be between 0 and 1, or between 0 and 100 in percent",
        "احتمال باید بین ۰ و ۱ یا بین ۰ و ۱۰۰ درصد باشد",
    ),
    Reason.MISSING_VALUE: (
        "a value is required",
        "مقدار این ستون الزامی است",
    ),
    Reason.MISSING_CLOSE_DATE: (
        "a {status} deal needs a close date",
        "معاملهٔ {status_fa} باید تاریخ بسته‌شدن داشته باشد",
    ),
    Reason.ORDER: (
        "is before {earlier} ('{earlier_value}')",
        "پیش از {earlier} ('{earlier_value}') است",
    ),
    Reason.DUPLICATE_KEY: (
        "duplicate {key}: first seen at {first}",
        "{key} تکراری است: نخستین بار در {first} آمده است",
    ),
    Reason.DANGLING_REFERENCE: (
        "no row in {target} has {target_key} '{value}' (stored or in this import)",
        "در جدول {target} ردیفی با {target_key} برابر '{value}' نیست (نه در انبار و نه در این ورود)",
    ),
    Reason.UNKNOWN_STATUS: (
        "unknown status (expected won, lost or open; map other spellings under values: "
        "in a mapping file)",
        "وضعیت ناشناخته است (مقدار مجاز: won، lost یا open؛ املای دیگر را در values: فایل نگاشت "
        "تعریف کنید)",
    ),
    Reason.UNKNOWN_PURPOSE: (
        "unknown purpose (expected prospecting, lead_generation, selling or other)",
        "هدف ناشناخته است (مقدار مجاز: prospecting، lead_generation، selling یا other)",
    ),
    Reason.OUTSIDE_SCOPE: (
        "the row belongs to rep '{value}', outside what you may change ({scope}); "
        "only an admin can import it",
        "این ردیف متعلق به فروشندهٔ '{value}' و خارج از محدودهٔ شما ({scope_fa}) است؛ "
        "فقط مدیر سامانه می‌تواند آن را وارد کند",
    ),
    Reason.STORED_OUTSIDE_SCOPE: (
        "{key} '{value}' is already stored for someone outside what you may change ({scope}); "
        "only an admin can change it",
        "{key} '{value}' پیش‌تر برای کسی خارج از محدودهٔ شما ({scope_fa}) ثبت شده است؛ "
        "فقط مدیر سامانه می‌تواند آن را تغییر دهد",
    ),
    Reason.REFERENCE_OUTSIDE_SCOPE: (
        "refers to {target} '{value}', which belongs to someone outside what you may change "
        "({scope})",
        "به {target} '{value}' اشاره می‌کند که متعلق به کسی خارج از محدودهٔ شما ({scope_fa}) است",
    ),
}

STATUS_FA = {"won": "موفق", "lost": "ناموفق", "open": "باز"}

# Texts of the summary a user reads, in both languages.
LABELS: dict[str, tuple[str, str]] = {
    "table": ("table", "جدول"),
    "read": ("read", "خوانده"),
    "loaded": ("loaded", "بارگذاری‌شده"),
    "rejected": ("rejected", "ردشده"),
    "quarantine": ("Rejected rows", "ردیف‌های ردشده"),
    "title": ("Import", "ورود داده"),
    "strict": (
        "{n} rows rejected: nothing was loaded (--strict)",
        "{n} ردیف رد شد: چیزی بارگذاری نشد (--strict)",
    ),
}


def sql_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_text(reason: Reason, lang: int, **params: str) -> str:
    """A SQL expression building the reason text; params are SQL expressions.

    >>> sql_text(Reason.NEGATIVE, 0)
    "'must not be negative'"
    """
    template = REASONS[reason][lang]
    parts: list[str] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            parts.append(sql_literal(before))
        parts.append(f"coalesce(CAST({params[name]} AS VARCHAR), '')")
    if rest:
        parts.append(sql_literal(rest))
    return " || ".join(parts) if parts else "''"


def text(reason: Reason, lang: int = 0, **params: str) -> str:
    """The reason text in Python (for file-level messages and tests)."""
    return REASONS[reason][lang].format(**params)

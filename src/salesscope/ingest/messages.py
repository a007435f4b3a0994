"""Reason codes for rejected rows, and the import's messages.

Their words are in the locale catalogues: ``reject.<reason code>`` for a rejected row,
``importing.<key>`` for the rest. A rejection's text is filled inside DuckDB, in every language
(see :func:`sql_text`), so that a million rejections cost one query, not a Python loop.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from salesscope import locale
from salesscope.locale import Text
from salesscope.schema import TABLES, Kind, Table


class Reason(StrEnum):
    """Why a row was rejected; stored as ``reason_code`` in the quarantine."""

    BAD_DATE = "bad_date"
    AMBIGUOUS_DATE = "ambiguous_date"
    BAD_JALALI_DATE = "bad_jalali_date"
    BAD_NUMBER = "bad_number"
    NEGATIVE = "negative"
    PROBABILITY_RANGE = "probability_range"
    AMBIGUOUS_PROBABILITY = "ambiguous_probability"
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
    CELL_ERROR = "cell_error"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    NOT_FOUND = "not_found"


# A SQL expression, or one per language (a word the reader's language spells its own way).
SqlParam = str | Callable[[str], str]


def column_purpose(table: str, column: str) -> Text:
    """Why a table needs a column."""
    spec = TABLES[Table(table)]
    col = spec.column(column)
    if spec.has_id and column == spec.key[0]:
        return purpose("id")
    if col.kind in (Kind.TIMESTAMP, Kind.DATE):
        return purpose("time")
    for key in ("status", "channel", "name", "amount", "hours", "rep_id"):
        if column == key:
            return purpose(key)
    return purpose("other")


def purpose(key: str) -> Text:
    """Why a column is needed: ``id``, ``time``, ``status``... ``when``."""
    return Text(f"importing.purpose.{key}")


def say(key: str, **params: object) -> Text:
    """One of the import's messages, its placeholders filled."""
    return Text(f"importing.{key}", **params)


def sql_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def reason_columns() -> list[str]:
    """The columns holding a rejection's text, one per language: ``reason`` (English), then
    ``reason_<lang>`` (``reason_fa``)."""
    return [reason_column(lang) for lang in locale.languages()]


def reason_column(lang: str) -> str:
    return "reason" if lang == locale.DEFAULT else f"reason_{lang}"


def sql_texts(reason: Reason, **params: SqlParam) -> str:
    """The reason's text in every language (as :func:`reason_columns` lists them), as SQL."""
    return ", ".join(sql_text(reason, lang, **params) for lang in locale.languages())


def sql_text(reason: Reason, lang: str, **params: SqlParam) -> str:
    """A SQL expression building the reason text in ``lang``; params are SQL expressions.

    >>> sql_text(Reason.NEGATIVE, "en")
    "'must not be negative'"
    """
    return sql_format(locale.template(f"reject.{reason.value}", lang), lang, **params)


def sql_words(expr: str, group: str, values: list[str]) -> Callable[[str], str]:
    """SQL naming a vocabulary value (``won``) in the reader's words (``status.won``)."""
    def in_lang(lang: str) -> str:
        whens = " ".join(f"WHEN {sql_literal(v)} THEN {sql_literal(locale.text(f'{group}.{v}', lang))}"
                         for v in values)
        return f"(CASE {expr} {whens} ELSE {expr} END)"
    return in_lang


def sql_format(template: str, lang: str, **params: SqlParam) -> str:
    """A SQL expression filling a ``{name}`` template with SQL expressions."""
    parts: list[str] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            parts.append(sql_literal(before))
        param = params[name]
        expr = param(lang) if callable(param) else param
        parts.append(f"coalesce(CAST({expr} AS VARCHAR), '')")
    if rest:
        parts.append(sql_literal(rest))
    return " || ".join(parts) if parts else "''"


def text(reason: Reason, lang: str = locale.DEFAULT, **params: object) -> str:
    """The reason text in Python (for file-level messages and tests)."""
    return locale.text(f"reject.{reason.value}", lang, **params)

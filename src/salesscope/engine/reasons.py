"""Why a value is undefined (or how it was computed), in words: the texts are ``reason.<code>`` in
the locale catalogue."""

from __future__ import annotations

import math

from salesscope import locale

# What follows the colon of a reason (``missing_input:quotas``) is a table or a dimension.
ARG_WORDS = {"missing_input": "table", "no_dimension": "dim"}


def reason_text(reason: object, lang: str = "en") -> str:
    """A machine reason (``missing_input:quotas``) in words.

    >>> reason_text("missing_input:quotas", "en")
    'the quotas table is empty'
    """
    if reason is None or (isinstance(reason, float) and math.isnan(reason)) or str(reason) == "":
        return ""
    code, _, arg = str(reason).partition(":")
    key = f"reason.{code}"
    if not locale.has(key):
        return str(reason).replace("_", " ")
    group = ARG_WORDS.get(code)
    return locale.text(key, lang, arg=locale.word(group, arg, lang) if group else arg)

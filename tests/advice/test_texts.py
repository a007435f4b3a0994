"""The catalogue: every finding code has English and Persian texts with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from salesscope import locale
from salesscope.advice.model import Kind
from salesscope.advice.texts import KIND, Num, render

FIELDS = string.Formatter()


def names(template: str) -> set[str]:
    return {f for _, f, _, _ in FIELDS.parse(template) if f}


def test_every_kind_has_texts():
    assert set(KIND.values()) == {k.value for k in Kind}
    assert {k.removeprefix("finding.") for k in locale.own("en") if k.startswith("finding.")} == set(KIND)


@pytest.mark.parametrize("code", sorted(KIND))
def test_english_and_persian_exist_and_match(code):
    en, fa = locale.own("en")[f"finding.{code}"], locale.own("fa")[f"finding.{code}"]
    assert en.strip() and fa.strip()
    assert names(en) == names(fa)
    assert re.search(r"[\u0600-\u06FF]", fa)  # written in Persian, not copied English


@pytest.mark.parametrize("code", sorted(KIND))
def test_renders_with_persian_digits(code):
    params = {n: Num(12.5) for n in names(locale.own("en")[f"finding.{code}"])}
    fa, en = render(code, params, "fa"), render(code, params, "en")
    assert "12.5" in en and "۱۲٫۵" in fa and not re.search(r"[0-9]", fa)

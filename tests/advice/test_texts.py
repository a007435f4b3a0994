"""The catalogue: every finding code has English and Persian texts with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from salesscope.advice.model import Kind
from salesscope.advice.texts import CATALOGUE, TERMS, Num, render

FIELDS = string.Formatter()


def names(template: str) -> set[str]:
    return {f for _, f, _, _ in FIELDS.parse(template) if f}


def test_every_kind_has_texts():
    assert {c["kind"] for c in CATALOGUE.values()} == {k.value for k in Kind}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_english_and_persian_exist_and_match(code):
    entry = CATALOGUE[code]
    assert entry["en"].strip() and entry["fa"].strip()
    assert names(entry["en"]) == names(entry["fa"])
    assert re.search(r"[\u0600-\u06FF]", entry["fa"])  # written in Persian, not copied English


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_renders_with_persian_digits(code):
    params = {n: Num(1234.5, 1) for n in names(CATALOGUE[code]["en"])}
    fa, en = render(code, params, "fa"), render(code, params, "en")
    assert "1,234.5" in en and "۱٬۲۳۴٫۵" in fa and not re.search(r"[0-9]", fa)


def test_every_term_in_both_languages():
    for key, entry in TERMS.items():
        assert set(entry) == {"en", "fa"}, key

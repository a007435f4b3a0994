"""A team's or rep's own name or id is written as the data has it in both languages: ``R01`` in a
Persian sentence stays ``R01`` (as in the tables and the CRM), while words of the vocabulary are
translated and numbers follow the reader's digits."""

from __future__ import annotations

from salesscope.advice.frames import where
from salesscope.advice.texts import Num, dim_value, fmt


def test_ids_and_names_keep_their_own_digits_in_persian():
    assert where({"rep": "R01"}) == {"en": "Rep R01", "fa": "فروشنده R01"}
    assert where({"team": "Team 2", "rep": "R07", "channel": "email"}) == {
        "en": "Team Team 2, rep R07, channel email", "fa": "تیم Team 2، فروشنده R07، کانال ایمیل"}
    assert fmt(dim_value("rep", "فروشنده ۳"), "fa") == "فروشنده ۳"


def test_vocabulary_words_missing_values_and_numbers_are_still_localised():
    assert fmt(dim_value("channel", "email"), "fa") == "ایمیل"
    assert fmt(dim_value("rep", "(none)"), "fa") == "(بدون مقدار)"
    assert fmt(Num(12.5, "percent"), "fa") == "۱۲٫۵"

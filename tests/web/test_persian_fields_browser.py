"""Persian as a reader sees and types it, in Debian's Chromium: number fields in Persian digits (typed
Latin digits turn Persian), numbers inside right-to-left sentences that read as one piece each, and
an empty Jalali date field that looks empty."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from salesscope import locale

from .signin import open_page

RANGE = "from=2026-01-01&to=2026-03-31"
LATIN = re.compile("[0-9]")

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]


def _type(field, text: str) -> None:
    """Type into a field key by key, as a person does (``fill`` would skip what typing does)."""
    field.fill("")
    field.press_sequentially(text)


def test_settings_numbers_show_and_take_persian_digits(own_page, passwords):
    page = own_page  # the target and the setting are saved in a store of the test's own
    open_page(page, "boss", passwords["boss"], "/settings?lang=fa")
    min_sample = page.locator("#settings-form input[name=min_sample]")
    assert min_sample.input_value() == "۲۰"  # the workspace's min_sample, 20
    assert page.locator("#token-form input[name=days]").input_value() == "۹۰"

    # Latin digits and point typed by the reader are shown in Persian as they are typed
    value = page.locator("#target-form input[name=value]")
    _type(value, "12.5")
    assert value.input_value() == "۱۲٫۵"
    page.select_option("#target-form select[name=kpi]", "win_rate")
    page.click("#target-form button[type=submit]")
    page.wait_for_selector("#target-form ~ div .ok")
    saved = {t["kpi"]: t["value"] for t in page.request.get("/api/v1/settings").json()["targets"]}
    assert saved["win_rate"] == 12.5
    assert "۱۲٫۵" in page.locator("section:has(#target-form) table").inner_text()

    # Persian digits with the slash many Persian writers use for the decimal point
    _type(value, "۳/۲۵")
    page.select_option("#target-form select[name=kpi]", "win_rate")
    page.click("#target-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('section:has(#target-form) table').innerText.includes('۳٫۲۵')")
    saved = {t["kpi"]: t["value"] for t in page.request.get("/api/v1/settings").json()["targets"]}
    assert saved["win_rate"] == 3.25

    # what is not a number says so in Persian and is not sent
    _type(value, "۱۲x")
    assert value.evaluate("e => e.validationMessage") == locale.text("web.number_expected", "fa", example="۲۵۰۰٫۵")
    _type(min_sample, "۰")
    assert min_sample.evaluate("e => e.validationMessage") == locale.text("web.number_at_least", "fa", limit="۱")
    _type(min_sample, "2٫5")
    assert min_sample.input_value() == "۲٫۵"
    assert min_sample.evaluate("e => e.validationMessage") == locale.text("web.whole_number_expected", "fa")
    _type(min_sample, "25")
    assert min_sample.input_value() == "۲۵" and min_sample.evaluate("e => e.checkValidity()")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-form .ok")
    assert page.request.get("/api/v1/settings").json()["min_sample"] == 25


def test_the_plan_target_is_typed_in_persian_digits(page, passwords):
    open_page(page, "boss", passwords["boss"], "/forecast?lang=fa&target=300000&plan_period=1405-Q2")
    target = page.locator("#plan-form input[name=target]")
    assert target.input_value() == "۳۰۰۰۰۰"
    _type(target, "250000")
    assert target.input_value() == "۲۵۰۰۰۰"
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(lambda url: "target=250000" in url)


# For each number in the visible text of a page (with its sign and percent sign): whether its
# characters stand left to right in the order they are written, i.e. it reads as one piece.
TORN_NUMBERS = """() => {
  const NUM = /[+\\-\\u2212\\u00B1]?[0-9\\u06F0-\\u06F9](?:[0-9\\u06F0-\\u06F9\\u066B\\u066C.,]*[0-9\\u06F0-\\u06F9])?[%\\u066A\\u00D7]?/g;
  const torn = [];
  for (const block of document.querySelectorAll("main h1, main h2, main p, main li, main td, main .card-value, main .card-meta, main .headline, main .pace")) {
    if (!block.checkVisibility()) continue;
    const chars = [], walk = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement.closest("select, .js-plotly-plot")) continue;
      for (let i = 0; i < n.textContent.length; i += 1) if (!/[\\u2066-\\u2069]/.test(n.textContent[i])) chars.push([n, i]);
    }
    const text = chars.map(([n, i]) => n.textContent[i]).join("");
    const box = (k) => { const r = document.createRange(); r.setStart(...chars[k]); r.setEnd(chars[k][0], chars[k][1] + 1);
      return r.getBoundingClientRect(); };
    for (const m of text.matchAll(NUM)) {
      const at = [...m[0]].map((_, j) => box(m.index + j));
      if (at.some((b, j) => j && Math.abs(b.top - at[j - 1].top) < 2 && b.left < at[j - 1].left - 0.5)) torn.push(`${m[0]} in «${text}»`);
    }
  }
  return torn;
}"""


@pytest.mark.parametrize("path", ["/why/win_rate", "/why/win_rate?calendar=gregorian&period=2026-03", "/",
                                  "/indicator/win_rate?by=team", "/forecast"])
def test_numbers_in_persian_sentences_read_as_one_piece(page, passwords, path):
    sep = "&" if "?" in path else "?"
    open_page(page, "boss", passwords["boss"], f"{path}{sep}lang=fa&{RANGE}")
    assert page.evaluate(TORN_NUMBERS) == []
    if path.startswith("/why"):
        # the title's runs (period, from, to, change, period before) follow the sentence right to left
        runs = page.locator("#why-title bdi").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
        assert len(runs) == 5 and runs == sorted(runs, reverse=True)
        text = page.locator("#why-title").inner_text()
        percents = re.findall("[۰-۹٫]+٪", text)
        assert len(percents) == 2 and not LATIN.search(text)


def test_an_empty_jalali_date_field_looks_empty(page, passwords):
    open_page(page, "boss", passwords["boss"], "/funnel?lang=fa")
    field = page.locator("#zoom input[name=from]")
    assert field.input_value() == ""
    hint = field.get_attribute("placeholder").replace("\u200e", "")
    assert hint == locale.text("web.date_placeholder", "fa") == "سال/ماه/روز"
    # its parts stand as a typed date's do, the year on the left (the field is left to right)
    lefts = field.evaluate("""e => { const s = document.createElement('span'); s.dir = e.dir; s.textContent = e.placeholder;
      document.body.append(s); const n = s.firstChild, at = (w) => { const r = document.createRange(), i = n.textContent.indexOf(w);
      r.setStart(n, i); r.setEnd(n, i + w.length); return r.getBoundingClientRect().left; };
      const out = ['سال', 'ماه', 'روز'].map(at); s.remove(); return out; }""")
    assert lefts == sorted(lefts)
    # the hint is drawn as a hint: paler than what is typed
    colours = field.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e, '::placeholder').color]")
    assert colours[0] != colours[1]
    # a date typed and then cleared leaves the field empty, in the URL too
    field.fill("۱۴۰۴/۱۰/۰۱")
    page.click("#zoom button[type=submit]")
    page.wait_for_url(lambda url: "from=2025-12-22" in url)
    field.fill("")
    page.click("#zoom button[type=submit]")
    page.wait_for_url(lambda url: "from=" not in url)
    assert field.input_value() == "" and field.get_attribute("placeholder").replace("\u200e", "") == "سال/ماه/روز"

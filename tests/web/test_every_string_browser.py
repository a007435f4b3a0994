"""Every string a page shows comes from the locale catalogue or from the data: in Debian's Chromium,
each visible text (text nodes, placeholders, the chosen option of each list, chart labels) has the
catalogue's texts of the page's language taken out (a template's fixed parts around its
placeholders), then numbers, dates and the data's own values; no word may remain. A Persian page
thereby shows no English word that is not a name from the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from salesscope import locale

from .signin import open_page

RANGE = "from=2025-10-01&to=2026-03-31"
PAGES = ["/", "/week", "/indicator/win_rate?by=team", "/funnel", "/advice", "/forecast", "/import", "/settings"]
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WORD = re.compile(r"[^\W\d_]+")
# Period labels name their part with a Latin letter in every language: 2026-W07, 1405-Q1, 2026-H2.
PERIOD_PART = re.compile(r"(?<=[-\u2212\d۰-۹])[WQH](?=[\d۰-۹])")

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium package")]

# A text whose left-to-right runs are isolated in a right-to-left page is a <span> of its pieces, the
# runs in <bdi dir="ltr">: it is one text.
VISIBLE_TEXT = """() => {
  const out = [], seen = (e) => e && e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const pieces = (e) => e && e.tagName === "SPAN" && !e.attributes.length && e.querySelector(":scope > bdi[dir=ltr]");
  const whole = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const p = n.parentElement;
    if (!p || ["SCRIPT", "STYLE", "OPTION"].includes(p.tagName) || !n.textContent.trim() || !seen(p)) continue;
    const text = pieces(p) ? p : pieces(p.parentElement) && p.tagName === "BDI" ? p.parentElement : null;
    if (!text) out.push(n.textContent);
    else if (!whole.has(text)) { whole.add(text); out.push(text.textContent); }
  }
  document.querySelectorAll("select").forEach((s) => { if (seen(s) && s.selectedOptions[0]) out.push(s.selectedOptions[0].textContent); });
  document.querySelectorAll("[placeholder]").forEach((i) => { if (seen(i)) out.push(i.placeholder); });
  return out;
}"""


def _fragments(lang: str) -> re.Pattern:
    """The catalogue's texts in ``lang`` as whole-word fragments: a template's fixed parts between
    its placeholders, longest first."""
    # the language switch names every language in its own words
    parts = {locale.text("meta.name", code) for code in locale.languages()}
    for value in locale.catalogue(lang).values():
        for part in re.split(r"\{[^}]*\}", str(value)):
            part = re.sub(r"^\W+|\W+$", "", BIDI.sub("", part))
            if WORD.search(part):
                parts.add(part)
    ordered = sorted(parts, key=len, reverse=True)
    # a catalogue word may begin a label with a capital (``SS.label``)
    return re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in ordered), re.IGNORECASE)


@pytest.fixture(scope="module")
def data_words(app) -> set[str]:
    """Every word of every text value the store holds (names, ids, teams, products, channels as the
    source labels them, file names, user names) and of the workspace's own settings."""
    svc = app.state.service
    words: set[str] = set(WORD.findall(svc.ws.config.currency))
    columns = svc.fetch("SELECT table_name, column_name FROM information_schema.columns "
                        "WHERE data_type = 'VARCHAR' AND table_schema = current_schema()")
    for table, column in columns:
        for (value,) in svc.fetch(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'):
            words.update(WORD.findall(str(value)))
    return words


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("path", PAGES)
def test_every_visible_string_is_the_catalogues_or_the_datas(page, passwords, data_words, path, lang):
    sep = "&" if "?" in path else "?"
    open_page(page, "boss", passwords["boss"], f"{path}{sep}lang={lang}&{RANGE}")
    page.wait_for_timeout(300)  # charts draw their labels after the answers
    catalogue = _fragments(lang)
    strays = {}
    for text in page.evaluate(VISIBLE_TEXT):
        clean = BIDI.sub("", text)
        left = PERIOD_PART.sub(" ", catalogue.sub(" ", clean))
        words = [w for w in WORD.findall(left) if w not in data_words]
        if words:
            strays[clean.strip()] = words
    assert not strays, f"{path} in {lang}: texts not from the catalogue: {strays}"

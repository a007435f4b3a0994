"""The locale catalogues: one file per language, every text in every language, keys used in code exist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from salesscope import locale
from salesscope.advice.frames import where
from salesscope.config import WorkspaceConfig
from salesscope.engine.reasons import reason_text
from salesscope.formatting import number
from salesscope.web.strings import catalogue as web_catalogue

SRC = Path(locale.__file__).parents[1]
# Latin words a Persian reader meets on purpose: indicator acronyms, p-values, input syntax.
LATIN_IN_PERSIAN = {"RRROI", "LGR", "CLV", "CAC", "STL", "MAPE", "WAPE", "CRM", "YAML", "API", "p", "Q"}


def test_every_language_has_every_text_with_the_same_placeholders():
    assert locale.languages()[:2] == ("en", "fa")
    assert locale.problems() == []


@pytest.mark.parametrize("lang", locale.languages())
def test_the_catalogue_says_how_the_language_writes(lang):
    meta = locale.section("meta", lang)
    assert meta["direction"] in ("ltr", "rtl")
    assert len(meta["digits"]) == 10 and len({meta["decimal"], meta["group"]}) == 2


def test_persian_uses_persian_digits_and_no_stray_english():
    for key, value in locale.own("fa").items():
        if key.startswith("meta."):
            continue
        words = re.sub(r"\{[^}]*\}", " ", value)
        assert not re.search(r"[0-9]", words), (key, value)
        # snake_case names are columns and options a user types, not words
        stray = {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", words) if "_" not in w} - LATIN_IN_PERSIAN
        assert not stray, (key, stray)


def test_dimensions_are_named_once():
    assert locale.text("dim.segment", "en") == "segment"
    assert web_catalogue("fa")["dim_segment"] == locale.text("dim.segment", "fa")
    assert where({"channel": "email"})["fa"] == "کانال ایمیل"
    assert where({"team": "North"})["en"] == "Team North"


def test_the_dashboard_view_has_one_name_per_text():
    view = web_catalogue("en")
    assert len(view) == len(locale.catalogue("en"))
    assert view["nav_overview"] == locale.text("web.nav_overview", "en")
    assert view["reason_no_actions"] == locale.text("reason.no_actions", "en")


def test_a_missing_text_falls_back_to_english_and_an_unknown_key_fails():
    with pytest.raises(KeyError, match="no.such"):
        locale.text("no.such", "fa")


# -- keys named in code exist --------------------------------------------------------------------
KEY_CALLS = [  # (files, pattern, prefix of the catalogue key)
    ("**/*.py", r'locale\.text\(\s*"([a-z_.0-9]+)"', ""),
    ("**/*.py", r'\bTerm\(\s*"([a-z_.0-9]+)"', "@term"),
    ("**/*.py", r'\brender_why\(\s*"([a-z_.0-9]+)"', "why."),
    ("**/*.py", r'locale\.(?:word|section)\(\s*"([a-z_]+)"', "@section"),
    ("report/*.py", r'\bt\(\s*"([a-z_0-9]+)"', "report."),
    ("forecast/*.py", r'\bboth\(\s*"([a-z_0-9]+)"', "forecast."),
    ("forecast/*.py", r'\btext\(\s*"([a-z_0-9]+)"', "forecast."),
    ("cli/forecast.py", r'\btext\(\s*"([a-z_0-9]+)"', "forecast."),
    ("report/outlook.py", r'\bftext\(\s*"([a-z_0-9]+)"', "forecast."),
    ("report/outlook.py", r'(?<!\.)\bword\(\s*"([a-z_0-9]+)"', "outlook."),  # its own word(), not locale.word()
    ("web/templates/*.html", r"\bt\.([a-z_0-9]+)", "@web"),
    ("web/static/*.js", r"\bT\.([a-z_0-9]+)", "@web"),
]


def _used_keys():
    for pattern_files, pattern, prefix in KEY_CALLS:
        for path in SRC.glob(pattern_files):
            if path.parent.name == "locale":
                continue
            for key in re.findall(pattern, path.read_text(encoding="utf-8")):
                yield path.relative_to(SRC), prefix, key


def test_every_key_named_in_code_is_in_the_catalogue():
    texts, view = locale.own("en"), web_catalogue("en")
    sections = {k.split(".")[0] for k in texts}
    missing = []
    found = 0
    for path, prefix, key in _used_keys():
        if prefix in ("", "@term") and "." not in key:
            continue  # ``text("…")`` of another module
        found += 1
        ok = (key in sections if prefix == "@section" else key in view if prefix == "@web"
              else key in texts or f"advice.{key}" in texts if prefix == "@term" else f"{prefix}{key}" in texts)
        if not ok and not (prefix == "forecast." and key in ("get", "replace")):
            missing.append(f"{path}: {prefix}{key}")
    assert found > 100
    assert missing == []


# -- a third language is one file ----------------------------------------------------------------
@pytest.fixture
def with_xx(tmp_path, monkeypatch):
    """A throwaway right-to-left language with Arabic-Indic digits and one word of its own."""
    for lang in ("en", "fa"):
        shutil.copy(locale.LOCALE_DIR / f"{lang}.yaml", tmp_path)
    data = yaml.safe_load((locale.LOCALE_DIR / "en.yaml").read_text(encoding="utf-8"))
    data["meta"].update(name="Xx", direction="rtl", digits="٠١٢٣٤٥٦٧٨٩", decimal="٫", group="٬")
    data["dim"]["channel"] = "xchannel"
    data["channel"]["email"] = "xmail"
    data["table"]["quotas"] = "xquotas"
    del data["dim"]["team"]
    (tmp_path / "xx.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(locale, "LOCALE_DIR", tmp_path)
    return tmp_path


def test_a_third_language_is_one_file(with_xx):
    assert locale.languages() == ("en", "fa", "xx")
    assert locale.supported("xx") and locale.is_rtl("xx")
    assert number(12345.6, "xx") == "١٢٬٣٤٦" and number(1.25, "xx") == "١٫٢٥"
    assert reason_text("missing_input:quotas", "xx") == "the xquotas table is empty"
    assert where({"channel": "email"})["xx"] == "Xchannel xmail"
    assert web_catalogue("xx")["dim_channel"] == "xchannel"
    assert locale.text("dim.team", "xx") == "team"  # missing: English, and the check names it
    assert locale.problems() == ["xx.yaml: dim.team has no text"]
    assert WorkspaceConfig(language="xx").language == "xx"
    with pytest.raises(ValueError, match="expected one of en, fa, xx"):
        WorkspaceConfig(language="zz")


def test_catalogues_read_alike_with_either_yaml_parser():
    """The catalogues are read with libyaml's parser where PyYAML has it: it must read every
    catalogue exactly as PyYAML's own parser does."""
    for path in locale.LOCALE_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=locale.LOADER) == yaml.safe_load(text), path.name

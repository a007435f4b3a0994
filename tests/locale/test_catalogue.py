"""The locale catalogues: one file per language, every text in every language, keys used in code exist."""

from __future__ import annotations

import ast
import csv
import io
import re
import shutil
import tokenize
from pathlib import Path

import pytest
import yaml

from salesscope import locale
from salesscope.advice.frames import where
from salesscope.config import WorkspaceConfig
from salesscope.engine.indicators import BUILTINS
from salesscope.engine.reasons import reason_text
from salesscope.formatting import number
from salesscope.ingest.messages import Reason
from salesscope.ingest.readers import MAGIC
from salesscope.web.strings import catalogue as web_catalogue

SRC = Path(locale.__file__).parents[1]
# Latin words a Persian reader meets on purpose: indicator acronyms, p-values, input syntax.
LATIN_IN_PERSIAN = {"RRROI", "LGR", "CLV", "CAC", "STL", "MAPE", "WAPE", "CRM", "YAML", "API", "p", "Q"}
# Messages about what a user typed quote it as typed: options, commands, column names, example values.
QUOTING_INPUT = ("meta.", "error.", "failure.", "importing.", "reject.")


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
        if key.startswith(QUOTING_INPUT):
            continue
        # placeholders, what is quoted or typed as it is (an option and its value), the terminal's markup
        words = re.sub(r"\{[^}]*\}|'[^']*'|--[a-z][a-z-]*(?: [A-Z_]+)?|\[/?[a-z ]*\]", " ", value)
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
    ("**/*.py", r'locale\.template\(\s*"([a-z_.0-9]+)"', ""),
    ("**/*.py", r'\bText\(\s*"([a-z_.0-9]+)"', ""),
    ("ingest/*.py", r'\bsay\(\s*"([a-z_0-9]+)"', "importing."),
    ("ingest/*.py", r'\bpurpose\(\s*"([a-z_0-9]+)"', "importing.purpose."),
    ("cli/*.py", r'\bstage\(\s*"([a-z_0-9]+)"', "progress."),
    ("cli/digest.py", r'\b_say\(\s*"([a-z_0-9]+)"', "subscription."),
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
    assert found > 300
    assert missing == []


def test_every_reason_code_indicator_and_purpose_has_its_words():
    texts = locale.own("en")
    needed = [f"reject.{r.value}" for r in Reason]
    needed += [f"indicator.{i.id}.{what}" for i in BUILTINS for what in ("name", "description")]
    needed += [f"importing.purpose.{k}" for k in ("id", "time", "status", "channel", "name", "amount", "hours",
                                                   "rep_id", "other", "when")]
    needed += [f"importing.binary.{kind}" for _, kind in MAGIC] + ["importing.binary.binary"]
    assert [k for k in needed if k not in texts] == []


# -- no words written in code --------------------------------------------------------------------
# Code that reads what users type (channel and status spellings, Arabic letters) knows Persian words;
# no other module writes any.
READS_PERSIAN = {"vocab.py", "ingest/parse.py", "ingest/typed.py"}
PERSIAN_LETTERS = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
# Public field names that carry a language and stay as they were (the API's and exports' shapes).
STABLE_FIELDS = {"message_fa", "warnings_fa", "reason_fa", "advice_fa", "name_fa"}


def _code(path: Path) -> str:
    """A module's code with its docstrings and comments blanked out."""
    text = path.read_text(encoding="utf-8")
    docs = {(n.body[0].lineno, n.body[0].col_offset) for n in ast.walk(ast.parse(text))
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    lines = text.splitlines(keepends=True)
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and tok.start in docs):
            (r0, c0), (r1, c1) = tok.start, tok.end
            for r in range(r0, r1 + 1):
                line = lines[r - 1]
                a, b = (c0 if r == r0 else 0), (c1 if r == r1 else len(line.rstrip("\n")))
                lines[r - 1] = line[:a] + " " * (b - a) + line[b:]
    return "".join(lines)


def test_no_module_writes_words_of_its_own():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        code = _code(path)
        if rel not in READS_PERSIAN and PERSIAN_LETTERS.search(code):
            found.append(f"{rel}: Persian words")
        if re.search(r"\bfa=(?!=)", code):
            found.append(f"{rel}: a Persian text given as fa=")
        found += [f"{rel}: {name}" for name in set(re.findall(r"\b[a-z_]+_fa\b", code)) - STABLE_FIELDS]
    assert found == []


def test_every_error_raised_on_purpose_has_words_in_every_language():
    """An error of SalesScope's own is raised with a catalogue text, never a bare English string."""
    errors = r"(?:SalesScopeError|ConfigError|InputError|TooLarge|WorkspaceError|UsageError|QueryError|" \
             r"AuthError|Forbidden|NotLoggedIn)"
    bare = re.compile(rf"\b{errors}\(\s*f?[\"']")
    found = [f"{path.relative_to(SRC)}: {m.group(0)}" for path in sorted(SRC.rglob("*.py"))
             if "bench" not in path.parts for m in bare.finditer(_code(path))]
    assert found == []


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


def test_a_third_language_reaches_errors_imports_and_the_api(with_xx, make_ws, tmp_path):
    from salesscope.cli.failure import Failure
    from salesscope.errors import UsageError
    from salesscope.ingest import import_files
    from salesscope.typed import parse_number
    from salesscope.web.app import translations

    data = yaml.safe_load((with_xx / "xx.yaml").read_text(encoding="utf-8"))
    data["reject"]["negative"] = "xx: below zero"
    data["importing"]["row_problem"] = "{file}:{row} xx {column} '{value}': {reason}"
    data["error"]["typed"]["not_a_number"] = "xx: {what} {value!r}"
    data["failure"]["error"] = "xx-error: {message}"
    (with_xx / "xx.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(UsageError) as e:
        parse_number("abc", "--target")
    assert str(e.value) == "--target 'abc' is not a number (expected digits like 2500000 or 2,500,000)"
    assert e.value.message_in("xx") == "xx: --target 'abc'"
    assert translations(e.value.text) == {"message_fa": e.value.message_fa, "message_xx": "xx: --target 'abc'"}
    assert Failure(e.value.text, 2).lines("xx") == ["xx-error: xx: --target 'abc'"]

    ws = make_ws()
    deals = tmp_path / "opportunities.csv"
    deals.write_text("opportunity_id,created_at,status,closed_at,amount\n"
                     "O1,2024-01-01,open,,100\nO2,2024-01-02,open,,-5\n", encoding="utf-8")
    result = import_files(ws, [deals], progress=False)
    assert result.warnings_in("xx") == ["opportunities.csv:3 xx 'amount' '-5': xx: below zero"]
    assert result.to_dict()["warnings_xx"] == result.warnings_in("xx")
    assert result.warnings == ["opportunities.csv:3 column 'amount' has value '-5': must not be negative"]
    with open(result.quarantine, encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert (row["reason_code"], row["reason"], row["reason_xx"]) == ("negative", "must not be negative", "xx: below zero")
    assert row["reason_fa"] == locale.text("reject.negative", "fa")

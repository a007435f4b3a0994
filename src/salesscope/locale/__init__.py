"""Every word a user reads, one catalogue per language: ``locale/<lang>.yaml``.

A catalogue is a YAML mapping of sections (``dim``, ``reason``, ``finding``, ``report``, ``web``...)
whose leaves are texts with ``{name}`` placeholders; a text is named by its dotted path
(``dim.team``, ``reason.missing_input``). Its ``meta`` section says how the language writes:
direction, digits, decimal and group separators, minus and percent signs, list separator and the
word joining alternatives (``or``).
Adding a language means adding one file; a text missing from it falls back to English, and the
tests fail until every language has every text.

>>> text("dim.team", "fa")
'تیم'
>>> text("reason.missing_input", "en", arg="quotas")
'the quotas table is empty'

Code that does not know the reader's language yet (an error raised deep down, an import's
warnings) holds a :class:`Text`: a key and its values, rendered in a language when shown.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

LOCALE_DIR = Path(__file__).parent
DEFAULT = "en"
# libyaml's parser when PyYAML was built with it: it reads the catalogues ten times faster, which
# every command pays at start.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _load(folder: Path, lang: str) -> dict[str, str]:
    path = folder / f"{lang}.yaml"
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=LOADER) or {}
    flat: dict[str, str] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                walk(f"{prefix}{k}.", v)
        else:
            flat[prefix[:-1]] = "" if node is None else str(node)

    walk("", data)
    return flat


def languages() -> tuple[str, ...]:
    """The languages with a catalogue, English first.

    >>> languages()[:2]
    ('en', 'fa')
    """
    found = sorted(p.stem for p in LOCALE_DIR.glob("*.yaml"))
    return tuple(sorted(found, key=lambda lang: (lang != DEFAULT, lang)))


def supported(lang: object) -> bool:
    """Whether ``lang`` has a catalogue."""
    return isinstance(lang, str) and lang in languages()


def catalogue(lang: str) -> Mapping[str, str]:
    """Every text of ``lang`` by dotted key, English where the language lacks one."""
    base = _load(LOCALE_DIR, DEFAULT)
    if lang == DEFAULT or not supported(lang):
        return base
    return {**base, **_load(LOCALE_DIR, lang)}


def own(lang: str) -> Mapping[str, str]:
    """Only the texts ``lang``'s own file holds (for completeness checks)."""
    return _load(LOCALE_DIR, lang)


def has(key: str) -> bool:
    """Whether ``key`` names a text."""
    return key in _load(LOCALE_DIR, DEFAULT)


def template(key: str, lang: str) -> str:
    """The text ``key`` in ``lang`` with its placeholders unfilled."""
    try:
        return catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the locale catalogue") from None


def text(key: str, lang: str, /, *args: object, **values: object) -> str:
    """The text ``key`` in ``lang`` with its placeholders filled; a value that is itself a
    :class:`Text` (or :class:`Listed`) is rendered in the same language.

    >>> text("grain.month", "fa")
    'ماه'
    >>> text("reason.missing_input", "fa", arg=Text("table.quotas"))
    'جدول سهمیه‌ها خالی است'
    """
    found = template(key, lang)
    if not (args or values):
        return found
    return found.format(*(render(a, lang) for a in args), **{k: render(v, lang) for k, v in values.items()})


class Text:
    """A text not yet in a language: a catalogue key and the values of its placeholders.

    >>> t = Text("reason.missing_input", arg="quotas")
    >>> t("en"), str(t)
    ('the quotas table is empty', 'the quotas table is empty')
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: object) -> None:
        self.key, self.values = key, values

    def __call__(self, lang: str) -> str:
        return text(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self(DEFAULT)

    def __repr__(self) -> str:
        return f"Text({self.key!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash((self.key, repr(sorted(self.values.items()))))


class Listed:
    """Items joined the way the reader's language writes a list (``a, b`` or ``a، b``), or by
    ``sep`` (a text such as `` or ``) in that language.

    >>> Listed(["a", "b"])("fa")
    'a، b'
    """

    __slots__ = ("items", "sep")

    def __init__(self, items: Iterable[object], sep: Text | str | None = None) -> None:
        self.items, self.sep = list(items), sep

    def __call__(self, lang: str) -> str:
        parts = [str(render(i, lang)) for i in self.items]
        return join(parts, lang) if self.sep is None else str(render(self.sep, lang)).join(parts)

    def __str__(self) -> str:
        return self(DEFAULT)


class Digits:
    """A value written in the reader's digits (``12`` is ``۱۲`` in Persian).

    >>> Digits(1403)("fa")
    '۱۴۰۳'
    """

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __call__(self, lang: str) -> str:
        return digits(self.value, lang)

    def __str__(self) -> str:
        return self(DEFAULT)


class Given:
    """A text already written in each language elsewhere (by SQL, say), by language code;
    English stands in for a language it lacks."""

    __slots__ = ("texts",)

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = dict(texts)

    def __call__(self, lang: str) -> str:
        return self.texts.get(lang, self.texts[DEFAULT])

    def __str__(self) -> str:
        return self(DEFAULT)


# Anything rendered in the reader's language when shown.
Localized = Text | Listed | Digits | Given


def render(value: object, lang: str) -> object:
    """``value`` in ``lang`` if it is :data:`Localized`; other values as they are."""
    return value(lang) if isinstance(value, Localized) else value


def section(prefix: str, lang: str) -> dict[str, str]:
    """The texts under ``prefix`` (``"dim"``) by their last key part: ``{"team": "Team", ...}``."""
    head = prefix + "."
    return {k[len(head):]: v for k, v in catalogue(lang).items() if k.startswith(head)}


def placeholders(template: str) -> set[str]:
    """The placeholder names a template uses: ``{where}`` gives ``where``, ``{0}`` gives ``0``."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name is not None}


def is_rtl(lang: str) -> bool:
    """Whether ``lang`` is written right to left."""
    return text("meta.direction", lang) == "rtl"


@functools.cache
def _digit_table(folder: Path, lang: str) -> dict[int, int]:
    del folder  # part of the cache key only
    en, to = catalogue(DEFAULT), catalogue(lang)
    src = en["meta.digits"] + en["meta.decimal"] + en["meta.group"] + en["meta.minus"] + en["meta.percent"]
    dst = to["meta.digits"] + to["meta.decimal"] + to["meta.group"] + to["meta.minus"] + to["meta.percent"]
    return str.maketrans(src, dst)


def digits(value: object, lang: str) -> str:
    """``value`` as text in ``lang``'s digits and signs: ``12.5%`` is ``۱۲٫۵٪`` in Persian.

    >>> digits("2026-03", "fa")
    '۲۰۲۶−۰۳'
    """
    return str(value).translate(_digit_table(LOCALE_DIR, lang))


def join(parts: list[str], lang: str) -> str:
    """A list in ``lang``'s way: ``a, b`` or ``a، b``."""
    return template("meta.list", lang).join(parts)


def label(value: str) -> str:
    """A word as a label (first letter capital, where the script has capitals): ``team`` -> ``Team``."""
    return value[:1].upper() + value[1:]


def word(group: str, value: object, lang: str) -> str:
    """A vocabulary value in words (``word("channel", "email", "fa")``); a value the catalogue does
    not know (a team's own name) is shown as it is, in the language's digits."""
    key = f"{group}.{value}"
    return text(key, lang) if has(key) else digits(value, lang)


def problems() -> list[str]:
    """Every way the catalogues disagree: a text missing or empty in a language, a text no English
    one matches, a placeholder one language uses and another does not.

    >>> problems()
    []
    """
    out: list[str] = []
    base = own(DEFAULT)
    for lang in languages():
        texts = own(lang)
        for key, template in base.items():
            if not texts.get(key) and template:
                out.append(f"{lang}.yaml: {key} has no text")
            elif key in texts and placeholders(texts[key]) != placeholders(template):
                out.append(f"{lang}.yaml: {key} uses {sorted(placeholders(texts[key]))}, "
                           f"English uses {sorted(placeholders(template))}")
        out += [f"{lang}.yaml: {key} is not in {DEFAULT}.yaml" for key in texts if key not in base]
    return out


def by_language(prefix: str) -> dict[str, dict[str, str]]:
    """The texts under ``prefix`` by key, each in every language whose file has it:
    ``by_language("reason")["no_actions"]["fa"]``."""
    head = prefix + "."
    out: dict[str, dict[str, str]] = {}
    for lang in languages():
        for key, value in own(lang).items():
            if key.startswith(head) and value:
                out.setdefault(key[len(head):], {})[lang] = value
    return out

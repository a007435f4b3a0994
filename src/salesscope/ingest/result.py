"""What an import did: counts per table, the quarantine file and warnings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from salesscope import locale
from salesscope.errors import InputError
from salesscope.formatting import number
from salesscope.locale import Digits, Localized, Text

if TYPE_CHECKING:
    from rich.table import Table as RichTable


@dataclass
class TableCounts:
    """Rows of one canonical table: always ``read == loaded + rejected``."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0


@dataclass
class ImportResult:
    """The outcome of :func:`salesscope.ingest.import_files`.

    >>> ImportResult("x", {"leads": TableCounts(3, 2, 1)}, "/ws/quarantine/q.csv").to_dict()
    {'tables': {'leads': {'read': 3, 'loaded': 2, 'rejected': 1}}, 'committed': True, 'quarantine': '/ws/quarantine/q.csv', 'warnings': [], 'warnings_fa': []}
    """

    import_id: str
    tables: dict[str, TableCounts]
    quarantine: str | None
    notes: list[Localized] = field(default_factory=list)  # the warnings, shown in the reader's language
    files: list[str] = field(default_factory=list)
    committed: bool = True
    rolled_back: bool = False  # undone because rows were rejected under --strict: nothing was loaded

    def warnings_in(self, lang: str) -> list[str]:
        """The warnings in a language."""
        return [note(lang) for note in self.notes]

    @property
    def warnings(self) -> list[str]:
        """The warnings in English."""
        return self.warnings_in(locale.DEFAULT)

    @property
    def rejected(self) -> int:
        return sum(c.rejected for c in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape the CLI prints with ``--format json``; an import rolled back (``--strict``
        with rejected rows) loaded nothing and says so."""
        return {
            "tables": {t: {"read": c.read, "loaded": 0 if self.rolled_back else c.loaded, "rejected": c.rejected}
                       for t, c in self.tables.items()},
            "committed": self.committed,
            "quarantine": self.quarantine,
            "warnings": self.warnings,
            # ``warnings_fa`` (and ``warnings_<lang>`` for every other language with a catalogue)
            **{f"warnings_{lang}": self.warnings_in(lang) for lang in locale.languages() if lang != locale.DEFAULT},
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (UTF-8, Persian kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def render_table(self, lang: str = "en") -> RichTable:
        """A rich table of the counts, with the quarantine path and warnings as caption."""
        from rich.table import Table

        t = Table(title=locale.text("ingest.title", lang))
        t.add_column(locale.text("ingest.table", lang))
        for key in ("read", "loaded", "rejected"):
            t.add_column(locale.text(f"ingest.{key}", lang), justify="right")
        for name, c in self.tables.items():
            style = "red" if c.rejected else None
            loaded = 0 if self.rolled_back else c.loaded
            t.add_row(locale.word("table", name, lang), *(number(n, lang, "count") for n in (c.read, loaded, c.rejected)),
                      style=style)
        notes = []
        if not self.committed:
            notes.append(locale.text("ingest.strict", lang, n=number(self.rejected, lang, "count"), option="--strict"))
        if self.rejected and self.quarantine:
            notes.append(f"{locale.text('ingest.quarantine', lang)}: {self.quarantine}")
        notes.extend(self.warnings_in(lang))
        if notes:
            t.caption = "\n".join(notes)
            t.caption_justify = "left"
        return t


class RejectedRowsError(InputError):
    """``strict=True`` and some rows were rejected: nothing was loaded.

    ``.result`` holds the counts and the quarantine file that explains each rejection; the CLI
    prints it and exits with status 1.
    """

    code = "rejected_rows"

    def __init__(self, result: ImportResult) -> None:
        super().__init__(Text("importing.strict_rejected", n=Digits(result.rejected), quarantine=result.quarantine))
        self.result = result

"""Tables for a terminal of any width, 80 columns included, that never cut an id or a number.

A :class:`Grid` is a title, headers and rows of text. It is shown as a table when every cell's
longest word fits; otherwise as one block per row (``header: value`` lines), which wraps instead of
cutting. ``--wide`` prints the table at its full width whatever the terminal (for ``less -S`` or a
file). In Persian, every cell is a bidi isolate and never wraps, so a right-to-left terminal cannot
reorder numbers, ids and words across cells; a Persian table too wide for the screen becomes blocks,
one field per line, whose order does not depend on the terminal's direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from salesscope import locale
from salesscope.formatting import isolate

# A cell that reads left to right whatever the language: numbers, dates, ids, intervals.
_LTR = re.compile(r"^[\s\w.,:;/%+\-−–×()@·]*$", re.ASCII)
_HAS_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@dataclass
class Grid:
    """What a command shows as a table: kept as text so it can be laid out to fit."""

    headers: list[str]
    numeric: set[int] = field(default_factory=set)  # column positions right-aligned
    title: str = ""
    rows: list[list[str]] = field(default_factory=list)
    lang: str = "en"

    def add(self, *cells: object) -> None:
        self.rows.append(["" if c is None else str(c) for c in cells])

    def table(self, width: int | None = None) -> Table:
        """The rows as a table whose columns share ``width`` (None: each column as wide as its text)."""
        rtl = locale.is_rtl(self.lang)
        t = Table(title=self._cell(self.title) if self.title else None, header_style="bold")
        for i, (h, w) in enumerate(zip(self.headers, self.widths(width), strict=True)):
            t.add_column(self._cell(h), justify="right" if i in self.numeric else "left",
                         no_wrap=rtl, overflow="fold", width=w)
        for row in self.rows:
            t.add_row(*(self._cell(c) for c in row))
        return t

    def blocks(self) -> Group:
        parts: list[Text] = []
        if self.title:
            parts.append(Text(self._cell(self.title), style="bold"))
        for row in self.rows:
            head, *rest = row
            parts.append(Text(self._cell(head), style="bold"))
            fields = [f"{self._cell(h)}: {self._cell(c)}" for h, c in zip(self.headers[1:], rest, strict=False) if c]
            if locale.is_rtl(self.lang):  # one field per line: nothing for a right-to-left terminal to reorder
                parts.extend(Text("  " + f) for f in fields)
            elif fields:
                parts.append(Text("  " + " · ".join(fields)))
        return Group(*parts)

    def pruned(self) -> Grid:
        """The same grid without the columns that are empty in every row."""
        keep = [i for i in range(len(self.headers)) if i == 0 or any(i < len(r) and r[i] for r in self.rows)]
        return Grid([self.headers[i] for i in keep], {n for n, i in enumerate(keep) if i in self.numeric},
                    self.title, [[r[i] for i in keep if i < len(r)] for r in self.rows], self.lang)

    def min_width(self) -> int:
        """Columns the table needs so that no word (and in Persian, no cell) is split."""
        return 1 + sum(self._need(i) + 3 for i in range(len(self.headers)))  # padding and separators

    def widths(self, width: int | None) -> list[int]:
        """Column widths: each at least its longest word; the room left goes first to the numbers
        (a value on one line reads best), then to the text columns in proportion to their length."""
        full = [self._full(i) for i in range(len(self.headers))]
        if width is None:
            return full
        widths = [self._need(i) for i in range(len(self.headers))]
        room = width - self.min_width()  # what is left once every column has its minimum
        for i in sorted(self.numeric, key=lambda i: full[i] - widths[i]):
            grow = min(room, full[i] - widths[i])
            widths[i] += grow
            room -= grow
        want = [f - w for f, w in zip(full, widths, strict=True)]
        if sum(want) <= room:
            return full
        return [w + room * x // sum(want) for w, x in zip(widths, want, strict=True)]

    def _full(self, i: int) -> int:
        return max(cell_len(c) for c in [self.headers[i], *(r[i] for r in self.rows if i < len(r))])

    def _need(self, i: int) -> int:
        """Width of column ``i`` below which a word (in Persian, a cell) would be split."""
        cells = [self.headers[i], *(r[i] for r in self.rows if i < len(r))]
        if locale.is_rtl(self.lang):
            return max(cell_len(c) for c in cells)
        return max((cell_len(w) for c in cells for w in c.split()), default=0)

    def _cell(self, text: str) -> str:
        if not locale.is_rtl(self.lang) or not text:
            return text
        return isolate(text, "rtl" if _HAS_RTL.search(text) else "ltr")


def render(console: Console, grid: Grid, *, wide: bool = False) -> None:
    """Print ``grid`` as a table if it fits the terminal (or ``wide``), else as blocks."""
    grid = grid.pruned() if grid.rows else grid
    if wide:
        full = 1 + sum(w + 3 for w in grid.widths(None))
        Console(file=console.file, width=max(full, console.width), force_terminal=console.is_terminal,
                no_color=console.no_color).print(grid.table())
    elif grid.min_width() <= console.width:
        console.print(grid.table(console.width))
    else:
        console.print(grid.blocks())

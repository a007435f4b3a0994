"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from salesscope import locale
from salesscope.cli.failure import choose
from salesscope.workspace import DEFAULT_PATH, ENV_VAR, Workspace

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", envvar=ENV_VAR, help="Workspace folder.", show_default=True),
]
DEFAULT_WORKSPACE = Path(DEFAULT_PATH)


def period_label(value: str | None) -> str | None:
    """A typed period label (``۱۴۰۴-Q۴``) with ASCII digits, as the library reads it."""
    from salesscope.typed import ascii_text

    return ascii_text(value) if value else value


def amount(option: str) -> Callable[[str | None], float | None]:
    """A callback reading a typed amount (``۲٬۵۰۰٬۰۰۰``, ``2,500,000``) as a number."""
    def parse(value: str | None) -> float | None:
        from salesscope.typed import parse_number

        return None if value is None else parse_number(value, option)

    return parse


def open_workspace(path: Path, *, read_only: bool = False) -> Workspace:
    import salesscope

    return salesscope.open(path, read_only=read_only)


def resolve_lang(lang: str | None, ws: Workspace) -> str:
    """The language asked for, else the workspace's; checked."""
    return choose(lang or ws.config.language, locale.languages(), "--lang")

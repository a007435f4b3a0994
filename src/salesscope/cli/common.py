"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from salesscope.workspace import DEFAULT_PATH, ENV_VAR

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", envvar=ENV_VAR, help="Workspace folder.", show_default=True),
]
DEFAULT_WORKSPACE = Path(DEFAULT_PATH)


def open_workspace(path: Path, *, read_only: bool = False):
    import salesscope

    return salesscope.open(path, read_only=read_only)


def resolve_lang(lang: str | None, ws) -> str:
    """The language asked for, else the workspace's; checked."""
    chosen = lang or ws.config.language
    if chosen not in ("en", "fa"):
        raise typer.BadParameter(f"{chosen!r}: expected en or fa", param_hint="--lang")
    return chosen

"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from salesscope.workspace import ENV_VAR, DEFAULT_PATH

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

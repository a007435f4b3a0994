"""The ``salesscope`` command: a thin layer that parses, calls the library and formats.

Each subcommand lives in its own module with a ``register(app)`` function; errors are turned into
messages and exit codes here, in one place.
"""

from __future__ import annotations

import importlib
import sys

import typer

from salesscope.errors import SalesScopeError

app = typer.Typer(
    name="salesscope",
    help="Measure a sales organisation with 15 indicators at any zoom (English/Persian, Gregorian/Jalali).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Subcommand modules, in the order `--help` lists them.
COMMANDS = (
    "workspace_cmds",  # init, import, demo
    "kpi",  # kpi, funnel
    "advise",
    "forecast",  # forecast, plan
    "report",  # report, digest
    "serve",
    "bench",
)

def _version(value: bool) -> None:
    if value:
        from salesscope import __version__

        typer.echo(f"salesscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Measure a sales organisation with 15 indicators at any zoom (English/Persian, Gregorian/Jalali)."""


for _name in COMMANDS:
    try:
        _module = importlib.import_module(f"salesscope.cli.{_name}")
    except ModuleNotFoundError as _e:  # a subcommand not installed in this build
        if _e.name != f"salesscope.cli.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point: run the app and turn SalesScope errors into a message and exit code 2."""
    try:
        app(standalone_mode=False)
    except SalesScopeError as e:
        from rich.markup import escape

        from salesscope.cli.common import err_console

        err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
        if getattr(e, "message_fa", None):
            err_console.print(f"[bold red]خطا:[/] {escape(e.message_fa)}", highlight=False)
        sys.exit(2)
    except (typer.Exit, SystemExit) as e:
        code = getattr(e, "exit_code", None) if isinstance(e, typer.Exit) else e.code
        sys.exit(code or 0)
    except typer.Abort:
        sys.exit(130)
    except Exception as e:  # click usage errors come through here in standalone_mode=False
        import click

        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code)
        raise

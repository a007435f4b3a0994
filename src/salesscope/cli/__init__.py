"""The ``salesscope`` command: a thin layer that parses, calls the library and formats.

Each subcommand lives in its own module with a ``register(app)`` function; errors are turned into
messages and exit codes here, in one place.
"""

from __future__ import annotations

import importlib
import sys

import typer

from salesscope.errors import SalesScopeError

# Subcommand modules, in the order `--help` lists them, with the commands each registers: a
# command loads its own module only (`tests/cli/test_startup.py` checks the names).
COMMANDS = {
    "workspace_cmds": ("init", "import", "demo"),
    "kpi": ("kpi", "funnel"),
    "advise": ("advise",),
    "why": ("why",),
    "forecast": ("forecast", "plan"),
    "report": ("report",),
    "digest": ("digest",),  # digest add|list|remove|send|preview
    "serve": ("serve",),
    "export": ("export",),
    "bench": ("bench",),
}


def _version(value: bool) -> None:
    if value:
        from salesscope import __version__

        typer.echo(f"salesscope {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Measure a sales organisation with 15 indicators at any zoom (English/Persian, Gregorian/Jalali)."""


def build_app(modules=COMMANDS) -> typer.Typer:
    """The ``salesscope`` app with the subcommands of ``modules`` (default: all)."""
    built = typer.Typer(
        name="salesscope",
        help="Measure a sales organisation with 15 indicators at any zoom (English/Persian, Gregorian/Jalali).",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,  # plain help: readable at 80 columns and in any terminal
        pretty_exceptions_enable=False,
    )
    built.callback()(_root)
    for name in modules:
        try:
            module = importlib.import_module(f"salesscope.cli.{name}")
        except ModuleNotFoundError as e:  # a subcommand not installed in this build
            if e.name != f"salesscope.cli.{name}":
                raise
            continue
        module.register(built)
    return built


app: typer.Typer  # made on first use, see __getattr__


def __getattr__(name: str) -> typer.Typer:
    """``salesscope.cli.app``: the app with every subcommand, made on first use."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    global app
    app = build_app()
    return app


def _app_for(args: list[str]) -> typer.Typer:
    """The app for this command line: only the named command's module when the first argument
    names one (what it loads is what that command needs), none for ``--version``, else every
    subcommand."""
    first = args[0] if args else ""
    if first == "--version":
        return build_app(())
    module = next((m for m, names in COMMANDS.items() if first in names), None)
    return build_app((module,)) if module is not None else __getattr__("app")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; every failure becomes a short message and an exit code."""
    from salesscope.cli import failure

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["digest"]:
        from salesscope.cli.digest import modern_args

        args = modern_args(args)
    command = typer.main.get_command(_app_for(args))
    if not args:  # bare `salesscope`: the list of commands
        with command.make_context("salesscope", ["--help"], resilient_parsing=True) as ctx:
            typer.echo(ctx.get_help(), err=True)
        sys.exit(failure.USAGE_EXIT)
    first = args[0]
    commands = command.commands if isinstance(command, typer.core.TyperGroup) else {}
    if not first.startswith("-") and first not in commands:
        _fail(failure.unknown_command(first, commands), args)
    try:
        code = command.main(args, prog_name="salesscope", standalone_mode=False)
    except SalesScopeError as e:
        _fail(failure.from_salesscope(e, _command_path(args, command)), args)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(failure.INTERRUPTED_EXIT)
    except OSError as e:
        _fail(failure.from_os_error(e), args)
    except Exception as e:
        if not failure.is_parser_error(e):
            raise  # a bug, not the user's mistake: the traceback is what a report needs
        if type(e).__name__ == "NoArgsIsHelpError":  # a command group called without a subcommand
            typer.echo(e.format_message(), err=True)
            sys.exit(failure.USAGE_EXIT)
        _fail(failure.from_parser(e), args)
    sys.exit(code if isinstance(code, int) else 0)  # a typer.Exit(n) inside a command comes back as n


def _command_path(args: list[str], command) -> str:
    """``salesscope kpi`` (or ``salesscope digest add``) for the hint line."""
    path, group = ["salesscope"], command
    for a in args:
        sub = getattr(group, "commands", {}).get(a)
        if sub is None:
            break
        path.append(a)
        group = sub
    return " ".join(path)


def _fail(f, args: list[str]) -> None:
    from rich.markup import escape

    from salesscope.cli.common import err_console
    from salesscope.cli.failure import language_of

    lang = language_of(args)
    first, *rest = f.lines(lang)
    label, _, text = first.partition(": ")
    err_console.print(f"[bold red]{escape(label)}:[/] {escape(text)}", highlight=False, soft_wrap=True)
    for line in rest:
        err_console.print(escape(line), highlight=False, soft_wrap=True, style="dim")
    sys.exit(f.exit_code)

"""How the command line fails: one line saying what is wrong and how to fix it, and an exit code.

Exit codes: 0 success, 1 a problem with the data or the workspace (rejected rows under
``--strict``, a missing workspace, a file that cannot be written), 2 a usage mistake (an unknown
command or option, a value not accepted), 130 interrupted. A user's mistake never shows a traceback.

Parser errors are read through the attributes click's exceptions have always carried
(``exit_code``, ``format_message``, ``option_name``, ``possibilities``, ``param``), so this works
whether the parser is click itself or the copy of it typer vendors.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeGuard

from salesscope import locale
from salesscope.errors import QueryError, SalesScopeError, UsageError
from salesscope.locale import Listed, Localized, Text
from salesscope.typed import suggestion

USAGE_EXIT = 2
DATA_EXIT = 1
INTERRUPTED_EXIT = 130


@dataclass(frozen=True)
class Failure:
    """What the user reads and the exit code."""

    message: Localized | str
    exit_code: int
    help_for: str | None = None  # a command path whose --help shows the fix

    def lines(self, lang: str) -> list[str]:
        out = [locale.text("failure.error", lang, message=self.message)]
        if self.help_for:
            out.append(locale.text("failure.see", lang, command=f"{self.help_for} --help"))
        return out


def choose(value: str, choices: Sequence[str], option: str) -> str:
    """``value`` if it is one of ``choices``; otherwise a usage error naming them and the closest one."""
    if value in choices:
        return value
    raise UsageError(Text("failure.not_accepted", option=option, value=value, choices=Listed(choices),
                          hint=suggestion(value, choices)))


def writable_file(path: Path | None, option: str = "--out") -> Path | None:
    """Check, before any work is done, that ``path`` can be created: its folder exists."""
    if path is None:
        return None
    folder = Path(path).expanduser().absolute().parent
    if not folder.is_dir():
        raise UsageError(Text("failure.no_folder", option=option, path=path, folder=folder))
    if not os.access(folder, os.W_OK):
        raise UsageError(Text("failure.folder_not_writable", option=option, path=path, folder=folder))
    return path


def from_salesscope(e: SalesScopeError, command: str | None) -> Failure:
    usage = isinstance(e, (UsageError, QueryError))
    return Failure(e.text or str(e), USAGE_EXIT if usage else DATA_EXIT, command if usage else None)


def from_os_error(e: OSError) -> Failure:
    where = f"{e.filename}: " if e.filename else ""
    reason = e.strerror or str(e)
    return Failure(f"{where}{reason}", DATA_EXIT)


class ParserError(Protocol):
    """What every exception of the click family carries."""

    exit_code: int

    def format_message(self) -> str: ...


def is_parser_error(e: BaseException) -> TypeGuard[ParserError]:
    """An exception of the click family (raised while parsing the command line)."""
    return isinstance(getattr(e, "exit_code", None), int) and callable(getattr(e, "format_message", None))


def _option_label(param) -> str:
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if opts:
        return opts[0]
    name = getattr(param, "metavar", None) or getattr(param, "name", None) or "?"
    return str(name).upper()


def from_parser(e: ParserError) -> Failure:
    """A parser exception in words the user can act on."""
    ctx = getattr(e, "ctx", None)
    command = getattr(ctx, "command_path", None)
    code = e.exit_code if e.exit_code else USAGE_EXIT
    if hasattr(e, "option_name") and hasattr(e, "possibilities"):  # an unknown option
        opt = e.option_name
        options = getattr(e, "possibilities", None) or ()
        hint = suggestion(opt, options) if options else ""
        if options and not hint:
            hint = Text("error.did_you_mean", guess=Listed(sorted(options), Text("meta.or")))
        return Failure(Text("failure.no_option", option=opt, hint=hint), code, command)
    param = getattr(e, "param", None)
    if hasattr(e, "param_type") and param is not None:  # a required option or argument not given
        return Failure(Text("failure.required", option=_option_label(param)), code, command)
    message = getattr(e, "message", None) or e.format_message()
    if param is not None:
        return Failure(Text("failure.bad_value", option=_option_label(param), detail=message), code, command)
    return Failure(Text("failure.unreadable", detail=message[:1].lower() + message[1:]), code, command)


def unknown_command(name: str, commands: Iterable[str]) -> Failure:
    return Failure(Text("failure.no_command", command=name, hint=suggestion(name, commands)), USAGE_EXIT,
                   "salesscope")


def language_of(argv: Sequence[str]) -> str:
    """The language to answer in before anything is parsed: ``--lang``, else the workspace's."""
    for i, arg in enumerate(argv):
        if arg in ("--lang", "-l") and i + 1 < len(argv):
            return argv[i + 1] if locale.supported(argv[i + 1]) else locale.DEFAULT
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
            return lang if locale.supported(lang) else locale.DEFAULT
    from salesscope.workspace import DEFAULT_PATH, ENV_VAR

    folder = os.environ.get(ENV_VAR) or DEFAULT_PATH
    for i, arg in enumerate(argv):
        if arg in ("--workspace", "-w") and i + 1 < len(argv):
            folder = argv[i + 1]
        elif arg.startswith("--workspace="):
            folder = arg.split("=", 1)[1]
    try:
        from salesscope.config import CONFIG_FILE, load_config

        return load_config(Path(folder) / CONFIG_FILE).language
    except Exception:  # no workspace, or one that cannot be read: its own error will say why
        return locale.DEFAULT

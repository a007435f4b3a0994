"""``salesscope digest add|list|remove|send|preview``: scheduled digests by email.

A digest mail carries the indicators of its period inline and the full report as an attachment
(PDF by default) while the mail stays under 1 MB, plus a link to the dashboard with ``--link``.
The flags of the single ``digest`` command of earlier versions (``--add``, ``--list``, ``--remove``,
``--due``, ``--preview``) still work: they are read as the subcommands.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from salesscope import locale
from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    console,
    open_workspace,
    resolve_lang,
)
from salesscope.cli.failure import choose
from salesscope.cli.progress import stage
from salesscope.typed import parse_date

app = typer.Typer(help="Scheduled digests: subscriptions, sending the due ones, previews.", no_args_is_help=True)

# The old single command's flags and the subcommands they now are (a flag with a value keeps it).
LEGACY = {"--add": "add", "--list": "list", "--remove": "remove", "--due": "send", "--preview": "preview"}

Today = Annotated[str | None, typer.Option("--today", help="Pretend today is this date (ISO or Jalali), to catch up.")]
Attach = Annotated[str, typer.Option("--attach", help="The full report as pdf, html, xlsx, or none (summary only).")]
Link = Annotated[str | None, typer.Option("--link", envvar="SALESSCOPE_DASHBOARD_URL",
                                          help="The dashboard's address, put in every mail.")]


def modern_args(args: list[str]) -> list[str]:
    """``digest --add X --team T`` as ``digest add X --team T`` (and the other old flags alike)."""
    for i, arg in enumerate(args[1:], start=1):
        name, eq, value = arg.partition("=")
        if name in LEGACY:
            rest = args[1:i] + args[i + 1:]
            if name in ("--add", "--remove"):
                if eq:
                    return ["digest", LEGACY[name], value, *rest]
                if i + 1 < len(args):
                    return ["digest", LEGACY[name], args[i + 1], *args[1:i], *args[i + 2:]]
            return ["digest", LEGACY[name], *rest]
    return args


def _day(today: str | None) -> dt.date:
    return parse_date(today, "--today") if today else dt.date.today()


def _say(key: str, lang: str, **fields: object) -> None:
    console.print(locale.text(f"subscription.{key}", lang, **fields), highlight=False, markup=False)


@app.command("add")
def add(
    email: Annotated[str, typer.Argument(metavar="EMAIL", show_default=False)],
    schedule: Annotated[str, typer.Option("--schedule", help="weekly or monthly.")] = "monthly",
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="en or fa (default: the workspace's).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's data.")] = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's data.")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Subscribe EMAIL to a weekly or monthly digest, of everything or of one team or rep.

    Example: salesscope digest add ana@example.com --schedule monthly --lang fa --team North
    """
    from salesscope.report import digest as dg

    choose(schedule, tuple(dg.SCHEDULES), "--schedule")
    ws = open_workspace(workspace)
    flt = {k: v for k, v in (("team", team), ("rep", rep)) if v}
    sub = dg.add(ws, email, schedule=schedule, language=resolve_lang(lang, ws), filter=flt)
    _say("subscribed", ws.config.language, what=sub.describe())


@app.command("list")
def list_(today: Today = None, workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """The subscriptions, with whether each is due."""
    from salesscope.report import digest as dg

    day = _day(today)
    ws = open_workspace(workspace)
    lang = ws.config.language
    subs = dg.list_all(ws)
    for s in subs:
        state = locale.text("subscription.due", lang) if dg.is_due(ws, s, day) else \
            locale.text("subscription.sent_at", lang, when=f"{s.last_sent_at:%Y-%m-%d %H:%M}")
        console.print(f"{s.describe()}  {state}", highlight=False, markup=False)
    if not subs:
        _say("none", lang)


@app.command("remove")
def remove(sub_id: Annotated[int, typer.Argument(metavar="ID", show_default=False)],
           workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """Delete subscription ID (see 'salesscope digest list')."""
    from salesscope.report import digest as dg

    ws = open_workspace(workspace)
    dg.remove(ws, sub_id)
    _say("removed", ws.config.language, id=sub_id)


@app.command("send")
def send(
    attach: Attach = "pdf",
    link: Link = None,
    smtp_host: Annotated[str, typer.Option("--smtp-host", envvar="SALESSCOPE_SMTP_HOST")] = "127.0.0.1",
    smtp_port: Annotated[int, typer.Option("--smtp-port", envvar="SALESSCOPE_SMTP_PORT")] = 25,
    smtp_user: Annotated[str | None, typer.Option("--smtp-user", envvar="SALESSCOPE_SMTP_USER")] = None,
    smtp_from: Annotated[str, typer.Option("--smtp-from", envvar="SALESSCOPE_SMTP_FROM")] = "salesscope@localhost",
    smtp_starttls: Annotated[bool, typer.Option("--smtp-starttls", help="Upgrade the connection with STARTTLS.")] = False,
    today: Today = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Mail every digest that is due, by SMTP (password in SALESSCOPE_SMTP_PASSWORD).

    Example: salesscope digest send --smtp-host mail.example.com --smtp-port 587 --smtp-starttls
    """
    from salesscope.report import digest as dg

    _run(attach, link, today, workspace, dg.SmtpSettings(
        host=smtp_host, port=smtp_port, user=smtp_user, password=os.environ.get("SALESSCOPE_SMTP_PASSWORD"),
        sender=smtp_from, starttls=smtp_starttls), preview_dir=None)


@app.command("preview")
def preview(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the .eml files.")] = Path("digests"),
    attach: Attach = "pdf",
    link: Link = None,
    today: Today = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Write every subscription's digest as an .eml file instead of sending it."""
    _run(attach, link, today, workspace, None, preview_dir=out_dir)


def _run(attach: str, link: str | None, today: str | None, workspace: Path, smtp, preview_dir: Path | None) -> None:
    from salesscope.report import digest as dg

    choose(attach, dg.ATTACHMENTS, "--attach")
    day = _day(today)
    ws = open_workspace(workspace)
    lang = ws.config.language
    with stage("digest", lang):
        done = dg.run_due(ws, smtp, out_dir=preview_dir, fmt=attach, today=day, only_due=preview_dir is None,
                          link=link)
    for sub, where in done:
        _say("wrote" if preview_dir else "sent", lang, what=sub.describe(), where=where)
    if not done:
        _say("nothing_due" if preview_dir is None else "none", lang)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="digest")

"""``salesscope report`` and ``salesscope digest``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    amount,
    console,
    open_workspace,
    period_label,
    resolve_lang,
)
from salesscope.cli.failure import choose, writable_file
from salesscope.cli.progress import stage
from salesscope.errors import UsageError
from salesscope.typed import parse_date

Lang = Annotated[str | None, typer.Option("--lang", "-l", help="en or fa (default: the workspace's).")]


def report(
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, pdf or xlsx.")] = "html",
    lang: Lang = None,
    calendar: Annotated[str | None, typer.Option("--calendar", "-c", help="gregorian or jalali (default: the workspace's).")] = None,
    period: Annotated[str | None, typer.Option("--period", "-p", callback=period_label, help="Period label, e.g. 2026-03 or 1404-01 (default: the last one the data covers whole).")] = None,
    grain: Annotated[str, typer.Option("--grain", "-g", help="day, week, month, quarter or year.")] = "month",
    by: Annotated[str | None, typer.Option("--by", "-b", help="Breakdowns, comma-separated (default: channel,team,rep).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (default: salesscope-report-<period>.<format>).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's rows.")] = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's rows.")] = None,
    target: Annotated[str | None, typer.Option("--target", callback=amount("--target"), help="Add a plan to reach this revenue (with --plan-period).")] = None,
    plan_period: Annotated[str | None, typer.Option("--plan-period", callback=period_label, help="The plan's period, e.g. 2026-Q3 or 1405-Q2.")] = None,
    sections: Annotated[str | None, typer.Option("--sections", help="Only these parts, comma-separated: indicators, funnel, forecast, advice, quality (default: all).")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Write a report: one self-contained HTML file, an A4 PDF or an Excel workbook.

    Example: salesscope report --format pdf --lang fa --calendar jalali --out report.pdf
    """
    from salesscope.report import FORMATS, build, render
    from salesscope.report.builder import check_sections

    choose(fmt, FORMATS, "--format")
    shown = check_sections(sections)
    writable_file(out)
    ws = open_workspace(workspace, read_only=True)
    lang = resolve_lang(lang, ws)
    scope = {k: [v] for k, v in (("team", team), ("rep", rep)) if v}
    dims = [d.strip() for d in by.split(",") if d.strip()] if by else None
    with stage("report", lang):
        data = build(ws, lang=lang, calendar=calendar, period=period, grain=grain, by=dims, scope=scope,
                     target=target, target_period=plan_period, sections=shown)
    target = out or Path(f"salesscope-report-{data.period}.{fmt}")
    with stage("write", lang, target=target):
        render(data, fmt, target)
    console.print(f"Wrote {target} ({target.stat().st_size:,} bytes), period {data.period}.", highlight=False)


def digest(
    due_: Annotated[bool, typer.Option("--due", help="Send every digest that is due, by SMTP.")] = False,
    preview: Annotated[bool, typer.Option("--preview", help="Write every subscription's digest as an .eml file instead of sending.")] = False,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for --preview.")] = Path("digests"),
    attach: Annotated[str, typer.Option("--attach", help="Attachment format: html, pdf or xlsx.")] = "html",
    add: Annotated[str | None, typer.Option("--add", help="Subscribe this email address.")] = None,
    schedule: Annotated[str, typer.Option("--schedule", help="weekly or monthly (with --add).")] = "monthly",
    lang: Lang = None,
    team: Annotated[str | None, typer.Option("--team", help="With --add: only this team's data.")] = None,
    rep: Annotated[str | None, typer.Option("--rep", help="With --add: only this rep's data.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the subscriptions.")] = False,
    remove: Annotated[int | None, typer.Option("--remove", help="Delete the subscription with this id.")] = None,
    smtp_host: Annotated[str, typer.Option("--smtp-host", envvar="SALESSCOPE_SMTP_HOST")] = "127.0.0.1",
    smtp_port: Annotated[int, typer.Option("--smtp-port", envvar="SALESSCOPE_SMTP_PORT")] = 25,
    smtp_user: Annotated[str | None, typer.Option("--smtp-user", envvar="SALESSCOPE_SMTP_USER")] = None,
    smtp_from: Annotated[str, typer.Option("--smtp-from", envvar="SALESSCOPE_SMTP_FROM")] = "salesscope@localhost",
    smtp_starttls: Annotated[bool, typer.Option("--smtp-starttls", help="Upgrade the connection with STARTTLS.")] = False,
    today: Annotated[str | None, typer.Option("--today", help="Pretend today is this ISO date (for catching up).")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Scheduled digests: manage subscriptions, send the due ones, or preview them as files.

    The SMTP password is read from the SALESSCOPE_SMTP_PASSWORD environment variable.
    Example: salesscope digest --add ana@example.com --schedule monthly --lang fa --team North
    """
    from salesscope.report import FORMATS
    from salesscope.report import digest as dg

    choose(attach, FORMATS, "--attach")
    day = parse_date(today, "--today") if today else dt.date.today()
    ws = open_workspace(workspace)
    if add:
        flt = {k: v for k, v in (("team", team), ("rep", rep)) if v}
        sub = dg.add(ws, add, schedule=schedule, language=resolve_lang(lang, ws), filter=flt)
        console.print(f"Subscribed {sub.describe()}", highlight=False)
    elif remove is not None:
        dg.remove(ws, remove)
        console.print(f"Removed subscription #{remove}", highlight=False)
    elif list_:
        subs = dg.list_all(ws)
        for s in subs:
            state = "due" if dg.is_due(ws, s, day) else f"sent {s.last_sent_at:%Y-%m-%d %H:%M}"
            console.print(f"{s.describe()}  {state}", highlight=False, markup=False)
        if not subs:
            console.print("No subscription yet (add one with --add EMAIL).")
    elif due_ or preview:
        smtp = dg.SmtpSettings(host=smtp_host, port=smtp_port, user=smtp_user,
                               password=os.environ.get("SALESSCOPE_SMTP_PASSWORD"), sender=smtp_from,
                               starttls=smtp_starttls)
        with stage("digest", ws.config.language):
            done = dg.run_due(ws, smtp, out_dir=out_dir if preview else None, fmt=attach, today=day,
                              only_due=not preview)
        verb = "Wrote" if preview else "Sent"
        for sub, where in done:
            console.print(f"{verb} {sub.describe()} -> {where}", highlight=False, markup=False)
        if not done:
            console.print("Nothing is due." if due_ else "No subscription yet (add one with --add EMAIL).")
    else:
        raise UsageError("choose one of --due, --preview, --add, --list or --remove",
                         fa="یکی از --due، --preview، --add، --list یا --remove را بدهید")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("digest")(digest)

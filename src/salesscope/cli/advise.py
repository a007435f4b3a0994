"""``salesscope advise``: the most valuable findings first (data health, advice, warnings, anomalies, targets)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from salesscope import locale
from salesscope.advice.model import TOP
from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    choose,
    console,
    open_workspace,
    period_label,
    resolve_lang,
)
from salesscope.cli.kpi import Wide
from salesscope.cli.progress import stage
from salesscope.cli.screen import Grid, render
from salesscope.formatting import number

# The finding's text says where: the table keeps to what fits 80 columns.
HEADERS = ("kind", "confidence", "indicator", "finding")  # cli.<key> in the catalogue


def advise(
    period: Annotated[str | None, typer.Option("--period", "-p", callback=period_label, help="Period label, e.g. 2026-03 or 1404-Q4 (default: the last full period).")] = None,
    grain: Annotated[str, typer.Option("--grain", "-g", help="day, week, month, quarter or year.")] = "month",
    calendar: Annotated[str | None, typer.Option("--calendar", "-c", help="gregorian or jalali (default: the workspace's).")] = None,
    by: Annotated[str | None, typer.Option("--by", "-b", help="Breakdowns to examine, comma-separated (default: channel,rep,team,segment).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="en or fa (default: the workspace's).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    top: Annotated[int, typer.Option("--top", "-n", help="Show the N most valuable findings.")] = TOP,
    show_all: Annotated[bool, typer.Option("--all", "-a", help="Show every finding.")] = False,
    wide: Wide = False,
    today: Annotated[str | None, typer.Option("--today", help="Pretend today is this date (ISO or Jalali): it decides the last full period and what is still in progress.")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Rank what to do, and say where the numbers mislead: the ten most valuable findings first.

    Example: salesscope advise --grain quarter --lang fa --all
    """
    from salesscope.advice import findings
    from salesscope.typed import parse_date

    day = parse_date(today, "--today") if today else None
    choose(fmt, ("table", "json"), "--format")
    ws = open_workspace(workspace, read_only=True)
    lang = resolve_lang(lang, ws)
    with stage("advice", lang):
        found = findings(ws, period=period, grain=grain, calendar=calendar, by=by, lang=lang, today=day)
    shown = found if show_all or top <= 0 else found[:top]
    if fmt == "json":
        typer.echo(json.dumps([f.to_dict() for f in shown], ensure_ascii=False, indent=2))
        return
    render(console, findings_grid(shown, lang), wide=wide)
    if len(found) > len(shown):
        console.print(locale.text("cli.more", lang, n=number(len(found) - len(shown), lang, "count"), option="--all"))


def findings_grid(found: list, lang: str = "en") -> Grid:
    """The findings as a terminal grid, in the reader's language."""
    grid = Grid(["#", *(locale.text(f"cli.{h}", lang) for h in HEADERS)], {0}, lang=lang)
    for i, f in enumerate(found, 1):
        grid.add(number(i, lang, "count"), locale.word("kind", f.kind, lang), locale.word("confidence", f.confidence, lang),
                 f.kpi, f.text(lang))
    if not found:
        grid.add("—", "", "", "", locale.text("cli.no_findings", lang))
    return grid


def register(app: typer.Typer) -> None:
    app.command("advise")(advise)

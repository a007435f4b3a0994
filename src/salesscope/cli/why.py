"""``salesscope why``: what moved a ratio indicator, split into mix and rate effects per breakdown."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    console,
    open_workspace,
    resolve_lang,
)


def why(
    kpi: Annotated[str, typer.Argument(help="A ratio indicator, e.g. win_rate or lead_conversion_rate.")],
    period: Annotated[str | None, typer.Option("--period", "-p", help="Period label, e.g. 2026-02 (default: the last complete one).")] = None,
    grain: Annotated[str, typer.Option("--grain", "-g", help="day, week, month, quarter or year.")] = "month",
    calendar: Annotated[str | None, typer.Option("--calendar", "-c", help="gregorian or jalali (default: the workspace's).")] = None,
    by: Annotated[str | None, typer.Option("--by", "-b", help="Breakdowns, comma-separated (default: every one the indicator has).")] = None,
    against: Annotated[str, typer.Option("--against", help="previous, or like (the same point of the last cycle when the history repeats a pattern).")] = "previous",
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="en or fa (default: the workspace's).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    wide: Annotated[bool, typer.Option("--wide", help="Print tables at full width.")] = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Why did an indicator change? Mix and rate effects per channel, team, rep..., ranked, with intervals.

    Example: salesscope why win_rate --period 2026-02 --by channel,team
    """
    from salesscope.advice.why import why as explain

    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"{fmt!r}: expected table or json", param_hint="--format")
    ws = open_workspace(workspace, read_only=True)
    lang = resolve_lang(lang, ws)
    dims = [d.strip() for d in by.split(",") if d.strip()] if by else None
    w = explain(ws, kpi, period=period, grain=grain, calendar=calendar, by=dims, against=against)
    if fmt == "json":
        typer.echo(json.dumps(w.to_dict(), ensure_ascii=False, indent=2))
        return
    show(w, lang, ws, wide=wide)


def show(w, lang: str, ws, *, wide: bool = False) -> None:
    from salesscope.advice.why import describe
    from salesscope.cli.screen import Grid, render

    ind = ws.model.indicators[w.kpi]
    said = describe(w, lang, ind.name(lang), ws.config.currency)
    console.print(said["title"])
    for b in said["breakdowns"]:
        if "note" in b:
            console.print(b["note"])
            continue
        console.print()
        console.print(b["effects"])
        console.print(b["cause"])
        grid = Grid(said["columns"], numeric={1, 2, 3, 4, 5}, lang=lang)
        for row in b["rows"]:
            grid.add(*row)
        render(console, grid, wide=wide)


def register(app: typer.Typer) -> None:
    app.command("why")(why)

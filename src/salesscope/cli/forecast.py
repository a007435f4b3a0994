"""``salesscope forecast`` and ``salesscope plan``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, cast

import typer

from salesscope import locale
from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    amount,
    console,
    open_workspace,
    period_label,
    resolve_lang,
)
from salesscope.cli.failure import choose
from salesscope.cli.kpi import Wide
from salesscope.cli.output import csv_safe, records
from salesscope.cli.progress import stage
from salesscope.cli.screen import Grid, render
from salesscope.formatting import digits

if TYPE_CHECKING:
    from salesscope.forecast.plan import Plan

Lang = Annotated[str, typer.Option("--lang", "-l", help="en or fa (default: the workspace's).")]


def forecast_cmd(
    periods: Annotated[int, typer.Option("--periods", "-n", help="How many periods ahead (the current one first).")] = 3,
    grain: Annotated[str, typer.Option("--grain", "-g", help="week, month, quarter or year.")] = "month",
    calendar: Annotated[str | None, typer.Option("--calendar", "-c", help="gregorian or jalali.")] = None,
    by: Annotated[str | None, typer.Option("--by", "-b", help="team, rep or channel.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    lang: Lang = "",
    wide: Wide = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Revenue for the next periods with 80%/95% intervals, and the forecast's own track record.

    Example: salesscope forecast --periods 3 --grain quarter --calendar jalali --by team
    """
    from salesscope.forecast import display, forecast
    from salesscope.forecast.texts import (
        bands_note,
        compared_text,
        method_text,
        text,
        track_text,
        unvalued_note,
    )

    choose(fmt, ("table", "csv", "json"), "--format")
    ws = open_workspace(workspace, read_only=True)
    lang = resolve_lang(lang, ws)
    with stage("forecast", lang):
        df = forecast(ws, periods=periods, grain=grain, calendar=calendar, by=by)
    track = df.attrs.get("track_record", {})
    if fmt == "csv":
        typer.echo(csv_safe(df).to_csv(index=False), nl=False)
        return
    if fmt == "json":
        typer.echo(json.dumps({"as_of": df.attrs["as_of"], "method": df.attrs["method"],
                               "notes": df.attrs.get("notes", []), "rows": records(df),
                               "unvalued": df.attrs.get("unvalued", []), "track_record": track,
                               "compared": df.attrs.get("compared")},
                              ensure_ascii=False, indent=2, default=str))
        return
    cols = ["period", *([by] if by else []), "expected", "interval_80", "interval_95", "won_to_date",
            "from_pipeline", "from_run_rate", "open_deals"]
    title = locale.text("cli.in_currency", lang, title=text("forecast_title", lang, as_of=df.attrs["as_of"]),
                                     currency=ws.config.currency)
    grid = Grid([text(c, lang) if c != by else locale.label(locale.word("dim", by, lang)) for c in cols], lang=lang, title=title,
                numeric={i for i, c in enumerate(cols) if c not in ("period", by)})
    for r in df.to_dict(orient="records"):
        shown = display.forecast_row(r, lang, "")
        grid.add(digits(r["period"], lang), *([r[by]] if by else []), *(shown[c] for c in cols[1 + bool(by):]))
    render(console, grid, wide=wide)
    console.print(method_text(df.attrs, lang), highlight=False, markup=False)
    console.print(bands_note(df.attrs, lang), highlight=False, markup=False)
    if df.attrs.get("unvalued"):
        console.print(unvalued_note(df.attrs["unvalued"], lang), highlight=False, markup=False)
    if track and track.get("n"):
        console.print(f"[bold]{text('track_title', lang)}[/]: " + track_text(track, lang))
        if compared_text(df.attrs, lang):
            console.print(compared_text(df.attrs, lang), highlight=False, markup=False)
    else:
        console.print(track_text(track, lang))


def plan_cmd(
    target: Annotated[str, typer.Option("--target", "-t", callback=amount("--target"),
                                        help="Revenue to reach, in the workspace currency.")],
    period: Annotated[str, typer.Option("--period", "-p", callback=period_label,
                                        help="The period: 2026-Q3, 2026-07, 1405-Q1, 2026...")],
    by: Annotated[str | None, typer.Option("--by", "-b", help="team or rep.")] = None,
    lang: Lang = "",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    wide: Wide = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """What it takes to reach a revenue target: deals, opportunities, leads, outreach and hours per channel.

    Example: salesscope plan --target 500000 --period 2026-Q3 --lang fa
    """
    from salesscope.forecast import plan

    choose(fmt, ("table", "json"), "--format")
    ws = open_workspace(workspace, read_only=True)
    lang = resolve_lang(lang, ws)
    with stage("plan", lang):
        p = plan(ws, cast(float, target), period, by=by)  # the --target callback read it as a number
    if fmt == "json":
        typer.echo(json.dumps(p.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    for part in p.parts or [p]:
        _print_plan(part, lang, ws.config.currency, wide)
    if p.parts:
        for a in p.assumptions:
            console.print(f"• {a[lang]}")
        console.print(f"[bold]{p.reasons[0][lang]}[/]")


def _print_plan(p: Plan, lang: str, currency: str, wide: bool) -> None:
    from salesscope.forecast import display
    from salesscope.forecast.texts import text

    title = text("plan_title", lang, target=p.target, period=p.period) + (f" — {p.group}" if p.group else "")
    grid = Grid([text(c, lang) for c in ("item", "needed", "interval_80", "interval_95", "now")], {1, 2, 3, 4},
                locale.text("cli.in_currency", lang, title=title, currency=currency), lang=lang)
    grid.add(text("gap", lang), display.money(p.gap, lang, ""), "", "", "")
    for key, e in p.needs.items():
        shown = display.need(key, asdict(e), lang)
        grid.add(text(key, lang), shown["value"], shown["interval_80"], shown["interval_95"], shown["last_period"])
    render(console, grid, wide=wide)
    if p.channels:
        c = Grid([text(col, lang) for col in ("channel", "leads", "hours", "interval_80", "now")] + ["RRROI"],
                 {1, 2, 3, 4}, text("channel_hours", lang), lang=lang)
        for ch in p.channels:
            shown = display.channel(asdict(ch), lang)
            hours = shown["hours"] if ch.hours.value is not None else text("no_hours_rate", lang)
            c.add(locale.word("channel", ch.channel, lang), shown["leads"], hours, shown["interval_80"],
                  shown["last_period"], text(f"returns_{ch.returns}", lang))
        render(console, c, wide=wide)
    for a in p.assumptions:
        console.print(f"• {a[lang]}")
    for i, r in enumerate(p.reasons):
        console.print(f"[bold]{r[lang]}[/]" if i == 0 else f"  {r[lang]}")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_cmd)
    app.command("plan")(plan_cmd)

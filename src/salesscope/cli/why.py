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
    from salesscope import locale
    from salesscope.advice.frames import member
    from salesscope.advice.texts import Num, Term, dim_value, render_why
    from salesscope.cli.screen import Grid, render
    from salesscope.formatting import change_text, unit_text

    ind = ws.model.indicators[w.kpi]
    name = ind.name_fa if lang == "fa" and ind.name_fa else ind.name_en
    unit = unit_text(w.unit, lang, ws.config.currency)

    def num(x, signed=False):
        return Num(x, w.unit, signed)

    def change(x):
        return change_text(x, w.unit, lang, ws.config.currency) or "—"

    def ci(pair):
        if not pair:
            return render_why("no_interval", lang)
        return locale.text("why.interval", lang, *(change(v) for v in pair))

    console.print(render_why("title", lang, kpi=name, period=w.period, before=num(w.before), after=num(w.after),
                             unit=unit, change=change(w.change), base=w.compared_with))
    for b in w.breakdowns:
        dim = Term(f"dim.{b.dimension}")
        d = b.decomposition
        if d is None:
            key = "reason.not_available" if (b.reason or "").startswith("not_available") else f"reason.{b.reason}"
            console.print(render_why(key, lang, dim=dim))
            continue
        console.print()
        console.print(render_why("effects", lang, dim=dim, mix=change(d.mix), mix_ci=ci(d.mix_ci),
                                 rate=change(d.rate), rate_ci=ci(d.rate_ci)))
        top = max(d.effects, key=lambda e: abs(e.mix) if d.cause == "mix" else abs(e.rate))
        who = member({b.dimension: top.member})
        if d.cause == "mix":
            console.print(render_why("cause.simpson" if b.simpson else "cause.mix", lang, member=who,
                                     before=Num(100 * top.share_before, "percent"), after=Num(100 * top.share_after, "percent")))
        else:
            console.print(render_why("cause.rate", lang, member=who, before=num(top.rate_before),
                                     after=num(top.rate_after), unit=unit))
        grid = Grid([render_why(f"col.{c}", lang) for c in ("member", "share", "rate", "mix", "rate_effect", "total")],
                    numeric={1, 2, 3, 4, 5}, lang=lang)
        for e in d.effects:
            grid.add(_fmt(dim_value(b.dimension, e.member), lang),
                     f"{_fmt(Num(100 * e.share_before, 'percent'), lang)} → {_fmt(Num(100 * e.share_after, 'percent'), lang)}",
                     f"{_fmt(num(e.rate_before), lang)} → {_fmt(num(e.rate_after), lang)}",
                     _fmt(num(e.mix, True), lang), _fmt(num(e.rate, True), lang), _fmt(num(e.total, True), lang))
        render(console, grid, wide=wide)


def _fmt(value, lang: str) -> str:
    from salesscope.advice.texts import fmt

    return fmt(value, lang)


def register(app: typer.Typer) -> None:
    app.command("why")(why)

"""``salesscope kpi`` and ``salesscope funnel``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesscope import locale
from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    console,
    open_workspace,
    resolve_lang,
)
from salesscope.cli.output import OPTIONS, check_output, kpi_grids, last_complete, write_frame
from salesscope.cli.progress import stage
from salesscope.cli.screen import Grid, render
from salesscope.formatting import digits, isolate, number, value_text

if TYPE_CHECKING:
    from salesscope.engine.indicators import Indicator
    from salesscope.workspace import Workspace

Grain = Annotated[str, typer.Option("--grain", "-g", help="day, week, month, quarter or year.")]
CalendarOpt = Annotated[str | None, typer.Option("--calendar", "-c", help="gregorian or jalali (default: the workspace's).")]
By = Annotated[str | None, typer.Option("--by", "-b", help="Comma-separated: team, rep, channel, campaign, product, segment.")]
From = Annotated[str | None, typer.Option("--from", help="First day, inclusive: ISO (2026-03-21) or Jalali (1405/01/01).")]
To = Annotated[str | None, typer.Option("--to", help="Last day, inclusive: ISO (2026-06-30) or Jalali (1405/04/09).")]
Format = Annotated[str, typer.Option("--format", "-f", help="table, csv, json or parquet.")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of the terminal.")]
Wide = Annotated[bool, typer.Option("--wide", help="The full table, however wide (for less -S or a file).")]
Lang = Annotated[str | None, typer.Option("--lang", help="en or fa (default: the workspace's language).")]


def kpi(
    ids: Annotated[list[str] | None, typer.Argument(metavar="ID", show_default=False, hidden=True)] = None,
    grain: Grain = "month", calendar: CalendarOpt = None, by: By = None, start: From = None, end: To = None,
    fmt: Format = "table", out: Out = None,
    list_: Annotated[bool, typer.Option("--list", help="List the indicators and exit.")] = False,
    explain_id: Annotated[str | None, typer.Option("--explain", help="Print the SQL an indicator compiles to.")] = None,
    details: Annotated[bool, typer.Option("--details", help="Add the extra columns some indicators carry.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Every period in the table (default: the last complete one, "
                                                     "or the --from/--to range).")] = False,
    wide: Wide = False,
    lang: Lang = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Compute indicators at any zoom: the IDs given (see --list), or all 15 and your own.

    The table shows the last complete period with its change and interval; --all shows every
    period, --from/--to a range. csv, json and parquet always hold every period.

    Example: salesscope kpi rrroi lgr --grain month --calendar jalali --by channel --from 2026-01-01
    """
    check_output(fmt, out, list_only=list_)
    ws = open_workspace(workspace, read_only=True)
    model = ws.model
    if list_:
        _list(model.indicators, fmt, resolve_lang(lang, ws), wide)
        return
    zoom = ws.zoom(grain=grain, calendar=calendar, by=by, start=start, end=end)
    if explain_id:
        from salesscope.engine.explain import explain

        console.print(explain(ws, explain_id, zoom), highlight=False, markup=False, soft_wrap=True)
        return
    with stage("kpis", resolve_lang(lang, ws)):
        df = ws.kpis(ids or None, zoom=zoom, details=details)
    if fmt == "table":
        lang = resolve_lang(lang, ws)
        names = model.names(lang)
        shown, period = (df, None) if all_ or start or end else last_complete(df)
        for grid in kpi_grids(shown, [str(d) for d in zoom.by], names, lang=lang, currency=ws.config.currency,
                              period=period):
            render(console, grid, wide=wide)
        if period and shown is not df:
            note = locale.text("cli.showing", lang, period=digits(period, lang), **OPTIONS)
            console.print(isolate(note, "rtl") if locale.is_rtl(lang) else note, style="dim", highlight=False)
        if out:
            write_frame(df, "csv", out)
        return
    text = write_frame(df, fmt, out)
    if text is not None:
        typer.echo(text)


LIST_HEADERS = ("id", "name", "unit", "direction", "tables", "breakdowns")  # cli.list.<header>


def _list(cat: Mapping[str, Indicator], fmt: str, lang: str, wide: bool) -> None:
    rows: list[dict[str, Any]] = [{"id": i.id, **{f"name_{code}": i.name(code) for code in locale.languages()},
                                   "stage": i.stage.value, "unit": i.unit.value,
                                   "direction": i.direction.value, "tables": [t.value for t in i.tables],
                                   "dimensions": sorted(d.value for d in i.dimensions), "formula": i.metric.words()}
                                  for i in cat.values()]
    if fmt == "json":
        import json

        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    grid = Grid([locale.text(f"cli.list.{h}", lang) for h in LIST_HEADERS], lang=lang)
    for r in rows:
        grid.add(r["id"], r[f"name_{lang}"], r["unit"],
                 r["direction"].replace("_is_better", ""), ", ".join(r["tables"]), ", ".join(r["dimensions"]) or "—")
    render(console, grid, wide=wide)


def funnel(
    grain: Grain = "month", calendar: CalendarOpt = None, by: By = None, start: From = None, end: To = None,
    fmt: Format = "table", out: Out = None, wide: Wide = False, lang: Lang = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Lead -> contacted -> qualified -> opportunity -> won, with conversion and drop-off; with
    --by stage, the deals' own pipeline stages, from a CRM's stage history, with time in stage.

    Example: salesscope funnel --grain quarter --by channel
    """
    import pandas as pd

    from salesscope.engine.funnel import funnel as run_funnel

    check_output(fmt, out)
    ws = open_workspace(workspace, read_only=True)
    if by == "stage":
        _stage_funnel(ws, fmt, out, wide, lang)
        return
    df = run_funnel(ws, zoom=ws.zoom(grain=grain, calendar=calendar, by=by, start=start, end=end))
    if fmt != "table":
        text = write_frame(df, fmt, out)
        if text is not None:
            typer.echo(text)
        return
    dims = [c for c in df.columns if c not in ("period", "period_start", "period_end", "stage", "count",
                                               "conversion", "drop_off", "note")]
    lang = resolve_lang(lang, ws)
    cols = [locale.text("cli.period", lang), *[locale.word("dim", d, lang) for d in dims],
            *[locale.text(f"cli.{c}", lang) for c in ("stage", "count", "conversion", "drop_off", "note")]]
    grid = Grid(cols, numeric={len(cols) - 4, len(cols) - 3, len(cols) - 2}, lang=lang)
    for r in df.to_dict(orient="records"):
        grid.add(digits(r["period"], lang), *[r[d] for d in dims], locale.word("funnel", r["stage"], lang),
                 "—" if pd.isna(r["count"]) else number(r["count"], lang, "count"),
                 "" if pd.isna(r["conversion"]) else value_text(r["conversion"], "percent", lang),
                 "" if pd.isna(r["drop_off"]) else value_text(r["drop_off"], "percent", lang),
                 locale.word("funnel", r["note"], lang) if isinstance(r["note"], str) and r["note"] else "")
    render(console, grid, wide=wide)


def _stage_funnel(ws: Workspace, fmt: str, out: Path | None, wide: bool, lang: str | None) -> None:
    import pandas as pd

    from salesscope.engine.stages import stage_funnel

    df = stage_funnel(ws)
    if fmt != "table":
        text = write_frame(df, fmt, out)
        if text is not None:
            typer.echo(text)
        return
    lang = resolve_lang(lang, ws)
    counts = ("reached", "moved_on", "undecided")
    cols = [locale.text("cli.stage", lang), *[locale.text(f"stages.{c}", lang) for c in counts],
            locale.text("cli.conversion", lang), *[locale.text(f"stages.{c}", lang) for c in
                                                   ("stays", "days_median", "days_mean")],
            locale.text("cli.note", lang)]
    grid = Grid(cols, numeric=set(range(1, 8)), lang=lang)
    for r in df.to_dict(orient="records"):
        grid.add(r["stage"], *["—" if pd.isna(r[c]) else number(r[c], lang, "count") for c in counts],
                 "" if pd.isna(r["conversion"]) else value_text(r["conversion"], "percent", lang),
                 number(r["stays"], lang, "count"),
                 *["" if pd.isna(r[c]) else value_text(r[c], "days", lang) for c in ("days_median", "days_mean")],
                 locale.text(f"stages.{r['note']}", lang) if isinstance(r["note"], str) else "")
    render(console, grid, wide=wide)


def register(app: typer.Typer) -> None:
    app.command("kpi")(kpi)
    app.command("funnel")(funnel)

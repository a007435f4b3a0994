"""``salesscope report`` and ``salesscope digest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

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
from salesscope.cli.failure import choose, writable_file
from salesscope.cli.progress import stage
from salesscope.formatting import digits, number

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
                     target=cast(float | None, target),  # the --target callback read it as a number
                     target_period=plan_period, sections=shown)
    written = out or Path(f"salesscope-report-{data.period}.{fmt}")
    with stage("write", lang, target=written):
        render(data, fmt, written)
    size = number(written.stat().st_size / 1e6, lang)
    console.print(locale.text("cli.wrote", lang, target=written, size=size, period=digits(data.period, lang)),
                  highlight=False)


def register(app: typer.Typer) -> None:
    app.command("report")(report)

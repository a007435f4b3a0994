"""``salesscope init``, ``salesscope import`` and ``salesscope demo``."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesscope import locale
from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    console,
    open_workspace,
)
from salesscope.cli.progress import stage
from salesscope.errors import UsageError
from salesscope.formatting import number
from salesscope.locale import Text

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


def init(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    currency: Annotated[str, typer.Option(help="ISO currency code of the money amounts.")] = "USD",
    calendar: Annotated[str, typer.Option(help="gregorian or jalali.")] = "gregorian",
    fiscal_year_start_month: Annotated[int, typer.Option(help="1-12, in the chosen calendar.")] = 1,
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Asia/Tehran.")] = "UTC",
    language: Annotated[str, typer.Option(help="en or fa.")] = "en",
) -> None:
    """Create a workspace (a folder with the DuckDB store and salesscope.yaml).

    Example: salesscope init -w acme --currency IRR --calendar jalali --timezone Asia/Tehran --language fa
    """
    import salesscope

    ws = salesscope.init(workspace, currency=currency, calendar=calendar, timezone=timezone,
                         fiscal_year_start_month=fiscal_year_start_month, language=language)
    lang = ws.config.language
    console.print(locale.text("workspace.ready", lang, path=ws.path, currency=ws.config.currency,
                              timezone=ws.config.timezone, calendar=Text(f"calendar.{ws.config.calendar.value}")),
                  highlight=False)


def import_(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", show_default=False, hidden=True)],
    table: Annotated[str | None, typer.Option("--table", "-t", help="Canonical table the files hold.")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Column-mapping YAML file.")] = None,
    preset: Annotated[str | None, typer.Option("--preset", "-p", help="A shipped mapping, e.g. hubspot-deals.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Load nothing if any row is rejected (exit 1).")] = False,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Only this sheet of an XLSX workbook.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Import CRM exports (CSV, TSV, XLSX, Parquet, JSON or JSON Lines FILEs) into the workspace;
    bad rows go to the quarantine with reasons.

    Example: salesscope import deals.csv --preset hubspot-deals
    """
    from salesscope.ingest import RejectedRowsError, import_files

    if mapping and preset:
        raise UsageError(Text("error.cli.mapping_or_preset"))
    ws = open_workspace(workspace)
    try:
        result = import_files(ws, files, table=table, mapping=mapping, preset=preset, strict=strict, sheet=sheet,
                              progress=fmt == "table")
    except RejectedRowsError as e:
        if fmt == "json":
            typer.echo(e.result.to_json())
        else:
            console.print(e.result.render_table(ws.config.language))
        raise
    if fmt == "json":
        typer.echo(result.to_json())
    else:
        console.print(result.render_table(ws.config.language))


def demo(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    seed: Annotated[int, typer.Option(help="Seed of the generator (same seed, same data).")] = 7,
    scale: Annotated[int | None, typer.Option(help="Number of activities (default about 200k).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an existing workspace's data.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="en or fa.")] = "en",
) -> None:
    """Build a demo workspace from generated data, through the same import path as your files.

    Example: salesscope demo -w demo-workspace
    """
    import salesscope
    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files

    started = time.perf_counter()
    if (workspace / "salesscope.yaml").exists():
        ws = salesscope.open(workspace)
        if any(ws.row_counts().values()):
            if not replace:
                raise UsageError(Text("error.cli.demo_over_data", workspace=workspace))
            ws.close()
            shutil.rmtree(workspace)
    ws = salesscope.init(workspace, exist_ok=True, name="SalesScope demo", language=lang)
    with tempfile.TemporaryDirectory(prefix="salesscope-demo-") as tmp:
        with stage("demo", lang):
            files = write_demo_files(Path(tmp), seed=seed, scale=scale)
        result = import_files(ws, files, progress=True)
    console.print(result.render_table(lang))
    console.print(locale.text("workspace.demo_ready", lang, path=ws.path,
                              seconds=number(time.perf_counter() - started, lang)),
                  highlight=False)
    _show_last_month(ws, lang)


NEXT = "salesscope advise · salesscope report --format html --out report.html · salesscope serve"


def _show_last_month(ws: Workspace, lang: str) -> None:
    """The 15 indicators for the last month the data covers whole and their change, then the top findings."""
    from salesscope.cli.output import kpi_grids, last_complete
    from salesscope.cli.screen import render

    df, period = last_complete(ws.kpis(None, grain="month"))
    names = ws.model.names(lang)
    for grid in kpi_grids(df, [], names, lang=lang, currency=ws.config.currency, period=period):
        render(console, grid)
    from salesscope.advice import findings
    from salesscope.cli.advise import findings_grid

    found = findings(ws, grain="month", lang=lang)[:5]
    console.print("[bold]" + locale.text("cli.top_findings", lang) + "[/]")
    render(console, findings_grid(found, lang))
    console.print(locale.text("cli.next_steps", lang, commands=NEXT), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("demo")(demo)

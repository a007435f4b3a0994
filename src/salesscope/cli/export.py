"""``salesscope export``: copy a workspace's canonical tables to a warehouse another engine reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesscope.cli.common import (
    DEFAULT_WORKSPACE,
    WorkspaceOpt,
    console,
    open_workspace,
    resolve_lang,
)
from salesscope.locale import Text

TARGETS = ("parquet", "spark", "postgres")


def export(
    to: Annotated[str, typer.Option("--to", help="parquet (a folder), spark (a Spark warehouse folder) or postgres.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="The folder (parquet, spark).")] = None,
    database: Annotated[str | None, typer.Option("--database", help="Spark or PostgreSQL database.")] = None,
    host: Annotated[str, typer.Option("--host", help="PostgreSQL host.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="PostgreSQL port.")] = 5432,
    user: Annotated[str, typer.Option("--user", help="PostgreSQL user (password from PGPASSWORD).")] = "postgres",
    schema: Annotated[str | None, typer.Option("--schema", help="PostgreSQL schema.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="en or fa (default: the workspace's).")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Copy the workspace's tables to a warehouse: Parquet files, a Spark warehouse or PostgreSQL.

    Exports are incremental: a table gets only its new rows (one more file, or rows appended in
    PostgreSQL), is left alone when unchanged, and is rewritten only when stored rows changed.

    Example: salesscope export --to spark --out /shared/warehouse --database sales
    """
    from salesscope import locale
    from salesscope.cli.failure import choose
    from salesscope.cli.screen import Grid, render
    from salesscope.errors import UsageError
    from salesscope.formatting import number

    target = choose(to, TARGETS, "--to")
    if target != "postgres" and out is None:
        raise UsageError(Text("export.needs_out", target=target, option="--out FOLDER"))
    ws = open_workspace(workspace, read_only=True)
    lang = resolve_lang(lang, ws)
    if target == "postgres":
        from salesscope.backends import export_postgres
        from salesscope.config import BackendConfig

        cfg = BackendConfig(kind="postgres", host=host, port=port, user=user, database=database, schema=schema)
        done = export_postgres(ws, cfg)
    else:
        from salesscope.backends import export_parquet

        assert out is not None
        done = export_parquet(ws, out, database if target == "spark" else None)
    grid = Grid([locale.text("export.table", lang), locale.text("export.rows", lang), locale.text("export.how", lang)],
                numeric={1}, title=locale.text("export.title", lang, target=target), lang=lang)
    for table, (rows, how) in done.items():
        grid.add(table, number(rows, lang, "count"), locale.text(f"export.{how}", lang))
    render(console, grid)
    if target == "spark":
        snippet = (f"backend: {{kind: spark, master: spark://HOST:PORT, warehouse: {out.absolute() if out else ''}, "
                   f"database: {database or 'default'}}}")
        console.print(locale.text("export.spark_hint", lang, target="Spark", config="salesscope.yaml", snippet=snippet),
                      highlight=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export)

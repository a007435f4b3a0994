"""``salesscope bench``: measure import and the 15 indicators against pandas, PostgreSQL and SQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from salesscope.cli.common import console, err_console


def register(app: typer.Typer) -> None:
    @app.command()
    def bench(
        scale: Annotated[list[int] | None, typer.Option(
            "--scale", min=1000, help="Demo activities to generate (default 10,000,000); give it several "
                                      "times for the cost curve: --scale 100000 --scale 1000000")] = None,
        out: Annotated[Path | None, typer.Option("--out", help="Write the measurements to this JSON file.")] = None,
        skip: Annotated[list[str] | None, typer.Option(
            "--skip", help="Leave a step out: import, read_files, engine, engine_single, engine_batch, duckdb_sql, pandas, "
                           "engine_subset, polars, postgres (give it several times).")] = None,
        skip_postgres: Annotated[bool, typer.Option("--skip-postgres", help="Same as --skip postgres.")] = False,
        spark_cluster: Annotated[bool, typer.Option(
            "--spark-cluster", help="Also measure a local Spark standalone cluster (a master and two workers).")] = False,
        workspace: Annotated[Path | None, typer.Option(
            "--workspace", "-w", help="Folder for the benchmark's data (reused if it holds a previous run).")] = None,
    ) -> None:
        """Benchmark: import throughput; the 15 indicators by month x channel x rep through the engine,
        plain pandas, PostgreSQL, a Spark cluster and hand-written DuckDB SQL; peak memory; agreement
        of the numbers. A --workspace folder that holds an earlier run is resumed."""
        from salesscope.bench import DEFAULT_SCALE, STEPS, run
        from salesscope.cli.failure import choose

        skipped = [choose(s, STEPS, "--skip") for s in skip or []] + (["postgres"] if skip_postgres else [])
        scales = scale or [DEFAULT_SCALE]
        reports = []
        for n in scales:
            folder = workspace / f"scale-{n}" if workspace and len(scales) > 1 else workspace
            reports.append(run(scale=n, workdir=folder, skip=skipped, spark_cluster=spark_cluster,
                               say=lambda m: err_console.print(m, style="dim", highlight=False, soft_wrap=True)))
            _print(reports[-1])
        if len(reports) > 1:
            _print_curve(reports)
        if out:
            result = reports[0] if len(reports) == 1 else {"curve": reports}
            out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
            console.print(f"written to {out}")


def _print(report: dict) -> None:
    steps, summary = report["steps"], report["summary"]
    eng = steps["engine"]["seconds"] if "engine" in steps else None
    table = Table(title=f"SalesScope benchmark, {report['scale']:,} activities")
    for col in ("step", "seconds", "x engine", "peak memory (MB)", "with its servers (MB)", "same numbers"):
        table.add_column(col, justify="left" if col == "step" else "right")
    rows = {"generate": report["generate"]} if "generate" in report else {}
    for name, st in steps.items():
        if name in report.get("loads", {}):
            rows[f"{name} (load)"] = report["loads"][name]
        rows[name] = st
    for name, st in rows.items():
        agree = report["agreement"].get(name)
        same = "" if agree is None else ("yes" if agree["same"] else "NO")
        ratio = f"{st['seconds'] / eng:.2f}" if eng and name in steps and name not in ("import", "read_files") else ""
        table.add_row(name, f"{st['seconds']:.2f}", ratio, f"{st['peak_rss'] / 2**20:,.0f}",
                      f"{st.get('peak_rss_all', st['peak_rss']) / 2**20:,.0f}", same)
    console.print(table)
    for k, v in summary["targets"].items():
        mark = "[green]met[/]" if v["met"] else "[red]missed[/]"
        console.print(f"{k}: {summary[k]} (target {v['target']}) {mark}")
    for name, a in report["agreement"].items():
        if not a["same"]:
            console.print(f"[red]{name} differs from the engine:[/] {a['problems']}")


def _print_curve(reports: list[dict]) -> None:
    """Seconds per contender at each scale, side by side: how each one grows."""
    names = list(dict.fromkeys(n for r in reports for n in r["steps"]))
    table = Table(title="Cost curve: seconds per contender")
    table.add_column("activities", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    for r in reports:
        table.add_row(f"{r['scale']:,}", *(f"{r['steps'][n]['seconds']:.2f}" if n in r["steps"] else ""
                                           for n in names))
    console.print(table)

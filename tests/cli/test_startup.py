"""The commands that only print (``--version``, ``--help``, ``kpi --list``) start without loading the
data stack: which modules a fresh process imports is checked, not how long it takes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import salesscope
from salesscope import cli

# Libraries that cost a second or more to import between them; none is needed to print.
HEAVY = ("numpy", "pandas", "pyarrow", "ibis", "sqlglot", "duckdb", "polars", "scipy", "statsmodels", "plotly",
         "fastapi", "starlette", "uvicorn", "jinja2", "openpyxl", "weasyprint", "pyspark", "psycopg")

CONFIG = """\
indicators:
  - id: meetings_per_lead
    name_en: Meetings per lead
    name_fa: جلسه به ازای هر سرنخ
    kind: ratio
    measures:
      - {table: activities, agg: count, where: {kind: meeting}}
      - {table: leads, agg: count}
"""


def imported(*args: str) -> tuple[str, set[str]]:
    """Run ``salesscope ARGS`` in a new interpreter; its stdout and the top-level packages it imported."""
    src = str(Path(salesscope.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "salesscope", *args],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in r.stderr.splitlines() if line.startswith("import time:") and "|" in line}
    assert "salesscope" in names  # the report was read
    return r.stdout, names


# Runs the command line, then prints the names of the modules it loaded.
LOADED = """
import atexit, sys
atexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr))
from salesscope.cli import main
main()
"""


def loaded(*args: str) -> set[str]:
    """The modules ``salesscope ARGS`` loads in a new interpreter."""
    src = str(Path(salesscope.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return set(r.stderr.split())


@pytest.mark.parametrize("args", [("--version",), ("--help",)])
def test_printing_commands_import_no_data_library(args):
    out, names = imported(*args)
    assert "salesscope" in out
    assert sorted(names & set(HEAVY)) == []


def test_kpi_list_imports_no_data_library(make_ws):
    ws = make_ws()
    (ws.path / "salesscope.yaml").write_text(CONFIG, encoding="utf-8")
    ws.close()
    out, names = imported("kpi", "--list", "--format", "json", "-w", str(ws.path))
    assert '"win_rate"' in out and '"meetings_per_lead"' in out  # built-in and the workspace's own
    assert sorted(names & set(HEAVY)) == []
    # a command loads its own module, not the other commands'
    commands = {n for n in loaded("kpi", "--list", "-w", str(ws.path))
                if n.removeprefix("salesscope.cli.") in cli.COMMANDS}
    assert commands == {"salesscope.cli.kpi"}


@pytest.mark.parametrize("module", list(cli.COMMANDS))
def test_each_command_module_registers_the_commands_named_for_it(module):
    """The command-to-module map that lets a command load only its own module is the truth."""
    group = typer.main.get_command(cli.build_app((module,)))
    assert sorted(group.commands) == sorted(cli.COMMANDS[module])


def test_the_full_app_has_every_command_once():
    group = typer.main.get_command(cli.app)
    assert sorted(group.commands) == sorted(n for names in cli.COMMANDS.values() for n in names)

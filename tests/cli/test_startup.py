"""The commands that only print (``--version``, ``--help``, ``kpi --list``) start without loading the
data stack: which modules a fresh process imports is checked, not how long it takes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import salesscope

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

"""``salesscope advise`` on the demo: the ten most valuable findings, what is left said in one line, 80 columns."""

from __future__ import annotations

from rich.cells import cell_len
from typer.testing import CliRunner

from salesscope.cli import app


def test_ten_findings_then_how_many_more(demo_ws):
    r = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["advise", "--period", "2026-03", "-w", str(demo_ws.path)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    total = len(CliRunner().invoke(app, ["advise", "--period", "2026-03", "--all", "--format", "json",
                                         "-w", str(demo_ws.path)]).output.split('"kind"')) - 1
    assert total > 10
    assert lines[-1] == f"{total - 10} more (--all)"
    fa = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["advise", "--period", "2026-03", "--lang", "fa",
                                                       "-w", str(demo_ws.path)])
    assert fa.output.splitlines()[-1].endswith("یافتهٔ دیگر (--all)")

"""``salesscope advise`` on the demo: the ten most valuable findings, what is left said in one line, 80 columns."""

from __future__ import annotations

import json

from rich.cells import cell_len
from typer.testing import CliRunner

from salesscope.cli import app


def test_ten_findings_then_how_many_more(demo_ws, month_findings):
    """The last full month as of ``--today`` (March), ranked as the advice engine ranks it."""
    from .conftest import TODAY

    def advise(*args: str) -> str:
        r = CliRunner(env={"COLUMNS": "80"}).invoke(
            app, ["advise", "--today", TODAY.isoformat(), *args, "-w", str(demo_ws.path)])
        assert r.exit_code == 0, r.output
        return r.stdout

    total = len(month_findings)
    assert total > 10
    lines = advise().splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[-1] == f"{total - 10} more (--all)"
    every = json.loads(advise("--period", "2026-03", "--all", "--format", "json"))
    assert [f["advice_en"] for f in every] == [f.advice_en for f in month_findings]
    fa = advise("--period", "2026-03", "--lang", "fa")
    more = fa.splitlines()[-1]
    assert more.endswith(" یافتهٔ دیگر (--all)")
    assert int(more.split()[0].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) == total - 10


def test_report_shows_the_top_findings_and_counts_the_rest(demo_ws, month_findings):
    """The report ranks like ``advise``: its ten most valuable findings, in order, and how many more."""
    from salesscope.advice import TOP
    from salesscope.report.builder import build
    from salesscope.report.html import render_html

    from .conftest import TODAY

    ranked = month_findings
    data = build(demo_ws, lang="en", sections=["advice"], today=TODAY)
    assert len(ranked) > TOP
    shown = data.advice() + data.warnings()
    assert len(shown) == TOP
    assert sorted(f["advice_en"] for f in shown) == sorted(f.advice_en for f in ranked[:TOP])
    html = render_html(data)
    assert html.count('<li class="finding') == TOP
    assert f"{len(ranked) - TOP} more findings" in html and "advise --all" in html

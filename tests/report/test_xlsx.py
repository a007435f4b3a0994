"""The workbook read back with openpyxl: typed cells, formats, frozen headers, escaped user text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sample import sample_report

from salesscope.report import render


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_workbook_cells_are_typed_and_safe(lang: str, tmp_path: Path) -> None:
    data = sample_report(lang)
    out = render(data, "xlsx", tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(out)
    stages = [s for s, _ in data.stages()]
    assert len(wb.sheetnames) == len(stages) + 3  # + funnel, advice, data quality
    seen_kpis: set[str] = set()
    for ws in wb.worksheets[: len(stages)]:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert bool(ws.sheet_view.rightToLeft) == (lang == "fa")
        header = [c.value for c in ws[1]]
        assert header[:5] == ["indicator", "kpi", "period", "period_start", "period_end"]
        col = {name: i for i, name in enumerate(header)}
        for row in ws.iter_rows(min_row=2):
            seen_kpis.add(row[col["kpi"]].value)
            start = row[col["period_start"]]
            assert isinstance(start.value, dt.datetime) and start.number_format == "yyyy-mm-dd"
            value = row[col["value"]]
            if value.value is not None:
                assert value.data_type == "n" and isinstance(value.value, float)
                if row[col["unit"]].value == "percent":
                    assert value.number_format in ('#,##0.0"%"', '#,##0.00"%"', '#,##0.0"٪"', '#,##0.00"٪"')
            else:  # undefined stays empty, with its reason beside it
                assert row[col["reason"]].value
            assert row[col["n"]].data_type == "n"
    assert seen_kpis == {i.id for i in data.indicators}
    # A channel label from user data that looks like a formula is stored as quoted text.
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    cells = [r[header.index("channel")] for r in ws.iter_rows(min_row=2) if r[header.index("channel")].value]
    evil = [c for c in cells if str(c.value).startswith("=")]
    assert evil and all(c.data_type == "s" and c.quotePrefix for c in evil)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    advice = wb.worksheets[len(stages) + 1]
    assert advice.freeze_panes == "A2"
    assert [c.value for c in advice[2]][:3] == [1, "advice", "rrroi"]
    text = advice.cell(2, 7).value
    assert text == (data.findings[0]["advice_fa"] if lang == "fa" else data.findings[0]["advice_en"])
    funnel = wb.worksheets[len(stages)]
    counts = [r[list(c.value for c in funnel[1]).index("count")].value for r in funnel.iter_rows(min_row=2)]
    assert counts == [1200, 950, 400, 180, 60]

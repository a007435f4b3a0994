"""Deals without an amount: counted, left out and named; no amount at all makes the forecast undefined."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from salesscope.errors import QueryError
from salesscope.forecast import forecast
from salesscope.report.builder import build
from salesscope.report.html import render_html

START = dt.datetime(2025, 6, 2, 10)


def deals_ws(make_ws, rows: list[dict]):
    return make_ws({"opportunities": pd.DataFrame(rows).astype({"amount": "float64"})})


def history(n: int = 60, amount=lambda i: 1000.0 + 10 * i) -> list[dict]:
    """Deals created every 5 days from June 2025, closed 20 days later, two won for each lost."""
    out = []
    for i in range(n):
        created = START + dt.timedelta(days=5 * i)
        out.append({"opportunity_id": f"H{i:02d}", "created_at": created, "closed_at": created + dt.timedelta(days=20),
                    "status": "lost" if i % 3 == 0 else "won", "amount": amount(i), "rep_id": "r1"})
    return out


def open_deals(amounts: list[float | None], probability: float = 0.5) -> list[dict]:
    last = START + dt.timedelta(days=5 * 59)
    return [{"opportunity_id": f"OPEN{i}", "created_at": last - dt.timedelta(days=i), "status": "open",
             "amount": a, "probability": probability, "rep_id": "r1"} for i, a in enumerate(amounts)]


HALF = [2000.0, None, 3000.0, None, 4000.0, None, 5000.0, None]


def test_open_deals_without_amount_are_left_out_and_named(make_ws):
    missing = deals_ws(make_ws, history() + open_deals(HALF))
    # The same deals at amount 0 are valued at nothing: the pipeline must come out the same.
    zero = deals_ws(make_ws, history() + open_deals([0.0 if a is None else a for a in HALF]))
    got = forecast(missing, periods=2, track_record=False)
    ref = forecast(zero, periods=2, track_record=False)
    assert got.attrs["method"] == "history"
    assert got.attrs["unvalued"] == ["OPEN1", "OPEN3", "OPEN5", "OPEN7"]
    assert got["open_deals"].iloc[0] == 4  # the valued ones
    assert got["from_pipeline"].to_numpy() == pytest.approx(ref["from_pipeline"].to_numpy())
    assert got["from_pipeline"].sum() > 0


def test_stated_probabilities_count_only_deals_with_an_amount(make_ws):
    """Too little history: each valued open deal at its stated probability, in the first period."""
    ws = deals_ws(make_ws, history(5) + open_deals(HALF, probability=0.25))
    df = forecast(ws, periods=2, track_record=False)
    assert df.attrs["method"] == "stated_probability"
    assert df["from_pipeline"].iloc[0] == pytest.approx(0.25 * (2000 + 3000 + 4000 + 5000))


def test_no_amount_at_all_leaves_the_forecast_undefined(make_ws):
    ws = deals_ws(make_ws, history(amount=lambda i: None) + open_deals([None] * 4))
    with pytest.raises(QueryError, match="no_amounts") as err:
        forecast(ws, periods=2)
    assert "64" in str(err.value) and err.value.message_fa


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_report_on_half_and_on_no_amounts(make_ws, tmp_path, lang):
    half = deals_ws(make_ws, history() + open_deals(HALF))
    data = build(half, lang=lang, grain="month", sections=["indicators", "forecast"])
    html = render_html(data)
    assert "OPEN1, OPEN3, OPEN5, OPEN7" in html
    assert ("have no amount" if lang == "en" else "مبلغی ندارند") in html
    none = deals_ws(make_ws, history(amount=lambda i: None) + open_deals([None] * 4))
    data = build(none, lang=lang, grain="month", sections=["indicators", "forecast"])
    assert data.outlook.frame is None and "no_amounts" in data.outlook.reason
    html = render_html(data)
    assert "no_amounts" in html and ("No forecast" if lang == "en" else "پیش‌بینی ممکن نیست") in html


def test_report_sections_leave_parts_out(make_ws, tmp_path, capsys):
    from salesscope.cli import app

    ws = deals_ws(make_ws, history() + open_deals(HALF))
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", "-w", str(ws.path), "--sections", "indicators,quality",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert 'id="data-quality"' in html and 'id="opportunities"' in html
    assert 'id="forecast"' not in html and 'id="funnel"' not in html and 'id="advice"' not in html
    xlsx = tmp_path / "r.xlsx"
    res = CliRunner().invoke(app, ["report", "-w", str(ws.path), "--format", "xlsx", "--sections", "forecast",
                                   "--out", str(xlsx)])
    assert res.exit_code == 0, res.output
    import openpyxl

    assert openpyxl.load_workbook(xlsx).sheetnames == ["Forecast"]
    from salesscope.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["report", "-w", str(ws.path), "--sections", "indicators,charts"])
    said = capsys.readouterr().err
    assert ended.value.code == 2 and "'charts'" in said and "indicators, funnel" in said

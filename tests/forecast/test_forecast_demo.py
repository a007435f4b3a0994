"""The forecast on the demo company: calibrated probabilities, honest intervals, the public shapes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from salesscope.forecast import api, backtest, data, forecast
from salesscope.vocab import Calendar, Grain


@pytest.fixture(scope="module")
def team_deals(demo_ws):
    return data.deals(demo_ws, "team", "product")


def test_win_probabilities_agree_with_realised_rates_by_decile(demo_ws, team_deals):
    cal = backtest.calibration(team_deals, data_end=api.data_now(team_deals), horizon_days=90)
    assert len(cal) == 10 and cal["n"].min() >= 50
    # Each decile's mean prediction lies in the Wilson 95% interval of its realised win rate.
    assert cal["within"].all(), cal.to_string()
    # And the model discriminates: the top decile's deals win more often than the bottom's.
    assert cal["realised"].iloc[-1] > cal["realised"].iloc[0]


def test_raw_backtest_scores_the_simulation(demo_ws, team_deals):
    bt = backtest.backtest(team_deals, periods=3, grain=Grain.MONTH, calendar=Calendar.GREGORIAN, fiscal_start=1,
                           data_end=api.data_now(team_deals))
    rec = backtest.track_record(bt)
    # The simulation's own bands, before calibration (test_bands.py holds the calibrated ones to 70-90 / 88-99).
    assert rec["n"] >= 60
    assert 50 <= rec["coverage_80"] <= 95, rec
    assert rec["coverage_95"] >= rec["coverage_80"]


def test_forecast_frame_has_intervals_in_order(demo_ws):
    df = forecast(demo_ws, periods=2, grain="quarter", calendar="jalali", by="team", track_record=False, sims=500)
    assert list(df.columns[:4]) == ["period", "period_start", "period_end", "team"]
    assert set(df["team"]) == {"North", "South", "Tehran"}
    assert df["period"].str.match(r"^14\d\d-Q[1-4]$").all()
    assert ((df["low_95"] <= df["low_80"]) & (df["low_80"] <= df["expected"]) &
            (df["expected"] <= df["high_80"]) & (df["high_80"] <= df["high_95"])).all()
    parts = df["won_to_date"] + df["from_pipeline"] + df["from_run_rate"] + df["from_track_record"]
    assert ((df["expected"] - parts).abs() <= 0.1 * df["expected"] + 1).all()
    assert df.attrs["method"] == "history"


def test_cli_forecast_json_carries_rows_and_track_record(demo_ws):
    from salesscope.cli import app

    res = CliRunner().invoke(app, ["forecast", "-w", str(demo_ws.path), "--periods", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)  # progress lines go to stderr
    assert len(out["rows"]) == 2 and out["track_record"]["n"] > 0
    assert {"expected", "low_80", "high_80", "low_95", "high_95"} <= set(out["rows"][0])

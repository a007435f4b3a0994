"""The forecast on an Odoo database read in place: calibrated by stage and time in stage, backtested
against the stage-less method on the same origins; without a stage history, stage-less, saying why.

The Odoo database holds odoo_pipeline.py's two and a half years of opportunities, where a deal's
stage says much about how it ends and its age little.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import salesscope
from salesscope.cli import app
from salesscope.forecast import forecast
from salesscope.forecast.texts import compared_text, method_text

from . import odoo_db
from .odoo_pipeline import pipeline_sql

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pipeline_ws(pg_server, tmp_path_factory):
    cfg = pg_server.create_database("odoo_pipeline")
    odoo_db.create(cfg, "17.0", pipeline_sql("17.0"))
    backend = cfg.model_dump(by_alias=True) | {"schema": "salesscope", "crm_mapping": "odoo"}
    ws = salesscope.init(tmp_path_factory.mktemp("odoo-pipeline") / "ws", backend=backend)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def staged(pipeline_ws):
    return forecast(pipeline_ws, periods=3, grain="month", sims=1000)


def test_the_forecast_uses_the_stage_history(staged):
    a = staged.attrs
    assert a["method"] == "stage_and_age"
    assert a["n_open"] > 20 and a["n_staged"] == a["n_open"]  # every open deal has a stage with history
    assert a["n_stage_closed"] > 500
    assert "no_stage_history" not in a["notes"]
    assert "same stage for as long" in method_text(a, "en")
    assert "همان مرحله" in method_text(a, "fa")


def test_the_stage_method_beats_the_stage_less_one_on_the_same_origins(staged):
    used, other = staged.attrs["track_record"], staged.attrs["compared"]["track_record"]
    assert staged.attrs["compared"]["method"] == "history"
    assert used["origins"] == other["origins"] and used["n"] == other["n"] >= 30
    # deal by deal, the chance of a win within the forecast's periods: clearly closer by stage
    assert used["brier"] < other["brier"] - 0.02
    # and so the revenue: a smaller weighted error, with bands that still hold
    assert used["wape"] < other["wape"]
    assert used["coverage_80"] >= 70 and used["coverage_95"] >= 85
    for lang, words in (("en", "without stages"), ("fa", "بدون مرحله")):
        assert words in compared_text(staged.attrs, lang)


def test_the_api_says_which_method_and_compares(staged):
    from salesscope.web.api_forecast import forecast_payload

    body = forecast_payload(staged, "EUR")
    assert body["method"] == "stage_and_age" and body["compared"]["method"] == "history"
    assert "same stage for as long" in body["texts"]["method"]["en"]
    assert "بدون مرحله" in body["texts"]["compared"]["fa"]
    # the scores as every surface writes them, for both methods
    assert body["track_record"]["display"]["en"]["all"]["wape"].endswith("%")
    assert body["compared"]["track_record"]["display"]["fa"]["all"]["wape"].endswith("٪")


def test_without_a_stage_history_the_forecast_is_stage_less_and_says_why(pipeline_ws, make_ws):
    """The same deals as an export would give them: no stage history."""
    deals = pipeline_ws.backend.execute(pipeline_ws.backend.table("opportunities"))
    cols = ["opportunity_id", "created_at", "closed_at", "status", "stage", "amount", "probability", "rep_id"]
    ws = make_ws({"opportunities": deals[cols].to_dict("records")})
    df = forecast(ws, periods=3, grain="month", track_record=False, sims=500)
    assert df.attrs["method"] == "history" and "no_stage_history" in df.attrs["notes"]
    assert df.attrs["n_staged"] == 0
    assert "Stage is not used: the store keeps no stage history" in method_text(df.attrs, "en")
    res = CliRunner().invoke(app, ["forecast", "-w", str(ws.path), "--periods", "1", "--lang", "fa"])
    assert res.exit_code == 0, res.output
    assert "مرحله به کار نرفته است" in " ".join(res.stdout.split()), res.stdout

"""Forecast and plan over the REST API: every role, the error shape, and a rep seeing only their deals."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

import salesscope
from salesscope.forecast import forecast
from salesscope.forecast.texts import both
from salesscope.web.api_forecast import forecast_payload

FAST = "track_record=false"
PLAN = "/api/v1/plan?target=400000&period=2026-Q3"


def sql(ws, query: str) -> list:
    """The first column of a query on the store, read beside the app."""
    return [r[0] for r in ws.duckdb.execute(query).fetchall()]


def assert_error(r, status: int, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    if code:
        assert body["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/forecast", PLAN])
def test_anonymous_gets_401(app, path):
    with TestClient(app) as c:
        assert_error(c.get(path), 401, "unauthorized")


def test_openapi_documents_forecast_and_plan(app):
    with TestClient(app) as c:
        doc = c.get("/openapi.json").json()
    fc = {p["name"] for p in doc["paths"]["/api/v1/forecast"]["get"]["parameters"]}
    assert {"periods", "grain", "calendar", "by", "track_record"} <= fc
    pl = {p["name"] for p in doc["paths"]["/api/v1/plan"]["get"]["parameters"]}
    assert {"target", "period", "by", "calendar"} <= pl


def test_admin_forecast_with_track_record(as_role):
    c, _ = as_role("boss")
    body = c.get("/api/v1/forecast?periods=3").json()
    assert [r["period"] for r in body["rows"]] == ["2026-04", "2026-05", "2026-06"]
    for r in body["rows"]:
        assert r["low_95"] <= r["low_80"] <= r["expected"] <= r["high_80"] <= r["high_95"]
    track = body["track_record"]
    assert track["n"] > 0 and 0 <= track["coverage_80"] <= 100
    assert set(body["texts"]) == {"method", "track"}
    assert all(set(t) == {"en", "fa"} for t in body["texts"].values())
    assert re.search("[۰-۹]", body["texts"]["track"]["fa"]) and "MAPE" in body["texts"]["track"]["en"]


def test_forecast_jalali_quarters_and_cache(as_role, app):
    c, _ = as_role("boss")
    url = f"/api/v1/forecast?periods=2&grain=quarter&calendar=jalali&by=team&{FAST}"
    first = c.get(url).json()
    assert {r["period"] for r in first["rows"]} == {"1405-Q1", "1405-Q2"}
    assert {r["team"] for r in first["rows"]} >= {"North", "South"}
    assert first["track_record"] is None and set(first["texts"]) == {"method"}
    assert c.get(url).json() == first  # served from the cache keyed on the last import


@pytest.mark.parametrize("user", ["boss", "north", "r01"])
def test_every_role_gets_forecast_and_plan(as_role, demo_ws, user):
    c, _ = as_role(user)
    r = c.get(f"/api/v1/forecast?by=rep&{FAST}")
    assert r.status_code == 200, r.text
    reps = {row["rep"] for row in r.json()["rows"]}
    everyone = {row["rep"] for row in as_role("boss")[0].get(f"/api/v1/forecast?by=rep&{FAST}").json()["rows"]}
    assert everyone >= set(sql(demo_ws, "SELECT rep_id FROM opportunities WHERE status = 'open'"))
    # the admin's reps that are the user's people (read from the store), and no one else
    mine = {"boss": "true", "north": "team = 'North'", "r01": "rep_id = 'R01'"}[user]
    assert reps == everyone & set(sql(demo_ws, f"SELECT rep_id FROM reps WHERE {mine}"))
    assert len(reps) >= {"boss": 10, "north": 2, "r01": 1}[user]
    p = c.get(PLAN)
    assert p.status_code == 200, p.text
    body = p.json()
    assert body["period"] == "2026-Q3" and body["target"] == 400000
    # 400,000 is about twenty times what is won and open for the quarter: far more leads than any quarter
    # brought (over twice the best is out of reach), whoever asks.
    leads = body["needs"]["leads"]
    assert leads["value"] > 5 * leads["last_period"] > 0
    assert body["reachable"] is False
    assert body["reasons"][0] == both("out_of_reach")
    assert any(f"It needs {round(leads['value']):,} leads, more than twice" in r["en"] for r in body["reasons"][1:])
    assert body["assumptions"] and all(set(a) == {"en", "fa"} for a in body["assumptions"])


def test_rep_forecast_is_the_forecast_of_their_own_deals(as_role, demo_ws, tmp_path):
    """The rep's numbers equal the forecast of a store holding only the rep's opportunities."""
    c, _ = as_role("r01")
    got = c.get(f"/api/v1/forecast?periods=3&{FAST}").json()
    alone = salesscope.init(tmp_path / "r01-only")
    try:
        for table, where in (("opportunities", "rep_id = 'R01'"), ("reps", "true")):
            df = demo_ws.duckdb.execute(f"SELECT * FROM {table} WHERE {where}").df()
            alone.duckdb.register("_rows", df)
            alone.duckdb.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
            alone.duckdb.unregister("_rows")
        own = forecast(alone, periods=3, as_of=dt.date.fromisoformat(got["as_of"]), track_record=False)
    finally:
        alone.close()
    assert got["rows"] == forecast_payload(own, demo_ws.config.currency)["rows"]
    assert got["n_closed"] == own.attrs["n_closed"]

    everyone = as_role("boss")[0].get(f"/api/v1/forecast?periods=3&{FAST}").json()
    assert everyone["as_of"] == got["as_of"]
    assert sum(r["expected"] for r in got["rows"]) < sum(r["expected"] for r in everyone["rows"])


def test_a_target_already_covered_is_reachable(as_role):
    """A target below what the open pipeline is expected to bring leaves nothing to find: reachable."""
    body = as_role("boss")[0].get("/api/v1/plan?target=1&period=2026-Q3").json()
    assert body["pipeline_expected"] > 1 and body["gap"] == 0
    assert body["reachable"] is True and body["reasons"] == [both("reachable")]


def test_plan_scope_shrinks_consistently(as_role):
    """A rep's plan rests on exactly their own slice: the admin's per-rep plan shows the same base."""
    mine = as_role("r01")[0].get(PLAN).json()
    split = as_role("boss")[0].get(PLAN + "&by=rep").json()
    part = next(p for p in split["parts"] if p["group"] == "R01")
    for k in ("wins", "opportunities", "leads", "outreach"):
        assert mine["needs"][k]["last_period"] == part["needs"][k]["last_period"], k
    team = as_role("north")[0].get(PLAN + "&by=rep").json()
    assert {p["group"] for p in team["parts"]} == {"R01", "R02", "R03", "R04"}
    admin = {p["group"]: p for p in split["parts"]}
    def base(part):
        return {k: need["last_period"] for k, need in part["needs"].items()}

    for p in team["parts"]:  # each of the manager's reps rests on the same base as in the admin's split
        assert base(p) == base(admin[p["group"]]), p["group"]
    assert sum(base(p).get("leads", 0) for p in team["parts"]) > 0


def test_plan_in_jalali_and_errors(as_role):
    c, _ = as_role("north")
    r = c.get("/api/v1/plan?target=300000&period=۱۴۰۵-Q2&calendar=jalali")
    assert r.status_code == 200, r.text
    assert r.json()["period"] == "1405-Q2" and r.json()["period_start"] == "2026-06-22"
    assert_error(c.get("/api/v1/plan?target=100&period=2020-Q1"), 400, "query_error")
    assert_error(c.get("/api/v1/plan?target=100&period=soon"), 400)
    assert_error(c.get("/api/v1/plan?target=0&period=2026-Q3"), 400, "usage_error")
    typed = c.get("/api/v1/plan?target=۳۰۰٬۰۰۰&period=۱۴۰۵-Q2&calendar=jalali")  # Persian digits are read
    assert typed.status_code == 200 and typed.json()["target"] == 300000
    assert_error(c.get("/api/v1/forecast?by=product"), 422, "invalid_request")
    assert_error(c.get("/api/v1/forecast?periods=0"), 422, "invalid_request")

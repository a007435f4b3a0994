"""One semantic model: an indicator declared in one place, built-in or in salesscope.yaml, appears on
every surface (kpi --list, the catalog API, the dashboard overview, rows behind a number, the
report, advice and the cross-backend agreement test), and kpi --explain prints SQL that runs as is."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import salesscope
from salesscope.engine import indicators
from salesscope.engine.explain import explain
from salesscope.engine.indicators import Indicator
from salesscope.engine.metrics import Ratio
from salesscope.errors import ConfigError
from salesscope.vocab import Direction, Stage, Unit

# A throwaway built-in: declared here, and nowhere else.
WON_PER_LEAD = Indicator(
    "won_per_lead", Stage.RESULTS, Unit.RATIO, Direction.HIGHER_IS_BETTER, Ratio("won", "leads"), hints=False,
    names={"en": "Deals won per lead", "fa": "معامله‌های موفق به ازای هر سرنخ"},
    descriptions={"en": "Deals won over leads created, per period.",
                  "fa": "معامله‌های موفق تقسیم بر سرنخ‌های ایجادشده در هر دوره."})

USER_CONFIG = """
indicators:
  - id: meetings_per_lead
    name_en: Meetings per lead
    name_fa: جلسه به ازای هر سرنخ
    kind: ratio
    measures:
      - {table: activities, agg: count, where: {kind: meeting}}
      - {table: leads, agg: count}
targets:
  - {kpi: won_per_lead, value: 5}
  - {kpi: meetings_per_lead, value: 50}
"""


def _login(client: TestClient, password: str) -> None:
    page = client.get("/login")
    nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"username": "admin", "password": password, "nonce": nonce, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


@pytest.fixture
def declared(copy_demo, monkeypatch):
    """The demo with the throwaway built-in declared and a user indicator in salesscope.yaml."""
    monkeypatch.setattr(indicators, "BUILTINS", (*indicators.BUILTINS, WON_PER_LEAD))
    ws = copy_demo()
    path = ws.path / "salesscope.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**config, **yaml.safe_load(USER_CONFIG)}, allow_unicode=True), encoding="utf-8")
    ws.close()
    ws = salesscope.open(ws.path)
    yield ws
    ws.close()


def test_one_declaration_reaches_every_surface(declared):
    ws = declared
    new = ("won_per_lead", "meetings_per_lead")
    model = ws.model
    assert all(k in model.indicators for k in new)
    # the numbers, checked by hand against the store
    df = ws.kpis(list(new), grain="month")
    con = ws.duckdb
    month = df.dropna(subset=["value"]).iloc[-3]
    start, end = month.period_start.date(), month.period_end.date()
    won = con.execute("SELECT count(*) FROM opportunities WHERE status = 'won' AND "
                      "CAST(closed_at AS DATE) BETWEEN ? AND ?", [start, end]).fetchone()[0]
    leads = con.execute("SELECT count(*) FROM leads WHERE CAST(created_at AS DATE) BETWEEN ? AND ?",
                        [start, end]).fetchone()[0]
    meetings = con.execute("SELECT count(*) FROM activities WHERE kind = 'meeting' AND "
                        "CAST(occurred_at AS DATE) BETWEEN ? AND ?", [start, end]).fetchone()[0]
    row = df[(df.kpi == "won_per_lead") & (df.period_start == month.period_start)].iloc[0]
    assert (row.numerator, row.denominator) == (won, leads) and row.value == pytest.approx(won / leads)
    row = df[(df.kpi == "meetings_per_lead") & (df.period_start == month.period_start)].iloc[0]
    assert (row.numerator, row.denominator) == (meetings, leads) and meetings > 0

    # kpi --list
    from salesscope.cli import app as cli

    listed = CliRunner().invoke(cli, ["kpi", "--list", "--format", "json", "-w", str(ws.path)])
    assert listed.exit_code == 0, listed.output
    rows = {r["id"]: r for r in json.loads(listed.output)}
    assert rows["won_per_lead"]["formula"] == "won / leads" and "meetings_per_lead" in rows

    # the report
    from salesscope.report.builder import build
    from salesscope.report.html import render_html

    data = build(ws, lang="en")
    assert {i.id for i in data.indicators} >= set(new)
    html = render_html(data)
    assert "Deals won per lead" in html and "Meetings per lead" in html

    # advice: each missed its target
    from salesscope.advice import findings

    found = findings(ws, by=[])
    assert {f.kpi for f in found if f.code in ("target_missed", "target_met")} >= set(new)

    # the cross-backend agreement test compares every indicator of the model
    levels = model.agreement_levels()
    assert "won_per_lead" in levels[("channel", "rep")] and "meetings_per_lead" in levels[("channel", "rep")]

    # the web service: catalog, overview, rows behind a number
    from salesscope.web.app import create_app

    said: list[str] = []
    app = create_app(ws, announce=said.append)
    client = TestClient(app)
    _login(client, said[0].split(": ", 1)[1].split()[0])
    catalog = {c["id"]: c for c in client.get("/api/v1/catalog").json()}
    assert catalog["won_per_lead"]["name_fa"] == WON_PER_LEAD.name("fa") and "meetings_per_lead" in catalog
    cards = {c["kpi"] for c in client.get("/api/v1/overview").json()["cards"]}
    assert cards >= set(new)
    r = client.get("/api/v1/indicators/meetings_per_lead/rows",
                   params={"period_start": str(start), "period_end": str(end)})
    assert r.status_code == 200, r.text
    tables = {t["table"]: t for t in r.json()["tables"]}
    assert len(tables["activities"]["rows"]) == meetings and all(x["kind"] == "meeting" for x in tables["activities"]["rows"])
    assert len(tables["leads"]["rows"]) == min(leads, 500)


def test_explain_sql_runs_as_is_against_the_store(declared):
    ws = declared
    kpis = ws.kpis(["win_rate", "meetings_per_lead"], grain="quarter")
    text = {k: explain(ws, k, grain="quarter") for k in ("win_rate", "meetings_per_lead")}
    assert "value = meetings_per_lead.0 / meetings_per_lead.1" in text["meetings_per_lead"]
    assert "where kind in (meeting)" in text["meetings_per_lead"]
    assert "count of rows over closed_deals where won" in text["win_rate"]
    store = ws.store_path
    ws.close()
    con = duckdb.connect(str(store), read_only=True)

    def run(sql_text: str) -> list[pd.DataFrame]:
        statements = re.findall(r"^WITH calendar_periods.*?;$", sql_text, flags=re.S | re.M)
        assert statements and "memtable" not in sql_text
        out = []
        for s in statements:
            df = con.execute(s.rstrip(";")).df()
            df["period_start"] = pd.to_datetime(df["period_start"])
            out.append(df.groupby("period_start").sum(numeric_only=True).drop(columns="_rows"))
        return out

    (deals,) = run(text["win_rate"])
    ours = kpis[kpis.kpi == "win_rate"].set_index("period_start")
    both = ours.join(deals, how="inner")
    assert len(both) == len(ours) and both["n"].sum() > 0
    assert (both["numerator"] == both["won"]).all()
    assert (both["denominator"] == both["won"] + both["lost"]).all()

    meetings, leads = run(text["meetings_per_lead"])
    ours = kpis[kpis.kpi == "meetings_per_lead"].set_index("period_start")
    both = ours.join(meetings, how="inner").join(leads, how="inner")
    assert (both["numerator"] == both["meetings_per_lead.0"]).all() and both["numerator"].sum() > 0
    assert (both["denominator"] == both["meetings_per_lead.1"]).all()
    con.close()


def test_the_model_reports_every_problem_with_its_place(monkeypatch, make_ws):
    bad = Indicator("bad_one", Stage.RESULTS, Unit.RATIO, Direction.HIGHER_IS_BETTER, Ratio("won", "leads"),
                    names={"en": "Bad", "fa": ""})
    monkeypatch.setattr(indicators, "BUILTINS", (*indicators.BUILTINS, bad))
    ws = make_ws()
    with pytest.raises(ConfigError) as e:
        ws.model  # noqa: B018 - building it is the test
    text = str(e.value)
    assert "indicator bad_one: no advice hint in 'en'" in text and "no advice hint in 'fa'" in text
    assert "indicator bad_one: a name in every language is required" in text

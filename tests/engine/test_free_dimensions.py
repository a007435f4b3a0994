"""The source's channel label, free attributes and rep roles as breakdowns: in ``kpi``, the CLI,
the API (``by`` and ``where``), the report and advice. Expected values are counted from the rows
with pandas."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from salesscope.ingest.importer import add_columns
from salesscope.schema import Table

LABELS = ("Organic Search", "Paid Search", "Direct Traffic")  # all stored as channel "web"/"other"
TYPES = ("inbound", "outbound")
PERSONAS = ("cfo", "cto", "ops")


def frames() -> tuple[list[dict], list[dict], list[dict]]:
    reps = [{"rep_id": r, "name": r, "team": t} for r, t in (("r1", "North"), ("r2", "South"), ("s1", "SDR"),
                                                              ("s2", "SDR"))]
    leads, deals = [], []
    for i in range(90):
        created = dt.datetime(2026, 1, 2, 9) + dt.timedelta(hours=13 * i)
        label = LABELS[i % 3]
        leads.append({"lead_id": f"L{i}", "created_at": created, "channel": "other" if label == "Direct Traffic"
                      else "web", "channel_label": label, "attr_lead_type": TYPES[(i // 3) % 2],
                      "attr_persona": PERSONAS[(i // 2) % 3], "rep_id": "r1" if i % 2 else "r2"})
        if i % 4 == 0 or i % 7 == 0:
            deals.append({"opportunity_id": f"O{i}", "lead_id": f"L{i}", "created_at": created + dt.timedelta(days=2),
                          "closed_at": created + dt.timedelta(days=12), "status": "won" if i % 3 else "lost",
                          "amount": 1000.0 + i, "rep_id": "r1" if i % 2 else "r2", "rep_sdr": "s1" if i % 5 else "s2",
                          "channel": leads[-1]["channel"], "channel_label": label,
                          "attr_lead_type": leads[-1]["attr_lead_type"]})
    return reps, leads, deals


def load(make_ws, **settings):
    reps, leads, deals = frames()
    ws = make_ws(**settings)
    add_columns(ws.duckdb, Table.LEADS, ["attr_lead_type", "attr_persona"])
    add_columns(ws.duckdb, Table.OPPORTUNITIES, ["attr_lead_type", "rep_sdr"])
    for name, rows in (("reps", reps), ("leads", leads), ("opportunities", deals)):
        ws.duckdb.register("_rows", pd.DataFrame(rows))
        ws.duckdb.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _rows')
        ws.duckdb.unregister("_rows")
    return ws


def expected_conversion(by: list[str]) -> pd.DataFrame:
    _, leads, deals = frames()
    df = pd.DataFrame(leads).rename(columns={"attr_lead_type": "lead_type", "attr_persona": "persona"})
    df["period"] = df["created_at"].dt.strftime("%Y-%m")
    df["converted"] = df["lead_id"].isin({d["lead_id"] for d in deals})
    return df.groupby(["period", *by]).agg(leads=("converted", "size"), converted=("converted", "sum")).reset_index()


def expected_win_rate(by: str) -> pd.DataFrame:
    _, _, deals = frames()
    df = pd.DataFrame(deals).rename(columns={"attr_lead_type": "lead_type"})
    df["period"] = df["closed_at"].dt.strftime("%Y-%m")
    df["won"] = df["status"] == "won"
    return df.groupby(["period", by]).agg(closed=("won", "size"), wins=("won", "sum")).reset_index()


@pytest.fixture
def ws(make_ws):
    return load(make_ws)


@pytest.mark.parametrize("by", [["channel_label"], ["lead_type", "persona"]])
def test_lead_conversion_by_label_and_attributes(ws, by):
    got = ws.kpis(["lead_conversion_rate"], by=by)
    want = expected_conversion(by)
    m = want.merge(got, on=["period", *by])
    assert len(m) == len(want) > 3
    assert (m["denominator"] == m["leads"]).all() and (m["numerator"] == m["converted"]).all()


def test_source_labels_are_kept_apart_where_channels_fold_them(ws):
    got = ws.kpis(["lead_conversion_rate"], by=["channel"])
    assert set(got["channel"]) == {"web", "other"}
    got = ws.kpis(["lead_conversion_rate"], by=["channel_label"])
    assert set(got["channel_label"]) == set(LABELS)


@pytest.mark.parametrize("by", ["lead_type", "rep_sdr"])
def test_deals_by_attribute_and_rep_role(ws, by):
    got = ws.kpis(["win_rate"], by=[by])
    want = expected_win_rate(by)
    m = want.merge(got, on=["period", by])
    assert len(m) == len(want) > 2
    assert (m["n"] == m["closed"]).all()
    assert m["value"].to_numpy() == pytest.approx((m["wins"] / m["closed"] * 100).to_numpy())


def test_rep_can_mean_another_role(make_ws):
    ws = load(make_ws, rep_role="sdr")
    by_rep = ws.kpis(["win_rate"], by=["rep"])
    by_sdr = ws.kpis(["win_rate"], by=["rep_sdr"]).rename(columns={"rep_sdr": "rep"})
    pd.testing.assert_frame_equal(by_rep.reset_index(drop=True), by_sdr.reset_index(drop=True))
    # the team follows the rep the role names: the SDRs' team
    assert set(ws.kpis(["win_rate"], by=["team"])["team"]) == {"SDR"}
    # leads have no SDR column: there ``rep`` stays the owner
    assert set(ws.kpis(["lead_conversion_rate"], by=["rep"])["rep"]) == {"r1", "r2"}


def test_a_reps_scope_follows_the_role_rep_means(make_ws):
    """With ``rep_role: sdr`` an SDR's own rows are the deals they worked as SDR: their scoped
    win rate equals the win rate of a store holding only those deals, and an owner sees none."""
    ws = load(make_ws, rep_role="sdr")
    _, _, deals = frames()
    mine = pd.DataFrame([d for d in deals if d["rep_sdr"] == "s1"])
    mine["period"] = mine["closed_at"].dt.strftime("%Y-%m")
    want = mine.groupby("period").agg(won=("status", lambda s: (s == "won").sum()), closed=("status", "size"))
    got = ws.kpis(["win_rate"], scope={"rep": ["s1"]}).set_index("period")
    assert len(got) == len(want) > 1
    assert (got.loc[want.index, "numerator"] == want["won"]).all()
    assert (got.loc[want.index, "denominator"] == want["closed"]).all()
    owner = ws.kpis(["win_rate"], scope={"rep": ["r1"]})
    assert owner["value"].isna().all() and (owner["n"].fillna(0) == 0).all()


def test_a_dimension_an_indicator_lacks_or_nobody_declared(ws):
    from salesscope.errors import QueryError

    with pytest.raises(QueryError, match="opportunities table has no 'attr_persona' column"):
        ws.kpis(["win_rate"], by=["persona"])
    with pytest.raises(QueryError, match="expected one of .*channel_label, lead_type, persona, rep_sdr"):
        ws.kpis(["win_rate"], by=["size"])
    df = ws.kpis(None, by=["persona"])  # not named: the ones that lack it say so
    assert set(df[df["kpi"] == "win_rate"]["reason"]) == {"no_dimension:persona"}


def test_cli_and_funnel(ws):
    from salesscope.cli import app
    from salesscope.engine.funnel import funnel

    res = CliRunner().invoke(app, ["kpi", "lead_conversion_rate", "-w", str(ws.path), "--by", "lead_type",
                                   "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)  # progress, when slow, goes to stderr
    want = expected_conversion(["lead_type"])
    assert {(r["period"], r["lead_type"], r["denominator"]) for r in rows if r["denominator"]} == \
        {(p, t, float(n)) for p, t, n in want[["period", "lead_type", "leads"]].itertuples(index=False)}
    f = funnel(ws, by="persona")
    leads = f[f["stage"] == "lead"].groupby("persona")["count"].sum()
    assert leads.to_dict() == pd.DataFrame(frames()[1])["attr_persona"].value_counts().to_dict()


def test_api_breaks_down_and_filters_by_attributes(ws):
    from salesscope.web import create_app

    said: list[str] = []
    web = create_app(ws, announce=said.append)
    web.state.users.create("boss", "boss-password-1", "admin")
    with TestClient(web) as c:
        page = c.get("/login")
        nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
        c.post("/login", data={"username": "boss", "password": "boss-password-1", "nonce": nonce, "next": "/"})
        r = c.get("/api/v1/indicators?ids=lead_conversion_rate&by=lead_type&where=persona:cfo")
        assert r.status_code == 200, r.text
        rows = [x for x in r.json()["rows"] if x["denominator"]]
        want = expected_conversion(["lead_type", "persona"])
        want = want[want["persona"] == "cfo"]
        assert {(x["period"], x["lead_type"], x["denominator"], x["numerator"]) for x in rows} == \
            {(p, t, float(n), float(k)) for p, t, n, k in
             want[["period", "lead_type", "leads", "converted"]].itertuples(index=False)}
        values = c.get("/api/v1/dimensions/channel_label/values")
        assert values.status_code == 200 and set(values.json()["values"]) == set(LABELS)
        bad = c.get("/api/v1/indicators?ids=win_rate&by=persona")
        assert bad.status_code == 400 and "attr_persona" in bad.text


def test_report_and_advice_show_the_breakdowns(ws):
    from salesscope.report.builder import build
    from salesscope.report.html import render_html

    data = build(ws, by=["channel_label", "lead_type", "persona"], sections=["indicators", "advice"],
                 grain="month", today=dt.date(2026, 6, 1))
    assert set(data.breakdowns) == {"channel_label", "lead_type", "persona"}
    assert "win_rate" not in set(data.breakdowns["persona"]["kpi"])  # deals carry no persona
    html = render_html(data)
    for dim, values in (("channel_label", LABELS), ("lead_type", TYPES), ("persona", PERSONAS)):
        block = html.split(f'data-dim="{dim}"', 1)[1].split("</table>", 1)[0]
        assert all(v in block for v in values), dim
    assert isinstance(data.findings, list)

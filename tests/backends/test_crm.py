"""Reading an Odoo CRM database in place through the shipped mapping.

The database is built for each supported Odoo version (16.0, 17.0, 18.0) from its tables as its
model definitions create them (odoo<NN>_schema.sql), with records as Odoo writes them when a user
marks an activity done, sends an e-mail, moves a stage and marks a lead lost (odoo_records.sql and
odoo_db.py). Every expected value below is worked out by hand from those records, and is the same in
every version.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pandas as pd
import psycopg
import pytest

import salesscope
from salesscope.crm import load_crm_mapping, view_sql
from salesscope.crm.mapping import check
from salesscope.engine.facts import SALES_KINDS
from salesscope.errors import ConfigError, QueryError
from salesscope.schema import Table

from . import odoo_db as odoo

pytestmark = pytest.mark.postgres


def _backend(cfg) -> dict:
    return cfg.model_dump(by_alias=True) | {"schema": "salesscope", "crm_mapping": "odoo"}


@pytest.fixture(params=odoo.VERSIONS)
def odoo_db(pg_database, request):
    odoo.create(pg_database, request.param)
    return _backend(pg_database)


@pytest.fixture
def odoo_ws(odoo_db, tmp_path):
    ws = salesscope.init(tmp_path / "odoo-ws", backend=odoo_db)
    yield ws
    ws.close()


def _null(v) -> bool:
    return v is None or v != v


def _rows(ws, table: str, key: str) -> dict:
    df = ws.backend.execute(ws.backend.table(table).order_by(key))
    return {str(r[key]): r for r in df.to_dict("records")}


def test_views_are_created_in_their_own_schema(odoo_ws):
    names = set(odoo_ws.backend.list_tables())
    assert {"reps", "leads", "opportunities", "activities", "responses", "customers", "stage_changes",
            "planned_activities"} <= names
    assert "crm_lead" not in names  # the CRM's own tables stay in their schema


def test_reps_skip_portal_users_and_read_team_names(odoo_ws):
    reps = _rows(odoo_ws, "reps", "rep_id")
    assert set(reps) == {"2", "3"}
    assert (reps["2"]["name"], reps["2"]["team"]) == ("Sara Ahmadi", "North")
    assert reps["3"]["team"] == "South"


def test_leads_map_channels_and_outcomes(odoo_ws):
    leads = _rows(odoo_ws, "leads", "lead_id")
    assert set(leads) == {"101", "102", "103", "104", "105"}
    assert [leads[k]["channel"] for k in ("101", "102", "103", "104")] == ["email", "phone", "web", "other"]
    assert leads["104"]["channel_label"] == "Television"
    assert _null(leads["105"]["channel"])
    assert str(leads["101"]["first_contacted_at"]) == "2026-01-05 10:30:00"  # its e-mail activity, done
    # 102's follow-up call planned at 11:10 is not a contact; its first call, done at 11:45, is
    assert str(leads["102"]["first_contacted_at"]) == "2026-01-07 11:45:00"
    assert str(leads["103"]["first_contacted_at"]) == "2026-01-16 08:00:00"  # its to-do, done
    assert _null(leads["104"]["first_contacted_at"])  # only a to-do planned
    assert str(leads["101"]["qualified_at"]) == "2026-01-12 15:30:00"
    assert str(leads["105"]["qualified_at"]) == "2026-01-28 10:00:00"  # created as an opportunity
    assert str(leads["103"]["disqualified_at"]) == "2026-01-25 12:00:00"
    assert _null(leads["104"]["opportunity_id"])
    assert leads["101"]["campaign"] == "Spring sale"


def test_opportunities_status_amounts_and_customers(odoo_ws):
    opps = _rows(odoo_ws, "opportunities", "opportunity_id")
    assert {k: v["status"] for k, v in opps.items()} == {"101": "open", "102": "won", "105": "lost"}
    assert float(opps["102"]["amount"]) == 1200.50
    assert opps["101"]["probability"] == pytest.approx(0.4)
    assert opps["101"]["stage"] == "Proposition"
    assert str(opps["105"]["closed_at"]) == "2026-02-10 09:00:00"
    customers = _rows(odoo_ws, "customers", "customer_id")
    assert set(customers) == {"11"}
    assert str(customers["11"]["acquired_at"]) == "2026-02-03 16:00:00"
    assert customers["11"]["segment"] == "Manufacturing"  # the industry's name, not its id
    assert opps["105"]["attr_lost_reason"] == "Too expensive" and _null(opps["101"]["attr_lost_reason"])
    assert opps["101"]["attr_company"] == "My Company"


def test_activities_are_what_was_done_on_leads(odoo_ws):
    acts = _rows(odoo_ws, "activities", "activity_id")
    # done activities and sent e-mails, from the chatter; not the note (26), the reply received (25),
    # the stage changes (70-75), the partner's chatter (60) or anything still planned
    assert set(acts) == {"10", "11", "20", "21", "22", "23", "24", "30", "50"}
    got = {k: (v["channel"], v["kind"], v["rep_id"], v["lead_id"]) for k, v in acts.items()}
    assert got == {
        "10": ("email", "email", "2", "101"), "11": ("in_person", "meeting", "2", "101"),
        "20": ("phone", "call", "3", "102"), "21": ("phone", "call", "3", "102"),
        "22": ("email", "email", "3", "102"), "23": ("email", "email", "3", "102"),
        "24": ("phone", "call", "3", "102"), "30": ("other", "task", "2", "103"),
        "50": ("phone", "call", "3", "105"),
    }
    assert str(acts["24"]["occurred_at"]) == "2026-01-20 10:00:00"
    assert acts["10"]["opportunity_id"] == "101" and _null(acts["30"]["opportunity_id"])
    responses = _rows(odoo_ws, "responses", "response_id")
    assert {k: (v["lead_id"], v["channel"]) for k, v in responses.items()} == {"25": ("102", "email")}


def test_planned_activities_are_kept_apart(odoo_ws):
    planned = _rows(odoo_ws, "planned_activities", "activity_id")
    # 9 was done (archived by its type's keep_done) and 5 is a partner's
    assert set(planned) == {"2", "6", "7"}
    assert {k: (v["channel"], v["kind"], v["lead_id"], str(v["due_on"])[:10]) for k, v in planned.items()} == {
        "2": ("phone", "call", "101", "2026-01-25"), "6": ("phone", "call", "102", "2026-02-20"),
        "7": ("other", "task", "104", "2026-01-27")}


def test_a_bad_mapping_names_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntables:\n  leads:\n    from: crm_lead\n    columns:\n"
                   "      lead_id: id\n      colour: x\n      channel: {expr: m, values: {a: fax}}\n")
    with pytest.raises(ConfigError) as e:
        load_crm_mapping(bad)
    msg = str(e.value)
    assert "colour: not a column of leads" in msg
    assert "fax not in the channel vocabulary" in msg
    assert "required column 'created_at' is not mapped" in msg


def test_unknown_builtin_lists_the_builtins():
    with pytest.raises(ConfigError, match="built-in mappings: odoo"):
        load_crm_mapping("salesforce")


def test_shipped_mapping_is_complete():
    m = load_crm_mapping("odoo")
    assert check(m) == []
    assert "CAST(NULL AS text) AS \"contact_id\"" in view_sql(m, Table.ACTIVITIES)


def _kpi(df: pd.DataFrame, kpi: str, period: str) -> pd.Series:
    rows = df[(df["kpi"] == kpi) & (df["period"] == period)]
    assert len(rows) == 1, (kpi, period, rows)
    return rows.iloc[0]


def test_indicators_count_what_was_done(odoo_ws):
    q = odoo_ws.kpis(["rrroi", "lead_response_time", "activities_per_win"], grain="quarter")
    # RRROI's inputs: outreach actions are the done e-mail activity (10), the three calls and two
    # e-mails on 102 (20-24) and 105's call (50); the meeting (11) and the to-do (30) are sales
    # activities, not outreach; the planned calls count for nothing. One reply (25). Odoo keeps no
    # time log, so RRROI itself is undefined, and says why.
    acts = _rows(odoo_ws, "activities", "activity_id")
    actions = [k for k, v in acts.items() if v["kind"] not in SALES_KINDS]
    assert sorted(actions) == ["10", "20", "21", "22", "23", "24", "50"]
    assert len(_rows(odoo_ws, "responses", "response_id")) == 1
    assert _kpi(q, "rrroi", "2026-Q1")["reason"] == "missing_input:time_log"
    # activities per win: 9 activities done in the quarter over its one win (102)
    apw = _kpi(q, "activities_per_win", "2026-Q1")
    assert (apw["numerator"], apw["denominator"], apw["value"]) == (9, 1, 9)
    # speed to lead: 101 in 1.5 h, 102 in 0.75 h (not 10 min: the call planned then was not
    # made), 103 in 24 h (its to-do), 105 in 3 h; 104 was never contacted. Median of four: 2.25 h.
    slt = _kpi(q, "lead_response_time", "2026-Q1")
    assert slt["n"] == 4
    assert slt["value"] == pytest.approx(2.25)



def _days(start: str, end: str) -> float:
    return (pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / 86400


def test_stage_history_from_tracking_values(odoo_ws):
    from salesscope.engine.stages import stage_changes

    got = stage_changes(odoo_ws)
    seen = {(r.opportunity_id, r.stage, str(r.entered_at)) for r in got.itertuples()}
    assert seen == {
        ("101", "New", "2026-01-05 09:00:00"), ("101", "Qualified", "2026-01-12 15:30:00"),
        ("101", "Proposition", "2026-01-20 10:00:00"),
        ("102", "New", "2026-01-07 11:00:00"), ("102", "Qualified", "2026-01-09 10:00:00"),
        ("102", "Proposition", "2026-01-15 09:00:00"), ("102", "Won", "2026-02-03 16:00:00"),
        ("105", "New", "2026-01-28 10:00:00"), ("105", "Qualified", "2026-02-02 12:00:00"),
    }  # 101's change of salesperson (message 76) is not a stage
    by = {(r.opportunity_id, r.stage): r.changed_by for r in got.itertuples()}
    assert by[("102", "Won")] == "3" and by[("101", "New")] == "2"


def test_funnel_by_stage_with_time_in_stage(odoo_ws):
    from salesscope.engine.stages import stage_funnel

    f = stage_funnel(odoo_ws).set_index("stage")
    assert list(f.index) == ["New", "Qualified", "Proposition", "Won"]
    assert f["reached"].tolist() == [3, 3, 2, 1]
    assert f["moved_on"].tolist()[:3] == [3, 2, 1] and pd.isna(f.loc["Won", "moved_on"])
    # 101 is still open in Proposition: undecided there, so Proposition's conversion is 102's
    assert f["undecided"].tolist() == [0, 0, 1, 0]
    assert f.loc["New", "conversion"] == pytest.approx(100)
    assert f.loc["Qualified", "conversion"] == pytest.approx(200 / 3)  # 105 was lost there
    assert f.loc["Proposition", "conversion"] == pytest.approx(100)
    assert pd.isna(f.loc["Won", "conversion"]) and f.loc["Won", "note"] == "last_stage"
    new = [_days("2026-01-05 09:00", "2026-01-12 15:30"), _days("2026-01-07 11:00", "2026-01-09 10:00"),
           _days("2026-01-28 10:00", "2026-02-02 12:00")]
    qualified = [_days("2026-01-12 15:30", "2026-01-20 10:00"), _days("2026-01-09 10:00", "2026-01-15 09:00"),
                 _days("2026-02-02 12:00", "2026-02-10 09:00")]  # 105's stay ends when it was lost
    assert f.loc["New", "days_median"] == pytest.approx(sorted(new)[1])
    assert f.loc["New", "days_mean"] == pytest.approx(sum(new) / 3)
    assert f.loc["Qualified", "days_median"] == pytest.approx(sorted(qualified)[1])
    assert f.loc["Proposition", "days_median"] == pytest.approx(_days("2026-01-15 09:00", "2026-02-03 16:00"))
    assert f["stays"].tolist() == [3, 3, 1, 0]  # 101's stay in Proposition is still going
    assert pd.isna(f.loc["Won", "days_median"])


@pytest.mark.parametrize("odoo_db", ["17.0"], indirect=True)  # a surface, not the mapping: one version
def test_funnel_by_stage_on_the_command_line(odoo_ws):
    odoo_ws.close()  # the command opens the workspace itself

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "salesscope", "funnel", "--by", "stage", *args,
                               "-w", str(odoo_ws.path)], capture_output=True, text=True, timeout=300)

    out = run("--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["stage"] for r in rows] == ["New", "Qualified", "Proposition", "Won"]
    assert [r["reached"] for r in rows] == ["3", "3", "2", "1"]
    out = run("--lang", "fa")
    assert out.returncode == 0, out.stderr
    assert "میانهٔ روزهای ماندن در مرحله" in out.stdout and "آخرین مرحله" in out.stdout


def test_funnel_by_stage_needs_a_stage_history(make_ws):
    from salesscope.engine.stages import stage_funnel

    with pytest.raises(QueryError, match="missing_input:stage_changes"):
        stage_funnel(make_ws())


def test_the_odoo_versions_differ_where_the_model_files_say(odoo_db, pg_database):
    """The tables really are each version's: 16.0 names the tracked field `field` and has no
    archived activities; 17.0+ `field_id`, and keep the done activities of a keep_done type."""
    with psycopg.connect(host=pg_database.host, port=pg_database.port, user="postgres",
                         dbname=pg_database.database) as con:
        cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'mail_tracking_value'")}
        version = con.execute("SELECT latest_version FROM ir_module_module WHERE name = 'base'").fetchone()[0]
        archived = con.execute("SELECT count(*) FROM mail_activity WHERE to_jsonb(mail_activity)->>'active' = 'false'")
        archived = archived.fetchone()[0]
    assert ("field" in cols, "field_id" in cols) == ((True, False) if version.startswith("16.") else (False, True))
    assert archived == (0 if version.startswith("16.") else 1)


@pytest.mark.parametrize("version", ["15.0", "19.0", "saas~17.2"])
def test_an_odoo_version_not_read_is_refused_with_a_clear_error(pg_database, tmp_path, version):
    """An Odoo the mapping was not checked against gets a message naming both versions, in English
    and Persian, and no views; so does a database that is not Odoo's."""
    odoo.create(pg_database, "17.0", "UPDATE ir_module_module SET latest_version = "
                f"'{version}.1.3' WHERE name = 'base'")
    ws = salesscope.init(tmp_path / "ws", backend=_backend(pg_database))
    try:
        with pytest.raises(ConfigError) as e:
            ws.backend.list_tables()  # the views are made when the workspace first reads the database
    finally:
        ws.close()
    assert f"this database is Odoo {version}.1.3; the mapping reads Odoo 16.0, 17.0, 18.0 only" in str(e.value)
    assert "این پایگاه داده Odoo" in e.value.message_in("fa")


def test_a_database_that_is_not_odoo_is_refused(pg_database, tmp_path):
    with psycopg.connect(host=pg_database.host, port=pg_database.port, user="postgres",
                         dbname=pg_database.database, autocommit=True) as con:
        con.execute("CREATE TABLE crm_lead (id serial PRIMARY KEY)")
    ws = salesscope.init(tmp_path / "ws", backend=_backend(pg_database))
    try:
        with pytest.raises(ConfigError, match="cannot tell which Odoo version this database is"):
            ws.backend.list_tables()
    finally:
        ws.close()


def test_lost_reasons_companies_and_currencies_are_dimensions(odoo_ws):
    q = odoo_ws.kpis(["win_rate"], grain="quarter", by="lost_reason")
    q1 = q[q["period"] == "2026-Q1"].set_index("lost_reason")
    # 102 won (no reason), 105 lost as too expensive
    assert q1.loc["Too expensive", "value"] == 0 and q1.loc["Too expensive", "n"] == 1
    # 102 won in My Company (EUR), 105 lost in the Dubai company (AED): kept apart
    for dim, first, second in (("company", "My Company", "My Company (Dubai)"), ("currency", "EUR", "AED")):
        q = odoo_ws.kpis(["win_rate", "avg_deal_size"], grain="quarter", by=dim)
        q = q[q["period"] == "2026-Q1"].set_index(["kpi", dim])
        assert q.loc[("win_rate", first), "value"] == pytest.approx(100)
        assert q.loc[("win_rate", second), "value"] == pytest.approx(0)
        assert q.loc[("avg_deal_size", first), "value"] == pytest.approx(1200.50)


@pytest.mark.parametrize("odoo_db", ["17.0"], indirect=True)  # a surface, not the mapping: one version
def test_funnel_by_stage_keeps_to_the_readers_scope(odoo_ws):
    from fastapi.testclient import TestClient

    from salesscope.web.app import create_app

    said: list[str] = []
    app = create_app(odoo_ws, announce=said.append)
    app.state.users.create("reza", "reza-password-1", "rep", rep_id="3")
    app.state.users.create("north", "north-password-1", "manager", team="North")
    with TestClient(app) as client:
        def rows_for(user: str, password: str) -> dict:
            page = client.get("/login")
            nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
            r = client.post("/login", data={"username": user, "password": password, "nonce": nonce, "next": "/"},
                            follow_redirects=False)
            assert r.status_code == 303, r.text
            got = client.get("/api/v1/funnel/stages")
            assert got.status_code == 200, got.text
            client.cookies.clear()
            return {r["stage"]: r["reached"] for r in got.json()["rows"]}

        # Reza owns 102 (won) and 105 (lost at Qualified); Sara, in North, owns 101
        assert rows_for("reza", "reza-password-1") == {"New": 2, "Qualified": 2, "Proposition": 1, "Won": 1}
        assert rows_for("north", "north-password-1") == {"New": 1, "Qualified": 1, "Proposition": 1, "Won": 0}


@pytest.mark.parametrize("odoo_db", ["17.0"], indirect=True)  # a surface, not the mapping: one version
def test_odoo_times_are_read_in_the_workspaces_time_zone(odoo_db, tmp_path):
    """Odoo keeps UTC; a workspace in Tehran (UTC+3:30 in winter) reads wall-clock Tehran times."""
    ws = salesscope.init(tmp_path / "tehran", backend=odoo_db, timezone="Asia/Tehran")
    try:
        assert str(_rows(ws, "leads", "lead_id")["101"]["created_at"]) == "2026-01-05 12:30:00"
        assert str(_rows(ws, "activities", "activity_id")["20"]["occurred_at"]) == "2026-01-07 15:15:00"
        assert str(_rows(ws, "opportunities", "opportunity_id")["102"]["closed_at"]) == "2026-02-03 19:30:00"
        from salesscope.engine.stages import stage_changes

        won = stage_changes(ws).set_index(["opportunity_id", "stage"]).loc[("102", "Won")]
        assert str(won["entered_at"]) == "2026-02-03 19:30:00"
        assert str(_rows(ws, "planned_activities", "activity_id")["6"]["due_on"])[:10] == "2026-02-20"  # a date
    finally:
        ws.close()

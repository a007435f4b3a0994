"""Reading an Odoo-style CRM database in place through the shipped mapping."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import salesscope
from salesscope.crm import load_crm_mapping, view_sql
from salesscope.crm.mapping import check
from salesscope.errors import ConfigError
from salesscope.schema import Table

pytestmark = pytest.mark.postgres
SCHEMA_SQL = Path(__file__).with_name("odoo_schema.sql")


@pytest.fixture
def odoo_ws(pg_database, tmp_path):
    with psycopg.connect(host=pg_database.host, port=pg_database.port, user="postgres",
                         dbname=pg_database.database, autocommit=True) as con:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    backend = pg_database.model_dump(by_alias=True) | {"schema": "salesscope", "crm_mapping": "odoo"}
    ws = salesscope.init(tmp_path / "odoo-ws", backend=backend)
    yield ws
    ws.close()


def _null(v) -> bool:
    return v is None or v != v


def _rows(ws, table: str, key: str) -> dict:
    df = ws.backend.execute(ws.backend.table(table).order_by(key))
    return {str(r[key]): r for r in df.to_dict("records")}


def test_views_are_created_in_their_own_schema(odoo_ws):
    names = set(odoo_ws.backend.list_tables())
    assert {"reps", "leads", "opportunities", "activities", "customers"} <= names
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
    assert str(leads["101"]["first_contacted_at"]) == "2026-01-05 10:30:00"  # its first activity
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


def test_activities_only_on_leads(odoo_ws):
    acts = _rows(odoo_ws, "activities", "activity_id")
    assert set(acts) == {"1", "2", "3", "4"}
    assert [acts[k]["channel"] for k in "1234"] == ["email", "phone", "in_person", "other"]
    assert acts["1"]["opportunity_id"] == "101" and _null(acts["4"]["opportunity_id"])


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

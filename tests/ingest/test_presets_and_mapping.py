"""Presets reproduce real CRM exports; mapping files are validated with file and line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.ingest.conftest import EXPORTS, rows

from salesscope.errors import ConfigError
from salesscope.ingest import import_files, list_presets, load_mapping
from salesscope.ingest.parse import jalali_to_iso

EXPECTED = {
    "hubspot-deals": ({"read": 5, "loaded": 4, "rejected": 1},
                      [("9001", "won"), ("9002", "lost"), ("9003", "open"), ("9004", "open")]),
    "pipedrive-deals": ({"read": 4, "loaded": 3, "rejected": 1},
                        [("101", "won"), ("102", "lost"), ("103", "open")]),
    "salesforce-opportunities": ({"read": 4, "loaded": 3, "rejected": 1},
                                 [("0065g00000AbCdEAAV", "won"), ("0065g00000AbCdFAAV", "lost"),
                                  ("0065g00000AbCdGAAV", "open")]),
}


def test_at_least_four_presets_ship():
    assert {"hubspot-deals", "pipedrive-deals", "salesforce-opportunities",
            "odoo-crm"} <= set(list_presets())


@pytest.mark.parametrize("preset", sorted(EXPECTED))
def test_deal_presets(ws, preset):
    counts, deals = EXPECTED[preset]
    result = import_files(ws, [EXPORTS / f"{preset}.csv"], preset=preset, progress=False)
    assert result.to_dict()["tables"]["opportunities"] == counts
    assert rows(ws, "SELECT opportunity_id, status FROM opportunities ORDER BY 1") == deals
    # An open deal's close date in these exports is an expected one: not stored.
    assert rows(ws, "SELECT count(*) FROM opportunities WHERE status = 'open' AND closed_at IS "
                    "NOT NULL") == [(0,)]


def test_hubspot_values(ws):
    import_files(ws, [EXPORTS / "hubspot-deals.csv"], preset="hubspot-deals", progress=False)
    assert rows(ws, "SELECT amount, closed_at, rep_id, stage FROM opportunities WHERE "
                    "opportunity_id = '9001'") == [
        (Decimal("12500.00"), dt.datetime(2024, 3, 10, 14, 2), "Jane Doe", "Closed Won")]


def test_salesforce_month_first_dates_and_percent(ws):
    result = import_files(ws, [EXPORTS / "salesforce-opportunities.csv"],
                          preset="salesforce-opportunities", progress=False)
    assert rows(ws, "SELECT created_at, probability, channel FROM opportunities WHERE "
                    "opportunity_id = '0065g00000AbCdGAAV'") == [
        (dt.datetime(2024, 2, 2), 0.75, "referral")]  # its Lead Source: Partner Referral
    assert ("salesforce-opportunities.csv:5 column 'Created Date' (opportunities.created_at) "
            "has value '13/2/2024': not a valid date (expected month-first like 05/13/2024)"
            ) in result.warnings


def test_odoo_feeds_leads_and_opportunities(ws):
    result = import_files(ws, [EXPORTS / "odoo-crm.csv"], preset="odoo-crm", progress=False)
    assert result.to_dict()["tables"] == {
        "leads": {"read": 2, "loaded": 2, "rejected": 0},
        "opportunities": {"read": 3, "loaded": 3, "rejected": 0},
    }
    assert rows(ws, "SELECT opportunity_id, status, amount, probability FROM opportunities "
                    "ORDER BY 1") == [("42", "won", Decimal("18500.00"), 1.0),
                                      ("43", "open", Decimal("6000.00"), 0.7),
                                      ("44", "lost", Decimal("2000.00"), 0.0)]
    assert rows(ws, "SELECT opportunity_id, attr_lost_reason FROM opportunities ORDER BY 1") == [
        ("42", None), ("43", None), ("44", "Too expensive")]
    assert rows(ws, "SELECT lead_id, created_at, channel FROM leads ORDER BY 1") == [
        ("41", dt.datetime(2024, 1, 4, 8), "web"), ("45", dt.datetime(2024, 4, 3, 10, 30), "other")]


def test_custom_mapping_with_value_maps_constants_and_dayfirst(ws, tmp_path):
    m = tmp_path / "crm.yaml"
    m.write_text(
        "tables:\n"
        "  opportunities:\n"
        "    columns:\n"
        "      opportunity_id: شناسه\n"
        "      created_at: {from: تاریخ ایجاد, format: dayfirst}\n"
        "      status: {from: وضعیت, values: {برد: won, باخت: lost, '*': open}}\n"
        "      amount: {from: مبلغ, decimal: ','}\n"
        "      channel: {value: phone}\n", encoding="utf-8")
    data = tmp_path / "export.csv"
    data.write_text("شناسه,تاریخ ایجاد,وضعیت,مبلغ\nD1,25/12/2024 14:00,در جریان,\"1.250,50\"\n",
                    encoding="utf-8")
    import_files(ws, [data], mapping=m, progress=False)
    assert rows(ws, "SELECT opportunity_id, created_at, status, amount, channel FROM "
                    "opportunities") == [("D1", dt.datetime(2024, 12, 25, 14), "open",
                                          Decimal("1250.50"), "phone")]


def test_mapping_errors_name_file_and_line(tmp_path):
    m = tmp_path / "bad.yaml"
    m.write_text("tables:\n"
                 "  opportunities:\n"
                 "    columns:\n"
                 "      opportunity_id: Id\n"
                 "      created: Created\n"
                 "      status: {from: Stage, value: open}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_mapping(m)
    assert f"{m}:6 tables.opportunities.columns.status: give exactly one of 'from'" in str(e.value)
    m.write_text("tables:\n"
                 "  opportunities:\n"
                 "    columns:\n"
                 "      opportunity_id: Id\n"
                 "      created: Created\n"
                 "      status: Stage\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_mapping(m)
    text = str(e.value)
    assert f"{m}:5 tables.opportunities.columns.created: unknown column 'created'" in text
    assert f"{m}:3 tables.opportunities.columns: table opportunities needs column 'created_at'" in text


def test_mapping_unknown_column_and_table(tmp_path):
    m = tmp_path / "bad.yaml"
    m.write_text("tables:\n  deals:\n    columns: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml:2 tables.deals"):
        load_mapping(m)


@pytest.mark.parametrize(("key", "iso"), [("1402/05/13", "2023-08-04"), ("1403/12/30", "2025-03-20"),
                                          ("1403-01-01", "2024-03-20")])
def test_jalali_dates(key, iso):
    assert jalali_to_iso(key)[0] == iso


def test_jalali_day_out_of_range_texts():
    iso, problem = jalali_to_iso("1402/07/31")
    assert iso is None and (problem("en"), problem("fa")) == ("day 1-30 in Mehr 1402", "روز ۱ تا ۳۰ در مهر ۱۴۰۲")

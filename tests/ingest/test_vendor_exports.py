"""Each shipped preset loads exports in the shapes the vendors document (docs/mapping.md says
which document each was checked against); the canonical rows are written out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from tests.ingest.conftest import EXPORTS, rows

from salesscope.errors import ConfigError
from salesscope.ingest import import_files
from salesscope.ingest.mapping import parse_mapping

VENDOR = EXPORTS / "vendor"
D = dt.datetime
COLUMNS = ("opportunity_id, status, stage, created_at, closed_at, amount, probability, rep_id, "
           "attr_currency")


def load(ws, name: str, preset: str):
    return import_files(ws, [VENDOR / name], preset=preset, progress=False)


def deals(ws, columns: str = COLUMNS) -> list[tuple]:
    return rows(ws, f"SELECT {columns} FROM opportunities ORDER BY opportunity_id")


def test_hubspot_export_with_labels(ws):
    result = load(ws, "hubspot-deals-export.csv", "hubspot-deals")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 6, "loaded": 5, "rejected": 1}
    assert deals(ws) == [
        ("18001", "won", "Closed Won", D(2024, 1, 15, 9, 30), D(2024, 3, 10, 14, 2),
         Decimal("12500.00"), 1.0, "Jane Doe", "USD"),
        ("18002", "lost", "Closed Lost", D(2024, 1, 20, 10), D(2024, 2, 20, 11),
         Decimal("4000.00"), 0.0, "John Roe", "USD"),
        # Open deals: the close date is an expected one, not stored; a missing amount stays missing.
        ("18003", "open", "Appointment Scheduled", D(2024, 2, 1, 8, 15), None, None, 0.2,
         "Jane Doe", "USD"),
        ("18004", "open", "Verbal Commit", D(2024, 2, 3, 16, 40), None, Decimal("8750.50"), 0.8,
         "John Roe", "EUR"),
        ("18005", "open", "Contract Sent", D(2024, 2, 5, 12), None, Decimal("2500.00"), 0.9,
         "Jane Doe", "USD"),
    ]
    assert rows(ws, "SELECT opportunity_id, attr_lost_reason, product FROM opportunities "
                    "WHERE attr_lost_reason IS NOT NULL OR product <> 'Sales Pipeline' ORDER BY 1") == [
        ("18002", "Went with a competitor", "Sales Pipeline"), ("18004", None, "Renewals")]
    # A stage outside the default pipeline is open, and the import says so.
    assert ("hubspot-deals-export.csv: 1 rows of column 'Deal Stage' (opportunities.status) have "
            "values the mapping does not know, read as open: 'Verbal Commit'; if some of them mean "
            "another status, add them to the column's values: map") in result.warnings
    assert ("hubspot-deals-export.csv: ۱ ردیف از ستون 'Deal Stage' (opportunities.status) "
            "مقدارهایی دارند که نگاشت نمی‌شناسد و باز خوانده شدند: 'Verbal Commit'؛"
            ) in " ".join(result.warnings_in("fa"))
    # A won deal without its close date is rejected, not counted as won at no date.
    assert rows(ws, "SELECT source_row, reason_code FROM _quarantine") == [(7, "missing_close_date")]


def test_hubspot_closed_flags_say_what_a_custom_stage_means(ws):
    result = load(ws, "hubspot-deals-export-closed-flags.csv", "hubspot-deals")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 3, "loaded": 3, "rejected": 0}
    assert deals(ws, "opportunity_id, status, stage, closed_at, amount") == [
        ("19001", "won", "Renewed", D(2024, 5, 2, 10), Decimal("6400.00")),
        ("19002", "lost", "Churned", D(2024, 4, 18, 16, 45), Decimal("3100.00")),
        ("19003", "open", "Verbal Commit", None, None),
    ]
    assert not any("does not know" in w for w in result.warnings)


def test_hubspot_internal_names_and_stage_ids(ws):
    result = load(ws, "hubspot-deals-internal-names.csv", "hubspot-deals")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 4, "loaded": 4, "rejected": 0}
    # UTC times (Z) are shown in the workspace's zone, Asia/Tehran (+03:30).
    assert deals(ws) == [
        ("18001", "won", "closedwon", D(2024, 1, 15, 9, 30), D(2024, 3, 10, 14, 2),
         Decimal("12500.00"), 1.0, "41234567", "USD"),
        ("18002", "lost", "closedlost", D(2024, 1, 20, 10), D(2024, 2, 20, 11),
         Decimal("4000.00"), 0.0, "41234568", "USD"),
        ("18003", "open", "qualifiedtobuy", D(2024, 2, 1, 8, 15), None, None, 0.4, "41234567",
         "USD"),
        ("18004", "open", "98765432", D(2024, 2, 3, 16, 40), None, Decimal("8750.50"), 0.8,
         "41234568", "EUR"),
    ]
    assert any("'dealstage'" in w and "'98765432'" in w for w in result.warnings)


def test_pipedrive_export(ws):
    result = load(ws, "pipedrive-deals-export.csv", "pipedrive-deals")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 4, "loaded": 3, "rejected": 1}
    assert deals(ws) == [
        ("501", "won", "Negotiations Started", D(2024, 1, 3, 10, 12, 45), D(2024, 2, 14, 16, 20),
         Decimal("15000.00"), None, "Sara Ahmadi", "USD"),
        ("502", "lost", "Proposal Made", D(2024, 1, 9, 9), D(2024, 3, 1, 12), Decimal("8000.00"),
         None, "Reza Karimi", "EUR"),
        # The expected close date (2024-05-01) is never read as a close date.
        ("503", "open", "Contact Made", D(2024, 2, 11, 14, 30), None, None, 0.4, "Sara Ahmadi",
         "USD"),
    ]
    assert rows(ws, "SELECT opportunity_id, attr_lost_reason, customer_id FROM opportunities "
                    "ORDER BY 1") == [("501", None, "Acme"), ("502", "Price too high", "Beta Ltd"),
                                      ("503", None, "Gamma")]
    # A deleted deal is neither open nor closed: rejected with its status.
    assert rows(ws, "SELECT source_row, reason_code, value FROM _quarantine") == [
        (5, "unknown_status", "Deleted")]


def test_salesforce_report_with_closed_and_won(ws):
    result = load(ws, "salesforce-opportunities-report.csv", "salesforce-opportunities")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 4, "loaded": 4, "rejected": 0}
    assert deals(ws, COLUMNS.replace("attr_currency", "attr_opportunity_type")) == [
        ("0065g00000AbCdEAAV", "won", "Closed Won", D(2024, 1, 5), D(2024, 3, 28),
         Decimal("25000.00"), 1.0, "Jane Doe", "New Customer"),
        # A custom closed stage: Closed and Won say it is lost.
        ("0065g00000AbCdFAAV", "lost", "Closed - Went Dark", D(2024, 1, 12), D(2024, 2, 15),
         Decimal("7000.00"), 0.0, "John Roe", "Existing Customer - Upgrade"),
        ("0065g00000AbCdGAAV", "open", "Proposal/Price Quote", D(2024, 2, 2), None, None, 0.75,
         "Jane Doe", "New Customer"),
        ("0065g00000AbCdHAAV", "open", "Discovery", D(2024, 2, 13), None, Decimal("3000.00"), 0.1,
         "John Roe", "New Customer"),
    ]
    assert rows(ws, "SELECT channel, channel_label FROM opportunities ORDER BY opportunity_id") == [
        ("web", "Web"), ("phone", "Phone Inquiry"), ("referral", "Partner Referral"),
        ("event", "Trade Show")]
    assert not any("does not know" in w for w in result.warnings)


def test_salesforce_report_without_closed_and_won_reads_the_stage(ws):
    result = load(ws, "salesforce-opportunities-report-no-flags.csv", "salesforce-opportunities")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 4, "loaded": 4, "rejected": 0}
    assert deals(ws, "opportunity_id, status, stage, closed_at, amount") == [
        ("0065g00000XyZaAAAV", "won", "Closed Won", D(2024, 3, 1), Decimal("12000.00")),
        ("0065g00000XyZbAAAV", "lost", "Closed Lost", D(2024, 2, 10), Decimal("5500.00")),
        ("0065g00000XyZcAAAV", "open", "Verbal Commit", None, Decimal("9000.00")),
        ("0065g00000XyZdAAAV", "open", "Negotiation/Review", None, None),
    ]
    assert ("salesforce-opportunities-report-no-flags.csv: 1 rows of column 'Stage' "
            "(opportunities.status) have values the mapping does not know, read as open: "
            "'Verbal Commit'; if some of them mean another status, add them to the column's "
            "values: map") in result.warnings


def test_salesforce_data_loader_export(ws):
    result = load(ws, "salesforce-opportunities-dataloader.csv", "salesforce-opportunities")
    assert result.to_dict()["tables"]["opportunities"] == {"read": 3, "loaded": 3, "rejected": 0}
    assert deals(ws) == [
        ("0065g00000AbCdEAAV", "won", "Closed Won", D(2024, 1, 5, 12), D(2024, 3, 28),
         Decimal("25000.00"), 1.0, "0055g00000Ab1AAAAQ", "USD"),
        ("0065g00000AbCdFAAV", "lost", "Closed Lost", D(2024, 1, 12, 16, 30), D(2024, 2, 15),
         Decimal("7000.00"), 0.0, "0055g00000Ab2AAAAQ", "EUR"),
        ("0065g00000AbCdGAAV", "open", "Prospecting", D(2024, 2, 2, 8, 30), None, None, 0.1,
         "0055g00000Ab1AAAAQ", "USD"),
    ]


def test_odoo_export(ws):
    result = load(ws, "odoo-crm-export.csv", "odoo-crm")
    assert result.to_dict()["tables"] == {
        "leads": {"read": 1, "loaded": 1, "rejected": 0},
        "opportunities": {"read": 4, "loaded": 4, "rejected": 0},
    }
    assert deals(ws, COLUMNS + ", attr_lost_reason") == [
        # A won stage of any name: Odoo sets its probability to 100.
        ("__export__.crm_lead_52_0b9e4d", "won", "Signed", D(2024, 3, 2, 9, 12),
         D(2024, 4, 20, 15), Decimal("18500.00"), 1.0, "Mitchell Admin", "USD", None),
        ("__export__.crm_lead_53_77aa01", "open", "Proposition", D(2024, 3, 5, 10), None,
         Decimal("6000.00"), 0.7, "Marc Demo", "USD", None),
        # Marked as lost: archived with probability 0.
        ("__export__.crm_lead_54_3c3c3c", "lost", "Qualified", D(2024, 3, 6, 11),
         D(2024, 4, 1, 10), Decimal("2000.00"), 0.0, "Marc Demo", "USD", "Too expensive"),
        # Archived with another probability is not lost: Odoo keeps it pending.
        ("__export__.crm_lead_55_9f9f9f", "open", "Qualified", D(2024, 3, 7, 12), None, None, 0.4,
         "Marc Demo", "USD", None),
    ]
    assert rows(ws, "SELECT lead_id, created_at, channel, channel_label FROM leads") == [
        ("__export__.crm_lead_51_8c1f2a", D(2024, 3, 1, 7, 30), "web", "Website")]


@pytest.mark.parametrize(("otherwise", "column", "problem"), [
    ("closed", "status", "m.yaml:5 columns.status.otherwise: 'closed' is not a value of 'status' "
                         "(expected one of open, won, lost)"),
    ("open", "stage", "m.yaml:6 columns.stage.otherwise: only a status or purpose column takes "
                      "otherwise, not 'stage'"),
])
def test_otherwise_is_checked(otherwise, column, problem):
    text = ("table: opportunities\ncolumns:\n  opportunity_id: ID\n  created_at: Created\n"
            f"  status: Status\n  {column}: {{from: Stage, otherwise: {otherwise}}}\n")
    if column == "status":
        text = text.replace("  status: Status\n", "")
    with pytest.raises(ConfigError) as e:
        parse_mapping(text, "m.yaml")
    assert problem in str(e.value)


def test_salesforce_report_footer_is_not_a_deal(ws, tmp_path):
    # A Classic report's CSV ends with lines of text after its rows: none of them is an open deal.
    report = tmp_path / "report.csv"
    report.write_text((VENDOR / "salesforce-opportunities-report.csv").read_text(encoding="utf-8")
                      + '""\n"Opportunities by Stage"\n"Generated By:  Jane Doe  4/2/2024 10:22 AM"\n',
                      encoding="utf-8")
    result = import_files(ws, [report], preset="salesforce-opportunities", progress=False)
    assert result.to_dict()["tables"]["opportunities"] == {"read": 7, "loaded": 4, "rejected": 3}
    assert rows(ws, "SELECT DISTINCT source_row, reason_code FROM _quarantine WHERE column_name = "
                    "'status' ORDER BY 1") == [(6, "missing_value"), (7, "missing_value"),
                                               (8, "missing_value")]


def _workbook(path, headers: list[str], *data: list) -> None:
    """An XLSX export as the vendors write it: dates, numbers and booleans as typed cells."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(headers)
    for row in data:
        sheet.append(row)
    wb.save(path)


def test_hubspot_workbook_with_typed_cells(ws, tmp_path):
    book = tmp_path / "hubspot-crm-exports-all-deals.xlsx"
    _workbook(book, ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date",
                     "Deal owner", "Is Closed Won", "Is Deal Closed?"],
              [19001, "Northwind", "Renewed", 6400, D(2024, 5, 2, 10), D(2024, 3, 1, 9), "Jane Doe",
               True, True],
              [19002, "Contoso", "Churned", 3100.5, D(2024, 4, 18, 16, 45), D(2024, 3, 4, 11, 20),
               "John Roe", False, True],
              [19003, "Fabrikam", "Verbal Commit", None, D(2024, 7, 31), D(2024, 3, 9, 13, 5),
               "Jane Doe", False, False])
    import_files(ws, [book], preset="hubspot-deals", progress=False)
    assert deals(ws, "opportunity_id, status, stage, created_at, closed_at, amount") == [
        ("19001", "won", "Renewed", D(2024, 3, 1, 9), D(2024, 5, 2, 10), Decimal("6400.00")),
        ("19002", "lost", "Churned", D(2024, 3, 4, 11, 20), D(2024, 4, 18, 16, 45),
         Decimal("3100.50")),
        ("19003", "open", "Verbal Commit", D(2024, 3, 9, 13, 5), None, None),
    ]


def test_odoo_workbook_with_typed_cells(ws, tmp_path):
    book = tmp_path / "crm.lead.xlsx"
    _workbook(book, ["ID", "Opportunity", "Type", "Created on", "Stage", "Probability",
                     "Expected Revenue", "Active", "Closed Date"],
              ["__export__.crm_lead_52_0b9e4d", "Desks", "Opportunity", D(2024, 3, 2, 9, 12),
               "Signed", 100.0, 18500.0, True, D(2024, 4, 20, 15)],
              ["__export__.crm_lead_54_3c3c3c", "Room", "Opportunity", D(2024, 3, 6, 11),
               "Qualified", 0.0, 2000.0, False, D(2024, 4, 1, 10)],
              ["__export__.crm_lead_55_9f9f9f", "Cabinets", "Opportunity", D(2024, 3, 7, 12),
               "Qualified", 40.0, None, False, None])
    import_files(ws, [book], preset="odoo-crm", progress=False)
    assert deals(ws, "opportunity_id, status, closed_at, amount, probability") == [
        ("__export__.crm_lead_52_0b9e4d", "won", D(2024, 4, 20, 15), Decimal("18500.00"), 1.0),
        ("__export__.crm_lead_54_3c3c3c", "lost", D(2024, 4, 1, 10), Decimal("2000.00"), 0.0),
        ("__export__.crm_lead_55_9f9f9f", "open", None, None, 0.4),
    ]

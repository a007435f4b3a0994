"""One mapping, one command, a whole export: files routed to tables, a lookup across files,
an enrichment, and every row accounted for.

The export is generated here with the shape real ones have (display headers, the deal holding
the lead's id, labels outside any list, missing amounts, a few broken rows); every expected
figure is computed from the generated rows, not written down.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest
from tests.ingest.conftest import rows

import salesscope
from salesscope.errors import InputError
from salesscope.ingest import import_files

MAPPING = """
name: funnel-export
tables:
  reps:
    files: team*.csv
    columns: {rep_id: User ID, name: Full name, team: Squad}
  leads:
    - files: leads*.csv
      columns:
        lead_id: Lead ID
        created_at: Created
        channel: Source
        rep_id: User ID
      attributes:
        segment_name: Segment
    - files: touches*.csv
      enrich: true
      columns:
        lead_id: Lead
        first_contacted_at: First call
        campaign: Campaign
  opportunities:
    files: closed*.csv
    columns:
      opportunity_id: Deal ID
      lead_id: Lead
      created_at: {lookup: {file: leads*.csv, where: Lead ID, equals: Lead, take: Created}}
      status: {from: Outcome, values: {Signed: won, Declined: lost, "*": open}}
      closed_at: {from: Decision date, format: dayfirst}
      amount: Deal value
      rep_id: User ID
"""

SOURCES = ["Organic Search", "Paid Search", "Direct Traffic", "Webinar", "Partner"]


def _write(path: Path, header: list[str], body: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(["" if v is None else v for v in r] for r in body)
    return path


def make_export(d: Path, seed: int = 7) -> dict:
    """Files of a made-up funnel export, and the rows behind them."""
    rnd = random.Random(seed)
    reps = [(f"u{i}", f"Rep {i}", rnd.choice(["North", "South"])) for i in range(1, 4)]
    start = dt.date(2024, 1, 1)
    leads = []
    for i in range(1, 31):
        created = start + dt.timedelta(days=rnd.randrange(0, 90))
        leads.append({"id": f"LD-{i:03}", "created": created, "source": rnd.choice(SOURCES),
                      "rep": rnd.choice(reps)[0], "segment": rnd.choice(["SMB", "Mid", None])})
    deals = []
    for i, lead in enumerate(rnd.sample(leads, 18), start=1):
        outcome = rnd.choice(["Signed", "Declined", "Negotiating"])
        # Most decisions come after the lead was created; some (broken rows) before it.
        days = rnd.randrange(-5, 60)
        decided = lead["created"] + dt.timedelta(days=days) if outcome != "Negotiating" else None
        amount = rnd.choice([None, 1500, 2500, 12000])
        deals.append({"id": f"DL{i}", "lead": lead["id"], "outcome": outcome,
                      "decided": decided, "amount": amount, "rep": lead["rep"]})
    deals.append({"id": "DL99", "lead": "LD-999", "outcome": "Signed",  # a lead not exported
                  "decided": dt.date(2024, 3, 1), "amount": 800, "rep": "u1"})
    early = leads[-1]  # won two days before its lead was created
    deals.append({"id": "DL98", "lead": early["id"], "outcome": "Signed",
                  "decided": early["created"] - dt.timedelta(days=2), "amount": 900,
                  "rep": early["rep"]})
    touched = rnd.sample(leads, 12)
    touches = [{"lead": lead["id"], "call": lead["created"] + dt.timedelta(days=rnd.randrange(0, 4)),
                "campaign": rnd.choice(["Spring", "Webinar Q1", None])} for lead in touched]
    touches.append({"lead": "LD-777", "call": dt.date(2024, 2, 2), "campaign": "Spring"})
    files = [
        _write(d / "team.csv", ["User ID", "Full name", "Squad"], [list(r) for r in reps]),
        _write(d / "leads.csv", ["Lead ID", "Created", "Source", "User ID", "Segment"],
               [[x["id"], x["created"].isoformat(), x["source"], x["rep"], x["segment"]]
                for x in leads]),
        _write(d / "closed_deals.csv",
               ["Deal ID", "Lead", "Outcome", "Decision date", "Deal value", "User ID"],
               [[x["id"], x["lead"], x["outcome"],
                 x["decided"].strftime("%d/%m/%Y") if x["decided"] else None,
                 f"{x['amount']:,}" if x["amount"] else None, x["rep"]] for x in deals]),
        _write(d / "touches.csv", ["Lead", "First call", "Campaign"],
               [[x["lead"], x["call"].isoformat(), x["campaign"]] for x in touches]),
    ]
    return {"files": files, "reps": reps, "leads": leads, "deals": deals, "touches": touches}


@pytest.fixture
def export(tmp_path: Path) -> dict:
    return make_export(tmp_path / "export")


def _run(ws: salesscope.Workspace, export: dict, tmp_path: Path):
    m = tmp_path / "funnel.yaml"
    m.write_text(MAPPING, encoding="utf-8")
    return import_files(ws, export["files"], mapping=m, progress=False)


def test_one_command_loads_every_table_with_lookup_and_enrichment(ws, export, tmp_path):
    result = _run(ws, export, tmp_path)
    leads = {x["id"]: x for x in export["leads"]}
    status = {"Signed": "won", "Declined": "lost", "Negotiating": "open"}
    # A deal is rejected when its lead is not in the export, or when it was decided before the
    # lead (its looked-up creation date) was created.
    bad_deals = {x["id"] for x in export["deals"] if x["lead"] not in leads
                 or (x["decided"] and x["decided"] < leads[x["lead"]]["created"])}
    bad_touches = [x for x in export["touches"] if x["lead"] not in leads
                   or x["call"] < leads[x["lead"]]["created"]]
    counts = result.to_dict()["tables"]
    assert counts["reps"] == {"read": 3, "loaded": 3, "rejected": 0}
    assert counts["opportunities"] == {"read": len(export["deals"]),
                                       "loaded": len(export["deals"]) - len(bad_deals),
                                       "rejected": len(bad_deals)}
    # Leads: the whole rows and the enriching rows both count as read.
    assert counts["leads"] == {"read": len(leads) + len(export["touches"]),
                               "loaded": len(leads) + len(export["touches"]) - len(bad_touches),
                               "rejected": len(bad_touches)}
    for c in counts.values():
        assert c["read"] == c["loaded"] + c["rejected"]
    # The generated export has each kind of broken row.
    assert len(bad_deals) >= 2 and len(bad_touches) >= 1 and any(
        x["amount"] is None for x in export["deals"] if x["id"] not in bad_deals)

    # The lookup: each deal's creation date is its lead's, taken from the leads file.
    stored = dict(rows(ws, "SELECT opportunity_id, created_at FROM opportunities"))
    assert stored == {x["id"]: dt.datetime.combine(leads[x["lead"]]["created"], dt.time())
                      for x in export["deals"] if x["id"] not in bad_deals}
    amounts = dict(rows(ws, "SELECT opportunity_id, amount FROM opportunities"))
    assert amounts == {x["id"]: (Decimal(x["amount"]) if x["amount"] else None)
                       for x in export["deals"] if x["id"] not in bad_deals}
    assert dict(rows(ws, "SELECT opportunity_id, status FROM opportunities")) == {
        x["id"]: status[x["outcome"]] for x in export["deals"] if x["id"] not in bad_deals}

    # The enrichment: touched leads gain the first call and campaign; other columns stay.
    touch = {x["lead"]: x for x in export["touches"] if x not in bad_touches}
    got = {r[0]: r[1:] for r in rows(ws, "SELECT lead_id, first_contacted_at, campaign, "
                                         "channel_label, attr_segment_name, rep_id FROM leads")}
    assert got == {
        k: ((dt.datetime.combine(touch[k]["call"], dt.time()) if k in touch else None),
            touch[k]["campaign"] if k in touch else None, x["source"], x["segment"], x["rep"])
        for k, x in leads.items()}
    assert any("column 'Lead' (leads.lead_id) has value 'LD-777': no stored leads row has "
               "lead_id 'LD-777' to update" in w for w in result.warnings)
    assert any("column 'Decision date' (opportunities.closed_at)" in w and
               "is before Created (leads.csv)" in w for w in result.warnings) == any(
        x["decided"] and x["lead"] in leads and x["decided"] < leads[x["lead"]]["created"]
        for x in export["deals"])


def test_enriching_again_later_updates_only_the_mapped_columns(ws, export, tmp_path):
    _run(ws, export, tmp_path)
    before = rows(ws, "SELECT * EXCLUDE (campaign) FROM leads ORDER BY lead_id")
    lead = export["leads"][0]["id"]
    m = tmp_path / "campaigns.yaml"
    m.write_text("tables:\n  leads:\n    enrich: true\n    columns: {lead_id: Lead, "
                 "campaign: Campaign}\n    attributes: {tier: Tier}\n", encoding="utf-8")
    f = _write(tmp_path / "more" / "campaigns.csv", ["Lead", "Campaign", "Tier"],
               [[lead, "Autumn", "Gold"], ["nobody", "Autumn", "Gold"]])
    result = import_files(ws, [f], mapping=m, progress=False)
    assert result.to_dict()["tables"]["leads"] == {"read": 2, "loaded": 1, "rejected": 1}
    assert rows(ws, f"SELECT campaign, attr_tier FROM leads WHERE lead_id = '{lead}'") == [
        ("Autumn", "Gold")]
    assert rows(ws, "SELECT count(attr_tier) FROM leads") == [(1,)]
    assert rows(ws, "SELECT * EXCLUDE (campaign, attr_tier) FROM leads ORDER BY lead_id") == before


def test_a_problem_in_any_file_leaves_the_store_as_it_was(ws, export, tmp_path):
    _run(ws, export, tmp_path)
    before = {t: rows(ws, f"SELECT * FROM {t} ORDER BY ALL") for t in ("leads", "opportunities")}
    m = tmp_path / "funnel.yaml"
    # The lookup's file is not part of this command: nothing is loaded, not even the reps.
    with pytest.raises(InputError, match=r"opportunities.created_at is looked up in leads\*.csv, "
                                         "but no file of this import matches it"):
        import_files(ws, [export["files"][0], export["files"][2]], mapping=m, progress=False)
    assert {t: rows(ws, f"SELECT * FROM {t} ORDER BY ALL") for t in before} == before


def test_a_file_no_table_reads_is_named(ws, export, tmp_path):
    m = tmp_path / "funnel.yaml"
    m.write_text(MAPPING, encoding="utf-8")
    other = _write(tmp_path / "x" / "invoices.csv", ["No"], [[1]])
    with pytest.raises(InputError) as e:
        import_files(ws, [*export["files"], other], mapping=m, progress=False)
    assert str(e.value).startswith("invoices.csv: no table of the mapping reads this file")
    assert e.value.message_fa


def test_workbook_sheets_are_routed_by_name(ws, tmp_path):
    import xlsxwriter

    book = tmp_path / "crm.xlsx"
    wb = xlsxwriter.Workbook(book)
    reps = wb.add_worksheet("Users")
    reps.write_row(0, 0, ["Id", "Name"])
    reps.write_row(1, 0, ["u1", "Ann"])
    deals = wb.add_worksheet("Deals")
    deals.write_row(0, 0, ["Id", "Opened", "Stage", "Owner"])
    deals.write_row(1, 0, ["D1", "2024-01-05", "open", "u1"])
    wb.close()
    m = tmp_path / "m.yaml"
    m.write_text("tables:\n  reps: {sheet: Users, columns: {rep_id: Id, name: Name}}\n"
                 "  opportunities: {sheet: Deals, columns: {opportunity_id: Id, created_at: "
                 "Opened, status: Stage, rep_id: Owner}}\n", encoding="utf-8")
    result = import_files(ws, [book], mapping=m, progress=False)
    assert {t: c.loaded for t, c in result.tables.items()} == {"reps": 1, "opportunities": 1}
    assert rows(ws, "SELECT opportunity_id, rep_id FROM opportunities") == [("D1", "u1")]


def test_enriching_is_for_admins_when_the_import_is_scoped(ws, export, tmp_path):
    from salesscope.errors import Forbidden

    _run(ws, export, tmp_path)
    m = tmp_path / "campaigns.yaml"
    m.write_text("tables:\n  leads:\n    enrich: true\n    columns: {lead_id: Lead, "
                 "campaign: Campaign}\n", encoding="utf-8")
    f = _write(tmp_path / "more" / "campaigns.csv", ["Lead", "Campaign"],
               [[export["leads"][0]["id"], "Autumn"]])
    with pytest.raises(Forbidden, match="only an admin can enrich table leads"):
        import_files(ws, [f], mapping=m, progress=False, scope={"team": ["North"]})

"""The cookbook's mappings, exactly as docs/cookbook.md shows them, on its example files.

Expected figures are read from the example files with the csv module, not written down.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from tests.ingest.conftest import rows

from salesscope.ingest import import_files

ROOT = Path(__file__).parent.parent.parent
FILES = ROOT / "tests" / "fixtures" / "cookbook"


def cookbook_mappings() -> dict[str, str]:
    text = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(# cookbook: (\w+)\n.*?)```", text, re.S)
    return {name: body for body, name in blocks}


def _import(ws, tmp_path, name, files):
    m = tmp_path / f"{name}.yaml"
    m.write_text(cookbook_mappings()[name], encoding="utf-8")
    result = import_files(ws, [FILES / name / f for f in files], mapping=m, progress=False)
    for c in result.tables.values():
        assert c.read == c.loaded + c.rejected
    return result


def _read(name: str, file: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (FILES / name / file).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def _ts(text: str, fmt: str = "%Y-%m-%d %H:%M") -> dt.datetime | None:
    return dt.datetime.strptime(text, fmt) if text else None


def test_the_cookbook_has_the_three_shapes():
    assert set(cookbook_mappings()) == {"crm", "funnel", "calls"}


def test_crm_deals_and_contacts(ws, tmp_path):
    result = _import(ws, tmp_path, "crm", ["contacts.csv", "deals.csv"])
    contacts, deals = _read("crm", "contacts.csv"), _read("crm", "deals.csv")
    bad_contacts = {c["Record ID"] for c in contacts if c["Became a Marketing Qualified Lead Date"]
                    and _ts(c["Became a Marketing Qualified Lead Date"]) < _ts(c["Create Date"])}
    won_lost = {"Closed Won": "won", "Closed Lost": "lost"}
    bad_deals = {d["Record ID"] for d in deals if d["Deal Stage"] in won_lost
                 and _ts(d["Close Date"]) < _ts(d["Create Date"])}
    assert bad_contacts and bad_deals  # the example has both kinds of broken row
    assert {t: (c.loaded, c.rejected) for t, c in result.tables.items()} == {
        "opportunities": (len(deals) - len(bad_deals), len(bad_deals)),
        "leads": (len(contacts) - len(bad_contacts), len(bad_contacts))}
    got = {r[0]: r[1:] for r in rows(ws, "SELECT lead_id, channel_label, attr_persona, "
                                         "attr_lifecycle_stage, rep_id FROM leads")}
    assert got == {c["Record ID"]: (c["Original Source"], c["Persona"] or None,
                                    c["Lifecycle Stage"], c["Contact owner"] or None)
                   for c in contacts if c["Record ID"] not in bad_contacts}
    got = {r[0]: r[1:] for r in rows(ws, "SELECT opportunity_id, status, lead_id, amount, "
                                         "attr_pipeline, attr_deal_type, closed_at FROM "
                                         "opportunities")}
    expected = {}
    for d in deals:
        if d["Record ID"] in bad_deals:
            continue
        status = won_lost.get(d["Deal Stage"], "open")
        link = d["Associated Contact IDs"]
        amount = Decimal(d["Amount"].replace(",", "")) if d["Amount"] else None
        expected[d["Record ID"]] = (status, None if link in bad_contacts else link, amount,
                                    d["Pipeline"], d["Deal Type"] or None,
                                    _ts(d["Close Date"]) if status != "open" else None)
    assert got == expected
    # The deal whose contact was rejected is reported, not dropped.
    unlinked = [d["Record ID"] for d in deals if d["Associated Contact IDs"] in bad_contacts]
    assert len([w for w in result.warnings if "rejected in this import" in w]) == len(unlinked)


def test_marketing_funnel_leads_and_closed_deals(ws, tmp_path):
    result = _import(ws, tmp_path, "funnel", ["mqls.csv", "closed_deals.csv"])
    mqls = {m["mql_id"]: m for m in _read("funnel", "mqls.csv")}
    deals = _read("funnel", "closed_deals.csv")
    start = {k: _ts(m["first_contact_date"], "%Y-%m-%d") for k, m in mqls.items()}
    bad = {d["seller_id"] for d in deals
           if _ts(d["won_date"], "%Y-%m-%d %H:%M:%S") < start[d["mql_id"]]}
    assert bad
    assert {t: (c.loaded, c.rejected) for t, c in result.tables.items()} == {
        "leads": (len(mqls), 0), "opportunities": (len(deals) - len(bad), len(bad))}
    got = {r[0]: r[1:] for r in rows(ws, "SELECT opportunity_id, lead_id, created_at, amount, "
                                         "rep_id, rep_sdr, attr_business_segment, "
                                         "attr_lead_type FROM opportunities")}
    assert got == {
        d["seller_id"]: (d["mql_id"], start[d["mql_id"]],
                         Decimal(d["declared_monthly_revenue"])
                         if d["declared_monthly_revenue"] not in ("", "0") else None,
                         d["sr_id"], d["sdr_id"] or None, d["business_segment"], d["lead_type"])
        for d in deals if d["seller_id"] not in bad}
    labels = dict(rows(ws, "SELECT lead_id, channel_label FROM leads"))
    assert labels == {k: m["origin"] or None for k, m in mqls.items()}
    assert any("is before first_contact_date (mqls.csv)" in w for w in result.warnings)


def test_call_log(ws, tmp_path):
    result = _import(ws, tmp_path, "calls", ["calls_2024-05.csv"])
    calls = _read("calls", "calls_2024-05.csv", ";")

    def when(c):
        try:
            return dt.datetime.strptime(f"{c['Date']} {c['Time']}", "%d/%m/%Y %H:%M")
        except ValueError:
            return None

    good = [(n, c) for n, c in enumerate(calls, start=2) if when(c)]
    got = {r[0]: r[1:] for r in rows(ws, "SELECT activity_id, occurred_at, rep_id, "
                                         "duration_minutes, attr_outcome FROM activities")}
    assert got == {f"calls_2024-05.csv:{n}": (when(c), c["Agent"],
                                              float(c["Duration (min)"].replace(",", ".")),
                                              c["Outcome"]) for n, c in good}
    interested = [c for c in calls if c["Outcome"] in ("Interested", "Meeting booked")]
    first: dict[str, dt.datetime | None] = {}
    for c in interested:
        if first.get(c["Phone number"]) is None:
            first[c["Phone number"]] = when(c)
    assert dict(rows(ws, "SELECT lead_id, created_at FROM leads")) == {
        k: v for k, v in first.items() if v}
    assert result.tables["leads"].rejected == sum(1 for v in first.values() if v is None)
    assert result.tables["activities"].rejected == len(calls) - len(good)
    # The same month imported again replaces its calls.
    _import(ws, tmp_path, "calls", ["calls_2024-05.csv"])
    assert rows(ws, "SELECT count(*) FROM activities") == [(len(good),)]


@pytest.mark.parametrize("name", ["crm", "funnel", "calls"])
def test_cookbook_examples_match_the_files(name):
    """The excerpts the cookbook shows are the first lines of the example files."""
    text = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    for f in (FILES / name).iterdir():
        head = f.read_text(encoding="utf-8").splitlines()[0]
        assert head in text, f.name


@pytest.mark.parametrize("doc", ["docs/mapping.md", "docs/cookbook.md", "README.md"])
def test_every_mapping_example_in_the_docs_passes_the_check(doc):
    from salesscope.ingest.mapping import parse_mapping

    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"),
                                    re.S) if "columns:" in b]
    assert blocks
    for i, block in enumerate(blocks):
        parse_mapping(block, f"{doc} example {i + 1}")

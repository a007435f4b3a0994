"""Free attributes and extra rep roles declared in a mapping: stored, checked, refused on clash."""

from __future__ import annotations

import pytest
from tests.ingest.conftest import rows

from salesscope.errors import ConfigError
from salesscope.ingest import import_files, load_mapping

REPS = "Rep,Name\nR1,Ann\nR2,Bob\nR3,Cy\n"
DEALS = """Deal,Opened,Stage,Owner,SDR,Segment,Lead type,Source
D1,2024-01-05,Won,R1,R2,SMB,Inbound,Organic Search
D2,2024-01-09,Lost,R1,,Enterprise,Outbound,Paid Search
D3,2024-02-01,Open,R2,R9,smb,Inbound,Direct Traffic
"""
MAPPING = """
tables:
  reps:
    files: reps*.csv
    columns: {rep_id: Rep, name: Name}
  opportunities:
    files: deals*.csv
    columns:
      opportunity_id: Deal
      created_at: Opened
      status: {from: Stage, values: {Won: won, Lost: lost, Open: open}}
      closed_at: {from: Opened}
      rep_id: Owner
      channel: Source
    attributes:
      segment_name: Segment
      Lead Type: Lead type
    rep_roles:
      sdr: SDR
"""


def _import(ws, write, mapping=MAPPING):
    m = write("crm.yaml", mapping)
    return import_files(ws, [write("reps.csv", REPS), write("deals.csv", DEALS)], mapping=m,
                        progress=False)


def test_attributes_and_rep_roles_are_stored_as_extra_columns(ws, write):
    result = _import(ws, write)
    # D3's SDR R9 is no rep: the row is rejected like any dangling rep reference.
    assert result.to_dict()["tables"]["opportunities"] == {"read": 3, "loaded": 2, "rejected": 1}
    assert any("column 'SDR' (opportunities.rep_sdr) has value 'R9'" in w
               for w in result.warnings)
    cols = {r[0]: r[1] for r in rows(ws, "SELECT column_name, data_type FROM "
                                         "information_schema.columns WHERE table_name = "
                                         "'opportunities'")}
    assert cols["attr_segment_name"] == cols["attr_lead_type"] == cols["rep_sdr"] == "VARCHAR"
    assert rows(ws, "SELECT opportunity_id, rep_id, rep_sdr, attr_segment_name, attr_lead_type, "
                    "channel, channel_label FROM opportunities ORDER BY 1") == [
        ("D1", "R1", "R2", "SMB", "Inbound", "web", "Organic Search"),
        ("D2", "R1", None, "Enterprise", "Outbound", "web", "Paid Search")]


def test_a_later_import_without_the_attributes_keeps_the_columns(ws, write):
    _import(ws, write)
    plain = write("opportunities.csv", "opportunity_id,created_at,status\nD9,2024-03-01,open\n")
    import_files(ws, [plain], progress=False)
    assert rows(ws, "SELECT opportunity_id, attr_segment_name FROM opportunities ORDER BY 1") == [
        ("D1", "SMB"), ("D2", "Enterprise"), ("D9", None)]


@pytest.mark.parametrize(("block", "expected"), [
    ("attributes: {channel: Source}", "attribute 'channel' has the name of a built-in dimension"),
    ("attributes: {channel_label: Source}", "attribute 'channel_label' has the name"),
    ("attributes: {team: Source}", "attribute 'team' has the name"),
    ("attributes: {stage: Source}", "attribute 'stage' has the name"),
    ("attributes: {Region: Source, region: Stage}", "'region' and 'Region' are the same name"),
    ("attributes: {'2nd': Source}", "name '2nd' must be letters"),
    ("rep_roles: {owner: SDR}", "rep role 'owner' is the owner"),
    ("rep_roles: {id: SDR}", "rep role 'id' is the owner"),
])
def test_attribute_names_that_clash_are_refused(write, block, expected):
    m = write("m.yaml", f"""tables:
  opportunities:
    columns: {{opportunity_id: Deal, created_at: Opened, status: Stage}}
    {block}
""")
    with pytest.raises(ConfigError) as e:
        load_mapping(m)
    assert expected in str(e.value)
    assert e.value.message_fa and e.value.message_fa != str(e.value)


def test_attributes_only_on_the_tables_that_take_them(write):
    m = write("m.yaml", "tables:\n  reps:\n    columns: {rep_id: R, name: N}\n"
                        "    attributes: {region: Region}\n")
    with pytest.raises(ConfigError, match="attributes are possible on leads, opportunities, "
                                          "activities, customers, not on reps"):
        load_mapping(m)


def test_attributes_and_roles_go_along_when_the_store_is_copied_to_another_engine(ws, write):
    from salesscope.backends import _present_columns
    from salesscope.schema import Kind, Table

    _import(ws, write)
    cols = dict(_present_columns(ws.duckdb, Table.OPPORTUNITIES))
    assert {n: cols[n] for n in ("attr_segment_name", "attr_lead_type", "rep_sdr")} == {
        "attr_segment_name": Kind.TEXT, "attr_lead_type": Kind.TEXT, "rep_sdr": Kind.TEXT}
    assert cols["amount"] is Kind.MONEY and "rep_id" in cols

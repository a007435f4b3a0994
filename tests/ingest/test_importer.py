"""The importer on good and bad canonical files: exact error texts, kept rows, counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from tests.ingest.conftest import rows

from salesscope.errors import InputError
from salesscope.ingest import import_files

OPPS_HEAD = "opportunity_id,created_at,status,closed_at,amount,probability,rep_id\n"


def test_good_file_loads_every_row_and_reports_json_shape(ws, write):
    p = write("leads-2024.csv", "Lead ID,Created At,channel,campaign\n"
                                "L1,2024-01-05,Telegram,spring\nL2,2024-01-06 10:30,ایمیل,\n")
    result = import_files(ws, [p], progress=False)
    data = json.loads(result.to_json())
    assert set(data) == {"tables", "committed", "quarantine", "warnings", "warnings_fa"}
    assert data["committed"] is True
    assert data["tables"] == {"leads": {"read": 2, "loaded": 2, "rejected": 0}}
    assert rows(ws, "SELECT lead_id, created_at, channel, channel_label FROM leads ORDER BY 1") == [
        ("L1", dt.datetime(2024, 1, 5), "messaging", "Telegram"),
        ("L2", dt.datetime(2024, 1, 6, 10, 30), "email", "ایمیل"),
    ]
    assert rows(ws, "SELECT count(*) FROM _imports") == [(1,)]


@pytest.mark.parametrize(("line", "column", "message", "code"), [
    ("O9,2024-01-01,won,not a date,10,,", "closed_at",
     "opportunities.csv:3 column 'closed_at' has value 'not a date': not a valid date (expected a "
     "date like 2024-05-13 or 2024-05-13 14:30, or Jalali like 1403/02/24)", "bad_date"),
    ("O9,1402/13/40,open,,10,,", "created_at",
     "opportunities.csv:3 column 'created_at' has value '1402/13/40': not a valid Jalali date "
     "(month 1-12)", "bad_jalali_date"),
    ("O9,1402/12/30,open,,10,,", "created_at",
     "opportunities.csv:3 column 'created_at' has value '1402/12/30': not a valid Jalali date "
     "(day 1-29 in Esfand 1402)", "bad_jalali_date"),
    ("O9,2024-01-01,open,,12x,,", "amount",
     "opportunities.csv:3 column 'amount' has value '12x': not a number (expected digits like "
     "1250000 or 1,250,000.50)", "bad_number"),
    ("O9,2024-01-01,open,,-5,,", "amount",
     "opportunities.csv:3 column 'amount' has value '-5': must not be negative", "negative"),
    ("O9,2024-01-01,open,,5,150,", "probability",
     "opportunities.csv:3 column 'probability' has value '150': probability must be between 0 "
     "and 1, or between 0 and 100 in percent", "probability_range"),
    ("O9,2024-01-01,won,,5,,", "closed_at",
     "opportunities.csv:3 column 'closed_at' has value '': a won deal needs a close date",
     "missing_close_date"),
    ("O9,2024-03-01,lost,2024-02-01,5,,", "closed_at",
     "opportunities.csv:3 column 'closed_at' has value '2024-02-01': is before created_at "
     "('2024-03-01')", "order"),
    ("O1,2024-01-01,open,,5,,", "opportunity_id",
     "opportunities.csv:3 column 'opportunity_id' has value 'O1': duplicate opportunity_id: first "
     "seen at opportunities.csv:2", "duplicate_key"),
    ("O9,2024-01-01,maybe,,5,,", "status",
     "opportunities.csv:3 column 'status' has value 'maybe': unknown status (expected won, lost or "
     "open; map other spellings under values: in a mapping file)", "unknown_status"),
    ("O9,03/04/2024,open,,5,,", "created_at",
     "opportunities.csv:3 column 'created_at' has value '03/04/2024': ambiguous date: day and "
     "month cannot be told apart (declare format: dayfirst or monthfirst in a mapping file)",
     "ambiguous_date"),
])
def test_each_bad_value_is_rejected_with_its_text_and_valid_rows_are_kept(
        ws, write, line, column, message, code):
    p = write("opportunities.csv", OPPS_HEAD + "O1,2024-01-01,Closed Won,2024-02-01,100,50,\n"
              + line + "\nO2,2024-01-02,open,,7,,\n")
    result = import_files(ws, [p], progress=False)
    assert result.to_dict()["tables"] == {
        "opportunities": {"read": 3, "loaded": 2, "rejected": 1}}
    assert message in result.warnings
    assert rows(ws, "SELECT opportunity_id FROM opportunities ORDER BY 1") == [("O1",), ("O2",)]
    q = rows(ws, "SELECT source_file, source_row, column_name, reason_code FROM _quarantine")
    assert q == [("opportunities.csv", 3, column, code)]
    csv_text = open(result.quarantine, encoding="utf-8").read()
    assert code in csv_text


def test_dangling_reference_is_rejected_when_the_table_holds_data(ws, write):
    reps = write("reps.csv", "rep_id,name\nR1,Sara\n")
    opps = write("opportunities.csv", OPPS_HEAD + "O1,2024-01-01,open,,5,,R1\n"
                                                  "O2,2024-01-01,open,,5,,R9\n")
    result = import_files(ws, [opps, reps], progress=False)
    assert ("opportunities.csv:3 column 'rep_id' has value 'R9': no row in reps has rep_id 'R9' "
            "(stored or in this import)") in result.warnings
    assert result.tables["opportunities"].loaded == 1
    # A later import is checked against what is stored.
    again = write("opportunities-2.csv", OPPS_HEAD + "O3,2024-01-01,open,,5,,R1\n")
    assert import_files(ws, [again], progress=False).tables["opportunities"].rejected == 0


def test_reference_to_an_empty_table_is_kept_and_warned_once(ws, write):
    p = write("opportunities.csv", OPPS_HEAD + "O1,2024-01-01,open,,5,,R1\nO2,2024-01-01,open,,"
                                               "5,,R2\n")
    result = import_files(ws, [p], progress=False)
    assert result.tables["opportunities"].loaded == 2
    assert [w for w in result.warnings if "reps" in w] == [
        "references not checked: table 'reps' is empty (opportunities.rep_id kept as given)"]


def test_missing_required_column_is_a_file_error(ws, write):
    p = write("leads.csv", "lead_id,channel\nL1,email\n")
    with pytest.raises(InputError) as e:
        import_files(ws, [p], progress=False)
    assert str(e.value) == ("leads.csv: column 'created_at' is missing; it is needed for "
                            "leads.created_at, which places each row in its period; "
                            "headers found: 'lead_id', 'channel'")
    assert ws.row_counts()["leads"] == 0


def test_unknown_file_needs_table_or_mapping(ws, write):
    p = write("export.csv", "lead_id,created_at\nL1,2024-01-01\n")
    with pytest.raises(InputError, match="cannot tell which table"):
        import_files(ws, [p], progress=False)
    assert import_files(ws, [p], table="leads", progress=False).tables["leads"].loaded == 1


def test_money_is_exact_and_numbers_accept_persian_digits_and_currency(ws, write):
    p = write("opportunities.csv", OPPS_HEAD +
              'O1,2024-01-01,open,,"$1,234.56",,\n'
              "O2,2024-01-01,باز,,۱۲۳٬۴۵۶٫۷ ریال,۵۰,\n"
              "O3,2024-01-01,open,,0.1,0.3%,\n")
    result = import_files(ws, [p], progress=False)
    assert result.rejected == 0
    got = rows(ws, "SELECT opportunity_id, amount, probability FROM opportunities ORDER BY 1")
    assert got == [("O1", Decimal("1234.56"), None), ("O2", Decimal("123456.70"), 0.5),
                   ("O3", Decimal("0.10"), 0.003)]


def test_times_with_offsets_are_converted_and_dates_never_shift(ws, write):
    p = write("leads.csv", "lead_id,created_at\nL1,2026-01-05T10:00Z\nL2,2026-01-05T10:00+03:30\n"
                           "L3,2026-01-05\nL4,2026-01-05 08:00\nL5,۱۴۰۲/۰۵/۱۳ ۱۴:۳۰\n")
    import_files(ws, [p], progress=False)
    assert rows(ws, "SELECT lead_id, created_at FROM leads ORDER BY 1") == [
        ("L1", dt.datetime(2026, 1, 5, 13, 30)), ("L2", dt.datetime(2026, 1, 5, 10, 0)),
        ("L3", dt.datetime(2026, 1, 5)), ("L4", dt.datetime(2026, 1, 5, 8, 0)),
        ("L5", dt.datetime(2023, 8, 4, 14, 30)),
    ]


def test_reimport_updates_by_key_and_never_duplicates(ws, write):
    p = write("opportunities.csv", OPPS_HEAD + "O1,2024-01-01,open,,5,,\n")
    import_files(ws, [p], progress=False)
    p.write_text(OPPS_HEAD + "O1,2024-01-01,won,2024-02-01,9,,\nO2,2024-01-01,open,,1,,\n")
    import_files(ws, [p], progress=False)
    import_files(ws, [p], progress=False)
    assert rows(ws, "SELECT opportunity_id, status, amount FROM opportunities ORDER BY 1") == [
        ("O1", "won", Decimal("9.00")), ("O2", "open", Decimal("1.00"))]


def test_natural_key_tables_replace_null_safely(ws, write):
    p = write("time_log.csv", "rep_id,day,hours,channel,purpose\nR1,2024-01-01,3,,prospecting\n"
                              "R1,2024-01-01,2,phone,\n")
    import_files(ws, [p], progress=False)
    p.write_text("rep_id,day,hours,channel,purpose\nR1,2024-01-01,4,,prospecting\n"
                 "R1,2024-01-01,5,phone,\n")
    import_files(ws, [p], progress=False)
    assert rows(ws, "SELECT hours FROM time_log ORDER BY hours") == [(4.0,), (5.0,)]


def test_a_fraction_among_percents_is_rejected_not_read_a_hundred_times_off(ws, write):
    # 50 and 30% are percents; 0.3 beside them could be 0.3% or 30%: rejected with a reason,
    # while 0.3% (marked) and the others load.
    p = write("opportunities.csv", OPPS_HEAD +
              "O1,2024-01-01,open,,100,50,\n"
              "O2,2024-01-01,open,,100,0.3,\n"
              "O3,2024-01-01,open,,100,30%,\n"
              "O4,2024-01-01,open,,100,0.3%,\n"
              "O5,2024-01-01,open,,100,0,\n")
    result = import_files(ws, [p], progress=False)
    t = result.tables["opportunities"]
    assert (t.read, t.loaded, t.rejected) == (5, 4, 1)
    got = rows(ws, "SELECT opportunity_id, probability FROM opportunities ORDER BY 1")
    assert got == [("O1", 0.5), ("O3", 0.3), ("O4", 0.003), ("O5", 0.0)]
    reason = rows(ws, "SELECT reason_code, column_name, value FROM _quarantine")
    assert reason == [("ambiguous_probability", "probability", "0.3")]


def test_a_column_of_fractions_stays_fractions(ws, write):
    p = write("opportunities.csv", OPPS_HEAD +
              "O1,2024-01-01,open,,100,0.5,\nO2,2024-01-01,open,,100,1,\n")
    import_files(ws, [p], progress=False)
    assert rows(ws, "SELECT opportunity_id, probability FROM opportunities ORDER BY 1") == [
        ("O1", 0.5), ("O2", 1.0)]


def test_a_large_import_stays_within_its_memory_limit_and_loads_every_row(ws, tmp_path, monkeypatch):
    """The staged rows go to DuckDB's temporary folder beyond the import's memory limit (here far
    below the data's size), and the machine's own limit is back once the import is done."""
    from salesscope.demo import generate, write_demo_files
    from salesscope.ingest import importer, validate

    before = rows(ws, "SELECT current_setting('memory_limit')")
    monkeypatch.setattr(importer, "IMPORT_MEMORY_BYTES", 64 * 2**20)
    seen = []
    check = validate.duplicates
    monkeypatch.setattr(validate, "duplicates", lambda con, stage: (
        seen.append(con.execute("SELECT current_setting('memory_limit')").fetchone()[0]), check(con, stage))[1])
    today = dt.date(2026, 4, 15)
    paths = write_demo_files(tmp_path / "files", seed=5, scale=100_000, today=today)
    import_files(ws, paths, progress=False)
    assert set(seen) == {"64.0 MiB"}
    assert rows(ws, "SELECT current_setting('memory_limit')") == before
    want = {name: len(frame) for name, frame in generate(seed=5, scale=100_000, today=today).items()}
    assert ws.row_counts() == want


def test_the_audit_log_counts_every_added_and_replaced_key_and_keeps_the_first_ones(ws, write, monkeypatch):
    from salesscope.ingest import scope

    monkeypatch.setattr(scope, "KEYS_RECORDED", 3)
    first = write("leads.csv", "lead_id,created_at\n" + "".join(f"L{i},2024-01-01\n" for i in (5, 1, 3, 9)))
    import_files(ws, [first], progress=False)
    again = write("leads.csv", "lead_id,created_at\n" + "".join(f"L{i},2024-01-02\n" for i in (9, 8, 3, 2, 7, 4, 5)))
    time_log = write("time_log.csv", "rep_id,day,hours,channel\nR2,2024-01-01,3,\nR1,2024-01-01,2,phone\n")
    import_files(ws, [again, time_log], progress=False)
    log = sorted((json.loads(c) for (c,) in rows(ws, "SELECT changes FROM _imports")), key=len)
    assert log[0]["leads"] == {"added": 4, "added_keys": ["L1", "L3", "L5"], "replaced": 0, "replaced_keys": []}
    assert log[1]["leads"] == {"added": 4, "added_keys": ["L2", "L4", "L7"],
                               "replaced": 3, "replaced_keys": ["L3", "L5", "L9"]}
    assert log[1]["time_log"] == {"added": 2, "added_keys": ["(R1, 2024-01-01, phone, )", "(R2, 2024-01-01, , )"],
                                  "replaced": 0, "replaced_keys": []}

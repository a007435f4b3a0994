"""Every input format: CSV encodings and delimiters, XLSX sheets, JSON, JSON Lines, Parquet."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import duckdb
import pytest
import xlsxwriter
from tests.ingest.conftest import rows

from salesscope.errors import InputError
from salesscope.ingest import import_files


def test_windows_1256_tsv_with_persian_labels(ws, write):
    # Windows-1256 has the Arabic yeh (U+064A), which Persian text in it uses.
    p = write("leads.tsv", "lead_id\tcreated_at\tchannel\nL1\t1402/05/13\tتلگرام\n"
                           "L2\t1402/05/14\tنمايشگاه\n", encoding="cp1256")
    result = import_files(ws, [p], progress=False)
    assert result.rejected == 0
    assert rows(ws, "SELECT lead_id, created_at, channel, channel_label FROM leads ORDER BY 1") == [
        ("L1", dt.datetime(2023, 8, 4), "messaging", "تلگرام"),
        ("L2", dt.datetime(2023, 8, 5), "event", "نمايشگاه"),
    ]


def test_utf8_bom_and_semicolons(ws, write):
    p = write("reps.csv", "\ufeffrep_id;name;hourly_cost\nR1;Sara;12,5\n")
    # A comma followed by one digit cannot group thousands: it is a decimal comma.
    import_files(ws, [p], progress=False)
    assert rows(ws, "SELECT rep_id, name, hourly_cost FROM reps") == [("R1", "Sara", 12.5)]


def test_xlsx_all_sheets_named_after_tables_and_one_named_sheet(ws, tmp_path):
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    reps = wb.add_worksheet("reps")
    reps.write_row(0, 0, ["rep_id", "name"])
    reps.write_row(1, 0, ["R1", "Sara"])
    opps = wb.add_worksheet("opportunities")
    opps.write_row(0, 0, ["opportunity_id", "created_at", "status", "closed_at", "amount",
                          "rep_id"])
    opps.write_row(1, 0, ["O1", "2024-01-01", "won", "2024-02-01", 1200.5, "R1"])
    opps.write_datetime(2, 1, dt.datetime(2024, 3, 1, 9, 30), wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    opps.write_row(2, 0, ["O2"])
    opps.write_row(2, 2, ["open", None, 5, "R7"])
    wb.close()
    result = import_files(ws, [path], progress=False)
    assert result.to_dict()["tables"] == {
        "reps": {"read": 1, "loaded": 1, "rejected": 0},
        "opportunities": {"read": 2, "loaded": 1, "rejected": 1},
    }
    assert ("book.xlsx[opportunities]:3 column 'rep_id' has value 'R7': no row in reps has rep_id "
            "'R7' (stored or in this import)") in result.warnings
    assert rows(ws, "SELECT amount FROM opportunities") == [(1200.5,)]
    only = import_files(ws, [path], sheet="reps", progress=False)
    assert list(only.tables) == ["reps"]
    with pytest.raises(InputError, match="no sheet named 'nope'"):
        import_files(ws, [path], sheet="nope", progress=False)


def test_json_array_object_with_list_and_json_lines(ws, write):
    a = write("leads.json", json.dumps([{"lead_id": "L1", "created_at": "2024-01-01"}]))
    b = write("leads-b.json", json.dumps({"data": [{"lead_id": "L2", "created_at": "2024-01-02",
                                                    "channel": "sms"}]}))
    c = write("leads-c.jsonl", '{"lead_id": "L3", "created_at": "2024-01-03"}\n\n'
                               '{"lead_id": "L4", "created_at": "2024-13-03"}\n')
    result = import_files(ws, [a, b, c], progress=False)
    assert rows(ws, "SELECT lead_id FROM leads ORDER BY 1") == [("L1",), ("L2",), ("L3",)]
    # JSON Lines rows are line numbers.
    assert any(w.startswith("leads-c.jsonl:3 column 'created_at'") for w in result.warnings)


def test_parquet(ws, tmp_path):
    path = tmp_path / "activities.parquet"
    duckdb.execute(f"COPY (SELECT 'A' || i AS activity_id, TIMESTAMP '2024-01-01' + "
                   f"INTERVAL (i) HOUR AS occurred_at, 'call' AS channel, i * 1.5 AS cost "
                   f"FROM range(5) t(i)) TO '{path}' (FORMAT parquet)")
    result = import_files(ws, [path], progress=False)
    assert result.tables["activities"].loaded == 5
    assert rows(ws, "SELECT max(occurred_at), sum(cost), min(channel) FROM activities") == [
        (dt.datetime(2024, 1, 1, 4), 15, "phone")]


def test_decimal_comma_is_read_from_the_column_never_ten_times_off(ws, write):
    # A European export: semicolons, dot-grouped thousands and decimal commas. "1,234" is read
    # as the other values of its column are written: 1.234, not 1234.
    p = write("opportunities.csv", "opportunity_id;created_at;status;amount\n"
                                   "O1;2024-01-01;open;12,5\n"
                                   "O2;2024-01-01;open;1.234,5\n"
                                   "O3;2024-01-01;open;1,234\n"
                                   "O4;2024-01-01;open;7\n")
    result = import_files(ws, [p], progress=False)
    t = result.tables["opportunities"]
    assert (t.read, t.loaded, t.rejected) == (4, 4, 0)
    assert rows(ws, "SELECT opportunity_id, amount FROM opportunities ORDER BY 1") == [
        ("O1", Decimal("12.50")), ("O2", Decimal("1234.50")), ("O3", Decimal("1.23")),
        ("O4", Decimal("7.00"))]


def test_a_column_mixing_both_conventions_reads_each_value_by_its_shape(ws, write):
    # "1,234.5" can only use a decimal point, "12,5" only a decimal comma; "1,234" groups
    # thousands as in the rest of a column that uses points. Persian separators are read too.
    p = write("opportunities.csv", "opportunity_id,created_at,status,amount\n"
                                   'O1,2024-01-01,open,"1,234.5"\n'
                                   'O2,2024-01-01,open,"12,5"\n'
                                   'O3,2024-01-01,open,"1,234"\n'
                                   "O4,2024-01-01,open,۱۲٫۵\n"
                                   "O5,2024-01-01,open,۱۲٬۵۰۰\n")
    result = import_files(ws, [p], progress=False)
    t = result.tables["opportunities"]
    assert (t.read, t.loaded, t.rejected) == (5, 5, 0)
    assert rows(ws, "SELECT opportunity_id, amount FROM opportunities ORDER BY 1") == [
        ("O1", Decimal("1234.50")), ("O2", Decimal("12.50")), ("O3", Decimal("1234.00")),
        ("O4", Decimal("12.50")), ("O5", Decimal("12500.00"))]


def test_declared_decimal_separator_wins_over_the_data(ws, write, tmp_path):
    p = write("export.csv", "id;day;amount\nO1;2024-01-01;1,234\nO2;2024-01-01;12,5\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("table: opportunities\nnumbers: {decimal: \".\"}\ncolumns:\n"
                       "  opportunity_id: id\n  created_at: day\n  status: {value: open}\n"
                       "  amount: amount\n", encoding="utf-8")
    import_files(ws, [p], mapping=mapping, progress=False)
    assert rows(ws, "SELECT opportunity_id, amount FROM opportunities ORDER BY 1") == [
        ("O1", Decimal("1234.00")), ("O2", Decimal("125.00"))]

"""The mapping check refuses what would load wrong data quietly; keys that cannot collide."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.ingest.conftest import rows

from salesscope.errors import ConfigError
from salesscope.ingest import import_files, load_mapping

DEALS = "tables:\n  opportunities:\n    columns:\n      opportunity_id: ID\n      status: Stage\n"


def _refused(write, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        load_mapping(write("m.yaml", text))
    return e.value


@pytest.mark.parametrize("where", ["column", "default"])
def test_a_date_format_without_a_year_is_refused(write, where):
    text = (DEALS + "      created_at: {from: Created, format: '%d %b'}\n" if where == "column"
            else "dates: {format: '%d %b'}\n" + DEALS + "      created_at: Created\n")
    e = _refused(write, text)
    assert "the date format '%d %b' has no year, so every date would fall in the year 1900" \
        in str(e)
    assert "m.yaml:" in str(e) and "سال ندارد" in e.message_fa


def test_a_year_given_elsewhere_makes_it_usable(ws, write):
    m = write("m.yaml", DEALS + "      created_at: {from: Created, format: '%d %b', year: 2024}\n")
    f = write("deals.csv", "ID,Stage,Created\nD1,open,05 Mar\nD2,open,31 Feb\n")
    result = import_files(ws, [f], mapping=m, progress=False)
    assert rows(ws, "SELECT opportunity_id, created_at FROM opportunities") == [
        ("D1", dt.datetime(2024, 3, 5))]
    assert ("deals.csv:3 column 'Created' (opportunities.created_at) has value '31 Feb': not a "
            "valid date (expected the format %d %b %Y)") in result.warnings
    # A template that brings the year in is a format with a year.
    m2 = write("m2.yaml", DEALS + "      created_at: {template: '{Created} {Year}', "
                                  "format: '%d %b %Y'}\n")
    load_mapping(m2)


@pytest.mark.parametrize(("fmt", "hint"), [("jalaly", " (did you mean 'jalali'?)"),
                                           ("day-first", " (did you mean 'dayfirst'?)"),
                                           ("persian", "")])
def test_an_unknown_format_name_is_refused_with_a_suggestion(write, fmt, hint):
    e = _refused(write, f"dates: {{format: {fmt}}}\n" + DEALS + "      created_at: Created\n")
    assert f"m.yaml:1 dates.format: unknown date format '{fmt}'{hint}: expected one of iso, " \
           "dayfirst, monthfirst, jalali, auto" in str(e)


def test_yaml_booleans_in_a_value_map_are_explained(write):
    e = _refused(write, DEALS.replace("status: Stage\n", "status:\n        from: Won\n"
                                      "        values: {yes: won, no: lost}\n")
                 + "      created_at: Created\n")
    text = str(e)
    assert "m.yaml:7 tables.opportunities.columns.status.values.true: YAML reads an unquoted " \
           "yes, no, on, off, true, false as true, not as text: put it in quotes" in text
    assert "values.false" in text and "گیومه" in e.message_fa


def test_quoted_yes_and_no_work(ws, write):
    m = write("m.yaml", DEALS.replace("status: Stage\n", "status: {from: Won, values: "
                                      "{'yes': won, 'no': lost}}\n")
              + "      created_at: Created\n      closed_at: Created\n")
    f = write("deals.csv", "ID,Won,Created\nD1,yes,2024-01-01\nD2,No,2024-01-02\n")
    import_files(ws, [f], mapping=m, progress=False)
    assert rows(ws, "SELECT opportunity_id, status FROM opportunities ORDER BY 1") == [
        ("D1", "won"), ("D2", "lost")]


def test_row_number_keys_make_repeat_imports_replace_not_duplicate(ws, write):
    m = write("calls.yaml", "table: activities\ncolumns:\n  activity_id: {row_number: true}\n"
                            "  occurred_at: When\n  channel: {value: phone}\n  kind: Outcome\n")
    f = write("calls-2024-05.csv", "When,Outcome\n2024-05-01 10:00,No answer\n"
                                   "2024-05-01 10:00,No answer\n2024-05-02 09:30,Meeting booked\n")
    for _ in range(2):
        result = import_files(ws, [f], mapping=m, progress=False)
        assert result.tables["activities"].loaded == 3
    assert rows(ws, "SELECT activity_id, kind FROM activities ORDER BY 1") == [
        ("calls-2024-05.csv:2", "No answer"), ("calls-2024-05.csv:3", "No answer"),
        ("calls-2024-05.csv:4", "Meeting booked")]


def test_row_number_only_for_the_id(write):
    e = _refused(write, DEALS + "      created_at: Created\n      stage: {row_number: true}\n")
    assert "row_number makes a key: use it for the table's id column, not 'stage'" in str(e)


def test_composite_keys_cannot_collide(ws, write):
    """Account 1 on day 23 and account 12 on day 3 are two deals; so are 'a|b' + 'c' and
    'a' + 'b|c'. A template joining the same columns gives one key for both."""
    data = "Account,Day,Stage\n1,23,open\n12,3,open\na|b,c,open\na,b|c,open\n"
    f = write("deals.csv", data)
    m = write("m.yaml", DEALS.replace("opportunity_id: ID", "opportunity_id: {parts: [Account, "
                                      "Day]}") + "      created_at: {value: '2024-01-01'}\n")
    result = import_files(ws, [f], mapping=m, progress=False)
    assert (result.tables["opportunities"].loaded, result.rejected) == (4, 0)
    assert len({r[0] for r in rows(ws, "SELECT opportunity_id FROM opportunities")}) == 4
    # A template that glues the same columns together would give 1 + 23 and 12 + 3 one key:
    # the mapping check refuses it.
    e = _refused(write, DEALS.replace("opportunity_id: ID", "opportunity_id: {template: "
                                      "'{Account}{Day}'}") + "      created_at: Created\n")
    assert "different rows can give the same key (1 and 23, 12 and 3); use parts: " \
           "[Account, Day]" in str(e)

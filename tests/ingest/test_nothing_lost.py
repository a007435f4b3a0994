"""Nothing is lost silently: workbook error cells, unreadable files, links to rejected rows,
open deals without a start date."""

from __future__ import annotations

import pytest
from tests.ingest.conftest import rows

from salesscope.errors import InputError
from salesscope.ingest import import_files


def _book(path, header, body):
    """A workbook whose cells may be values, ("=formula", cached) or ("=formula", None)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("opportunities")
    ws.write_row(0, 0, header)
    for r, row in enumerate(body, start=1):
        for c, v in enumerate(row):
            if isinstance(v, tuple):
                formula, cached = v
                ws.write_formula(r, c, formula, None, cached)
            else:
                ws.write(r, c, v)
    wb.close()
    return path


def _drop_cached_values(path, cells):
    """Remove the saved value of some formula cells, as a generator that never calculates does."""
    import re
    import shutil
    import zipfile

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref in cells:
                    text = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v>[^<]*</v>', r"\1\2",
                                  text)
                data = text.encode()
            dst.writestr(item, data)
    shutil.move(tmp, path)


def test_error_and_uncalculated_formula_cells_are_rejected_with_a_reason(ws, tmp_path):
    header = ["opportunity_id", "created_at", "status", "closed_at", "amount", "product"]
    body = [
        ["O1", "2024-01-05", "won", "2024-02-01", ("=B1*0+1000", 1000), "A"],
        ["O2", "2024-01-06", "won", "2024-02-01", ("=1/0", "#DIV/0!"), "A"],
        ["O3", "2024-01-07", "lost", "2024-02-01", ("=NA()", "#N/A"), "B"],
        ["O4", "2024-01-08", "open", "", ("=100*3", 300), "B"],
        ["O5", "2024-01-09", "open", "", 250, ("=NA()", "#N/A")],
        ["O6", "2024-01-10", "open", "", 10, "C"],
    ]
    book = _book(tmp_path / "deals.xlsx", header, body)
    _drop_cached_values(book, ["E5"])  # O4's amount: a formula never calculated
    result = import_files(ws, [book], progress=False)
    c = result.tables["opportunities"]
    assert (c.read, c.loaded, c.rejected) == (6, 2, 4)
    assert rows(ws, "SELECT opportunity_id, amount FROM opportunities ORDER BY 1") == [
        ("O1", 1000), ("O6", 10)]
    got = rows(ws, "SELECT source_row, column_name, value, reason_code FROM _quarantine "
                   "ORDER BY source_row")
    assert got == [(3, "amount", "#DIV/0!", "cell_error"), (4, "amount", "#N/A", "cell_error"),
                   (5, "amount", "=100*3", "formula_without_value"),
                   (6, "product", "#N/A", "cell_error")]
    assert ("deals.xlsx[opportunities]:3 column 'amount' has value '#DIV/0!': the cell holds the "
            "error #DIV/0!, not a value (fix the formula in the workbook)") in result.warnings
    assert ("deals.xlsx[opportunities]:3 ستون 'amount' با مقدار '#DIV/0!': خانه به جای مقدار "
            "خطای #DIV/0! دارد (فرمول را در کارپوشه درست کنید)") in result.warnings_in("fa")


def test_error_cells_in_columns_nobody_maps_are_ignored(ws, tmp_path):
    book = _book(tmp_path / "opportunities.xlsx",
                 ["opportunity_id", "created_at", "status", "notes"],
                 [["O1", "2024-01-05", "open", ("=1/0", "#DIV/0!")]])
    result = import_files(ws, [book], progress=False)
    assert result.tables["opportunities"].loaded == 1


@pytest.mark.parametrize(("content", "kind"), [
    (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "it is a program"),
    (b"PK\x03\x04" + bytes(100), "it is a ZIP archive, perhaps a workbook: name it .xlsx"),
    (b"%PDF-1.7\n" + bytes(100), "it is a PDF document"),
    (b"lead_id,created_at\n\x00\x01\x02\x00\x00", "it holds binary data"),
])
def test_a_binary_file_gets_one_plain_sentence(ws, write, content, kind):
    p = write("leads.csv", "")
    p.write_bytes(content)
    with pytest.raises(InputError) as e:
        import_files(ws, [p], progress=False)
    assert str(e.value) == f"leads.csv is not a text file ({kind}): export the data as CSV or XLSX"
    assert e.value.message_fa.startswith("leads.csv فایل متنی نیست")


def test_a_rejected_deal_leaves_its_lead_loaded_without_the_link(ws, write):
    reps = write("reps.csv", "rep_id,name\nR1,Ann\n")
    deals = write("opportunities.csv",
                  "opportunity_id,created_at,status,closed_at,rep_id\n"
                  "O1,2024-01-10,won,2024-01-20,R1\n"
                  "O2,2024-01-10,won,2024-01-08,R1\n")  # won before it was created
    leads = write("leads.csv", "lead_id,created_at,opportunity_id,rep_id\n"
                               "L1,2024-01-02,O1,R1\nL2,2024-01-03,O2,R1\nL3,2024-01-04,O7,R1\n")
    result = import_files(ws, [reps, deals, leads], progress=False)
    counts = {t: (c.read, c.loaded, c.rejected) for t, c in result.tables.items()}
    # O2 is rejected for its dates; L2 loads without its link; L3 points at a deal that was
    # never in any file and is rejected as before.
    assert counts == {"reps": (1, 1, 0), "opportunities": (2, 1, 1), "leads": (3, 2, 1)}
    assert rows(ws, "SELECT lead_id, opportunity_id FROM leads ORDER BY 1") == [
        ("L1", "O1"), ("L2", None)]
    assert ("leads.csv:3 column 'opportunity_id' points at opportunities 'O2', which was "
            "rejected in this import: the row is loaded without that link") in result.warnings
    assert any("leads.csv:3" in w and "بدون این پیوند" in w for w in result.warnings_in("fa"))
    assert rows(ws, "SELECT source_file, source_row, reason_code FROM _quarantine ORDER BY 1") == [
        ("leads.csv", 4, "dangling_reference"), ("opportunities.csv", 3, "order")]


def test_open_deals_without_a_start_date_load_flagged(ws, write, tmp_path):
    deals = write("deals.csv", "Deal,Created,Stage\nD1,2024-01-05,Open\nD2,,Open\nD3,,Won\n"
                               "D4,,In progress\n")
    m = tmp_path / "m.yaml"
    m.write_text("table: opportunities\ncolumns: {opportunity_id: Deal, created_at: Created, "
                 "status: Stage, closed_at: {value: '2024-02-01'}}\n", encoding="utf-8")
    result = import_files(ws, [deals], mapping=m, progress=False)
    c = result.tables["opportunities"]
    assert (c.read, c.loaded, c.rejected) == (4, 3, 1)
    assert rows(ws, "SELECT opportunity_id, created_at IS NULL FROM opportunities ORDER BY 1") == [
        ("D1", False), ("D2", True), ("D4", True)]
    assert rows(ws, "SELECT source_row, column_name, reason_code FROM _quarantine") == [
        (4, "created_at", "missing_value")]
    assert result.warnings[0].startswith("deals.csv: 2 open deals have no creation date "
                                         "('Created', rows 3, 5): loaded without one")
    assert ("deals.csv:4 column 'Created' (opportunities.created_at) has value '': a value is "
            "required") in result.warnings
    # The indicators run on such a store.
    assert not ws.kpis(["win_rate"], grain="month").empty


def test_a_missing_source_column_is_named_with_why(ws, write, tmp_path):
    deals = write("deals.csv", "Deal,Stage\nD1,open\n")
    m = tmp_path / "m.yaml"
    m.write_text("table: opportunities\ncolumns: {opportunity_id: Deal, created_at: Create Date, "
                 "status: Stage, rep_id: Owner}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_files(ws, [deals], mapping=m, progress=False)
    assert str(e.value) == ("deals.csv: column 'Create Date' is missing; it is needed for "
                            "opportunities.created_at, which places each row in its period; "
                            "headers found: 'Deal', 'Stage'")
    m.write_text("table: opportunities\ncolumns: {opportunity_id: Deal, created_at: {value: "
                 "'2024-01-01'}, status: Stage, rep_id: Owner}\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'Owner' is missing; the mapping reads it for "
                                         "opportunities.rep_id \\(add optional: true"):
        import_files(ws, [deals], mapping=m, progress=False)


@pytest.mark.parametrize(("name", "content", "start"), [
    ("leads.json", b"\x7fELF\x02\x01\x01\x00" + bytes(50), "leads.json is not a text file"),
    ("leads.json", "[{\"lead_id\": \"L1\"}]".encode("cp1256") + b"\xff\xfe\xfa",
     "leads.json: the text is not in the UTF-8 encoding"),
    ("leads.xlsx", b"not a workbook at all", "leads.xlsx: cannot be read as a workbook; it may "
                                             "be damaged, password-protected or another kind"),
])
def test_other_unreadable_files_get_one_sentence(ws, write, name, content, start):
    p = write(name, "")
    p.write_bytes(content)
    with pytest.raises(InputError) as e:
        import_files(ws, [p], progress=False)
    assert str(e.value).startswith(start)
    assert "\n" not in str(e.value) and e.value.message_fa


def test_a_deal_won_before_its_lead_was_contacted_is_reported_and_both_load(ws, write):
    leads = write("leads.csv", "lead_id,created_at,first_contacted_at\n"
                               "L1,2024-01-02,2024-01-14\nL2,2024-01-02,2024-01-03\n")
    deals = write("opportunities.csv", "opportunity_id,created_at,status,closed_at,lead_id\n"
                                       "D1,2024-01-10,won,2024-01-12,L1\n"
                                       "D2,2024-01-10,won,2024-01-12,L2\n")
    result = import_files(ws, [leads, deals], progress=False)
    assert result.rejected == 0
    assert rows(ws, "SELECT count(*) FROM leads") == rows(ws, "SELECT count(*) FROM "
                                                            "opportunities") == [(2,)]
    assert ("1 won deals closed before their lead was first contacted (deal, close date, lead, "
            "first contact: D1 won 2024-01-12 < L1 2024-01-14): both are loaded; check these "
            "dates in the CRM") in result.warnings
    assert any("D1 won 2024-01-12" in w for w in result.warnings_in("fa"))
    # A later import of other rows does not repeat it.
    again = import_files(ws, [write("reps.csv", "rep_id,name\nR1,Ann\n")], progress=False)
    assert not any("won deals" in w for w in again.warnings)


def test_won_before_contact_follows_the_link_from_the_lead_and_rows_stored_earlier(ws, write):
    # The leads name their deals; the deals come in a later import and are checked against the
    # stored leads; a lead imported again is checked against the stored deals.
    import_files(ws, [write("leads.csv", "lead_id,created_at,first_contacted_at,opportunity_id\n"
                                         "L1,2024-01-02,2024-01-14,D1\nL2,2024-01-02,,D2\n"
                                         "L3,2024-01-20,,D3\n")], progress=False)
    deals = write("opportunities.csv", "opportunity_id,created_at,status,closed_at\n"
                                       "D1,2024-01-10,won,2024-01-12\nD2,2024-01-10,won,2024-01-12\n"
                                       "D3,2024-01-10,lost,2024-01-12\n")
    result = import_files(ws, [deals], progress=False)
    assert ("1 won deals closed before their lead was first contacted (deal, close date, lead, "
            "first contact: D1 won 2024-01-12 < L1 2024-01-14): both are loaded; check these "
            "dates in the CRM") in result.warnings
    again = import_files(ws, [write("leads.csv", "lead_id,created_at,opportunity_id\n"
                                                 "L2,2024-01-15,D2\n")], progress=False)
    assert any("D2 won 2024-01-12 < L2 2024-01-15" in w and w.startswith("1 won deals")
               for w in again.warnings)

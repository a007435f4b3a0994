"""One import is one transaction; strict mode loads nothing when a row is rejected."""

from __future__ import annotations

import pytest
from tests.ingest.conftest import rows

from salesscope.ingest import RejectedRowsError, import_files, importer

REPS = "rep_id,name\nR1,Sara\nR2,Reza\n"
OPPS = ("opportunity_id,created_at,status,closed_at,rep_id\nO1,2024-01-01,open,,R1\n"
        "O2,2024-01-01,won,2024-02-01,R2\n")


def snapshot(ws):
    out = {}
    for t in ("reps", "opportunities", "_quarantine", "_imports"):
        out[t] = sorted(map(repr, rows(ws, f'SELECT * FROM "{t}"')))
    return out


def test_failure_mid_import_leaves_the_store_as_it_was(ws, write, monkeypatch):
    import_files(ws, [write("reps.csv", "rep_id,name\nR0,Old\n")], progress=False)
    before = snapshot(ws)
    files_before = sorted(ws.quarantine_dir.iterdir())
    real = importer.load_table
    calls = []

    def failing(con, table, *stage):
        calls.append(table)
        real(con, table, *stage)  # reps are written ...
        if len(calls) == 2:
            raise RuntimeError("disk on fire")  # ... then the second table fails

    monkeypatch.setattr(importer, "load_table", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_files(ws, [write("reps.csv", REPS), write("opportunities.csv", OPPS)],
                     progress=False)
    assert snapshot(ws) == before
    assert sorted(ws.quarantine_dir.iterdir()) == files_before
    # The connection is usable afterwards and a retry works.
    monkeypatch.setattr(importer, "load_table", real)
    result = import_files(ws, [write("reps.csv", REPS), write("opportunities.csv", OPPS)],
                          progress=False)
    assert result.tables["opportunities"].loaded == 2


def test_strict_loads_nothing_and_raises_with_the_result(ws, write):
    bad = OPPS + "O3,2024-01-01,won,,R1\n"
    before = snapshot(ws)
    with pytest.raises(RejectedRowsError) as e:
        import_files(ws, [write("reps.csv", REPS), write("opportunities.csv", bad)],
                     strict=True, progress=False)
    assert snapshot(ws) == before
    result = e.value.result
    assert result.committed is False
    assert result.tables["opportunities"].rejected == 1
    assert "a won deal needs a close date" in open(result.quarantine, encoding="utf-8").read()
    # Without strict the same files load the valid rows.
    ok = import_files(ws, [write("reps.csv", REPS), write("opportunities.csv", bad)],
                      progress=False)
    assert ok.tables["opportunities"].loaded == 2


def test_render_table_in_both_languages(ws, write):
    from rich.console import Console

    result = import_files(ws, [write("reps.csv", REPS)], progress=False)
    for lang, word in (("en", "loaded"), ("fa", "بارگذاری")):
        console = Console(record=True, width=120)
        console.print(result.render_table(lang))
        assert word in console.export_text()

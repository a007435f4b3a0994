"""Digests: subscriptions in the workspace, sent to a real SMTP server, each scoped to its filter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesscope.cli import app
from salesscope.errors import InputError
from salesscope.report import digest as dg

TODAY = dt.date(2026, 4, 15)


def _sheet_values(book: bytes, column: str) -> set[str]:
    """Every value of ``column`` in the workbook's sheets (the breakdown rows)."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(book), read_only=True)
    found = set()
    for sheet in wb.worksheets:
        rows = sheet.iter_rows(values_only=True)
        head = list(next(rows, []))
        if column in head:
            found |= {r[head.index(column)] for r in rows if r[head.index(column)]}
    return found


def test_subscriptions_add_list_remove(copy_demo) -> None:
    ws = copy_demo()
    a = dg.add(ws, "north@example.com", schedule="monthly", language="fa", filter={"team": "North"})
    b = dg.add(ws, "r03@example.com", schedule="weekly", language="en", filter={"rep": "R03"})
    assert [s.recipient for s in dg.list_all(ws)] == ["north@example.com", "r03@example.com"]
    assert a.filter == {"team": "North"} and b.schedule == "weekly" and a.last_sent_at is None
    cols = {r[0] for r in ws.duckdb.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = '_subscriptions'").fetchall()}
    assert {"id", "recipient", "language", "schedule", "filter", "last_sent_at", "created_at"} <= cols
    dg.remove(ws, a.id)
    assert [s.id for s in dg.list_all(ws)] == [b.id]
    for bad in (dict(recipient="not-an-address"), dict(recipient="x@y.z", schedule="daily"),
                dict(recipient="x@y.z", filter={"channel": "email"})):
        with pytest.raises(InputError):
            dg.add(ws, **bad)
    with pytest.raises(InputError):
        dg.remove(ws, 999)
    ws.close()


def test_due_digests_are_sent_scoped_to_each_recipient(copy_demo, smtp_server) -> None:
    host, port, inbox = smtp_server
    ws = copy_demo()
    team_of = dict(ws.duckdb.execute("SELECT rep_id, team FROM reps").fetchall())
    north_reps = {r for r, t in team_of.items() if t == "North"}
    assert north_reps and set(team_of.values()) - {"North"}
    dg.add(ws, "north@example.com", schedule="monthly", language="en", filter={"team": "North"})
    dg.add(ws, "r03@example.com", schedule="weekly", language="fa", filter={"rep": "R03"})
    assert len(dg.due(ws, TODAY)) == 2
    smtp = dg.SmtpSettings(host=host, port=port, sender="reports@example.com")
    sent = dg.run_due(ws, smtp, today=TODAY, fmt="xlsx")
    assert [s.recipient for s, _ in sent] == ["north@example.com", "r03@example.com"]
    assert len(inbox.messages) == 2
    by_rcpt = {rcpt[0]: msg for rcpt, msg in inbox.messages}
    north = by_rcpt["north@example.com"]
    assert north["To"] == "north@example.com" and north["From"] == "reports@example.com"
    assert north["Subject"] == "SalesScope monthly digest: 2026-03"
    assert len(bytes(north)) < dg.MAX_MAIL_BYTES
    body = north.get_body(("plain",)).get_content()
    assert "• Win rate: " in body and " pp) · n=" in body  # the indicators inline, changes in points
    (att,) = list(north.iter_attachments())
    assert att.get_filename().endswith(".xlsx")
    assert _sheet_values(att.get_content(), "team") == {"North"}  # nobody else's team
    assert _sheet_values(att.get_content(), "rep") <= north_reps
    rep = by_rcpt["r03@example.com"]
    assert rep["Subject"].startswith("خلاصه هفتگی")
    assert "• نرخ" in rep.get_body(("plain",)).get_content() or "•" in rep.get_body(("plain",)).get_content()
    assert _sheet_values(next(rep.iter_attachments()).get_content(), "rep") == {"R03"}  # an id keeps its digits
    # Sent digests are not due again until their next period ends.
    assert dg.due(ws, TODAY) == []
    assert [s.recipient for s in dg.due(ws, TODAY + dt.timedelta(days=7))] == ["r03@example.com"]
    ws.close()


def test_a_report_too_large_for_a_mail_is_left_out_and_said_so(copy_demo) -> None:
    ws = copy_demo()
    sub = dg.add(ws, "north@example.com", schedule="monthly", language="en", filter={"team": "North"})
    digest = dg.compose(ws, sub, today=TODAY, fmt="html", link="https://sales.example.com/")
    message = bytes(digest.message("reports@example.com"))
    assert len(message) < dg.MAX_MAIL_BYTES
    assert digest.attachment is None and "too large to attach" in digest.body
    assert "The dashboard: https://sales.example.com/" in digest.body and "• Win rate: " in digest.body
    ws.close()


def test_cli_manages_and_previews_digests(copy_demo, tmp_path: Path) -> None:
    ws = copy_demo()
    path = ws.path
    ws.close()
    runner = CliRunner()
    res = runner.invoke(app, ["digest", "add", "south@example.com", "-w", str(path), "--schedule", "monthly",
                              "--lang", "fa", "--team", "South"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["digest", "list", "-w", str(path), "--today", TODAY.isoformat()])
    assert "south@example.com monthly fa [team=South]  due" in res.output
    out = tmp_path / "digests"
    res = runner.invoke(app, ["digest", "preview", "-w", str(path), "--out-dir", str(out), "--attach", "xlsx",
                              "--today", TODAY.isoformat()])
    assert res.exit_code == 0, res.output
    (eml,) = list(out.glob("*.eml"))
    from email import message_from_bytes, policy

    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "south@example.com"
    assert _sheet_values(next(msg.iter_attachments()).get_content(), "team") == {"South"}
    res = runner.invoke(app, ["digest", "list", "-w", str(path), "--today", TODAY.isoformat()])
    assert "due" in res.output  # a preview sends nothing
    res = runner.invoke(app, ["digest", "remove", "1", "-w", str(path)])
    assert res.exit_code == 0 and "#1" in res.output


def test_the_old_digest_flags_still_work(copy_demo) -> None:
    import subprocess
    import sys

    ws = copy_demo()
    path = ws.path
    ws.close()
    cli = [str(Path(sys.executable).parent / "salesscope"), "digest"]
    added = subprocess.run([*cli, "-w", str(path), "--add", "ana@example.com", "--team", "North"],
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    listed = subprocess.run([*cli, "--list", "-w", str(path)], capture_output=True, text=True, timeout=120)
    assert "ana@example.com monthly en [team=North]" in listed.stdout
    removed = subprocess.run([*cli, "--remove", "1", "-w", str(path)], capture_output=True, text=True, timeout=120)
    assert removed.returncode == 0 and "#1" in removed.stdout

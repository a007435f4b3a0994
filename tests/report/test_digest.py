"""Digests: subscriptions in the workspace, sent to a real SMTP server, each scoped to its filter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesscope.cli import app
from salesscope.errors import InputError
from salesscope.report import digest as dg

TODAY = dt.date(2026, 4, 15)


def _rows(html: str, dim: str) -> set[str]:
    block = re.search(rf'data-dim="{dim}">(.*?)</table>', html, re.S)
    return set(re.findall(r"<tr><th>([^<]+)</th>", block.group(1))) if block else set()


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
    sent = dg.run_due(ws, smtp, today=TODAY)
    assert [s.recipient for s, _ in sent] == ["north@example.com", "r03@example.com"]
    assert len(inbox.messages) == 2
    by_rcpt = {rcpt[0]: msg for rcpt, msg in inbox.messages}
    north = by_rcpt["north@example.com"]
    assert north["To"] == "north@example.com" and north["From"] == "reports@example.com"
    assert north["Subject"] == "SalesScope monthly digest: 2026-03"
    (att,) = list(north.iter_attachments())
    assert att.get_content_type() == "text/html" and att.get_filename().endswith(".html")
    html = att.get_content()
    assert "Showing only" in html and "North" in html
    assert _rows(html, "team") == {"North"}  # nobody else's team
    assert _rows(html, "rep") and _rows(html, "rep") <= north_reps
    rep = by_rcpt["r03@example.com"]
    assert rep["Subject"].startswith("خلاصه هفتگی")
    html_fa = next(rep.iter_attachments()).get_content()
    assert 'dir="rtl"' in html_fa
    assert _rows(html_fa, "rep") == {"R۰۳"}
    # Sent digests are not due again until their next period ends.
    assert dg.due(ws, TODAY) == []
    assert [s.recipient for s in dg.due(ws, TODAY + dt.timedelta(days=7))] == ["r03@example.com"]
    ws.close()


def test_cli_manages_and_previews_digests(copy_demo, tmp_path: Path) -> None:
    ws = copy_demo()
    path = ws.path
    ws.close()
    runner = CliRunner()
    res = runner.invoke(app, ["digest", "-w", str(path), "--add", "south@example.com", "--schedule", "monthly",
                              "--lang", "fa", "--team", "South"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["digest", "-w", str(path), "--list", "--today", TODAY.isoformat()])
    assert "south@example.com monthly fa [team=South]  due" in res.output
    out = tmp_path / "digests"
    res = runner.invoke(app, ["digest", "-w", str(path), "--preview", "--out-dir", str(out),
                              "--today", TODAY.isoformat()])
    assert res.exit_code == 0, res.output
    (eml,) = list(out.glob("*.eml"))
    from email import message_from_bytes, policy

    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "south@example.com"
    assert _rows(next(msg.iter_attachments()).get_content(), "team") == {"South"}
    res = runner.invoke(app, ["digest", "-w", str(path), "--list", "--today", TODAY.isoformat()])
    assert "due" in res.output  # a preview sends nothing

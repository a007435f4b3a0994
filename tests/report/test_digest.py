"""Digests: subscriptions in the workspace, sent to a real SMTP server, each scoped to its filter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesscope.cli import app
from salesscope.errors import InputError, SalesScopeError
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


class Refusing:
    """An SMTP handler that refuses one recipient (550) and, once told to, drops the session at DATA (421)."""

    def __init__(self, refused: str = "", drop_after: int | None = None) -> None:
        self.refused, self.drop_after, self.messages = refused, drop_after, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address == self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            return "421 4.3.0 Closing the connection: out of resources"
        self.messages.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def refusing_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 with a handler the test sets up."""
    from aiosmtpd.controller import Controller
    from tests.report.conftest import _free_port

    started = []

    def start(handler: Refusing) -> int:
        port = _free_port()
        ctl = Controller(handler, hostname="127.0.0.1", port=port)
        ctl.start()
        started.append(ctl)
        return port

    yield start
    for ctl in started:
        ctl.stop()


def _three_subscriptions(ws) -> list:
    return [dg.add(ws, who, schedule="monthly", language="en", filter={"rep": rep})
            for who, rep in (("first@example.com", "R01"), ("refused@example.com", "R02"),
                             ("third@example.com", "R03"))]


def test_a_refused_recipient_stops_the_run_and_only_what_went_is_marked_sent(copy_demo, refusing_server) -> None:
    ws = copy_demo()
    _three_subscriptions(ws)
    handler = Refusing(refused="refused@example.com")
    smtp = dg.SmtpSettings(host="127.0.0.1", port=refusing_server(handler), sender="reports@example.com")
    with pytest.raises(SalesScopeError, match=r"cannot send.*refused@example\.com.*550"):
        dg.run_due(ws, smtp, today=TODAY, fmt="none")
    assert handler.messages == [["first@example.com"]]
    # the digest that went is not due again; the refused one and the one never tried still are
    assert [s.recipient for s in dg.due(ws, TODAY)] == ["refused@example.com", "third@example.com"]
    ws.close()


def test_a_server_dropping_the_session_mid_run_leaves_the_rest_due(copy_demo, refusing_server) -> None:
    ws = copy_demo()
    _three_subscriptions(ws)
    handler = Refusing(drop_after=2)
    smtp = dg.SmtpSettings(host="127.0.0.1", port=refusing_server(handler), sender="reports@example.com")
    with pytest.raises(SalesScopeError, match="cannot send.*421"):
        dg.run_due(ws, smtp, today=TODAY, fmt="none")
    assert handler.messages == [["first@example.com"], ["refused@example.com"]]
    assert [s.recipient for s in dg.due(ws, TODAY)] == ["third@example.com"]
    # the next run sends what is left, once
    handler.drop_after = None
    sent = dg.run_due(ws, smtp, today=TODAY, fmt="none")
    assert [s.recipient for s, _ in sent] == ["third@example.com"] and len(handler.messages) == 3
    assert dg.due(ws, TODAY) == []
    ws.close()


def test_no_server_listening_is_one_clear_error_and_nothing_is_marked_sent(copy_demo, tmp_path) -> None:
    from tests.report.conftest import _free_port

    ws = copy_demo()
    _three_subscriptions(ws)
    path = ws.path
    ws.close()
    port = _free_port()  # nothing listens there
    import subprocess
    import sys

    cli = str(Path(sys.executable).parent / "salesscope")
    res = subprocess.run([cli, "digest", "send", "-w", str(path), "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                          "--attach", "none", "--today", TODAY.isoformat()], capture_output=True, text=True, timeout=300)
    assert res.returncode != 0 and "Traceback" not in res.stderr + res.stdout, res.stderr
    assert f"SMTP 127.0.0.1:{port}: cannot send" in res.stderr + res.stdout, res.stderr
    import salesscope

    with salesscope.open(path) as ws:
        assert len(dg.due(ws, TODAY)) == 3

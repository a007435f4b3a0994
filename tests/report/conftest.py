"""Fixtures for the report tests: a real SMTP server, hand-made and demo reports (Chromium is shared by
the whole session: ``chromium`` in tests/conftest.py)."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sample import sample_report  # noqa: E402

from salesscope.report.builder import ReportData  # noqa: E402


@pytest.fixture(params=["en", "fa"])
def sample(request: pytest.FixtureRequest) -> ReportData:
    return sample_report(request.param)


@pytest.fixture(scope="session")
def demo_reports(demo_path: Path) -> dict[str, ReportData]:
    """The demo workspace's report in English (Gregorian) and Persian (Jalali), built once."""
    import datetime as dt

    import salesscope
    from salesscope.report import build

    today = dt.date(2026, 4, 15)
    ws = salesscope.open(demo_path, read_only=True)
    out = {"en": build(ws, lang="en", calendar="gregorian", today=today),
           "fa": build(ws, lang="fa", calendar="jalali", today=today)}
    ws.close()
    return out


class Inbox:
    """Messages received by the test's SMTP server."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, Inbox]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, stopped after the test."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield "127.0.0.1", port, inbox
    finally:
        ctl.stop()

"""Bounded requests: body limits enforced before parsing and before authentication, nested JSON
uploads refused with a 4xx, against a real server on loopback where the order matters."""

from __future__ import annotations

import json
import os
import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

import salesscope
from salesscope.web import create_app, limits


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    ws = salesscope.init(tmp_path_factory.mktemp("limits") / "ws")
    app = create_app(ws, announce=lambda _: None)
    app.state.users.create("chief", "chief-password-1", "admin")
    app.state.token = app.state.users.new_token("chief", "tests")
    yield app
    ws.close()


@pytest.fixture(scope="module")
def server(app):
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    thread.join(timeout=10)


def answer_without_sending_the_body(port: int, head: str) -> tuple[int, dict]:
    """Send only a request's head and read the answer: the server must decide without the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head.encode())
        data = b""
        while b"\r\n\r\n" not in data or not _complete(data):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.split(b"\r\n\r\n", 1)[1])


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def test_a_body_over_the_limit_is_refused_from_its_declared_length_before_login(server):
    # The 57 MB settings body of the report: answered 413 before a byte is read or anyone checked.
    status, body = answer_without_sending_the_body(server, (
        "PUT /api/v1/settings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {57 * 2**20}\r\n\r\n"))
    assert status == 413 and body["error"]["code"] == "too_large" and body["error"]["message_fa"]


def test_an_anonymous_write_is_refused_before_its_body_is_read(server):
    # Within the size limit, but nobody logged in: 401 while the body has not even been sent.
    for path in ("/api/v1/settings", limits.UPLOAD_PATH):
        status, body = answer_without_sending_the_body(server, (
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {limits.FORM_BYTES - 10}\r\n\r\n"))
        assert status == 401 and body["error"]["code"] == "unauthorized", (path, status, body)


def test_a_streamed_body_is_cut_off_at_the_limit(app):
    sent = []

    def chunks():
        for _ in range(8):
            sent.append(1)
            yield b"[" + b"0," * (limits.FORM_BYTES // 8) + b"0]"

    with TestClient(app) as c:
        r = c.put("/api/v1/settings", content=chunks(), headers={
            "Authorization": f"Bearer {app.state.token}", "Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "too_large" and r.json()["error"]["message_fa"]


@pytest.mark.parametrize("name,text", [
    ("leads.json", "[" * 100_000 + "]" * 100_000),
    ("leads.json", '[{"lead_id": "L1", "created_at": "2024-01-01", "x": ' + "[" * 40 + "]" * 40 + "}]"),
    ("leads.jsonl", '{"lead_id": "L1", "x": ' + "{\"a\": " * 5000 + "1" + "}" * 5000 + "}\n"),
])
def test_deeply_nested_json_uploads_get_a_4xx_with_a_reason(app, name, text):
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/imports/preview", headers={"Authorization": f"Bearer {app.state.token}"},
                   files=[("files", (name, text.encode(), "application/json"))])
    assert r.status_code == 400, (r.status_code, r.text[:300])
    error = r.json()["error"]
    assert "nested more than 32 levels" in error["message"] and error["message_fa"], error
    assert error["file"] == name


def test_the_result_cache_is_bounded_in_bytes_with_a_share_per_scope(app, monkeypatch):
    import numpy as np
    import pandas as pd

    from salesscope.scope import Scope
    from salesscope.web import service

    mb = 2**20
    monkeypatch.setattr(service, "CACHE_BYTES", 8 * mb)
    svc = app.state.service
    svc.config_changed()
    runs: list[str] = []

    def frame(name: str, megabytes: float):
        def compute():
            runs.append(name)
            return pd.DataFrame({"x": np.zeros(int(megabytes * mb / 8))})
        return compute

    manager = {"team": ["North"]}
    svc.cached(("view", "manager"), frame("manager", 1), manager)
    # One rep asks for forty distinct 1 MB views (the day-grain requests of the report).
    for i in range(40):
        svc.cached(("view", i), frame(f"rep{i}", 1), {"rep": ["R01"]})
        assert svc.cache_bytes() <= 8 * mb
    owned = sum(size for _, size, owner in svc._cache.values() if owner == Scope(reps=("R01",)))
    assert owned <= service.SHARE * 8 * mb
    # The manager's answer survived the flood: asked again, it is not computed again.
    svc.cached(("view", "manager"), frame("manager", 1), manager)
    assert runs.count("manager") == 1
    # An answer larger than a share is returned, not kept.
    big = svc.cached(("view", "big"), frame("big", 3), {"rep": ["R05"]})
    assert len(big) == 3 * mb / 8 and svc.cache_bytes() <= 8 * mb
    svc.cached(("view", "big"), frame("big", 3), {"rep": ["R05"]})
    assert runs.count("big") == 2


def _preview(c, token, body: bytes):
    r = c.post("/api/v1/imports/preview", headers={"Authorization": f"Bearer {token}"},
               files=[("files", ("leads.csv", body, "text/csv"))])
    assert r.status_code == 200, r.text
    return r.json()["upload_id"]


def _waiting(app) -> dict[str, int]:
    root = app.state.ws.path / "uploads"
    return {p.name: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) for p in root.iterdir()}


def test_previews_waiting_for_a_commit_are_kept_on_a_budget(app, monkeypatch):
    from salesscope.web import api_imports

    users = app.state.users
    if users.get("other") is None:
        users.create("other", "other-password-1", "admin")
    other = users.new_token("other", "tests")
    body = b"lead_id,created_at\n" + b"".join(b"L%05d,2024-01-01\n" % i for i in range(40))  # ~700 bytes
    with TestClient(app) as c:
        for upload in list(_waiting(app)) if (app.state.ws.path / "uploads").exists() else []:
            import shutil
            shutil.rmtree(app.state.ws.path / "uploads" / upload)
        mine = [_preview(c, app.state.token, body) for _ in range(api_imports.PREVIEWS_PER_USER + 2)]
        # A user keeps their newest previews; the oldest went to make room.
        assert set(_waiting(app)) == set(mine[-api_imports.PREVIEWS_PER_USER:])
        # All previews together stay within the byte budget, whoever made them.
        monkeypatch.setattr(api_imports, "MAX_BYTES", 1000)
        monkeypatch.setattr(api_imports, "UPLOADS_BUDGET", 1000 + 3 * 1100)
        theirs = [_preview(c, other, body) for _ in range(3)]
        waiting = _waiting(app)
        assert sum(waiting.values()) <= api_imports.UPLOADS_BUDGET
        assert theirs[-1] in waiting


def test_every_file_the_server_writes_is_for_its_owner_only(app):
    import stat

    with TestClient(app) as c:
        upload = _preview(c, app.state.token, b"lead_id,created_at\nL1,2024-01-01\n")
        r = c.post(f"/api/v1/imports/{upload}/commit", headers={"Authorization": f"Bearer {app.state.token}"})
        assert r.status_code == 200, r.text
        _preview(c, app.state.token, b"lead_id,created_at\nL2,2024-01-01\n")  # one waiting
    ws = app.state.ws.path
    # The server's umask covers every file it creates, the store's write-ahead log included;
    # the log exists only while a write holds the store open, so the umask that covers it is checked.
    assert (ws / "uploads").is_dir() and (ws / "store.duckdb").exists()
    assert os.umask(0o077) == 0o077
    for q in [ws, *ws.rglob("*")]:
        mode = stat.S_IMODE(q.stat().st_mode)
        assert mode & 0o077 == 0, f"{q} is {oct(mode)}"

"""Fixtures for the web tests: a demo workspace with one user per role, an app, and clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import salesscope
from salesscope.web import create_app

TODAY = dt.date(2026, 4, 15)
PASSWORDS = {"boss": "boss-password-1", "north": "north-password-1", "r01": "rep01-password-1",
             "r05": "rep05-password-1"}


def load_demo(ws: salesscope.Workspace, scale: int = 6_000) -> None:
    """Fill the store the way a user would: the package's demo files through the importer."""
    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files

    files = write_demo_files(ws.path.parent / "demo-files", seed=7, scale=scale, today=TODAY)
    import_files(ws, files, progress=False)


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory) -> Iterator[salesscope.Workspace]:
    root = tmp_path_factory.mktemp("web")
    ws = salesscope.init(root / "ws", currency="EUR", min_sample=20)
    load_demo(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def admin_password(demo_ws) -> str:
    return _app_and_password(demo_ws)[1]


_STATE: dict = {}


def _app_and_password(ws):
    if "app" not in _STATE:
        said: list[str] = []
        app = create_app(ws, announce=said.append)
        password = said[0].split(": ", 1)[1].split()[0]
        users = app.state.users
        users.create("boss", PASSWORDS["boss"], "admin")
        users.create("north", PASSWORDS["north"], "manager", team="North")
        users.create("r01", PASSWORDS["r01"], "rep", rep_id="R01")
        users.create("r05", PASSWORDS["r05"], "rep", rep_id="R05")
        _STATE.update(app=app, password=password)
    return _STATE["app"], _STATE["password"]


@pytest.fixture(scope="session")
def app(demo_ws):
    return _app_and_password(demo_ws)[0]


def login(client: TestClient, username: str, password: str | None = None) -> str:
    """Log in through the HTML form as a browser would; return the session's CSRF token."""
    page = client.get("/login")
    nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"username": username, "password": password or PASSWORDS[username],
                                    "nonce": nonce, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    home = client.get("/")
    return home.text.split('"csrf": "', 1)[1].split('"', 1)[0]


@pytest.fixture
def passwords() -> dict[str, str]:
    return PASSWORDS


@pytest.fixture(name="login")
def login_fixture():
    """The form login as a function, for tests that log in by hand."""
    return login


@pytest.fixture
def as_role(app):
    """A factory: ``as_role("r01")`` gives a logged-in client and its CSRF token."""
    clients = []

    def make(username: str) -> tuple[TestClient, str]:
        c = TestClient(app)
        clients.append(c)
        return c, login(c, username)

    yield make
    for c in clients:
        c.close()


# -- a real server and Debian's Chromium, for the browser tests ---------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server(app):
    """uvicorn on 127.0.0.1 and a free port, serving the same app (and store) as the API tests."""
    import socket
    import threading
    import time

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
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A page on the test server that fails the test on any request elsewhere or script error."""
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=server)
    pg = ctx.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not outside, f"requests outside the app: {outside}"
    assert not errors, f"script errors: {errors}"

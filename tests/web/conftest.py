"""Fixtures for the web tests: a demo workspace with one user per role, an app, and clients."""

from __future__ import annotations

import contextlib
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
def demo_ws(app_store) -> salesscope.Workspace:
    """The store the shared app serves. Tests read it; a test that writes takes ``own_app``."""
    return app_store[0]


@pytest.fixture(scope="session")
def app_store(tmp_path_factory) -> Iterator[tuple[salesscope.Workspace, object, str, object]]:
    """The demo store with one user per role, the shared app on it, the first admin's password, and
    a pristine copy of the store (taken before any test ran) that ``own_app`` starts from."""
    import shutil

    root = tmp_path_factory.mktemp("web")
    ws = salesscope.init(root / "ws", currency="EUR", min_sample=20)
    load_demo(ws)
    said: list[str] = []
    app = create_app(ws, announce=said.append)
    password = said[0].split(": ", 1)[1].split()[0]
    users = app.state.users
    users.create("boss", PASSWORDS["boss"], "admin")
    users.create("north", PASSWORDS["north"], "manager", team="North")
    users.create("r01", PASSWORDS["r01"], "rep", rep_id="R01")
    users.create("r05", PASSWORDS["r05"], "rep", rep_id="R05")
    ws.duckdb.execute("CHECKPOINT")
    shutil.copytree(root / "ws", root / "pristine")
    yield ws, app, password, root / "pristine"
    ws.close()


@pytest.fixture(scope="session")
def r01_alone(app_store, tmp_path_factory) -> Iterator[salesscope.Workspace]:
    """A store holding only R01's rows of the same demo files (same settings): what a scoped answer
    for R01 must equal."""
    from tests.conftest import rep_files

    from salesscope.ingest import import_files

    root = tmp_path_factory.mktemp("r01")
    files = sorted((app_store[0].path.parent / "demo-files").iterdir())
    ws = salesscope.init(root / "ws", currency="EUR", min_sample=20)
    import_files(ws, rep_files(files, "R01", root / "files"), progress=False)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def admin_password(app_store) -> str:
    return app_store[2]


@pytest.fixture(scope="session")
def app(app_store):
    """The app every reading test shares. Nothing may change its store: use ``own_app`` to write."""
    return app_store[1]


@pytest.fixture
def own_app(app_store, tmp_path):
    """An app of the test's own on a fresh copy of the demo store (same users), for tests that write."""
    import shutil

    shutil.copytree(app_store[3], tmp_path / "ws")
    ws = salesscope.open(tmp_path / "ws")
    yield create_app(ws, announce=lambda _: None)
    ws.close()


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


def _clients(app):
    clients = []

    def make(username: str) -> tuple[TestClient, str]:
        c = TestClient(app)
        clients.append(c)
        return c, login(c, username)

    return make, clients


@pytest.fixture
def as_role(app):
    """A factory: ``as_role("r01")`` gives a logged-in client of the shared app and its CSRF token."""
    make, clients = _clients(app)
    yield make
    for c in clients:
        c.close()


@pytest.fixture
def own_role(own_app):
    """``as_role`` on the test's own app (``own_app``), for tests that write."""
    make, clients = _clients(own_app)
    yield make
    for c in clients:
        c.close()


# -- a real server and Debian's Chromium, for the browser tests ---------------------------------


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """uvicorn on 127.0.0.1 and a free port, serving ``app``; its base URL."""
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
    # starting is a few hundred milliseconds; the bound only stops a server that cannot start at all
    deadline = time.monotonic() + 120
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def server(app) -> Iterator[str]:
    """The shared app (and store) of the API tests, served for the browser tests that only read."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium):
    """The session's one Chromium: the browser tests each open their own context in it."""
    return chromium


# How long a browser test waits for what it expects: a bound on a hang, not a measure of speed (a
# cold answer on a loaded machine may take a minute; the benchmarks measure speed beside a baseline).
HANG_MS = 300_000


@contextlib.contextmanager
def checked_page(browser, base_url: str):
    """A page on ``base_url`` that fails the test on any request elsewhere or script error."""
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=base_url)
    ctx.set_default_timeout(HANG_MS)
    pg = ctx.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not outside, f"requests outside the app: {outside}"
    assert not errors, f"script errors: {errors}"


@pytest.fixture
def page(browser, server):
    """A page on the shared server (reading tests)."""
    with checked_page(browser, server) as pg:
        yield pg


@pytest.fixture
def own_page(browser, own_app):
    """A page on a server of the test's own app (``own_app``), for browser tests that write."""
    with serve(own_app) as url, checked_page(browser, url) as pg:
        yield pg

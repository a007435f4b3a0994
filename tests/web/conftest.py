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

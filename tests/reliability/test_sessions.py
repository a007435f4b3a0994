"""Sessions and API tokens live on the server: logout, a password change and deleting the user end
them at once, they follow the user's id (not the name), and tokens expire and can be revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

import salesscope
from salesscope.web import create_app, users
from salesscope.web.auth import SESSION_COOKIE


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from salesscope.ingest import import_files

    root = tmp_path_factory.mktemp("sessions")
    ws = salesscope.init(root / "ws")
    (root / "reps.csv").write_text("rep_id,name,team\nR01,Sara Ahmadi,North\n", encoding="utf-8")
    import_files(ws, [root / "reps.csv"], progress=False)
    app = create_app(ws, announce=lambda _: None)
    app.state.users.create("chief", "chief-password-1", "admin")
    yield app
    ws.close()


@pytest.fixture
def person(app):
    """A fresh rep account per test."""
    made = []

    def make(name: str, password: str = "person-password-1") -> str:
        if app.state.users.get(name):
            app.state.users.delete(name)
        app.state.users.create(name, password, "rep", rep_id="R01")
        made.append(name)
        return name

    yield make
    for name in made:
        if app.state.users.get(name):
            app.state.users.delete(name)


def login(app, username: str, password: str) -> tuple[TestClient, str, str]:
    """A browser-like client logged in through the form: (client, session cookie, CSRF token)."""
    c = TestClient(app, raise_server_exceptions=False)
    page = c.get("/login")
    nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
    r = c.post("/login", data={"username": username, "password": password, "nonce": nonce},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    csrf = c.get("/").text.split('"csrf": "', 1)[1].split('"', 1)[0]
    return c, c.cookies[SESSION_COOKIE], csrf


def replay(app, cookie: str) -> int:
    """What a stolen copy of the cookie gets from the API now."""
    with TestClient(app, cookies={SESSION_COOKIE: cookie}) as c:
        return c.get("/api/v1/me").status_code


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_logout_ends_the_session_on_the_server(app, person):
    name = person("leaver")
    c, cookie, csrf = login(app, name, "person-password-1")
    assert replay(app, cookie) == 200
    r = c.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert replay(app, cookie) == 401


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions_and_tokens(app, person):
    name = person("changer")
    here, cookie_here, csrf = login(app, name, "person-password-1")
    _, cookie_there, _ = login(app, name, "person-password-1")
    token = here.post("/api/v1/tokens", headers={"X-CSRF-Token": csrf}, json={"name": "ci"}).json()["token"]
    assert here.get("/api/v1/me", headers=bearer(token)).status_code == 200

    r = here.put(f"/api/v1/users/{name}/password", headers={"X-CSRF-Token": csrf},
                 json={"password": "brand-new-pass-1"})
    assert r.status_code == 403 and r.json()["error"]["message_fa"]
    r = here.put(f"/api/v1/users/{name}/password", headers={"X-CSRF-Token": csrf},
                 json={"password": "brand-new-pass-1", "current_password": "wrong-password-1"})
    assert r.status_code == 403
    assert replay(app, cookie_there) == 200  # refused changes end nothing

    r = here.put(f"/api/v1/users/{name}/password", headers={"X-CSRF-Token": csrf},
                 json={"password": "brand-new-pass-1", "current_password": "person-password-1"})
    assert r.status_code == 200, r.text
    assert replay(app, cookie_here) == 200  # the session that changed it goes on
    assert replay(app, cookie_there) == 401
    assert here.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_an_admin_needs_the_current_password_for_their_own_too(app):
    c, _, csrf = login(app, "chief", "chief-password-1")
    r = c.put("/api/v1/users/chief/password", headers={"X-CSRF-Token": csrf},
              json={"password": "another-pass-1"})
    assert r.status_code == 403
    assert login(app, "chief", "chief-password-1")  # unchanged


def test_an_admin_reset_ends_every_session_and_token_of_that_user(app, person):
    name = person("reset-me")
    _, cookie, _ = login(app, name, "person-password-1")
    token = app.state.users.new_token(name, "script")
    admin, _, csrf = login(app, "chief", "chief-password-1")
    r = admin.put(f"/api/v1/users/{name}/password", headers={"X-CSRF-Token": csrf},
                  json={"password": "reset-by-admin-1"})
    assert r.status_code == 200, r.text
    assert replay(app, cookie) == 401
    assert admin.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_deleted_users_session_and_token_die_even_if_the_name_comes_back(app, person):
    name = person("ghost")
    _, cookie, _ = login(app, name, "person-password-1")
    token = app.state.users.new_token(name, "script")
    admin, _, csrf = login(app, "chief", "chief-password-1")
    assert admin.delete(f"/api/v1/users/{name}", headers={"X-CSRF-Token": csrf}).status_code == 200
    # The same name again, now a manager: the old cookie and token must not inherit its rights.
    r = admin.post("/api/v1/users", headers={"X-CSRF-Token": csrf}, json={
        "username": name, "password": "ghost-password-2", "role": "manager", "team": "North"})
    assert r.status_code == 201, r.text
    assert replay(app, cookie) == 401
    assert admin.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_tokens_have_names_expiry_and_last_use_and_can_be_listed_and_revoked(app, person, monkeypatch):
    name = person("scripter")
    c, _, csrf = login(app, name, "person-password-1")
    h = {"X-CSRF-Token": csrf}
    short = c.post("/api/v1/tokens", headers=h, json={"name": "nightly", "expires_in_days": 1}).json()["token"]
    other = c.post("/api/v1/tokens", headers=h, json={"name": "laptop"}).json()["token"]
    assert c.post("/api/v1/tokens", headers=h, json={"expires_in_days": 1000}).status_code == 422
    listed = {t["name"]: t for t in c.get("/api/v1/tokens").json()}
    assert set(listed) == {"nightly", "laptop"}
    assert all(short not in str(t) and other not in str(t) for t in listed.values())
    created = dt.datetime.fromisoformat(listed["nightly"]["created_at"])
    assert dt.datetime.fromisoformat(listed["nightly"]["expires_at"]) - created == dt.timedelta(days=1)
    assert dt.datetime.fromisoformat(listed["laptop"]["expires_at"]) - created >= dt.timedelta(days=90)
    assert listed["laptop"]["last_used_at"] is None

    assert c.get("/api/v1/me", headers=bearer(other)).status_code == 200
    listed = {t["name"]: t for t in c.get("/api/v1/tokens").json()}
    assert listed["laptop"]["last_used_at"] is not None

    # Revoked: at once, and only that one.
    r = c.delete(f"/api/v1/tokens/{listed['laptop']['id']}", headers=h)
    assert r.status_code == 200, r.text
    assert c.get("/api/v1/me", headers=bearer(other)).status_code == 401
    assert c.get("/api/v1/me", headers=bearer(short)).status_code == 200
    # Someone else's token id cannot be revoked by guessing it.
    admin, _, acsrf = login(app, "chief", "chief-password-1")
    r = admin.delete(f"/api/v1/tokens/{listed['nightly']['id']}", headers={"X-CSRF-Token": acsrf})
    assert r.status_code == 400
    # Expired: a day and a minute later the one-day token is refused.
    later = users._now() + dt.timedelta(days=1, minutes=1)
    monkeypatch.setattr(users, "_now", lambda: later)
    assert c.get("/api/v1/me", headers=bearer(short)).status_code == 401


def test_a_tokens_use_never_waits_for_another_users_long_read(app, person):
    """A token's last use is a write; while another request reads (a long computation), noting
    it must not make this request, nor everyone queued behind a waiting writer, wait."""
    import threading

    name = person("reader")
    token = app.state.users.new_token(name, "script")
    store = app.state.users.con.store
    reading, release = threading.Event(), threading.Event()

    def long_read() -> None:
        with store.reading():
            reading.set()
            release.wait(120)

    holder = threading.Thread(target=long_read)
    holder.start()
    try:
        assert reading.wait(60)
        answered: list = []
        asker = threading.Thread(target=lambda: answered.append(app.state.users.user_for_token(token)))
        asker.start()
        asker.join(60)  # a guard against hanging, not a speed check: the read holds until released
        assert answered and answered[0].username == name, "the token's use waited for the reader"
        listed = {t["name"]: t for t in app.state.users.tokens(answered[0])}
        assert listed["script"]["last_used_at"] is not None  # noted, though not written yet
        stored = store.lock  # nothing was written while the read went on
        assert stored._writer is None
    finally:
        release.set()
        holder.join(60)
    def stored_use() -> object:
        return app.state.users.con.execute('SELECT last_used_at FROM "_tokens" WHERE name = ? AND username = ?',
                                           ["script", name]).fetchone()[0]

    app.state.users.user_for_token(token)  # a request never writes its note itself
    assert stored_use() is None and store.lock._writer is None
    app.state.users.new_session(answered[0])  # the store's next write (a login) carries it
    assert stored_use() is not None
    listed = {t["name"]: t for t in app.state.users.tokens(answered[0])}
    assert listed["script"]["last_used_at"] == stored_use().isoformat()


def test_a_tokens_last_use_is_written_when_the_server_stops(app, person):
    """Noted uses that no write carried yet are written as the server stops."""
    name = person("nightly")
    token = app.state.users.new_token(name, "stopper")

    def stored_use() -> object:
        return app.state.users.con.execute('SELECT last_used_at FROM "_tokens" WHERE name = ? AND username = ?',
                                           ["stopper", name]).fetchone()[0]

    with TestClient(app) as c:  # a server's start and stop
        assert c.get("/api/v1/me", headers=bearer(token)).status_code == 200
        assert stored_use() is None
    assert stored_use() is not None

"""Web security: who may call what, uploads, logins, cookies and logs, against the real app."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.reliability.conftest import WEB_PASSWORDS

from salesscope.web import api_imports
from salesscope.web.auth import LoginLimiter

CSV = b"lead_id,created_at\nL900001,2024-01-01\n"
EVERYONE = {"chief", "north", "r01"}
ADMIN = {"chief"}
IMPORTERS = {"chief", "north"}


def error_shape(r) -> dict:
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    return body["error"]


@pytest.fixture
def client(web):
    with TestClient(web["app"], raise_server_exceptions=False) as c:
        yield c


def bearer(web, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {web['tokens'][who]}"}


def preview(c: TestClient, headers, files) -> object:
    return c.post("/api/v1/imports/preview", headers=headers,
                  files=[("files", (name, data, "text/csv")) for name, data in files])


def requests_for(c: TestClient, web) -> dict[str, tuple[set[str], object]]:
    """Per operation: who may call it, and a function making a valid call as a given user."""
    users = web["app"].state.users

    def victim(_who: str) -> str:
        name = "victim"
        if users.get(name) is None:
            users.create(name, "victim-password-1", "rep", rep_id="R02")
        return name

    def upload(who: str) -> str:
        if who == "anonymous":
            return "an-upload-id"
        # An upload is committed by whoever previewed it; others are refused before that.
        r = preview(c, bearer(web, who if who in IMPORTERS else "chief"), [("leads.csv", CSV)])
        assert r.status_code == 200, r.text
        return r.json()["upload_id"]

    def sub(who: str) -> int:
        if who == "anonymous":
            return 1
        r = c.post("/api/v1/subscriptions", headers=bearer(web, who),
                   json={"recipient": f"{who}@example.com"})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def own_token(who: str) -> str:
        if who == "anonymous":
            return "abc123"
        users.new_token(who, "to revoke")
        return next(t["id"] for t in users.tokens(users.get(who)) if t["name"] == "to revoke")

    def own_view(who: str) -> str:
        if who == "anonymous":
            return "abc123"
        r = c.post("/api/v1/views", headers=bearer(web, who), json={"name": f"{who}'s", "path": "/funnel"})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    q = {"grain": "quarter"}
    return {
        "GET /api/v1/views": (EVERYONE, lambda h, w: c.get("/api/v1/views", headers=h)),
        "POST /api/v1/views": (EVERYONE, lambda h, w: c.post("/api/v1/views", headers=h,
                                                             json={"name": "mine", "path": "/advice"})),
        "DELETE /api/v1/views/{view_id}": (EVERYONE, lambda h, w: c.delete(
            f"/api/v1/views/{own_view(w)}", headers=h)),
        "GET /api/v1/alerts": (EVERYONE, lambda h, w: c.get("/api/v1/alerts", headers=h)),
        "POST /api/v1/alerts/seen": (EVERYONE, lambda h, w: c.post("/api/v1/alerts/seen", headers=h,
                                                                        json={"keys": ["0" * 24]})),
        "GET /api/v1/funnel/stages": (EVERYONE, lambda h, w: c.get("/api/v1/funnel/stages", headers=h)),
        "GET /api/v1/me": (EVERYONE, lambda h, w: c.get("/api/v1/me", headers=h)),
        "GET /api/v1/catalog": (EVERYONE, lambda h, w: c.get("/api/v1/catalog", headers=h)),
        "GET /api/v1/indicators": (EVERYONE, lambda h, w: c.get(
            "/api/v1/indicators", params={**q, "ids": "win_rate"}, headers=h)),
        "GET /api/v1/overview": (EVERYONE, lambda h, w: c.get("/api/v1/overview", params=q, headers=h)),
        "GET /api/v1/funnel": (EVERYONE, lambda h, w: c.get("/api/v1/funnel", params=q, headers=h)),
        "GET /api/v1/advice": (EVERYONE, lambda h, w: c.get("/api/v1/advice", params=q, headers=h)),
        "GET /api/v1/changes": (EVERYONE, lambda h, w: c.get("/api/v1/changes", headers=h)),
        "GET /api/v1/dimensions/{dim}/values": (EVERYONE, lambda h, w: c.get(
            "/api/v1/dimensions/rep/values", headers=h)),
        "GET /api/v1/indicators/{kpi}/rows": (EVERYONE, lambda h, w: c.get(
            "/api/v1/indicators/win_rate/rows", headers=h,
            params={"period_start": "2026-01-01", "period_end": "2026-03-31"})),
        "GET /api/v1/users": (ADMIN, lambda h, w: c.get("/api/v1/users", headers=h)),
        "POST /api/v1/users": (ADMIN, lambda h, w: c.post("/api/v1/users", headers=h, json={
            "username": f"new-by-{w}", "password": "new-password-1", "role": "rep",
            "rep_id": "R03"})),
        "DELETE /api/v1/users/{username}": (ADMIN, lambda h, w: c.delete(
            f"/api/v1/users/{victim(w)}", headers=h)),
        "PUT /api/v1/users/{username}/password": (ADMIN, lambda h, w: c.put(
            f"/api/v1/users/{victim(w)}/password", headers=h, json={"password": "changed-pass-1"})),
        "POST /api/v1/tokens": (EVERYONE, lambda h, w: c.post("/api/v1/tokens", headers=h,
                                                              json={"name": "x"})),
        "GET /api/v1/why/{kpi}": (EVERYONE, lambda h, w: c.get(
            "/api/v1/why/win_rate", params={"grain": "quarter"}, headers=h)),
        "GET /api/v1/tokens": (EVERYONE, lambda h, w: c.get("/api/v1/tokens", headers=h)),
        "DELETE /api/v1/tokens/{token_id}": (EVERYONE, lambda h, w: c.delete(
            f"/api/v1/tokens/{own_token(w)}", headers=h)),
        "GET /api/v1/subscriptions": (EVERYONE, lambda h, w: c.get("/api/v1/subscriptions",
                                                                   headers=h)),
        "POST /api/v1/subscriptions": (EVERYONE, lambda h, w: c.post(
            "/api/v1/subscriptions", headers=h, json={"recipient": "a@example.com"})),
        "DELETE /api/v1/subscriptions/{sub_id}": (EVERYONE, lambda h, w: c.delete(
            f"/api/v1/subscriptions/{sub(w)}", headers=h)),
        "GET /api/v1/settings": (EVERYONE, lambda h, w: c.get("/api/v1/settings", headers=h)),
        "PUT /api/v1/settings": (ADMIN, lambda h, w: c.put("/api/v1/settings", headers=h,
                                                           json={"min_sample": 20})),
        "GET /api/v1/imports/presets": (EVERYONE, lambda h, w: c.get("/api/v1/imports/presets",
                                                                     headers=h)),
        "GET /api/v1/audit": (ADMIN, lambda h, w: c.get("/api/v1/audit", headers=h)),
        "GET /api/v1/imports": (IMPORTERS, lambda h, w: c.get("/api/v1/imports", headers=h)),
        "POST /api/v1/imports/preview": (IMPORTERS, lambda h, w: preview(
            c, h, [("leads.csv", CSV)])),
        "POST /api/v1/imports/{upload_id}/commit": (IMPORTERS, lambda h, w: c.post(
            f"/api/v1/imports/{upload(w)}/commit", headers=h)),
        "GET /api/v1/forecast": (EVERYONE, lambda h, w: c.get("/api/v1/forecast", headers=h)),
        "GET /api/v1/plan": (EVERYONE, lambda h, w: c.get(
            "/api/v1/plan", params={"target": 100000, "period": "2026-Q3"}, headers=h)),
    }


# Operations anybody may call: they say nothing about the data (whether an import is running).
PUBLIC = {"GET /api/v1/status"}
# Operations a workspace without a CRM's stage history answers with a reason, not a result.
NEEDS_STAGE_HISTORY = {"GET /api/v1/funnel/stages"}


def test_the_matrix_covers_every_documented_operation(web, client):
    documented = {f"{m.upper()} {p}" for p, ops in web["app"].openapi()["paths"].items()
                  for m in ops}
    assert documented == set(requests_for(client, web)) | PUBLIC


def test_the_public_status_says_only_whether_an_import_runs(client):
    r = client.get("/api/v1/status")
    assert r.status_code == 200 and r.json() == {"importing": False}


def test_anonymous_callers_get_401_on_every_operation(web, client):
    for op, (_, call) in requests_for(client, web).items():
        r = call({}, "anonymous")
        assert r.status_code == 401, (op, r.status_code, r.text[:300])
        assert error_shape(r)["code"] == "unauthorized"
        # A forged or stale token is no better.
        r = call({"Authorization": "Bearer ss_forged"}, "anonymous")
        assert r.status_code == 401, (op, r.status_code)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["chief", "north", "r01"])
def test_each_role_may_call_exactly_what_it_should(web, client, who):
    users = web["app"].state.users
    for op, (allowed, call) in requests_for(client, web).items():
        r = call(bearer(web, who), who)
        if who in allowed and op in NEEDS_STAGE_HISTORY:  # allowed: refused for the data, not the caller
            assert r.status_code in (400, 422) and error_shape(r)["code"] not in ("forbidden", "unauthorized"), (
                op, who, r.status_code, r.text[:300])
        elif who in allowed:
            assert r.status_code < 400, (op, who, r.status_code, r.text[:300])
        else:
            assert r.status_code == 403, (op, who, r.status_code, r.text[:300])
            assert error_shape(r)["code"] == "forbidden"
    if who != "chief":
        assert users.get(f"new-by-{who}") is None  # a refused call changed nothing
        assert users.get("victim") is not None
        assert users.verify("victim", "victim-password-1")


def test_rep_and_manager_see_only_their_people(web, client):
    reps = {w: set(client.get("/api/v1/dimensions/rep/values", headers=bearer(web, w))
                   .json()["values"]) for w in EVERYONE}
    assert reps["r01"] == {"R01"}
    stored = web["ws"].duckdb.execute("SELECT rep_id, team FROM reps").fetchall()
    assert reps["chief"] == {r for r, _ in stored}
    assert reps["north"] == {r for r, team in stored if team == "North"} and "R01" in reps["north"]
    assert reps["north"] < reps["chief"]
    rows = client.get("/api/v1/indicators/win_rate/rows", headers=bearer(web, "r01"),
                      params={"period_start": "2024-01-01", "period_end": "2026-12-31"}).json()
    text = str(rows)
    assert "R01" in text and not any(f"'R{k:02d}'" in text for k in range(2, 13))


# -- uploads -----------------------------------------------------------------------------------

def uploads(web) -> set[str]:
    folder = web["ws"].path / api_imports.UPLOADS
    return set(p.name for p in folder.iterdir()) if folder.exists() else set()


def test_upload_size_is_limited_and_nothing_is_kept(web, client, monkeypatch):
    monkeypatch.setattr(api_imports, "MAX_BYTES", 4096)
    before = uploads(web)
    big = b"lead_id,created_at\n" + b"".join(b"L%06d,2024-01-01\n" % i for i in range(400))
    r = preview(client, bearer(web, "chief"), [("leads.csv", big)])
    assert r.status_code == 413 and "too large" in error_shape(r)["message"]
    assert uploads(web) == before
    # Under the limit the same kind of file goes through.
    r = preview(client, bearer(web, "chief"), [("leads.csv", CSV)])
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("name", ["leads.exe", "leads.html", "leads", "payload.sh"])
def test_upload_type_is_checked(web, client, name):
    before = uploads(web)
    r = preview(client, bearer(web, "chief"), [(name, b"<script>alert(1)</script>")])
    assert r.status_code == 400 and "unknown file type" in error_shape(r)["message"]
    assert uploads(web) == before


@pytest.mark.parametrize("name", ["../../../../tmp/leads.csv", "..\\..\\leads.csv",
                                  "/etc/cron.d/leads.csv", "..", ".", "....", "%2e%2e/leads.csv",
                                  "leads.csv/../../x.csv"])
def test_uploaded_file_names_cannot_leave_the_upload_folder(web, client, name, tmp_path):
    ws_root = web["ws"].path
    before = {p for p in ws_root.parent.rglob("*")}
    r = preview(client, bearer(web, "chief"), [(name, CSV)])
    assert r.status_code in (200, 400), (name, r.status_code, r.text)
    if r.status_code == 400:
        error_shape(r)
    created = {p for p in ws_root.parent.rglob("*")} - before
    for p in created:
        assert (ws_root / api_imports.UPLOADS) in p.parents or p.parent == ws_root / "quarantine" \
            or p == ws_root / api_imports.UPLOADS, (name, p)
    assert not Path("/tmp/leads.csv").exists() and not Path("/etc/cron.d/leads.csv").exists()


def test_files_sharing_a_name_are_all_imported(web, client):
    r = preview(client, bearer(web, "chief"), [
        ("leads.csv", b"lead_id,created_at\nL800001,2024-01-01\n"),
        ("sub/leads.csv", b"lead_id,created_at\nL800002,2024-01-02\n")])
    assert r.status_code == 200, r.text
    assert r.json()["summary"]["tables"]["leads"]["read"] == 2


# -- logins, cookies, logs ---------------------------------------------------------------------

def form_login(c: TestClient, username: str, password: str, **headers):
    page = c.get("/login")
    nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
    return c.post("/login", data={"username": username, "password": password, "nonce": nonce,
                                  "next": "/"}, headers=headers, follow_redirects=False)


def test_login_is_rate_limited_even_for_the_right_password(web, client):
    codes = [form_login(client, "north", "wrong-guess").status_code
             for _ in range(LoginLimiter.FREE_ATTEMPTS + 1)]
    assert codes[: LoginLimiter.FREE_ATTEMPTS] == [401] * LoginLimiter.FREE_ATTEMPTS
    assert codes[-1] == 429
    r = form_login(client, "north", WEB_PASSWORDS["north"])
    assert r.status_code == 429 and "salesscope_session" not in r.cookies


def test_password_spraying_from_one_address_is_rate_limited(web, client):
    n = LoginLimiter.ADDRESS_FREE_ATTEMPTS
    codes = [form_login(client, f"user{k}", "Summer2026!").status_code for k in range(n + 2)]
    assert codes[:n] == [401] * n and codes[-1] == 429, codes


def test_no_one_can_lock_an_account_out_from_another_address(web):
    app = web["app"]
    with TestClient(app, client=("203.0.113.9", 40000)) as stranger:
        codes = [form_login(stranger, "north", "wrong-guess").status_code for _ in range(12)]
    assert codes[-1] == 429, codes
    with TestClient(app, client=("198.51.100.7", 50000)) as owner:
        assert form_login(owner, "north", WEB_PASSWORDS["north"]).status_code == 303


def test_a_success_clears_the_address_counter_for_an_office_behind_one_address(web):
    n = LoginLimiter.ADDRESS_FREE_ATTEMPTS
    with TestClient(web["app"], client=("192.0.2.10", 40000)) as office:
        first = [form_login(office, f"typo{k}", "wrong-guess").status_code for k in range(n - 1)]
        assert form_login(office, "north", WEB_PASSWORDS["north"]).status_code == 303
        # Without the success these would cross the address's limit.
        later = [form_login(office, f"typo-b{k}", "wrong-guess").status_code for k in range(n - 1)]
    assert set(first) == set(later) == {401}, (first, later)


def cookie_header(r, name: str) -> str:
    [h] = [v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(name)]
    return h.lower()


def test_session_cookie_flags_over_http_and_behind_https(web, client):
    r = form_login(client, "north", WEB_PASSWORDS["north"])
    h = cookie_header(r, "salesscope_session")
    assert "httponly" in h and "samesite=lax" in h and "secure" not in h
    with TestClient(web["app"]) as c2:
        r = form_login(c2, "north", WEB_PASSWORDS["north"], **{"X-Forwarded-Proto": "https"})
        h = cookie_header(r, "salesscope_session")
        assert "httponly" in h and "samesite=lax" in h and "secure" in h
    with TestClient(web["app"], base_url="https://testserver") as c3:
        r = form_login(c3, "north", WEB_PASSWORDS["north"])
        assert "secure" in cookie_header(r, "salesscope_session")


def test_passwords_and_tokens_never_reach_the_logs(web, client, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Very-Secret-Password-9"
    form_login(client, "north", secret)
    form_login(client, "nobody-here", secret)
    token = client.post("/api/v1/tokens", headers=bearer(web, "chief"), json={}).json()["token"]
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    client.put("/api/v1/users/victim2/password", headers=bearer(web, "chief"),
               json={"password": secret})
    client.post("/api/v1/users", headers=bearer(web, "chief"),
                json={"username": "x", "password": "short", "role": "rep"})
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for s in (secret, token, *web["tokens"].values(), *WEB_PASSWORDS.values(), "short"):
        assert s not in logged


def test_previews_never_committed_are_removed_after_a_day(web, client):
    import os
    import time

    r = preview(client, bearer(web, "chief"), [("leads.csv", CSV)])
    old = web["ws"].path / api_imports.UPLOADS / r.json()["upload_id"]
    day_ago = time.time() - api_imports.STALE_UPLOAD_S - 60
    os.utime(old, (day_ago, day_ago))
    fresh = preview(client, bearer(web, "chief"), [("leads.csv", CSV)]).json()["upload_id"]
    assert not old.exists()
    assert fresh in uploads(web)


def test_security_headers_on_pages_api_answers_and_refusals(web, client):
    h = bearer(web, "chief")
    answers = {"login page": client.get("/login"), "settings page": client.get("/settings", headers=h),
               "API answer": client.get("/api/v1/me", headers=h), "refusal": client.get("/api/v1/me"),
               "docs": client.get("/api/docs"), "script": client.get("/static/app.js")}
    for what, r in answers.items():
        csp = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, what
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0], what
        assert r.headers.get("x-frame-options") == "DENY", what
        assert r.headers.get("x-content-type-options") == "nosniff", what
    for what in ("login page", "settings page", "API answer", "refusal", "docs"):
        assert answers[what].headers.get("cache-control") == "no-store", what
    assert answers["script"].headers.get("cache-control") != "no-store"
    # The page carrying the CSRF token has no inline script for the policy to allow.
    assert "<script>" not in client.get("/", headers=h).text
